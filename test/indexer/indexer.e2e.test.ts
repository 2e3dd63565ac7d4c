/**
 * The indexer end to end, as Ponder's own e2e tests do it: a Hardhat node served over HTTP on 127.0.0.1,
 * the contracts deployed by scripts/deploy.ts, a real job driven by the prover's code (helpers/scenario.ts),
 * `ponder start` as a child process waited for until it has indexed the chain head, then GraphQL, SQL and
 * REST answers checked against what the chain says. The indexer is then stopped, more happens on chain,
 * and a restart on the same database must resume (crash recovery) without duplicating rows and index the
 * new events. Finally the same chain is indexed into PostgreSQL (scripts/postgres.sh) and every answer
 * must be identical to PGlite's, again across a restart.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, zeroAddress } from "viem";
import { loadCubic } from "./helpers/job-material.js";
import { getJson, graphql, type PonderProcess, sql, startPonder, waitForIndexedBlock } from "./helpers/ponder.js";
import { onPostgresUnavailable, type PgCluster, startPostgres, stopPostgres } from "./helpers/postgres.js";
import { type RpcNode, startRpcNode } from "./helpers/rpc-node.js";
import {
  DECISION_TASK,
  FEE,
  type JobRun,
  type LaterRun,
  N_LEAVES,
  type Network,
  runJobScenario,
  runLaterEvents,
  STAKES,
  setUpNetwork,
  WEIGHTS,
} from "./helpers/scenario.js";

const CHAIN = "novanet";

type Json = Record<string, unknown>;
type ProverRow = {
  address: string;
  peerId: string;
  maxConstraints: string;
  gpu: boolean;
  status: string;
  stake: string;
  unbonding: string;
  units: string;
  tasksDone: number;
  earnings: string;
  claimed: string;
  slashCount: number;
  slashedAmount: string;
  tasksReclaimedFrom: number;
};

const lower = (a: string) => a.toLowerCase() as Address;

function indexerEnv(rpcUrl: string, network: Network, extra: Record<string, string>): Record<string, string> {
  return {
    NOVANET_RPC_URL: rpcUrl,
    NOVANET_PROVER_REGISTRY: network.addresses.proverRegistry,
    NOVANET_CIRCUIT_REGISTRY: network.addresses.circuitRegistry,
    NOVANET_PROOF_MARKET: network.addresses.proofMarket,
    NOVANET_START_BLOCK: String(network.addresses.startBlock),
    NOVANET_POLLING_MS: "200",
    ...extra,
  };
}

async function head(network: Network): Promise<bigint> {
  return (await network.connection.viem.getPublicClient()).getBlockNumber();
}

/** Every column of every row of a table through GraphQL (scalar fields found by introspection). */
async function dumpTable(ponder: PonderProcess, type: string, plural: string, orderBy: string): Promise<Json[]> {
  const info = await graphql<{
    __type: { fields: { name: string; type: { kind: string; ofType: { kind: string } | null } }[] };
  }>(ponder, `{ __type(name: "${type}") { fields { name type { kind ofType { kind } } } } }`);
  const scalars = info.__type.fields
    .filter((f) => f.type.kind === "SCALAR" || (f.type.kind === "NON_NULL" && f.type.ofType?.kind === "SCALAR"))
    .map((f) => f.name);
  const data = await graphql<Record<string, { items: Json[]; totalCount: number }>>(
    ponder,
    `{ ${plural}(orderBy: "${orderBy}", limit: 1000) { totalCount items { ${scalars.join(" ")} } } }`,
  );
  assert.equal(data[plural]!.items.length, data[plural]!.totalCount, `${plural}: more rows than one page`);
  return data[plural]!.items;
}

const TABLES: [type: string, plural: string, orderBy: string][] = [
  ["prover", "provers", "address"],
  ["stakeEvent", "stakeEvents", "id"],
  ["slashEvent", "slashEvents", "id"],
  ["circuit", "circuits", "id"],
  ["job", "jobs", "id"],
  ["task", "tasks", "taskId"],
  ["contribution", "contributions", "id"],
  ["reward", "rewards", "account"],
  ["rewardEvent", "rewardEvents", "id"],
  ["dispute", "disputes", "id"],
  ["network", "networks", "id"],
  ["tokenTotal", "tokenTotals", "token"],
  ["protocol", "protocols", "id"],
];

/** Everything the indexer serves, for comparing two indexers (or one before and after a restart). */
async function snapshot(ponder: PonderProcess, network: Network, jobIds: bigint[]): Promise<Json> {
  const tables: Json = {};
  for (const [type, plural, orderBy] of TABLES) tables[plural] = await dumpTable(ponder, type, plural, orderBy);
  const rest: Json = {
    stats: (await getJson(ponder, "/api/stats")).body,
    leaderboard: (await getJson(ponder, "/api/leaderboard?by=units&limit=100")).body,
  };
  for (const id of jobIds) rest[`job${id}`] = (await getJson(ponder, `/api/jobs/${id}`)).body;
  for (const wallet of network.wallets.slice(0, 8)) {
    const address = lower(wallet.account.address);
    rest[address] = await getJson(ponder, `/api/provers/${address}`);
  }
  return { tables, rest };
}

/** The chain's events of the contracts, counted by name (the ground truth for "no duplicated rows"). */
async function chainEventCounts(network: Network): Promise<Record<string, number>> {
  const publicClient = await network.connection.viem.getPublicClient();
  const counts: Record<string, number> = {};
  const tasks = new Set<string>();
  const market = await network.market(network.owner);
  const registry = await network.registry(network.owner);
  for (const contract of [market, registry]) {
    const logs = await publicClient.getContractEvents({ address: contract.address, abi: contract.abi, fromBlock: 0n });
    for (const log of logs) {
      counts[log.eventName] = (counts[log.eventName] ?? 0) + 1;
      // A bundle's JobVerified is nobody's task: it gives no contribution row.
      if (log.eventName === "JobRequested" && (log.args as { mode?: number }).mode === 1) {
        counts.BundleRequested = (counts.BundleRequested ?? 0) + 1;
      }
      if (log.eventName === "TaskAssigned") {
        const { jobId, taskId } = log.args as { jobId: bigint; taskId: bigint };
        tasks.add(`${jobId}/${taskId}`);
      }
    }
  }
  counts.DistinctTasks = tasks.size;
  return counts;
}

describe("indexer end to end: Hardhat node, contracts, a real job, ponder (PGlite, then PostgreSQL)", function () {
  this.timeout(300_000);

  let node: RpcNode | undefined;
  let network: Network;
  let run: JobRun;
  let later: LaterRun | undefined;
  let ponder: PonderProcess | undefined;
  const dirs: string[] = [];
  const pgliteDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "novanet-pglite-"));
    dirs.push(dir);
    return dir;
  };
  let pglite: string;

  before(async () => {
    node = await startRpcNode();
    network = await setUpNetwork(node.connection, await loadCubic());
    run = await runJobScenario(network);
    pglite = pgliteDir();
    ponder = await startPonder({ schema: "e2e", env: indexerEnv(node!.url, network, { NOVANET_PGLITE_DIR: pglite }) });
    await waitForIndexedBlock(ponder, CHAIN, await head(network));
  });

  after(async () => {
    await ponder?.stop();
    await node?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the provers with their registration, stake and status as the registry holds them", async () => {
    const registry = await network.registry(network.owner);
    const { provers } = await graphql<{ provers: { items: ProverRow[] } }>(
      ponder!,
      `{ provers(orderBy: "address", limit: 100) { items { address peerId maxConstraints gpu status stake unbonding
         units tasksDone earnings claimed slashCount slashedAmount tasksReclaimedFrom } } }`,
    );
    assert.equal(provers.items.length, 4);
    for (const [i, wallet] of network.provers.entries()) {
      const address = lower(wallet.account.address);
      const row = provers.items.find((p) => p.address === address);
      assert.ok(row, `prover ${address} indexed`);
      const info = await registry.read.proverInfo([address]);
      assert.equal(row.peerId, info.peerId.toLowerCase());
      assert.equal(row.maxConstraints, String(info.maxConstraints));
      assert.equal(row.gpu, i % 2 === 0);
      assert.equal(row.stake, String(info.stake));
      assert.equal(row.unbonding, "0");
      assert.equal(row.status, "staked");
      const slashed = address === run.reclaim.previous ? run.reclaim.bond : 0n;
      assert.equal(BigInt(row.stake), STAKES[i]! - slashed);
      assert.equal(row.slashCount, slashed > 0n ? 1 : 0);
      assert.equal(row.tasksReclaimedFrom, slashed > 0n ? 1 : 0);
    }
  });

  it("serves the verified job, its 2N tasks and its complete tree progress", async () => {
    const { status, body } = await getJson<{
      job: Json;
      circuit: Json;
      progress: Json & { nodes: Json[]; levels: Json[] };
      contributors: { prover: string; tasks: number; units: string; reward: string }[];
    }>(ponder!, `/api/jobs/${run.jobId}`);
    assert.equal(status, 200);
    const market = await network.market(network.owner);
    const onChain = await market.read.getJob([run.jobId]);
    const zN = run.material.root.node.zOut.map(String);
    assert.equal(body.job.status, "verified");
    assert.equal(body.job.requester, lower(network.requester.account.address));
    assert.equal(body.job.fee, String(FEE));
    assert.equal(body.job.feeToken, zeroAddress);
    assert.equal(body.job.nLeaves, N_LEAVES);
    assert.equal(body.job.manifestRoot, run.material.manifest.root);
    assert.equal(body.job.domain, onChain.domain);
    assert.deepEqual(body.job.z0, ["3"]);
    assert.deepEqual(body.job.result, zN);
    assert.equal(body.job.leavesDone, N_LEAVES);
    assert.equal(body.job.foldsDone, N_LEAVES - 1);
    assert.equal(body.job.reclaims, 1);
    assert.equal(body.job.verifiedBy, run.workers.get(DECISION_TASK));
    for (const field of ["requestedAt", "firstSubmissionAt", "leavesDoneAt", "rootDoneAt", "verifiedAt"]) {
      assert.ok(BigInt(body.job[field] as string) >= BigInt(body.job.requestedAt as string), field);
    }
    assert.ok(BigInt(body.job.verifiedAt as string) >= BigInt(body.job.rootDoneAt as string));
    const [leafReward, foldReward, decisionReward, dust] = await market.read.rewardsOf([run.jobId]);
    assert.deepEqual(
      [body.job.leafReward, body.job.foldReward, body.job.decisionReward, body.job.dust],
      [leafReward, foldReward, decisionReward, dust].map(String),
    );
    assert.equal(body.circuit.r1csHash, network.circuit.shape.r1csHash);

    const p = body.progress;
    assert.deepEqual(p.leaves, { done: 5, total: 5 });
    assert.deepEqual(p.folds, { done: 4, total: 4 });
    assert.deepEqual(p.tasks, { done: 10, total: 10 });
    assert.deepEqual(p.decision, { done: true, state: "paid" });
    assert.equal(p.percent, 100);
    assert.equal(p.depth, 3);
    assert.equal(p.nodes.length, 9);
    for (const n of p.nodes) {
      assert.equal(n.state, "paid", `node ${n.a}-${n.c}`);
      assert.equal(n.submitter, run.workers.get(BigInt(n.nodeId as string)), `submitter of ${n.a}-${n.c}`);
    }
    const reclaimed = p.nodes.find((n) => BigInt(n.nodeId as string) === run.reclaim.taskId)!;
    assert.equal(reclaimed.reclaims, 1);
    assert.equal(reclaimed.assignee, run.reclaim.reclaimer);

    // Every task row, through GraphQL with the job relation.
    const { job } = await graphql<{ job: { tasks: { items: Json[] } } }>(
      ponder!,
      `{ job(id: "${run.jobId}") { tasks(limit: 100) { items { taskId kind status submitter reward rangeStart rangeEnd } } } }`,
    );
    assert.equal(job.tasks.items.length, 2 * N_LEAVES);
    for (const t of job.tasks.items) {
      const id = BigInt(t.taskId as string);
      assert.equal(t.status, "paid");
      assert.equal(t.submitter, run.workers.get(id));
      const expected = t.kind === "leaf" ? leafReward : t.kind === "fold" ? foldReward : decisionReward;
      assert.equal(t.reward, String(expected));
    }
    assert.equal(job.tasks.items.filter((t) => t.kind === "decision").length, 1);
  });

  it("credits units and rewards per prover exactly as the market paid them, and ranks them", async () => {
    const market = await network.market(network.owner);
    const [leafReward, foldReward, decisionReward] = await market.read.rewardsOf([run.jobId]);
    const { shape, keys } = network.circuit;
    const units = {
      leaf: WEIGHTS.leaf * BigInt(shape.m),
      fold: WEIGHTS.fold * BigInt(shape.m),
      decision: WEIGHTS.decision * BigInt(keys.layout.nConstraints),
    };
    const expected = new Map<string, { units: bigint; tasks: number; earnings: bigint }>();
    for (const [taskId, worker] of run.workers) {
      const kind =
        taskId === DECISION_TASK
          ? "decision"
          : (taskId & ((1n << 128n) - 1n)) - (taskId >> 128n) === 1n
            ? "leaf"
            : "fold";
      const e = expected.get(worker) ?? { units: 0n, tasks: 0, earnings: 0n };
      e.units += units[kind];
      e.tasks += 1;
      e.earnings += kind === "leaf" ? leafReward : kind === "fold" ? foldReward : decisionReward;
      expected.set(worker, e);
    }
    const publicClient = await network.connection.viem.getPublicClient();
    const claims = await publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      eventName: "Claimed",
      fromBlock: 0n,
    });
    for (const [address, e] of expected) {
      const { status, body } = await getJson<{
        prover: ProverRow;
        rank: number;
        rewards: Json[];
        contributions: Json[];
      }>(ponder!, `/api/provers/${address}`);
      assert.equal(status, 200);
      assert.equal(body.prover.units, String(e.units), `units of ${address}`);
      assert.equal(body.prover.tasksDone, e.tasks);
      assert.equal(body.prover.earnings, String(e.earnings));
      const claimed = claims.filter((c) => lower(c.args.account!) === address).reduce((s, c) => s + c.args.amount!, 0n);
      assert.equal(body.prover.claimed, String(claimed));
      assert.deepEqual(
        body.rewards.map((r) => [r.token, r.owed, r.claimed, r.creditedTasks]),
        [[zeroAddress, "0", String(claimed), String(e.earnings)]],
      );
      assert.equal(body.contributions.length, e.tasks);
      const ahead = [...expected.values()].filter((o) => o.units > e.units).length;
      assert.equal(body.rank, ahead + 1);
    }
    const { body: board } = await getJson<{ provers: { rank: number; address: string; units: string }[] }>(
      ponder!,
      "/api/leaderboard?by=units",
    );
    const sorted = [...network.provers.map((w) => lower(w.account.address))].sort((a, b) => {
      const ua = expected.get(a)?.units ?? 0n;
      const ub = expected.get(b)?.units ?? 0n;
      return ua === ub ? (a < b ? -1 : 1) : ua > ub ? -1 : 1;
    });
    assert.deepEqual(
      board.provers.map((p) => p.address),
      sorted,
    );
    assert.deepEqual(
      board.provers.map((p) => p.rank),
      [1, 2, 3, 4],
    );
    const { body: byEarnings } = await getJson<{ provers: { earnings: string }[] }>(
      ponder!,
      "/api/leaderboard?by=earnings&limit=2",
    );
    assert.equal(byEarnings.provers.length, 2);
    assert.ok(BigInt(byEarnings.provers[0]!.earnings) >= BigInt(byEarnings.provers[1]!.earnings));
  });

  it("records the reclaim: the late prover's liveness slash, linked to the task it abandoned", async () => {
    const { slashEvents } = await graphql<{ slashEvents: { items: Json[] } }>(
      ponder!,
      `{ slashEvents { items { prover beneficiary amount reason jobId taskId } } }`,
    );
    assert.deepEqual(slashEvents.items, [
      {
        prover: run.reclaim.previous,
        beneficiary: run.reclaim.reclaimer,
        amount: String(run.reclaim.bond),
        reason: "liveness",
        jobId: String(run.jobId),
        taskId: String(run.reclaim.taskId),
      },
    ]);
    const { body } = await getJson<{ stakeEvents: Json[] }>(ponder!, `/api/provers/${run.reclaim.previous}`);
    assert.deepEqual(
      body.stakeEvents.map((e) => e.kind),
      ["slash", "stake"],
    );
    // The task's own page: its row, its one submission (by the reclaimer), the slash and the reward it caused.
    const taskPage = await getJson<{
      task: Json;
      submissions: Json[];
      disputes: Json[];
      slashes: Json[];
      credits: Json[];
    }>(ponder!, `/api/jobs/${run.jobId}/tasks/${run.reclaim.taskId}`);
    assert.equal(taskPage.status, 200);
    assert.equal(taskPage.body.task.submitter, run.reclaim.reclaimer);
    assert.equal(taskPage.body.task.reclaims, 1);
    assert.deepEqual(
      taskPage.body.submissions.map((x) => [x.prover, x.reverted]),
      [[run.reclaim.reclaimer, false]],
    );
    assert.deepEqual(
      taskPage.body.slashes.map((x) => [x.prover, x.amount, x.reason]),
      [[run.reclaim.previous, String(run.reclaim.bond), "liveness"]],
    );
    assert.deepEqual(
      taskPage.body.credits.map((x) => [x.account, x.reason]),
      [[run.reclaim.reclaimer, "task"]],
    );
    assert.deepEqual(taskPage.body.disputes, []);
    const decision = await getJson<{ task: Json }>(ponder!, `/api/jobs/${run.jobId}/tasks/decision`);
    assert.equal(decision.body.task.kind, "decision");
    assert.equal(decision.body.task.submitter, run.workers.get(DECISION_TASK));
  });

  it("keeps network totals, money per token and parameters; answers SQL over HTTP", async () => {
    const registry = await network.registry(network.owner);
    const market = await network.market(network.owner);
    let totalStake = 0n;
    for (const w of network.provers) totalStake += (await registry.read.proverInfo([w.account.address])).stake;
    const { body } = await getJson<{ network: Json; tokens: Json[]; params: Json }>(ponder!, "/api/stats");
    assert.equal(body.network.provers, 4);
    assert.equal(body.network.stakedProvers, 4);
    assert.equal(body.network.totalStake, String(totalStake));
    assert.equal(body.network.circuits, 1);
    assert.equal(body.network.jobs, 1);
    assert.equal(body.network.jobsOpen, 0);
    assert.equal(body.network.jobsVerified, 1);
    assert.equal(body.network.tasksDone, 10);
    assert.equal(body.network.leavesDone, 5);
    assert.equal(body.network.foldsDone, 4);
    assert.equal(body.network.decisions, 1);
    assert.equal(body.network.reclaims, 1);
    assert.equal(body.network.slashes, 1);
    assert.equal(body.network.slashedAmount, String(run.reclaim.bond));
    const [leafReward, foldReward, decisionReward, dust] = await market.read.rewardsOf([run.jobId]);
    const taskRewards = 5n * leafReward + 4n * foldReward + decisionReward;
    assert.deepEqual(body.tokens, [
      {
        token: zeroAddress,
        feesEscrowed: String(FEE),
        creditedTasks: String(taskRewards),
        creditedOther: String(dust),
        claimed: String(taskRewards + dust),
      },
    ]);
    const params = await market.read.params();
    assert.equal(body.params.minStake, String(await registry.read.minStake()));
    assert.equal(body.params.leafWeight, String(WEIGHTS.leaf));
    assert.equal(body.params.taskWindow, String(params.taskWindow));
    assert.equal(body.params.livenessBond, String(params.livenessBond));
    assert.equal(body.params.market, lower(market.address));

    const tasks = await sql<{ rows: { n: number | string }[] }>(
      ponder!,
      "select count(*) as n from task where job_id = $1 and status = $2",
      [String(run.jobId), "paid"],
    );
    assert.equal(Number(tasks.rows[0]!.n), 10);
    const top = await sql<{ rows: { address: string }[] }>(
      ponder!,
      "select address from prover order by units desc, address limit 1",
    );
    const { body: board } = await getJson<{ provers: { address: string }[] }>(ponder!, "/api/leaderboard?limit=1");
    assert.equal(top.rows[0]!.address, board.provers[0]!.address);
  });

  it("rejects malformed REST parameters with 400 and unknown ids with 404", async () => {
    assert.equal((await getJson(ponder!, "/api/jobs/99")).status, 404);
    assert.equal((await getJson(ponder!, "/api/jobs/1x")).status, 400);
    assert.equal((await getJson(ponder!, `/api/jobs/${run.jobId}/tasks/12345`)).status, 404);
    assert.equal((await getJson(ponder!, `/api/jobs/${run.jobId}/tasks/-1`)).status, 400);
    assert.equal((await getJson(ponder!, "/api/provers/0x1234")).status, 400);
    assert.equal((await getJson(ponder!, `/api/provers/0x${"ab".repeat(20)}`)).status, 404);
    assert.equal((await getJson(ponder!, "/api/leaderboard?by=stake")).status, 400);
    assert.equal((await getJson(ponder!, "/api/leaderboard?limit=0")).status, 400);
    assert.equal((await getJson(ponder!, "/api/leaderboard?limit=101")).status, 400);
    const { body } = await getJson<{ progress: Json }>(ponder!, `/api/jobs/${run.jobId}?nodes=false`);
    assert.equal(body.progress.nodes, undefined);
  });

  let pgliteSnapshot: Json;

  it("restarts on the same database: resumes without duplicating rows and indexes what happened meanwhile", async () => {
    const before = await snapshot(ponder!, network, [run.jobId]);
    assert.equal(await ponder!.stop(), 0, "ponder exits cleanly on SIGTERM");
    ponder = undefined;
    later = await runLaterEvents(network);
    const restarted = await startPonder({
      schema: "e2e",
      env: indexerEnv(node!.url, network, { NOVANET_PGLITE_DIR: pglite }),
    });
    ponder = restarted;
    await waitForIndexedBlock(restarted, CHAIN, await head(network));
    assert.match(restarted.logs(), /Detected crash recovery/, "the second run resumed the first one's database");

    // No history row twice: each table has exactly as many rows as the chain has events.
    const counts = await chainEventCounts(network);
    const c = (...names: string[]) => names.reduce((s, n) => s + (counts[n] ?? 0), 0);
    const rows = async (type: string, plural: string, orderBy: string) =>
      (await dumpTable(restarted, type, plural, orderBy)).length;
    assert.equal(
      await rows("stakeEvent", "stakeEvents", "id"),
      c("Staked", "UnstakeRequested", "Withdrawn", "Slashed"),
    );
    assert.equal(await rows("slashEvent", "slashEvents", "id"), c("Slashed"));
    assert.equal(await rows("rewardEvent", "rewardEvents", "id"), c("Credited", "Claimed"));
    assert.equal(
      await rows("contribution", "contributions", "id"),
      c("LeafSubmitted", "FoldSubmitted", "JobVerified") - c("BundleRequested"),
    );
    assert.equal(await rows("dispute", "disputes", "id"), c("DisputeOpened"));
    assert.equal(await rows("prover", "provers", "address"), c("ProverRegistered"));
    assert.equal(await rows("job", "jobs", "id"), c("JobRequested"));
    assert.equal(await rows("task", "tasks", "taskId"), c("DistinctTasks"));

    // Job 1 is exactly as before the restart (its circuit now counts four jobs).
    const after = await snapshot(restarted, network, [run.jobId]);
    const job1 = (snap: Json) => ({ ...((snap.rest as Json)[`job${run.jobId}`] as Json), circuit: undefined });
    assert.deepEqual(job1(after), job1(before));
    assert.equal(((after.rest as Json)[`job${run.jobId}`] as { circuit: Json }).circuit.jobCount, 4);

    // The new events: a fifth prover, a disputed and reset leaf, a cancelled job, a withdrawal.
    const l = later!;
    const stats = (await getJson<{ network: Json }>(restarted, "/api/stats")).body.network;
    assert.equal(stats.provers, 5);
    assert.equal(stats.jobs, 4);
    assert.equal(stats.jobsCancelled, 1);
    assert.equal(stats.jobsExpired, 1);
    assert.equal(stats.jobsOpen, 0);
    assert.equal(stats.jobsVerified, 2);
    assert.equal(stats.tasksDone, 12, "job 1's ten tasks and job 3's two leaves; job 2's disputed leaf was reverted");
    assert.equal(stats.slashes, 2);
    assert.equal(stats.disputesOpened, 2);
    assert.equal(stats.disputesOpen, 0);
    assert.equal(stats.disputesChallengerWon, 1);
    assert.equal(stats.disputesAnswered, 1);
    const job2 = (await getJson<{ job: Json; progress: Json; disputes: Json[] }>(restarted, `/api/jobs/${l.jobId}`))
      .body;
    assert.equal(job2.job.status, "cancelled");
    assert.equal(job2.job.refund, String(FEE), "nothing was done: the whole fee is refunded");
    assert.equal(job2.job.leavesDone, 0);
    assert.deepEqual(job2.progress.leaves, { done: 0, total: 2 });
    assert.equal(job2.disputes.length, 1);
    assert.equal(job2.disputes[0]!.status, "challenger_won");
    assert.equal(job2.disputes[0]!.challenger, l.challenger);
    assert.equal(job2.disputes[0]!.slashed, String(l.slashed));
    const { contributions } = await graphql<{ contributions: { items: Json[] } }>(
      restarted,
      `{ contributions(where: { jobId: "${l.jobId}" }) { items { prover kind reverted } } }`,
    );
    assert.deepEqual(contributions.items, [{ prover: l.submitter, kind: "leaf", reverted: true }]);
    const { slashEvents } = await graphql<{ slashEvents: { items: Json[] } }>(
      restarted,
      `{ slashEvents(where: { reason: "dispute" }) { items { prover beneficiary amount jobId taskId } } }`,
    );
    assert.deepEqual(slashEvents.items, [
      {
        prover: l.submitter,
        beneficiary: l.challenger,
        amount: String(l.slashed),
        jobId: String(l.jobId),
        taskId: String(l.disputedLeaf),
      },
    ]);
    const registry = await network.registry(network.owner);
    for (const address of [l.newProver, l.unstaker, l.submitter]) {
      const info = await registry.read.proverInfo([address]);
      const { body } = await getJson<{ prover: ProverRow }>(restarted, `/api/provers/${address}`);
      assert.equal(body.prover.stake, String(info.stake), `stake of ${address}`);
      assert.equal(body.prover.unbonding, String(info.unbonding), `unbonding of ${address}`);
    }
    const { body: unstaker } = await getJson<{ stakeEvents: Json[] }>(restarted, `/api/provers/${l.unstaker}`);
    assert.deepEqual(
      unstaker.stakeEvents.slice(0, 2).map((e) => e.kind),
      ["withdraw", "unstake"],
    );
    // The submitter's units do not count the reverted leaf.
    const { body: sub } = await getJson<{ prover: ProverRow; contributions: Json[] }>(
      restarted,
      `/api/provers/${l.submitter}`,
    );
    const counted = sub.contributions
      .filter((x) => x.reverted === false)
      .reduce((s, x) => s + BigInt(x.units as string), 0n);
    assert.equal(sub.prover.units, String(counted));

    // Job 3: a dispute answered by a decider proof, a late leaf extending the root's deadline, expiry.
    const market = await network.market(network.owner);
    const a3 = l.answered;
    const job3 = (
      await getJson<{ job: Json; progress: Json & { nodes: Json[] }; disputes: Json[] }>(
        restarted,
        `/api/jobs/${a3.jobId}`,
      )
    ).body;
    const publicClient = await network.connection.viem.getPublicClient();
    const [expired] = await publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      eventName: "JobExpired",
      args: { jobId: a3.jobId },
      fromBlock: 0n,
    });
    assert.equal(job3.job.status, "expired");
    assert.equal(job3.job.refund, String(expired!.args.refund));
    assert.equal(job3.job.leavesDone, 2);
    assert.deepEqual(job3.progress.leaves, { done: 2, total: 2 });
    assert.deepEqual(
      job3.progress.nodes.map((n) => n.state),
      ["ready", "paid", "paid"],
    );
    assert.deepEqual(job3.progress.decision, { done: false, state: "waiting" });
    assert.deepEqual(
      job3.disputes.map((d) => [d.status, d.challenger, d.submitter, d.slashed]),
      [["answered", a3.challenger, a3.submitter, "0"]],
    );
    const rootTask = await market.read.getTask([a3.jobId, a3.root]);
    assert.equal(job3.progress.nodes[0]!.deadline, String(rootTask.deadline), "the extended deadline");
    const { rewardEvents } = await graphql<{ rewardEvents: { items: Json[] } }>(
      restarted,
      `{ rewardEvents(where: { reason: "bond" }, orderBy: "id") { items { account token jobId amount } } }`,
    );
    assert.deepEqual(
      rewardEvents.items.map((e) => [e.account, e.token, e.jobId]),
      [
        [l.challenger, lower(network.addresses.stakeToken), String(l.jobId)],
        [a3.submitter, lower(network.addresses.stakeToken), String(a3.jobId)],
      ],
    );
    const { prover: updated } = await graphql<{ prover: Json }>(
      restarted,
      `{ prover(address: "${l.newProver}") { maxConstraints gpu peerId } }`,
    );
    const info = await registry.read.proverInfo([l.newProver]);
    assert.deepEqual(updated, { maxConstraints: String(1n << 22n), gpu: false, peerId: info.peerId.toLowerCase() });

    // Job 4: a bundle, verified in the transaction that created it, its whole tree done, no tasks.
    const job4 = (
      await getJson<{ job: Json; progress: Json; contributors: Json[] }>(restarted, `/api/jobs/${l.bundle.jobId}`)
    ).body;
    assert.equal(job4.job.mode, "bundle");
    assert.equal(job4.job.status, "verified");
    assert.equal(job4.job.fee, "0");
    assert.equal(job4.job.verifiedBy, lower(network.requester.account.address));
    assert.deepEqual(job4.job.result, l.bundle.zN.map(String));
    assert.deepEqual([job4.job.leavesDone, job4.job.foldsDone], [4, 3]);
    assert.equal(job4.progress.percent, 100);
    assert.deepEqual(job4.contributors, []);
    pgliteSnapshot = await snapshot(restarted, network, [run.jobId, l.jobId, a3.jobId, l.bundle.jobId]);
  });

  describe("on PostgreSQL (DATABASE_URL)", () => {
    let cluster: PgCluster | undefined;
    let pg: PonderProcess | undefined;

    before(function () {
      try {
        cluster = startPostgres();
      } catch (error) {
        if (onPostgresUnavailable(process.env) === "fail") {
          throw new Error(
            `PostgreSQL could not start, so the indexer's PostgreSQL path is untested (set NOVANET_SKIP_POSTGRES=1 outside CI to skip): ${(error as Error).message}`,
          );
        }
        console.error(
          `\n!!! SKIPPING the indexer's PostgreSQL test (NOVANET_SKIP_POSTGRES=1): ${(error as Error).message}\n`,
        );
        this.skip();
      }
    });

    after(async () => {
      await pg?.stop();
      if (cluster) stopPostgres(cluster);
    });

    it("indexes the same chain into PostgreSQL with answers identical to PGlite's, across a restart", async () => {
      assert.ok(pgliteSnapshot, "the PGlite run completed");
      const env = indexerEnv(node!.url, network, { DATABASE_URL: cluster!.url });
      pg = await startPonder({ schema: "e2e_pg", env });
      await waitForIndexedBlock(pg, CHAIN, await head(network));
      assert.deepEqual(
        await snapshot(pg, network, [run.jobId, later!.jobId, later!.answered.jobId, later!.bundle.jobId]),
        pgliteSnapshot,
      );
      assert.match(pg.logs(), /"type":"postgres"|postgres/i);
      assert.equal(await pg.stop(), 0);
      pg = await startPonder({ schema: "e2e_pg", env });
      await waitForIndexedBlock(pg, CHAIN, await head(network));
      assert.match(pg.logs(), /Detected crash recovery/);
      assert.deepEqual(
        await snapshot(pg, network, [run.jobId, later!.jobId, later!.answered.jobId, later!.bundle.jobId]),
        pgliteSnapshot,
      );
    });
  });
});
