/// <reference types="@webgpu/types" />
/**
 * WebGPU in Node through the npm `webgpu` package (Google's Dawn). The package is an optional
 * dependency: without it, or without an adapter, {@link createWebGpuBackend} throws
 * {@link WebGpuUnavailableError} and {@link webGpuUnavailableReason} says why.
 *
 * Adapters are tried in order: Dawn's default backend (Vulkan / Metal / D3D12: a real GPU), then
 * Dawn's OpenGL ES backend in compatibility mode, which on a machine without a GPU runs on Mesa's
 * llvmpipe software rasteriser (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri libgles2, installed by
 * scripts/webgpu.sh; `EGL_PLATFORM=surfaceless` is set here when unset). `NOVANET_WEBGPU_BACKEND=
 * default|opengles` restricts the search to one of them.
 */
import { WebGpuUnavailableError } from "../../errors/msm.js";
import { createWebGpuMsm, type WebGpuMsmBackend, type WebGpuMsmOptions } from "./msm.js";

type DawnModule = { create(options: string[]): GPU; globals: object };

export type NodeGpuDevice = { device: GPUDevice; adapter: string };

let attempt: Promise<{ dawn?: DawnModule; reason?: string }> | undefined;
const instances = new Map<string, GPU>();
/** The device {@link webGpuUnavailableReason} found, handed to the next request (see there). */
let spare: NodeGpuDevice | undefined;

async function loadDawn(): Promise<{ dawn?: DawnModule; reason?: string }> {
  attempt ??= (async () => {
    try {
      const name = "webgpu";
      const dawn = (await import(name)) as DawnModule;
      return { dawn };
    } catch (error) {
      return { reason: `the npm package "webgpu" does not load: ${(error as Error).message.split("\n")[0]}` };
    }
  })();
  return attempt;
}

function describe(adapter: GPUAdapter, backend: string): string {
  const i = adapter.info;
  const words = [i.vendor, i.architecture, i.device, i.description].filter((w) => w && w.length > 0);
  return `${words.length > 0 ? words.join(" ") : "unnamed adapter"} (Dawn ${backend})`;
}

/**
 * A WebGPU device from Dawn, or `{ reason }` when none can be had. Requests the adapter's storage
 * buffer limits (the MSM needs 6 storage buffers per stage and large bindings).
 */
export async function requestNodeGpuDevice(
  only = process.env.NOVANET_WEBGPU_BACKEND,
): Promise<NodeGpuDevice | { reason: string }> {
  if (spare && (!only || spare.adapter.endsWith(`(Dawn ${only})`))) {
    const s = spare;
    spare = undefined;
    return s;
  }
  const { dawn, reason } = await loadDawn();
  if (!dawn) return { reason: reason ?? 'the npm package "webgpu" is not installed' };
  const tries: { backend: string; flags: string[]; request: GPURequestAdapterOptions }[] = [
    { backend: "default", flags: [], request: { powerPreference: "high-performance" } as GPURequestAdapterOptions },
    {
      backend: "opengles",
      flags: ["backend=opengles"],
      request: { featureLevel: "compatibility" } as GPURequestAdapterOptions,
    },
  ].filter((t) => !only || t.backend === only);
  const failures: string[] = [];
  for (const t of tries) {
    try {
      if (t.backend === "opengles") process.env.EGL_PLATFORM ??= "surfaceless";
      let gpu = instances.get(t.backend);
      if (!gpu) {
        gpu = dawn.create(t.flags);
        instances.set(t.backend, gpu);
      }
      const adapter = await gpu.requestAdapter(t.request);
      if (!adapter) {
        failures.push(`${t.backend}: no adapter`);
        continue;
      }
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
        },
      });
      if (l.maxStorageBuffersPerShaderStage < 6) {
        device.destroy();
        failures.push(`${t.backend}: ${l.maxStorageBuffersPerShaderStage} storage buffers per stage (6 needed)`);
        continue;
      }
      return { device, adapter: describe(adapter, t.backend) };
    } catch (error) {
      failures.push(`${t.backend}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return { reason: `no WebGPU adapter (${failures.join("; ")})` };
}

/**
 * Why no WebGPU device can be had here, or `undefined` when one can. The device found is kept for the
 * next {@link requestNodeGpuDevice} rather than destroyed: on Dawn's OpenGL ES backend, work on a device
 * requested after another one was destroyed never completed (measured: a test hung for 20 minutes).
 */
export async function webGpuUnavailableReason(): Promise<string | undefined> {
  const got = await requestNodeGpuDevice();
  if ("reason" in got) return got.reason;
  spare = got;
  return undefined;
}

/**
 * The adapter Dawn would give (its description), or `{ reason }`; like {@link webGpuUnavailableReason}
 * the device found is kept for the next request. Used to key a cached calibration (gpu/startup.ts).
 * `only`: one of Dawn's backends (`default` = Vulkan/Metal/D3D12, where hardware adapters are).
 */
export async function probeNodeGpu(only?: "default" | "opengles"): Promise<{ adapter: string } | { reason: string }> {
  const got = await requestNodeGpuDevice(only ?? process.env.NOVANET_WEBGPU_BACKEND);
  if ("reason" in got) return got;
  spare = got;
  return { adapter: got.adapter };
}

/**
 * The WebGPU MSM backend on the first adapter Dawn offers. Throws {@link WebGpuUnavailableError} when
 * there is none (the error's details say what was tried).
 */
export async function createWebGpuBackend(options: WebGpuMsmOptions = {}): Promise<WebGpuMsmBackend> {
  const got = await requestNodeGpuDevice();
  if ("reason" in got) throw new WebGpuUnavailableError("no WebGPU device is available", { details: got.reason });
  // NOVANET_WEBGPU_GLV=1: GLV on (off by default, see WebGpuMsmOptions.glv).
  const glv = process.env.NOVANET_WEBGPU_GLV === "1";
  // NOVANET_WEBGPU_SORT=host: the digits and the bucket sort on the host (default: on the GPU).
  const sort = process.env.NOVANET_WEBGPU_SORT === "host" ? "host" : "gpu";
  return createWebGpuMsm(got.device, { adapter: got.adapter, glv, sort, ...options });
}
