import { BaseError } from "./base.js";

/** The circuit source file (or one of its includes) cannot be read. */
export class CircuitNotFoundError extends BaseError {
  override name = "CircuitNotFoundError";
}

/** circom rejected the circuit; `details` carries circom's own message. */
export class CircuitCompileError extends BaseError {
  override name = "CircuitCompileError";
}

/**
 * The circuit compiles but does not follow the step-circuit convention: the main component must
 * declare `signal input z_in[s]` (public) and `signal output z_out[s]` with the same `s ≥ 1`, and no
 * other inputs, so that its public signals are `x = (z_out[0..s), z_in[0..s))`.
 */
export class CircuitConventionError extends BaseError {
  override name = "CircuitConventionError";
}

/** A compiled artefact (`.r1cs`, `.sym`, witness `.wasm`) is malformed. */
export class CircuitArtifactError extends BaseError {
  override name = "CircuitArtifactError";
}

/** A step input `z_in` is invalid: wrong length, or an entry that is not a canonical field element. */
export class StepInputError extends BaseError {
  override name = "StepInputError";
}

/** The witness calculator failed (an `assert` in the circuit, a missing signal, out of memory). */
export class WitnessError extends BaseError {
  override name = "WitnessError";
}
