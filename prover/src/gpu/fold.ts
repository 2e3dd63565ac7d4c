/// <reference types="@webgpu/types" />
/**
 * The fold step on a WebGPU device (kernels: gpu/fold-wgsl.ts), platform-neutral like the MSM
 * (msm/webgpu/msm.ts): it takes a `GPUDevice` — in Node from Dawn (gpu/select.ts), in a browser from
 * `navigator.gpu`.
 *
 * - {@link GpuFoldBackend.products}: `Az | Bz | Cz` of a packed `z` in one dispatch over the stacked CSR
 *   matrix [A; B; C], uploaded once per circuit shape and kept resident (a leaf's products).
 * - {@link GpuFoldBackend.begin} / {@link GpuFoldStep.finish}: one fold with its data resident between
 *   the stages — the children's products, witnesses and errors are uploaded once; the cross term `T`
 *   is computed there and read back once (it is part of the fold's proof, and the MSM's digit sort runs
 *   on the host); after the caller has committed to `T` (`cmT`, the MSM: on the same device when the
 *   MSM backend is the WebGPU one) and derived `r`, `finish(r)` folds `W + r·W'`, `E + r·T + r²·E'`
 *   and the products `abc + r·abc'` from the buffers already there (T included) and reads them back.
 *
 * Every input is checked canonical on the host first (the same typed errors as the CPU kernels of
 * arith/kernels.ts: {@link FrVectorLengthError}, {@link FieldElementError} naming the vector and the
 * index). Results equal the CPU kernels' byte for byte (test/prover/gpu/fold.test.ts). Variable time.
 */
import type { FrVec, PackedProducts } from "../arith/kernels.js";
import { frLength, packCsr } from "../arith/kernels.js";
import type { CsrMatrix, R1csShape } from "../arith/r1cs.js";
import { FrVectorLengthError, WitnessLengthError } from "../errors/arith.js";
import { FieldElementError } from "../errors/curve.js";
import { WebGpuMsmError } from "../errors/msm.js";
import { assertFr, P } from "../field/fr.js";
import { WORKGROUP } from "../msm/webgpu/wgsl.js";
import { type FoldKernelName, foldShaders, toMont } from "./fold-wgsl.js";

const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;
const MODE_READ = 0x0001;

/** The top 32-bit word of p, and p's words (little-endian) for the canonical check. */
const P_WORDS = Array.from({ length: 8 }, (_, i) => Number((P >> BigInt(32 * i)) & 0xffffffffn));

/** Index of the first element ≥ p of a packed vector, or −1 (no bigint unless the top word equals p's). */
export function firstNonCanonicalFast(v: FrVec): number {
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const n = v.length / 32;
  for (let i = 0; i < n; i++) {
    const top = dv.getUint32(32 * i + 28, true);
    if (top < P_WORDS[7]) continue;
    if (top > P_WORDS[7]) return i;
    for (let k = 6; k >= 0; k--) {
      const w = dv.getUint32(32 * i + 4 * k, true);
      if (w < P_WORDS[k]) break;
      if (w > P_WORDS[k] || k === 0) return i;
    }
  }
  return -1;
}

function checkVec(v: FrVec, n: number, what: string): void {
  if (frLength(v, what) !== n) {
    throw new FrVectorLengthError(`${what} has the wrong length`, {
      details: `${v.length / 32} elements, expected ${n}`,
    });
  }
  const bad = firstNonCanonicalFast(v);
  if (bad !== -1) {
    throw new FieldElementError(`${what}[${bad}] is not a canonical element of F_p`, {
      details: `bytes ${Array.from(v.subarray(32 * bad, 32 * bad + 32), (x) => x.toString(16).padStart(2, "0")).join("")} (little-endian)`,
    });
  }
}

function scalarWords(x: bigint): Uint32Array {
  const w = new Uint32Array(8);
  for (let i = 0; i < 8; i++) w[i] = Number((x >> BigInt(32 * i)) & 0xffffffffn);
  return w;
}

/** One fold in progress: `T` is known, the rest awaits the challenge. */
export type GpuFoldStep = {
  /** The cross term, packed (read back from the device). */
  readonly T: FrVec;
  /** Folds W, E and the products with challenge `r` on the device; releases the step's buffers. */
  finish(r: bigint): Promise<{ W: FrVec; E: FrVec; abc: PackedProducts }>;
  /** Releases the step's buffers without folding (after an error). */
  release(): void;
};

export type GpuFoldInput = {
  abc1: PackedProducts;
  u1: bigint;
  abc2: PackedProducts;
  u2: bigint;
  /** The children's packed witnesses (`W` of length nW, `E` of length m). */
  W1: FrVec;
  E1: FrVec;
  W2: FrVec;
  E2: FrVec;
};

export type GpuFoldBackend = {
  /** e.g. `"webgpu-fold (llvmpipe … (Dawn opengles))"`. */
  readonly name: string;
  readonly adapter: string;
  /** `Az, Bz, Cz` of a packed `z` (length nVars). The shape's matrices are uploaded once and kept. */
  products(shape: R1csShape, z: FrVec): Promise<PackedProducts>;
  /** Starts a fold: uploads the inputs, computes `T` on the device, reads it back. */
  begin(input: GpuFoldInput): Promise<GpuFoldStep>;
  /** The kernels one at a time (tests, benchmarks): the same results as arith/kernels.ts's. */
  crossTerm(abc1: PackedProducts, u1: bigint, abc2: PackedProducts, u2: bigint): Promise<FrVec>;
  axpy(a: FrVec, r: bigint, b: FrVec): Promise<FrVec>;
  fold3(a: FrVec, r: bigint, t: FrVec, s: bigint, b: FrVec): Promise<FrVec>;
  /** Frees the resident matrices (the device itself belongs to the caller). */
  release(): void;
};

/** Rows outRow .. outRow + rows − 1 of the stacked [A; B; C] (row pointers rebased, then columns). */
type ShapePart = { idx: GPUBuffer; vals: GPUBuffer; rows: number; colsAt: number; outRow: number };
/** A shape on the device: one part, or several when its coefficients pass one binding. */
type ResidentShape = { parts: ShapePart[]; rows: number; nVars: number };

/**
 * The GPU fold backend on `device` (compiles its four kernels first). The device may be shared with
 * the WebGPU MSM backend (pass `msmBackend.device`): then `T` and the SRS bases live on one device.
 *
 * @throws {WebGpuMsmError} the kernels do not compile on this adapter.
 */
export async function createWebGpuFold(
  device: GPUDevice,
  adapter = "unknown adapter",
  /** `csrBinding`: a lower limit than the device's binding size for the CSR's parts (tests of the split). */
  opts: { csrBinding?: number } = {},
): Promise<GpuFoldBackend> {
  const code = foldShaders();
  device.pushErrorScope("validation");
  const names: FoldKernelName[] = ["spmv", "cross", "axpy", "fold3"];
  const pipes = await Promise.all(
    names.map((n) =>
      device.createComputePipelineAsync({
        label: `fold-${n}`,
        layout: "auto",
        compute: { module: device.createShaderModule({ label: `fold-${n}`, code: code[n] }), entryPoint: "main" },
      }),
    ),
  );
  const err = await device.popErrorScope();
  if (err) throw new WebGpuMsmError("the fold kernels did not compile", { details: err.message });
  const pipe = Object.fromEntries(names.map((n, i) => [n, pipes[i]])) as Record<FoldKernelName, GPUComputePipeline>;
  const maxBinding = device.limits.maxStorageBufferBindingSize;
  const csrBinding = Math.min(maxBinding, opts.csrBinding ?? maxBinding);
  const shapes = new WeakMap<R1csShape, ResidentShape>();
  const allShapes = new Set<ResidentShape>();

  function fits(bytes: number, what: string): void {
    if (bytes > maxBinding) {
      throw new WebGpuMsmError(`${what} is too large for one WebGPU binding`, {
        details: `${bytes} bytes; the adapter allows ${maxBinding}`,
      });
    }
  }

  class Scope {
    readonly temps: GPUBuffer[] = [];
    readonly encoder = device.createCommandEncoder({ label: "fold" });
    buffer(label: string, bytes: number, usage = STORAGE): GPUBuffer {
      const b = device.createBuffer({ label, size: Math.max(32, bytes), usage: usage | COPY_DST | COPY_SRC });
      this.temps.push(b);
      return b;
    }
    upload(label: string, parts: Uint8Array[]): GPUBuffer {
      const bytes = parts.reduce((s, p) => s + p.length, 0);
      fits(bytes, label);
      const b = this.buffer(label, bytes);
      let o = 0;
      for (const p of parts) {
        if (p.length > 0) device.queue.writeBuffer(b, o, p);
        o += p.length;
      }
      return b;
    }
    dispatch(k: FoldKernelName, resources: GPUBuffer[], count: number, a = 0, s1 = 0n, s2 = 0n, b = 0): void {
      const groups = Math.max(1, Math.ceil(count / WORKGROUP));
      const x = Math.min(groups, 65535);
      const y = Math.ceil(groups / x);
      const params = new Uint32Array(20);
      params.set([count, x * WORKGROUP, a, b]);
      params.set(scalarWords(s1), 4);
      params.set(scalarWords(s2), 12);
      const ub = this.buffer("fold-params", params.byteLength, UNIFORM);
      device.queue.writeBuffer(ub, 0, params);
      const bind = device.createBindGroup({
        layout: pipe[k].getBindGroupLayout(0),
        entries: [...resources, ub].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const pass = this.encoder.beginComputePass();
      pass.setPipeline(pipe[k]);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(x, y);
      pass.end();
    }
    /** Submits, waits, and returns copies of `[buffer, bytes]` ranges. */
    async read(ranges: [GPUBuffer, number][]): Promise<Uint8Array[]> {
      const total = ranges.reduce((s, [, n]) => s + n, 0);
      const rb = device.createBuffer({ label: "fold-readback", size: Math.max(32, total), usage: MAP_READ | COPY_DST });
      this.temps.push(rb);
      let o = 0;
      for (const [b, n] of ranges) {
        if (n > 0) this.encoder.copyBufferToBuffer(b, 0, rb, o, n);
        o += n;
      }
      device.pushErrorScope("validation");
      device.pushErrorScope("out-of-memory");
      device.queue.submit([this.encoder.finish()]);
      const [oom, invalid] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
      if (oom || invalid)
        throw new WebGpuMsmError("the GPU rejected the fold kernels", { details: (oom ?? invalid)?.message });
      await rb.mapAsync(MODE_READ);
      const all = new Uint8Array(rb.getMappedRange().slice(0));
      rb.unmap();
      const out: Uint8Array[] = [];
      o = 0;
      for (const [, n] of ranges) {
        out.push(all.slice(o, o + n));
        o += n;
      }
      return out;
    }
    release(): void {
      for (const b of this.temps) b.destroy();
      this.temps.length = 0;
    }
  }

  /** Runs `body` in a fresh scope (its own encoder), releasing the scope's buffers afterwards. */
  async function scoped<T>(body: (s: Scope) => Promise<T>): Promise<T> {
    const s = new Scope();
    try {
      return await body(s);
    } finally {
      s.release();
    }
  }

  function residentShape(shape: R1csShape): ResidentShape {
    const hit = shapes.get(shape);
    if (hit) return hit;
    const mats: CsrMatrix[] = [shape.A, shape.B, shape.C];
    const rows = 3 * shape.m;
    const nnz = mats.reduce((s, M) => s + M.cols.length, 0);
    const idx = new Uint32Array(rows + 1 + nnz);
    let r = 0;
    let k = 0;
    for (const M of mats) {
      if (M.rowPtr.length !== shape.m + 1) {
        throw new FrVectorLengthError("a matrix does not have m rows", {
          details: `${M.rowPtr.length - 1} vs ${shape.m}`,
        });
      }
      for (let i = 0; i < shape.m; i++) idx[r + i] = k + M.rowPtr[i];
      r += shape.m;
      idx.set(M.cols, rows + 1 + k);
      k += M.cols.length;
    }
    idx[rows] = nnz;
    for (let j = rows + 1; j < idx.length; j++) {
      if (idx[j] >= shape.nVars)
        throw new FrVectorLengthError("a column is outside z", { details: `column ${idx[j]}, nVars ${shape.nVars}` });
    }
    const vals = new Uint8Array(32 * nnz);
    k = 0;
    for (const M of mats) {
      vals.set(packCsr(M).valsMont, 32 * k);
      k += M.cols.length;
    }
    // Parts of consecutive rows whose index words and coefficients each fit one binding (a 2^20-row
    // R1CS with 3 non-zeros a row has 302 MB of coefficients: three parts on a 128 MiB limit).
    const parts: ShapePart[] = [];
    let r0 = 0;
    const makePart = (r1: number) => {
      const k0 = idx[r0];
      const k1 = idx[r1];
      const n = r1 - r0;
      const pi = new Uint32Array(n + 1 + (k1 - k0));
      for (let i = 0; i < n; i++) pi[i] = idx[r0 + i] - k0;
      pi[n] = k1 - k0;
      pi.set(idx.subarray(rows + 1 + k0, rows + 1 + k1), n + 1);
      const pv = vals.subarray(32 * k0, 32 * k1);
      fits(pi.byteLength, "the R1CS index");
      fits(pv.byteLength, "the R1CS coefficients");
      const idxBuf = device.createBuffer({
        label: "r1cs-idx",
        size: Math.max(32, pi.byteLength),
        usage: STORAGE | COPY_DST,
      });
      device.queue.writeBuffer(idxBuf, 0, pi);
      const valBuf = device.createBuffer({
        label: "r1cs-vals",
        size: Math.max(32, pv.byteLength),
        usage: STORAGE | COPY_DST,
      });
      if (pv.length > 0) device.queue.writeBuffer(valBuf, 0, pv);
      parts.push({ idx: idxBuf, vals: valBuf, rows: n, colsAt: n + 1, outRow: r0 });
      r0 = r1;
    };
    for (let i = 0; i < rows; i++) {
      // Row i joins the current part unless that would pass the limit (a part has ≥ 1 row).
      const k = idx[i + 1] - idx[r0];
      const words = i + 1 - r0 + 1 + k;
      if (i > r0 && (32 * k > csrBinding || 4 * words > csrBinding)) makePart(i);
    }
    makePart(rows);
    const res = { parts, rows, nVars: shape.nVars };
    shapes.set(shape, res);
    allShapes.add(res);
    return res;
  }

  function checkProducts(abc: PackedProducts, m: number, tag: string): void {
    checkVec(abc.Az, m, `Az${tag}`);
    checkVec(abc.Bz, m, `Bz${tag}`);
    checkVec(abc.Cz, m, `Cz${tag}`);
  }

  const split = (all: Uint8Array, m: number): PackedProducts => ({
    Az: all.slice(0, 32 * m),
    Bz: all.slice(32 * m, 64 * m),
    Cz: all.slice(64 * m, 96 * m),
  });

  const backend: GpuFoldBackend = {
    name: `webgpu-fold (${adapter})`,
    adapter,
    async products(shape, z) {
      if (frLength(z, "z") !== shape.nVars) {
        throw new WitnessLengthError("z has the wrong length for this R1CS", {
          details: `got ${z.length / 32}, expected nVars = ${shape.nVars}`,
        });
      }
      checkVec(z, shape.nVars, "z");
      const sh = residentShape(shape);
      return scoped(async (s) => {
        const zb = s.upload("fold-z", [z]);
        fits(32 * sh.rows, "Az | Bz | Cz");
        const out = s.buffer("fold-abc", 32 * sh.rows);
        for (const part of sh.parts) {
          s.dispatch("spmv", [part.idx, part.vals, zb, out], part.rows, part.colsAt, 0n, 0n, part.outRow);
        }
        const [all] = await s.read([[out, 32 * sh.rows]]);
        return split(all, shape.m);
      });
    },
    async begin(input) {
      const m = frLength(input.abc1.Az, "Az1");
      checkProducts(input.abc1, m, "1");
      checkProducts(input.abc2, m, "2");
      assertFr(input.u1, "u1");
      assertFr(input.u2, "u2");
      const nW = frLength(input.W1, "W1");
      checkVec(input.W1, nW, "W1");
      checkVec(input.W2, nW, "W2");
      checkVec(input.E1, m, "E1");
      checkVec(input.E2, m, "E2");
      const s = new Scope();
      try {
        const a1 = s.upload("fold-abc1", [input.abc1.Az, input.abc1.Bz, input.abc1.Cz]);
        const a2 = s.upload("fold-abc2", [input.abc2.Az, input.abc2.Bz, input.abc2.Cz]);
        const w1 = s.upload("fold-W1", [input.W1]);
        const w2 = s.upload("fold-W2", [input.W2]);
        const e1 = s.upload("fold-E1", [input.E1]);
        const e2 = s.upload("fold-E2", [input.E2]);
        const t = s.buffer("fold-T", 32 * m);
        s.dispatch("cross", [a1, a2, t], m, m, (P - input.u1) % P, (P - input.u2) % P);
        const [T] = await s.read([[t, 32 * m]]);
        let open = true;
        return {
          T,
          async finish(r) {
            if (!open) throw new WebGpuMsmError("this fold step was already finished or released");
            assertFr(r, "r");
            open = false;
            const f = new Scope();
            try {
              const r2 = (r * r) % P;
              const W = s.buffer("fold-W", 32 * nW);
              const E = s.buffer("fold-E", 32 * m);
              const abc = s.buffer("fold-abc", 96 * m);
              f.dispatch("axpy", [w1, w2, W], nW, 0, toMont(r));
              f.dispatch("fold3", [e1, t, e2, E], m, 0, toMont(r), toMont(r2));
              f.dispatch("axpy", [a1, a2, abc], 3 * m, 0, toMont(r));
              const [Wv, Ev, abcv] = await f.read([
                [W, 32 * nW],
                [E, 32 * m],
                [abc, 96 * m],
              ]);
              return { W: Wv, E: Ev, abc: split(abcv, m) };
            } finally {
              f.release();
              s.release();
            }
          },
          release() {
            open = false;
            s.release();
          },
        };
      } catch (e) {
        s.release();
        throw e;
      }
    },
    async crossTerm(abc1, u1, abc2, u2) {
      const m = frLength(abc1.Az, "Az1");
      checkProducts(abc1, m, "1");
      checkProducts(abc2, m, "2");
      assertFr(u1, "u1");
      assertFr(u2, "u2");
      return scoped(async (s) => {
        const a1 = s.upload("fold-abc1", [abc1.Az, abc1.Bz, abc1.Cz]);
        const a2 = s.upload("fold-abc2", [abc2.Az, abc2.Bz, abc2.Cz]);
        const t = s.buffer("fold-T", 32 * m);
        s.dispatch("cross", [a1, a2, t], m, m, (P - u1) % P, (P - u2) % P);
        return (await s.read([[t, 32 * m]]))[0];
      });
    },
    async axpy(a, r, b) {
      const n = frLength(a, "a");
      checkVec(a, n, "a");
      checkVec(b, n, "b");
      assertFr(r, "r");
      return scoped(async (s) => {
        const out = s.buffer("fold-out", 32 * n);
        s.dispatch("axpy", [s.upload("fold-a", [a]), s.upload("fold-b", [b]), out], n, 0, toMont(r));
        return (await s.read([[out, 32 * n]]))[0];
      });
    },
    async fold3(a, r, t, sc, b) {
      const n = frLength(a, "a");
      checkVec(a, n, "a");
      checkVec(t, n, "t");
      checkVec(b, n, "b");
      assertFr(r, "r");
      assertFr(sc, "s");
      return scoped(async (s) => {
        const out = s.buffer("fold-out", 32 * n);
        const bufs = [s.upload("fold-a", [a]), s.upload("fold-t", [t]), s.upload("fold-b", [b]), out];
        s.dispatch("fold3", bufs, n, 0, toMont(r), toMont(sc));
        return (await s.read([[out, 32 * n]]))[0];
      });
    },
    release() {
      for (const r of allShapes) {
        for (const part of r.parts) {
          part.idx.destroy();
          part.vals.destroy();
        }
      }
      allShapes.clear();
    },
  };
  return backend;
}
