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
import { PrivateWrapperError } from "../../../prover/src/errors/private.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
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

  it("the salted commitment hides: same state, fresh salts, different commitments", () => {
    const a = stateCommitment([35n], randomFr());
    const b = stateCommitment([35n], randomFr());
    assert.notEqual(a, b);
    assert.notEqual(a, 35n);
  });
});
