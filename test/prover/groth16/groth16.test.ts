import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import { unpackFr } from "../../../prover/src/arith/kernels.js";
import { G1_GENERATOR, g1Add, g1Mul, g2Mul } from "../../../prover/src/curve/bn254.js";
import { Synth } from "../../../prover/src/decider/cs.js";
import { Groth16ProofFormatError, Groth16WitnessError } from "../../../prover/src/errors/groth16.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { ntt, nttWasm } from "../../../prover/src/groth16/fft.js";
import { type G16Circuit, generateKeys, mulG, readKeys, writeKeyFile } from "../../../prover/src/groth16/keys.js";
import { contributeKeys, verifyContribution } from "../../../prover/src/groth16/phase2.js";
import { proveG16, quotient, quotientPacked } from "../../../prover/src/groth16/prove.js";
import { verifyG16 } from "../../../prover/src/groth16/verify.js";
import { scalarsToLe } from "../../../prover/src/msm/backend.js";
import { loadNativeMsm } from "../../../prover/src/msm/cpu/native.js";
import { itIfAvailable } from "../../helpers/optional.js";

/** out = (x + y)·y·z, x public, y committed, z private: ℓ = 2 (x, out), k = 1. */
function toy(x: bigint, y: bigint, z: bigint): { circuit: G16Circuit; w: bigint[] } {
  const build = (cs: Synth) => {
    const xw = cs.alloc(() => x);
    const outw = cs.alloc();
    const yw = cs.alloc(() => y);
    const zw = cs.alloc(() => z);
    const t = cs.mul(cs.add(cs.wire(xw), cs.wire(yw)), cs.wire(yw));
    const o = cs.mul(t, cs.wire(zw));
    cs.set(outw, o.value ?? 0n);
    cs.enforceEqualWire(o, outw);
  };
  const shape = new Synth("shape");
  build(shape);
  const wit = new Synth("witness");
  build(wit);
  return {
    circuit: { nVars: shape.nVars, nPublic: 2, nCommitted: 1, constraints: shape.constraints },
    w: wit.values,
  };
}

describe("commit-and-prove Groth16", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "g16-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("ntt: inverse undoes forward", () => {
    const a = Array.from({ length: 16 }, (_, i) => BigInt(i * i + 3));
    const b = [...a];
    ntt(b);
    assert.notDeepEqual(a, b);
    ntt(b, true);
    assert.deepEqual(a, b);
  });

  itIfAvailable(loadNativeMsm() ? undefined : "the native addon is not built (scripts/build-native.sh)")(
    "the native quotient (frQuotient) equals the bigint/wasm one, and refuses a wrong witness",
    async () => {
      // A chain of products long enough for a 2^11 domain, plus the toy's independence rows.
      const build = (cs: Synth) => {
        const x = cs.alloc(() => 3n);
        let acc = cs.wire(x);
        for (let i = 0; i < 1500; i++) acc = cs.add(cs.mul(acc, cs.wire(x)), cs.constant(BigInt(i)));
      };
      const shape = new Synth("shape");
      build(shape);
      const wit = new Synth("witness");
      build(wit);
      const w = wit.values.map((v) => ((v % P) + P) % P);
      const power = 11;
      const ref = await quotient(shape.constraints, 2, power, w);
      const fast = quotientPacked(shape.constraints, 2, power, scalarsToLe(w));
      assert.ok(fast);
      assert.deepEqual(unpackFr(fast), ref);
      const bad = [...w];
      bad[500] = (bad[500] + 1n) % P;
      assert.throws(() => quotientPacked(shape.constraints, 2, power, scalarsToLe(bad)), Groth16WitnessError);
    },
  );

  itIfAvailable(loadNativeMsm() ? undefined : "the native addon is not built (scripts/build-native.sh)")(
    "native fixed-base multiplication (fixedBaseMul) equals ffjavascript's in G1 and G2",
    async () => {
      const sc = [0n, 1n, 2n, 255n, 256n, P - 1n, ...Array.from({ length: 300 }, () => randomFr())];
      for (const g of ["G1", "G2"] as const) {
        const [a, b] = [await mulG(g, sc, true), await mulG(g, sc, false)];
        assert.ok(Buffer.from(a).equals(Buffer.from(b)), g);
      }
    },
  );

  itIfAvailable(loadNativeMsm() ? undefined : "the native addon is not built (scripts/build-native.sh)")(
    "native G2 MSM (g2Msm) equals ffjavascript's, identity points and zero scalars included",
    async () => {
      const addon = loadNativeMsm() as unknown as { g2Msm(p: Uint8Array, s: Uint8Array): Uint8Array };
      const curve = await buildBn128(false);
      try {
        for (const n of [1, 2, 300]) {
          const pts = await mulG(
            "G2",
            Array.from({ length: n }, () => randomFr()),
          );
          if (n > 2) pts.fill(0, 128, 256);
          const sc = Array.from({ length: n }, (_, i) => (i === 0 && n > 2 ? 0n : randomFr()));
          const ours = addon.g2Msm(pts, scalarsToLe(sc));
          const theirs = curve.G2.toAffine(await curve.G2.multiExpAffine(pts, scalarsToLe(sc)));
          assert.ok(Buffer.from(ours).equals(Buffer.from(theirs)), String(n));
        }
        assert.ok(addon.g2Msm(new Uint8Array(128), scalarsToLe([5n])).every((b) => b === 0));
      } finally {
        await curve.terminate();
      }
    },
  );

  it("nttWasm (ffjavascript) agrees with ntt both ways", async () => {
    for (const n of [2, 16, 1024]) {
      const a = Array.from({ length: n }, (_, i) => (BigInt(i) * 0x1234567890abcdefn + 7n) % P);
      const [x, y] = [[...a], [...a]];
      ntt(x);
      await nttWasm(y);
      assert.deepEqual(y, x, `forward ${n}`);
      ntt(x, true);
      await nttWasm(y, true);
      assert.deepEqual(y, a, `inverse ${n}`);
    }
  });

  it("proves, verifies, round-trips the key file, and rejects each corrupted element", async () => {
    const { circuit, w } = toy(3n, 5n, 7n);
    const path = join(dir, "toy.g16k");
    const header = await generateKeys(circuit, path);
    const pk = await readKeys(path);
    assert.deepEqual(pk.vkey, header.vkey);
    const proof = await proveG16(pk, circuit.constraints, w);
    const inputs = w.slice(1, 3);
    assert.equal(inputs[1], ((3n + 5n) * 5n * 7n) % P);
    assert.ok(verifyG16(pk.vkey, inputs, proof));
    // A second proof is re-randomized (r, s), D is not (it is a function of the committed wires).
    const proof2 = await proveG16(pk, circuit.constraints, w);
    assert.notDeepEqual(proof2.a, proof.a);
    assert.deepEqual(proof2.d, proof.d);
    const G = G1_GENERATOR;
    assert.equal(verifyG16(pk.vkey, [inputs[0], (inputs[1] + 1n) % P], proof), false);
    for (const k of ["a", "c", "d", "pok"] as const) {
      assert.equal(verifyG16(pk.vkey, inputs, { ...proof, [k]: g1Add(proof[k], G) }), false, k);
    }
    assert.equal(verifyG16(pk.vkey, inputs, { ...proof, b: proof2.b }), false, "b");
    // D for another committed value, with a matching proof of knowledge, breaks the Groth16 equation.
    const other = await proveG16(pk, circuit.constraints, toy(3n, 6n, 7n).w);
    assert.equal(verifyG16(pk.vkey, inputs, { ...proof, d: other.d, pok: other.pok }), false, "d+pok swapped");
    // A D shifted by IC_1 (moving a public input into the commitment) has no proof of knowledge.
    const shifted = { ...proof, d: g1Add(proof.d, pk.vkey.ic[1]), pok: g1Add(proof.pok, g1Mul(pk.vkey.ic[1], 2n)) };
    assert.equal(verifyG16(pk.vkey, [inputs[0] - 1n, inputs[1]], shifted), false, "IC moved into D");
    assert.throws(() => verifyG16(pk.vkey, [1n], proof), Groth16ProofFormatError);
    assert.throws(() => verifyG16(pk.vkey, [P, 1n], proof), Groth16ProofFormatError);
    assert.throws(() => verifyG16(pk.vkey, inputs, { ...proof, d: { x: 1n, y: 1n } }), Groth16ProofFormatError);
  });

  it("refuses a witness that does not satisfy the circuit", async () => {
    const { circuit, w } = toy(3n, 5n, 7n);
    const path = join(dir, "toy2.g16k");
    await generateKeys(circuit, path);
    const pk = await readKeys(path);
    const bad = [...w];
    bad[2] = (bad[2] + 1n) % P;
    await assert.rejects(proveG16(pk, circuit.constraints, bad), Groth16WitnessError);
  });
});

describe("commit-and-prove Groth16: phase-2 contributions", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "g16p2-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a contribution and a beacon keep proofs valid, change δ and σ, and verify; a forged one does not", async () => {
    const { circuit, w } = toy(3n, 5n, 7n);
    const p0 = join(dir, "k0.g16k");
    const p1 = join(dir, "k1.g16k");
    const p2 = join(dir, "k2.g16k");
    await generateKeys(circuit, p0);
    await contributeKeys(p0, p1);
    await contributeKeys(p1, p2, { beacon: "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" });
    assert.ok(await verifyContribution(p0, p1));
    assert.ok(await verifyContribution(p1, p2));
    const [k0, k2] = [await readKeys(p0), await readKeys(p2)];
    assert.notDeepEqual(k2.vkey.delta2, k0.vkey.delta2);
    assert.notDeepEqual(k2.vkey.sigma2, k0.vkey.sigma2);
    const proof = await proveG16(k2, circuit.constraints, w);
    assert.ok(verifyG16(k2.vkey, w.slice(1, 3), proof));
    assert.equal(verifyG16(k0.vkey, w.slice(1, 3), proof), false);
    // Two beacons from the same key and value give the same key file.
    const p3 = join(dir, "k3.g16k");
    await contributeKeys(p1, p3, { beacon: "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" });
    assert.deepEqual(readFileSync(p3), readFileSync(p2));
    // A contribution that scales δ but not L (or σ but not σK) is caught.
    const forged = join(dir, "forged.g16k");
    await writeKeyFile(forged, {
      ...k0,
      delta1: g1Mul(k0.delta1, 2n),
      vkey: { ...k0.vkey, delta2: g2Mul(k0.vkey.delta2, 2n) },
    });
    assert.equal(await verifyContribution(p0, forged), false);
    await writeKeyFile(forged, { ...k0, vkey: { ...k0.vkey, sigma2: g2Mul(k0.vkey.sigma2, 2n) } });
    assert.equal(await verifyContribution(p0, forged), false);
    await writeKeyFile(forged, { ...k0, K: k2.sigmaK });
    assert.equal(await verifyContribution(p0, forged), false);
  });
});
