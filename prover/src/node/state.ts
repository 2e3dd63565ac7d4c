/**
 * The node's durable state (node:sqlite, one file in the data folder, WAL): the follower's block cursor,
 * the jobs it follows, one row per task (a state machine, below), the tree nodes the market accepted,
 * and the artefacts it holds or has seen announced. Every event batch is applied with its cursor in one
 * transaction, so a crash never half-applies a range; a restart resumes from the rows.
 *
 * Task states (tasks drawn to this node):  assigned → submitted → done;  assigned → lost (reassigned);
 * assigned → failed (attempts exhausted). Tasks of other provers are kept as `other` (for reclaims).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export type TaskState = "assigned" | "submitted" | "done" | "lost" | "failed" | "other";
export type TaskRow = {
  jobId: bigint;
  taskId: bigint;
  worker: string;
  deadline: bigint;
  state: TaskState;
  attempts: number;
  error: string | null;
};
export type JobRow = {
  jobId: bigint;
  circuitId: bigint;
  nLeaves: number;
  z0: bigint[];
  domain: `0x${string}`;
  manifestRoot: `0x${string}`;
  open: boolean;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY, circuit_id TEXT, n_leaves INTEGER, z0 TEXT, domain TEXT,
  manifest_root TEXT, open INTEGER);
CREATE TABLE IF NOT EXISTS tasks (job_id TEXT, task_id TEXT, worker TEXT, deadline TEXT, state TEXT, attempts INTEGER,
  error TEXT, updated_at INTEGER, PRIMARY KEY (job_id, task_id));
CREATE TABLE IF NOT EXISTS nodes (job_id TEXT, node_id TEXT, data TEXT, submitter TEXT, PRIMARY KEY (job_id, node_id));
CREATE TABLE IF NOT EXISTS artefacts (job_id TEXT, node_id TEXT, cid TEXT, peer TEXT, PRIMARY KEY (job_id, node_id, cid, peer));
`;

const big = (v: unknown) => BigInt(v as string);

export class StateDb {
  readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, "state.sqlite"));
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.db.exec(SCHEMA);
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
      .prepare("INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET open = excluded.open")
      .run(
        String(j.jobId),
        String(j.circuitId),
        j.nLeaves,
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

  /** Records an assignment: ours → `assigned` (unless already further along), others' → `other` (ours becomes `lost`). */
  assign(jobId: bigint, taskId: bigint, worker: string, deadline: bigint, mine: boolean): void {
    const cur = this.task(jobId, taskId);
    let state: TaskState = mine ? "assigned" : "other";
    if (cur && mine && (cur.state === "submitted" || cur.state === "done")) state = cur.state;
    if (cur && !mine && (cur.state === "assigned" || cur.state === "submitted")) state = "lost";
    if (cur?.state === "done") state = "done";
    this.db
      .prepare(
        `INSERT INTO tasks VALUES (?, ?, ?, ?, ?, 0, NULL, ?) ON CONFLICT(job_id, task_id) DO UPDATE SET
         worker = excluded.worker, deadline = excluded.deadline, state = ?, updated_at = excluded.updated_at`,
      )
      .run(String(jobId), String(taskId), worker, String(deadline), state, Date.now(), state);
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
  markDone(jobId: bigint, taskId: bigint): void {
    this.db
      .prepare("UPDATE tasks SET state = 'done', updated_at = ? WHERE job_id = ? AND task_id = ?")
      .run(Date.now(), String(jobId), String(taskId));
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
    const q = `SELECT t.* FROM tasks t JOIN jobs j ON j.job_id = t.job_id WHERE j.open = 1 AND t.state IN (${states.map(() => "?").join(",")})`;
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

  close(): void {
    this.db.close();
  }
}

function rowToTask(r: Record<string, unknown>): TaskRow {
  return {
    jobId: big(r.job_id),
    taskId: big(r.task_id),
    worker: r.worker as string,
    deadline: big(r.deadline),
    state: r.state as TaskState,
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
  };
}
