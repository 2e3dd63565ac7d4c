import { BaseError } from "./base.js";

/** A coordinate or scalar is not a canonical element of its field (negative or ≥ the modulus). */
export class FieldElementError extends BaseError {
  override name = "FieldElementError";
}

/** A point is not on the curve (or, for G2, not in the prime-order subgroup). */
export class InvalidPointError extends BaseError {
  override name = "InvalidPointError";
}
