/**
 * Fuzz / invariant tests (fast-check): random sequences of requests, submissions, reclaims, disputes
 * (answered or lost), cancellations, expiries, releases, claims and unstaking on a live market, then:
 * - total claimed ≤ total paid in, per token, and the market holds every unclaimed credit;
 * - stake is conserved across slashes (tokens only move between accounts, registry and market);
 * - no task is credited twice; a job is verified at most once.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Address, parseEventLogs, zeroAddress } from "viem";
import { nodeId } from "../../../prover/src/folding/tree.js";
import { foldOrder, nodeAbi } from "../../helpers/instances.js";
import {
  DECISION_TASK,
  E18,
  type Fixture,
  leafId,
  marketFixture,
  mockDeciderProof,
  RandomJob,
} from "../../helpers/market.js";

const ZERO32 = `0x${"0".repeat(64)}`;

async function sync(job: RandomJob): Promise<void> {
  for (const id of [...job.nodes.keys()]) {
    if ((await job.f.market.read.nodeDigest([job.jobId, id])) === ZERO32) job.nodes.delete(id);
  }
}

/** Submits the next available task of `job` (leaf, then folds bottom-up, then the decision). */
async function progress(job: RandomJob): Promise<void> {
  await sync(job);
  for (let k = 0; k < job.n; k++) if (!job.nodes.has(leafId(k))) return void (await job.submitLeaf(k));
  for (const { a, b, c, id } of foldOrder(job.n)) if (!job.nodes.has(id)) return void (await job.submitFold(a, b, c));
  await job.submitDecision();
}

async function run(f: Fixture, ops: [number, number][]): Promise<void> {
  const jobs: RandomJob[] = [];
  const disputes: { job: RandomJob; id: bigint }[] = [];
  const pick = <T>(xs: T[], r: number): T | undefined => (xs.length ? xs[r % xs.length] : undefined);
  const accounts: Address[] = [...f.provers, f.requester];
  for (const [op, r] of ops) {
    const open: RandomJob[] = [];
    for (const j of jobs) if ((await f.market.read.getJob([j.jobId])).status === 1) open.push(j);
    // Closing ops (7 cancel, 8 expire, 9 release) pick any job; the others an open one.
    const job = op >= 7 && op <= 9 ? pick(jobs, r) : pick(open, r);
    try {
      switch (op) {
        case 0:
          jobs.push(
            await RandomJob.request(f, 1 + (r % 4), { eth: r % 2 === 0, fee: BigInt(1 + (r % 997)) * E18 + BigInt(r) }),
          );
          break;
        case 1:
        case 2:
          if (job) await progress(job);
          break;
        case 3:
          await f.networkHelpers.time.increase(Number(f.params.taskWindow) + 1 + (r % 3) * 3600);
          break;
        case 4: {
          if (!job) break;
          await sync(job);
          // Tasks whose inputs are in but which are not done (the only reclaimable ones).
          const open = [
            ...Array.from({ length: job.n }, (_, k) => leafId(k)).filter((t) => !job.nodes.has(t)),
            ...foldOrder(job.n)
              .filter((x) => !job.nodes.has(x.id) && job.nodes.has(nodeId(x.a, x.b)) && job.nodes.has(nodeId(x.b, x.c)))
              .map((x) => x.id),
            ...(job.nodes.has(nodeId(0, job.n)) ? [DECISION_TASK] : []),
          ];
          const t = pick(open, r);
          if (t === undefined) break;
          const task = await f.market.read.getTask([job.jobId, t]);
          const now = await f.networkHelpers.time.latest();
          if (Number(task.deadline) >= now) await f.networkHelpers.time.increase(Number(task.deadline) - now + 1);
          const by = pick(
            f.provers.filter((p) => p !== task.worker),
            r,
          );
          await f.market.write.reclaim([job.jobId, t], { account: by });
          break;
        }
        case 5: {
          if (!job) break;
          await sync(job);
          const id = pick([...job.nodes.keys()], r);
          if (id === undefined) break;
          const w = await job.assignee(id);
          const by = pick(
            f.provers.filter((p) => p !== w),
            r,
          );
          await f.market.write.dispute([job.jobId, id], { account: by });
          disputes.push({ job, id });
          break;
        }
        case 6: {
          const d = pick(disputes, r);
          if (!d) break;
          if (r % 2 === 0) {
            const node = d.job.nodes.get(d.id);
            if (node) await f.market.write.answerDispute([d.job.jobId, d.id, nodeAbi(node), mockDeciderProof(node.U)]);
          } else {
            await f.networkHelpers.time.increase(Number(f.params.disputeWindow) + 1);
            await f.market.write.resolveDispute([d.job.jobId, d.id]);
          }
          break;
        }
        case 7:
          if (job && r % 3 === 0) await f.market.write.cancel([job.jobId], { account: f.requester });
          break;
        case 8:
          if (job) await f.market.write.expire([job.jobId]);
          break;
        case 9:
          if (job) for (const t of job.taskIds()) await f.market.write.release([job.jobId, [t]]).catch(() => {});
          break;
        case 10: {
          // Claim a balance that exists (pick among accounts with something claimable).
          const owed: [Address, Address][] = [];
          for (const a of accounts) {
            for (const t of [zeroAddress, f.feeToken.address, f.token.address] as Address[]) {
              if ((await f.market.read.claimable([a, t])) > 0n) owed.push([a, t]);
            }
          }
          const c = pick(owed, r);
          if (c) await f.market.write.claim([c[1]], { account: c[0] });
          else await f.market.write.claim([zeroAddress], { account: pick(accounts, r)! });
          break;
        }
        case 11: {
          const p = pick(f.provers, r)!;
          await f.registry.write.requestUnstake([BigInt(1 + (r % 300)) * E18], { account: p });
          break;
        }
        default: {
          const p = pick(f.provers, r)!;
          await f.registry.write.withdraw({ account: p });
        }
      }
    } catch (e) {
      // Reverts are part of the game; anything else is a bug in the test driver.
      const msg = String((e as Error).message);
      if (process.env.FUZZ_DEBUG) console.log(op, msg.match(/custom error [^\n]*/)?.[0] ?? msg.slice(0, 200));
      if (!/reverted|revert/i.test(msg)) throw e;
    }
  }
}

/** Event counts over all runs: the property is only meaningful if the runs reach these states. */
const seen: Record<string, number> = {};

async function checkInvariants(f: Fixture, stakeSupply: bigint): Promise<void> {
  const logs = await f.publicClient.getContractEvents({ address: f.market.address, abi: f.market.abi, fromBlock: 0n });
  for (const l of parseEventLogs({ abi: f.market.abi, logs })) seen[l.eventName] = (seen[l.eventName] ?? 0) + 1;
  const ev = (name: string) => parseEventLogs({ abi: f.market.abi, logs, eventName: name as "Claimed" });
  // Paid in: escrowed fees (per token) and dispute bonds (stake token).
  const paidIn = new Map<string, bigint>();
  const add = (m: Map<string, bigint>, k: string, v: bigint) =>
    m.set(k.toLowerCase(), (m.get(k.toLowerCase()) ?? 0n) + v);
  for (const e of parseEventLogs({ abi: f.market.abi, logs, eventName: "JobRequested" }))
    add(paidIn, e.args.feeToken, e.args.fee);
  for (const e of parseEventLogs({ abi: f.market.abi, logs, eventName: "DisputeOpened" }))
    add(paidIn, f.token.address, e.args.bond);
  const claimed = new Map<string, bigint>();
  for (const e of ev("Claimed"))
    add(claimed, (e.args as { token: string }).token, (e.args as { amount: bigint }).amount);
  const credited = new Map<string, bigint>();
  const creditedTasks = new Set<string>();
  for (const e of parseEventLogs({ abi: f.market.abi, logs, eventName: "Credited" })) {
    add(credited, e.args.token, e.args.amount);
    if (e.args.reason.startsWith("0x7461736b")) {
      const key = `${e.args.jobId}/${e.args.taskId}`;
      assert.ok(!creditedTasks.has(key), `task ${key} credited twice`);
      creditedTasks.add(key);
    }
  }
  for (const [token, c] of claimed)
    assert.ok(c <= (paidIn.get(token) ?? 0n), `claimed ${c} > paid ${paidIn.get(token)} (${token})`);
  for (const [token, c] of credited) assert.ok(c <= (paidIn.get(token) ?? 0n), `credited ${c} > paid (${token})`);
  // The market holds at least every credit not yet claimed.
  for (const [token, c] of credited) {
    const bal =
      token === zeroAddress
        ? await f.publicClient.getBalance({ address: f.market.address })
        : await f.feeToken.read
            .balanceOf([f.market.address])
            .then(async (b) =>
              token === f.feeToken.address.toLowerCase() ? b : f.token.read.balanceOf([f.market.address]),
            );
    assert.ok(bal >= c - (claimed.get(token) ?? 0n), `market balance ${bal} below unclaimed credits (${token})`);
  }
  // A job is verified at most once.
  const verified = new Set<bigint>();
  for (const e of parseEventLogs({ abi: f.market.abi, logs, eventName: "JobVerified" })) {
    assert.ok(!verified.has(e.args.jobId), `job ${e.args.jobId} verified twice`);
    verified.add(e.args.jobId);
  }
  // Stake conservation: the registry holds exactly Σ (stake + unbonding); no stake token is created or lost.
  let held = 0n;
  for (const p of f.provers) {
    const i = await f.registry.read.proverInfo([p]);
    held += i.stake + i.unbonding;
  }
  assert.equal(await f.token.read.balanceOf([f.registry.address]), held, "registry balance = Σ stakes");
  let total = 0n;
  for (const a of [...f.provers, f.requester, ...f.outsiders, f.market.address, f.registry.address]) {
    total += await f.token.read.balanceOf([a]);
  }
  assert.equal(total, stakeSupply, "stake token conserved across slashes");
}

describe("ProofMarket invariants (fuzz)", function () {
  this.timeout(600_000);
  it("claimed ≤ paid, stake conserved, no task credited twice, a job verified at most once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.nat(10_000)), { minLength: 20, maxLength: 60 }),
        async (ops) => {
          const f = await marketFixture({ market: { taskWindow: 3600n, disputeWindow: 3600n } });
          const supply = await f.token.read.totalSupply();
          // Bias towards progress so that jobs complete.
          const biased: [number, number][] = [
            [0, 7],
            [0, 12],
            ...ops.flatMap((o, i) => (i % 3 === 0 ? [o, [1, o[1]] as [number, number]] : [o])),
          ];
          await run(f, biased);
          await checkInvariants(f, supply);
        },
      ),
      { numRuns: 8, seed: 20261123, endOnFailure: true },
    );
    for (const e of [
      "JobVerified",
      "Claimed",
      "TaskReclaimed",
      "DisputeOpened",
      "DisputeResolved",
      "NodeReset",
      "JobCancelled",
      "Credited",
    ]) {
      assert.ok((seen[e] ?? 0) > 0, `the fuzzer never reached ${e}: ${JSON.stringify(seen)}`);
    }
  });
});
