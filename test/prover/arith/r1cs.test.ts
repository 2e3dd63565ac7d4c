import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { keccak256 } from "viem";
import { isSatisfied, loadR1cs, multiply, shapeFromRows } from "../../../prover/src/arith/r1cs.js";
import {
  assembleZ,
  isRelaxedSatisfied,
  type RelaxedInstance,
  type RelaxedWitness,
} from "../../../prover/src/arith/relaxed.js";
import { computeWitness } from "../../../prover/src/circuits/witness.js";
import { R1csFormatError, StateConventionError, WitnessLengthError } from "../../../prover/src/errors/arith.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { testCircuit } from "../../helpers/prover.js";

const CUBIC = "test/fixtures/circuits/cubic.r1cs";

/** Offset of the header section's body in an .r1cs file. */
function headerOffset(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  let pos = 12;
  for (let i = 0; i < dv.getUint32(8, true); i++) {
    if (dv.getUint32(pos, true) === 1) return pos + 12;
    pos += 12 + Number(dv.getBigUint64(pos + 4, true));
  }
  throw new Error("no header");
}

describe("arith/r1cs", () => {
  it("loads circom's cubic circuit: sizes, state width, hash of the file bytes", async () => {
    const shape = await loadR1cs(CUBIC);
    assert.equal(shape.s, 1);
    assert.equal(shape.nVars, 5);
    assert.equal(shape.m, 3);
    assert.equal(shape.nW, 2);
    assert.equal(shape.r1csHash, keccak256(new Uint8Array(await readFile(CUBIC))));
    const fromBytes = await loadR1cs(new Uint8Array(await readFile(CUBIC)));
    assert.deepEqual(fromBytes.A, shape.A);
  });

  it("a circom witness satisfies its R1CS; changing any entry breaks it", async () => {
    const { shape, source } = await testCircuit("mix2");
    const z = await computeWitness(source, [3n, 4n]);
    assert.ok(isSatisfied(shape, z));
    for (let i = 1; i < z.length; i++) {
      const bad = [...z];
      bad[i] = (bad[i] + 1n) % P;
      assert.equal(isSatisfied(shape, bad), false, `entry ${i}`);
    }
    const notOne = [...z];
    notOne[0] = 2n;
    assert.equal(isSatisfied(shape, notOne), false);
    assert.throws(() => isSatisfied(shape, z.slice(1)), WitnessLengthError);
    assert.throws(() => multiply(shape, [...z, 0n]), WitnessLengthError);
  });

  it("multiply is linear: A(z1 + r·z2) = Az1 + r·Az2", async () => {
    const { shape, source } = await testCircuit("cubic");
    const z1 = await computeWitness(source, [3n]);
    const z2 = await computeWitness(source, [5n]);
    const r = randomFr();
    const p1 = multiply(shape, z1);
    const p2 = multiply(shape, z2);
    const p = multiply(
      shape,
      z1.map((v, i) => (v + r * z2[i]) % P),
    );
    assert.deepEqual(
      p.Az,
      p1.Az.map((v, i) => (v + r * p2.Az[i]) % P),
    );
    assert.deepEqual(
      p.Cz,
      p1.Cz.map((v, i) => (v + r * p2.Cz[i]) % P),
    );
  });

  it("rejects a circuit outside the state convention with StateConventionError", async () => {
    const bytes = new Uint8Array(await readFile(CUBIC));
    const h = headerOffset(bytes);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    // header: n8 u32, prime (32 bytes), nVars u32, nOutputs u32, nPubInputs u32, ...
    dv.setUint32(h + 4 + 32 + 8, 2, true);
    await assert.rejects(loadR1cs(bytes), (e: unknown) => {
      assert.ok(e instanceof StateConventionError);
      assert.equal(e.shortMessage, "circuit does not follow the state convention");
      return true;
    });
    assert.throws(() => shapeFromRows({ nVars: 3, nPubOut: 1, nPubIn: 0, A: [], B: [], C: [] }), StateConventionError);
  });

  it("rejects malformed files with R1csFormatError", async () => {
    const bytes = new Uint8Array(await readFile(CUBIC));
    await assert.rejects(loadR1cs(bytes.slice(0, bytes.length - 10)), R1csFormatError);
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    await assert.rejects(loadR1cs(badMagic), R1csFormatError);
    await assert.rejects(loadR1cs("test/fixtures/circuits/nope.r1cs"), R1csFormatError);
    assert.throws(
      () => shapeFromRows({ nVars: 3, nPubOut: 1, nPubIn: 1, A: [{ 5: 1n }], B: [{}], C: [{}] }),
      R1csFormatError,
    );
  });
});

describe("arith/relaxed", () => {
  it("a fresh instance (u = 1, E = 0) from a circom witness is satisfied; the relaxed relation tracks u and E", async () => {
    const { shape, source } = await testCircuit("mix2");
    const z = await computeWitness(source, [7n, 9n]);
    const x = z.slice(1, 1 + 2 * shape.s);
    const W = z.slice(1 + 2 * shape.s);
    const zero = { x: 0n, y: 0n };
    const U: RelaxedInstance = { cmW: zero, cmE: zero, u: 1n, x };
    const wit: RelaxedWitness = { W, E: new Array(shape.m).fill(0n), rW: 0n, rE: 0n };
    assert.ok(isRelaxedSatisfied(shape, U, wit));
    assert.deepEqual(assembleZ(shape, 1n, x, W), z);
    // Scale z by k: A(kz)∘B(kz) = k²·Cz = (k·u)·C(kz) — satisfied with u = k, E = 0.
    const k = randomFr();
    const Uk = { ...U, u: k, x: x.map((v) => (v * k) % P) };
    const Wk = { ...wit, W: W.map((v) => (v * k) % P) };
    assert.ok(isRelaxedSatisfied(shape, Uk, Wk));
    assert.equal(isRelaxedSatisfied(shape, { ...Uk, u: 1n }, Wk), false);
    const E = [...wit.E];
    E[0] = 1n;
    assert.equal(isRelaxedSatisfied(shape, U, { ...wit, E }), false);
    assert.equal(isRelaxedSatisfied(shape, U, { ...wit, W: W.slice(1) }), false);
    assert.equal(isRelaxedSatisfied(shape, { ...U, x: [...x.slice(1), P] }, wit), false);
    assert.throws(() => assembleZ(shape, 1n, x.slice(1), W), WitnessLengthError);
  });
});
