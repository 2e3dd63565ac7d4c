/**
 * The ceremony for decider v3 keys (`novanet ceremony … --decider v3`, trust/ceremonyV3.ts): the same
 * steps as the snarkjs ceremony over decider's own `.g16k` key tools. Three contributions by three
 * processes and a beacon verify; a contribution removed, replaced, or a "beacon" that was a private
 * contribution does not. Without a ptau the keys stay labelled insecure-dev (τ, α, β come from the init
 * process); initialised from a ptau and with one contribution they are `ceremony` keys.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { setupDeciderV3, vkeyHashV3 } from "../../../prover/src/decider/v3.js";
import { readKeys } from "../../../prover/src/groth16/keys.js";
import { contributeKeys } from "../../../prover/src/groth16/phase2.js";
import {
  ceremonyContributeV3,
  ceremonyInitV3,
  ceremonyVerifyV3,
  stepShape,
  transcriptV3,
} from "../../../prover/src/trust/ceremonyV3.js";
import { loadTrustStore } from "../../../prover/src/trust/store.js";
import { resolveDeciderKeyV3 } from "../../../prover/src/trust/v3.js";
import { runCli as cli } from "../../helpers/cli.js";

const NODE = process.execPath;
const BIN = "prover/bin/novanet.js";
const STEP = "test/fixtures/circuits/cubic.r1cs";
const BEACON = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";

describe("trust: decider v3 key ceremony", function () {
  this.timeout(600_000);
  const root = mkdtempSync(join(tmpdir(), "novanet-ceremony-v3-"));
  const dir = join(root, "v3");
  after(() => rmSync(root, { recursive: true, force: true }));

  before(async () => {
    const r = await cli(["ceremony", "init", dir, "--circuit", STEP, "--decider", "v3"]);
    assert.equal(r.code, 0, r.err);
    for (const who of ["alice", "bobby", "carol"]) {
      // Each contributor: its own process, its own entropy (its own machine in a real ceremony).
      const c = spawnSync(NODE, [BIN, "ceremony", "contribute", dir, "--name", who], { encoding: "utf8" });
      assert.equal(c.status, 0, c.stderr);
    }
    const b = await cli(["ceremony", "beacon", dir, "--hash", BEACON]);
    assert.equal(b.code, 0, b.err);
  });

  /** A copy of the ceremony that a test may tamper with. */
  const copy = (name: string) => {
    const d = join(root, name);
    cpSync(dir, d, { recursive: true });
    return d;
  };

  it("three contributions by three processes and a beacon verify; the keys are labelled insecure-dev (τ, α, β)", async () => {
    const r = await cli(["ceremony", "verify", dir, "--circuit", STEP]);
    assert.equal(r.code, 0, r.out + r.err);
    const v = JSON.parse(r.out);
    assert.equal(v.ok, true);
    assert.equal(v.kind, "insecure-dev");
    assert.match(v.reason, /τ, α, β come from the one process that ran `ceremony init`/);
    assert.deepEqual(
      v.steps.map((s: { type: string; name?: string }) => `${s.type}:${s.name ?? ""}`),
      ["contribution:alice", "contribution:bobby", "contribution:carol", "beacon:"],
    );
    assert.match(r.err, /INSECURE DEV KEYS/);
    // Every contribution moved δ: no two consecutive keys share it.
    const keys = await Promise.all(transcriptV3(dir).map((f) => readKeys(f)));
    for (let i = 1; i < keys.length; i++) assert.notDeepEqual(keys[i].delta1, keys[i - 1].delta1);
    const out = join(root, "export");
    const e = await cli(["ceremony", "export", dir, "--circuit", STEP, "--out", out]);
    assert.equal(e.code, 0, e.err);
    const x = JSON.parse(e.out);
    const last = keys[keys.length - 1];
    assert.equal(
      x.vkeyHash,
      vkeyHashV3(
        last.vkey,
        JSON.parse(readFileSync(join(dir, "ceremony.json"), "utf8")).stepR1csHash,
        1,
        (await stepShape(STEP)).nW,
      ),
    );
    assert.equal(JSON.parse(readFileSync(join(out, "vkey-v3.json"), "utf8")).vkeyHash, x.vkeyHash);
  });

  it("a transcript with one contribution removed does not verify", async () => {
    const d = copy("removed");
    // bobby's key and record taken out, the later files renumbered.
    rmSync(join(d, "0002.g16k"));
    renameSync(join(d, "0003.g16k"), join(d, "0002.g16k"));
    renameSync(join(d, "0004.g16k"), join(d, "0003.g16k"));
    const j = JSON.parse(readFileSync(join(d, "ceremony.json"), "utf8"));
    j.steps.splice(1, 1);
    writeFileSync(join(d, "ceremony.json"), JSON.stringify(j));
    const v = await ceremonyVerifyV3(d, { circuit: STEP });
    assert.equal(v.ok, false);
    assert.match(v.reason, /step 2 \(contribution\) is not a valid contribution on step 1/);
  });

  it("a contribution replaced (another party's, on another base) does not verify", async () => {
    const side = join(root, "side");
    await ceremonyInitV3({ circuit: STEP, dir: side });
    await ceremonyContributeV3(side, "mallory");
    const d = copy("replaced");
    copyFileSync(join(side, "0001.g16k"), join(d, "0002.g16k"));
    const v = await ceremonyVerifyV3(d, { circuit: STEP });
    assert.equal(v.ok, false);
    assert.match(v.reason, /step 2 .* removed, replaced or forged/);
  });

  it("a 'beacon' that was a private contribution is caught (the beacon is redone from its public value)", async () => {
    const d = copy("fake-beacon");
    await contributeKeys(join(d, "0003.g16k"), join(d, "0004.g16k"), { entropy: new Uint8Array(64).fill(7) });
    const v = await ceremonyVerifyV3(d, { circuit: STEP });
    assert.equal(v.ok, false);
    assert.match(v.reason, /step 4 (\(beacon\) is not a valid contribution on step 3|is not the beacon)/);
  });

  it("against another step circuit, or with another D_F recorded, it does not verify", async () => {
    const other = await ceremonyVerifyV3(dir, { circuit: "test/fixtures/circuits/mix2.r1cs" });
    assert.equal(other.ok, false);
    assert.match(other.reason, /another step circuit/);
    const d = copy("other-df");
    const j = JSON.parse(readFileSync(join(d, "ceremony.json"), "utf8"));
    j.deciderCircuitHash = `0x${"22".repeat(32)}`;
    writeFileSync(join(d, "ceremony.json"), JSON.stringify(j));
    const v = await ceremonyVerifyV3(d, { circuit: STEP });
    assert.equal(v.ok, false);
    assert.match(v.reason, /D_F v3 is not the one rebuilt/);
  });
});

describe("trust: decider v3 key ceremony from a powers of tau (phase 1 from the ptau)", function () {
  this.timeout(600_000);
  const root = mkdtempSync(join(tmpdir(), "novanet-ceremony-v3-ptau-"));
  const dir = join(root, "v3");
  const ptau = join(root, "phase1-7.ptau");
  const otherPtau = join(root, "other-7.ptau");
  after(() => rmSync(root, { recursive: true, force: true }));

  before(async () => {
    await generateDevPtau(ptau, 7);
    await generateDevPtau(otherPtau, 7);
    const r = await cli(["ceremony", "init", dir, "--circuit", STEP, "--decider", "v3", "--ptau", ptau]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /INSECURE DEV KEYS/);
    const c = spawnSync(NODE, [BIN, "ceremony", "contribute", dir, "--name", "alice"], { encoding: "utf8" });
    assert.equal(c.status, 0, c.stderr);
  });

  const copy = (name: string) => {
    const d = join(root, name);
    cpSync(dir, d, { recursive: true });
    return d;
  };

  it("init derives 0000.g16k from the ptau; one contribution makes it a `ceremony` key, pinned so by export", async () => {
    const j = JSON.parse(readFileSync(join(dir, "ceremony.json"), "utf8"));
    assert.equal(j.phase1.power, 7);
    const r = await cli(["ceremony", "verify", dir, "--circuit", STEP, "--ptau", ptau]);
    assert.equal(r.code, 0, r.out + r.err);
    const v = JSON.parse(r.out);
    assert.equal(v.kind, "ceremony", v.reason);
    assert.doesNotMatch(r.err, /INSECURE DEV KEYS/);
    const out = join(root, "export");
    const e = await cli(["ceremony", "export", dir, "--circuit", STEP, "--out", out, "--ptau", ptau]);
    assert.equal(e.code, 0, e.err);
    assert.equal(JSON.parse(e.out).kind, "ceremony");
    const store = loadTrustStore({ stores: [join(out, "trust-v3.json")], noCommitted: true });
    const pin = (store.decidersV3 ?? [])[0];
    assert.equal(pin.kind, "ceremony");
    assert.equal(pin.vkHash, JSON.parse(e.out).vkeyHash);
    // The exported key file is what `verify --vkey` reads, and its pin labels it a ceremony key.
    const k = resolveDeciderKeyV3(store.decidersV3 ?? [], pin.stepR1csHash, join(out, "vkey-v3.json"));
    assert.equal(k.trust, "ceremony");
    assert.equal(k.vkHash, pin.vkHash);
  });

  it("circuit register --keys <ceremony> needs the ptau the keys come from (usage error, exit 2)", async () => {
    const r = await cli(["circuit", "register", "--circuit", STEP, "--keys", dir, "--rpc", "http://127.0.0.1:9"]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--keys <ceremony> needs --decider v3 and the --ptau/);
    const v2 = await cli(["circuit", "register", "--circuit", STEP, "--keys", dir, "--ptau", ptau, "--decider", "v2"]);
    assert.equal(v2.code, 2, v2.err);
  });

  it("init from a truncated or too small ptau: one typed line, no ceremony written", async () => {
    const cut = join(root, "cut.ptau");
    copyFileSync(ptau, cut);
    truncateSync(cut, 100_000);
    const small = join(root, "small-3.ptau");
    await generateDevPtau(small, 3);
    for (const [p, re] of [
      [cut, /PtauFormatError: the \.ptau file is truncated/],
      [small, /SrsTooSmallError: the \.ptau's power 3 is too small: D_F's domain needs power \d+/],
    ] as const) {
      const d = join(root, `bad-init-${p === cut ? "cut" : "small"}`);
      const r = await cli(["ceremony", "init", d, "--circuit", STEP, "--decider", "v3", "--ptau", p]);
      assert.notEqual(r.code, 0);
      assert.match(r.err, re);
      assert.equal(
        r.err
          .trim()
          .split("\n")
          .filter((l) => /Error/.test(l)).length,
        1,
        r.err,
      );
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
      assert.ok(!existsSync(join(d, "ceremony.json")) && !existsSync(join(d, "0000.g16k.tmp")));
    }
  });

  it("with only the ptau (no contribution, or a beacon only) the key stays insecure-dev", async () => {
    const d = join(root, "beacon-only");
    await ceremonyInitV3({ circuit: STEP, dir: d, ptau });
    let v = await ceremonyVerifyV3(d, { circuit: STEP, ptau });
    assert.equal(v.ok, true);
    assert.equal(v.kind, "insecure-dev");
    assert.ok((await cli(["ceremony", "beacon", d, "--hash", BEACON])).code === 0);
    v = await ceremonyVerifyV3(d, { circuit: STEP, ptau });
    assert.equal(v.kind, "insecure-dev");
    assert.match(v.reason, /0 phase-2 contribution/);
  });

  it("verify needs the same ptau: none, another one, or an init key not derived from it fails", async () => {
    let v = await ceremonyVerifyV3(dir, { circuit: STEP });
    assert.equal(v.ok, false);
    assert.match(v.reason, /pass the same --ptau/);
    v = await ceremonyVerifyV3(dir, { circuit: STEP, ptau: otherPtau });
    assert.equal(v.ok, false);
    assert.match(v.reason, /not the one the ceremony's keys were derived from/);
    // An attacker's init key with a τ it knows (dev keys), the transcript redone on it: caught.
    const d = copy("dev-init");
    await setupDeciderV3(await stepShape(STEP), join(d, "0000.g16k"));
    await contributeKeys(join(d, "0000.g16k"), join(d, "0001.g16k"), { entropy: new Uint8Array(64).fill(3) });
    v = await ceremonyVerifyV3(d, { circuit: STEP, ptau });
    assert.equal(v.ok, false);
    assert.match(v.reason, /0000.g16k is not the key derived from the ptau/);
  });
});
