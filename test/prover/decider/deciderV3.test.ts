/**
 * Decider v3 (commit-and-prove Groth16, prover/src/decider/v3.ts): accepts honest roots, rejects every
 * corrupted proof element, instance field and commitment, and defeats the post-challenge attack that
 * the commitment `D` inside `ζ` exists to stop (docs/decider.md "Decider v3: soundness").
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigintKernels, defaultFieldKernels, unpackFr } from "../../../prover/src/arith/kernels.js";
import { multiply, type R1csShape } from "../../../prover/src/arith/r1cs.js";
import { assembleZ, isRelaxedSatisfied, type RelaxedInstance } from "../../../prover/src/arith/relaxed.js";
import { open, verifyOpening } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, type G1Affine, g1Add, g1Mul, g2Mul } from "../../../prover/src/curve/bn254.js";
import { checkAndBlindPacked } from "../../../prover/src/decider/blindPacked.js";
import { decidedInstance } from "../../../prover/src/decider/prove.js";
import { cmDigest } from "../../../prover/src/decider/transcript.js";
import {
  checkDeciderV3,
  claimV3,
  combinedV3,
  commitmentOf,
  type DeciderV3Proof,
  deciderV3Circuit,
  deciderV3Witness,
  deciderV3WitnessPacked,
  kzgWeightV3,
  proveDeciderV3,
  setupDeciderV3,
  vkeyFromWordsV3,
  vkeyHashV3,
  vkeyWordsV3,
  zetaV3,
} from "../../../prover/src/decider/v3.js";
import { DeciderProofFormatError, DeciderUnsatisfiedError } from "../../../prover/src/errors/decider.js";
import { evalPoly, inv, P, pow, randomFr } from "../../../prover/src/field/fr.js";
import { type G16ProvingKey, readKeys } from "../../../prover/src/groth16/keys.js";
import { proveG16 } from "../../../prover/src/groth16/prove.js";
import { verifyG16 } from "../../../prover/src/groth16/verify.js";
import { scalarsToLe } from "../../../prover/src/msm/backend.js";
import { defaultMsmBackend } from "../../../prover/src/msm/default.js";
import { testCircuit } from "../../helpers/prover.js";
import { deciderSrs, treeRoot } from "./fixtures.js";

const G = G1_GENERATOR;
const bump = (p: G1Affine) => g1Add(p, G);

describe("decider v3 (commit-and-prove Groth16)", function () {
  this.timeout(300_000);
  let dir: string;
  const keys = new Map<string, Promise<G16ProvingKey>>();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "dv3-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function fixture(name: "cubic" | "mix2") {
    const circuit = await testCircuit(name);
    let k = keys.get(name);
    if (!k) {
      const path = join(dir, `${name}.g16k`);
      k = setupDeciderV3(circuit.shape, path).then(() => readKeys(path));
      keys.set(name, k);
    }
    return { circuit, pk: await k, srs: await deciderSrs() };
  }

  it("D_F v3 has 3m + nW + 2s + 3 constraints, 2 public inputs, and the packed witness is the synthesizer's", async () => {
    const { circuit } = await fixture("mix2");
    const shape = circuit.shape;
    const c = deciderV3Circuit(shape);
    assert.equal(c.constraints.length, 3 * shape.m + shape.nW + 2 * shape.s + 3);
    assert.equal(c.nPublic, 2);
    assert.equal(c.nCommitted, 2 * shape.s + shape.nW + 3);
    const srs = await deciderSrs();
    const root = await treeRoot(circuit, srs, 3, true);
    const a = { u: root.node.U.u, x: root.node.U.x, zeta: randomFr(), W: root.W.W, rW: root.W.rW, rE: root.W.rE };
    const ref = deciderV3Witness(shape, a);
    for (const kernels of [bigintKernels, defaultFieldKernels()]) {
      const fast = deciderV3WitnessPacked(shape, a, kernels);
      assert.deepEqual(unpackFr(fast.witness), ref.witness, kernels.name);
      assert.equal(fast.y, ref.y);
      assert.equal(fast.yo, ref.yo);
    }
    assert.equal(ref.witness.length, c.nVars);
    assert.equal(ref.y, claimV3(a.zeta, a.u, a.x, ref.yo));
    // The circuit's yo is the opening of cmW + ζ^(nW+1)·cmE at ζ.
    assert.equal(ref.yo, evalPoly(combinedV3(shape, root.W, a.zeta), a.zeta));
  });

  for (const name of ["cubic", "mix2"] as const) {
    for (const hiding of [false, true]) {
      it(`${name}: accepts the root of 3 leaves (hiding ${hiding ? "on" : "off"})`, async () => {
        const { circuit, pk, srs } = await fixture(name);
        const root = await treeRoot(circuit, srs, 3, hiding);
        const proof = await proveDeciderV3(circuit.shape, srs, pk, root.node.U, root.W, { hiding });
        assert.deepEqual(checkDeciderV3(pk.vkey, srs, circuit.shape.s, circuit.shape.nW, root.node.U, proof), {
          ok: true,
        });
        assert.equal(proof.blind === null, !hiding);
      });
    }
  }

  it("rejects every corrupted proof element, instance field and commitment", async () => {
    const { circuit, pk, srs } = await fixture("mix2");
    const s = circuit.shape.s;
    const nW = circuit.shape.nW;
    const root = await treeRoot(circuit, srs, 2, true);
    const U = root.node.U;
    const proof = await proveDeciderV3(circuit.shape, srs, pk, U, root.W, { hiding: true });
    const other = await proveDeciderV3(circuit.shape, srs, pk, U, root.W, { hiding: true });
    assert.deepEqual(checkDeciderV3(pk.vkey, srs, s, nW, U, proof), { ok: true });
    const blind = proof.blind!;
    const cases: [string, RelaxedInstance, DeciderV3Proof, "groth16" | "kzg"][] = [
      ["A", U, { ...proof, g16: { ...proof.g16, a: bump(proof.g16.a) } }, "groth16"],
      ["B", U, { ...proof, g16: { ...proof.g16, b: g2Mul(proof.g16.b, 2n) } }, "groth16"],
      ["C", U, { ...proof, g16: { ...proof.g16, c: bump(proof.g16.c) } }, "groth16"],
      ["D", U, { ...proof, g16: { ...proof.g16, d: bump(proof.g16.d) } }, "groth16"],
      ["PoK", U, { ...proof, g16: { ...proof.g16, pok: bump(proof.g16.pok) } }, "groth16"],
      [
        "D and PoK of another proof",
        U,
        { ...proof, g16: { ...proof.g16, d: other.g16.d, pok: other.g16.pok } },
        "groth16",
      ],
      ["yo", U, { ...proof, yo: (proof.yo + 1n) % P }, "groth16"],
      ["pi", U, { ...proof, pi: bump(proof.pi) }, "kzg"],
      ["cmT", U, { ...proof, cmT: bump(proof.cmT) }, "groth16"],
      ["blind.u", U, { ...proof, blind: { ...blind, u: (blind.u + 1n) % P } }, "groth16"],
      ["blind.x", U, { ...proof, blind: { ...blind, x: [(blind.x[0] + 1n) % P, ...blind.x.slice(1)] } }, "groth16"],
      ["blind.cmW", U, { ...proof, blind: { ...blind, cmW: bump(blind.cmW) } }, "groth16"],
      ["blind.cmE", U, { ...proof, blind: { ...blind, cmE: bump(blind.cmE) } }, "groth16"],
      ["blind dropped", U, { ...proof, blind: null }, "groth16"],
      ["U.u", { ...U, u: (U.u + 1n) % P }, proof, "groth16"],
      ["U.x", { ...U, x: [...U.x.slice(0, -1), (U.x[U.x.length - 1] + 1n) % P] }, proof, "groth16"],
      ["U.cmW", { ...U, cmW: bump(U.cmW) }, proof, "groth16"],
      ["U.cmE", { ...U, cmE: bump(U.cmE) }, proof, "groth16"],
    ];
    for (const [what, Ux, px, reason] of cases) {
      assert.deepEqual(checkDeciderV3(pk.vkey, srs, s, nW, Ux, px), { ok: false, reason }, what);
    }
    assert.throws(() => checkDeciderV3(pk.vkey, srs, s, nW, { ...U, x: U.x.slice(1) }, proof), DeciderProofFormatError);
    assert.throws(() => checkDeciderV3(pk.vkey, srs, s, nW, U, { ...proof, yo: P }), DeciderProofFormatError);
    assert.throws(
      () => checkDeciderV3(pk.vkey, srs, s, nW, U, { ...proof, g16: { ...proof.g16, pok: { x: 1n, y: 1n } } }),
      DeciderProofFormatError,
    );
    // A verifier holding only the pinned words (trust store) rebuilds the key and accepts.
    const words = vkeyWordsV3(pk.vkey, circuit.shape.r1csHash, s, nW);
    const rebuilt = vkeyFromWordsV3(words);
    assert.equal(rebuilt.r1csHash, circuit.shape.r1csHash);
    assert.equal(rebuilt.s, s);
    assert.equal(rebuilt.nW, nW);
    assert.deepEqual(checkDeciderV3(rebuilt.vkey, srs, s, rebuilt.nW, U, proof), { ok: true });
    assert.equal(
      vkeyHashV3(rebuilt.vkey, rebuilt.r1csHash, s, rebuilt.nW),
      vkeyHashV3(pk.vkey, circuit.shape.r1csHash, s, nW),
    );
    // A verifier told the wrong witness length (another ρ = ζ^(nW+1)) rejects.
    assert.deepEqual(checkDeciderV3(pk.vkey, srs, s, nW + 1, U, proof), { ok: false, reason: "kzg" });
    assert.throws(() => vkeyFromWordsV3(words.slice(0, -2)), DeciderProofFormatError);
    assert.throws(() => vkeyFromWordsV3([...words.slice(0, 4), 1n, ...words.slice(5)]), DeciderProofFormatError);
    assert.throws(() => vkeyFromWordsV3([...words.slice(0, 3), 0n, ...words.slice(4)]), DeciderProofFormatError);
    // A key for another setup of the same circuit does not verify the proof, and pins to another hash.
    const path2 = join(dir, "mix2-other.g16k");
    const h2 = await setupDeciderV3(circuit.shape, path2);
    assert.equal(checkDeciderV3(h2.vkey, srs, s, nW, U, proof).ok, false);
    assert.notEqual(
      vkeyHashV3(h2.vkey, circuit.shape.r1csHash, s, nW),
      vkeyHashV3(pk.vkey, circuit.shape.r1csHash, s, nW),
    );
  });

  it("refuses to prove an unsatisfied instance", async () => {
    const { circuit, pk, srs } = await fixture("cubic");
    const root = await treeRoot(circuit, srs, 2, false);
    const U = { ...root.node.U, u: (root.node.U.u + 1n) % P };
    await assert.rejects(proveDeciderV3(circuit.shape, srs, pk, U, root.W), DeciderUnsatisfiedError);
  });

  it("the packed check and blinding fold: a satisfied folded pair whose commitments open, on both kernels", async () => {
    const { circuit, srs } = await fixture("mix2");
    const shape = circuit.shape;
    const root = await treeRoot(circuit, srs, 2, true);
    for (const kernels of [bigintKernels, defaultFieldKernels()]) {
      const r = await checkAndBlindPacked(shape, srs, root.node.U, root.W, true, kernels);
      assert.ok(r.blind, kernels.name);
      assert.ok(isRelaxedSatisfied(shape, r.Ud, r.Wd), `${kernels.name}: folded pair satisfied`);
      assert.deepEqual(await commit(srs, r.Wd.W, r.Wd.rW), r.Ud.cmW, `${kernels.name}: cmW'`);
      assert.deepEqual(await commit(srs, r.Wd.E, r.Wd.rE), r.Ud.cmE, `${kernels.name}: cmE'`);
      assert.deepEqual(decidedInstance(root.node.U, r.blind, r.cmT), r.Ud, `${kernels.name}: the verifier's fold`);
      // Hiding off: the same pair back; a wrong E, u or a non-canonical entry refused.
      const same = await checkAndBlindPacked(shape, srs, root.node.U, root.W, false, kernels);
      assert.equal(same.Ud, root.node.U);
      const badE = { ...root.W, E: root.W.E.map((e, i) => (i === 0 ? (e + 1n) % P : e)) };
      await assert.rejects(checkAndBlindPacked(shape, srs, root.node.U, badE, true, kernels), DeciderUnsatisfiedError);
      const badU = { ...root.node.U, u: (root.node.U.u + 1n) % P };
      await assert.rejects(checkAndBlindPacked(shape, srs, badU, root.W, false, kernels), DeciderUnsatisfiedError);
      const nonCanon = { ...root.W, W: root.W.W.map((w, i) => (i === 0 ? w + P : w)) };
      await assert.rejects(
        checkAndBlindPacked(shape, srs, root.node.U, nonCanon, true, kernels),
        DeciderUnsatisfiedError,
      );
    }
  });

  describe("the post-challenge attack", () => {
    type Garbage = { U: RelaxedInstance; Wg: bigint[]; Eg: bigint[]; rg: bigint; reg: bigint };
    async function garbage(shape: R1csShape, srs: Srs): Promise<Garbage> {
      const Wg = Array.from({ length: shape.nW }, randomFr);
      const Eg = Array.from({ length: shape.m }, randomFr);
      const [rg, reg] = [randomFr(), randomFr()];
      const U = {
        cmW: await commit(srs, Wg, rg),
        cmE: await commit(srs, Eg, reg),
        u: 1n,
        x: Array.from({ length: 2 * shape.s }, randomFr),
      };
      return { U, Wg, Eg, rg, reg };
    }

    /**
     * The attacker reads ζ0 (from D0, its commitment to the garbage, or — against a verifier that left
     * D out of ζ — from the instance alone), opens the garbage's `cmW + ζ0^(nW+1)·cmE` at ζ0, and solves
     * rW' for a random W' and rE' so that D_F's `yo` equals the opening. The Groth16 proof of that
     * witness commits to (u, x, W', rW', rE') in D1 ≠ D0.
     */
    async function attack(shape: R1csShape, srs: Srs, pk: G16ProvingKey, g: Garbage, withD: boolean) {
      const { U } = g;
      const digest = cmDigest(U.cmW, U.cmE);
      const d0 = await commitmentOf(pk, [U.u, ...U.x, ...g.Wg, g.rg, g.reg]);
      const zeta0 = zetaV3(withD ? d0 : { x: 0n, y: 0n }, digest, U.u, U.x);
      const o = await open(srs, combinedV3(shape, { W: g.Wg, E: g.Eg, rW: g.rg, rE: g.reg }, zeta0), zeta0);
      const Wp = Array.from({ length: shape.nW }, randomFr);
      const { Az, Bz, Cz } = multiply(shape, assembleZ(shape, U.u, U.x, Wp));
      const Ep = Az.map((a, i) => (((a * Bz[i] - U.u * Cz[i]) % P) + P) % P);
      const rho = kzgWeightV3(zeta0, shape.nW);
      const rE = randomFr();
      const ePart = (evalPoly(Ep, zeta0) + rE * pow(zeta0, BigInt(shape.m))) % P;
      const rW = ((((o.y - evalPoly(Wp, zeta0) - rho * ePart) % P) + P) * inv(pow(zeta0, BigInt(shape.nW)))) % P;
      const { witness, yo } = deciderV3Witness(shape, { u: U.u, x: U.x, zeta: zeta0, W: Wp, rW, rE });
      assert.equal(yo, o.y);
      const g16 = await proveG16(pk, deciderV3Circuit(shape).constraints, witness);
      const proof: DeciderV3Proof = { g16, yo, pi: o.pi, blind: null, cmT: { x: 0n, y: 0n } };
      return { zeta0, d0, proof };
    }

    it("a verifier that leaves D out of ζ accepts a proof of an unsatisfied instance", async () => {
      const { circuit, pk, srs } = await fixture("mix2");
      const shape = circuit.shape;
      const g = await garbage(shape, srs);
      assert.equal(isRelaxedSatisfied(shape, g.U, { W: g.Wg, E: g.Eg, rW: g.rg, rE: g.reg }), false);
      const { zeta0, proof } = await attack(shape, srs, pk, g, false);
      // Every check of checkDeciderV3 except the binding of D into ζ passes.
      assert.ok(verifyG16(pk.vkey, [zeta0, claimV3(zeta0, g.U.u, g.U.x, proof.yo)], proof.g16));
      const cm = g1Add(g.U.cmW, g1Mul(g.U.cmE, kzgWeightV3(zeta0, shape.nW)));
      assert.ok(verifyOpening(srs, cm, zeta0, proof.yo, proof.pi));
      // The real verifier (ζ absorbs D) rejects it.
      assert.deepEqual(checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, g.U, proof), { ok: false, reason: "groth16" });
    });

    it("fails against decider v3: D moves with the solved witness, and the pre-challenge D does not fit it", async () => {
      const { circuit, pk, srs } = await fixture("mix2");
      const shape = circuit.shape;
      const g = await garbage(shape, srs);
      const { d0, proof } = await attack(shape, srs, pk, g, true);
      assert.notDeepEqual(proof.g16.d, d0);
      assert.deepEqual(checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, g.U, proof), { ok: false, reason: "groth16" });
      // Keep ζ0 by sending the pre-challenge commitment D0 (and its proof of knowledge): the Groth16
      // equation, which ties D to the wires in A, B, C, fails.
      const pok0 = await (await defaultMsmBackend()).msm(
        pk.sigmaK,
        scalarsToLe([g.U.u, ...g.U.x, ...g.Wg, g.rg, g.reg]),
      );
      const swapped = { ...proof, g16: { ...proof.g16, d: d0, pok: pok0 } };
      assert.deepEqual(checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, g.U, swapped), {
        ok: false,
        reason: "groth16",
      });
    });
  });
});
