import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadR1cs, multiply } from "../../../prover/src/arith/r1cs.js";
import { compileCircuit } from "../../../prover/src/circuits/compile.js";
import { circuitForSize, sizedConstraints } from "../../../prover/src/circuits/sized.js";
import { computeWitness, stepOutput } from "../../../prover/src/circuits/witness.js";
import { P } from "../../../prover/src/curve/bn254.js";
import { CircuitNotFoundError } from "../../../prover/src/errors/circuits.js";

/** Every constraint of the circuit holds for witness `w`. */
async function satisfied(r1csPath: string, w: bigint[]): Promise<boolean> {
  const shape = await loadR1cs(r1csPath);
  const { Az, Bz, Cz } = multiply(shape, w);
  return Az.every((a, i) => (a * Bz[i]) % P === Cz[i]);
}

describe("example step circuits (prover/circuits)", () => {
  let cacheDir: string;
  before(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "novanet-examples-"));
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("cubic: s = 1, z_out = z_in^3 + z_in + 5", async () => {
    const c = await compileCircuit("prover/circuits/cubic.circom", { cacheDir });
    assert.equal(c.stateWidth, 1);
    for (const z of [0n, 1n, 3n, 123456789n]) {
      const w = await computeWitness(c, [z]);
      assert.deepEqual(stepOutput(w, 1), [(z * z * z + z + 5n) % P]);
      assert.ok(await satisfied(c.r1csPath, w));
    }
  });

  it("poseidon_chain: s = 1, z_out = Poseidon(z_in), chained", async () => {
    const c = await compileCircuit("prover/circuits/poseidon_chain.circom", { cacheDir });
    assert.equal(c.stateWidth, 1);
    assert.equal(c.nConstraints, 213);
    let z = [1n];
    const w = await computeWitness(c, z);
    // Poseidon(1), circomlib/circomlibjs reference value.
    assert.deepEqual(stepOutput(w, 1), [
      18586133768512220936620570745912940619677854269274689475585506675881198879027n,
    ]);
    assert.ok(await satisfied(c.r1csPath, w));
    const seen = new Set<bigint>();
    for (let i = 0; i < 4; i++) {
      z = stepOutput(await computeWitness(c, z), 1);
      seen.add(z[0]);
    }
    assert.equal(seen.size, 4);
  });

  it("vm_step: s = 2, (acc, pc) -> ((acc + pc + 7)^5, pc + 1)", async () => {
    const c = await compileCircuit("prover/circuits/vm_step.circom", { cacheDir });
    assert.equal(c.stateWidth, 2);
    assert.equal(c.nConstraints, 4);
    let z = [2n, 0n];
    for (let step = 0; step < 3; step++) {
      const w = await computeWitness(c, z);
      assert.ok(await satisfied(c.r1csPath, w));
      const t = (z[0] + z[1] + 7n) % P;
      assert.deepEqual(stepOutput(w, 2), [(t * t * t * t * t) % P, z[1] + 1n]);
      z = stepOutput(w, 2);
    }
    assert.equal(z[1], 3n);
  });

  it("sha256_chain: s = 2, z_out = SHA-256(z_in) over 32 bytes (node:crypto agrees); halves ≥ 2^128 rejected", async () => {
    const c = await compileCircuit("prover/circuits/sha256_chain.circom", { cacheDir });
    assert.equal(c.stateWidth, 2);
    assert.equal(c.nConstraints, 29636);
    const halves = (hex: string) => [BigInt(`0x${hex.slice(0, 32)}`), BigInt(`0x${hex.slice(32)}`)];
    let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let z = halves(hex);
    for (let step = 0; step < 2; step++) {
      const w = await computeWitness(c, z);
      if (step === 0) assert.ok(await satisfied(c.r1csPath, w));
      hex = createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
      z = stepOutput(w, 2);
      assert.deepEqual(z, halves(hex));
    }
    await assert.rejects(computeWitness(c, [1n << 128n, 0n]));
  });

  it("bench_sized: 2^k − 3 constraints, a multiplication chain", async () => {
    const c = await circuitForSize(6, { cacheDir });
    assert.equal(c.nConstraints, sizedConstraints(6));
    assert.equal(c.nConstraints, 61);
    assert.equal(c.stateWidth, 1);
    const w = await computeWitness(c, [5n]);
    assert.ok(await satisfied(c.r1csPath, w));
    let x = 5n;
    for (let i = 0; i < 61; i++) x = (x * (x + BigInt(i) + 1n)) % P;
    assert.deepEqual(stepOutput(w, 1), [x]);
    await assert.rejects(circuitForSize(3, { cacheDir }), CircuitNotFoundError);
  });
});
