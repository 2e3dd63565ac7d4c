/**
 * The dashboard: a web page served by the indexer (docs/indexer.md, "Dashboard"), and the routes it reads.
 *
 *   GET /dashboard                 the page (indexer/dashboard/index.html); `#job=<id>` selects a job,
 *                                  `#gpu` the in-browser MSM benchmark's slot
 *   GET /dashboard/app.js          the page's code (indexer/dashboard/app.ts with Preact, htm and uPlot from
 *                                  node_modules, bundled by esbuild once per process: no CDN, no build step)
 *   GET /dashboard/uPlot.min.css   uPlot's stylesheet from node_modules
 *   GET /dashboard/gpu             the GPU page (prover/src/browser: the WebGPU MSM benchmark and a local
 *                                  proof, run in the visitor's browser), its bundle at /dashboard/gpu/novanet-gpu.js
 *                                  (scripts/build-browser.ts, built once per process)
 *   GET /api/dashboard             network totals, provers, the latest jobs with their progress, chart series
 *   GET /api/jobs/:id/tree         a job's fold tree: every node with its task's state and prover, the decision,
 *                                  and an optimistic bundle's challenge window (lib/optimistic.ts)
 *   GET /api/dashboard/events      server-sent events: `overview` (as /api/dashboard) and, with `?job=<id>`
 *                                  or `?job=latest` (the newest job, followed as jobs arrive), `tree` (as
 *                                  /api/jobs/:id/tree), each sent at once and again whenever it changes
 *
 * JSON bigints are decimal strings; a bad parameter answers 400 `{ error, details }`, an unknown job 404.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { and, desc, eq, inArray, isNotNull } from "ponder";
import { IndexerQueryError } from "../../../prover/src/errors/indexer.js";
import { MarketAbi } from "../../abis/Market.js";
import { NETWORK_ID } from "../../lib/aggregates.js";
import { earningsSeries, type JobTree, jobTree, type LiveTask, openTaskIds } from "../../lib/dashboard.js";
import { loadIndexerEnv } from "../../lib/env.js";
import { type ChallengeWindow, challengeWindow } from "../../lib/optimistic.js";
import { jobProgress } from "../../lib/tasks.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const pageDir = path.resolve(here, "..", "..", "dashboard");
const repoRoot = path.resolve(here, "..", "..", "..");
const MARKET = loadIndexerEnv(process.env).proofMarket;
const TASK_STATES = ["waiting", "open", "done", "paid"] as const;
/** Jobs listed on the page; open tasks whose live assignee is read per tree (beyond: shown as available). */
const JOBS_LISTED = 50;
const LIVE_READS = 64;
/** How often the event stream looks for changes (ms). */
const TICK_MS = 1000;

const dashboard = new Hono();

function body(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

function json(c: Context, value: unknown, status: 200 | 400 | 404 = 200) {
  return c.body(body(value), status, { "content-type": "application/json; charset=utf-8" });
}

function parseJobId(raw: string | undefined): bigint {
  if (raw === undefined || !/^\d{1,78}$/.test(raw)) {
    throw new IndexerQueryError("job id must be a non-negative decimal integer", { details: `got ${raw}` });
  }
  return BigInt(raw);
}

dashboard.onError((error, c) => {
  if (error instanceof IndexerQueryError) return json(c, { error: error.shortMessage, details: error.details }, 400);
  throw error;
});

// ---- the page and its assets ------------------------------------------------------------------------

let bundle: Promise<string> | undefined;

/** indexer/dashboard/app.ts and its dependencies as one ES module (built once per process). */
function appBundle(): Promise<string> {
  bundle ??= import("esbuild")
    .then((esbuild) =>
      esbuild.build({
        entryPoints: [path.join(pageDir, "app.ts")],
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        minify: true,
        write: false,
        logLevel: "silent",
      }),
    )
    .then((out) => out.outputFiles[0]!.text)
    .catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
  return bundle;
}

dashboard.get("/dashboard", (c) => c.html(readFileSync(path.join(pageDir, "index.html"), "utf8")));
dashboard.get("/dashboard/", (c) => c.redirect("/dashboard"));
dashboard.get("/dashboard/app.js", async (c) =>
  c.body(await appBundle(), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
);
dashboard.get("/dashboard/uPlot.min.css", (c) =>
  c.body(readFileSync(path.join(repoRoot, "node_modules", "uplot", "dist", "uPlot.min.css"), "utf8"), 200, {
    "content-type": "text/css; charset=utf-8",
  }),
);

let gpuBundle: Promise<string> | undefined;

/** The GPU page's bundle (scripts/build-browser.ts), built into a temporary folder once per process. */
function gpuPageBundle(): Promise<string> {
  gpuBundle ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "novanet-gpu-page-"));
    try {
      const { buildBrowserBundle } = await import("../../../scripts/build-browser.js");
      return readFileSync(await buildBrowserBundle(dir), "utf8");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })().catch((error: unknown) => {
    gpuBundle = undefined;
    throw error;
  });
  return gpuBundle;
}

dashboard.get("/dashboard/gpu", async (c) => {
  const { gpuPageHtml } = await import("../../../prover/src/browser/html.js");
  return c.html(gpuPageHtml("/dashboard/gpu/novanet-gpu.js"));
});
dashboard.get("/dashboard/gpu/novanet-gpu.js", async (c) =>
  c.body(await gpuPageBundle(), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
);

// ---- data -------------------------------------------------------------------------------------------

/** Network totals, provers, the latest jobs with their progress, and the charts' series. */
async function overview() {
  const [network] = await db.select().from(schema.network).where(eq(schema.network.id, NETWORK_ID));
  const tokens = await db.select().from(schema.tokenTotal).orderBy(schema.tokenTotal.token);
  const provers = await db
    .select()
    .from(schema.prover)
    .orderBy(desc(schema.prover.earnings), desc(schema.prover.units), schema.prover.address)
    .limit(200);
  const jobRows = await db.select().from(schema.job).orderBy(desc(schema.job.id)).limit(JOBS_LISTED);
  const taskRows =
    jobRows.length === 0
      ? []
      : await db
          .select()
          .from(schema.task)
          .where(
            inArray(
              schema.task.jobId,
              jobRows.map((j) => j.id),
            ),
          );
  // Read only while some listed bundle is in its challenge window (the page counts its time down).
  const now = jobRows.some((j) => j.status === "proposed") ? await chainTime() : null;
  const jobs = jobRows.map((j) => {
    const p = jobProgress(
      j,
      taskRows.filter((t) => t.jobId === j.id),
      false,
    );
    return {
      id: j.id,
      status: j.status,
      mode: j.mode,
      circuitId: j.circuitId,
      requester: j.requester,
      nLeaves: j.nLeaves,
      chunkLog: j.chunkLog,
      feeToken: j.feeToken,
      fee: j.fee,
      requestedAt: j.requestedAt,
      verifiedAt: j.verifiedAt,
      closedAt: j.closedAt,
      percent: p.percent,
      tasks: p.tasks,
      missedAttempts: j.missedAttempts,
      resets: j.resets,
      disputes: j.disputes,
      challenge: challengeWindow(j, now),
    };
  });
  // Task rewards dated by when the work was submitted (a job's rewards are all credited at its release).
  const earned = await db
    .select({
      account: schema.contribution.prover,
      amount: schema.contribution.reward,
      timestamp: schema.contribution.timestamp,
    })
    .from(schema.contribution)
    .where(and(isNotNull(schema.contribution.reward), eq(schema.contribution.reverted, false)))
    .orderBy(desc(schema.contribution.timestamp))
    .limit(5000);
  const credits = earned.map((e) => ({ account: e.account, amount: e.amount!, timestamp: e.timestamp }));
  const finished = await db
    .select({
      id: schema.job.id,
      requestedAt: schema.job.requestedAt,
      firstSubmissionAt: schema.job.firstSubmissionAt,
      verifiedAt: schema.job.verifiedAt,
    })
    .from(schema.job)
    .where(isNotNull(schema.job.verifiedAt))
    .orderBy(desc(schema.job.id))
    .limit(200);
  finished.reverse();
  return {
    network: network ?? null,
    tokens,
    provers: provers.map((p) => ({
      address: p.address,
      peerId: p.peerId,
      status: p.status,
      stake: p.stake,
      maxConstraints: p.maxConstraints,
      gpu: p.gpu,
      tasksDone: p.tasksDone,
      units: p.units,
      earnings: p.earnings,
      claimed: p.claimed,
      slashCount: p.slashCount,
      slashedAmount: p.slashedAmount,
      attemptsMissed: p.attemptsMissed,
    })),
    jobs,
    charts: {
      earnings: earningsSeries(credits),
      latency: {
        jobs: finished.map((j) => Number(j.id)),
        verifiedAfter: finished.map((j) => Number(j.verifiedAt! - j.requestedAt)),
        firstSubmissionAfter: finished.map((j) =>
          j.firstSubmissionAt === null ? null : Number(j.firstSubmissionAt - j.requestedAt),
        ),
      },
    },
  };
}

/** The chain head's timestamp (what the market compares a challenge window's end with); null when unreachable. */
export async function chainTime(): Promise<bigint | null> {
  try {
    return (await publicClients.novanet.getBlock()).timestamp;
  } catch {
    return null;
  }
}

/** The market's `getTask` at the chain head; null when the chain cannot be reached. */
async function liveTask(jobId: bigint, taskId: bigint): Promise<LiveTask> {
  try {
    const v = await publicClients.novanet.readContract({
      abi: MarketAbi,
      address: MARKET,
      functionName: "getTask",
      args: [jobId, taskId],
    });
    return {
      state: TASK_STATES[v.state] ?? String(v.state),
      attempt: v.attempt,
      assignee: v.assignee.toLowerCase(),
      windowEnd: v.windowEnd,
    };
  } catch {
    return null;
  }
}

/** A job's fold tree with live assignees, or undefined for an unknown job. */
async function tree(
  jobId: bigint,
): Promise<({ jobId: bigint; status: string; mode: string; challenge: ChallengeWindow | null } & JobTree) | undefined> {
  const [j] = await db.select().from(schema.job).where(eq(schema.job.id, jobId));
  if (j === undefined) return undefined;
  const rows = await db.select().from(schema.task).where(eq(schema.task.jobId, jobId));
  const progress = jobProgress(j, rows, true);
  const disputes = await db
    .select({ nodeId: schema.dispute.nodeId })
    .from(schema.dispute)
    .where(and(eq(schema.dispute.jobId, jobId), eq(schema.dispute.status, "open")));
  const open = new Map<bigint, number>();
  for (const d of disputes) open.set(d.nodeId, (open.get(d.nodeId) ?? 0) + 1);
  const ids = j.status === "open" ? openTaskIds(progress.taskList!).slice(0, LIVE_READS) : [];
  const views = await Promise.all(ids.map((id) => liveTask(jobId, id)));
  const live = new Map(ids.map((id, i) => [id, views[i]!]));
  const challenge = challengeWindow(j, j.status === "proposed" ? await chainTime() : null);
  return { jobId, status: j.status, mode: j.mode, challenge, ...jobTree(j, progress.taskList!, live, open) };
}

async function newestJob(): Promise<bigint | undefined> {
  const [row] = await db.select({ id: schema.job.id }).from(schema.job).orderBy(desc(schema.job.id)).limit(1);
  return row?.id;
}

/**
 * One computation shared by every stream for up to a tick: a page per visitor costs the database and the
 * chain the same as one.
 */
const shared = new Map<string, { at: number; value: Promise<string> }>();
function sharedJson(key: string, compute: () => Promise<unknown>): Promise<string> {
  const now = Date.now();
  const hit = shared.get(key);
  if (hit !== undefined && now - hit.at < TICK_MS / 2) return hit.value;
  const value = compute().then(body);
  shared.set(key, { at: now, value });
  value.catch(() => shared.delete(key));
  if (shared.size > 100) for (const [k, v] of shared) if (now - v.at >= TICK_MS) shared.delete(k);
  return value;
}

dashboard.get("/api/dashboard", async (c) => json(c, await overview()));

dashboard.get("/api/jobs/:id/tree", async (c) => {
  const id = parseJobId(c.req.param("id"));
  const t = await tree(id);
  return t === undefined ? json(c, { error: `job ${id} not found` }, 404) : json(c, t);
});

dashboard.get("/api/dashboard/events", (c) => {
  const rawJob = c.req.query("job");
  const latest = rawJob === "latest";
  const fixed = rawJob === undefined || rawJob === "" || latest ? undefined : parseJobId(rawJob);
  return streamSSE(c, async (stream) => {
    let lastOverview = "";
    let lastTree = "";
    let quiet = 0;
    const gone = () => stream.aborted || stream.closed;
    while (!gone()) {
      try {
        const sent = lastOverview + lastTree;
        const o = await sharedJson("overview", overview);
        if (o !== lastOverview) {
          lastOverview = o;
          await stream.writeSSE({ event: "overview", data: o });
        }
        const jobId = latest ? await newestJob() : fixed;
        if (jobId !== undefined) {
          const s = await sharedJson(
            `tree ${jobId}`,
            async () => (await tree(jobId)) ?? { error: `job ${jobId} not found` },
          );
          if (s !== lastTree) {
            lastTree = s;
            await stream.writeSSE({ event: "tree", data: s });
          }
        }
        // A comment now and then keeps idle connections (and proxies) open.
        quiet = lastOverview + lastTree === sent ? quiet + 1 : 0;
        if (quiet >= 15) {
          quiet = 0;
          await stream.write(": idle\n\n");
        }
      } catch (error) {
        if (gone()) break;
        const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
        await stream.writeSSE({ event: "failure", data: JSON.stringify({ error: message }) }).catch(() => {});
      }
      await stream.sleep(TICK_MS);
    }
  });
});

export default dashboard;
