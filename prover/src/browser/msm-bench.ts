/// <reference types="@webgpu/types" />
/**
 * The browser entry of the WebGPU MSM (bundled by scripts/build-browser.ts into
 * prover/browser/dist/novanet-msm.js and loaded by prover/browser/index.html): the same kernels as
 * in Node (msm/webgpu/msm.ts), on `navigator.gpu`, checked against @noble/curves' Pippenger on the
 * CPU. Where the browser offers no WebGPU adapter, only the CPU path runs and `reason` says why.
 */
import { pippenger } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { g1ToAffine } from "../curve/bn254.js";
import { scalarsToLe } from "../msm/backend.js";
import { g1ToLem } from "../msm/lem.js";
import { createWebGpuMsm } from "../msm/webgpu/msm.js";

export type BrowserMsmReport = {
  /** The WebGPU adapter used, or null when none. */
  adapter: string | null;
  /** Why WebGPU did not run (no `navigator.gpu`, no adapter, a device error). */
  reason?: string;
  points: number;
  /** Milliseconds: kernel compilation + first call, a timed GPU call, the CPU (noble) reference. */
  gpuFirstMs?: number;
  gpuMs?: number;
  cpuMs: number;
  /** The GPU and CPU sums are equal (undefined when the GPU did not run). */
  equal?: boolean;
};

/** n bases k·G (k = 1..n, distinct) as LEM bytes and noble points. */
function bases(n: number) {
  const lem = new Uint8Array(64 * n);
  const pts = [];
  let p = bn254.G1.Point.BASE;
  for (let i = 0; i < n; i++) {
    pts.push(p);
    g1ToLem(g1ToAffine(p), lem, 64 * i);
    p = p.add(bn254.G1.Point.BASE);
  }
  return { lem, pts };
}

/** Runs one MSM of `n` uniform scalars on the GPU (if any) and on the CPU, and compares them. */
export async function runMsmBench(n = 1024): Promise<BrowserMsmReport> {
  const { lem, pts } = bases(n);
  const scalars = Array.from({ length: n }, () =>
    bn254.fields.Fr.create(
      BigInt(
        `0x${[...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
      ),
    ),
  );
  let t = performance.now();
  const cpu = g1ToAffine(pippenger(bn254.G1.Point, pts, scalars));
  const cpuMs = performance.now() - t;
  const report: BrowserMsmReport = { adapter: null, points: n, cpuMs };
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { ...report, reason: "navigator.gpu is undefined (no WebGPU in this browser)" };
  const adapter =
    (await gpu.requestAdapter()) ??
    (await gpu.requestAdapter({ featureLevel: "compatibility" } as GPURequestAdapterOptions));
  if (!adapter) return { ...report, reason: "navigator.gpu.requestAdapter() returned null" };
  try {
    const i = adapter.info;
    const name = [i.vendor, i.architecture, i.device, i.description].filter((w) => w).join(" ") || "unnamed adapter";
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      },
    });
    const backend = await createWebGpuMsm(device, { adapter: name });
    const le = scalarsToLe(scalars);
    t = performance.now();
    const first = await backend.msm(lem, le);
    const gpuFirstMs = performance.now() - t;
    t = performance.now();
    const got = await backend.msm(lem, le);
    const gpuMs = performance.now() - t;
    await backend.terminate();
    const equal = got.x === cpu.x && got.y === cpu.y && first.x === cpu.x && first.y === cpu.y;
    return { ...report, adapter: name, gpuFirstMs, gpuMs, equal };
  } catch (error) {
    return { ...report, reason: `WebGPU failed: ${(error as Error).message}` };
  }
}
