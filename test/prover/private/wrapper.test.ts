/**
 * The private-mode wrapper F̂ (prover/src/private/wrapper.ts): generated from cubic.circom, compiled,
 * its witness satisfies its R1CS, its public IO is (Poseidon(F(z), s_out), Poseidon(z, s_in)), and a
 * prover who claims a wrong opening of c_in cannot make a witness.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadR1cs, multiply } from "../../../prover/src/arith/r1cs.js";
import { readR1csHeader } from "../../../prover/src/circuits/compile.js";
import { WitnessCalculator } from "../../../prover/src/circuits/witness.js";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { ContinuityError } from "../../../prover/src/errors/folding.js";
import { PrivateWrapperError } from "../../../prover/src/errors/private.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { foldNodes, makeLeaf } from "../../../prover/src/folding/tree.js";
import {
  compilePrivateCircuit,
  privateStepWitness,
  splitMain,
  stateCommitment,
} from "../../../prover/src/private/wrapper.js";

const CACHE = join(".novanet");
const CUBIC = join("prover", "circuits", "cubic.circom");

describe("private: the wrapper F̂", function () {
  this.timeout(120_000);

  it("splits F's main declaration off its source", () => {
    const r = splitMain("template T(n) { }\n// component main = X();\ncomponent main { public [z_in] } = T(3);\n");
    assert.equal(r.template, "T");
    assert.equal(r.args, "3");
    assert.doesNotMatch(r.body, /component\s+main/);
    assert.throws(() => splitMain("template T() {}"), PrivateWrapperError);
    assert.throws(
      () => splitMain("component main = T(); component main = T();"),
      (e: unknown) => e instanceof PrivateWrapperError && /exactly one/.test(e.message),
    );
  });

  it("compiles cubic's F̂: state width 1, s + 2 private inputs, two Poseidons on top of F", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    assert.equal(pc.s, 1);
    assert.equal(pc.wrapped.stateWidth, 1);
    const h = readR1csHeader(readFileSync(pc.wrapped.r1csPath));
    assert.equal(h.nPubInputs, 1);
    assert.equal(h.nPrvInputs, 3);
    assert.ok(pc.wrapped.nConstraints > pc.step.nConstraints + 2 * 200, String(pc.wrapped.nConstraints));
    // Deterministic: a second compile gives the same R1CS hash.
    const again = await compilePrivateCircuit(CUBIC, CACHE);
    assert.equal(again.wrapped.r1csHash, pc.wrapped.r1csHash);
  });

  it("a step's witness satisfies F̂ with x = (Poseidon(F(z), s_out), Poseidon(z, s_in))", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    const [s0, s1] = [randomFr(), randomFr()];
    const w = privateStepWitness(pc, [3n], s0, s1);
    assert.deepEqual(w.zOut, [35n]);
    assert.equal(w.cIn, stateCommitment([3n], s0));
    assert.equal(w.cOut, stateCommitment([35n], s1));
    assert.deepEqual(w.witness.slice(0, 3), [1n, w.cOut, w.cIn]);
    const { Az, Bz, Cz } = multiply(shape, w.witness);
    for (let i = 0; i < shape.m; i++) assert.equal((Az[i] * Bz[i]) % P, Cz[i], `constraint ${i}`);
  });

  it("rejects a c_in that is not Poseidon(state, salt_in) (the witness calculator's assert fails)", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const calc = WitnessCalculator.load(pc.wrapped.wasmPath);
    const s0 = randomFr();
    assert.throws(
      () =>
        calc.calculateRaw({
          z_in: [stateCommitment([4n], s0)],
          state: [3n],
          salt_in: [s0],
          salt_out: [1n],
        }),
      /assert/,
    );
  });

  it("wraps a width-2 step (vm_step) and a step that itself includes circomlib's Poseidon (poseidon_chain)", async () => {
    const vm = await compilePrivateCircuit(join("prover", "circuits", "vm_step.circom"), CACHE);
    assert.equal(vm.s, 2);
    const [s0, s1] = [randomFr(), randomFr()];
    const w = privateStepWitness(vm, [5n, 0n], s0, s1);
    assert.deepEqual(w.zOut, [12n ** 5n, 1n]);
    assert.equal(w.cOut, stateCommitment([12n ** 5n, 1n], s1));
    const pch = await compilePrivateCircuit(join("prover", "circuits", "poseidon_chain.circom"), CACHE);
    const shape = await loadR1cs(pch.wrapped.r1csPath);
    const wp = privateStepWitness(
      pch,
      Array.from({ length: pch.s }, (_, i) => BigInt(i + 1)),
      s0,
      s1,
    );
    const { Az, Bz, Cz } = multiply(shape, wp.witness);
    for (let i = 0; i < shape.m; i++) assert.equal((Az[i] * Bz[i]) % P, Cz[i], `constraint ${i}`);
  });

  it("binding: a chain that reopens a boundary (other salt, or a state that is not F(z)) does not fold", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    const srs = srsFromTau(randomFr(), shape.nW + 2);
    const ctx = { shape, srs, domain: `0x${"11".repeat(32)}` as const, jobId: 0n, hiding: true };
    const [s0, s1, s2] = [randomFr(), randomFr(), randomFr()];
    const w0 = privateStepWitness(pc, [3n], s0, s1);
    const leaf0 = await makeLeaf(shape, srs, w0.witness, { k: 0, hiding: true });
    // Honest: leaf 1 starts from F(3) = 35 with the same salt s1.
    const honest = await makeLeaf(shape, srs, privateStepWitness(pc, [35n], s1, s2).witness, { k: 1, hiding: true });
    await foldNodes(ctx, leaf0, honest);
    // Cheats: the right state with another salt, or another state (36 ≠ F(3)) with the same salt.
    for (const [z, salt] of [
      [35n, randomFr()],
      [36n, s1],
    ] as const) {
      const cheat = await makeLeaf(shape, srs, privateStepWitness(pc, [z], salt, s2).witness, { k: 1, hiding: true });
      await assert.rejects(foldNodes(ctx, leaf0, cheat), ContinuityError);
    }
  });

  it("the salted commitment hides: same state, fresh salts, different commitments", () => {
    const a = stateCommitment([35n], randomFr());
    const b = stateCommitment([35n], randomFr());
    assert.notEqual(a, b);
    assert.notEqual(a, 35n);
  });
});
