/// <reference types="@webgpu/types" />
/**
 * The browser GPU page as one self-contained module (bundled by scripts/build-browser.ts into
 * `novanet-gpu.js`): {@link mountGpuPage} renders into any element — the prover's own page
 * (prover/browser/index.html) and the indexer dashboard's `/dashboard/gpu` use the same bundle — and
 * runs, on the visitor's machine, the MSM benchmark (browser/msm-bench.ts: WebGPU against a CPU MSM,
 * results compared) and a small local proof with private mode's blinding (browser/proof.ts: on WebGPU
 * when the browser has an adapter, else on the CPU — the report's `ran` says which).
 */
import { type BrowserMsmReport, runMsmBench } from "./msm-bench.js";
import { type BrowserProofReport, runLocalProof } from "./proof.js";

export type { BrowserMsmReport, BrowserProofReport };
export { runLocalProof, runMsmBench };

/**
 * A WebGPU device from `navigator.gpu` (default adapter, else a compatibility-mode one) with the
 * adapter's storage limits, or `{ reason }` when the browser has none.
 */
export async function requestBrowserGpu(): Promise<{ device: GPUDevice; adapter: string } | { reason: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { reason: "navigator.gpu is undefined (no WebGPU in this browser)" };
  const adapter =
    (await gpu.requestAdapter()) ??
    (await gpu.requestAdapter({ featureLevel: "compatibility" } as GPURequestAdapterOptions));
  if (!adapter) return { reason: "navigator.gpu.requestAdapter() returned null" };
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
    return { device, adapter: name };
  } catch (error) {
    return { reason: `requestDevice failed: ${(error as Error).message}` };
  }
}

/** The local proof on WebGPU when the browser has it, else on the CPU (`reason` says why). */
export async function runBrowserProof(steps = 8): Promise<BrowserProofReport & { reason?: string }> {
  const gpu = await requestBrowserGpu();
  if ("reason" in gpu) return { ...(await runLocalProof(steps)), reason: gpu.reason };
  try {
    return await runLocalProof(steps, 3n, gpu);
  } finally {
    gpu.device.destroy();
  }
}

const STYLE = `
.novanet-gpu{font:15px system-ui,sans-serif;max-width:48rem}
.novanet-gpu pre{background:#f4f4f4;padding:1rem;white-space:pre-wrap}
.novanet-gpu button{margin-right:.5rem}`;

/**
 * Renders the page into `root`: an MSM benchmark (size selectable) and the local proof, each with a
 * button and a JSON report. Returns the two runners (the headless test calls them directly).
 */
/** The slice of the DOM the page uses (the project compiles without the DOM library). */
type PageElement = {
  innerHTML: string;
  textContent: string | null;
  value?: string;
  onclick: unknown;
  querySelector(selector: string): PageElement | null;
  classList: { add(name: string): void };
};

export function mountGpuPage(root: PageElement): {
  msm: (n: number) => Promise<BrowserMsmReport>;
  proof: (steps: number) => Promise<BrowserProofReport & { reason?: string }>;
} {
  root.classList.add("novanet-gpu");
  root.innerHTML = `
<style>${STYLE}</style>
<h2>BN254 MSM on your GPU</h2>
<p>Runs the prover's WebGPU multi-scalar multiplication (the kernels <code>novanet prove</code> uses in Node)
on this browser's WebGPU adapter and checks it against a CPU (JavaScript) MSM. Nothing leaves this page.</p>
<label>points: <select data-n><option>256</option><option selected>1024</option><option>4096</option>
<option>16384</option><option>65536</option></select></label>
<button type="button" data-run-msm>Run MSM</button>
<pre data-msm>not run yet</pre>
<h2>A small private proof, locally</h2>
<p>Folds 8 steps of z ↦ z³ + z + 5 with hiding commitments (private mode's blinding) and verifies the
result, on WebGPU when available, else on the CPU. Dev SRS made in the page: a demonstration, not a
production proof (no decider, no salted state commitments).</p>
<button type="button" data-run-proof>Prove locally</button>
<pre data-proof>not run yet</pre>`;
  const q = (sel: string) => root.querySelector(sel) as PageElement;
  const show = (el: PageElement, v: unknown) => {
    el.textContent = JSON.stringify(v, null, 2);
  };
  const msm = async (n: number) => {
    q("[data-msm]").textContent = `running ${n} points…`;
    const r = await runMsmBench(n);
    show(q("[data-msm]"), r);
    return r;
  };
  const proof = async (steps: number) => {
    q("[data-proof]").textContent = `proving ${steps} steps…`;
    try {
      const r = await runBrowserProof(steps);
      show(q("[data-proof]"), r);
      return r;
    } catch (error) {
      q("[data-proof]").textContent = `failed: ${(error as Error).message}`;
      throw error;
    }
  };
  q("[data-run-msm]").onclick = () => msm(Number(q("[data-n]").value));
  q("[data-run-proof]").onclick = () => proof(8);
  return { msm, proof };
}
