import { BaseError } from "./base.js";

/** The native MSM addon was requested (`NOVANET_MSM=native`) but is not built or does not load. */
export class NativeMsmUnavailableError extends BaseError {
  override name = "NativeMsmUnavailableError";
}

/** `NOVANET_MSM` names no known backend (expected `ffjavascript` or `native`). */
export class MsmBackendSelectionError extends BaseError {
  override name = "MsmBackendSelectionError";
}
