/**
 * Market v2 tasks for the indexer (PROTOCOL.md §3, docs/protocol.md §7): what a task id is (a chunk, a
 * merge or the decision, from the shape module), the work it stands for (leaves and folds proved, units
 * paid for, as the market's `_units`), and a job's progress over its tasks. Pure: the handlers and the API
 * feed it rows. In v2 nothing is written on-chain per task before a submission, so a task without a row is
 * derived: a chunk is open from the request, a merge once both of its inputs are done, the decision once
 * the root is done.
 */
import {
  ancestors,
  DECISION_TASK,
  isNodeOf,
  jobTasks,
  nodeId,
  nodeRange,
  taskKindOf,
  treeDepth,
} from "../../prover/src/tree/shape.js";

export type TaskKind = "chunk" | "merge" | "decision";

/** A job proven whole in one transaction: a bundle ("bundle") or an optimistic bundle ("optimistic"), cut in one-leaf chunks. */
export function isBundleMode(mode: string): boolean {
  return mode === "bundle" || mode === "optimistic";
}

/** A task id of a job of `nLeaves` leaves cut at `2^chunkLog`: its kind and leaf range, or `undefined` if it is none. */
export function classifyTask(
  nLeaves: number,
  chunkLog: number,
  taskId: bigint,
): { kind: TaskKind; a: number; c: number } | undefined {
  if (taskId === DECISION_TASK) return { kind: "decision", a: 0, c: nLeaves };
  let range: { a: number; c: number };
  try {
    range = nodeRange(taskId);
  } catch {
    return undefined;
  }
  if (!isNodeOf(nLeaves, range.a, range.c)) return undefined;
  const kind = taskKindOf(nLeaves, chunkLog, range.a, range.c);
  return kind === undefined ? undefined : { kind, ...range };
}

/** The proving work a task stands for: a chunk of `m` leaves is `m` leaves and `m − 1` folds, a merge one fold. */
export function taskWork(kind: TaskKind, leaves: number): { leaves: number; folds: number; decisions: number } {
  if (kind === "chunk") return { leaves, folds: leaves - 1, decisions: 0 };
  if (kind === "merge") return { leaves: 0, folds: 1, decisions: 0 };
  return { leaves: 0, folds: 0, decisions: 1 };
}

export type UnitPrices = {
  leafWeight: bigint;
  foldWeight: bigint;
  decisionWeight: bigint;
  /** Constraints of F and of its decider D_F. */
  constraints: bigint;
  deciderConstraints: bigint;
};

/** Work units of a task (the market's `_units`): `(m·leaf + (m−1)·fold)·|F|` for a chunk of m leaves, `fold·|F|` a merge, `decision·|D_F|`. */
export function taskUnits(kind: TaskKind, leaves: number, p: UnitPrices): bigint {
  const w = taskWork(kind, leaves);
  return (
    (BigInt(w.leaves) * p.leafWeight + BigInt(w.folds) * p.foldWeight) * p.constraints +
    BigInt(w.decisions) * p.decisionWeight * p.deciderConstraints
  );
}

export type TaskRow = {
  taskId: bigint;
  /** "done", "paid" (reward credited), or "open" (a row kept for a task reset or with missed attempts) */
  status: string;
  submitter: `0x${string}` | null;
  attempt: number | null;
  missedAttempts: number;
  resets: number;
  disputes: number;
  availableAt: bigint | null;
};

export type JobLike = { nLeaves: number; chunkLog: number; mode: string; status: string; requestedAt?: bigint };

/**
 * A task's state: "done"/"paid" (submitted; paid once its reward was credited), "open" (available: its
 * inputs are complete and attempts are being drawn), "waiting" (inputs missing), "closed" (the job ended
 * without it).
 */
export type TaskState = "done" | "paid" | "open" | "waiting" | "closed";

export type TaskProgress = {
  taskId: bigint;
  kind: TaskKind;
  a: number;
  c: number;
  /** Depth of the task's root node in the tree (0 the root; the decision also 0). */
  depth: number;
  state: TaskState;
  /** The two tasks a merge folds. */
  left?: bigint;
  right?: bigint;
  submitter?: `0x${string}` | null;
  attempt?: number | null;
  missedAttempts?: number;
  resets?: number;
  disputes?: number;
};

export type JobProgress = {
  nLeaves: number;
  chunkLog: number;
  depth: number;
  chunks: { done: number; total: number };
  merges: { done: number; total: number };
  /** Leaves and folds proved (a chunk counts its leaves and internal folds). */
  leaves: { done: number; total: number };
  folds: { done: number; total: number };
  decision: { done: boolean; state: TaskState };
  tasks: { done: number; total: number };
  /** Leaves, folds and the decision proved over all 2N of them, in percent with one decimal. */
  percent: number;
  /** Every task: chunks in leaf order, merges children first, then the decision; omitted on request. */
  taskList?: TaskProgress[];
};

const isDone = (s: TaskState) => s === "done" || s === "paid";

/** A job's progress from its task rows (rows exist only for tasks submitted, reset or slashed). */
export function jobProgress(job: JobLike, rows: readonly TaskRow[], withTasks = true): JobProgress {
  const byId = new Map(rows.map((r) => [r.taskId, r]));
  const verified = job.status === "verified";
  // A bundle has no task rows: its whole tree is done once verified, or (optimistic) posted while proposed.
  const bundle = isBundleMode(job.mode);
  const posted = verified || job.status === "proposed";
  const final = job.status !== "open";
  const tasks = jobTasks(job.nLeaves, bundle ? 0 : job.chunkLog);
  const states = new Map<bigint, TaskState>();
  const rootId = nodeId(0, job.nLeaves);
  const out: TaskProgress[] = [];
  let leavesDone = 0;
  let foldsDone = 0;
  const counts = { chunk: 0, merge: 0, decision: 0 };
  for (const t of tasks) {
    const row = byId.get(t.id);
    let state: TaskState;
    if (bundle) state = posted ? "done" : "closed";
    else if (row?.status === "paid") state = "paid";
    else if (row?.status === "done") state = "done";
    else if (final) state = verified ? "done" : "closed";
    else if (t.kind === "chunk") state = "open";
    else if (t.kind === "merge")
      state = isDone(states.get(t.left!)!) && isDone(states.get(t.right!)!) ? "open" : "waiting";
    else state = isDone(states.get(rootId)!) ? "open" : "waiting";
    states.set(t.id, state);
    if (isDone(state)) {
      const w = taskWork(t.kind, t.c - t.a);
      leavesDone += w.leaves;
      foldsDone += w.folds;
      counts[t.kind]++;
    }
    if (withTasks) {
      out.push({
        taskId: t.id,
        kind: t.kind,
        a: t.a,
        c: t.c,
        depth: t.kind === "decision" ? 0 : ancestors(job.nLeaves, t.a, t.c).length,
        state,
        ...(t.left === undefined ? {} : { left: t.left, right: t.right }),
        ...(row === undefined
          ? {}
          : {
              submitter: row.submitter,
              attempt: row.attempt,
              missedAttempts: row.missedAttempts,
              resets: row.resets,
              disputes: row.disputes,
            }),
      });
    }
  }
  const nChunks = tasks.filter((t) => t.kind === "chunk").length;
  const decisionState = states.get(DECISION_TASK)!;
  const decisionDone = isDone(decisionState);
  const workDone = leavesDone + foldsDone + (decisionDone ? 1 : 0);
  const progress: JobProgress = {
    nLeaves: job.nLeaves,
    chunkLog: job.chunkLog,
    depth: treeDepth(job.nLeaves),
    chunks: { done: counts.chunk, total: nChunks },
    merges: { done: counts.merge, total: nChunks - 1 },
    leaves: { done: leavesDone, total: job.nLeaves },
    folds: { done: foldsDone, total: job.nLeaves - 1 },
    decision: { done: decisionDone, state: decisionState },
    tasks: { done: counts.chunk + counts.merge + counts.decision, total: tasks.length },
    percent: Math.round((workDone * 1000) / (2 * job.nLeaves)) / 10,
  };
  if (withTasks) progress.taskList = out;
  return progress;
}
