/**
 * The job tree as docs/protocol.md §7 fixes it: a node covers the leaf range `[a, c)`, its id is
 * `(a << 128) | c`, the root is `[0, N)`, and a node with `c − a ≥ 2` splits at
 * `b = a + 2^(⌈log2(c − a)⌉ − 1)`. A job has `N` leaves, `N − 1` folds and one decision (on the root).
 * Pure functions, shared by the handlers (to classify tasks) and the API (to draw a job's progress).
 */

const MASK_128 = (1n << 128n) - 1n;

/** The task id of a job's decision (`type(uint256).max`); leaf and fold tasks are their node ids. */
export const DECISION_TASK = (1n << 256n) - 1n;

export type TreeNode = {
  /** `(a << 128) | c` */
  id: bigint;
  a: bigint;
  c: bigint;
  /** 0 for the root. */
  depth: number;
  kind: "leaf" | "fold";
  /** Children's ids for a fold, `undefined` for a leaf. */
  left?: bigint;
  right?: bigint;
};

/** `(a << 128) | c`; throws on an empty or negative range or a bound that does not fit 128 bits. */
export function nodeId(a: bigint, c: bigint): bigint {
  if (a < 0n || c <= a || c > MASK_128) throw new RangeError(`invalid node range [${a}, ${c})`);
  return (a << 128n) | c;
}

/** The range `[a, c)` of a node id. */
export function nodeRange(id: bigint): { a: bigint; c: bigint } {
  return { a: id >> 128n, c: id & MASK_128 };
}

/** ⌈log2 x⌉ for x ≥ 1. */
export function ceilLog2(x: bigint): number {
  if (x < 1n) throw new RangeError(`ceilLog2 of ${x}`);
  let bits = 0;
  while (1n << BigInt(bits) < x) bits++;
  return bits;
}

/** The split point `b` of `[a, c)` (requires `c − a ≥ 2`): the left child is the largest power of two < c − a. */
export function splitPoint(a: bigint, c: bigint): bigint {
  if (c - a < 2n) throw new RangeError(`leaf [${a}, ${c}) has no split point`);
  return a + (1n << BigInt(ceilLog2(c - a) - 1));
}

/** `true` when the id is a node of the tree of `n` leaves. */
export function isTreeNode(n: bigint, id: bigint): boolean {
  const { a, c } = nodeRange(id);
  if (c <= a || c > n) return false;
  let lo = 0n;
  let hi = n;
  for (;;) {
    if (lo === a && hi === c) return true;
    if (hi - lo < 2n) return false;
    const b = splitPoint(lo, hi);
    if (c <= b) hi = b;
    else if (a >= b) lo = b;
    else return false;
  }
}

/** Every node of the tree of `n ≥ 1` leaves (2n − 1 of them), breadth first from the root. */
export function treeNodes(n: bigint): TreeNode[] {
  if (n < 1n) throw new RangeError(`a job needs at least one leaf, got ${n}`);
  const out: TreeNode[] = [];
  const queue: { a: bigint; c: bigint; depth: number }[] = [{ a: 0n, c: n, depth: 0 }];
  for (let i = 0; i < queue.length; i++) {
    const { a, c, depth } = queue[i]!;
    if (c - a === 1n) {
      out.push({ id: nodeId(a, c), a, c, depth, kind: "leaf" });
      continue;
    }
    const b = splitPoint(a, c);
    out.push({ id: nodeId(a, c), a, c, depth, kind: "fold", left: nodeId(a, b), right: nodeId(b, c) });
    queue.push({ a, c: b, depth: depth + 1 }, { a: b, c, depth: depth + 1 });
  }
  return out;
}

/** Depth of the tree of `n` leaves: ⌈log2 n⌉. */
export function treeDepth(n: bigint): number {
  return ceilLog2(n);
}
