/**
 * Which fold backend the folding code (folding/nifs.ts `proveFold`, folding/tree.ts `makeLeaf`) uses:
 * `NOVANET_FOLD=webgpu|cpu`. Unset, it follows `NOVANET_MSM`: `webgpu` there means the GPU for the
 * fold step too, `auto` the GPU when the calibration chose the WebGPU MSM; anything else (the default)
 * keeps the CPU field kernels (arith/kernels.ts). The GPU
 * fold backend runs on the WebGPU MSM backend's device when that is the default MSM backend (so the SRS
 * bases and the fold's vectors share one device), else on a device of its own.
 */
import { MsmBackendSelectionError, WebGpuUnavailableError } from "../errors/msm.js";
import type { MsmBackend } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import type { WebGpuMsmBackend } from "../msm/webgpu/msm.js";
import { createWebGpuFold, type GpuFoldBackend } from "./fold.js";

/** `auto`: the GPU when the default MSM backend turned out to be the WebGPU one (`NOVANET_MSM=auto`). */
export type FoldChoice = "webgpu" | "cpu" | "auto";

const env = (k: string): string | undefined => (typeof process === "undefined" ? undefined : process.env[k]);

/**
 * The fold backend named by `NOVANET_FOLD` (or implied by `NOVANET_MSM=webgpu`).
 *
 * @throws {MsmBackendSelectionError} `NOVANET_FOLD` is neither `webgpu` nor `cpu`.
 */
export function foldChoice(fold = env("NOVANET_FOLD"), msm = env("NOVANET_MSM")): FoldChoice {
  if (fold === undefined || fold === "") return msm === "webgpu" ? "webgpu" : msm === "auto" ? "auto" : "cpu";
  if (fold === "webgpu" || fold === "cpu") return fold;
  throw new MsmBackendSelectionError("NOVANET_FOLD must be webgpu or cpu", { details: fold });
}

let current: { msm?: MsmBackend; fold: Promise<GpuFoldBackend> } | undefined;

/**
 * The GPU fold backend when {@link foldChoice} says `webgpu`, else `undefined` (the CPU path). Made
 * again when the default MSM backend changed (a new WebGPU MSM backend brings its own device).
 *
 * @throws {WebGpuUnavailableError} the GPU was asked for and no WebGPU device can be had.
 */
export async function defaultFoldBackend(): Promise<GpuFoldBackend | undefined> {
  // A backend set with setDefaultFoldBackend (a calibration adopted the GPU) wins unless NOVANET_FOLD=cpu.
  if (current && !current.msm && env("NOVANET_FOLD") !== "cpu") return current.fold;
  const choice = foldChoice();
  if (choice === "cpu") return undefined;
  const msm = await defaultMsmBackend();
  if (choice === "auto" && !("device" in msm)) return undefined;
  if (current?.msm === msm) return current.fold;
  const made = (async () => {
    if ("device" in msm) {
      const gpu = msm as WebGpuMsmBackend;
      return createWebGpuFold(gpu.device, gpu.adapter);
    }
    const { requestNodeGpuDevice } = await import("../msm/webgpu/node.js");
    const got = await requestNodeGpuDevice();
    if ("reason" in got) {
      throw new WebGpuUnavailableError("NOVANET_FOLD=webgpu but no WebGPU device is available", {
        details: got.reason,
      });
    }
    return createWebGpuFold(got.device, got.adapter);
  })();
  const entry = { msm, fold: made };
  current = entry;
  made.catch(() => {
    if (current === entry) current = undefined;
  });
  return made;
}

/**
 * Makes `b` the default GPU fold backend, used whatever `NOVANET_MSM` says unless `NOVANET_FOLD=cpu`
 * (`undefined`: choose again from the environment).
 */
export function setDefaultFoldBackend(b: GpuFoldBackend | undefined): void {
  current = b ? { fold: Promise.resolve(b) } : undefined;
}
