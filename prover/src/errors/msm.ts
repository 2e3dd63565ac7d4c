import { BaseError } from "./base.js";

/** The native MSM addon was requested (`NOVANET_MSM=native`) but is not built or does not load. */
export class NativeMsmUnavailableError extends BaseError {
  override name = "NativeMsmUnavailableError";
}

/** `NOVANET_MSM` names no known backend (expected `ffjavascript`, `native`, `webgpu` or `auto`). */
export class MsmBackendSelectionError extends BaseError {
  override name = "MsmBackendSelectionError";
}

/** `NOVANET_MSM=webgpu` was requested but no WebGPU adapter or device could be had. */
export class WebGpuUnavailableError extends BaseError {
  override name = "WebGpuUnavailableError";
}

/** The GPU reported an error while running an MSM (a lost device, a shader or validation error). */
export class WebGpuMsmError extends BaseError {
  override name = "WebGpuMsmError";
}
