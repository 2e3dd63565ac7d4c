/**
 * The chunk verifier (contracts/market/Chunks.sol `foldChunk`, batched, transcript v2) against the prover's
 * folding engine: the root instance the market stores for a chunk or a bundle equals the one the TypeScript
 * engine folds node by node (`foldInstances` with `foldChallengeFor` under transcript v2, post-order over the
 * split rule), the prover's tags are the bytes an independent encoding gives, and one corrupted input of each
 * kind is rejected (chunks: a point, a state; bundles: a cmW, a cmT, a state, through the decider).
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { encodeAbiParameters, encodePacked, type Hex, keccak256, parseEventLogs } from "viem";
import type { RelaxedInstance } from "../../../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../../../prover/src/curve/bn254.js";
import { P } from "../../../../prover/src/field/fr.js";
import { foldChallengeFor, foldInstances } from "../../../../prover/src/folding/nifs.js";
import { foldTag, leafTag } from "../../../../prover/src/folding/transcript.js";
import { foldDepthFirst, nodeRange } from "../../../../prover/src/tree/shape.js";
import { mockProof, revertsExactly, v2Fixture } from "../../../helpers/marketV2.js";

type G1 = { x: bigint; y: bigint };
type Tagged = { U: RelaxedInstance; tag?: Hex };

const point = (): G1 => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

/** The root of subtree `[a, c)` folded node by node by the prover's engine under `transcript` (2: v2, 1: v1). */
async function expectedRoot(
  domain: Hex,
  jobId: bigint,
  a: number,
  c: number,
  states: readonly bigint[][],
  cmW: readonly G1[],
  cmT: readonly G1[],
  transcript: 1 | 2 = 2,
): Promise<RelaxedInstance> {
  let t = 0;
  const ctx = { domain, jobId, v2Leaves: transcript === 2 ? c - a : 0 };
  const root = await foldDepthFirst<Tagged>(
    a,
    c,
    (k) => ({ U: { cmW: cmW[k - a], cmE: { x: 0n, y: 0n }, u: 1n, x: [...states[k + 1], ...states[k]] } }),
    (L, R, step) => {
      const T = cmT[t++];
      const { r, tag } = foldChallengeFor(ctx, step.id, L, R, T);
      return { U: foldInstances(L.U, R.U, T, r), tag };
    },
  );
  return root.U;
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

  it("a point off the curve, a coordinate ≥ q, a state changed, or a cross term moved is rejected", async () => {
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
    // One state (a leaf's x) changed: the chunk is no longer the manifest's subtree.
    const moved = { ...data, states: data.states.map((v, i) => (i === 3 ? (v + 1n) % P : v)) };
    await revertsExactly(submit(moved), "MarketManifestMismatch");
    // Swapped cross terms fold to another root: accepted as a node, but not the engine's (a decider rejects it).
    const swapped = { ...data, cmT: [data.cmT[1], data.cmT[0], ...data.cmT.slice(2)] };
    const r = await f.wait(await submit(swapped));
    const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "NodeSubmitted" })[0];
    const j = await f.market.read.getJob([job.jobId]);
    const honest = await expectedRoot(j.domain, job.jobId, 0, 8, job.states, data.cmW, data.cmT);
    assert.notDeepEqual(ev.args.instance.cmE, honest.cmE);
  });

  it("the market's batched root is the engine's node-by-node fold under transcript v2 (not v1), any subtree", async () => {
    const f = await v2Fixture();
    const chunks = await f.viem.deployContract("Chunks", []);
    const bundle = await f.viem.deployContract("Bundle", []);
    const bench = await f.viem.deployContract("ChunkFoldBench", [], {
      libraries: { Chunks: chunks.address, Bundle: bundle.address },
    });
    const domain = `0x${"0".repeat(63)}1` as Hex;
    for (const [a, c] of [
      [0, 1],
      [0, 2],
      [0, 13],
      [16, 32],
      [5, 12],
    ]) {
      const m = c - a;
      const rel = Array.from({ length: m + 1 }, () => [randomScalar()]);
      const states: bigint[][] = [...Array.from({ length: a }, () => [0n]), ...rel];
      const cmW = Array.from({ length: m }, point);
      const cmT = Array.from({ length: m - 1 }, point);
      const want = await expectedRoot(domain, 7n, a, c, states, cmW, cmT);
      const id = (BigInt(a) << 128n) | BigInt(c);
      const r = await f.wait(await bench.write.batched([7n, id, rel.flat(), cmW, cmT]));
      const got = parseEventLogs({ abi: bench.abi, logs: r.logs, eventName: "Root" })[0].args.root;
      assert.deepEqual(got.cmW, want.cmW, `[${a}, ${c}) cmW`);
      assert.deepEqual(got.cmE, want.cmE, `[${a}, ${c}) cmE`);
      assert.equal(got.u, want.u);
      assert.deepEqual([...got.x], want.x);
      if (m > 1) {
        // The same leaves and cross terms under transcript v1 fold to another root.
        const v1 = await expectedRoot(domain, 7n, a, c, states, cmW, cmT, 1);
        assert.notDeepEqual(v1.cmW, want.cmW);
      }
      if (m > 2) {
        // One cross term moved: another root (the batched check is not blind to the order).
        const moved = [cmT[1], cmT[0], ...cmT.slice(2)];
        const r2 = await f.wait(await bench.write.batched([7n, id, rel.flat(), cmW, moved]));
        const other = parseEventLogs({ abi: bench.abi, logs: r2.logs, eventName: "Root" })[0].args.root;
        assert.notDeepEqual(other.cmE, want.cmE);
      }
    }
  });

  it("the prover's v2 tags are the bytes an independent encoding gives, and every absorbed field moves them", () => {
    const domain = `0x${"0".repeat(62)}2a` as Hex;
    const U: RelaxedInstance = { cmW: point(), cmE: { x: 0n, y: 0n }, u: 1n, x: [5n, 6n, 7n, 8n] };
    assert.equal(
      leafTag(U),
      keccak256(
        encodePacked(
          ["uint256", "uint256", "uint256", "uint256", "uint256", "uint256"],
          [U.cmW.x, U.cmW.y, 5n, 6n, 7n, 8n],
        ),
      ),
    );
    const tL = keccak256("0x01");
    const tR = keccak256("0x02");
    const T = point();
    const tag = foldTag(domain, 3n, 9n, tL, tR, T);
    const enc = encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "uint256" },
        { type: "uint256" },
      ],
      [domain, 3n, 9n, tL, tR, T.x, T.y],
    );
    assert.equal(tag, keccak256(enc));
    const others = [
      foldTag(keccak256("0x03"), 3n, 9n, tL, tR, T),
      foldTag(domain, 4n, 9n, tL, tR, T),
      foldTag(domain, 3n, 10n, tL, tR, T),
      foldTag(domain, 3n, 9n, tR, tL, T),
      foldTag(domain, 3n, 9n, tL, tR, point()),
      leafTag({ ...U, x: [5n, 6n, 7n, 9n] }),
      leafTag({ ...U, cmW: point() }),
    ];
    assert.equal(new Set([tag, leafTag(U), ...others]).size, others.length + 2);
  });

  it("bundle mode (batched, jobId 0): the engine's v2 root decides; one cmW, cmT or state corrupted reverts", async () => {
    const f = await v2Fixture();
    const probe = await f.request(1, 0);
    const domain = (await f.market.read.getJob([probe.jobId])).domain;
    const n = 11;
    const states = Array.from({ length: n + 1 }, () => [randomScalar()]);
    const cmW = Array.from({ length: n }, point);
    const cmT = Array.from({ length: n - 1 }, point);
    const root = await expectedRoot(domain, 0n, 0, n, states, cmW, cmT);
    const proof = mockProof({ ...root, x: [...root.x] }) as never;
    const submit = (st: bigint[][], w: G1[], t: G1[]) =>
      f.market.write.submitBundle([1n, st.flat(), w, t, proof], { account: f.provers[0] });
    const bump = <T>(xs: readonly T[], i: number, g: (v: T) => T) => xs.map((v, j) => (j === i ? g(v) : v));
    await revertsExactly(
      submit(
        states,
        bump(cmW, 4, () => point()),
        cmT,
      ),
      "MockDeciderVerifierRejected",
    );
    await revertsExactly(
      submit(
        states,
        cmW,
        bump(cmT, 7, () => point()),
      ),
      "MockDeciderVerifierRejected",
    );
    await revertsExactly(
      submit(
        bump(states, 5, (z) => [(z[0] + 1n) % P]),
        cmW,
        cmT,
      ),
      "MockDeciderVerifierRejected",
    );
    // The v1 root of the same tree is not what the market folds.
    const v1 = await expectedRoot(domain, 0n, 0, n, states, cmW, cmT, 1);
    await revertsExactly(
      f.market.write.submitBundle([1n, states.flat(), cmW, cmT, mockProof({ ...v1, x: [...v1.x] }) as never], {
        account: f.provers[0],
      }),
      "MockDeciderVerifierRejected",
    );
    const r = await f.wait(await submit(states, cmW, cmT));
    const ev = parseEventLogs({ abi: f.market.abi, logs: r.logs, eventName: "BundleVerified" });
    assert.equal(ev.length, 1);
  });
});
