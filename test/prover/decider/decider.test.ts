import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRelaxedSatisfied } from "../../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, g1Add, g1Mul } from "../../../prover/src/curve/bn254.js";
import { buildDecider, deciderWitness } from "../../../prover/src/decider/circuit.js";
import { poseidon, sponge } from "../../../prover/src/decider/poseidon.js";
import { proveDecider } from "../../../prover/src/decider/prove.js";
import { setupDecider } from "../../../prover/src/decider/setup.js";
import { checkDecider, verifyDecider } from "../../../prover/src/decider/verify.js";
import {
  DeciderProofFormatError,
  DeciderUnsatisfiedError,
  DeciderVerificationError,
} from "../../../prover/src/errors/decider.js";
import { P } from "../../../prover/src/field/fr.js";
import { deciderFixture, TEST_PTAU, treeRoot } from "./fixtures.js";

describe("decider (off-chain)", function () {
  this.timeout(300_000);

  describe("poseidon", () => {
    it("matches circomlib's Poseidon([1, 2]) test vector", () => {
      assert.equal(poseidon([1n, 2n]), 7853200120776062878684798364095072458815029376092732009249414926327459813530n);
    });
    it("sponge is length-separated and order-sensitive", () => {
      assert.notEqual(sponge([1n, 2n]), sponge([1n, 2n, 0n]));
      assert.notEqual(sponge([1n, 2n]), sponge([2n, 1n]));
      const long = Array.from({ length: 40 }, (_, i) => BigInt(i));
      const changed = [...long];
      changed[37] = 99n;
      assert.notEqual(sponge(long), sponge(changed));
    });
  });

  describe("D_F", () => {
    it("the TS witness satisfies every generated constraint, and a changed wire breaks one", async () => {
      const { circuit } = await deciderFixture("mix2");
      const root = await treeRoot(circuit, (await deciderFixture("mix2")).srs, 3, false);
      const { cs } = buildDecider(circuit.shape);
      const { witness, outputs } = deciderWitness(circuit.shape, "hashed", {
        u: root.node.U.u,
        x: root.node.U.x,
        cmDigest: 5n,
        W: root.W.W,
        rW: root.W.rW,
        rE: root.W.rE,
      });
      const ev = (lc: Map<number, bigint>, w: bigint[]) => {
        let a = 0n;
        for (const [k, c] of lc) a += c * w[k];
        return a % P;
      };
      const bad = (w: bigint[]) => cs.constraints.filter(([a, b, c]) => (ev(a, w) * ev(b, w)) % P !== ev(c, w)).length;
      assert.equal(bad(witness), 0);
      assert.equal(witness.length, cs.nVars);
      // ζ is the sponge of (h, cmDigest, u, x) with h the sponge of (W, rW, rE).
      const h = sponge([...root.W.W, root.W.rW, root.W.rE]);
      assert.equal(outputs.zeta, sponge([h, 5n, root.node.U.u, ...root.node.U.x]));
      const tampered = [...witness];
      tampered[cs.nVars - 1] = (tampered[cs.nVars - 1] + 1n) % P;
      assert.ok(bad(tampered) > 0);
    });
  });

  for (const name of ["cubic", "mix2"] as const) {
    for (const hiding of [false, true]) {
      for (const n of [1, 2, 5]) {
        it(`${name}: accepts the root of ${n} leaves (hiding ${hiding ? "on" : "off"})`, async () => {
          const { circuit, keys, srs } = await deciderFixture(name);
          const root = await treeRoot(circuit, srs, n, hiding);
          const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding });
          assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, root.node.U, proof), { ok: true });
          assert.equal(proof.blind === null, !hiding);
          // Wrong u / x / yE are rejected.
          const U = root.node.U;
          const bad = await checkDecider(keys.vkey, srs, circuit.shape.s, { ...U, u: (U.u + 1n) % P }, proof);
          assert.deepEqual(bad, { ok: false, reason: "groth16" });
          const x2 = [...U.x];
          x2[0] = (x2[0] + 1n) % P;
          assert.equal((await checkDecider(keys.vkey, srs, circuit.shape.s, { ...U, x: x2 }, proof)).ok, false);
          assert.equal((await checkDecider(keys.vkey, srs, circuit.shape.s, U, { ...proof, yE: 1n })).ok, false);
        });
      }
    }
  }

  // Formerly this test moved cmW AFTER proving: cmDigest (a Groth16 public input) changed with it, so the
  // proof failed in Groth16 and the KZG check was never reached. Here the prover itself is handed an
  // instance whose cmW is not a commitment to its witness (the project's proveDecider does not check
  // commitments): D_F's Groth16 proof is valid for that instance (cmDigest, ζ, yW, yE all match), and
  // only the KZG opening of cmW at ζ — which opens commit(W), not the claimed cmW — is false.
  for (const hiding of [false, true]) {
    it(`rejects with the KZG check a proof whose cmW does not commit to the proved W (hiding ${hiding ? "on" : "off"})`, async () => {
      const { circuit, keys, srs } = await deciderFixture("mix2");
      const root = await treeRoot(circuit, srs, 2, hiding);
      const forged = { ...root.node.U, cmW: g1Add(root.node.U.cmW, G1_GENERATOR) };
      const proof = await proveDecider(circuit.shape, srs, keys, forged, root.W, { hiding });
      assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, forged, proof), {
        ok: false,
        reason: "kzg",
      });
      await assert.rejects(
        verifyDecider(keys.vkey, srs, circuit.shape.s, forged, proof),
        (e: Error) => e instanceof DeciderVerificationError && /kzg check failed/.test(e.message),
      );
      // A wrong opening proof πW / πE on an honest proof: π is in no Groth16 input, so again only KZG fails.
      const honest = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding });
      const U = root.node.U;
      assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, U, honest), { ok: true });
      for (const bad of [
        { ...honest, piW: g1Add(honest.piW, G1_GENERATOR) },
        { ...honest, piE: g1Add(honest.piE, G1_GENERATOR) },
        { ...honest, piW: honest.piE, piE: honest.piW },
      ]) {
        assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, U, bad), { ok: false, reason: "kzg" });
      }
    });
  }

  it("rejects with the blinding check a non-hiding proof with leftovers in cmT (as DeciderVerifierBlindNotEmpty)", async () => {
    const { circuit, keys, srs } = await deciderFixture("mix2");
    const root = await treeRoot(circuit, srs, 2, false);
    const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding: false });
    const bad = { ...proof, cmT: g1Mul(G1_GENERATOR, 5n) };
    assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, root.node.U, bad), {
      ok: false,
      reason: "blinding",
    });
  });

  it("refuses to prove an unsatisfied instance (DeciderUnsatisfiedError)", async () => {
    const { circuit, keys, srs } = await deciderFixture("mix2");
    const root = await treeRoot(circuit, srs, 2, false);
    const W = { ...root.W, W: [...root.W.W] };
    W.W[0] = (W.W[0] + 1n) % P;
    assert.equal(isRelaxedSatisfied(circuit.shape, root.node.U, W), false);
    await assert.rejects(proveDecider(circuit.shape, srs, keys, root.node.U, W), DeciderUnsatisfiedError);
  });

  it("throws DeciderProofFormatError on malformed input (x length, scalar ≥ p, point off the curve)", async () => {
    const { circuit, keys, srs } = await deciderFixture("mix2");
    const root = await treeRoot(circuit, srs, 1, false);
    const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding: false });
    const U = root.node.U;
    await assert.rejects(checkDecider(keys.vkey, srs, 2, { ...U, x: U.x.slice(1) }, proof), DeciderProofFormatError);
    await assert.rejects(checkDecider(keys.vkey, srs, 2, { ...U, u: P }, proof), DeciderProofFormatError);
    await assert.rejects(checkDecider(keys.vkey, srs, 2, U, { ...proof, zeta: P }), DeciderProofFormatError);
    await assert.rejects(
      checkDecider(keys.vkey, srs, 2, U, { ...proof, piW: { x: 1n, y: 3n } }),
      DeciderProofFormatError,
    );
  });

  it("setup reports snarkjs's progress as structured events, and the keys verify a proof", async () => {
    const { circuit, srs } = await deciderFixture("cubic");
    const cacheDir = mkdtempSync(join(tmpdir(), "novanet-setup-"));
    try {
      const events: Record<string, unknown>[] = [];
      const keys = await setupDecider(circuit.shape, TEST_PTAU, {
        cacheDir,
        entropy: "setup progress test",
        log: (e) => events.push(e),
        progressEveryMs: 0,
      });
      const steps = (name: string) => events.filter((e) => e.step === name);
      for (const step of ["newZKey", "contribute", "beacon"]) {
        assert.ok(
          steps(step).some((e) => typeof e.level === "string" && typeof e.msg === "string" && e.msg.length > 0),
          `snarkjs progress of ${step}`,
        );
      }
      assert.ok(steps("newZKey").some((e) => typeof e.ms === "number"));
      assert.ok(steps("contribute").some((e) => typeof e.ms === "number"));
      assert.ok(steps("keys").some((e) => e.dir === keys.dir));
      const root = await treeRoot(circuit, srs, 2, true);
      const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding: true });
      assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, root.node.U, proof), { ok: true });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
