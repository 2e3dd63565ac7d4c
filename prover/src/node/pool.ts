/**
 * The node's worker pool: bounded by `workers` (tasks at once) and by memory. Each task's peak memory is
 * estimated from the circuit's size and the task's kind (a chunk of 2^k leaves, a merge, the decision), and
 * a task is started only if its estimate fits both the configured budget (`maxMemoryMB`, less what the
 * running tasks were estimated to take) and the memory the system has free right now.
 *
 * The estimates come from measurements (docs/prover-core.md "Peak memory"): two leaves and their fold of
 * a 2^20-constraint dense circuit peaked at 1155 MB RSS, Node's ≈ 106 MB start included, i.e. ≈ 1 kB per
 * constraint for the fold's working set; a node kept between folds (its witness `W` and error `E` as heap
 * BigInts) ≈ 100 B per constraint. A chunk folds depth first, so besides one fold's working set it holds at
 * most `chunkLog` finished nodes on its stack. The decision's Groth16 prove is counted at 1 kB per decider
 * constraint (an upper estimate; not measured at scale).
 */
import { freemem } from "node:os";

export const FOLD_BYTES_PER_CONSTRAINT = 1000;
export const NODE_BYTES_PER_CONSTRAINT = 100;
export const DECIDER_BYTES_PER_CONSTRAINT = 1000;

export type TaskSize = { m: number; nW: number; deciderConstraints: number };

/** Estimated peak memory (bytes) of one task. */
export function estimateTaskBytes(size: TaskSize, kind: "chunk" | "merge" | "decision", chunkLog: number): number {
  const n = Math.max(size.m, size.nW);
  const node = NODE_BYTES_PER_CONSTRAINT * n;
  const fold = FOLD_BYTES_PER_CONSTRAINT * n;
  if (kind === "chunk") return fold + chunkLog * node;
  if (kind === "merge") return fold;
  return 2 * node + DECIDER_BYTES_PER_CONSTRAINT * size.deciderConstraints;
}

/** Why a task was not started, or undefined when it was. */
export type Refusal = "workers" | "budget" | "free memory" | "too large";

export class WorkerPool {
  private used = 0;
  private count = 0;

  constructor(
    readonly workers: number,
    readonly budgetBytes: number,
    private readonly free: () => number = freemem,
  ) {}

  get running(): number {
    return this.count;
  }

  get reservedBytes(): number {
    return this.used;
  }

  /**
   * Reserves room for a task of `bytes`; returns its release function, or the reason it cannot start now
   * (`too large`: it would exceed the budget even alone — it never starts on this node).
   */
  acquire(bytes: number): { release: () => void } | { refused: Refusal } {
    if (bytes > this.budgetBytes) return { refused: "too large" };
    if (this.count >= this.workers) return { refused: "workers" };
    if (this.used + bytes > this.budgetBytes) return { refused: "budget" };
    if (bytes > this.free()) return { refused: "free memory" };
    this.used += bytes;
    this.count++;
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        this.used -= bytes;
        this.count--;
      },
    };
  }
}
