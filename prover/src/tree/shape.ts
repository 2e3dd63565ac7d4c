/**
 * The shape of a job's fold tree (docs/protocol.md §7 "Tree nodes", "Tree shape"; PROTOCOL.md §3 "Tasks"):
 * the one implementation used by the prover, the node, the indexer and the tests. Pure: no curve, field or
 * MSM imports, so the indexer and the contracts' tests can load it without the native addon.
 *
 * - A node covers the leaf range `[a, c)`; its id is `(a << 128) | c`; the root is `[0, N)`.
 * - A node with `c − a ≥ 2` splits at `b = a + 2^(⌈log2(c − a)⌉ − 1)` (the left child is the largest power
 *   of two strictly below `c − a`), so every node starts at a multiple of `2^⌈log2(c − a)⌉`: `N` leaves,
 *   `N − 1` folds, depth `⌈log2 N⌉`.
 * - Cut at chunk size `2^k`: the *chunks* are the nodes `[j·2^k, min((j+1)·2^k, N))` (each a subtree proved
 *   whole by one prover), the *merges* are the nodes larger than `2^k` (each folds two chunk or merge roots),
 *   and the *decision* decides the root. A task's id is its root node's id; the decision's is
 *   {@link DECISION_TASK}. `k = 0` gives one-leaf chunks (every fold is a merge).
 */
import { TreeShapeError } from "../errors/folding.js";

/** Largest leaf count a node range may use (node bounds stay exact JavaScript integers). */
export const MAX_LEAVES = 2 ** 48;

/** The task id of a job's decision, `type(uint256).max`; every other task's id is its root node's id. */
export const DECISION_TASK = (1n << 256n) - 1n;

const MASK_128 = (1n << 128n) - 1n;

/** Throws {@link TreeShapeError} unless `[a, c)` is a leaf range with `0 ≤ a < c ≤ 2^48`. */
export function assertRange(a: number, c: number): void {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(c) || a < 0 || c <= a || c > MAX_LEAVES) {
    throw new TreeShapeError("not a leaf range [a, c) with 0 ≤ a < c ≤ 2^48", { details: `[${a}, ${c})` });
  }
}

function assertLeaves(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LEAVES) {
    throw new TreeShapeError("a tree has 1 to 2^48 leaves", { details: `N = ${n}` });
  }
}

/** `nodeId = (a << 128) | c`. */
export function nodeId(a: number, c: number): bigint {
  assertRange(a, c);
  return (BigInt(a) << 128n) | BigInt(c);
}

/** Inverse of {@link nodeId}; throws on an id that no range `[a, c)` produces. */
export function nodeRange(id: bigint): { a: number; c: number } {
  if (id < 0n || id >> 256n !== 0n) throw new TreeShapeError("malformed nodeId", { details: String(id) });
  const a = id >> 128n;
  const c = id & MASK_128;
  if (c <= a || c > BigInt(MAX_LEAVES)) throw new TreeShapeError("malformed nodeId", { details: String(id) });
  return { a: Number(a), c: Number(c) };
}

/** ⌈log2 x⌉ for a positive integer x. */
export function ceilLog2(x: number): number {
  if (!Number.isSafeInteger(x) || x < 1)
    throw new TreeShapeError("ceilLog2 of a non-positive integer", { details: String(x) });
  let bits = 0;
  while (2 ** bits < x) bits++;
  return bits;
}

/** Depth of the tree of `n` leaves: ⌈log2 n⌉. */
export function treeDepth(n: number): number {
  assertLeaves(n);
  return ceilLog2(n);
}

/** `b = a + 2^(⌈log2(c − a)⌉ − 1)`: the left child is the largest power of two strictly smaller than `c − a`. */
export function splitPoint(a: number, c: number): number {
  assertRange(a, c);
  if (c - a < 2) throw new TreeShapeError("a leaf has no split point", { details: `[${a}, ${c})` });
  return a + 2 ** (ceilLog2(c - a) - 1);
}

/**
 * Whether `[a, c)` can be a node of a tree built by the split rule (for some `N ≥ c`): every such node
 * starts at a multiple of `2^⌈log2(c − a)⌉` (left children are aligned powers of two, right children are
 * no larger).
 */
export function isTreeNode(a: number, c: number): boolean {
  assertRange(a, c);
  return a % 2 ** ceilLog2(c - a) === 0;
}

/** Whether `[a, c)` is a node of the tree of exactly `n` leaves. */
export function isNodeOf(n: number, a: number, c: number): boolean {
  assertLeaves(n);
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(c) || a < 0 || c <= a || c > n) return false;
  let lo = 0;
  let hi = n;
  for (;;) {
    if (lo === a && hi === c) return true;
    if (hi - lo < 2) return false;
    const b = splitPoint(lo, hi);
    if (c <= b) hi = b;
    else if (a >= b) lo = b;
    else return false;
  }
}

/** The two children `[a, b)`, `[b, c)` of a fold node. */
export function children(a: number, c: number): { a: number; b: number; c: number; left: bigint; right: bigint } {
  const b = splitPoint(a, c);
  return { a, b, c, left: nodeId(a, b), right: nodeId(b, c) };
}

/** The parent of node `[a, c)` in the tree of `n` leaves, or `undefined` for the root; throws if not a node. */
export function parentOf(n: number, a: number, c: number): { a: number; c: number; id: bigint } | undefined {
  if (!isNodeOf(n, a, c)) throw new TreeShapeError("not a node of this tree", { details: `[${a}, ${c}) of N = ${n}` });
  let lo = 0;
  let hi = n;
  let parent: { a: number; c: number; id: bigint } | undefined;
  while (!(lo === a && hi === c)) {
    parent = { a: lo, c: hi, id: nodeId(lo, hi) };
    const b = splitPoint(lo, hi);
    if (c <= b) hi = b;
    else lo = b;
  }
  return parent;
}

/** The nodes from `[a, c)` (excluded) up to the root (included), nearest first: what a reset of `[a, c)` resets above it. */
export function ancestors(n: number, a: number, c: number): { a: number; c: number; id: bigint }[] {
  const out: { a: number; c: number; id: bigint }[] = [];
  for (let p = parentOf(n, a, c); p !== undefined; p = parentOf(n, p.a, p.c)) out.push(p);
  return out;
}

export type ShapeNode = {
  id: bigint;
  a: number;
  c: number;
  /** 0 for the root. */
  depth: number;
  kind: "leaf" | "fold";
  /** The split point and children's ids of a fold. */
  b?: number;
  left?: bigint;
  right?: bigint;
};

/** Every node of the tree of `n` leaves (2n − 1 of them), breadth first from the root. */
export function treeNodes(n: number): ShapeNode[] {
  assertLeaves(n);
  const out: ShapeNode[] = [];
  const queue: { a: number; c: number; depth: number }[] = [{ a: 0, c: n, depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { a, c, depth } = queue[i];
    if (c - a === 1) {
      out.push({ id: nodeId(a, c), a, c, depth, kind: "leaf" });
      continue;
    }
    const ch = children(a, c);
    out.push({ id: nodeId(a, c), a, c, depth, kind: "fold", b: ch.b, left: ch.left, right: ch.right });
    queue.push({ a, c: ch.b, depth: depth + 1 }, { a: ch.b, c, depth: depth + 1 });
  }
  return out;
}

export type FoldStep = { a: number; b: number; c: number; id: bigint };

/**
 * The folds of the subtree `[a, c)` (default the whole tree `[0, n)`) in post-order, children before
 * parents, left before right: the order a depth-first prover performs them (leaf `k` is needed only after
 * leaf `k − 1`).
 */
export function foldOrder(n: number, a = 0, c = n): FoldStep[] {
  assertLeaves(n);
  assertRange(a, c);
  const out: FoldStep[] = [];
  const walk = (lo: number, hi: number) => {
    if (hi - lo < 2) return;
    const b = splitPoint(lo, hi);
    walk(lo, b);
    walk(b, hi);
    out.push({ a: lo, b, c: hi, id: nodeId(lo, hi) });
  };
  walk(a, c);
  return out;
}

/**
 * Folds a tree depth first in post-order with caller-supplied steps: `leaf(k)` makes leaf `k` (called in
 * order k = a, a+1, …), `fold(left, right, step)` folds two siblings. Returns the root `[a, c)`. Only
 * O(log N) values are alive at a time; the same order as {@link foldOrder}.
 */
export async function foldDepthFirst<T>(
  a: number,
  c: number,
  leaf: (k: number) => Promise<T> | T,
  fold: (left: T, right: T, step: FoldStep) => Promise<T> | T,
): Promise<T> {
  assertRange(a, c);
  const build = async (lo: number, hi: number): Promise<T> => {
    if (hi - lo === 1) return leaf(lo);
    const b = splitPoint(lo, hi);
    const left = await build(lo, b);
    const right = await build(b, hi);
    return fold(left, right, { a: lo, b, c: hi, id: nodeId(lo, hi) });
  };
  return build(a, c);
}

/** Largest chunk exponent: a chunk of `2^k` leaves with `k ≤ 16` (65,536 leaves). */
export const MAX_CHUNK_LOG = 16;

function assertChunkLog(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0 || k > MAX_CHUNK_LOG) {
    throw new TreeShapeError(`chunk size exponent must be an integer in [0, ${MAX_CHUNK_LOG}]`, { details: String(k) });
  }
}

export type Chunk = { index: number; a: number; c: number; id: bigint };

/** The chunks of a tree of `n` leaves cut at `2^chunkLog`: `[j·2^k, min((j+1)·2^k, n))`, in order. */
export function chunks(n: number, chunkLog: number): Chunk[] {
  assertLeaves(n);
  assertChunkLog(chunkLog);
  const size = 2 ** chunkLog;
  const out: Chunk[] = [];
  for (let j = 0, a = 0; a < n; j++, a += size) {
    const c = Math.min(a + size, n);
    out.push({ index: j, a, c, id: nodeId(a, c) });
  }
  return out;
}

/** How many chunks a tree of `n` leaves has at `2^chunkLog`: ⌈n / 2^k⌉. */
export function chunkCount(n: number, chunkLog: number): number {
  assertLeaves(n);
  assertChunkLog(chunkLog);
  return Math.ceil(n / 2 ** chunkLog);
}

export type TaskKind = "chunk" | "merge" | "decision";

export type Task = {
  kind: TaskKind;
  /** The root node's id; {@link DECISION_TASK} for the decision. */
  id: bigint;
  /** The task's node range (the root's for the decision). */
  a: number;
  c: number;
  /** A merge's split point and the ids of the two tasks it folds. */
  b?: number;
  left?: bigint;
  right?: bigint;
};

/** The kind of the task whose root is node `[a, c)` of the tree of `n` leaves at `2^chunkLog`, or `undefined` for a node inside a chunk. */
export function taskKindOf(n: number, chunkLog: number, a: number, c: number): "chunk" | "merge" | undefined {
  assertChunkLog(chunkLog);
  if (!isNodeOf(n, a, c)) return undefined;
  const size = 2 ** chunkLog;
  if (c - a > size) return "merge";
  // A node of at most 2^k leaves is a chunk iff it starts on a chunk boundary and ends on the next one (or at n).
  return a % size === 0 && c === Math.min(a + size, n) ? "chunk" : undefined;
}

/** The task that proves node `[a, c)`: the chunk that contains it, or the merge that is it. */
export function taskOfNode(n: number, chunkLog: number, a: number, c: number): Task {
  if (!isNodeOf(n, a, c)) throw new TreeShapeError("not a node of this tree", { details: `[${a}, ${c}) of N = ${n}` });
  assertChunkLog(chunkLog);
  const size = 2 ** chunkLog;
  if (c - a > size) {
    const ch = children(a, c);
    return { kind: "merge", id: nodeId(a, c), a, c, b: ch.b, left: ch.left, right: ch.right };
  }
  const lo = Math.floor(a / size) * size;
  const hi = Math.min(lo + size, n);
  return { kind: "chunk", id: nodeId(lo, hi), a: lo, c: hi };
}

/**
 * Every task of a job of `n` leaves at chunk size `2^chunkLog`: the chunks (in leaf order), the merges
 * (post-order, each after the two tasks it folds) and the decision. ⌈n/2^k⌉ chunks, ⌈n/2^k⌉ − 1 merges.
 */
export function jobTasks(n: number, chunkLog: number): Task[] {
  const cs = chunks(n, chunkLog);
  const size = 2 ** chunkLog;
  const merges: Task[] = [];
  // Post-order over the nodes above the chunks only: O(N / 2^k), never the leaves.
  const walk = (lo: number, hi: number) => {
    if (hi - lo <= size) return;
    const ch = children(lo, hi);
    walk(lo, ch.b);
    walk(ch.b, hi);
    merges.push({ kind: "merge", id: nodeId(lo, hi), a: lo, c: hi, b: ch.b, left: ch.left, right: ch.right });
  };
  walk(0, n);
  return [
    ...cs.map((ch): Task => ({ kind: "chunk", id: ch.id, a: ch.a, c: ch.c })),
    ...merges,
    { kind: "decision", id: DECISION_TASK, a: 0, c: n },
  ];
}
