/**
 * The process-wide default {@link MsmBackend}: ffjavascript's multi-threaded wasm backend unless
 * {@link setDefaultMsmBackend} chose another. Commitments use it when no backend is passed.
 */
import type { MsmBackend } from "./backend.js";
import { createFfjavascriptBackend } from "./cpu/ffjavascript.js";

let current: Promise<MsmBackend> | undefined;

export function defaultMsmBackend(): Promise<MsmBackend> {
  if (!current) current = createFfjavascriptBackend();
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
