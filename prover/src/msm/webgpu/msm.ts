/// <reference types="@webgpu/types" />
/**
 * WebGPU MSM backend (BN254 G1), platform-neutral: it takes a `GPUDevice` (from Dawn in Node, see
 * msm/webgpu/node.ts, or from `navigator.gpu` in a browser, see prover/src/browser/) and implements
 * {@link MsmBackend} with the same buffers as the CPU backends.
 *
 * Pippenger with signed c-bit digits (c ≤ 15, chosen per call from n and the scalar width): the host
 * splits scalars into digits and counting-sorts the nonzero ones by bucket (zero digits cost nothing,
 * so witness-like 0/1 scalars touch one window only, and empty windows are skipped); the GPU sums each
 * bucket's bases in runs of ≤ {@link DEFAULT_CHUNK} (kernel `chunks`), reduces runs to one point per
 * bucket in a tree (`reduce`), and reduces each window's buckets by segments (`segments`); the host
 * combines segments and windows (a few thousand additions). Bases stay resident on the GPU between
 * calls (keyed by the caller's buffer and offset: an SRS is immutable), X and Y in separate buffers so
 * that 2^22 bases fit the 128 MiB binding limit. At most 6 storage buffers per stage.
 *
 * Variable time, like every backend here.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { G1_ZERO, type G1Affine, g1ToAffine, Q } from "../../curve/bn254.js";
import { MsmInputError } from "../../errors/commitment.js";
import { WebGpuMsmError } from "../../errors/msm.js";
import { assertMsmInput, type MsmBackend } from "../backend.js";
import { msmShaders, SCAN_BLOCK, sortShaders, WORKGROUP } from "./wgsl.js";

// WebGPU flag values (the GPUBufferUsage / GPUMapMode globals are not defined everywhere in Node).
const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;
const MODE_READ = 0x0001;

/** Bucket entries summed by one thread of the first kernel (and points by one thread of a reduce level). */
export const DEFAULT_CHUNK = 32;
/** Segments per window in the bucket reduction. */
const SEGMENTS = 64;
/** Bound on nonzero digits (bucket entries) per batch of windows: 64 MiB of entries. */
const MAX_BATCH_ENTRIES = 1 << 24;
/** Bound on buckets per batch (96 bytes each: ≤ 96 MiB). */
const MAX_BATCH_BUCKETS = 1 << 20;
const JAC_BYTES = 96;

/** The scalar field order p, as 8 little-endian 32-bit words (scalars must be below it). */
const P_WORDS = (() => {
  const p = bn254.fields.Fr.ORDER;
  return Array.from({ length: 8 }, (_, i) => Number((p >> BigInt(32 * i)) & 0xffffffffn));
})();
const R_INV = modPow((1n << 256n) % Q, Q - 2n, Q);

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  let x = b % m;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % m;
    x = (x * x) % m;
    k >>= 1n;
  }
  return r;
}

export type WebGpuMsmOptions = {
  /** A name for the adapter, reported in `name` (e.g. "llvmpipe (OpenGL ES)"). */
  adapter?: string;
  /** Window width in bits (2..15); default: chosen per call. */
  window?: number;
  /** Entries per thread in the first kernel (default {@link DEFAULT_CHUNK}). */
  chunk?: number;
  /**
   * Keep the Montgomery product's outer loop rolled (see {@link msmShaders}); default false (measured on
   * llvmpipe: rolled compiles no faster in total and runs slower).
   */
  rolledLoops?: boolean;
  /**
   * Split the scalars by bit length into separate passes ({@link partitionByBits}); default true.
   * False: one pass over all scalars at the full width (zero digits are still skipped).
   */
  partition?: boolean;
  /**
   * Split full-width scalars by the GLV endomorphism ({@link glvScalars}): twice the scalars at 128 bits,
   * half the windows. Default false: on llvmpipe (bench:gpu, uniform scalars, two runs) no gain stood out
   * of the noise — plain/GLV 1.00× (2^14), 0.95× and 1.33× (2^16, two runs at load 12–23) — the bucket
   * additions, which GLV does not reduce, dominate there, and the host's BigInt split costs ≈ 4 µs a
   * scalar on this loaded machine. To be re-measured on a GPU (bench:gpu's `webgpu-glv` column), where the
   * per-window reductions weigh more.
   */
  glv?: boolean;
  /**
   * Where the signed digits are made and counting-sorted by bucket: `gpu` (default: the raw scalars are
   * uploaded once and WGSL kernels make the digits, a histogram with atomics, its prefix sum and the
   * scatter of base indices and signs; only the bucket offsets come back to plan the accumulation) or
   * `host` (the earlier path: {@link signedDigits} and a counting sort in JavaScript, entries uploaded).
   * `NOVANET_WEBGPU_SORT=host|gpu` sets it in Node (msm/webgpu/node.ts).
   */
  sort?: "gpu" | "host";
};

/** The bucket lists of one pass: offsets[slot] .. offsets[slot + 1] are slot's entries (slot = w·H + |d| − 1). */
export type BucketLists = { offsets: Uint32Array; entries: Uint32Array };

export type WebGpuMsmBackend = MsmBackend & {
  readonly device: GPUDevice;
  /** The adapter's description, as given in the options. */
  readonly adapter: string;
  /** Changes the window width and chunk length of later calls (tests, tuning) without recompiling. */
  configure(tuning: {
    window?: number;
    chunk?: number;
    partition?: boolean;
    glv?: boolean;
    sort?: "gpu" | "host";
  }): void;
  /**
   * The bucket lists of one pass over all `scalars` at window `c` (every window of the width), as the
   * GPU's digit and sort kernels make them (for tests against {@link hostBucketLists}; the order within a
   * bucket depends on the atomics' timing).
   */
  bucketLists(scalars: Uint8Array, scalarBytes: number, c: number, read?: { entries: boolean }): Promise<BucketLists>;
};

/** The window width minimising windows·(n + 2^c) for `n` scalars of `bits` bits (2 ≤ c ≤ 15). */
export function chooseWindow(n: number, bits: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 15; c++) {
    const cost = Math.ceil((bits + 1) / c) * (n + 2 ** c);
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

/** Bit-length classes of the partition (a scalar goes to the first class at least as wide as it). */
const CLASS_BITS = [1, 8, 16, 32, 64, 128, 254];
/** What one extra pass costs, in the units of {@link passCost} (dispatches, readback, host windows). */
const PASS_OVERHEAD = 1 << 12;

/** Estimated work of one pass over k scalars of ≤ bits bits: windows·(k + 2^c), c optimal. */
export function passCost(k: number, bits: number): number {
  const c = chooseWindow(k, bits);
  return Math.ceil((bits + 1) / c) * (k + 2 ** c);
}

/**
 * The nonzero scalars grouped by bit length for separate passes (witness scalars are mostly 0/1 and
 * small: a pass over them needs 1–3 windows, not ~20, and its window is chosen for its own count).
 * Classes of {@link CLASS_BITS} are merged from the widest down while one pass costs less than two
 * ({@link passCost} + {@link PASS_OVERHEAD}). Zero scalars are in no group.
 */
export function partitionByBits(
  scalars: Uint8Array,
  scalarBytes: number,
  n: number,
): { bits: number; idx: Uint32Array }[] {
  const width = scalarBytes === 32 ? 254 : 8 * scalarBytes;
  const cls = new Uint8Array(n);
  const counts = new Array<number>(CLASS_BITS.length).fill(0);
  let nonzero = 0;
  for (let i = 0; i < n; i++) {
    const o = scalarBytes * i;
    let top = scalarBytes - 1;
    while (top >= 0 && scalars[o + top] === 0) top--;
    if (top < 0) {
      cls[i] = 255;
      continue;
    }
    const bits = 8 * top + (32 - Math.clz32(scalars[o + top]));
    let k = 0;
    while (CLASS_BITS[k] < Math.min(bits, 254)) k++;
    cls[i] = k;
    counts[k]++;
    nonzero++;
  }
  if (nonzero === 0) return [];
  // Merge from the widest class down: class k joins the group above when that is cheaper.
  const groups: { bits: number; classes: number[]; k: number }[] = [];
  for (let k = CLASS_BITS.length - 1; k >= 0; k--) {
    if (counts[k] === 0) continue;
    const bits = Math.min(CLASS_BITS[k], width);
    const last = groups[groups.length - 1];
    if (
      last &&
      passCost(last.k + counts[k], last.bits) <= passCost(last.k, last.bits) + passCost(counts[k], bits) + PASS_OVERHEAD
    ) {
      last.classes.push(k);
      last.k += counts[k];
    } else groups.push({ bits, classes: [k], k: counts[k] });
  }
  const groupOf = new Int8Array(CLASS_BITS.length).fill(-1);
  groups.forEach((g, j) => {
    for (const k of g.classes) groupOf[k] = j;
  });
  const idx = groups.map((g) => new Uint32Array(g.k));
  const fill = new Array<number>(groups.length).fill(0);
  for (let i = 0; i < n; i++) {
    if (cls[i] === 255) continue;
    const j = groupOf[cls[i]];
    idx[j][fill[j]++] = i;
  }
  return groups.map((g, j) => ({ bits: g.bits, idx: idx[j] }));
}

/**
 * Signed c-bit digits of every scalar (or of the scalars `idx`, then n = idx.length and digit i is
 * scalar idx[i]'s), window-major (`digits[w·n + i]`), |digit| ≤ 2^(c−1). Throws {@link MsmInputError}
 * on a 32-byte scalar ≥ p (naming its index in the call). Returns the digits and which windows have a
 * nonzero one.
 */
export function signedDigits(
  scalars: Uint8Array,
  scalarBytes: number,
  n: number,
  c: number,
  windows: number,
  idx?: Uint32Array,
): { digits: Int16Array; active: boolean[] } {
  const digits = new Int16Array(windows * n);
  const active = new Array<boolean>(windows).fill(false);
  const words = new Uint32Array(9);
  const bytes = new Uint8Array(words.buffer, 0, 32);
  const mask = (1 << c) - 1;
  const half = 1 << (c - 1);
  for (let i = 0; i < n; i++) {
    const o = scalarBytes * (idx ? idx[i] : i);
    let zero = true;
    for (let j = 0; j < scalarBytes; j++) {
      if (scalars[o + j] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) continue;
    words.fill(0);
    bytes.set(scalars.subarray(o, o + scalarBytes));
    if (scalarBytes === 32) {
      for (let k = 7; k >= 0; k--) {
        if (words[k] !== P_WORDS[k]) {
          if (words[k] > P_WORDS[k]) {
            throw new MsmInputError("MSM scalar is not below the group order p", { details: `index ${o / 32}` });
          }
          break;
        }
        if (k === 0)
          throw new MsmInputError("MSM scalar is not below the group order p", { details: `index ${o / 32}` });
      }
    }
    let carry = 0;
    for (let w = 0; w < windows; w++) {
      const bit = w * c;
      const wi = bit >>> 5;
      const sh = bit & 31;
      let v = wi < 8 ? words[wi] >>> sh : 0;
      if (sh + c > 32 && wi + 1 < 9) v |= words[wi + 1] << (32 - sh);
      let d = (v & mask) + carry;
      if (d > half) {
        d -= 1 << c;
        carry = 1;
      } else carry = 0;
      if (d !== 0) {
        digits[w * n + i] = d;
        active[w] = true;
      }
    }
  }
  return { digits, active };
}

/**
 * The bucket lists the host's counting sort makes from {@link signedDigits} for a pass over all n
 * scalars at window c (the same layout as the GPU's: entry = index, bit 31 = negative digit).
 */
export function hostBucketLists(scalars: Uint8Array, scalarBytes: number, c: number): BucketLists {
  const n = scalars.length / scalarBytes;
  const bits = scalarBytes === 32 ? 254 : 8 * scalarBytes;
  const windows = Math.ceil((bits + 1) / c);
  const { digits } = signedDigits(scalars, scalarBytes, n, c, windows);
  const H = 1 << (c - 1);
  const slots = windows * H;
  const offsets = new Uint32Array(slots + 1);
  for (let w = 0; w < windows; w++)
    for (let i = 0; i < n; i++) {
      const d = digits[w * n + i];
      if (d !== 0) offsets[w * H + Math.abs(d)]++;
    }
  for (let k = 0; k < slots; k++) offsets[k + 1] += offsets[k];
  const entries = new Uint32Array(offsets[slots]);
  const fill = offsets.slice(0, slots);
  for (let w = 0; w < windows; w++)
    for (let i = 0; i < n; i++) {
      const d = digits[w * n + i];
      if (d !== 0) entries[fill[w * H + Math.abs(d) - 1]++] = d < 0 ? (i | 0x80000000) >>> 0 : i;
    }
  return { offsets, entries };
}

/**
 * GLV on BN254: λ, a cube root of unity in F_p with λ·(x, y) = (β·x, y) (wgsl.ts `GLV_BETA`), and the short
 * lattice basis (a1, −b1), (a2, b2) of {(u, v): u + v·λ ≡ 0 (mod p)}. Rounding by ⌊k·g_i/2^256⌋ with
 * g1 = ⌊b2·2^256/p⌋, g2 = ⌊b1·2^256/p⌋ keeps |k1|, |k2| < 2^128 (127 bits on 200 000 random and edge
 * scalars; the tests check the bound and k ≡ k1 + λ·k2).
 */
export const GLV = {
  lambda: 0x30644e72e131a029048b6e193fd84104cc37a73fec2bc5e9b8ca0b2d36636f23n,
  a1: 0x6f4d8248eeb859fc8211bbeb7d4f1128n,
  b1: 0x89d3256894d213e3n, // the basis' entry is −b1
  a2: 0x89d3256894d213e3n,
  b2: 0x6f4d8248eeb859fd0be4e1541221250bn,
  g1: 0x24ccef014a773d2d25398fd0300ff6565n,
  g2: 0x2d91d232ec7e0b3d7n,
} as const;

/** k ≡ k1 + λ·k2 (mod p) with |k1|, |k2| < 2^128 (signed), for 0 ≤ k < p. */
export function glvSplit(k: bigint): { k1: bigint; k2: bigint } {
  const c1 = (k * GLV.g1) >> 256n;
  const c2 = (k * GLV.g2) >> 256n;
  return { k1: k - c1 * GLV.a1 - c2 * GLV.a2, k2: c1 * GLV.b1 - c2 * GLV.b2 };
}

/** Entry flag: the base is φ(P) (GLV's second half). */
const PHI = 0x40000000;
const P_BIG = bn254.fields.Fr.ORDER;

/**
 * The GLV form of the scalars `idx` (32-byte, < p): 2·m scalars of 16 bytes (|k1|, |k2| of each), the
 * base of each (the scalar's index, with {@link PHI} for the k2 half) and whether it is negated.
 * Throws {@link MsmInputError} on a scalar ≥ p.
 */
export function glvScalars(
  scalars: Uint8Array,
  idx: Uint32Array,
): { scalars: Uint8Array; bases: Uint32Array; neg: Uint8Array } {
  const m = idx.length;
  const out = new Uint8Array(32 * m);
  const view = new DataView(out.buffer);
  const src = new DataView(scalars.buffer, scalars.byteOffset, scalars.byteLength);
  const bases = new Uint32Array(2 * m);
  const neg = new Uint8Array(2 * m);
  const M64 = (1n << 64n) - 1n;
  for (let j = 0; j < m; j++) {
    const o = 32 * idx[j];
    const k =
      src.getBigUint64(o, true) |
      (src.getBigUint64(o + 8, true) << 64n) |
      (src.getBigUint64(o + 16, true) << 128n) |
      (src.getBigUint64(o + 24, true) << 192n);
    if (k >= P_BIG)
      throw new MsmInputError("MSM scalar is not below the group order p", { details: `index ${idx[j]}` });
    const { k1, k2 } = glvSplit(k);
    const halves = [k1, k2];
    for (let h = 0; h < 2; h++) {
      const v = halves[h] < 0n ? -halves[h] : halves[h];
      const t = 2 * j + h;
      view.setBigUint64(16 * t, v & M64, true);
      view.setBigUint64(16 * t + 8, v >> 64n, true);
      bases[t] = h === 0 ? idx[j] : (idx[j] | PHI) >>> 0;
      neg[t] = halves[h] < 0n ? 1 : 0;
    }
  }
  return { scalars: out, bases, neg };
}

type Resident = { n: number; px: GPUBuffer; py: GPUBuffer; samples: Map<number, Uint8Array> };

function sampleIndices(n: number): number[] {
  const step = Math.max(1, Math.floor(n / 64));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array, offset: number): boolean {
  for (let j = 0; j < 64; j++) if (a[j] !== b[offset + j]) return false;
  return true;
}

/** Jacobian point (packed Montgomery words at `w`) → noble point. */
function jacToNoble(u: Uint32Array, w: number) {
  const read = (o: number) => {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 32n) | BigInt(u[w + o + k]);
    return (v * R_INV) % Q;
  };
  const z = read(16);
  if (z === 0n) return bn254.G1.Point.ZERO;
  const x = read(0);
  const y = read(8);
  // Jacobian (X, Y, Z) = homogeneous (X·Z, Y, Z³).
  return new bn254.G1.Point((x * z) % Q, y, (((z * z) % Q) * z) % Q);
}

/**
 * The WebGPU backend on `device`. Compiles the kernels (asynchronously) before returning.
 *
 * @example
 * const backend = await createWebGpuMsm(device, { adapter: "Apple M2" });
 * const cm = await backend.msm(srs.g1Lem.subarray(0, 64 * v.length), scalarsToLe(v));
 */
export async function createWebGpuMsm(device: GPUDevice, options: WebGpuMsmOptions = {}): Promise<WebGpuMsmBackend> {
  let chunk = DEFAULT_CHUNK;
  let fixedWindow: number | undefined;
  let partition = true;
  let glv = options.glv ?? false;
  let sortOnGpu = (options.sort ?? "gpu") === "gpu";
  function configure(tuning: {
    window?: number;
    chunk?: number;
    partition?: boolean;
    glv?: boolean;
    sort?: "gpu" | "host";
  }): void {
    if (tuning.sort !== undefined && tuning.sort !== "gpu" && tuning.sort !== "host") {
      throw new MsmInputError("WebGPU MSM sort must be gpu or host", { details: String(tuning.sort) });
    }
    if (tuning.partition !== undefined) partition = tuning.partition;
    if (tuning.glv !== undefined) glv = tuning.glv;
    if (tuning.sort !== undefined) sortOnGpu = tuning.sort === "gpu";
    const ch = tuning.chunk ?? chunk;
    if (!Number.isInteger(ch) || ch < 1 || ch > 4096) {
      throw new MsmInputError("WebGPU MSM chunk must be an integer in 1..4096", { details: String(ch) });
    }
    const w = tuning.window;
    if (w !== undefined && (!Number.isInteger(w) || w < 2 || w > 15)) {
      throw new MsmInputError("WebGPU MSM window must be an integer in 2..15", { details: String(w) });
    }
    chunk = ch;
    if (w !== undefined) fixedWindow = w;
  }
  configure(options);
  const maxBinding = device.limits.maxStorageBufferBindingSize;
  const pipeline = (code: string, label: string) =>
    device.createComputePipelineAsync({
      label,
      layout: "auto",
      compute: { module: device.createShaderModule({ label, code }), entryPoint: "main" },
    });
  device.pushErrorScope("validation");
  const code = msmShaders(options.rolledLoops ?? false);
  const sorting = sortShaders();
  const [chunksPipe, reducePipe, segmentsPipe, histPipe, scatterPipe, scanBlocksPipe, scanTopPipe, scanAddPipe] =
    await Promise.all([
      pipeline(code.chunks, "msm-chunks"),
      pipeline(code.reduce, "msm-reduce"),
      pipeline(code.segments, "msm-segments"),
      pipeline(sorting.histogram, "msm-histogram"),
      pipeline(sorting.scatter, "msm-scatter"),
      pipeline(sorting.scanBlocks, "msm-scan-blocks"),
      pipeline(sorting.scanTop, "msm-scan-top"),
      pipeline(sorting.scanAdd, "msm-scan-add"),
    ]);
  const compileError = await device.popErrorScope();
  if (compileError) throw new WebGpuMsmError("the MSM kernels did not compile", { details: compileError.message });

  const resident = new WeakMap<ArrayBufferLike, Map<number, Resident>>();
  let terminated = false;

  /** Buffer helpers that record what they make in `temps` (destroyed by the caller). */
  function helpers(temps: GPUBuffer[]) {
    const buffer = (label: string, data: Uint32Array | Uint8Array, usage = STORAGE): GPUBuffer => {
      const bytes = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
      const b = device.createBuffer({ label, size: bytes, usage: usage | COPY_DST });
      if (data.byteLength % 4 === 0) {
        if (data.byteLength > 0) device.queue.writeBuffer(b, 0, data);
      } else {
        const padded = new Uint8Array(bytes);
        padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        device.queue.writeBuffer(b, 0, padded);
      }
      temps.push(b);
      return b;
    };
    const scratch = (label: string, bytes: number, usage = STORAGE): GPUBuffer => {
      const b = device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
      temps.push(b);
      return b;
    };
    /** One compute pass of `count` threads; params: [count, stride, ...rest] (padded to `words`). */
    const dispatch = (
      encoder: GPUCommandEncoder,
      pipe: GPUComputePipeline,
      resources: GPUBuffer[],
      count: number,
      rest: number[],
      words = 8,
    ) => {
      const groups = Math.max(1, Math.ceil(count / WORKGROUP));
      const x = Math.min(groups, 65535);
      const y = Math.ceil(groups / x);
      const p = new Uint32Array(words);
      p.set([count, x * WORKGROUP, ...rest]);
      const params = buffer("msm-params", p, UNIFORM);
      const bind = device.createBindGroup({
        layout: pipe.getBindGroupLayout(0),
        entries: [...resources, params].map((buf, binding) => ({ binding, resource: { buffer: buf } })),
      });
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipe);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(x, y);
      pass.end();
    };
    return { buffer, scratch, dispatch };
  }

  function bases(points: Uint8Array, n: number): Resident {
    let byOffset = resident.get(points.buffer);
    const hit = byOffset?.get(points.byteOffset);
    if (hit && hit.n >= n && [...hit.samples].every(([i, s]) => i >= n || sameBytes(s, points, 64 * i))) return hit;
    if (32 * n > maxBinding) {
      throw new MsmInputError("MSM too large for one WebGPU binding", {
        details: `${n} bases need ${32 * n} bytes per coordinate buffer; the adapter allows ${maxBinding}`,
      });
    }
    if (hit) {
      hit.px.destroy();
      hit.py.destroy();
    }
    const xs = new Uint8Array(32 * n);
    const ys = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) {
      xs.set(points.subarray(64 * i, 64 * i + 32), 32 * i);
      ys.set(points.subarray(64 * i + 32, 64 * i + 64), 32 * i);
    }
    const px = device.createBuffer({ label: "msm-bases-x", size: Math.max(32 * n, 32), usage: STORAGE | COPY_DST });
    const py = device.createBuffer({ label: "msm-bases-y", size: Math.max(32 * n, 32), usage: STORAGE | COPY_DST });
    device.queue.writeBuffer(px, 0, xs);
    device.queue.writeBuffer(py, 0, ys);
    const samples = new Map<number, Uint8Array>();
    for (const i of sampleIndices(n)) samples.set(i, points.slice(64 * i, 64 * i + 64));
    const r: Resident = { n, px, py, samples };
    if (!byOffset) {
      byOffset = new Map();
      resident.set(points.buffer, byOffset);
    }
    byOffset.set(points.byteOffset, r);
    return r;
  }

  /** Raw scalars on the GPU, as they are (little-endian bytes read as u32 words by the digit kernels). */
  function uploadScalars(temps: GPUBuffer[], scalars: Uint8Array): GPUBuffer {
    if (scalars.byteLength > maxBinding) {
      throw new MsmInputError("MSM scalars too large for one WebGPU binding", {
        details: `${scalars.byteLength} bytes; the adapter allows ${maxBinding}`,
      });
    }
    return helpers(temps).buffer("msm-scalars", scalars);
  }

  /** What the digit kernels read for one pass: the scalars, which of them (`items`) and how. */
  type DigitSource = {
    scal: GPUBuffer;
    sbits: number;
    count: number;
    mode: 0 | 1 | 2;
    items: GPUBuffer;
    check: boolean;
  };

  /**
   * GPU digits and histogram of windows 0..windows−1, its prefix sum (offsets of every slot w·H + |d| − 1),
   * read back with the first scalar ≥ p (if any). The returned cursor buffer holds the offsets, for the
   * scatter's atomics.
   */
  async function gpuOffsets(
    temps: GPUBuffer[],
    src: DigitSource,
    c: number,
    windows: number,
  ): Promise<{ offsets: Uint32Array; cursor: GPUBuffer }> {
    const { buffer, scratch, dispatch } = helpers(temps);
    const H = 1 << (c - 1);
    const slots = windows * H;
    const init = new Uint32Array(slots + 1);
    init[slots] = 0xffffffff;
    const hist = buffer("msm-histogram", init, STORAGE | COPY_SRC);
    const offs = scratch("msm-offsets", 4 * (slots + 1), STORAGE | COPY_SRC);
    const blocks = Math.ceil(slots / SCAN_BLOCK);
    const sums = scratch("msm-block-sums", 4 * blocks);
    const cursor = scratch("msm-cursor", 4 * slots, STORAGE | COPY_DST);
    const readback = scratch("msm-offsets-readback", 4 * (slots + 2), MAP_READ | COPY_DST);
    const encoder = device.createCommandEncoder({ label: "msm-sort" });
    const sp = [src.sbits, c, 0, windows, src.mode, 0, slots, src.check ? 1 : 0];
    dispatch(encoder, histPipe, [src.scal, src.items, hist], src.count, sp, 16);
    dispatch(encoder, scanBlocksPipe, [hist, offs, sums], blocks, [slots]);
    dispatch(encoder, scanTopPipe, [offs, sums], 1, [blocks, slots]);
    dispatch(encoder, scanAddPipe, [offs, sums], slots, []);
    encoder.copyBufferToBuffer(offs, 0, cursor, 0, 4 * slots);
    encoder.copyBufferToBuffer(offs, 0, readback, 0, 4 * (slots + 1));
    encoder.copyBufferToBuffer(hist, 4 * slots, readback, 4 * (slots + 1), 4);
    device.pushErrorScope("validation");
    device.pushErrorScope("out-of-memory");
    device.queue.submit([encoder.finish()]);
    const [oom, invalid] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
    if (oom || invalid)
      throw new WebGpuMsmError("the GPU rejected the digit sort", { details: (oom ?? invalid)?.message });
    await readback.mapAsync(MODE_READ);
    const all = new Uint32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    if (all[slots + 1] !== 0xffffffff) {
      throw new MsmInputError("MSM scalar is not below the group order p", { details: `index ${all[slots + 1]}` });
    }
    return { offsets: all.subarray(0, slots + 1), cursor };
  }

  /** Scatter of windows w0..w1−1's nonzero digits into `entries` (positions from the cursor, less `base`). */
  function scatter(
    temps: GPUBuffer[],
    encoder: GPUCommandEncoder,
    src: DigitSource,
    cursor: GPUBuffer,
    c: number,
    w0: number,
    w1: number,
    base: number,
    total: number,
  ): GPUBuffer {
    const { scratch, dispatch } = helpers(temps);
    const entries = scratch("msm-entries", 4 * total, STORAGE | COPY_SRC);
    const sp = [src.sbits, c, w0, w1, src.mode, base, 0, 0];
    dispatch(encoder, scatterPipe, [src.scal, src.items, cursor, entries], src.count, sp, 16);
    return entries;
  }

  async function bucketLists(
    scalars: Uint8Array,
    scalarBytes: number,
    c: number,
    read = { entries: true },
  ): Promise<BucketLists> {
    const n = scalars.length / scalarBytes;
    const bits = scalarBytes === 32 ? 254 : 8 * scalarBytes;
    const windows = Math.ceil((bits + 1) / c);
    const temps: GPUBuffer[] = [];
    try {
      const { buffer, scratch } = helpers(temps);
      const src: DigitSource = {
        scal: uploadScalars(temps, scalars),
        sbits: 8 * scalarBytes,
        count: n,
        mode: 0,
        items: buffer("msm-items", new Uint32Array(1)),
        check: scalarBytes === 32,
      };
      const { offsets, cursor } = await gpuOffsets(temps, src, c, windows);
      const total = offsets[offsets.length - 1];
      const encoder = device.createCommandEncoder({ label: "msm-bucket-lists" });
      const entries = scatter(temps, encoder, src, cursor, c, 0, windows, 0, total);
      if (!read.entries) {
        // Timing (bench:gpu): the lists stay on the GPU, as in an MSM; only the offsets came back.
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        return { offsets: offsets.slice(), entries: new Uint32Array(0) };
      }
      const readback = scratch("msm-entries-readback", 4 * total, MAP_READ | COPY_DST);
      if (total > 0) encoder.copyBufferToBuffer(entries, 0, readback, 0, 4 * total);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(MODE_READ);
      const out = new Uint32Array(readback.getMappedRange().slice(0, 4 * total));
      readback.unmap();
      return { offsets: offsets.slice(), entries: out };
    } finally {
      for (const b of temps) b.destroy();
    }
  }

  async function msm(points: Uint8Array, scalars: Uint8Array, scalarBytes = 32): Promise<G1Affine> {
    if (terminated) throw new WebGpuMsmError("the WebGPU MSM backend was terminated");
    const n = assertMsmInput(points, scalars, scalarBytes);
    if (n === 0) return G1_ZERO;
    const res = bases(points, n);
    const width = scalarBytes === 32 ? 254 : 8 * scalarBytes;
    const groups = partition
      ? partitionByBits(scalars, scalarBytes, n)
      : [{ bits: width, idx: undefined as Uint32Array | undefined }];
    const temps: GPUBuffer[] = [];
    try {
      // The raw scalars are uploaded once for every pass that reads them (GPU sort).
      let scal: GPUBuffer | undefined;
      const raw = () => {
        scal ??= uploadScalars(temps, scalars.subarray(0, n * scalarBytes));
        return scal;
      };
      let total = bn254.G1.Point.ZERO;
      for (const g of groups) {
        if (glv && scalarBytes === 32 && g.bits > 128) {
          // Full-width scalars: k·P = k1·P + k2·φ(P) with 128-bit halves (the kernel applies φ). The split
          // is BigInt work on the host; the halves' digits and sort then run where `sort` says.
          const all = g.idx ?? Uint32Array.from({ length: n }, (_, i) => i);
          const h = glvScalars(scalars, all);
          let src: DigitSource | undefined;
          if (sortOnGpu) {
            const items = new Uint32Array(h.bases.length);
            for (let t = 0; t < items.length; t++) items[t] = (h.bases[t] | (h.neg[t] << 31)) >>> 0;
            const { buffer } = helpers(temps);
            src = {
              scal: uploadScalars(temps, h.scalars),
              sbits: 128,
              count: items.length,
              mode: 2,
              items: buffer("msm-items", items),
              check: false,
            };
          }
          total = total.add(await pass(res, h.scalars, 16, h.bases.length, 128, src, h.bases, h.neg));
        } else {
          let src: DigitSource | undefined;
          if (sortOnGpu) {
            const { buffer } = helpers(temps);
            src = {
              scal: raw(),
              sbits: 8 * scalarBytes,
              count: g.idx ? g.idx.length : n,
              mode: g.idx ? 1 : 0,
              items: buffer("msm-items", g.idx ?? new Uint32Array(1)),
              check: scalarBytes === 32,
            };
          }
          total = total.add(await pass(res, scalars, scalarBytes, g.idx ?? n, g.bits, src));
        }
      }
      return g1ToAffine(total);
    } finally {
      for (const b of temps) b.destroy();
    }
  }

  /**
   * One Pippenger pass over the scalars `idx` (or all n) of at most `bits` bits; scalar i's base is
   * `baseOf[i]` (with the φ flag) when given, and `negate[i]` negates it. With `src` the digits and the
   * bucket sort run on the GPU (src says what the kernels read), else on the host.
   */
  async function pass(
    res: Resident,
    scalars: Uint8Array,
    scalarBytes: number,
    idx: Uint32Array | number,
    bits: number,
    src?: DigitSource,
    baseOf?: Uint32Array,
    negate?: Uint8Array,
  ): Promise<typeof bn254.G1.Point.ZERO> {
    const sub = typeof idx === "number" ? undefined : idx;
    const n = sub ? sub.length : (idx as number);
    const c = fixedWindow ?? chooseWindow(n, bits);
    const windows = Math.ceil((bits + 1) / c);
    const H = 1 << (c - 1);
    const segs = Math.min(H, SEGMENTS);
    const segLen = H / segs;
    const temps: GPUBuffer[] = [];
    const { buffer, scratch, dispatch } = helpers(temps);

    try {
      // Per window: how many nonzero digits; and, per batch of windows, the bucket offsets and entries.
      let perWindow: number[];
      let batchInput: (
        batch: number[],
        encoder: GPUCommandEncoder,
      ) => { offsets: Uint32Array; total: number; entries: GPUBuffer };
      let contiguous: boolean;
      if (src) {
        const { offsets, cursor } = await gpuOffsets(temps, src, c, windows);
        perWindow = Array.from({ length: windows }, (_, w) => offsets[(w + 1) * H] - offsets[w * H]);
        contiguous = true;
        batchInput = (batch, encoder) => {
          const w0 = batch[0];
          const w1 = batch[batch.length - 1] + 1;
          const base = offsets[w0 * H];
          const local = offsets.slice(w0 * H, w1 * H + 1);
          for (let k = 0; k < local.length; k++) local[k] -= base;
          const total = local[local.length - 1];
          return { offsets: local, total, entries: scatter(temps, encoder, src, cursor, c, w0, w1, base, total) };
        };
      } else {
        const { digits } = signedDigits(scalars, scalarBytes, n, c, windows, sub);
        perWindow = Array.from({ length: windows }, (_, w) => {
          let k = 0;
          for (let i = 0; i < n; i++) if (digits[w * n + i] !== 0) k++;
          return k;
        });
        contiguous = false;
        batchInput = (batch) => {
          // Counting sort of the nonzero digits by bucket slot (local window · H + |digit| − 1).
          const slots = batch.length * H;
          const offsets = new Uint32Array(slots + 1);
          for (let j = 0; j < batch.length; j++) {
            const row = batch[j] * n;
            for (let i = 0; i < n; i++) {
              const d = digits[row + i];
              if (d !== 0) offsets[j * H + Math.abs(d)]++;
            }
          }
          for (let s = 0; s < slots; s++) offsets[s + 1] += offsets[s];
          const total = offsets[slots];
          const entries = new Uint32Array(total);
          const fill = offsets.slice(0, slots);
          for (let j = 0; j < batch.length; j++) {
            const row = batch[j] * n;
            for (let i = 0; i < n; i++) {
              const d = digits[row + i];
              if (d === 0) continue;
              const b = baseOf ? baseOf[i] : sub ? sub[i] : i;
              const minus = d < 0 !== (negate !== undefined && negate[i] === 1);
              entries[fill[j * H + Math.abs(d) - 1]++] = minus ? (b | 0x80000000) >>> 0 : b;
            }
          }
          return { offsets, total, entries: buffer("msm-entries", entries) };
        };
      }
      const activeWindows = perWindow.flatMap((k, w) => (k > 0 ? [w] : []));
      if (activeWindows.length === 0) return bn254.G1.Point.ZERO;

      // Batches of active windows, bounded in entries and buckets (GPU sort: runs of adjacent windows, so
      // that a batch's slots are one range of the offsets).
      const batches: number[][] = [];
      {
        let cur: number[] = [];
        let entries = 0;
        for (const w of activeWindows) {
          if (
            cur.length > 0 &&
            (entries + perWindow[w] > MAX_BATCH_ENTRIES ||
              (cur.length + 1) * H > MAX_BATCH_BUCKETS ||
              (contiguous && cur[cur.length - 1] !== w - 1))
          ) {
            batches.push(cur);
            cur = [];
            entries = 0;
          }
          cur.push(w);
          entries += perWindow[w];
        }
        batches.push(cur);
      }
      const maxBatch = Math.max(...batches.map((b) => b.length));
      const buckets = scratch("msm-buckets", maxBatch * H * JAC_BYTES, STORAGE | COPY_DST);
      const segBytes = 2 * segs * JAC_BYTES;
      const readback = scratch("msm-readback", activeWindows.length * segBytes, MAP_READ | COPY_DST);

      device.pushErrorScope("validation");
      device.pushErrorScope("out-of-memory");
      let done = 0;
      for (const batch of batches) {
        const encoder = device.createCommandEncoder({ label: "msm" });
        encoder.clearBuffer(buckets);
        const slots = batch.length * H;
        const { offsets, total, entries } = batchInput(batch, encoder);
        // Level 0: runs of ≤ chunk entries within each bucket.
        const groupSlot: number[] = [];
        let groupItems: number[] = [];
        const starts0: number[] = [];
        for (let s = 0; s < slots; s++) {
          const lo = offsets[s];
          const hi = offsets[s + 1];
          if (lo === hi) continue;
          let k = 0;
          for (let e = lo; e < hi; e += chunk, k++) starts0.push(e);
          groupSlot.push(s);
          groupItems.push(k);
        }
        starts0.push(total);
        const runs0 = starts0.length - 1;
        const final0 = groupItems.every((k) => k === 1);
        const dest0 = new Uint32Array(runs0);
        if (final0) dest0.set(groupSlot);
        else for (let r = 0; r < runs0; r++) dest0[r] = r;
        let current = final0 ? buckets : scratch("msm-partials", runs0 * JAC_BYTES);
        dispatch(
          encoder,
          chunksPipe,
          [
            res.px,
            res.py,
            entries,
            buffer("msm-starts", new Uint32Array(starts0)),
            buffer("msm-dests", dest0),
            current,
          ],
          runs0,
          [0, 0, 16, 8],
        );
        let finished = final0;
        while (!finished) {
          const starts: number[] = [];
          const nextItems: number[] = [];
          let item = 0;
          // Runs of ≥ 2 items, so that every level shrinks a bucket with more than one.
          const fan = Math.max(chunk, 2);
          for (const m of groupItems) {
            let k = 0;
            for (let e = 0; e < m; e += fan, k++) starts.push(item + e);
            item += m;
            nextItems.push(k);
          }
          starts.push(item);
          const runs = starts.length - 1;
          finished = nextItems.every((k) => k === 1);
          const dests = new Uint32Array(runs);
          if (finished) dests.set(groupSlot);
          else for (let r = 0; r < runs; r++) dests[r] = r;
          const out = finished ? buckets : scratch("msm-partials", runs * JAC_BYTES);
          dispatch(
            encoder,
            reducePipe,
            [current, buffer("msm-starts", new Uint32Array(starts)), buffer("msm-dests", dests), out],
            runs,
            [0, 0, 16, 8],
          );
          current = out;
          groupItems = nextItems;
        }
        const segOut = scratch("msm-segments", batch.length * segBytes, STORAGE | COPY_SRC);
        dispatch(encoder, segmentsPipe, [buckets, segOut], batch.length * segs, [H, segLen, 16, 8]);
        encoder.copyBufferToBuffer(segOut, 0, readback, done * segBytes, batch.length * segBytes);
        device.queue.submit([encoder.finish()]);
        done += batch.length;
      }
      // Both scopes are popped before any await, so that concurrent calls cannot interleave them.
      const scopes = [device.popErrorScope(), device.popErrorScope()];
      const [oom, invalid] = await Promise.all(scopes);
      if (oom || invalid) {
        throw new WebGpuMsmError("the GPU rejected the MSM", { details: (oom ?? invalid)?.message });
      }
      await readback.mapAsync(MODE_READ);
      const u = new Uint32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      // Windows: W = Σ_s T_s + segLen · Σ_s s·S_s; result = Σ_w 2^(c·w) · W_w (Horner from the top).
      const windowSums = new Map<number, typeof bn254.G1.Point.ZERO>();
      activeWindows.forEach((w, j) => {
        let t = bn254.G1.Point.ZERO;
        let run = bn254.G1.Point.ZERO;
        let acc = bn254.G1.Point.ZERO;
        for (let s = segs - 1; s >= 0; s--) {
          const base = (j * 2 * segs + 2 * s) * 24;
          t = t.add(jacToNoble(u, base));
          if (s > 0) {
            run = run.add(jacToNoble(u, base + 24));
            acc = acc.add(run);
          }
        }
        for (let k = segLen; k > 1; k >>= 1) acc = acc.double();
        windowSums.set(w, t.add(acc));
      });
      let total = bn254.G1.Point.ZERO;
      for (let w = windows - 1; w >= 0; w--) {
        if (!total.is0()) for (let k = 0; k < c; k++) total = total.double();
        const ws = windowSums.get(w);
        if (ws) total = total.add(ws);
      }
      return total;
    } finally {
      for (const b of temps) b.destroy();
    }
  }

  return {
    name: `webgpu${options.adapter ? ` (${options.adapter})` : ""}`,
    adapter: options.adapter ?? "unknown adapter",
    wholeVectors: true,
    device,
    msm,
    configure,
    bucketLists,
    async terminate(): Promise<void> {
      terminated = true;
      device.destroy();
    },
  };
}
