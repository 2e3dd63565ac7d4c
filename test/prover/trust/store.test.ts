/**
 * The trust store: a real phase-1 `.ptau` made by snarkjs's own CLI (not our generator) loads by path
 * and through a pin; the pin, not the file's name, decides; malformed stores are typed errors.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSrsFromPtau, srsDigest } from "../../../prover/src/commitment/srs.js";
import { TrustStoreError, UntrustedSrsError } from "../../../prover/src/errors/trust.js";
import { fileBlake2b, loadTrustStore, resolveSrs, vkHash } from "../../../prover/src/trust/store.js";

const SNARKJS = "node_modules/snarkjs/build/cli.cjs";

describe("trust: store and pinned ptau files", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-store-"));
  const phase1 = join(dir, "pot6_0001.ptau");
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    // snarkjs's own CLI commands: a new accumulator and one contribution (phase 1 only, not prepared).
    const p0 = join(dir, "pot6_0000.ptau");
    execFileSync(process.execPath, [SNARKJS, "powersoftau", "new", "bn128", "6", p0]);
    execFileSync(process.execPath, [
      SNARKJS,
      "powersoftau",
      "contribute",
      p0,
      phase1,
      "--name=first",
      "-e=some entropy",
    ]);
  });

  it("a phase-1 .ptau from snarkjs's CLI loads by path and passes the batched structure check", async () => {
    const srs = await loadSrsFromPtau(phase1, 100);
    assert.equal(srs.n, 100);
    const r = await resolveSrs(loadTrustStore(), { n: 100, digest: srsDigest(srs) }, phase1);
    assert.equal(r.trust, "unpinned");
    assert.equal(r.digest, srsDigest(srs));
  });

  it("pinned by its blake2b in a --trust store, it is found by its pinned name in a --ptau-dir; other bytes under that name are not", async () => {
    const b2 = await fileBlake2b(phase1);
    assert.match(b2, /^[0-9a-f]{128}$/);
    const storeFile = join(dir, "store.json");
    writeFileSync(
      storeFile,
      JSON.stringify({
        format: "novanet/trust/v1",
        ptau: [{ label: "our phase-1 test ceremony", file: "ours.ptau", power: 6, blake2b: b2, kind: "ceremony" }],
        deciders: [],
      }),
    );
    const folder = join(dir, "ptau");
    mkdirSync(folder);
    copyFileSync(phase1, join(folder, "ours.ptau"));
    const store = loadTrustStore({ stores: [storeFile], ptauDirs: [folder] });
    const digest = srsDigest(await loadSrsFromPtau(phase1, 50));
    const r = await resolveSrs(store, { n: 50, digest });
    assert.equal(r.trust, "ceremony");
    assert.equal(r.label, "our phase-1 test ceremony");
    // A claim for another n (another digest) finds nothing.
    await assert.rejects(resolveSrs(store, { n: 51, digest }), UntrustedSrsError);
    // The same name with one byte changed: not the pin, ignored.
    const bytes = readFileSync(phase1);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(join(folder, "ours.ptau"), bytes);
    await assert.rejects(resolveSrs(store, { n: 50, digest }), UntrustedSrsError);
  });

  it("the committed store pins the Hermez files (power 8..28) and labels dev-11 insecure", async () => {
    const store = loadTrustStore();
    const hermez = store.ptau.filter((p) => p.file.startsWith("powersOfTau28_hez_final"));
    assert.equal(hermez.length, 21);
    assert.ok(hermez.every((p) => p.kind === "ceremony"));
    const dev = store.ptau.find((p) => p.file === "dev-11.ptau");
    assert.equal(dev?.kind, "insecure-dev");
    assert.equal(dev?.blake2b, await fileBlake2b("test/fixtures/ptau/dev-11.ptau"));
  });

  it("malformed stores are TrustStoreError: not JSON, wrong format, a pin with a path, a vkey that is not its vkHash", () => {
    const f = join(dir, "bad.json");
    const bad = (body: string) => {
      writeFileSync(f, body);
      assert.throws(() => loadTrustStore({ stores: [f] }), TrustStoreError, body.slice(0, 40));
    };
    bad("{");
    bad(JSON.stringify({ format: "other" }));
    bad(
      JSON.stringify({
        format: "novanet/trust/v1",
        ptau: [{ label: "x", file: "../x.ptau", power: 6, blake2b: "0".repeat(128), kind: "ceremony" }],
      }),
    );
    const vkey = {
      vk_alpha_1: ["1", "2", "1"],
      vk_beta_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      vk_gamma_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      vk_delta_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      IC: [["1", "2", "1"]],
    };
    const pin = {
      label: "k",
      stepR1csHash: `0x${"ab".repeat(32)}`,
      variant: "hashed",
      vkHash: vkHash(vkey as never),
      vkey,
      kind: "ceremony",
      contributions: 2,
      beacon: true,
    };
    writeFileSync(f, JSON.stringify({ format: "novanet/trust/v1", deciders: [pin] }));
    assert.equal(loadTrustStore({ stores: [f] }).deciders.length, 1);
    // δ swapped for another: the pinned hash no longer matches.
    bad(
      JSON.stringify({
        format: "novanet/trust/v1",
        deciders: [{ ...pin, vkey: { ...vkey, vk_delta_2: vkey.vk_beta_2.slice().reverse() } }],
      }),
    );
  });
});
