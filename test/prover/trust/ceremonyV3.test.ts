/**
 * The ceremony for decider v3 keys (`novanet ceremony … --decider v3`, trust/ceremonyV3.ts): the same
 * steps as the snarkjs ceremony over decider's own `.g16k` key tools. Three contributions by three
 * processes and a beacon verify; a contribution removed, replaced, or a "beacon" that was a private
 * contribution does not. The keys stay labelled insecure-dev: τ, α, β come from the init process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../prover/src/cli/main.js";
import { vkeyHashV3 } from "../../../prover/src/decider/v3.js";
import { readKeys } from "../../../prover/src/groth16/keys.js";
import { contributeKeys } from "../../../prover/src/groth16/phase2.js";
import {
  ceremonyContributeV3,
  ceremonyInitV3,
  ceremonyVerifyV3,
  stepShape,
  transcriptV3,
} from "../../../prover/src/trust/ceremonyV3.js";

const NODE = process.execPath;
const BIN = "prover/bin/novanet.js";
const STEP = "test/fixtures/circuits/cubic.r1cs";
const BEACON = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000";

async function cli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

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
