/**
 * The process-wide default {@link MsmBackend}, unless {@link setDefaultMsmBackend} chose another:
 * the native addon (msm/cpu/native.ts) when it is built and loads, else ffjavascript's multi-threaded
 * wasm backend. `NOVANET_MSM=ffjavascript|native` forces one (`native` throws if the addon is missing).
 * Commitments use it when no backend is passed.
 */
import { MsmBackendSelectionError } from "../errors/msm.js";
import type { MsmBackend } from "./backend.js";
import { createFfjavascriptBackend } from "./cpu/ffjavascript.js";
import { createNativeBackend, loadNativeMsm } from "./cpu/native.js";

let current: Promise<MsmBackend> | undefined;

/** The backend `NOVANET_MSM` (or, unset, the presence of the native addon) selects. */
export async function createSelectedMsmBackend(choice = process.env.NOVANET_MSM ?? ""): Promise<MsmBackend> {
  switch (choice) {
    case "":
      return loadNativeMsm() ? createNativeBackend() : createFfjavascriptBackend();
    case "native":
      return createNativeBackend();
    case "ffjavascript":
      return createFfjavascriptBackend();
    default:
      throw new MsmBackendSelectionError("NOVANET_MSM must be ffjavascript or native", { details: choice });
  }
}

export function defaultMsmBackend(): Promise<MsmBackend> {
  if (!current) {
    const selected = createSelectedMsmBackend();
    current = selected;
    // A failed selection is not cached: the next call reports it again.
    selected.catch(() => {
      if (current === selected) current = undefined;
    });
  }
  return current;
}

/** Makes `backend` the default (e.g. a single-threaded one in tests, a GPU one on a node that has it). */
export function setDefaultMsmBackend(backend: MsmBackend): void {
  current = Promise.resolve(backend);
}

/** Terminates the default backend (if one was created) so that the process can exit. */
export async function terminateDefaultMsmBackend(): Promise<void> {
  const b = current;
  current = undefined;
  if (b) await (await b).terminate();
}
