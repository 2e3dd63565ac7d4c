/**
 * DeciderVerifierV3 on Hardhat's in-process EVM: accepts what the off-chain verifier accepts, its
 * `vkeyHash()` is the trust store's pin (`vkeyHashV3`), and it reverts on every corrupted element, a
 * malformed proof or key, and the post-challenge attack.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { multiply } from "../../../prover/src/arith/r1cs.js";
import type { RelaxedInstance } from "../../../prover/src/arith/relaxed.js";
import { assembleZ } from "../../../prover/src/arith/relaxed.js";
import { open } from "../../../prover/src/commitment/kzg.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { G1_GENERATOR, type G1Affine, g1Add, g2Mul, g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { instanceAbi } from "../../../prover/src/decider/abi.js";
import { cmDigest } from "../../../prover/src/decider/transcript.js";
import {
  checkDeciderV3,
  combinedV3,
  commitmentOf,
  type DeciderV3Proof,
  deciderProofV3Abi,
  deciderV3Circuit,
  deciderV3Witness,
  kzgWeightV3,
  proveDeciderV3,
  setupDeciderV3,
  setupDeciderV3FromPtau,
  vkeyHashV3,
  vkeyWordsV3,
  zetaV3,
} from "../../../prover/src/decider/v3.js";
import { evalPoly, inv, P, pow, randomFr } from "../../../prover/src/field/fr.js";
import { type G16ProvingKey, readKeys } from "../../../prover/src/groth16/keys.js";
import { contributeKeys } from "../../../prover/src/groth16/phase2.js";
import { proveG16 } from "../../../prover/src/groth16/prove.js";
import { scalarsToLe } from "../../../prover/src/msm/backend.js";
import { defaultMsmBackend } from "../../../prover/src/msm/default.js";
import { testCircuit } from "../../helpers/prover.js";
import { deciderSrs, TEST_PTAU, treeRoot } from "../../prover/decider/fixtures.js";

const { viem } = await network.connect();
const G = G1_GENERATOR;
const bump = (p: G1Affine) => g1Add(p, G);

/**
 * Run twice: on dev keys (`setupDeciderV3`) and on keys derived from the ptau the SRS comes from
 * (`setupDeciderV3FromPtau`, no τ, α, β known) after one phase-2 contribution: the same accept and
 * tamper cases hold for both.
 */
for (const keySource of ["dev", "ptau"] as const)
  describe(`DeciderVerifierV3 (on-chain, ${keySource === "dev" ? "dev keys" : "keys from the SRS's ptau + one phase-2 contribution"})`, function () {
    this.timeout(300_000);
    let dir: string;
    let pk: G16ProvingKey;
    let v: Awaited<ReturnType<typeof deploy>>;
    let U: RelaxedInstance;
    let proof: DeciderV3Proof;
    let proof2: DeciderV3Proof;
    const circuitP = testCircuit("mix2");

    async function deploy(key: G16ProvingKey) {
      const circuit = await circuitP;
      const srs = await deciderSrs();
      const words = vkeyWordsV3(key.vkey, circuit.shape.r1csHash, circuit.shape.s, circuit.shape.nW);
      return viem.deployContract("DeciderVerifierV3", [
        words,
        g2ToEvm(srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint],
      ]);
    }

    async function rejects(Ux: RelaxedInstance, p: DeciderV3Proof, error: RegExp, what: string) {
      await assert.rejects(v.read.verifyDecider([instanceAbi(Ux), deciderProofV3Abi(p)]), error, what);
    }

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "dv3c-"));
      const circuit = await circuitP;
      const path = join(dir, "mix2.g16k");
      if (keySource === "dev") await setupDeciderV3(circuit.shape, path);
      else {
        const h = await setupDeciderV3FromPtau(circuit.shape, TEST_PTAU, join(dir, "mix2-0.g16k"));
        assert.equal(h.phase1.power, 11);
        await contributeKeys(join(dir, "mix2-0.g16k"), path);
      }
      pk = await readKeys(path);
      v = await deploy(pk);
      const srs = await deciderSrs();
      const root = await treeRoot(circuit, srs, 2, true);
      U = root.node.U;
      proof = await proveDeciderV3(circuit.shape, srs, pk, U, root.W, { hiding: true });
      proof2 = await proveDeciderV3(circuit.shape, srs, pk, U, root.W, { hiding: true });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("exposes the pinned key hash, r1csHash, state width and [τ]G2", async () => {
      const circuit = await circuitP;
      assert.equal(
        await v.read.vkeyHash(),
        vkeyHashV3(pk.vkey, circuit.shape.r1csHash, circuit.shape.s, circuit.shape.nW),
      );
      assert.equal(await v.read.witnessLength(), BigInt(circuit.shape.nW));
      assert.equal(await v.read.r1csHash(), circuit.shape.r1csHash);
      assert.equal(await v.read.stateWidth(), 2n);
      assert.deepEqual(await v.read.tauG2(), g2ToEvm((await deciderSrs()).tauG2).flat());
    });

    for (const hiding of keySource === "dev" ? [true, false] : [true]) {
      for (const n of keySource === "dev" ? [1, 3] : [3]) {
        it(`accepts the root of ${n} leaves (hiding ${hiding ? "on" : "off"}) and reports its gas`, async () => {
          const circuit = await circuitP;
          const srs = await deciderSrs();
          const root = await treeRoot(circuit, srs, n, hiding);
          const p = await proveDeciderV3(circuit.shape, srs, pk, root.node.U, root.W, { hiding });
          assert.deepEqual(checkDeciderV3(pk.vkey, srs, 2, circuit.shape.nW, root.node.U, p), { ok: true });
          const args = [instanceAbi(root.node.U), deciderProofV3Abi(p)] as const;
          assert.equal(await v.read.verifyDecider(args), true);
          const pc = await viem.getPublicClient();
          const gas = await pc.estimateContractGas({
            address: v.address,
            abi: v.abi,
            functionName: "verifyDecider",
            args,
          });
          console.log(`      gas (state width 2, hiding ${hiding ? "on" : "off"}): ${gas}`);
        });
      }
    }

    it("reverts on every corrupted proof element, instance field and commitment", async () => {
      const R = /DeciderVerifierV3ProofRejected/;
      const blind = proof.blind!;
      const g16 = proof.g16;
      await rejects(U, { ...proof, g16: { ...g16, a: bump(g16.a) } }, R, "A");
      await rejects(U, { ...proof, g16: { ...g16, b: g2Mul(g16.b, 2n) } }, R, "B");
      await rejects(U, { ...proof, g16: { ...g16, c: bump(g16.c) } }, R, "C");
      await rejects(U, { ...proof, g16: { ...g16, d: bump(g16.d) } }, R, "D");
      await rejects(U, { ...proof, g16: { ...g16, pok: bump(g16.pok) } }, R, "PoK");
      await rejects(U, { ...proof, yo: (proof.yo + 1n) % P }, R, "yo");
      await rejects(U, { ...proof, pi: bump(proof.pi) }, R, "pi");
      await rejects(U, { ...proof, cmT: bump(proof.cmT) }, R, "cmT");
      await rejects(U, { ...proof, blind: { ...blind, u: (blind.u + 1n) % P } }, R, "blind.u");
      await rejects(U, { ...proof, blind: { ...blind, cmE: bump(blind.cmE) } }, R, "blind.cmE");
      await rejects(U, { ...proof, blind: { ...blind, cmW: bump(blind.cmW) } }, R, "blind.cmW");
      await rejects(U, { ...proof, blind: { ...blind, x: [...blind.x.slice(0, -1), 5n] } }, R, "blind.x");
      await rejects(
        U,
        { ...proof, g16: { ...g16, d: proof2.g16.d, pok: proof2.g16.pok } },
        R,
        "D, PoK of another proof",
      );
      await rejects({ ...U, u: (U.u + 1n) % P }, proof, R, "U.u");
      await rejects({ ...U, x: [(U.x[0] + 1n) % P, ...U.x.slice(1)] }, proof, R, "U.x");
      await rejects({ ...U, cmW: bump(U.cmW) }, proof, R, "U.cmW");
      await rejects({ ...U, cmE: bump(U.cmE) }, proof, R, "U.cmE");
    });

    it("reverts on malformed input with typed errors", async () => {
      await rejects(U, { ...proof, yo: P }, /DeciderVerifierV3ScalarNotInField/, "yo ≥ p");
      await rejects({ ...U, x: U.x.slice(1) }, proof, /DeciderVerifierV3WrongXLength/, "|x|");
      await rejects(U, { ...proof, g16: { ...proof.g16, d: { x: 1n, y: 1n } } }, /Bn254/, "D off the curve");
      await assert.rejects(
        v.read.verifyDecider([
          instanceAbi(U),
          { ...deciderProofV3Abi({ ...proof, blind: null }), cmT: { x: 1n, y: 2n } },
        ]),
        /DeciderVerifierV3BlindNotEmpty/,
      );
      const circuit = await circuitP;
      const words = vkeyWordsV3(pk.vkey, circuit.shape.r1csHash, circuit.shape.s, circuit.shape.nW);
      const tau = [0n, 0n, 0n, 0n] as const;
      await assert.rejects(viem.deployContract("DeciderVerifierV3", [words.slice(1), tau]), /DeciderVerifierV3BadKey/);
      await assert.rejects(
        viem.deployContract("DeciderVerifierV3", [[...words, 1n, 2n], tau]),
        /DeciderVerifierV3BadKey/,
      );
      await assert.rejects(
        viem.deployContract("DeciderVerifierV3", [[...words.slice(0, 3), 0n, ...words.slice(4)], tau]),
        /DeciderVerifierV3BadKey/,
      );
    });

    it("reverts on the post-challenge attack's proof (garbage committed, witness solved after ζ)", async () => {
      const circuit = await circuitP;
      const shape = circuit.shape;
      const srs = await deciderSrs();
      // The attacker commits garbage W, E, reads ζ0 from its pre-challenge D0, opens the garbage's combined
      // commitment at ζ0 and solves rW' of a random W' so that D_F's yo equals that opening.
      const Wg = Array.from({ length: shape.nW }, randomFr);
      const Eg = Array.from({ length: shape.m }, randomFr);
      const [rg, reg] = [randomFr(), randomFr()];
      const Ug = {
        cmW: await commit(srs, Wg, rg),
        cmE: await commit(srs, Eg, reg),
        u: 1n,
        x: Array.from({ length: 2 * shape.s }, randomFr),
      };
      const d0 = await commitmentOf(pk, [Ug.u, ...Ug.x, ...Wg, rg, reg]);
      const zeta0 = zetaV3(d0, cmDigest(Ug.cmW, Ug.cmE), Ug.u, Ug.x);
      const o = await open(srs, combinedV3(shape, { W: Wg, E: Eg, rW: rg, rE: reg }, zeta0), zeta0);
      const Wp = Array.from({ length: shape.nW }, randomFr);
      const { Az, Bz, Cz } = multiply(shape, assembleZ(shape, Ug.u, Ug.x, Wp));
      const Ep = Az.map((a, i) => (((a * Bz[i] - Ug.u * Cz[i]) % P) + P) % P);
      const rE = randomFr();
      const ePart = (evalPoly(Ep, zeta0) + rE * pow(zeta0, BigInt(shape.m))) % P;
      const rho = kzgWeightV3(zeta0, shape.nW);
      const rW = ((((o.y - evalPoly(Wp, zeta0) - rho * ePart) % P) + P) * inv(pow(zeta0, BigInt(shape.nW)))) % P;
      const { witness, yo } = deciderV3Witness(shape, { u: Ug.u, x: Ug.x, zeta: zeta0, W: Wp, rW, rE });
      assert.equal(yo, o.y);
      const g16 = await proveG16(pk, deciderV3Circuit(shape).constraints, witness);
      const attack: DeciderV3Proof = { g16, yo, pi: o.pi, blind: null, cmT: { x: 0n, y: 0n } };
      await rejects(Ug, attack, /DeciderVerifierV3ProofRejected/, "attack (D moved)");
      const pok0 = await (await defaultMsmBackend()).msm(pk.sigmaK, scalarsToLe([Ug.u, ...Ug.x, ...Wg, rg, reg]));
      await rejects(Ug, { ...attack, g16: { ...g16, d: d0, pok: pok0 } }, /DeciderVerifierV3ProofRejected/, "D0 kept");
    });

    it("a verifier deployed with another setup's key rejects the proof", async () => {
      const circuit = await circuitP;
      const path = join(dir, "other.g16k");
      await setupDeciderV3(circuit.shape, path);
      const other = await deploy(await readKeys(path));
      await assert.rejects(
        other.read.verifyDecider([instanceAbi(U), deciderProofV3Abi(proof)]),
        /DeciderVerifierV3ProofRejected/,
      );
    });
  });
