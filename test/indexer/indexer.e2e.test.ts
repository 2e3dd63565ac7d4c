/**
 * The indexer end to end against market v2, as Ponder's own e2e tests do it: a Hardhat node served over
 * HTTP on 127.0.0.1, the v2 contracts, a real chunked job driven by the prover's code
 * (helpers/scenario-v2.ts), `ponder start` as a child process waited for until it has indexed the chain
 * head, then GraphQL and REST answers checked against what the chain says. The indexer is then stopped, a
 * second job is requested, and a restart on the same database must resume without duplicating rows. Optimistic
 * bundles (helpers/optimistic.ts, a 60 s window) are proposed, one challenged and one finalized after the
 * chain's clock is moved past its window, one left open. Finally the same chain is indexed into PostgreSQL and
 * every answer must be identical to PGlite's.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, parseEther, zeroAddress } from "viem";
import { taskUnits } from "../../indexer/lib/tasks.js";
import { bundleDataHash } from "../../prover/src/chain/bundles.js";
import { srsRegistration } from "../../prover/src/commitment/srs.js";
import { jobTasks, nodeId } from "../../prover/src/tree/shape.js";
import { loadCubic } from "./helpers/job-material.js";
import { type Bundle, buildBundle, registerMockCircuit } from "./helpers/optimistic.js";
import { getJson, graphql, type PonderProcess, startPonder, waitForIndexedBlock } from "./helpers/ponder.js";
import { onPostgresUnavailable, type PgCluster, startPostgres, stopPostgres } from "./helpers/postgres.js";
import { assertTimestampsIncrease, mineBlocks, type RpcNode, startRpcNode } from "./helpers/rpc-node.js";
import {
  CHUNK_LOG,
  DECISION_TASK,
  FEE,
  type JobRun,
  N_LEAVES,
  type Network,
  PARAMS,
  runJobScenario,
  setUpNetwork,
  WEIGHTS,
} from "./helpers/scenario-v2.js";

const CHAIN = "novanet";
type Json = Record<string, unknown>;
const lower = (a: string) => a.toLowerCase() as Address;

function indexerEnv(rpcUrl: string, network: Network, extra: Record<string, string>): Record<string, string> {
  return {
    NOVANET_RPC_URL: rpcUrl,
    NOVANET_PROVER_REGISTRY: network.addresses.proverRegistry,
    NOVANET_CIRCUIT_REGISTRY: network.addresses.circuitRegistry,
    NOVANET_PROOF_MARKET: network.addresses.market,
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
  ["attempt", "attempts", "id"],
  ["paramsVersion", "paramsVersions", "id"],
  ["contribution", "contributions", "id"],
  ["reward", "rewards", "account"],
  ["rewardEvent", "rewardEvents", "id"],
  ["dispute", "disputes", "id"],
  ["network", "networks", "id"],
  ["tokenTotal", "tokenTotals", "token"],
  ["protocol", "protocols", "id"],
];

/** Everything the indexer serves except live chain reads, for comparing two indexers. */
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

describe("indexer end to end on market v2: Hardhat node, a real chunked job, ponder (PGlite, then PostgreSQL)", function () {
  this.timeout(300_000);

  let node: RpcNode | undefined;
  let network: Network;
  let run: JobRun;
  let ponder: PonderProcess | undefined;
  let secondJob = 0n;
  let pgliteSnapshot: Json | undefined;
  let snapshotJobs: bigint[] = [];
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

  it("serves the verified job: chunks, merges, the decision, and its progress", async () => {
    const { status, body } = await getJson<{ job: Json; progress: Json & { taskList: Json[] } }>(
      ponder!,
      `/api/jobs/${run.jobId}`,
    );
    assert.equal(status, 200);
    assert.equal(body.job.status, "verified");
    assert.equal(body.job.chunkLog, CHUNK_LOG);
    assert.equal(body.job.nLeaves, N_LEAVES);
    assert.equal(body.job.fee, String(FEE));
    assert.equal(body.job.bond, String((FEE * BigInt(PARAMS.requesterBondBps)) / 10_000n));
    assert.equal(body.job.feeToken, zeroAddress);
    assert.equal(body.job.paramsId, 1);
    assert.equal(body.job.manifestRoot, run.material.manifest.root);
    assert.deepEqual(body.job.result, run.material.root.node.zOut.map(String));
    assert.deepEqual([body.job.leavesDone, body.job.foldsDone, body.job.chunksDone, body.job.mergesDone], [5, 4, 3, 2]);
    // Every window that passed without a submission, on any task of the job (other chunks' windows pass too
    // while the scenario waits out one chunk's).
    const market = await network.market(network.owner);
    const missed = await market.getEvents.AttemptMissed({ jobId: run.jobId }, { fromBlock: 0n });
    assert.ok(missed.length >= run.missed.attempt);
    assert.equal(body.job.missedAttempts, missed.length, "one per AttemptMissed");
    assert.equal(body.job.verifiedBy, run.workers.get(DECISION_TASK));
    const p = body.progress;
    assert.deepEqual(p.chunks, { done: 3, total: 3 });
    assert.deepEqual(p.merges, { done: 2, total: 2 });
    assert.equal(p.percent, 100);
    assert.deepEqual(
      p.taskList.map((t) => `${t.kind}:${t.a}-${t.c}:${t.state}`),
      ["chunk:0-2:paid", "chunk:2-4:paid", "chunk:4-5:paid", "merge:0-4:paid", "merge:0-5:paid", "decision:0-5:paid"],
    );
    for (const t of p.taskList) assert.equal(t.submitter, run.workers.get(BigInt(t.taskId as string)));
  });

  it("credits units per task as the market counts them, and the rewards it paid", async () => {
    const { contributions } = await graphql<{ contributions: { items: Json[] } }>(
      ponder!,
      `{ contributions(limit: 100) { items { taskId kind units reward prover reverted } } }`,
    );
    const market = await network.market(network.owner);
    const [chunkReward, mergeReward, decisionReward] = await market.read.rewardsOf([run.jobId]);
    const prices = {
      leafWeight: WEIGHTS.leaf,
      foldWeight: WEIGHTS.fold,
      decisionWeight: WEIGHTS.decision,
      constraints: BigInt(network.circuit.shape.m),
      deciderConstraints: BigInt(network.circuit.keys.layout.nConstraints),
    };
    assert.equal(contributions.items.length, jobTasks(N_LEAVES, CHUNK_LOG).length);
    for (const c of contributions.items) {
      const t = jobTasks(N_LEAVES, CHUNK_LOG).find((x) => x.id === BigInt(c.taskId as string))!;
      assert.equal(c.kind, t.kind);
      assert.equal(c.units, String(taskUnits(t.kind, t.c - t.a, prices)));
      assert.equal(c.prover, run.workers.get(t.id));
      assert.equal(c.reverted, false);
      if (t.kind === "merge") assert.equal(c.reward, String(mergeReward));
      if (t.kind === "decision") assert.equal(c.reward, String(decisionReward));
      if (t.kind === "chunk" && t.c - t.a === 2) assert.equal(c.reward, String(chunkReward));
    }
  });

  it("records the missed attempt, its liveness slash and the task page with the live market view", async () => {
    const m = run.missed;
    const page = await getJson<{ task: Json; live: Json; attempts: Json[]; slashes: Json[]; submissions: Json[] }>(
      ponder!,
      `/api/jobs/${run.jobId}/tasks/${m.taskId}`,
    );
    assert.equal(page.status, 200);
    assert.equal(page.body.task.kind, "chunk");
    assert.equal(page.body.task.submitter, m.submitter);
    assert.equal(page.body.task.attempt, m.attempt);
    assert.equal(page.body.task.missedAttempts, m.attempt);
    assert.equal(page.body.attempts.length, m.attempt);
    assert.equal(page.body.attempts[0]!.prover, m.late);
    assert.equal(page.body.attempts[0]!.beneficiary, m.submitter);
    assert.deepEqual(
      page.body.slashes.map((s) => [s.prover, s.reason]),
      page.body.attempts.map((a) => [a.prover, "liveness"]),
    );
    assert.equal(page.body.live.state, "paid");
    assert.equal(page.body.live.assignee, zeroAddress);
    const decision = await getJson<{ task: Json }>(ponder!, `/api/jobs/${run.jobId}/tasks/decision`);
    assert.equal(decision.body.task.kind, "decision");
    const params = await graphql<{ paramsVersions: { items: Json[] } }>(
      ponder!,
      `{ paramsVersions { items { id window burnBps } } }`,
    );
    assert.deepEqual(params.paramsVersions.items, [{ id: 1, window: String(PARAMS.window), burnBps: PARAMS.burnBps }]);
    const weights = await graphql<{ paramsVersions: { items: Json[] } }>(
      ponder!,
      `{ paramsVersions { items { leafWeight foldWeight decisionWeight } } }`,
    );
    assert.deepEqual(weights.paramsVersions.items, [
      { leafWeight: String(WEIGHTS.leaf), foldWeight: String(WEIGHTS.fold), decisionWeight: String(WEIGHTS.decision) },
    ]);
    assert.equal((await getJson(ponder!, `/api/jobs/${run.jobId}/tasks/${nodeId(0, 1)}`)).status, 404);
  });

  it("tracks every prover's stake lock as the registry holds it (StakeLocked)", async () => {
    const registry = await network.registry(network.owner);
    const rows = await graphql<{ provers: { items: { address: string; lockedUntil: string }[] } }>(
      ponder!,
      `{ provers(limit: 100) { items { address lockedUntil } } }`,
    );
    assert.equal(rows.provers.items.length, network.provers.length);
    let locked = 0;
    for (const r of rows.provers.items) {
      const want = await registry.read.lockedUntil([r.address as Address]);
      assert.equal(r.lockedUntil, String(want), `lock of ${r.address}`);
      if (want > 0n) locked++;
    }
    assert.ok(locked > 0, "the job's submitters are locked until its dispute window ends");
  });

  it("restarts on the same database: resumes without duplicating rows and indexes a new job", async () => {
    const before = await snapshot(ponder!, network, [run.jobId]);
    assert.equal(await ponder!.stop(), 0);
    // A second job, requested while the indexer is down: open, chunks open, nothing else.
    const market = await network.market(network.requester);
    const publicClient = await network.connection.viem.getPublicClient();
    const { buildManifest } = await import("../../prover/src/tree/manifest.js");
    const states = [[3n], [5n], [7n]];
    const manifest = buildManifest(states);
    // The owner reprices work while the indexer is down: a new parameter set, which the second job is under.
    const NEW_WEIGHTS = { leaf: 5n, fold: 1n, decision: 1n };
    await network.wait(await (await network.market(network.owner)).write.setWeights([NEW_WEIGHTS]));
    secondJob = (await market.read.jobCount()) + 1n;
    const now = (await publicClient.getBlock()).timestamp;
    await network.wait(
      await market.write.requestProof(
        [
          {
            circuitId: network.circuitId,
            nLeaves: 2,
            chunkLog: 0,
            manifestRoot: manifest.root,
            feeToken: zeroAddress,
            fee: FEE,
            deadline: now + 20n * 86400n,
            z0: states[0]!,
            z1: states[1]!,
            z0Proof: manifest.proof(0),
          },
        ],
        { value: FEE + (FEE * BigInt(PARAMS.requesterBondBps)) / 10_000n },
      ),
    );
    ponder = await startPonder({ schema: "e2e", env: indexerEnv(node!.url, network, { NOVANET_PGLITE_DIR: pglite }) });
    await waitForIndexedBlock(ponder, CHAIN, await head(network));
    // A restart resumes from a checkpoint ordered by block timestamp: the chain's must increase (see mineBlocks).
    await assertTimestampsIncrease(network.connection);
    const after = await snapshot(ponder, network, [run.jobId]);
    const t0 = (before as { tables: Record<string, Json[]> }).tables;
    const t1 = (after as { tables: Record<string, Json[]> }).tables;
    for (const table of ["tasks", "contributions", "attempts", "slashEvents", "stakeEvents", "rewardEvents"]) {
      assert.deepEqual(t1[table], t0[table], `${table} unchanged by the restart`);
    }
    assert.equal(t1.jobs!.length, 2);
    const job2 = (await getJson<{ job: Json; progress: Json }>(ponder, `/api/jobs/${secondJob}`)).body;
    assert.equal(job2.job.status, "open");
    assert.deepEqual(job2.progress.chunks, { done: 0, total: 2 });
    const versions = await graphql<{ paramsVersions: { items: Json[] } }>(
      ponder,
      `{ paramsVersions(orderBy: "id") { items { id leafWeight foldWeight window } } }`,
    );
    assert.deepEqual(versions.paramsVersions.items, [
      { id: 1, leafWeight: String(WEIGHTS.leaf), foldWeight: String(WEIGHTS.fold), window: String(PARAMS.window) },
      { id: 2, leafWeight: "5", foldWeight: "1", window: String(PARAMS.window) },
    ]);
    assert.equal(job2.job.paramsId, 2);
    assert.equal(String(job2.job.leafWeight), "5", "the second job is paid by the new weights");
    assert.deepEqual(await market.read.weightsAt([2]), NEW_WEIGHTS, "the contract agrees");
    snapshotJobs = [run.jobId, secondJob];
    pgliteSnapshot = await snapshot(ponder, network, snapshotJobs);
  });

  it("moves a task whose stake snapshot held no fitting prover to a later block (SnapshotRefreshed)", async () => {
    // A circuit above every staked prover's capacity class (they declare 2^20): a job of it cannot be drawn.
    const owner = network.owner;
    const circuits = await network.connection.viem.getContractAt("CircuitRegistry", network.addresses.circuitRegistry, {
      client: { wallet: owner },
    });
    const c = await circuits.read.getCircuit([network.circuitId]);
    await network.wait(
      await circuits.write.registerCircuit([
        c.r1csHash,
        1n << 22n,
        c.nWitness,
        Number(c.stateWidth),
        srsRegistration(network.circuit.srs),
        c.decider,
        c.deciderConstraints,
      ]),
    );
    const bigCircuit = await circuits.read.circuitCount();
    const market = await network.market(network.requester);
    const publicClient = await network.connection.viem.getPublicClient();
    const { buildManifest } = await import("../../prover/src/tree/manifest.js");
    const states = [[3n], [5n]];
    const manifest = buildManifest(states);
    const jobId = (await market.read.jobCount()) + 1n;
    const now = (await publicClient.getBlock()).timestamp;
    await network.wait(
      await market.write.requestProof(
        [
          {
            circuitId: bigCircuit,
            nLeaves: 1,
            chunkLog: 0,
            manifestRoot: manifest.root,
            feeToken: zeroAddress,
            fee: FEE,
            deadline: now + 86400n,
            z0: states[0]!,
            z1: states[1]!,
            z0Proof: manifest.proof(0),
          },
        ],
        { value: FEE + (FEE * BigInt(PARAMS.requesterBondBps)) / 10_000n },
      ),
    );
    const taskId = nodeId(0, 1);
    await mineBlocks(network.connection, 2);
    await assert.rejects(market.read.getTask([jobId, taskId]), /ProverRegistryNoEligibleProver/);
    await assert.rejects(market.write.refreshSnapshot([jobId, taskId]), /MarketNoEligibleProver/);
    // A prover of that class stakes; anyone refreshes the task's snapshot in a later block.
    const big = network.wallets[6]!;
    const token = await network.token(big);
    const registry = await network.registry(big);
    await network.wait(await token.write.mint([big.account.address, parseEther("200")]));
    await network.wait(await token.write.approve([network.addresses.proverRegistry, parseEther("200")]));
    await network.wait(await registry.write.register([`0x0024080112${"cd".repeat(31)}`, 1n << 22n, true]));
    await network.wait(await registry.write.stake([parseEther("200")]));
    const hash = await market.write.refreshSnapshot([jobId, taskId]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    await mineBlocks(network.connection, 2);
    const live = await market.read.getTask([jobId, taskId]);
    assert.equal(lower(live.assignee), lower(big.account.address), "the only fitting prover is drawn");
    await waitForIndexedBlock(ponder!, CHAIN, await head(network));
    const page = await getJson<{ task: Json; live: Json }>(ponder!, `/api/jobs/${jobId}/tasks/${taskId}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.task.kind, "chunk");
    assert.equal(page.body.task.status, "open");
    assert.equal(page.body.task.availableBlock, String(receipt.blockNumber));
    assert.equal(page.body.live.assignee, lower(big.account.address));
    snapshotJobs = [run.jobId, secondJob, jobId];
    pgliteSnapshot = await snapshot(ponder!, network, snapshotJobs);
  });

  it("indexes optimistic bundles: proposed, challenged (voided), finalized after the window, one still open", async () => {
    const owner = network.owner;
    const [proposer, fraudster] = network.provers;
    const challenger = network.wallets[7]!;
    const finalizer = network.wallets[8]!;
    const publicClient = await network.connection.viem.getPublicClient();
    const test = await network.connection.viem.getTestClient();
    const { circuitId, domain } = await registerMockCircuit(network);
    const WINDOW = 60n;
    const PER_LEAF = 10n ** 12n;
    await network.wait(await (await network.market(owner)).write.setBundleParams([WINDOW, PER_LEAF]));
    const propose = async (wallet: typeof owner, b: Bundle) => {
      const market = await network.market(wallet);
      const hash = await market.write.proposeBundle([circuitId, b.data, b.proof] as never, {
        value: PER_LEAF * BigInt(b.n),
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
      const [log] = await market.getEvents.BundleProposed({}, { blockHash: receipt.blockHash });
      assert.ok(log, "BundleProposed");
      const at = (await publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      return { jobId: log.args.jobId!, dataHash: log.args.dataHash!, end: at + WINDOW, block: receipt.blockNumber };
    };
    const good = await buildBundle(domain, 4);
    const bad = await buildBundle(domain, 3, true);
    const a = await propose(proposer!, good);
    const b = await propose(fraudster!, bad);
    assert.equal(a.dataHash, bundleDataHash(good.data));
    await waitForIndexedBlock(ponder!, CHAIN, await head(network));

    type JobPage = { job: Json; progress: Json; challenge: Json | null };
    const page = async (id: bigint) => (await getJson<JobPage>(ponder!, `/api/jobs/${id}`)).body;
    const headTime = async () => (await publicClient.getBlock()).timestamp;
    let pa = await page(a.jobId);
    assert.equal(pa.job.mode, "optimistic");
    assert.equal(pa.job.status, "proposed");
    assert.equal(pa.job.requester, lower(proposer!.account.address));
    assert.equal(pa.job.circuitId, String(circuitId));
    assert.equal(pa.job.nLeaves, 4);
    assert.deepEqual(pa.job.z0, good.z0.map(String));
    assert.deepEqual(pa.job.zN, good.zN.map(String));
    assert.equal(pa.job.result, null);
    assert.equal(pa.job.challengeEnd, String(a.end));
    assert.equal(pa.job.deadline, String(a.end));
    assert.equal(pa.job.bond, String(PER_LEAF * 4n));
    assert.equal(pa.job.dataHash, a.dataHash);
    assert.equal(pa.job.domain, domain);
    assert.deepEqual([pa.job.leavesDone, pa.job.foldsDone], [4, 3], "the posted tree");
    assert.equal(pa.progress.percent, 100);
    let now = await headTime();
    assert.deepEqual(pa.challenge, {
      state: "open",
      end: String(a.end),
      chainTime: String(now),
      secondsLeft: String(a.end - now),
      bond: String(PER_LEAF * 4n),
      dataHash: a.dataHash,
      proposer: lower(proposer!.account.address),
      challenger: null,
      zN: good.zN.map(String),
    });
    assert.ok(a.end - now > 0n && a.end - now <= WINDOW);
    const tree = (await getJson<Json & { nodes: Json[]; challenge: Json }>(ponder!, `/api/jobs/${a.jobId}/tree`)).body;
    assert.equal(tree.status, "proposed");
    assert.equal(tree.mode, "optimistic");
    assert.equal(tree.challenge.state, "open");
    assert.equal(tree.nodes.length, 7);
    assert.ok(
      tree.nodes.every((node) => node.state === "submitted"),
      "a proposed bundle's tree is posted, not verified",
    );
    const stats = (await getJson<{ network: Json; params: Json }>(ponder!, "/api/stats")).body;
    assert.equal(stats.params.bundleChallengeWindow, String(WINDOW));
    assert.equal(stats.params.bundleBondPerLeaf, String(PER_LEAF));
    assert.equal(stats.network.jobsProposed, 2);

    // The fraud is shown within the window: voided, the bond to the challenger.
    const before = (await getJson<{ network: Json }>(ponder!, "/api/stats")).body.network;
    await network.wait(await (await network.market(challenger)).write.challengeBundle([b.jobId, bad.data] as never));
    await waitForIndexedBlock(ponder!, CHAIN, await head(network));
    const pb = await page(b.jobId);
    assert.equal(pb.job.status, "voided");
    assert.equal(pb.job.voidReason, "challenged");
    assert.equal(pb.job.voidedBy, lower(challenger.account.address));
    assert.deepEqual([pb.job.leavesDone, pb.job.foldsDone], [0, 0], "the false folds do not count");
    assert.equal(pb.challenge!.state, "challenged");
    assert.equal(pb.challenge!.challenger, lower(challenger.account.address));
    assert.equal(pb.challenge!.secondsLeft, "0");
    const credits = async (jobId: bigint) =>
      (
        await graphql<{ rewardEvents: { items: Json[] } }>(
          ponder!,
          `{ rewardEvents(where: { jobId: "${jobId}" }) { items { account token reason amount } } }`,
        )
      ).rewardEvents.items;
    assert.deepEqual(await credits(b.jobId), [
      {
        account: lower(challenger.account.address),
        token: zeroAddress,
        reason: "challenge",
        amount: String(PER_LEAF * 3n),
      },
    ]);

    // The honest bundle's window passes unchallenged: anyone finalizes it (BundleFinalized, JobVerified).
    await test.increaseTime({ seconds: Number(WINDOW) + 1 });
    await mineBlocks(network.connection, 1);
    pa = await page(a.jobId);
    assert.equal(pa.job.status, "proposed");
    assert.equal(pa.challenge!.state, "ended");
    assert.equal(pa.challenge!.secondsLeft, "0");
    await network.wait(await (await network.market(finalizer)).write.finalizeBundle([a.jobId, good.zN]));
    await waitForIndexedBlock(ponder!, CHAIN, await head(network));
    pa = await page(a.jobId);
    assert.equal(pa.job.status, "verified");
    assert.deepEqual(pa.job.result, good.zN.map(String));
    assert.equal(pa.job.verifiedBy, lower(proposer!.account.address));
    assert.ok(BigInt(pa.job.verifiedAt as string) > a.end);
    assert.equal(pa.job.firstSubmissionAt, pa.job.requestedAt, "the tree was posted at the proposal");
    assert.equal(pa.challenge!.state, "finalized");
    assert.deepEqual(await credits(a.jobId), [
      { account: lower(proposer!.account.address), token: zeroAddress, reason: "bond", amount: String(PER_LEAF * 4n) },
    ]);
    const after = (await getJson<{ network: Json }>(ponder!, "/api/stats")).body.network;
    assert.equal(after.jobsProposed, 0);
    assert.equal(after.bundlesFinalized, 1);
    assert.equal(after.bundlesChallenged, 1);
    assert.equal(after.jobsVoided, (before.jobsVoided as number) + 1);
    assert.equal(after.jobsVerified, (before.jobsVerified as number) + 1);
    assert.equal(after.jobsOpen, before.jobsOpen, "bundles never count as open requests");
    const onChain = await (await network.market(owner)).read.getJob([a.jobId]);
    assert.equal(onChain.status, 2, "Verified on chain too");

    // A third stays in its window: the snapshots below (PGlite, PostgreSQL) carry a running window.
    const c = await propose(proposer!, await buildBundle(domain, 2));
    await waitForIndexedBlock(ponder!, CHAIN, await head(network));
    const pc = await page(c.jobId);
    now = await headTime();
    assert.equal(pc.job.status, "proposed");
    assert.equal(pc.challenge!.secondsLeft, String(c.end - now));
    const listed = (await getJson<{ jobs: Json[] }>(ponder!, "/api/dashboard")).body.jobs;
    assert.deepEqual(
      [a.jobId, b.jobId, c.jobId].map((id) => {
        const j = listed.find((x) => x.id === String(id))!;
        return [j.mode, j.status, (j.challenge as Json).state];
      }),
      [
        ["optimistic", "verified", "finalized"],
        ["optimistic", "voided", "challenged"],
        ["optimistic", "proposed", "open"],
      ],
    );
    snapshotJobs = [...snapshotJobs, a.jobId, b.jobId, c.jobId];
    pgliteSnapshot = await snapshot(ponder!, network, snapshotJobs);
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

    it("indexes the same chain into PostgreSQL with answers identical to PGlite's", async () => {
      assert.ok(pgliteSnapshot, "the PGlite run completed");
      await assertTimestampsIncrease(network.connection);
      pg = await startPonder({ schema: "e2e_pg", env: indexerEnv(node!.url, network, { DATABASE_URL: cluster!.url }) });
      await waitForIndexedBlock(pg, CHAIN, await head(network));
      assert.deepEqual(await snapshot(pg, network, snapshotJobs), pgliteSnapshot);
      assert.match(pg.logs(), /"type":"postgres"|postgres/i);
    });
  });
});
