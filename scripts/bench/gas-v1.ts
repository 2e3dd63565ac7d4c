/**
 * Gas of the NovaNet contracts (npm run bench:gas:v1): gas per function, and total gas per job for 4, 16
 * and 64 leaves in task mode and bundle mode, with real instances (cubic step circuit, the prover's
 * folding engine) and real decider proofs, on Hardhat's in-process EVM (cancun). Beside each job: the
 * baseline of verifying one Groth16 proof per step (N × the gas of one Groth16 verification transaction
 * of the step circuit, snarkjs' verifier; see docs/contracts.md).
 *
 * Writes bench/results/gas-v1.json:
 *   {"functions": {"<name>": gas}, "jobs": [{"leaves", "mode", "totalGas", "perLeafGas", "groth16BaselineGas"}]}
 * Modes: "task" (one transaction per task), "task-batch" (each assignee submits its folds of one level in
 * one submitFolds), "task-batch-tree" (one prover holds every task and submits the whole fold tree in one
 * submitFolds, inner children from the batch), "bundle". Task-mode totals count requestProof + N submitLeaf + (N−1) submitFold + submitDecision (the protocol
 * path; `release`/`claim` are per contributor and listed under functions). Bundle totals are the one
 * submitBundle transaction; `perLeafGasExcludingDecider` subtracts the decider verification measured alone.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type Hex, parseEventLogs } from "viem";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { foldNodes, foldTree, type ProverNode } from "../../prover/src/folding/tree.js";
import { foldOrder, nodeAbi } from "../../test/helpers/instances.js";
import { buildManifest } from "../../test/helpers/manifest.js";
import { DECISION_TASK, E18, type Fixture, leafId } from "../../test/helpers/market.js";
import {
  asNode,
  cubic,
  decide,
  foldCtx,
  nodeId,
  realLeaves,
  realMarket,
  wholeTreeFoldBatch,
} from "../../test/helpers/realJob.js";
import { groth16BaselineGas } from "./groth16Baseline.js";

const log = (o: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(o)}\n`);

const functions: Record<string, number> = {};
const samples: Record<string, number[]> = {};
function record(name: string, gas: bigint) {
  const list = samples[name] ?? [];
  list.push(Number(gas));
  samples[name] = list;
}

async function gasOf(f: Fixture, hash: Hex): Promise<bigint> {
  const r = await f.publicClient.waitForTransactionReceipt({ hash });
  if (r.status !== "success") throw new Error(`tx reverted ${hash}`);
  return r.gasUsed;
}

async function taskJob(rc: Awaited<ReturnType<typeof cubic>>, n: number, batch: boolean, wholeTree = false) {
  const f = await realMarket(rc, { provers: wholeTree ? 1 : 8 });
  const { states, leaves } = await realLeaves(rc, n);
  const manifest = buildManifest(states);
  const now = BigInt(await f.networkHelpers.time.latest());
  let total = 0n;
  const h = await f.market.write.requestProof(
    [f.circuitId, states[0], n, manifest.root, f.feeToken.address, 1000n * E18, now + 30n * 86400n],
    { account: f.requester },
  );
  const g = await gasOf(f, h);
  record(`requestProof(${n} leaves)`, g);
  total += g;
  const receipt = await f.publicClient.getTransactionReceipt({ hash: h });
  const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobRequested" });
  const { jobId, domain } = ev.args;
  const ctx = foldCtx(rc, domain, jobId);
  const worker = async (id: bigint) => (await f.market.read.getTask([jobId, id])).worker;
  const nodes = new Map<bigint, ProverNode>();
  for (let k = 0; k < n; k++) {
    const l = leaves[k];
    const hash = await f.market.write.submitLeaf([jobId, BigInt(k), l.node.U.cmW, l.node.U.x, manifest.proof(k)], {
      account: await worker(leafId(k)),
    });
    const gl = await gasOf(f, hash);
    record("submitLeaf", gl);
    total += gl;
    nodes.set(leafId(k), l);
  }
  if (wholeTree) {
    // One prover holds every fold: the whole tree in one submitFolds, inner children taken from the batch.
    const { steps } = await wholeTreeFoldBatch(ctx, nodes, n);
    const hash = await f.market.write.submitFolds([jobId, steps], { account: f.provers[0] });
    const gt = await gasOf(f, hash);
    record(`submitFolds whole tree (per fold, ${n} leaves)`, gt / BigInt(steps.length));
    total += gt;
  } else if (!batch) {
    for (const { a, b, c, id } of foldOrder(n)) {
      const left = nodes.get(nodeId(a, b))!;
      const right = nodes.get(nodeId(b, c))!;
      const { parent, fold } = await foldNodes(ctx, left, right);
      const hash = await f.market.write.submitFold(
        [jobId, id, nodeAbi(asNode(left)), nodeAbi(asNode(right)), fold.cmT],
        {
          account: await worker(id),
        },
      );
      const gf = await gasOf(f, hash);
      record(
        right.node.U.cmE.x === 0n && right.node.U.cmE.y === 0n
          ? "submitFold(leaf right child)"
          : "submitFold(folded right child)",
        gf,
      );
      record("submitFold", gf);
      total += gf;
      nodes.set(id, parent);
    }
  } else {
    // Batch: each assignee submits all of its folds of one level in one call.
    const byLevel = new Map<number, { a: number; b: number; c: number; id: bigint }[]>();
    for (const fo of foldOrder(n)) {
      let h2 = 0;
      while (1 << h2 < fo.c - fo.a) h2++;
      byLevel.set(h2, [...(byLevel.get(h2) ?? []), fo]);
    }
    for (const level of [...byLevel.keys()].sort((x, y) => x - y)) {
      const groups = new Map<string, { a: number; b: number; c: number; id: bigint }[]>();
      for (const fo of byLevel.get(level)!) {
        const w = await worker(fo.id);
        groups.set(w, [...(groups.get(w) ?? []), fo]);
      }
      for (const [w, fos] of groups) {
        const steps = [];
        for (const { a, b, c, id } of fos) {
          const left = nodes.get(nodeId(a, b))!;
          const right = nodes.get(nodeId(b, c))!;
          const { parent, fold } = await foldNodes(ctx, left, right);
          steps.push({
            nodeId: id,
            left: nodeAbi(asNode(left)),
            right: nodeAbi(asNode(right)),
            cmT: fold.cmT,
            fromBatch: 0,
          });
          nodes.set(id, parent);
        }
        const hash = await f.market.write.submitFolds([jobId, steps], { account: w as Hex });
        const gb = await gasOf(f, hash);
        record("submitFolds (per fold)", gb / BigInt(steps.length));
        total += gb;
      }
    }
  }
  const root = nodes.get(nodeId(0, n))!;
  const hd = await f.market.write.submitDecision([jobId, nodeAbi(asNode(root)), await decide(rc, root)], {
    account: await worker(DECISION_TASK),
  });
  const gd = await gasOf(f, hd);
  record("submitDecision", gd);
  total += gd;
  const ids = [...Array.from({ length: n }, (_, k) => leafId(k)), ...foldOrder(n).map((x) => x.id), DECISION_TASK];
  record(`release(${ids.length} tasks)`, await gasOf(f, await f.market.write.release([jobId, ids])));
  const claimer = await worker(DECISION_TASK);
  record("claim", await gasOf(f, await f.market.write.claim([f.feeToken.address], { account: claimer })));
  return total;
}

async function bundleJob(rc: Awaited<ReturnType<typeof cubic>>, n: number) {
  const f = await realMarket(rc);
  const { states, leaves } = await realLeaves(rc, n);
  const chainId = BigInt(await f.publicClient.getChainId());
  const domain = domainSeparator({ chainId, market: f.market.address, r1csHash: rc.r1csHash, srsDigest: f.srsDigest });
  const { root, folds } = n === 1 ? { root: leaves[0], folds: [] } : await foldTree(leaves, foldCtx(rc, domain, 0n));
  const proof = await decide(rc, root);
  const hash = await f.market.write.submitBundle(
    [f.circuitId, states.flat(), leaves.map((l) => l.node.U.cmW), folds.map((x) => x.cmT), proof],
    { account: f.requester },
  );
  const total = await gasOf(f, hash);
  record(`submitBundle(${n} leaves)`, total);
  // The decider alone, as a transaction (its gas is the part bundle mode cannot amortise).
  const dg = await f.publicClient.estimateContractGas({
    address: f.verifier.address,
    abi: f.verifier.abi,
    functionName: "verifyDecider",
    args: [nodeAbi(asNode(root)).instance, proof],
  });
  record("verifyDecider (one tx)", dg);
  return { total, decider: dg };
}

async function misc(rc: Awaited<ReturnType<typeof cubic>>) {
  const f = await realMarket(rc, { provers: 6 });
  const extra = f.outsiders[0];
  await f.token.write.mint([extra, 10_000n * E18]);
  await f.token.write.approve([f.registry.address, 2n ** 255n], { account: extra });
  record(
    "register",
    await gasOf(f, await f.registry.write.register(["0x1220bbbb", 1n << 20n, true], { account: extra })),
  );
  record("stake", await gasOf(f, await f.registry.write.stake([500n * E18], { account: extra })));
  record("requestUnstake", await gasOf(f, await f.registry.write.requestUnstake([100n * E18], { account: extra })));
  await f.networkHelpers.time.increase(8 * 86400);
  record("withdraw", await gasOf(f, await f.registry.write.withdraw({ account: extra })));
  // reclaim, dispute, answer, resolve, cancel on a 4-leaf job
  const n = 4;
  const { states, leaves } = await realLeaves(rc, n);
  const manifest = buildManifest(states);
  const now = BigInt(await f.networkHelpers.time.latest());
  const h = await f.market.write.requestProof(
    [f.circuitId, states[0], n, manifest.root, f.feeToken.address, 1000n * E18, now + 30n * 86400n],
    { account: f.requester },
  );
  const rcpt = await f.publicClient.waitForTransactionReceipt({ hash: h });
  const [ev] = parseEventLogs({ abi: f.market.abi, logs: rcpt.logs, eventName: "JobRequested" });
  const jobId = ev.args.jobId;
  const worker = async (id: bigint) => (await f.market.read.getTask([jobId, id])).worker;
  for (const k of [0, 1]) {
    const l = leaves[k];
    await f.market.write.submitLeaf([jobId, BigInt(k), l.node.U.cmW, l.node.U.x, manifest.proof(k)], {
      account: await worker(leafId(k)),
    });
  }
  const w0 = await worker(leafId(0));
  const challenger = f.provers.find((p) => p !== w0)!;
  record("dispute", await gasOf(f, await f.market.write.dispute([jobId, leafId(0)], { account: challenger })));
  record(
    "answerDispute",
    await gasOf(
      f,
      await f.market.write.answerDispute([jobId, leafId(0), nodeAbi(asNode(leaves[0])), await decide(rc, leaves[0])]),
    ),
  );
  const w1 = await worker(leafId(1));
  const ch2 = f.provers.find((p) => p !== w1)!;
  await f.market.write.dispute([jobId, leafId(1)], { account: ch2 });
  await f.networkHelpers.time.increase(3 * 3600 + 1);
  record("resolveDispute (leaf reset)", await gasOf(f, await f.market.write.resolveDispute([jobId, leafId(1)])));
  const late = await worker(leafId(2));
  const rec = f.provers.find((p) => p !== late)!;
  record("reclaim", await gasOf(f, await f.market.write.reclaim([jobId, leafId(2)], { account: rec })));
  record("cancel(4 leaves)", await gasOf(f, await f.market.write.cancel([jobId], { account: f.requester })));
}

async function main() {
  const rc = await cubic();
  const groth16 = await groth16BaselineGas(rc);
  functions["groth16Verify (one step, baseline tx)"] = Number(groth16);
  log({ step: "groth16 baseline", gas: Number(groth16) });
  const jobs: Record<string, unknown>[] = [];
  /** One job row: totals, per leaf, and n Groth16 verifications for comparison. */
  const record = (mode: string, n: number, total: bigint, extra: Record<string, number> = {}) => {
    log({ mode, n, total: Number(total) });
    jobs.push({
      leaves: n,
      mode,
      totalGas: Number(total),
      perLeafGas: Math.round(Number(total) / n),
      ...extra,
      groth16BaselineGas: Number(groth16) * n,
    });
  };
  for (const n of [4, 16, 64]) {
    record("task", n, await taskJob(rc, n, false));
    record("task-batch", n, await taskJob(rc, n, true));
    record("task-batch-tree", n, await taskJob(rc, n, true, true));
    const { total, decider } = await bundleJob(rc, n);
    record("bundle", n, total, {
      perLeafGasExcludingDecider: Math.round((Number(total) - Number(decider)) / n),
      deciderGas: Number(decider),
    });
  }
  await misc(rc);
  for (const [k, v] of Object.entries(samples)) functions[k] = Math.round(v.reduce((a, b) => a + b, 0) / v.length);
  for (const k of ["submitLeaf", "submitFold"]) functions[`${k} (max)`] = Math.max(...samples[k]);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/gas-v1.json", `${JSON.stringify({ functions, jobs }, null, 2)}\n`);
  console.log("function".padEnd(44), "gas");
  for (const [k, v] of Object.entries(functions)) console.log(k.padEnd(44), v);
  console.log();
  console.log("leaves mode        totalGas   perLeaf   groth16 baseline");
  for (const j of jobs) {
    console.log(
      String(j.leaves).padEnd(6),
      String(j.mode).padEnd(11),
      String(j.totalGas).padStart(10),
      String(j.perLeafGas).padStart(9),
      String(j.groth16BaselineGas).padStart(12),
    );
  }
  process.exit(0);
}

await main();
