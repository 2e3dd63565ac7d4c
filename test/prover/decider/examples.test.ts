/**
 * The decider on every example circuit (prover/circuits/*.circom with a main component, plus the test
 * fixtures): roots of trees of 1, 5 and 64 leaves, hiding off and on, verified off-chain. Commitments use
 * the committed dev-11 ptau; the Groth16 keys of D_F use the smallest dev ptau that fits it (cached).
 */
import assert from "node:assert/strict";
import { ensureDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { buildDecider } from "../../../prover/src/decider/circuit.js";
import { proveDecider } from "../../../prover/src/decider/prove.js";
import { type DeciderKeys, setupDecider } from "../../../prover/src/decider/setup.js";
import { checkDecider } from "../../../prover/src/decider/verify.js";
import { P } from "../../../prover/src/field/fr.js";
import { exampleCircuits } from "../../helpers/prover.js";
import { deciderSrs, TEST_PTAU, treeRoot } from "./fixtures.js";

// The decider's commitments use the dev-11 SRS (2^11 powers): circuits wider than that (sha256_chain,
// 29,636 constraints) are real-size circuits, measured by `npm run bench:decider`, not run here (their
// Groth16 keys alone need gigabytes and tens of minutes).
const srsPowers = (await deciderSrs()).n;
const all = await exampleCircuits();
const circuits = all.filter((c) => Math.max(c.shape.nW, c.shape.m) + 1 <= srsPowers);

describe("decider on every example circuit that fits the dev-11 SRS (off-chain)", function () {
  this.timeout(900_000);
  it("covers every example circuit except those wider than the dev-11 SRS", () => {
    const skipped = all.filter((c) => !circuits.includes(c)).map((c) => c.name);
    assert.deepEqual(skipped, ["prover/circuits/sha256_chain.circom"]);
  });
  for (const circuit of circuits) {
    describe(circuit.name, () => {
      let keys: DeciderKeys;
      before(async () => {
        const { layout } = buildDecider(circuit.shape);
        let ptau = TEST_PTAU;
        if (layout.nConstraints + layout.nPublic >= 2 ** 11) {
          let power = 12;
          while (2 ** power <= layout.nConstraints + layout.nPublic) power++;
          ptau = await ensureDevPtau(power, { warn: () => {} });
        }
        keys = await setupDecider(circuit.shape, ptau, { contribution: "beacon-only", log: () => {} });
      });
      for (const [n, hiding] of [
        [1, false],
        [5, true],
        [64, true],
      ] as const) {
        it(`accepts the root of ${n} leaves (hiding ${hiding ? "on" : "off"}) and rejects a wrong u`, async () => {
          const srs = await deciderSrs();
          const root = await treeRoot(circuit, srs, n, hiding);
          const proof = await proveDecider(circuit.shape, srs, keys, root.node.U, root.W, { hiding });
          const U = root.node.U;
          assert.deepEqual(await checkDecider(keys.vkey, srs, circuit.shape.s, U, proof), { ok: true });
          const wrong = { ...U, u: (U.u + 1n) % P };
          assert.equal((await checkDecider(keys.vkey, srs, circuit.shape.s, wrong, proof)).ok, false);
        });
      }
    });
  }
});
