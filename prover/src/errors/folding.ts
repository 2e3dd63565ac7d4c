import { BaseError } from "./base.js";

/** Two instances cannot be folded: different `x` lengths, or their witnesses do not match their shape. */
export class FoldShapeError extends BaseError {
  override name = "FoldShapeError";
}

/** Folding `[a,b)` with `[b,c)` needs the left node's `zOut` to equal the right node's `zIn`. */
export class ContinuityError extends BaseError {
  override name = "ContinuityError";
}

/** Two nodes are not adjacent children of one tree node (`left.c !== right.a` or not the split of `[a,c)`). */
export class TreeShapeError extends BaseError {
  override name = "TreeShapeError";
}

/** A recorded fold does not re-verify: its `r` is not the challenge, or its parent instance differs. */
export class FoldVerificationError extends BaseError {
  override name = "FoldVerificationError";
}

/** A leaf witness does not match the step circuit (length, or its public signals are not the leaf's states). */
export class LeafError extends BaseError {
  override name = "LeafError";
}
