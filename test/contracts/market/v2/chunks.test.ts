/**
 * The chunk verifier (contracts/market/Chunks.sol, assembly) against the prover's folding engine: the root
 * instance the market stores for a chunk or a bundle equals the one the TypeScript verifier folds
 * (`foldInstances` with `foldChallenge`, post-order over the split rule), and one corrupted input of each kind
 * is rejected.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { encodeAbiParameters, encodePacked, type Hex, keccak256, parseEventLogs } from "viem";
import type { RelaxedInstance } from "../../../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../../../prover/src/curve/bn254.js";
import { P } from "../../../../prover/src/field/fr.js";
import { foldInstances } from "../../../../prover/src/folding/nifs.js";
import { foldChallenge } from "../../../../prover/src/folding/transcript.js";
import { foldDepthFirst, nodeRange } from "../../../../prover/src/tree/shape.js";
import { revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

type G1 = { x: bigint; y: bigint };

/** The root of subtree `[a, c)` folded by the prover's verifier side. */
async function expectedRoot(
  domain: `0x${string}`,
  jobId: bigint,
  a: number,
  c: number,
  states: readonly bigint[][],
  cmW: readonly G1[],
  cmT: readonly G1[],
): Promise<RelaxedInstance> {
  let t = 0;
  return foldDepthFirst<RelaxedInstance>(
    a,
    c,
    (k) => ({ cmW: cmW[k - a], cmE: { x: 0n, y: 0n }, u: 1n, x: [...states[k + 1], ...states[k]] }),
    (L, R, step) => {
      const T = cmT[t++];
      return foldInstances(L, R, T, foldChallenge(domain, jobId, step.id, L, R, T));
    },
  );
}

describe("Market v2: chunk folds match the prover's engine", function () {
  this.timeout(300_000);

  for (const [n, k] of [
    [13, 3],
    [16, 4],
    [7, 3],
  ] as const) {
    it(`${n} leaves, chunks of 2^${k}: every chunk's stored instance is the engine's`, async () => {
      const f = await v2Fixture();
      const job = await f.request(n, k);
      const j = await f.market.read.getJob([job.jobId]);
      await f.mine();
      for (const id of job.chunks) {
        const data = f.chunkData(job, id);
        const who = await f.assignee(job.jobId, id);
        const r = await f.wait(await f.market.write.submitChunk([job.jobId, id, data], { account: who }));
        const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "NodeSubmitted" })[0];
        const { a, c } = nodeRange(id);
        const want = await expectedRoot(j.domain, job.jobId, a, c, job.states, data.cmW, data.cmT);
        assert.deepEqual(ev.args.instance.cmW, want.cmW);
        assert.deepEqual(ev.args.instance.cmE, want.cmE);
        assert.equal(ev.args.instance.u, want.u);
        assert.deepEqual([...ev.args.instance.x], want.x);
      }
    });
  }

  it("a point off the curve, a coordinate ≥ q, or a cross term moved is rejected", async () => {
    const f = await v2Fixture();
    const job = await f.request(8, 3);
    await f.mine();
    const id = job.chunks[0];
    const who = await f.assignee(job.jobId, id);
    const data = f.chunkData(job, id);
    const submit = (d: typeof data) => f.market.write.submitChunk([job.jobId, id, d], { account: who });
    const offCurve = { ...data, cmW: data.cmW.map((p, i) => (i === 5 ? { x: p.x, y: p.y + 1n } : p)) };
    await revertsExactly(submit(offCurve), "Bn254PrecompileFailed");
    const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    const big = { ...data, cmT: data.cmT.map((p, i) => (i === 6 ? { x: p.x + q, y: p.y } : p)) };
    await revertsExactly(submit(big), "Bn254PrecompileFailed");
    // Swapped cross terms fold to another root: accepted as a node, but not the engine's (a decider rejects it).
    const swapped = { ...data, cmT: [data.cmT[1], data.cmT[0], ...data.cmT.slice(2)] };
    const r = await f.wait(await submit(swapped));
    const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "NodeSubmitted" })[0];
    const j = await f.market.read.getJob([job.jobId]);
    const honest = await expectedRoot(j.domain, job.jobId, 0, 8, job.states, data.cmW, data.cmT);
    assert.notDeepEqual(ev.args.instance.cmE, honest.cmE);
  });

  it("batched verification (BatchFold, transcript v2) equals folding one node at a time under the same challenges", async () => {
    const f = await v2Fixture();
    const chunks = await f.viem.deployContract("Chunks", []);
    const batch = await f.viem.deployContract("BatchFold", []);
    const bench = await f.viem.deployContract("ChunkFoldBench", [], {
      libraries: { Chunks: chunks.address, BatchFold: batch.address },
    });
    const point = () => {
      const p = g1Mul(G1_GENERATOR, randomScalar());
      return { x: p.x, y: p.y };
    };
    const domain = `0x${"0".repeat(63)}1` as Hex;
    for (const [a, c] of [
      [0, 1],
      [0, 13],
      [16, 32],
      [5, 12],
    ]) {
      const m = c - a;
      const states = Array.from({ length: m + 1 }, () => [randomScalar()]);
      const cmW = Array.from({ length: m }, point);
      const cmT = Array.from({ length: m - 1 }, point);
      // Transcript v2 on the prover's side: tags instead of instances in the challenge, folds one at a time.
      type Node = { U: RelaxedInstance; tag: Hex };
      let t = 0;
      const root = await foldDepthFirst<Node>(
        a,
        c,
        (k) => ({
          U: { cmW: cmW[k - a], cmE: { x: 0n, y: 0n }, u: 1n, x: [...states[k - a + 1], ...states[k - a]] },
          tag: keccak256(
            encodePacked(
              ["uint256", "uint256", "uint256", "uint256"],
              [cmW[k - a].x, cmW[k - a].y, states[k - a + 1][0], states[k - a][0]],
            ),
          ),
        }),
        (L, R, step) => {
          const T = cmT[t++];
          const tag = keccak256(
            encodeAbiParameters(
              [
                { type: "bytes32" },
                { type: "uint256" },
                { type: "uint256" },
                { type: "bytes32" },
                { type: "bytes32" },
                { type: "uint256" },
                { type: "uint256" },
              ],
              [domain, 7n, step.id, L.tag, R.tag, T.x, T.y],
            ),
          );
          return { U: foldInstances(L.U, R.U, T, BigInt(tag) % P), tag };
        },
      );
      const id = (BigInt(a) << 128n) | BigInt(c);
      const r = await f.wait(await bench.write.batched([7n, id, states.flat(), cmW, cmT]));
      const got = parseEventLogs({ abi: bench.abi, logs: r.logs, eventName: "Root" })[0].args.root;
      assert.deepEqual(got.cmW, root.U.cmW, `[${a}, ${c}) cmW`);
      assert.deepEqual(got.cmE, root.U.cmE, `[${a}, ${c}) cmE`);
      assert.equal(got.u, root.U.u);
      assert.deepEqual([...got.x], root.U.x);
      if (m > 2) {
        // One cross term moved: another root (the batched check is not blind to the order).
        const moved = [cmT[1], cmT[0], ...cmT.slice(2)];
        const r2 = await f.wait(await bench.write.batched([7n, id, states.flat(), cmW, moved]));
        const other = parseEventLogs({ abi: bench.abi, logs: r2.logs, eventName: "Root" })[0].args.root;
        assert.notDeepEqual(other.cmE, root.U.cmE);
      }
    }
  });
});
