import { BaseError } from "./base.js";

/** The `.ptau` file is malformed: wrong magic or version, wrong curve, missing section, short section. */
export class PtauFormatError extends BaseError {
  override name = "PtauFormatError";
}

/** A vector needs more SRS powers than the SRS has (`len(v)`, plus one with hiding, must be ≤ `n`). */
export class SrsTooSmallError extends BaseError {
  override name = "SrsTooSmallError";
}

/** An MSM was called with inconsistent inputs (points and scalars of different lengths, non-canonical scalars). */
export class MsmInputError extends BaseError {
  override name = "MsmInputError";
}
