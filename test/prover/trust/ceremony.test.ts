/**
 * The decider-key ceremony (`novanet ceremony`) and the δ-forgery it exists to stop.
 *
 * Before this issue, decider keys were made with snarkjs's phase 2 with a beacon only (the committed
 * fixture verifiers) or one in-process contribution (`prove`, `setup`): snarkjs starts phase 2 at δ = 1
 * and a beacon is public, so δ was public and anyone could forge a Groth16 proof for ANY public input
 * (A = [α]₁, B = [β]₂, C = −δ⁻¹·vk_x, since γ = G2). The forgery test below builds it and shows that
 * snarkjs accepts it, then that the ceremony tooling labels such keys dev keys and `verify` refuses them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  G1_GENERATOR,
  type G1Affine,
  G2_GENERATOR,
  g1Add,
  g1Mul,
  g1Neg,
  g2Mul,
  P,
} from "../../../prover/src/curve/bn254.js";
import { snarkjs } from "../../../prover/src/decider/snarkjs.js";
import { DevKeysRefusedError } from "../../../prover/src/errors/trust.js";
import { inv } from "../../../prover/src/field/fr.js";
import {
  ceremonyBeacon,
  ceremonyContribute,
  ceremonyInit,
  ceremonyVerify,
  transcript,
  zkeyContributions,
  zkeySection,
} from "../../../prover/src/trust/ceremony.js";
import { assertKeyAllowed, loadTrustStore, resolveDeciderKey } from "../../../prover/src/trust/store.js";
import { runCli as cli } from "../../helpers/cli.js";

const NODE = process.execPath;
const BIN = "prover/bin/novanet.js";
const STEP = "test/fixtures/circuits/cubic.r1cs";
const PTAU = "test/fixtures/ptau/dev-11.ptau";
const BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

/** The zkey with contribution `i` (0-based) of its MPC section removed (an attacker's edit). */
function withoutContribution(bytes: Uint8Array, i: number): Uint8Array {
  const { pos, size, headerPos } = zkeySection(bytes, 10);
  const recs = records(bytes);
  const [start, end] = recs[i];
  const out = new Uint8Array(bytes.length - (end - start));
  out.set(bytes.subarray(0, start));
  out.set(bytes.subarray(end), start);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(headerPos + 4, BigInt(size - (end - start)), true);
  dv.setUint32(pos + 64, recs.length - 1, true);
  return out;
}

/** [start, end) of each contribution record in the MPC section. */
function records(bytes: Uint8Array): [number, number][] {
  const { pos } = zkeySection(bytes, 10);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const n = dv.getUint32(pos + 64, true);
  let o = pos + 68;
  const out: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const start = o;
    o += 64 * 3 + 128 + 64 + 4;
    const len = dv.getUint32(o, true);
    o += 4 + len;
    out.push([start, o]);
  }
  return out;
}

/** snarkjs's beacon δ: Fr.fromRng(ChaCha(seed = sha256^(2^exp)(beaconHash) as 8 big-endian u32)). */
async function beaconDelta(hashHex: string, exp: number): Promise<bigint> {
  // ffjavascript's ChaCha and F1Field.fromRng (what snarkjs's beacon uses), untyped surface.
  const ff = (await import(String("ffjavascript"))) as {
    ChaCha: new (seed: number[]) => unknown;
    F1Field: new (p: bigint) => { fromRng(rng: unknown): bigint };
  };
  let h = Buffer.from(hashHex, "hex");
  for (let i = 0; i < 2 ** exp; i++) h = createHash("sha256").update(h).digest();
  const seed: number[] = [];
  for (let i = 0; i < 8; i++) seed.push(h.readUInt32BE(4 * i));
  return new ff.F1Field(P).fromRng(new ff.ChaCha(seed));
}

const g1 = (p: string[]): G1Affine => ({ x: BigInt(p[0]), y: BigInt(p[1]) });
const g2 = (p: string[][]) => ({
  x: { c0: BigInt(p[0][0]), c1: BigInt(p[0][1]) },
  y: { c0: BigInt(p[1][0]), c1: BigInt(p[1][1]) },
});

/** Runs `f` and returns what it wrote through `console.log` (a command's stdout) beside its value. */
async function stdoutOf<T>(f: () => Promise<T>): Promise<{ value: T; printed: string[] }> {
  const log = console.log;
  const printed: string[] = [];
  console.log = (...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
  };
  try {
    return { value: await f(), printed };
  } finally {
    console.log = log;
  }
}

describe("trust: decider-key ceremony", function () {
  this.timeout(900_000);
  const root = mkdtempSync(join(tmpdir(), "novanet-ceremony-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("three contributions by three processes and a beacon", () => {
    const dir = join(root, "real");
    let final: string;

    before(async () => {
      const r = await cli(["ceremony", "init", dir, "--circuit", STEP, "--ptau", PTAU]);
      assert.equal(r.code, 0, r.err);
      for (const who of ["alice", "bobby", "carol"]) {
        // Each contributor: its own process, its own entropy (its own machine in a real ceremony).
        const c = spawnSync(NODE, [BIN, "ceremony", "contribute", dir, "--name", who], { encoding: "utf8" });
        assert.equal(c.status, 0, c.stderr);
      }
      const b = await cli(["ceremony", "beacon", dir, "--hash", BEACON]);
      assert.equal(b.code, 0, b.err);
      final = transcript(dir).at(-1)!;
    });

    it("verifies against the rebuilt D_F and the ptau, and is a ceremony key", async () => {
      const r = await cli(["ceremony", "verify", dir, "--circuit", STEP, "--ptau", PTAU]);
      assert.equal(r.code, 0, r.out + r.err);
      const v = JSON.parse(r.out);
      assert.equal(v.ok, true);
      assert.equal(v.kind, "ceremony");
      assert.deepEqual(
        v.contributions.map((c: { type: string; name?: string }) => `${c.type}:${c.name}`),
        ["contribution:alice", "contribution:bobby", "contribution:carol", "beacon:beacon"],
      );
    });

    it("export writes the vkey, the verifier and a trust pin, and prints the vk hash", async () => {
      const out = join(root, "export");
      const r = await cli(["ceremony", "export", dir, "--circuit", STEP, "--ptau", PTAU, "--out", out]);
      assert.equal(r.code, 0, r.err);
      const o = JSON.parse(r.out);
      assert.match(o.vkHash, /^0x[0-9a-f]{64}$/);
      assert.equal(o.kind, "ceremony");
      assert.match(readFileSync(join(out, "CircuitDeciderVerifier.sol"), "utf8"), /is DeciderVerifier/);
      const store = loadTrustStore({ stores: [join(out, "trust.json")] });
      const shape = JSON.parse(readFileSync(join(dir, "ceremony.json"), "utf8"));
      const key = resolveDeciderKey(store, shape.stepR1csHash, "hashed");
      assert.equal(key.trust, "ceremony");
      assert.equal(key.vkHash, o.vkHash);
      assertKeyAllowed(key, false);
    });

    it("a zkey with one contribution removed does not verify", async () => {
      const bad = join(dir, "removed.zkey");
      writeFileSync(bad, withoutContribution(new Uint8Array(readFileSync(final)), 1));
      assert.equal(zkeyContributions(new Uint8Array(readFileSync(bad))).length, 3);
      const { value: v, printed } = await stdoutOf(() => ceremonyVerify(dir, { circuit: STEP, ptau: PTAU, zkey: bad }));
      assert.equal(v.ok, false);
      assert.match(v.reason ?? "", /missing, replaced or forged/);
      // snarkjs's own verdict is part of the reason, and nothing is printed before a command's JSON.
      assert.match(v.reason ?? "", /\(INVALID\(1\): Inconsistent transcript\)/);
      assert.deepEqual(printed, []);
    });

    it("a zkey with a contribution replaced (another party's, on the same base) does not verify", async () => {
      // "mallory" contributes on alice's zkey instead of bobby; her record replaces bobby's in the final zkey.
      const side = join(root, "side");
      await ceremonyInit({ circuit: STEP, ptau: PTAU, dir: side });
      copyFileSync(transcript(dir)[1], join(side, "0001.zkey"));
      await ceremonyContribute(side, "mallo"); // same name length as "bobby": same record size
      const alt = new Uint8Array(readFileSync(join(side, "0002.zkey")));
      const bytes = new Uint8Array(readFileSync(final));
      const [s1, e1] = records(bytes)[1];
      const [s2, e2] = records(alt)[1];
      assert.equal(e1 - s1, e2 - s2);
      bytes.set(alt.subarray(s2, e2), s1);
      const bad = join(dir, "replaced.zkey");
      writeFileSync(bad, bytes);
      assert.equal(zkeyContributions(bytes)[1].name, "mallo");
      const { value: v, printed } = await stdoutOf(() => ceremonyVerify(dir, { circuit: STEP, ptau: PTAU, zkey: bad }));
      assert.equal(v.ok, false);
      assert.match(v.reason ?? "", /\(INVALID\(\d+\): [^)]+\): a contribution is missing, replaced or forged/);
      assert.deepEqual(printed, []);
    });

    it("verify against another step circuit fails", async () => {
      const v = await ceremonyVerify(dir, { circuit: "test/fixtures/circuits/mix2.r1cs", ptau: PTAU });
      assert.equal(v.ok, false);
      assert.match(v.reason ?? "", /another step circuit/);
    });
  });

  describe("δ-forgery on beacon-only keys (accepted before this issue)", () => {
    const dir = join(root, "beacon-only");

    it("anyone recomputes δ from the public beacon and forges a proof snarkjs accepts; the tooling refuses the keys", async () => {
      await ceremonyInit({ circuit: STEP, ptau: PTAU, dir });
      await ceremonyBeacon(dir, BEACON, 10);
      const zkey = transcript(dir).at(-1)!;
      const sj = await snarkjs();
      const vkey = await sj.zKey.exportVerificationKey(zkey);
      const v = vkey as unknown as {
        vk_alpha_1: string[];
        vk_beta_2: string[][];
        vk_delta_2: string[][];
        IC: string[][];
      };
      // δ = 1 · δ_beacon, public.
      const delta = await beaconDelta(BEACON, 10);
      assert.deepEqual(g2Mul(G2_GENERATOR, delta), g2(v.vk_delta_2));
      // A false statement: arbitrary public signals.
      const signals = Array.from({ length: v.IC.length - 1 }, (_, i) => BigInt(1000 + i));
      let vkx = g1(v.IC[0]);
      for (let i = 0; i < signals.length; i++) vkx = g1Add(vkx, g1Mul(g1(v.IC[i + 1]), signals[i]));
      const C = g1Neg(g1Mul(vkx, inv(delta)));
      const A = g1(v.vk_alpha_1);
      const B = v.vk_beta_2;
      const forged = {
        pi_a: [String(A.x), String(A.y), "1"],
        pi_b: [...B.slice(0, 2), ["1", "0"]],
        pi_c: [String(C.x), String(C.y), "1"],
        protocol: "groth16",
        curve: "bn128",
      };
      assert.equal(await sj.groth16.verify(vkey, signals.map(String), forged as never), true, "the forgery works");
      assert.notDeepEqual(C, G1_GENERATOR);
      // The tooling: the transcript verifies, but the keys are dev keys, and verify refuses them.
      const verdict = await ceremonyVerify(dir, { circuit: STEP, ptau: PTAU });
      assert.equal(verdict.ok, true);
      assert.equal(verdict.kind, "insecure-dev");
      const out = join(root, "beacon-export");
      const r = await cli(["ceremony", "export", dir, "--circuit", STEP, "--ptau", PTAU, "--out", out]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /INSECURE DEV KEYS/);
      const store = loadTrustStore({ stores: [join(out, "trust.json")] });
      const c = JSON.parse(readFileSync(join(dir, "ceremony.json"), "utf8"));
      const key = resolveDeciderKey(store, c.stepR1csHash, "hashed");
      assert.equal(key.trust, "insecure-dev");
      assert.throws(() => assertKeyAllowed(key, false), DevKeysRefusedError);
    });

    it("one contribution and a beacon is still a dev key", async () => {
      const one = join(root, "one");
      await ceremonyInit({ circuit: STEP, ptau: PTAU, dir: one });
      await ceremonyContribute(one, "solo");
      await ceremonyBeacon(one, BEACON, 10);
      const v = await ceremonyVerify(one, { circuit: STEP, ptau: PTAU });
      assert.equal(v.ok, true);
      assert.equal(v.kind, "insecure-dev");
      assert.match(v.reason ?? "", /1 contribution/);
    });
  });
});
