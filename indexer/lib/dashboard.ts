/**
 * What the dashboard (indexer/dashboard/, served under /dashboard) draws, computed from the indexer's rows:
 * a job's fold tree with every node coloured by the state of the task that proves it and labelled with
 * that task's prover, and the series of its charts. Pure: the API (src/api/dashboard.ts) feeds it rows and
 * the market's live `getTask` view; the tree shape is prover/src/tree/shape.ts.
 */
import { DECISION_TASK, taskOfNode, treeNodes } from "../../prover/src/tree/shape.js";
import { isBundleMode, type TaskProgress } from "./tasks.js";

/**
 * A task's state as the dashboard shows it:
 * - `waiting`: its inputs are not proven yet;
 * - `available`: it can be proven, no prover is drawn for the running attempt (yet);
 * - `assigned`: the running attempt has a drawn assignee (the market's `getTask`);
 * - `submitted`: accepted by the market, the job not yet verified (an optimistic bundle's posted tree in its window);
 * - `verified`: the job is verified (the decision accepted) or the task's reward was credited;
 * - `disputed`: a dispute on it is open;
 * - `reset`: a lost dispute reset it and it was not submitted again;
 * - `closed`: the job ended (cancelled, expired, voided) without it.
 */
export type DashState =
  | "waiting"
  | "available"
  | "assigned"
  | "submitted"
  | "verified"
  | "disputed"
  | "reset"
  | "closed";

export const DASH_STATES: readonly DashState[] = [
  "waiting",
  "available",
  "assigned",
  "submitted",
  "verified",
  "disputed",
  "reset",
  "closed",
];

/** The market's view of an open task's running attempt (null: not read, or the chain is unreachable). */
export type LiveTask = { state: string; attempt: number; assignee: string; windowEnd: bigint } | null;

const ZERO = "0x0000000000000000000000000000000000000000";

/** The dashboard state of one task from its progress entry (lib/tasks.ts), its live view and its open disputes. */
export function dashState(t: TaskProgress, jobStatus: string, live: LiveTask, openDisputes: number): DashState {
  if (openDisputes > 0) return "disputed";
  if (t.state === "paid") return "verified";
  if (t.state === "done") return jobStatus === "verified" ? "verified" : "submitted";
  if (t.state === "waiting") return "waiting";
  if (t.state === "closed") return "closed";
  if ((t.resets ?? 0) > 0) return "reset";
  if (live !== null && live.state === "open" && live.assignee !== ZERO) return "assigned";
  return "available";
}

export type TreeTask = {
  taskId: string;
  kind: "chunk" | "merge" | "decision";
  a: number;
  c: number;
  state: DashState;
  /** Who proved it (the submitter), else who is drawn for the running attempt. */
  prover: string | null;
  submitter: string | null;
  assignee: string | null;
  attempt: number | null;
  windowEnd: string | null;
  missedAttempts: number;
  resets: number;
  disputes: number;
};

export type TreeNode = {
  /** nodeId as a decimal string */
  id: string;
  a: number;
  c: number;
  depth: number;
  kind: "leaf" | "fold";
  /** The parent node's id (null for the root). */
  parent: string | null;
  /** The task that proves this node: its chunk, or the merge that it is. */
  taskId: string;
  taskKind: "chunk" | "merge";
  /** The node is its task's root (a chunk's top node, or a merge). */
  taskRoot: boolean;
  state: DashState;
  prover: string | null;
};

/** Up to this many leaves the tree lists every node; above, only the tasks' root nodes (the task tree). */
export const FULL_TREE_LEAVES = 64;

export type JobTree = {
  nLeaves: number;
  chunkLog: number;
  depth: number;
  /** `nodes` holds every node of the tree (N ≤ {@link FULL_TREE_LEAVES}), else the task roots only. */
  complete: boolean;
  /** Every node of the tree (2N − 1), or every chunk and merge root; breadth first from the root. */
  nodes: TreeNode[];
  /** The decision over the root. */
  decision: TreeTask;
  /** Every task: chunks in leaf order, merges children first, the decision. */
  tasks: TreeTask[];
  /** Tasks per state. */
  counts: Record<DashState, number>;
};

/**
 * A job's fold tree for the dashboard from its task list (`jobProgress(..).taskList`), the live views of its
 * open tasks (by task id) and the number of open disputes per task id.
 */
export function jobTree(
  job: { nLeaves: number; chunkLog: number; mode: string; status: string },
  taskList: readonly TaskProgress[],
  live: ReadonlyMap<bigint, LiveTask>,
  openDisputes: ReadonlyMap<bigint, number>,
): JobTree {
  const chunkLog = isBundleMode(job.mode) ? 0 : job.chunkLog;
  const byId = new Map<bigint, TreeTask>();
  const counts = Object.fromEntries(DASH_STATES.map((s) => [s, 0])) as Record<DashState, number>;
  const tasks: TreeTask[] = taskList.map((t) => {
    const view = live.get(t.taskId) ?? null;
    const state = dashState(t, job.status, view, openDisputes.get(t.taskId) ?? 0);
    counts[state]++;
    const submitter = t.submitter ?? null;
    const assignee =
      view !== null && view.state === "open" && view.assignee !== ZERO && submitter === null ? view.assignee : null;
    const entry: TreeTask = {
      taskId: t.taskId === DECISION_TASK ? "decision" : t.taskId.toString(),
      kind: t.kind,
      a: t.a,
      c: t.c,
      state,
      prover: submitter ?? assignee,
      submitter,
      assignee,
      attempt: view?.attempt ?? t.attempt ?? null,
      windowEnd: assignee === null ? null : view!.windowEnd.toString(),
      missedAttempts: t.missedAttempts ?? 0,
      resets: t.resets ?? 0,
      disputes: t.disputes ?? 0,
    };
    byId.set(t.taskId, entry);
    return entry;
  });
  const complete = job.nLeaves <= FULL_TREE_LEAVES;
  const shape = complete
    ? treeNodes(job.nLeaves)
    : taskList
        .filter((t) => t.kind !== "decision")
        .map((t) => ({
          id: t.taskId,
          a: t.a,
          c: t.c,
          depth: t.depth,
          kind: t.c - t.a === 1 ? ("leaf" as const) : ("fold" as const),
          left: t.left,
          right: t.right,
        }))
        .sort((p, q) => p.depth - q.depth || p.a - q.a);
  const parents = new Map<bigint, bigint>();
  for (const n of shape) {
    if (n.left !== undefined) parents.set(n.left, n.id);
    if (n.right !== undefined) parents.set(n.right, n.id);
  }
  const nodes: TreeNode[] = shape.map((n) => {
    const owner = taskOfNode(job.nLeaves, chunkLog, n.a, n.c);
    const t = byId.get(owner.id);
    if (t === undefined) throw new Error(`no task ${owner.id} in the task list of a ${job.nLeaves}-leaf job`);
    return {
      id: n.id.toString(),
      a: n.a,
      c: n.c,
      depth: n.depth,
      kind: n.kind,
      parent: parents.get(n.id)?.toString() ?? null,
      taskId: t.taskId,
      taskKind: owner.kind as "chunk" | "merge",
      taskRoot: owner.id === n.id,
      state: t.state,
      prover: t.prover,
    };
  });
  const decision = byId.get(DECISION_TASK);
  if (decision === undefined) throw new Error("no decision in the task list");
  return {
    nLeaves: job.nLeaves,
    chunkLog,
    depth: nodes.reduce((d, n) => Math.max(d, n.depth), 0),
    complete,
    nodes,
    decision,
    tasks,
    counts,
  };
}

/** Task ids of a job whose live view is worth reading: those the progress says are open (available). */
export function openTaskIds(taskList: readonly TaskProgress[]): bigint[] {
  return taskList.filter((t) => t.state === "open").map((t) => t.taskId);
}

export type EarningsPoint = { account: string; amount: bigint; timestamp: bigint };

/**
 * Cumulative task earnings over time per prover, aligned on one time axis (uPlot's data layout): `x` the
 * distinct times of the points (unix seconds; the API dates a task's reward by its submission), `series[i].values[k]` the total credited to `series[i].account` up
 * to `x[k]`, in the token's base unit as decimal strings. The `top` accounts with the most earnings.
 */
export function earningsSeries(
  credits: readonly EarningsPoint[],
  top = 8,
): { x: number[]; series: { account: string; values: string[] }[] } {
  const sorted = [...credits].sort((p, q) => (p.timestamp < q.timestamp ? -1 : p.timestamp > q.timestamp ? 1 : 0));
  const totals = new Map<string, bigint>();
  for (const p of sorted) totals.set(p.account, (totals.get(p.account) ?? 0n) + p.amount);
  const accounts = [...totals.entries()]
    .sort((p, q) => (p[1] === q[1] ? (p[0] < q[0] ? -1 : 1) : p[1] > q[1] ? -1 : 1))
    .slice(0, top)
    .map(([account]) => account);
  const x = [...new Set(sorted.map((p) => Number(p.timestamp)))];
  const running = new Map<string, bigint>(accounts.map((a) => [a, 0n]));
  const values = new Map<string, string[]>(accounts.map((a) => [a, []]));
  let i = 0;
  for (const t of x) {
    for (; i < sorted.length && Number(sorted[i]!.timestamp) === t; i++) {
      const p = sorted[i]!;
      if (running.has(p.account)) running.set(p.account, running.get(p.account)! + p.amount);
    }
    for (const a of accounts) values.get(a)!.push(running.get(a)!.toString());
  }
  return { x, series: accounts.map((account) => ({ account, values: values.get(account)! })) };
}
