/**
 * The post-challenge attack of docs/protocol.md §2 ("Why h is there"): commit garbage, read ζ from the
 * commitments, then solve for a Groth16 witness W' matching yW and yE. Against the variant of D_F whose
 * ζ does not absorb W ("unhashed") it yields an accepted proof of a false statement, off-chain and on
 * the EVM; against the real D_F it fails, because ζ then depends on W' and moves when W' is solved for.
 */
import assert from "node:assert/strict";
import { network } from "hardhat";
import { multiply, type R1csShape } from "../../../prover/src/arith/r1cs.js";
import { assembleZ, isRelaxedSatisfied, type RelaxedInstance } from "../../../prover/src/arith/relaxed.js";
import { open } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import type { Srs } from "../../../prover/src/commitment/srs.js";
import { deciderProofAbi, instanceAbi } from "../../../prover/src/decider/abi.js";
import { type DeciderVariant, deciderWitness } from "../../../prover/src/decider/circuit.js";
import { sponge } from "../../../prover/src/decider/poseidon.js";
import type { DeciderProof } from "../../../prover/src/decider/prove.js";
import { writeWtnsBytes } from "../../../prover/src/decider/r1csFile.js";
import type { DeciderKeys } from "../../../prover/src/decider/setup.js";
import { snarkjs } from "../../../prover/src/decider/snarkjs.js";
import { cmDigest } from "../../../prover/src/decider/transcript.js";
import { checkDecider } from "../../../prover/src/decider/verify.js";
import { evalPoly, inv, P, pow, randomFr } from "../../../prover/src/field/fr.js";
import { deciderFixture } from "../../prover/decider/fixtures.js";

const { viem } = await network.connect();

type Garbage = { U: RelaxedInstance; Wg: bigint[]; Eg: bigint[]; rg: bigint; reg: bigint };

/** An instance with random commitments: no witness satisfies it (except with negligible probability). */
async function garbageInstance(shape: R1csShape, srs: Srs): Promise<Garbage> {
  const Wg = Array.from({ length: shape.nW }, randomFr);
  const Eg = Array.from({ length: shape.m }, randomFr);
  const rg = randomFr();
  const reg = randomFr();
  const U = {
    cmW: await commit(srs, Wg, rg),
    cmE: await commit(srs, Eg, reg),
    u: 1n,
    x: Array.from({ length: 2 * shape.s }, randomFr),
  };
  return { U, Wg, Eg, rg, reg };
}

async function groth16(keys: DeciderKeys, witness: bigint[]) {
  const { proof } = await (await snarkjs()).groth16.prove(keys.zkeyPath, {
    type: "mem",
    data: writeWtnsBytes(witness),
  });
  return {
    a: [BigInt(proof.pi_a[0]), BigInt(proof.pi_a[1])] as const,
    b: [
      [BigInt(proof.pi_b[0][1]), BigInt(proof.pi_b[0][0])],
      [BigInt(proof.pi_b[1][1]), BigInt(proof.pi_b[1][0])],
    ] as const,
    c: [BigInt(proof.pi_c[0]), BigInt(proof.pi_c[1])] as const,
  };
}

/**
 * The attacker: ζ0 as read from the commitments (for the hashed circuit it hashes the *committed*
 * garbage, the only W it has before choosing W'), openings of the garbage at ζ0, then a random W' with
 * rW', rE' solved so that W'(ζ0) = yW and E'(W')(ζ0) = yE.
 */
async function attack(shape: R1csShape, srs: Srs, keys: DeciderKeys, variant: DeciderVariant, g: Garbage) {
  const { U } = g;
  const digest = cmDigest(U.cmW, U.cmE);
  const pre = variant === "hashed" ? [sponge([...g.Wg, g.rg, g.reg])] : [];
  const zeta0 = sponge([...pre, digest, U.u, ...U.x]);
  const ow = await open(srs, g.Wg, zeta0, g.rg);
  const oe = await open(srs, g.Eg, zeta0, g.reg);
  const Wp = Array.from({ length: shape.nW }, randomFr);
  const { Az, Bz, Cz } = multiply(shape, assembleZ(shape, U.u, U.x, Wp));
  const Ep = Az.map((a, i) => (((a * Bz[i] - U.u * Cz[i]) % P) + P) % P);
  const rW = ((((ow.y - evalPoly(Wp, zeta0)) % P) + P) * inv(pow(zeta0, BigInt(shape.nW)))) % P;
  const rE = ((((oe.y - evalPoly(Ep, zeta0)) % P) + P) * inv(pow(zeta0, BigInt(shape.m)))) % P;
  const { witness, outputs } = deciderWitness(shape, variant, { u: U.u, x: U.x, cmDigest: digest, W: Wp, rW, rE });
  const base = { piW: ow.pi, piE: oe.pi, blind: null, cmT: { x: 0n, y: 0n } };
  const honestWitnessProof: DeciderProof = { ...(await groth16(keys, witness)), ...outputs, ...base };
  // Force the public wires to the values the openings need (breaks D_F's constraints if they differ).
  const s = shape.s;
  const forced = [...witness];
  forced[2 * s + 3] = zeta0;
  forced[2 * s + 4] = ow.y;
  forced[2 * s + 5] = oe.y;
  const forcedProof: DeciderProof = { ...(await groth16(keys, forced)), zeta: zeta0, yW: ow.y, yE: oe.y, ...base };
  return { zeta0, outputs, honestWitnessProof, forcedProof };
}

describe("decider: the post-challenge attack", function () {
  this.timeout(300_000);

  it("succeeds against D_F without the hash of W (accepted off-chain and on-chain)", async () => {
    const { circuit, keys, srs } = await deciderFixture("mix2", "unhashed");
    const g = await garbageInstance(circuit.shape, srs);
    assert.equal(isRelaxedSatisfied(circuit.shape, g.U, { W: g.Wg, E: g.Eg, rW: g.rg, rE: g.reg }), false);
    const { zeta0, outputs, honestWitnessProof } = await attack(circuit.shape, srs, keys, "unhashed", g);
    // ζ does not move when W' is chosen: the solved witness hits the openings exactly.
    assert.equal(outputs.zeta, zeta0);
    assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, g.U, honestWitnessProof), { ok: true });
    const v = await viem.deployContract("TestOnlyMix2UnhashedDeciderVerifier");
    assert.equal(await v.read.verifyDecider([instanceAbi(g.U), deciderProofAbi(honestWitnessProof)]), true);
  });

  it("fails against D_F (ζ absorbs h = Poseidon(W'), so it moves with the solved witness)", async () => {
    const { circuit, keys, srs } = await deciderFixture("mix2", "hashed");
    const g = await garbageInstance(circuit.shape, srs);
    const { zeta0, outputs, honestWitnessProof, forcedProof } = await attack(circuit.shape, srs, keys, "hashed", g);
    assert.notEqual(outputs.zeta, zeta0);
    const v = await viem.deployContract("TestOnlyMix2DeciderVerifier");
    for (const proof of [honestWitnessProof, forcedProof]) {
      assert.equal((await checkDecider(keys.vkey, srs, circuit.shape.s, g.U, proof)).ok, false);
      await assert.rejects(
        v.read.verifyDecider([instanceAbi(g.U), deciderProofAbi(proof)]),
        /DeciderVerifierProofRejected/,
      );
    }
    // Re-opening the garbage at the witness's own ζ does not help: the values differ from D_F's outputs.
    const ow = await open(srs, g.Wg, outputs.zeta, g.rg);
    assert.notEqual(ow.y, outputs.yW);
  });
});
