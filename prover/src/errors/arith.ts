import { BaseError } from "./base.js";

/** The `.r1cs` file could not be read or is malformed (wrong prime, bad wire index, custom gates). */
export class R1csFormatError extends BaseError {
  override name = "R1csFormatError";
}

/** The circuit's public signals are not `(z_out[0..s), z_in[0..s))`: `nOutputs !== nPubInputs` or `s = 0`. */
export class StateConventionError extends BaseError {
  override name = "StateConventionError";
}

/** A vector (z, x, W, E, Az, …) has the wrong length for the R1CS shape. */
export class WitnessLengthError extends BaseError {
  override name = "WitnessLengthError";
}

/** A packed F_p vector is not 32 bytes per element, or its length differs from its partner's. */
export class FrVectorLengthError extends BaseError {
  override name = "FrVectorLengthError";
}

/** `NOVANET_KERNELS` names no kernels, or `native` while the native addon is not built. */
export class FieldKernelsUnavailableError extends BaseError {
  override name = "FieldKernelsUnavailableError";
}
