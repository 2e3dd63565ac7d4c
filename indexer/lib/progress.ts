/**
 * A job's tree progress for explorers: every node of the tree of docs/protocol.md §7 (N leaves, N − 1
 * folds) with the state of its task, per-depth counts and the decision. Pure: the API feeds it the job
 * and its task rows.
 */
import { DECISION_TASK, treeDepth, treeNodes } from "../../prover/src/tree/shape.js";

export type TaskLike = {
  taskId: bigint;
  kind: string;
  status: string;
  assignee: `0x${string}`;
  submitter: `0x${string}` | null;
  deadline: bigint;
  reclaims: number;
  resets: number;
};

export type JobLike = { nLeaves: number; mode: string; status: string };

/**
 * A node's state: "done"/"paid" (submitted; paid once its reward was credited), "assigned" (a leaf being
 * worked on), "ready" (a fold whose children are both in), "waiting" (a fold whose children are not),
 * "unassigned" (no task: a bundle job, or nothing indexed for it).
 */
export type NodeState = "done" | "paid" | "assigned" | "ready" | "waiting" | "unassigned";

export type NodeProgress = {
  nodeId: bigint;
  a: bigint;
  c: bigint;
  depth: number;
  kind: "leaf" | "fold";
  state: NodeState;
  left?: bigint;
  right?: bigint;
  assignee?: `0x${string}`;
  submitter?: `0x${string}` | null;
  deadline?: bigint;
  reclaims?: number;
  resets?: number;
};

export type JobProgress = {
  nLeaves: number;
  depth: number;
  leaves: { done: number; total: number };
  folds: { done: number; total: number };
  decision: { done: boolean; state: NodeState };
  tasks: { done: number; total: number };
  /** Done tasks over all 2N tasks, in percent with one decimal. */
  percent: number;
  /** For each depth (0 = root): how many nodes and how many are done. */
  levels: { depth: number; nodes: number; done: number }[];
  /** Every node, breadth first from the root; omitted when the caller asks for the summary only. */
  nodes?: NodeProgress[];
};

const isDone = (state: NodeState) => state === "done" || state === "paid";

/** Computes the progress of `job` from its task rows. `withNodes = false` leaves out the node list. */
export function jobProgress(job: JobLike, tasks: readonly TaskLike[], withNodes = true): JobProgress {
  const byId = new Map(tasks.map((row) => [row.taskId, row]));
  const verified = job.status === "verified";
  const bundle = job.mode === "bundle";
  const nodes = treeNodes(job.nLeaves);
  const states = new Map<bigint, NodeState>();
  // Deepest first, so that a fold sees its children's states.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    const row = byId.get(node.id);
    let state: NodeState;
    if (bundle) state = verified ? "done" : "unassigned";
    else if (row === undefined) state = "unassigned";
    else if (row.status === "paid") state = "paid";
    else if (row.status === "done") state = "done";
    else if (node.kind === "leaf") state = "assigned";
    else state = isDone(states.get(node.left!)!) && isDone(states.get(node.right!)!) ? "ready" : "waiting";
    states.set(node.id, state);
  }
  const decisionRow = byId.get(DECISION_TASK);
  const rootDone = isDone(states.get(nodes[0]!.id)!);
  const decisionState: NodeState = bundle
    ? verified
      ? "done"
      : "unassigned"
    : decisionRow === undefined
      ? "unassigned"
      : decisionRow.status === "paid"
        ? "paid"
        : decisionRow.status === "done"
          ? "done"
          : rootDone
            ? "ready"
            : "waiting";
  const levels = new Map<number, { depth: number; nodes: number; done: number }>();
  let leavesDone = 0;
  let foldsDone = 0;
  for (const node of nodes) {
    const done = isDone(states.get(node.id)!);
    const level = levels.get(node.depth) ?? { depth: node.depth, nodes: 0, done: 0 };
    level.nodes++;
    if (done) level.done++;
    levels.set(node.depth, level);
    if (done && node.kind === "leaf") leavesDone++;
    if (done && node.kind === "fold") foldsDone++;
  }
  const decisionDone = isDone(decisionState);
  const tasksDone = leavesDone + foldsDone + (decisionDone ? 1 : 0);
  const tasksTotal = 2 * job.nLeaves;
  const progress: JobProgress = {
    nLeaves: job.nLeaves,
    depth: treeDepth(job.nLeaves),
    leaves: { done: leavesDone, total: job.nLeaves },
    folds: { done: foldsDone, total: job.nLeaves - 1 },
    decision: { done: decisionDone, state: decisionState },
    tasks: { done: tasksDone, total: tasksTotal },
    percent: Math.round((tasksDone * 1000) / tasksTotal) / 10,
    levels: [...levels.values()].sort((x, y) => x.depth - y.depth),
  };
  if (withNodes) {
    progress.nodes = nodes.map((node) => {
      const row = byId.get(node.id);
      return {
        nodeId: node.id,
        a: BigInt(node.a),
        c: BigInt(node.c),
        depth: node.depth,
        kind: node.kind,
        state: states.get(node.id)!,
        ...(node.left === undefined ? {} : { left: node.left, right: node.right }),
        ...(row === undefined
          ? {}
          : {
              assignee: row.assignee,
              submitter: row.submitter,
              deadline: row.deadline,
              reclaims: row.reclaims,
              resets: row.resets,
            }),
      };
    });
  }
  return progress;
}
