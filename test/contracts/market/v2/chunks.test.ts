/**
 * The chunk verifier (contracts/market/Chunks.sol, assembly) against the prover's folding engine: the root
 * instance the market stores for a chunk or a bundle equals the one the TypeScript verifier folds
 * (`foldInstances` with `foldChallenge`, post-order over the split rule), and one corrupted input of each kind
 * is rejected.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { parseEventLogs } from "viem";
import type { RelaxedInstance } from "../../../../prover/src/arith/relaxed.js";
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
});
