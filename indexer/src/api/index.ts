/**
 * The indexer's HTTP API (Hono, served by `ponder start` next to /health, /ready, /status, /metrics):
 *
 *   POST /graphql                 GraphQL over every table (Ponder's generated schema, with relations)
 *   GET  /sql/db?sql=…            read-only SQL over HTTP (Ponder's `client()` middleware, as `@ponder/client` speaks it)
 *   GET  /api/stats               network totals, money per fee token, governance parameters
 *   GET  /api/jobs/:id            a job, its circuit and its tree progress (`?nodes=false`: summary only), and
 *                                 for an optimistic bundle its challenge window (`challenge`, lib/optimistic.ts)
 *   GET  /api/jobs/:id/tasks/:taskId   one task (decimal id; `decision` for the decision): its row, every
 *                                 submission (contributions, reverted ones included), its disputes, the
 *                                 slashes it caused and the rewards credited for it
 *   GET  /api/provers/:address    a prover's profile: record, rank, balances, recent work, stake history, slashes
 *   GET  /api/leaderboard         provers ranked by `?by=units|earnings|tasks` (default units), `?limit=` ≤ 100
 *   GET  /dashboard, /api/dashboard, /api/dashboard/events, /api/jobs/:id/tree   the dashboard (./dashboard.ts)
 *
 * JSON bodies carry bigints as decimal strings. Bad parameters get 400 with `{ error }`, unknown ids 404.
 */
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { type Context, Hono } from "hono";
import { and, client, count, desc, eq, graphql, gt } from "ponder";
import { IndexerQueryError } from "../../../prover/src/errors/indexer.js";
import { DECISION_TASK } from "../../../prover/src/tree/shape.js";
import { MarketAbi } from "../../abis/Market.js";
import { NETWORK_ID, PARAMS_ID } from "../../lib/aggregates.js";
import { loadIndexerEnv } from "../../lib/env.js";
import { challengeWindow } from "../../lib/optimistic.js";
import { jobProgress } from "../../lib/tasks.js";
import dashboard, { chainTime } from "./dashboard.js";

const app = new Hono();
const MARKET = loadIndexerEnv(process.env).proofMarket;
const TASK_STATES = ["waiting", "open", "done", "paid"] as const;

app.use("/graphql", graphql({ db, schema }));
app.use("/sql/*", client({ db, schema }));
// The dashboard page and its routes (/dashboard, /api/dashboard, /api/jobs/:id/tree): ./dashboard.ts
app.route("/", dashboard);

/** JSON with bigints as decimal strings. */
function json(c: Context, value: unknown, status: 200 | 400 | 404 = 200) {
  const body = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  return c.body(body, status, { "content-type": "application/json; charset=utf-8" });
}

function parseUint(name: string, raw: string | undefined): bigint {
  if (raw === undefined || !/^\d{1,78}$/.test(raw)) {
    throw new IndexerQueryError(`${name} must be a non-negative decimal integer`, { details: `got ${raw}` });
  }
  return BigInt(raw);
}

function parseAddress(raw: string | undefined): `0x${string}` {
  if (raw === undefined || !/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    throw new IndexerQueryError("address must be 0x followed by 40 hex digits", { details: `got ${raw}` });
  }
  return raw.toLowerCase() as `0x${string}`;
}

function parseLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(parseUint("limit", raw));
  if (value < 1 || value > max) throw new IndexerQueryError(`limit must be between 1 and ${max}`, { details: raw });
  return value;
}

app.onError((error, c) => {
  if (error instanceof IndexerQueryError) return json(c, { error: error.shortMessage, details: error.details }, 400);
  throw error;
});

app.get("/api/stats", async (c) => {
  const [network] = await db.select().from(schema.network).where(eq(schema.network.id, NETWORK_ID));
  const tokens = await db.select().from(schema.tokenTotal).orderBy(schema.tokenTotal.token);
  const [params] = await db.select().from(schema.protocol).where(eq(schema.protocol.id, PARAMS_ID));
  return json(c, { network: network ?? null, tokens, params: params ?? null });
});

app.get("/api/jobs/:id", async (c) => {
  const id = parseUint("job id", c.req.param("id"));
  const withTasks = c.req.query("tasks") !== "false";
  const [jobRow] = await db.select().from(schema.job).where(eq(schema.job.id, id));
  if (jobRow === undefined) return json(c, { error: `job ${id} not found` }, 404);
  const [circuitRow] = await db.select().from(schema.circuit).where(eq(schema.circuit.id, jobRow.circuitId));
  const tasks = await db.select().from(schema.task).where(eq(schema.task.jobId, id)).orderBy(schema.task.taskId);
  const disputes = await db
    .select()
    .from(schema.dispute)
    .where(eq(schema.dispute.jobId, id))
    .orderBy(schema.dispute.id);
  const contributors = await db
    .select({
      prover: schema.contribution.prover,
      units: schema.contribution.units,
      reward: schema.contribution.reward,
      kind: schema.contribution.kind,
    })
    .from(schema.contribution)
    .where(and(eq(schema.contribution.jobId, id), eq(schema.contribution.reverted, false)));
  const byProver = new Map<string, { prover: string; tasks: number; units: bigint; reward: bigint }>();
  for (const row of contributors) {
    const entry = byProver.get(row.prover) ?? { prover: row.prover, tasks: 0, units: 0n, reward: 0n };
    entry.tasks++;
    entry.units += row.units;
    entry.reward += row.reward ?? 0n;
    byProver.set(row.prover, entry);
  }
  return json(c, {
    job: jobRow,
    circuit: circuitRow ?? null,
    progress: jobProgress(jobRow, tasks, withTasks),
    contributors: [...byProver.values()].sort((x, y) =>
      x.units === y.units ? (x.prover < y.prover ? -1 : 1) : x.units > y.units ? -1 : 1,
    ),
    disputes,
    // An optimistic bundle: its challenge window at the chain head (null for other jobs).
    challenge: challengeWindow(jobRow, jobRow.mode === "optimistic" ? await chainTime() : null),
  });
});

/**
 * The market's view of a task at the chain head (`getTask`): state, the running attempt, its drawn assignee
 * and when its window ends. v2 derives these on-chain and emits nothing until a submission, so they are read,
 * not indexed; null when the chain cannot be reached.
 */
async function liveTask(jobId: bigint, taskId: bigint) {
  try {
    const v = await publicClients.novanet.readContract({
      abi: MarketAbi,
      address: MARKET,
      functionName: "getTask",
      args: [jobId, taskId],
    });
    return {
      state: TASK_STATES[v.state] ?? String(v.state),
      availableAt: v.availableAt,
      availableBlock: v.availableBlock,
      attempt: v.attempt,
      assignee: v.assignee.toLowerCase(),
      windowEnd: v.windowEnd,
    };
  } catch {
    return null;
  }
}

app.get("/api/jobs/:id/tasks/:taskId", async (c) => {
  const jobId = parseUint("job id", c.req.param("id"));
  const rawTask = c.req.param("taskId");
  const taskId = rawTask === "decision" ? DECISION_TASK : parseUint("task id", rawTask);
  const [row] = await db
    .select()
    .from(schema.task)
    .where(and(eq(schema.task.jobId, jobId), eq(schema.task.taskId, taskId)));
  if (row === undefined) return json(c, { error: `task ${taskId} of job ${jobId} not found` }, 404);
  const submissions = await db
    .select()
    .from(schema.contribution)
    .where(and(eq(schema.contribution.jobId, jobId), eq(schema.contribution.taskId, taskId)))
    .orderBy(schema.contribution.blockNumber, schema.contribution.id);
  const disputes = await db
    .select()
    .from(schema.dispute)
    .where(and(eq(schema.dispute.jobId, jobId), eq(schema.dispute.nodeId, taskId)))
    .orderBy(schema.dispute.openedAt, schema.dispute.id);
  const slashes = await db
    .select()
    .from(schema.slashEvent)
    .where(and(eq(schema.slashEvent.jobId, jobId), eq(schema.slashEvent.taskId, taskId)))
    .orderBy(schema.slashEvent.blockNumber, schema.slashEvent.id);
  const credits = await db
    .select()
    .from(schema.rewardEvent)
    .where(and(eq(schema.rewardEvent.jobId, jobId), eq(schema.rewardEvent.taskId, taskId)))
    .orderBy(schema.rewardEvent.timestamp, schema.rewardEvent.id);
  const attempts = await db
    .select()
    .from(schema.attempt)
    .where(and(eq(schema.attempt.jobId, jobId), eq(schema.attempt.taskId, taskId)))
    .orderBy(schema.attempt.attempt, schema.attempt.id);
  return json(c, { task: row, live: await liveTask(jobId, taskId), attempts, submissions, disputes, slashes, credits });
});

app.get("/api/provers/:address", async (c) => {
  const address = parseAddress(c.req.param("address"));
  const [row] = await db.select().from(schema.prover).where(eq(schema.prover.address, address));
  if (row === undefined) return json(c, { error: `prover ${address} not found` }, 404);
  const [ahead] = await db.select({ n: count() }).from(schema.prover).where(gt(schema.prover.units, row.units));
  const rewards = await db
    .select()
    .from(schema.reward)
    .where(eq(schema.reward.account, address))
    .orderBy(schema.reward.token);
  const contributions = await db
    .select()
    .from(schema.contribution)
    .where(eq(schema.contribution.prover, address))
    .orderBy(desc(schema.contribution.blockNumber), desc(schema.contribution.id))
    .limit(20);
  const missedAttempts = await db
    .select()
    .from(schema.attempt)
    .where(eq(schema.attempt.prover, address))
    .orderBy(desc(schema.attempt.timestamp), desc(schema.attempt.id))
    .limit(20);
  const stakeEvents = await db
    .select()
    .from(schema.stakeEvent)
    .where(eq(schema.stakeEvent.prover, address))
    .orderBy(desc(schema.stakeEvent.blockNumber), desc(schema.stakeEvent.id))
    .limit(20);
  const slashes = await db
    .select()
    .from(schema.slashEvent)
    .where(eq(schema.slashEvent.prover, address))
    .orderBy(schema.slashEvent.id);
  return json(c, {
    prover: row,
    rank: Number(ahead?.n ?? 0) + 1,
    rewards,
    missedAttempts,
    contributions,
    stakeEvents,
    slashes,
  });
});

app.get("/api/leaderboard", async (c) => {
  const by = c.req.query("by") ?? "units";
  const column =
    by === "units"
      ? schema.prover.units
      : by === "earnings"
        ? schema.prover.earnings
        : by === "tasks"
          ? schema.prover.tasksDone
          : undefined;
  if (column === undefined) throw new IndexerQueryError("by must be units, earnings or tasks", { details: by });
  const limit = parseLimit(c.req.query("limit"), 20, 100);
  const rows = await db.select().from(schema.prover).orderBy(desc(column), schema.prover.address).limit(limit);
  return json(c, {
    by,
    provers: rows.map((row, i) => ({
      rank: i + 1,
      address: row.address,
      status: row.status,
      units: row.units,
      tasksDone: row.tasksDone,
      earnings: row.earnings,
      stake: row.stake,
      slashCount: row.slashCount,
    })),
  });
});

export default app;
