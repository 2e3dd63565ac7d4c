import { BaseError } from "./base.js";

/** The decider keys (D_F's `.r1cs`, zkey, verification key) are missing, corrupt or for another circuit. */
export class DeciderKeysError extends BaseError {
  override name = "DeciderKeysError";
}

/** The instance to decide is not satisfied by its witness (the decider refuses to prove a false statement). */
export class DeciderUnsatisfiedError extends BaseError {
  override name = "DeciderUnsatisfiedError";
}

/** A decider proof or its instance is malformed (wrong lengths, non-canonical scalars, points off the curve). */
export class DeciderProofFormatError extends BaseError {
  override name = "DeciderProofFormatError";
}

/** A decider proof does not verify: the Groth16 proof of `D_F` or a KZG opening fails. */
export class DeciderVerificationError extends BaseError {
  override name = "DeciderVerificationError";
}

/** `prove` made a decider proof that its own verifier rejects: nothing is written as a success. */
export class DeciderSelfCheckError extends BaseError {
  override name = "DeciderSelfCheckError";
}

/**
 * The on-chain check could not be run (the verifier did not compile, the in-process EVM failed): "it
 * could not be checked" (exit 2), never confused with "the verifier reverted" (invalid, exit 1).
 */
export class OnchainCheckError extends BaseError {
  override name = "OnchainCheckError";
}
