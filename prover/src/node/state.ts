/**
 * The node's durable state (node:sqlite, one file in the data folder, WAL): the follower's block cursor,
 * the jobs it follows, one row per task (a state machine, below), the tree nodes the market accepted,
 * and the artefacts it holds or has seen announced. Every event batch is applied with its cursor in one
 * transaction, so a crash never half-applies a range; a restart resumes from the rows.
 *
 * Every task of a followed job has a row from the job's request on (market v2 draws lazily, so a task's
 * prover is learnt when it becomes available):
 *
 *   waiting ─(inputs on-chain, drawn to us)→ assigned → submitted → done
 *   waiting ─(drawn to another prover)→ other ─(its window passed, redrawn to us)→ assigned
 *   assigned ─(window passed before we submitted)→ lost → (redrawn) assigned | other
 *   assigned ─(maxAttempts failures in its window)→ failed ─(a later window's draw)→ assigned | other
 *   any ─(NodeReset)→ waiting
 *
 * `deadline` is the end of the running attempt's window (chain time); `check_at` when the task's draw is
 * next read from the chain (a task is not re-read before its window ends).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { BundleData } from "../chain/bundles.js";
import { NodeConfigError } from "../errors/node.js";

export type TaskState = "waiting" | "assigned" | "submitted" | "done" | "lost" | "failed" | "other";
export type TaskKind = "chunk" | "merge" | "decision";
export type TaskRow = {
  jobId: bigint;
  taskId: bigint;
  kind: TaskKind;
  checkAt: bigint;
  worker: string;
  deadline: bigint;
  state: TaskState;
  attempts: number;
  error: string | null;
};
/** A dispute opened against one of this node's submissions: `open` → `answered` (our answer landed) |
 * `won` (resolved for us) | `lost` (resolved against us, slashed) | `cancelled` (closed by a reset above or the job's end). */
export type DisputeState = "open" | "answered" | "won" | "lost" | "cancelled";
export type DisputeRow = {
  jobId: bigint;
  nodeId: bigint;
  challenger: string;
  answerBy: bigint;
  state: DisputeState;
  error: string | null;
};
/**
 * A slash of this node's own stake, as the market reported it: `missed` (AttemptMissed naming this account:
 * its window passed without a submission) or `dispute` (DisputeResolved against this account's node,
 * unanswered). `id` makes a re-read event (a reorg, a lost cursor) count once: `missed/<job>/<task>/<attempt>`,
 * `dispute/<job>/<node>/<challenger>`. `at` is the chain time of the event's block.
 */
export type SlashRow = {
  id: string;
  reason: "missed" | "dispute";
  jobId: bigint;
  taskId: bigint;
  amount: bigint;
  block: bigint;
  at: bigint;
};
/** The slash breaker's decision (meta `autoUnstake`): taken at chain time `at` after `slashes` slashes in the
 * window; `pending` until the unstake landed (or nothing was left to unstake), then `done`. */
export type AutoUnstake = {
  state: "pending" | "done";
  at: string;
  slashes: number;
  amount?: string;
  tx?: string;
  releaseAt?: string;
};
/**
 * An optimistic bundle the watcher follows (daemon.ts `watchBundles`): `pending` until its challenge is
 * simulated; `valid` (the simulation said `MarketBundleValid`: never simulated again, the data is fixed);
 * `challenging` (this node decided to challenge: set before the transaction, so a restart re-simulates it and
 * sends again only if the first did not land); `challenged` (our challenge landed); `closed` (challenged by
 * another, finalized, or its window passed).
 */
export type BundleState = "pending" | "valid" | "challenging" | "challenged" | "closed";
export type BundleRow = {
  jobId: bigint;
  proposer: string;
  challengeEnd: bigint;
  bond: bigint;
  data: BundleData;
  state: BundleState;
  error: string | null;
};

export type JobRow = {
  jobId: bigint;
  circuitId: bigint;
  nLeaves: number;
  chunkLog: number;
  deadline: bigint;
  z0: bigint[];
  domain: `0x${string}`;
  manifestRoot: `0x${string}`;
  open: boolean;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY, circuit_id TEXT, n_leaves INTEGER, chunk_log INTEGER,
  deadline TEXT, z0 TEXT, domain TEXT, manifest_root TEXT, open INTEGER);
CREATE TABLE IF NOT EXISTS tasks (job_id TEXT, task_id TEXT, kind TEXT, worker TEXT, deadline TEXT, check_at TEXT,
  state TEXT, attempts INTEGER, error TEXT, tx TEXT, updated_at INTEGER, PRIMARY KEY (job_id, task_id));
CREATE TABLE IF NOT EXISTS nodes (job_id TEXT, node_id TEXT, data TEXT, submitter TEXT, PRIMARY KEY (job_id, node_id));
CREATE TABLE IF NOT EXISTS artefacts (job_id TEXT, node_id TEXT, cid TEXT, peer TEXT, PRIMARY KEY (job_id, node_id, cid, peer));
CREATE TABLE IF NOT EXISTS disputes (job_id TEXT, node_id TEXT, challenger TEXT, answer_by TEXT, state TEXT,
  tx TEXT, error TEXT, PRIMARY KEY (job_id, node_id, challenger, answer_by));
CREATE TABLE IF NOT EXISTS slashes (id TEXT PRIMARY KEY, reason TEXT NOT NULL, job_id TEXT, task_id TEXT,
  amount TEXT NOT NULL, block TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bundles (job_id TEXT PRIMARY KEY, proposer TEXT, challenge_end TEXT, bond TEXT,
  data TEXT, state TEXT, tx TEXT, error TEXT);
`;

const big = (v: unknown) => BigInt(v as string);
/** Bumped when the tables change (2: market v2 tasks). */
const SCHEMA_VERSION = "2";

export class StateDb {
  readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, "state.sqlite"));
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.db.exec(SCHEMA);
    const v = this.getMeta("schema");
    if (v === undefined) this.setMeta("schema", SCHEMA_VERSION);
    else if (v !== SCHEMA_VERSION) {
      this.db.close();
      throw new NodeConfigError("the data folder holds another version's state: use a new dataDir", {
        details: `schema ${v}, expected ${SCHEMA_VERSION}`,
      });
    }
  }

  tx<T>(f: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const r = f();
      this.db.exec("COMMIT");
      return r;
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  getMeta(key: string): string | undefined {
    const r = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return r?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(key, value);
  }

  upsertJob(j: JobRow): void {
    this.db
      .prepare(
        "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET open = excluded.open",
      )
      .run(
        String(j.jobId),
        String(j.circuitId),
        j.nLeaves,
        j.chunkLog,
        String(j.deadline),
        JSON.stringify(j.z0.map(String)),
        j.domain,
        j.manifestRoot,
        j.open ? 1 : 0,
      );
  }

  closeJob(jobId: bigint): void {
    this.db.prepare("UPDATE jobs SET open = 0 WHERE job_id = ?").run(String(jobId));
  }

  job(jobId: bigint): JobRow | undefined {
    const r = this.db.prepare("SELECT * FROM jobs WHERE job_id = ?").get(String(jobId)) as
      | Record<string, unknown>
      | undefined;
    if (!r) return undefined;
    return {
      jobId: big(r.job_id),
      circuitId: big(r.circuit_id),
      nLeaves: Number(r.n_leaves),
      chunkLog: Number(r.chunk_log),
      deadline: big(r.deadline),
      z0: (JSON.parse(r.z0 as string) as string[]).map(BigInt),
      domain: r.domain as `0x${string}`,
      manifestRoot: r.manifest_root as `0x${string}`,
      open: r.open === 1,
    };
  }

  openJobs(): bigint[] {
    return (this.db.prepare("SELECT job_id FROM jobs WHERE open = 1").all() as { job_id: string }[]).map((r) =>
      BigInt(r.job_id),
    );
  }

  /** Adds the task rows of a new job (state `waiting`); existing rows are kept. */
  addTasks(jobId: bigint, tasks: { id: bigint; kind: TaskKind }[]): void {
    const st = this.db.prepare(
      "INSERT OR IGNORE INTO tasks VALUES (?, ?, ?, '', '0', '0', 'waiting', 0, NULL, NULL, ?)",
    );
    for (const t of tasks) st.run(String(jobId), String(t.id), t.kind, Date.now());
  }

  /** Records the running attempt's draw: ours → `assigned` (unless already submitted/done), another's → `other`
   * (ours becomes `lost`); a `failed` task is started afresh (attempts 0) by a later window's draw. `deadline` is the window's end, `checkAt` when to read the draw again. */
  drawn(jobId: bigint, taskId: bigint, worker: string, deadline: bigint, mine: boolean): void {
    const cur = this.task(jobId, taskId);
    if (!cur || cur.state === "done") return;
    if (cur.state === "failed") {
      // Given up in its window; a later window's draw (ours or another's) starts it afresh.
      if (cur.deadline === deadline) return;
      this.db
        .prepare(
          "UPDATE tasks SET worker = ?, deadline = ?, check_at = ?, state = ?, attempts = 0, updated_at = ? WHERE job_id = ? AND task_id = ?",
        )
        .run(
          worker,
          String(deadline),
          String(deadline),
          mine ? "assigned" : "other",
          Date.now(),
          String(jobId),
          String(taskId),
        );
      return;
    }
    let state: TaskState = mine ? "assigned" : "other";
    if (mine && cur.state === "submitted") state = "submitted";
    if (!mine && (cur.state === "assigned" || cur.state === "submitted" || cur.state === "lost")) state = "lost";
    this.db
      .prepare(
        "UPDATE tasks SET worker = ?, deadline = ?, check_at = ?, state = ?, updated_at = ? WHERE job_id = ? AND task_id = ?",
      )
      .run(worker, String(deadline), String(deadline), state, Date.now(), String(jobId), String(taskId));
  }

  /** Reads the task's draw again no earlier than chain time `at`. */
  checkLater(jobId: bigint, taskId: bigint, at: bigint): void {
    this.db
      .prepare("UPDATE tasks SET check_at = ? WHERE job_id = ? AND task_id = ?")
      .run(String(at), String(jobId), String(taskId));
  }

  /** A node was reset on-chain (a dispute won below it): its task is waiting again, its record gone. */
  reset(jobId: bigint, nodeId: bigint): void {
    this.db
      .prepare(
        "UPDATE tasks SET state = 'waiting', worker = '', check_at = '0', attempts = 0, updated_at = ? WHERE job_id = ? AND task_id = ?",
      )
      .run(Date.now(), String(jobId), String(nodeId));
    this.db.prepare("DELETE FROM nodes WHERE job_id = ? AND node_id = ?").run(String(jobId), String(nodeId));
    this.db.prepare("DELETE FROM artefacts WHERE job_id = ? AND node_id = ?").run(String(jobId), String(nodeId));
  }

  /** Records the transaction that submitted a task. */
  setTx(jobId: bigint, taskId: bigint, tx: string): void {
    this.db
      .prepare("UPDATE tasks SET tx = ?, state = 'submitted', updated_at = ? WHERE job_id = ? AND task_id = ?")
      .run(tx, Date.now(), String(jobId), String(taskId));
  }

  /** Tasks of open jobs (or of every job), optionally filtered by state. */
  tasksOf(jobId: bigint): TaskRow[] {
    return (
      this.db.prepare("SELECT * FROM tasks WHERE job_id = ?").all(String(jobId)) as Record<string, unknown>[]
    ).map(rowToTask);
  }

  setDeadline(jobId: bigint, taskId: bigint, deadline: bigint): void {
    this.db
      .prepare("UPDATE tasks SET deadline = ? WHERE job_id = ? AND task_id = ?")
      .run(String(deadline), String(jobId), String(taskId));
  }

  setTaskState(jobId: bigint, taskId: bigint, state: TaskState, error: string | null = null): void {
    this.db
      .prepare("UPDATE tasks SET state = ?, error = ?, updated_at = ? WHERE job_id = ? AND task_id = ?")
      .run(state, error, Date.now(), String(jobId), String(taskId));
  }

  /** Marks a task done (the market accepted its node or decision) whoever did it. */
  markDone(jobId: bigint, taskId: bigint, submitter?: string): void {
    this.db
      .prepare(
        "UPDATE tasks SET state = 'done', worker = COALESCE(?, worker), updated_at = ? WHERE job_id = ? AND task_id = ?",
      )
      .run(submitter ?? null, Date.now(), String(jobId), String(taskId));
  }

  failAttempt(jobId: bigint, taskId: bigint, error: string): number {
    this.db
      .prepare("UPDATE tasks SET attempts = attempts + 1, error = ?, updated_at = ? WHERE job_id = ? AND task_id = ?")
      .run(error, Date.now(), String(jobId), String(taskId));
    return this.task(jobId, taskId)?.attempts ?? 0;
  }

  task(jobId: bigint, taskId: bigint): TaskRow | undefined {
    const r = this.db
      .prepare("SELECT * FROM tasks WHERE job_id = ? AND task_id = ?")
      .get(String(jobId), String(taskId)) as Record<string, unknown> | undefined;
    return r && rowToTask(r);
  }

  tasksIn(states: TaskState[]): TaskRow[] {
    const q = `SELECT t.* FROM tasks t JOIN jobs j ON j.job_id = t.job_id WHERE j.open = 1 AND t.state IN (${states.map(() => "?").join(",")}) ORDER BY CAST(j.deadline AS INTEGER)`;
    return (this.db.prepare(q).all(...states) as Record<string, unknown>[]).map(rowToTask);
  }

  countByState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db.prepare("SELECT state, COUNT(*) AS n FROM tasks GROUP BY state").all() as {
      state: string;
      n: number;
    }[]) {
      out[r.state] = Number(r.n);
    }
    return out;
  }

  putNode(jobId: bigint, nodeId: bigint, data: unknown, submitter: string): void {
    this.db.prepare("INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?)").run(
      String(jobId),
      String(nodeId),
      JSON.stringify(data, (_, v) => (typeof v === "bigint" ? `n${v}` : v)),
      submitter,
    );
  }

  node<T>(jobId: bigint, nodeId: bigint): T | undefined {
    const r = this.db
      .prepare("SELECT data FROM nodes WHERE job_id = ? AND node_id = ?")
      .get(String(jobId), String(nodeId)) as { data: string } | undefined;
    return (
      r && (JSON.parse(r.data, (_, v) => (typeof v === "string" && /^n-?\d+$/.test(v) ? BigInt(v.slice(1)) : v)) as T)
    );
  }

  /** Records that `peer` (or "self") holds `cid` for node `nodeId` of job `jobId`. */
  addArtefact(jobId: bigint, nodeId: bigint, cid: string, peer: string): void {
    this.db
      .prepare("INSERT OR IGNORE INTO artefacts VALUES (?, ?, ?, ?)")
      .run(String(jobId), String(nodeId), cid, peer);
  }

  artefacts(jobId: bigint, nodeId: bigint): { cid: string; peer: string }[] {
    return this.db
      .prepare("SELECT cid, peer FROM artefacts WHERE job_id = ? AND node_id = ?")
      .all(String(jobId), String(nodeId)) as { cid: string; peer: string }[];
  }

  /** Records a dispute opened against our node (kept if already known). */
  addDispute(jobId: bigint, nodeId: bigint, challenger: string, answerBy: bigint): void {
    this.db
      .prepare("INSERT OR IGNORE INTO disputes VALUES (?, ?, ?, ?, 'open', NULL, NULL)")
      .run(String(jobId), String(nodeId), challenger.toLowerCase(), String(answerBy));
  }

  /** Moves the dispute(s) on a node that are not settled yet to `state`. */
  settleDispute(jobId: bigint, nodeId: bigint, state: DisputeState, tx: string | null = null): void {
    this.db
      .prepare(
        "UPDATE disputes SET state = ?, tx = COALESCE(?, tx) WHERE job_id = ? AND node_id = ? AND state IN ('open', 'answered')",
      )
      .run(state, tx, String(jobId), String(nodeId));
  }

  disputeError(jobId: bigint, nodeId: bigint, error: string): void {
    this.db
      .prepare("UPDATE disputes SET error = ? WHERE job_id = ? AND node_id = ? AND state = 'open'")
      .run(error, String(jobId), String(nodeId));
  }

  disputes(states: DisputeState[]): DisputeRow[] {
    const q = `SELECT * FROM disputes WHERE state IN (${states.map(() => "?").join(",")}) ORDER BY CAST(answer_by AS INTEGER)`;
    return (this.db.prepare(q).all(...states) as Record<string, unknown>[]).map((r) => ({
      jobId: big(r.job_id),
      nodeId: big(r.node_id),
      challenger: r.challenger as string,
      answerBy: big(r.answer_by),
      state: r.state as DisputeState,
      error: (r.error as string | null) ?? null,
    }));
  }

  /** Records a slash of this node; false when it was recorded before (the same event read again). */
  recordSlash(s: SlashRow): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO slashes VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(s.id, s.reason, String(s.jobId), String(s.taskId), String(s.amount), String(s.block), String(s.at));
    return Number(r.changes) > 0;
  }

  /** Slashes at chain time `at` or later (the breaker's window), and all slashes recorded (count and wei). */
  slashesSince(at: bigint): number {
    const rows = this.db.prepare("SELECT at FROM slashes").all() as { at: string }[];
    return rows.filter((r) => BigInt(r.at) >= at).length;
  }

  slashTotals(): { count: number; wei: bigint } {
    const rows = this.db.prepare("SELECT amount FROM slashes").all() as { amount: string }[];
    return { count: rows.length, wei: rows.reduce((a, r) => a + BigInt(r.amount), 0n) };
  }

  /** Records a proposed bundle once (a re-read log changes nothing). */
  addBundle(jobId: bigint, proposer: string, challengeEnd: bigint, bond: bigint, data: BundleData): void {
    const json = JSON.stringify(data, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    this.db
      .prepare("INSERT OR IGNORE INTO bundles VALUES (?, ?, ?, ?, ?, 'pending', NULL, NULL)")
      .run(String(jobId), proposer.toLowerCase(), String(challengeEnd), String(bond), json);
  }

  /** Moves bundle `jobId` to `state` (a `challenged` or `closed` row is final: never moved back). */
  setBundleState(jobId: bigint, state: BundleState, tx: string | null = null, error: string | null = null): void {
    this.db
      .prepare(
        "UPDATE bundles SET state = ?, tx = COALESCE(?, tx), error = ? WHERE job_id = ? AND state NOT IN ('challenged', 'closed')",
      )
      .run(state, tx, error, String(jobId));
  }

  bundle(jobId: bigint): BundleRow | undefined {
    const r = this.db.prepare("SELECT * FROM bundles WHERE job_id = ?").get(String(jobId));
    return r ? rowToBundle(r) : undefined;
  }

  /** Bundles in the given states, oldest job first. */
  bundles(states: BundleState[]): BundleRow[] {
    const rows = this.db
      .prepare(`SELECT * FROM bundles WHERE state IN (${states.map(() => "?").join(", ")})`)
      .all(...states) as Record<string, unknown>[];
    return rows.map(rowToBundle).sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
  }

  autoUnstake(): AutoUnstake | undefined {
    const v = this.getMeta("autoUnstake");
    return v ? (JSON.parse(v) as AutoUnstake) : undefined;
  }

  setAutoUnstake(a: AutoUnstake): void {
    this.setMeta("autoUnstake", JSON.stringify(a));
  }

  close(): void {
    this.db.close();
  }
}

function rowToTask(r: Record<string, unknown>): TaskRow {
  return {
    jobId: big(r.job_id),
    taskId: big(r.task_id),
    kind: r.kind as TaskKind,
    checkAt: big(r.check_at ?? "0"),
    worker: r.worker as string,
    deadline: big(r.deadline),
    state: r.state as TaskState,
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
  };
}

function rowToBundle(r: Record<string, unknown>): BundleRow {
  const d = JSON.parse(r.data as string);
  const pt = (p: { x: string; y: string }) => ({ x: BigInt(p.x), y: BigInt(p.y) });
  return {
    jobId: big(r.job_id),
    proposer: r.proposer as string,
    challengeEnd: big(r.challenge_end),
    bond: big(r.bond),
    data: {
      states: d.states.map(BigInt),
      cmW: d.cmW.map(pt),
      cmT: d.cmT.map(pt),
      root: { cmW: pt(d.root.cmW), cmE: pt(d.root.cmE), u: BigInt(d.root.u), x: d.root.x.map(BigInt) },
    },
    state: r.state as BundleState,
    error: (r.error as string | null) ?? null,
  };
}
