import { BaseError } from "./base.js";

/** A step circuit cannot be wrapped into the private-mode circuit `F̂` (prover/src/private/wrapper.ts). */
export class PrivateWrapperError extends BaseError {
  override name = "PrivateWrapperError";
}

/** A private bundle is malformed, or is not a private bundle. */
export class PrivateBundleError extends BaseError {
  override name = "PrivateBundleError";
}

/** A private bundle cannot be submitted: wrong chain, wrong market, unknown circuit, or the market reverted. */
export class PrivateSubmitError extends BaseError {
  override name = "PrivateSubmitError";
}

/**
 * `prove --private --decider-key`: the key file is refused (unreadable, not a v3 key of this `F̂`, not the
 * registered verifier's key, or its proving sections do not match its verifying key).
 */
export class PrivateDeciderKeyError extends BaseError {
  override name = "PrivateDeciderKeyError";
}
