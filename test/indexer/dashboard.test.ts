/**
 * The dashboard in a real headless Chromium, against a real indexer (`ponder start` on PGlite) following a
 * real chain (a Hardhat EDR node over HTTP) on which a market v2 job runs (helpers/scenario-v2.ts: 5 leaves in
 * chunks of 2, a missed attempt, every task proven by the prover's code and submitted by its drawn
 * assignee). The page is opened before the job is requested and only ever updated by its server-sent
 * events: mid-job (every chunk submitted, no merge yet) the tree must show the chunks as submitted and
 * labelled with their submitters, the first merge as assigned to the prover the market drew, the rest
 * waiting; at the end every node verified with its prover, the job verified in the jobs table, the provers'
 * tasks, earnings and slashes, and the network totals. Then optimistic bundles (helpers/optimistic.ts): a
 * proposed one shows the seconds left in its challenge window, a challenged one who challenged it, and one
 * finalized after the chain's clock passed its window. Screenshots are saved to test-artifacts/dashboard.png
 * and dashboard-optimistic.png (NOVANET_ARTIFACTS overrides the folder).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { type Address, formatEther } from "viem";
import type { JobTree } from "../../indexer/lib/dashboard.js";
import { DECISION_TASK, jobTasks, nodeId } from "../../prover/src/tree/shape.js";
import { chromiumPath, itIfChromium, type NodeView, treeOnPage } from "../helpers/dashboard.js";
import { loadCubic } from "./helpers/job-material.js";
import { type Bundle, buildBundle, registerMockCircuit } from "./helpers/optimistic.js";
import { getJson, type PonderProcess, startPonder, waitForIndexedBlock } from "./helpers/ponder.js";
import { mineBlocks, type RpcNode, startRpcNode } from "./helpers/rpc-node.js";
import { CHUNK_LOG, type JobRun, N_LEAVES, type Network, runJobScenario, setUpNetwork } from "./helpers/scenario-v2.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = process.env.NOVANET_ARTIFACTS ?? path.join(repoRoot, "test-artifacts");
const itBrowser = itIfChromium();
const lower = (a: string) => a.toLowerCase() as Address;

/** Nodes are coloured by state: one fill per state, a different one for each state. */
function assertFillsByState(nodes: NodeView[]) {
  const fillOf = new Map<string, string>();
  for (const n of nodes) {
    assert.equal(fillOf.get(n.state) ?? n.fill, n.fill, `every ${n.state} node has one colour`);
    fillOf.set(n.state, n.fill);
  }
  assert.equal(new Set(fillOf.values()).size, fillOf.size, "each state has its own colour");
}

/** Polls `check` (which throws while the page is not there yet) until it passes; rethrows the last failure. */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

describe("dashboard: the indexer's web page in headless Chromium, following a live v2 job", function () {
  this.timeout(240_000);
  let node: RpcNode | undefined;
  let network: Network;
  let ponder: PonderProcess | undefined;
  let browser: Browser | undefined;
  let pglite: string | undefined;

  before(async () => {
    if (!chromiumPath) return;
    node = await startRpcNode();
    network = await setUpNetwork(node.connection, await loadCubic());
    pglite = mkdtempSync(path.join(tmpdir(), "novanet-dash-pglite-"));
    const launched = chromium.launch({ executablePath: chromiumPath });
    ponder = await startPonder({
      schema: "dashboard",
      env: {
        NOVANET_RPC_URL: node.url,
        NOVANET_PROVER_REGISTRY: network.addresses.proverRegistry,
        NOVANET_CIRCUIT_REGISTRY: network.addresses.circuitRegistry,
        NOVANET_PROOF_MARKET: network.addresses.market,
        NOVANET_START_BLOCK: String(network.addresses.startBlock),
        NOVANET_POLLING_MS: "200",
        NOVANET_PGLITE_DIR: pglite,
      },
    });
    browser = await launched;
    // The provers' registrations are indexed before the page is opened.
    await waitForIndexedBlock(
      ponder,
      "novanet",
      await (await network.connection.viem.getPublicClient()).getBlockNumber(),
    );
  });

  after(async () => {
    await browser?.close();
    await ponder?.stop();
    await node?.close();
    if (pglite) rmSync(pglite, { recursive: true, force: true });
  });

  itBrowser("shows the job, its fold tree filling in with states and provers, the provers and the totals", async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${ponder!.url}/dashboard`);
    // Before any job: the provers registered by the scenario are listed, the tree waits.
    await eventually(async () => assert.equal(await page.locator("#provers tr[data-prover]").count(), 4));
    assert.match((await page.locator("#tree").textContent()) ?? "", /Waiting for a job/);
    assert.equal(await page.locator("#live.on").count(), 1, "the event stream is connected");

    const publicClient = await network.connection.viem.getPublicClient();
    const tasks = jobTasks(N_LEAVES, CHUNK_LOG);
    const firstMerge = nodeId(0, 4);

    const run: JobRun = await runJobScenario(network, {
      afterChunks: async (jobId, workers) => {
        // Let the first merge's seed block exist, then ask the market whom it drew.
        await mineBlocks(network.connection, 2);
        const live = await (await network.market(network.owner)).read.getTask([jobId, firstMerge]);
        const drawn = lower(live.assignee);
        await waitForIndexedBlock(ponder!, "novanet", await publicClient.getBlockNumber());
        await eventually(async () => {
          const tree = await treeOnPage(page);
          assert.equal(tree.job, jobId.toString());
          assert.equal(tree.status, "open");
          assert.equal(tree.nodes.length, 2 * N_LEAVES - 1 + 1, "2N − 1 nodes and the decision");
          for (const n of tree.nodes) {
            const chunk = tasks.find((t) => t.kind === "chunk" && t.id.toString() === n.task);
            if (chunk !== undefined) {
              assert.equal(n.state, "submitted", `node ${n.id} of a submitted chunk`);
              assert.equal(n.prover, lower(workers.get(chunk.id)!));
            } else if (n.task === firstMerge.toString()) {
              assert.equal(n.state, "assigned", "the first merge is drawn");
              assert.equal(n.prover, drawn);
              assert.match(n.label, new RegExp(short(drawn).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
            } else {
              assert.equal(n.state, "waiting", `node ${n.id} (${n.task}) waits for its inputs`);
              assert.equal(n.prover, "");
            }
          }
          assertFillsByState(tree.nodes);
        });
        assert.equal(await page.locator('#jobs tr[data-job="1"] [data-status]').textContent(), "open");
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: path.join(artifacts, "dashboard-mid-job.png"), fullPage: true });
      },
    });

    await waitForIndexedBlock(ponder!, "novanet", await publicClient.getBlockNumber());
    const jobId = run.jobId.toString();
    await eventually(async () => {
      const tree = await treeOnPage(page);
      assert.equal(tree.status, "verified");
      for (const n of tree.nodes) {
        assert.equal(n.state, "verified", `node ${n.id}`);
        const task = n.task === "decision" ? DECISION_TASK : BigInt(n.task);
        const worker = lower(run.workers.get(task)!);
        assert.equal(n.prover, worker, `node ${n.id} is labelled with its task's prover`);
      }
    });
    assertFillsByState((await treeOnPage(page)).nodes);
    assert.equal(await page.locator(`#jobs tr[data-job="${jobId}"] [data-status]`).textContent(), "verified");
    assert.match((await page.locator(`#jobs tr[data-job="${jobId}"]`).textContent()) ?? "", /6 \/ 6/);

    // The provers' table against the chain's story: tasks per submitter, earnings, the liveness slash.
    const perWorker = new Map<string, number>();
    for (const w of run.workers.values()) perWorker.set(lower(w), (perWorker.get(lower(w)) ?? 0) + 1);
    // Slashes as the registry logged them (the missed chunk's, and any other open chunk whose window passed meanwhile).
    const registry = await network.registry(network.owner);
    const slashed = new Map<string, number>();
    for (const e of await registry.getEvents.Slashed({}, { fromBlock: 0n })) {
      slashed.set(lower(e.args.prover!), (slashed.get(lower(e.args.prover!)) ?? 0) + 1);
    }
    assert.ok((slashed.get(lower(run.missed.late)) ?? 0) >= 1, "the late prover was slashed");
    for (const wallet of network.provers) {
      const address = lower(wallet.account.address);
      const row = page.locator(`#provers tr[data-prover="${address}"]`);
      await eventually(async () => {
        assert.equal(await row.locator('[data-col="tasks"]').textContent(), String(perWorker.get(address) ?? 0));
      });
      const earnings = (await row.locator('[data-col="earnings"]').textContent())!;
      if (perWorker.has(address)) assert.notEqual(earnings, "0", `${address} earned`);
      // Every worker claimed what it earned (the scenario's last transactions).
      await eventually(async () => {
        assert.equal(await row.locator('[data-col="claimed"]').textContent(), earnings, `${address} claimed`);
      });
      const slashes = (await row.locator('[data-col="slashes"]').textContent())!;
      assert.equal(slashes, String(slashed.get(address) ?? 0), `${address} slashes`);
      const stake = (await registry.read.proverInfo([address])).stake;
      assert.equal(await row.locator('[data-col="stake"]').textContent(), formatEther(stake), `${address} stake`);
    }
    // Network totals.
    const total = async (key: string) => (await page.locator(`[data-total="${key}"] .v`).textContent())!;
    assert.equal(await total("jobs"), "1 / 1");
    assert.equal(await total("tasks"), String(tasks.length));
    assert.equal(await total("leaves"), `${N_LEAVES} · ${N_LEAVES - 1}`);
    const missed = await (await network.market(network.owner)).getEvents.AttemptMissed({}, { fromBlock: 0n });
    assert.equal(await total("missed"), String(missed.length));
    // The charts are uPlot canvases with the job's points.
    await eventually(async () => {
      assert.equal(await page.locator("#chart-latency").getAttribute("data-points"), "1");
      assert.ok(Number(await page.locator("#chart-earnings").getAttribute("data-points")) >= 1);
    });
    assert.equal(await page.locator("#chart-earnings canvas").count(), 1);
    assert.equal(await page.locator("#chart-latency canvas").count(), 1);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "dashboard.png"), fullPage: true });
    console.log(`      [screenshots: ${path.relative(repoRoot, artifacts)}/dashboard.png, dashboard-mid-job.png]`);

    // The GPU page (its WebGPU MSM and proof are run by test/prover/browser/page.test.ts) mounts in its frame.
    await page.goto(`${ponder!.url}/dashboard#gpu`);
    await page.waitForSelector("iframe#gpu-slot");
    await eventually(async () => assert.ok(page.frames().some((f) => f.url().endsWith("/dashboard/gpu"))));
    const gpu = page.frames().find((f) => f.url().endsWith("/dashboard/gpu"))!;
    await gpu.waitForFunction("typeof window.novanetGpu?.msm === 'function'", undefined, { timeout: 90_000 });
    assert.deepEqual(errors, []);
  });

  itBrowser("serves the tree and the overview as JSON, with typed errors", async () => {
    const tree = await getJson<JobTree & { status: string }>(ponder!, "/api/jobs/1/tree");
    assert.equal(tree.status, 200);
    assert.equal(tree.body.nodes.length, 2 * N_LEAVES - 1);
    assert.equal(tree.body.decision.state, "verified");
    assert.equal(tree.body.counts.verified, jobTasks(N_LEAVES, CHUNK_LOG).length);
    assert.equal((await getJson(ponder!, "/api/jobs/99/tree")).status, 404);
    const bad = await getJson<{ error: string }>(ponder!, "/api/jobs/x1/tree");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /job id/);
    const overview = await getJson<{
      provers: { address: string; earnings: string }[];
      jobs: { status: string }[];
      charts: { earnings: { x: number[]; series: { account: string; values: string[] }[] } };
    }>(ponder!, "/api/dashboard");
    assert.equal(overview.status, 200);
    assert.equal(overview.body.provers.length, 4);
    // The earnings chart ends at each prover's earnings, its steps at the job's submissions.
    const { x, series } = overview.body.charts.earnings;
    assert.ok(x.length >= 2, "submissions at different times");
    for (const p of overview.body.provers.filter((q) => q.earnings !== "0")) {
      assert.equal(series.find((q) => q.account === p.address)?.values.at(-1), p.earnings, p.address);
    }
    assert.deepEqual(
      overview.body.jobs.map((j) => j.status),
      ["verified"],
    );
    // The stream: the overview and the newest job's tree at once, as server-sent events.
    const controller = new AbortController();
    const stream = await fetch(`${ponder!.url}/api/dashboard/events?job=latest`, { signal: controller.signal });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = "";
    while (!(/event: overview\n/.test(text) && /event: tree\ndata: .*\n\n/.test(text))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const treeEvent = JSON.parse(/event: tree\ndata: (.*)\n/.exec(text)![1]!);
    assert.deepEqual([treeEvent.jobId, treeEvent.status, treeEvent.complete], ["1", "verified", true]);
    assert.equal((await fetch(`${ponder!.url}/api/dashboard/events?job=abc`)).status, 400);
    const app = await fetch(`${ponder!.url}/dashboard/app.js`);
    assert.equal(app.status, 200);
    assert.match(app.headers.get("content-type") ?? "", /javascript/);
  });

  itBrowser(
    "shows optimistic bundles: the time left in a proposed one's window, then challenged or finalized",
    async () => {
      const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${ponder!.url}/dashboard`);
      await eventually(async () => assert.equal(await page.locator("#jobs tr[data-job]").count(), 1));
      const publicClient = await network.connection.viem.getPublicClient();
      const testClient = await network.connection.viem.getTestClient();
      const { circuitId, domain } = await registerMockCircuit(network);
      await network.wait(await (await network.market(network.owner)).write.setBundleParams([60n, 10n ** 12n]));
      const propose = async (wallet: (typeof network.provers)[number], b: Bundle) => {
        const market = await network.market(wallet);
        const jobId = (await market.read.jobCount()) + 1n;
        await network.wait(
          await market.write.proposeBundle([circuitId, b.data, b.proof] as never, { value: 10n ** 12n * BigInt(b.n) }),
        );
        return jobId.toString();
      };
      const good = await buildBundle(domain, 4);
      const bad = await buildBundle(domain, 3, true);
      const honest = await propose(network.provers[0]!, good);
      const fraud = await propose(network.provers[1]!, bad);
      await waitForIndexedBlock(ponder!, "novanet", await publicClient.getBlockNumber());
      const row = (id: string) => page.locator(`#jobs tr[data-job="${id}"]`);
      const note = (id: string) => row(id).locator("[data-challenge]");
      for (const id of [honest, fraud]) {
        await eventually(async () => {
          assert.equal(await row(id).locator("[data-status]").textContent(), "proposed");
          assert.equal(await note(id).getAttribute("data-challenge"), "open");
        });
        const left = Number(await note(id).getAttribute("data-seconds-left"));
        assert.ok(left > 0 && left <= 60, `${left} s left of a 60 s window`);
        assert.match((await note(id).textContent()) ?? "", new RegExp(`^${left} s left to challenge$`));
      }
      // The newest job's tree: the fraud's posted tree, submitted and not verified, with its window.
      await eventually(async () => {
        const tree = await treeOnPage(page);
        assert.deepEqual([tree.job, tree.status], [fraud, "proposed"]);
        assert.equal(tree.nodes.length, 2 * 3 - 1 + 1);
        assert.ok(tree.nodes.every((n) => n.state === "submitted"));
      });
      assert.equal(await page.locator("#tree h2 [data-challenge]").getAttribute("data-challenge"), "open");
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "dashboard-optimistic.png"), fullPage: true });

      const challenger = network.wallets[7]!;
      await network.wait(
        await (await network.market(challenger)).write.challengeBundle([BigInt(fraud), bad.data] as never),
      );
      await waitForIndexedBlock(ponder!, "novanet", await publicClient.getBlockNumber());
      await eventually(async () => {
        assert.equal(await row(fraud).locator("[data-status]").textContent(), "voided");
        assert.equal(await note(fraud).getAttribute("data-challenge"), "challenged");
        assert.equal(await note(fraud).textContent(), `challenged by ${short(lower(challenger.account.address))}`);
        assert.ok((await treeOnPage(page)).nodes.every((n) => n.state === "closed"));
      });

      // The chain's clock passes the honest bundle's window: it awaits finalization, then anyone finalizes it.
      await testClient.increaseTime({ seconds: 61 });
      await mineBlocks(network.connection, 1);
      await eventually(async () => {
        assert.equal(await note(honest).getAttribute("data-challenge"), "ended");
        assert.equal(await note(honest).getAttribute("data-seconds-left"), "0");
      });
      await network.wait(
        await (await network.market(network.wallets[8]!)).write.finalizeBundle([BigInt(honest), good.zN]),
      );
      await waitForIndexedBlock(ponder!, "novanet", await publicClient.getBlockNumber());
      await eventually(async () => {
        assert.equal(await row(honest).locator("[data-status]").textContent(), "verified");
        assert.equal(await note(honest).getAttribute("data-challenge"), "finalized");
        assert.equal(await page.locator('[data-total="bundles"] .v').textContent(), "0 · 1 · 1");
      });
      assert.deepEqual(errors, []);
    },
  );
});
