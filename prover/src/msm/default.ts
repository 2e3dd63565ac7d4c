/**
 * The process-wide default {@link MsmBackend}, unless {@link setDefaultMsmBackend} chose another:
 * the native addon (msm/cpu/native.ts) when it is built and loads, else ffjavascript's multi-threaded
 * wasm backend. `NOVANET_MSM=ffjavascript|native|webgpu` forces one (`native` throws if the addon is
 * missing, `webgpu` if no WebGPU adapter exists); `NOVANET_MSM=auto` times every available backend on
 * one calibration MSM ({@link calibrateMsm}) and keeps the fastest. Commitments (and so `proveFold`,
 * `novanet prove` and the node) use it when no backend is passed.
 */
import { randomBytes } from "node:crypto";
import { MsmBackendSelectionError } from "../errors/msm.js";
import type { MsmBackend } from "./backend.js";
import { createFfjavascriptBackend } from "./cpu/ffjavascript.js";
import { createNativeBackend, loadNativeMsm } from "./cpu/native.js";
import { createWebGpuBackend } from "./webgpu/node.js";

let current: Promise<MsmBackend> | undefined;

export type MsmCalibration = {
  /** The backend kept (the fastest); the others were terminated. */
  backend: MsmBackend;
  /** Milliseconds of the timed (second) calibration MSM per backend name; failures say why. */
  timings: { name: string; ms?: number; error?: string }[];
};

/**
 * Times each candidate backend on an MSM of `2^logN` copies of `points`' first bases with random
 * scalars (one warm-up call first: it compiles kernels and uploads bases) and keeps the fastest.
 * Candidates that fail to start are reported and skipped; throws {@link MsmBackendSelectionError} if
 * none starts.
 */
export async function calibrateMsm(
  points: Uint8Array,
  candidates: { name: string; create: () => Promise<MsmBackend> | MsmBackend }[] = defaultCandidates(),
): Promise<MsmCalibration> {
  const n = points.length / 64;
  const scalars = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    scalars.set(randomBytes(31), 32 * i);
  }
  const timings: MsmCalibration["timings"] = [];
  let best: { backend: MsmBackend; ms: number } | undefined;
  for (const c of candidates) {
    let backend: MsmBackend | undefined;
    try {
      backend = await c.create();
      await backend.msm(points, scalars);
      const t = performance.now();
      await backend.msm(points, scalars);
      const ms = performance.now() - t;
      timings.push({ name: backend.name, ms });
      if (!best || ms < best.ms) {
        if (best) await best.backend.terminate();
        best = { backend, ms };
      } else await backend.terminate();
    } catch (error) {
      timings.push({ name: c.name, error: (error as Error).message.split("\n")[0] });
      if (backend) await backend.terminate();
    }
  }
  if (!best)
    throw new MsmBackendSelectionError("no MSM backend could be started", { details: JSON.stringify(timings) });
  return { backend: best.backend, timings };
}

function defaultCandidates(): { name: string; create: () => Promise<MsmBackend> | MsmBackend }[] {
  return [
    ...(loadNativeMsm() ? [{ name: "cpu-native", create: () => createNativeBackend() }] : []),
    { name: "cpu-ffjavascript", create: () => createFfjavascriptBackend() },
    { name: "webgpu", create: () => createWebGpuBackend() },
  ];
}

/** 2^12 distinct calibration bases: multiples k·G of the generator, affine LEM. */
async function calibrationPoints(): Promise<Uint8Array> {
  const { g1ToLem } = await import("./lem.js");
  const { bn254 } = await import("@noble/curves/bn254.js");
  const n = 1 << 12;
  const out = new Uint8Array(64 * n);
  let p = bn254.G1.Point.BASE;
  for (let i = 0; i < n; i++) {
    const a = p.toAffine();
    g1ToLem({ x: a.x, y: a.y }, out, 64 * i);
    p = p.add(bn254.G1.Point.BASE);
  }
  return out;
}

/** The backend `NOVANET_MSM` (or, unset, the presence of the native addon) selects. */
export async function createSelectedMsmBackend(choice = process.env.NOVANET_MSM ?? ""): Promise<MsmBackend> {
  switch (choice) {
    case "":
      return loadNativeMsm() ? createNativeBackend() : createFfjavascriptBackend();
    case "native":
      return createNativeBackend();
    case "ffjavascript":
      return createFfjavascriptBackend();
    case "webgpu":
      return createWebGpuBackend();
    case "auto":
      return (await calibrateMsm(await calibrationPoints())).backend;
    default:
      throw new MsmBackendSelectionError("NOVANET_MSM must be ffjavascript, native, webgpu or auto", {
        details: choice,
      });
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
