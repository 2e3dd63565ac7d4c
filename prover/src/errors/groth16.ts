import { BaseError } from "./base.js";

/** A Groth16 key file (`.g16k`) or verifying key is malformed, truncated or for another circuit. */
export class Groth16KeyError extends BaseError {
  override name = "Groth16KeyError";
}

/** The witness given to the Groth16 prover does not satisfy the circuit. */
export class Groth16WitnessError extends BaseError {
  override name = "Groth16WitnessError";
}

/** A Groth16 proof or its public inputs are malformed (lengths, non-canonical scalars, points off the curve). */
export class Groth16ProofFormatError extends BaseError {
  override name = "Groth16ProofFormatError";
}
