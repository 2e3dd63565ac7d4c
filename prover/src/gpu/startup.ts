/**
 * Which MSM and fold backends a prover process uses, chosen once at start (the node daemon,
 * `novanet prove`):
 *
 * - `NOVANET_MSM=native|ffjavascript|webgpu`: that backend (created now, so a missing one fails at start
 *   with its typed error); the fold step follows (gpu/select.ts: `webgpu` puts it on the GPU too);
 * - `NOVANET_MSM=auto`: a short calibration ({@link gpuCapacity}: one whole fold step at 2^12
 *   constraints on the GPU path and on the CPU path) picks the faster path, any adapter competing,
 *   software ones included; the result is cached in `<cacheDir>/gpu-calibration.json`, keyed by the
 *   adapter, the native addon's presence and the CPUs, so later starts reuse it;
 * - unset, for the node (`calibrate: "hardware"`): when the machine has a GPU device node
 *   ({@link gpuDeviceNodes}; else Dawn is not loaded at all), the same calibration, but only a hardware adapter
 *   competes (a software one — llvmpipe, SwiftShader — lost 7–9× to the native CPU backend, docs/msm.md;
 *   without a hardware adapter nothing is timed and the CPU default stays);
 * - unset, for `novanet prove` (`calibrate: "cached"`): a calibration cached for this machine in the
 *   cache directory is followed; without one, the CPU default (no GPU probe: Dawn's warnings stay out of
 *   the output).
 *
 * The measured capacity ({@link GpuCapacity}) is returned for the node to compare with what it declared.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { MsmBackendSelectionError } from "../errors/msm.js";
import type { MsmBackend } from "../msm/backend.js";
import { loadNativeMsm } from "../msm/cpu/native.js";
import { createSelectedMsmBackend, defaultMsmBackend, setDefaultMsmBackend } from "../msm/default.js";
import { type GpuCapacity, gpuCapacity, SOFTWARE_ADAPTER } from "./capacity.js";
import { createWebGpuFold } from "./fold.js";
import { defaultFoldBackend, setDefaultFoldBackend } from "./select.js";

export const CALIBRATION_FILE = "gpu-calibration.json";

/**
 * The GPU device nodes under `dev` (default `/dev`): `dri/renderD*` (Mesa/AMD/Intel render nodes) and
 * `nvidia*`. Without one, a node with `NOVANET_MSM` unset does not probe WebGPU at all: Dawn would only
 * find nothing, and print "Couldn't load Vulkan" on the process's stderr while doing so.
 */
export function gpuDeviceNodes(dev = "/dev"): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return [
    ...list(join(dev, "dri"))
      .filter((f) => /^renderD\d+$/.test(f))
      .map((f) => join(dev, "dri", f)),
    ...list(dev)
      .filter((f) => /^nvidia/.test(f) || f === "dxg")
      .map((f) => join(dev, f)),
  ];
}

/** Whether a backend's `name` is exactly the one `NOVANET_MSM=choice` makes (not merely a prefix of it). */
export function backendMatches(choice: string, name: string): boolean {
  switch (choice) {
    case "native":
      return name === "cpu-native";
    case "ffjavascript":
      return name === "cpu-ffjavascript-wasm";
    case "webgpu":
      return /^webgpu( \(.+\))?$/.test(name);
    default:
      return false;
  }
}

export type ProvingSetup = {
  /** The MSM backend's name (e.g. `cpu-native`, `webgpu (llvmpipe … (Dawn opengles))`). */
  msm: string;
  /** Where the fold step's field work runs. */
  fold: "webgpu" | "cpu";
  /** env: NOVANET_MSM named it; calibrated: timed now; cached: a cached calibration; default: no choice made. */
  source: "env" | "calibrated" | "cached" | "default";
  /** The WebGPU adapter seen, if probed. */
  adapter?: string;
  /** The calibration (measured now or cached): fold times, the capacity to announce, the GPU flag. */
  capacity?: GpuCapacity;
  /** Why the GPU is not used (when it is not). */
  reason?: string;
};

export type ProvingOptions = {
  /** Where the calibration is cached (the node: its data directory; prove: `--cache`, default `.novanet`). */
  cacheDir: string;
  /** `NOVANET_MSM` (default: the environment's). */
  choice?: string;
  /** What an unset `NOVANET_MSM` does: see the module comment (default `cached`). */
  calibrate?: "hardware" | "cached";
  /** Calibration size (default 2^12 constraints) and the fold step's time budget for the capacity (10 s). */
  logN?: number;
  budgetMs?: number;
  /** Where GPU device nodes are looked for before an unset `NOVANET_MSM` probes Dawn (default `/dev`). */
  devDir?: string;
};

type CacheFile = {
  v: 1;
  key: string;
  use: "webgpu" | "cpu";
  capacity: Omit<GpuCapacity, "maxConstraints"> & { maxConstraints: string };
};

/** The cache key of a calibration on this machine (exported for tests that write a cache). */
export function calibrationKey(adapter: string | undefined, logN = 12, budgetMs = 10_000): string {
  return cacheKey(adapter, logN, budgetMs);
}

function cacheKey(adapter: string | undefined, logN: number, budgetMs: number): string {
  const cpu = cpus();
  return JSON.stringify({
    adapter: adapter ?? null,
    native: loadNativeMsm() !== undefined,
    cpus: `${cpu.length}× ${cpu[0]?.model ?? "?"}`,
    logN,
    budgetMs,
  });
}

/** The same CPUs, addon and calibration parameters (the adapter is not probed in `cached` mode). */
function sameMachine(a: string, b: string): boolean {
  const { adapter: _a, ...x } = JSON.parse(a) as Record<string, unknown>;
  const { adapter: _b, ...y } = JSON.parse(b) as Record<string, unknown>;
  return JSON.stringify(x) === JSON.stringify(y);
}

function readCache(dir: string): CacheFile | undefined {
  try {
    const c = JSON.parse(readFileSync(join(dir, CALIBRATION_FILE), "utf8")) as CacheFile;
    return c.v === 1 && typeof c.key === "string" && (c.use === "webgpu" || c.use === "cpu") ? c : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this module made the GPU the default (then going back to the CPU must replace it). */
let adoptedGpu = false;

/**
 * The CPU default: left as it is (created lazily by msm/default.ts, or set by the caller) unless
 * `NOVANET_MSM=auto` (which would run the MSM-only calibration) or the GPU was adopted before.
 */
async function adoptCpu(): Promise<void> {
  if ((process.env.NOVANET_MSM ?? "") === "auto" || adoptedGpu) {
    setDefaultMsmBackend(await createSelectedMsmBackend(""));
    adoptedGpu = false;
  }
  setDefaultFoldBackend(undefined);
}

/** Makes the GPU the process default (MSM and fold on one device). */
async function adoptGpu(): Promise<MsmBackend> {
  const { createWebGpuBackend } = await import("../msm/webgpu/node.js");
  const msm = await createWebGpuBackend();
  setDefaultMsmBackend(msm);
  setDefaultFoldBackend(await createWebGpuFold(msm.device, msm.adapter));
  adoptedGpu = true;
  return msm;
}

async function current(source: ProvingSetup["source"], extra: Partial<ProvingSetup> = {}): Promise<ProvingSetup> {
  const msm = await defaultMsmBackend();
  const fold = await defaultFoldBackend();
  return { msm: msm.name, fold: fold ? "webgpu" : "cpu", source, ...extra };
}

/**
 * Chooses and installs the process's default MSM and fold backends (see the module comment).
 *
 * @throws {MsmBackendSelectionError} `NOVANET_MSM` (or `NOVANET_FOLD`) names no known choice.
 * @throws {WebGpuUnavailableError} / {NativeMsmUnavailableError} the backend `NOVANET_MSM` names cannot start.
 */
export async function prepareProving(opts: ProvingOptions): Promise<ProvingSetup> {
  const choice = opts.choice ?? process.env.NOVANET_MSM ?? "";
  const logN = opts.logN ?? 12;
  const budgetMs = opts.budgetMs ?? 10_000;
  if (choice !== "" && choice !== "auto") {
    // Explicit (or invalid: the typed selection error comes from here). From the environment, the
    // default module makes it (once per process); a choice passed in is made here.
    if (!["native", "ffjavascript", "webgpu"].includes(choice)) {
      throw new MsmBackendSelectionError("NOVANET_MSM must be ffjavascript, native, webgpu or auto", {
        details: choice,
      });
    }
    // The process default may already exist (made before this call, e.g. by an earlier proof in the
    // same process): replace it unless it is already the backend chosen.
    const made = (await defaultMsmBackend().catch(() => undefined))?.name ?? "";
    if (choice !== (process.env.NOVANET_MSM ?? "") || adoptedGpu || !backendMatches(choice, made)) {
      setDefaultMsmBackend(await createSelectedMsmBackend(choice));
      adoptedGpu = false;
    }
    setDefaultFoldBackend(undefined);
    return current("env");
  }
  const mode = choice === "auto" ? "all" : (opts.calibrate ?? "cached");
  const cached = readCache(opts.cacheDir);
  if (mode === "cached") {
    // No GPU probe: follow a calibration cached on this machine (its CPUs and addon), else the default.
    if (!cached || !sameMachine(cached.key, cacheKey(undefined, logN, budgetMs))) {
      await adoptCpu();
      return current("default", { reason: "no calibration cached here (NOVANET_MSM=auto makes one)" });
    }
    try {
      if (cached.use === "webgpu") await adoptGpu();
      else await adoptCpu();
      return current("cached", { capacity: reviveCapacity(cached), adapter: cached.capacity.adapter });
    } catch (error) {
      await adoptCpu();
      return current("default", { reason: `the cached GPU choice failed: ${(error as Error).message}` });
    }
  }
  const linux = process.platform === "linux" || opts.devDir !== undefined;
  if (mode === "hardware" && linux && gpuDeviceNodes(opts.devDir).length === 0) {
    // Linux without a GPU device node: Dawn is not even loaded (it would find nothing and warn on
    // stderr). Elsewhere (Metal, D3D12) there are no such nodes to look for, and Dawn is probed.
    await adoptCpu();
    return current("default", {
      reason: `no GPU device node (${opts.devDir ?? "/dev"}/dri/renderD*, ${opts.devDir ?? "/dev"}/nvidia*); NOVANET_MSM=auto or webgpu probes WebGPU anyway`,
    });
  }
  const { probeNodeGpu } = await import("../msm/webgpu/node.js");
  // Unset: only Dawn's default backend (Vulkan/Metal/D3D12) is probed — the OpenGL ES one is Mesa's
  // software rasteriser on the machines here — so a GPU-less node only loads Dawn and finds no adapter.
  const probe = await probeNodeGpu(mode === "hardware" ? "default" : undefined);
  const adapter = "adapter" in probe ? probe.adapter : undefined;
  if (mode === "hardware" && (!adapter || SOFTWARE_ADAPTER.test(adapter))) {
    await adoptCpu();
    return current("default", {
      adapter,
      reason: adapter
        ? `only a software adapter (${adapter}); NOVANET_MSM=auto or webgpu uses it`
        : (probe as { reason: string }).reason,
    });
  }
  const key = cacheKey(adapter, logN, budgetMs);
  if (cached && cached.key === key) {
    try {
      if (cached.use === "webgpu") await adoptGpu();
      else await adoptCpu();
      return current("cached", { adapter, capacity: reviveCapacity(cached) });
    } catch {
      // The GPU went away since: measure again below.
    }
  }
  const capacity = await gpuCapacity({ logN, budgetMs, adopt: true });
  if (capacity.use === "cpu") await adoptCpu();
  else adoptedGpu = true;
  const file: CacheFile = {
    v: 1,
    key,
    use: capacity.use,
    capacity: { ...capacity, maxConstraints: capacity.maxConstraints.toString() },
  };
  try {
    mkdirSync(opts.cacheDir, { recursive: true });
    writeFileSync(join(opts.cacheDir, CALIBRATION_FILE), `${JSON.stringify(file, null, 2)}\n`);
  } catch {
    // A read-only cache directory only costs a calibration at the next start.
  }
  return current("calibrated", {
    adapter,
    capacity,
    ...(capacity.use === "cpu" ? { reason: capacity.reason ?? "the CPU path was faster" } : {}),
  });
}

function reviveCapacity(c: CacheFile): GpuCapacity {
  return { ...c.capacity, maxConstraints: BigInt(c.capacity.maxConstraints) };
}

/** A one-line summary (no bigints) for progress output. */
export function setupSummary(s: ProvingSetup): Record<string, string | number | boolean> {
  return {
    msm: s.msm,
    fold: s.fold,
    source: s.source,
    ...(s.adapter ? { adapter: s.adapter } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.capacity ? { measuredMaxConstraints: Number(s.capacity.maxConstraints), gpu: s.capacity.gpu } : {}),
  };
}

/**
 * The node's start (daemon.ts): {@link prepareProving} with `calibrate: "hardware"` in its data directory,
 * logged, and the measured capacity compared with the declared one (the registry's entry cannot be
 * changed after registration: a node that declared more than it measures is warned). Explicit
 * `NOVANET_MSM` errors are thrown (the operator asked for a backend that cannot start); a failing
 * automatic calibration is logged and leaves the CPU default.
 */
export async function prepareNodeProving(
  dataDir: string,
  log: (e: Record<string, unknown>) => void,
  declared?: { maxConstraints: bigint },
): Promise<ProvingSetup> {
  let setup: ProvingSetup;
  try {
    setup = await prepareProving({ cacheDir: dataDir, calibrate: "hardware" });
  } catch (error) {
    const choice = process.env.NOVANET_MSM ?? "";
    if (choice !== "" && choice !== "auto") throw error;
    await adoptCpu();
    setup = await current("default", { reason: `calibration failed: ${(error as Error).message.split("\n")[0]}` });
  }
  const cap = setup.capacity;
  log({
    msg: "proving backend",
    msm: setup.msm,
    fold: setup.fold,
    source: setup.source,
    ...(setup.adapter ? { adapter: setup.adapter } : {}),
    ...(setup.reason ? { reason: setup.reason } : {}),
    ...(cap ? { measured: { foldMs: cap.foldMs, maxConstraints: String(cap.maxConstraints), gpu: cap.gpu } } : {}),
  });
  if (cap && declared && declared.maxConstraints > cap.maxConstraints) {
    log({
      level: "warn",
      msg: "declared capacity above the measured one: assigned fold steps may take longer than the budget",
      declared: String(declared.maxConstraints),
      measured: String(cap.maxConstraints),
    });
  }
  return setup;
}
