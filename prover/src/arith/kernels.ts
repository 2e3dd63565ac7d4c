/**
 * The field-kernel seam of folding (Nova paper §4 notation: `Az, Bz, Cz`, `u`, `E`, cross term `T`, `r`).
 *
 * Folding's hot loops — the sparse products `Az, Bz, Cz`, the cross term `T`, the witness and error folds
 * and the relaxed satisfaction check — run on packed vectors ({@link FrVec}: 32 bytes per element,
 * canonical little-endian, the bytes the MSM takes as scalars) through a {@link FieldKernels}
 * implementation:
 * - {@link bigintKernels}: the reference, plain bigint arithmetic (one `%` per element); what the tests
 *   compare against, and the fallback where the native addon is not built;
 * - the native kernels (prover/native/msm/kernels.cc, in the same addon as the MSM): 4×64-bit
 *   Montgomery arithmetic, one multiplication per term, split over all cores.
 *
 * Both check their inputs the same way: lengths here, before any work ({@link FrVectorLengthError}), and
 * every element `< p` ({@link FieldElementError} naming the argument and index). Variable time: for
 * witnesses and public data, not long-term secrets.
 */
import { FieldKernelsUnavailableError, FrVectorLengthError } from "../errors/arith.js";
import { FieldElementError } from "../errors/curve.js";
import { assertFr, P } from "../field/fr.js";
import { loadNativeMsm } from "../msm/cpu/native.js";
import type { CsrMatrix } from "./r1cs.js";

/** A packed vector of F_p elements: 32 bytes each, canonical, little-endian. */
export type FrVec = Uint8Array;

/** `Az, Bz, Cz` as packed vectors. */
export type PackedProducts = { readonly Az: FrVec; readonly Bz: FrVec; readonly Cz: FrVec };

/** A CSR matrix with its coefficients packed, in Montgomery form (`c·2^256 mod p`) for the native kernel. */
export type PackedCsr = {
  readonly rowPtr: Uint32Array;
  readonly cols: Uint32Array;
  /** Canonical coefficients (the reference kernel's). */
  readonly vals: readonly bigint[];
  /** `c·2^256 mod p` per coefficient, packed (the native kernel's). */
  readonly valsMont: FrVec;
};

export interface FieldKernels {
  /** `"bigint"` (reference) or `"native"`. */
  readonly name: string;
  /** `M·z`. Cost: one product per non-zero not equal to 1. */
  spmv(M: PackedCsr, z: FrVec): FrVec;
  /** `T = Az1∘Bz2 + Az2∘Bz1 − u1·Cz2 − u2·Cz1`. */
  crossTerm(abc1: PackedProducts, u1: bigint, abc2: PackedProducts, u2: bigint): FrVec;
  /** `a + r·b`. */
  axpy(a: FrVec, r: bigint, b: FrVec): FrVec;
  /** `a + r·t + s·b` (the error fold `E1 + r·T + r²·E2`). */
  fold3(a: FrVec, r: bigint, t: FrVec, s: bigint, b: FrVec): FrVec;
  /** The first row `i` with `Az_i·Bz_i ≠ u·Cz_i + E_i` (`E = 0` when absent), or −1. */
  relaxedFirstFailure(abc: PackedProducts, u: bigint, E?: FrVec): number;
}

const MASK64 = (1n << 64n) - 1n;
const R_MONT = (1n << 256n) % P;

/** Number of elements in a packed vector; throws {@link FrVectorLengthError} unless a multiple of 32 bytes. */
export function frLength(v: FrVec, what = "vector"): number {
  if (!(v instanceof Uint8Array) || v.length % 32 !== 0) {
    throw new FrVectorLengthError(`${what} is not a packed F_p vector (32 bytes per element)`, {
      details: v instanceof Uint8Array ? `${v.length} bytes` : typeof v,
    });
  }
  return v.length / 32;
}

function sameLength(n: number, v: FrVec, what: string): void {
  if (frLength(v, what) !== n) {
    throw new FrVectorLengthError(`${what} has the wrong length`, {
      details: `${v.length / 32} elements, expected ${n}`,
    });
  }
}

function nonCanonical(what: string, i: number, v: unknown): FieldElementError {
  return new FieldElementError(`${what}[${i}] is not a canonical element of F_p`, { details: String(v) });
}

/** Element `i` of a packed vector (not checked against p). */
export function frGet(v: FrVec, i: number): bigint {
  const dv = new DataView(v.buffer, v.byteOffset + 32 * i, 32);
  return (
    dv.getBigUint64(0, true) |
    (dv.getBigUint64(8, true) << 64n) |
    (dv.getBigUint64(16, true) << 128n) |
    (dv.getBigUint64(24, true) << 192n)
  );
}

function frSet(v: FrVec, i: number, x: bigint): void {
  const dv = new DataView(v.buffer, v.byteOffset + 32 * i, 32);
  dv.setBigUint64(0, x & MASK64, true);
  dv.setBigUint64(8, (x >> 64n) & MASK64, true);
  dv.setBigUint64(16, (x >> 128n) & MASK64, true);
  dv.setBigUint64(24, x >> 192n, true);
}

/** Packs bigints into an {@link FrVec}; throws {@link FieldElementError} on an entry outside [0, p). */
export function packFr(v: readonly bigint[], what = "vector"): FrVec {
  const out = new Uint8Array(32 * v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "bigint" || x < 0n || x >= P) throw nonCanonical(what, i, x);
    if (x !== 0n) frSet(out, i, x);
  }
  return out;
}

/** Unpacks an {@link FrVec}; throws {@link FieldElementError} on an element ≥ p. */
export function unpackFr(v: FrVec, what = "vector"): bigint[] {
  const n = frLength(v, what);
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const x = frGet(v, i);
    if (x >= P) throw nonCanonical(what, i, x);
    out[i] = x;
  }
  return out;
}

/** The first element `≥ p`, or −1. */
export function firstNonCanonical(v: FrVec): number {
  const n = frLength(v);
  for (let i = 0; i < n; i++) if (frGet(v, i) >= P) return i;
  return -1;
}

/** Bigint products → packed. */
export function packProducts(abc: {
  Az: readonly bigint[];
  Bz: readonly bigint[];
  Cz: readonly bigint[];
}): PackedProducts {
  return { Az: packFr(abc.Az, "Az"), Bz: packFr(abc.Bz, "Bz"), Cz: packFr(abc.Cz, "Cz") };
}

/** Packed products → bigints. */
export function unpackProducts(abc: PackedProducts): { Az: bigint[]; Bz: bigint[]; Cz: bigint[] } {
  return { Az: unpackFr(abc.Az, "Az"), Bz: unpackFr(abc.Bz, "Bz"), Cz: unpackFr(abc.Cz, "Cz") };
}

const packedShapes = new WeakMap<CsrMatrix, PackedCsr>();

/** The packed form of a CSR matrix (computed once per matrix and cached). */
export function packCsr(M: CsrMatrix): PackedCsr {
  let p = packedShapes.get(M);
  if (!p) {
    p = { rowPtr: M.rowPtr, cols: M.cols, vals: M.vals, valsMont: packFr(M.vals.map((c) => (c * R_MONT) % P)) };
    packedShapes.set(M, p);
  }
  return p;
}

/** Reads a whole vector as bigints, checking every element (the reference kernels' input path). */
function read(v: FrVec, what: string): bigint[] {
  return unpackFr(v, what);
}

function write(v: readonly bigint[]): FrVec {
  const out = new Uint8Array(32 * v.length);
  for (let i = 0; i < v.length; i++) if (v[i] !== 0n) frSet(out, i, v[i]);
  return out;
}

function checkProducts(abc: PackedProducts, m: number, tag: string): void {
  sameLength(m, abc.Az, `Az${tag}`);
  sameLength(m, abc.Bz, `Bz${tag}`);
  sameLength(m, abc.Cz, `Cz${tag}`);
}

function checkSpmv(M: PackedCsr, z: FrVec): number {
  const nz = frLength(z, "z");
  const m = M.rowPtr.length - 1;
  if (m < 0 || M.rowPtr[0] !== 0 || M.rowPtr[m] !== M.cols.length || M.vals.length !== M.cols.length) {
    throw new FrVectorLengthError("rowPtr does not delimit cols", { details: `${M.cols.length} non-zeros` });
  }
  for (let k = 0; k < M.cols.length; k++) {
    if (M.cols[k] >= nz)
      throw new FrVectorLengthError("a column is outside z", { details: `cols[${k}] = ${M.cols[k]}, len(z) ${nz}` });
  }
  return m;
}

/** The reference kernels: bigint arithmetic, one `%` per element. */
export const bigintKernels: FieldKernels = {
  name: "bigint",
  spmv(M, z) {
    const m = checkSpmv(M, z);
    const zb = read(z, "z");
    const { rowPtr, cols, vals } = M;
    const out = new Array<bigint>(m);
    for (let i = 0; i < m; i++) {
      let acc = 0n;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) acc += vals[k] === 1n ? zb[cols[k]] : vals[k] * zb[cols[k]];
      out[i] = acc % P;
    }
    return write(out);
  },
  crossTerm(abc1, u1, abc2, u2) {
    const m = frLength(abc1.Az, "Az1");
    checkProducts(abc1, m, "1");
    checkProducts(abc2, m, "2");
    assertFr(u1, "u1");
    assertFr(u2, "u2");
    const [A1, B1, C1, A2, B2, C2] = [
      read(abc1.Az, "Az1"),
      read(abc1.Bz, "Bz1"),
      read(abc1.Cz, "Cz1"),
      read(abc2.Az, "Az2"),
      read(abc2.Bz, "Bz2"),
      read(abc2.Cz, "Cz2"),
    ];
    const nu1 = (P - u1) % P;
    const nu2 = (P - u2) % P;
    const T = new Array<bigint>(m);
    for (let i = 0; i < m; i++) T[i] = (A1[i] * B2[i] + A2[i] * B1[i] + nu1 * C2[i] + nu2 * C1[i]) % P;
    return write(T);
  },
  axpy(a, r, b) {
    const n = frLength(a, "a");
    sameLength(n, b, "b");
    assertFr(r, "r");
    const [av, bv] = [read(a, "a"), read(b, "b")];
    return write(av.map((x, i) => (x + r * bv[i]) % P));
  },
  fold3(a, r, t, s, b) {
    const n = frLength(a, "a");
    sameLength(n, t, "t");
    sameLength(n, b, "b");
    assertFr(r, "r");
    assertFr(s, "s");
    const [av, tv, bv] = [read(a, "a"), read(t, "t"), read(b, "b")];
    return write(av.map((x, i) => (x + r * tv[i] + s * bv[i]) % P));
  },
  relaxedFirstFailure(abc, u, E) {
    const m = frLength(abc.Az, "Az");
    checkProducts(abc, m, "");
    if (E) sameLength(m, E, "E");
    assertFr(u, "u");
    const [A, B, C] = [read(abc.Az, "Az"), read(abc.Bz, "Bz"), read(abc.Cz, "Cz")];
    const Ev = E ? read(E, "E") : undefined;
    for (let i = 0; i < m; i++) {
      if ((A[i] * B[i]) % P !== (u * C[i] + (Ev ? Ev[i] : 0n)) % P) return i;
    }
    return -1;
  },
};

/** The native addon's kernel exports (prover/native/msm/kernels.cc). */
type NativeKernelExports = {
  frSpmv(rowPtr: Uint32Array, cols: Uint32Array, valsMont: Uint8Array, z: Uint8Array): Uint8Array;
  frCrossTerm(...args: Uint8Array[]): Uint8Array;
  frAxpy(a: Uint8Array, r: Uint8Array, b: Uint8Array): Uint8Array;
  frFold3(a: Uint8Array, r: Uint8Array, t: Uint8Array, s: Uint8Array, b: Uint8Array): Uint8Array;
  frRelaxedFirstFailure(A: Uint8Array, B: Uint8Array, C: Uint8Array, u: Uint8Array, E: Uint8Array | null): number;
  frFirstNonCanonical(v: Uint8Array): number;
};

function scalar(x: bigint, what: string): FrVec {
  assertFr(x, what);
  return packFr([x], what);
}

/** Maps the addon's coded RangeErrors to the seam's typed errors. */
function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    if (code === "ERR_NOVANET_FR_NONCANONICAL") {
      throw new FieldElementError(msg, { cause: e });
    }
    if (code === "ERR_NOVANET_FR_LENGTH") throw new FrVectorLengthError(msg, { cause: e });
    throw e;
  }
}

function nativeExports(): NativeKernelExports | undefined {
  const addon = loadNativeMsm() as unknown as Partial<NativeKernelExports> | undefined;
  return addon && typeof addon.frSpmv === "function" ? (addon as NativeKernelExports) : undefined;
}

/** The native kernels, or `undefined` when the addon is not built (or predates the kernels). */
export function loadNativeKernels(): FieldKernels | undefined {
  const k = nativeExports();
  if (!k) return undefined;
  return {
    name: "native",
    spmv(M, z) {
      checkSpmv(M, z);
      return call(() => k.frSpmv(M.rowPtr, M.cols, M.valsMont, z));
    },
    crossTerm(abc1, u1, abc2, u2) {
      const m = frLength(abc1.Az, "Az1");
      checkProducts(abc1, m, "1");
      checkProducts(abc2, m, "2");
      const [s1, s2] = [scalar(u1, "u1"), scalar(u2, "u2")];
      return call(() => k.frCrossTerm(abc1.Az, abc1.Bz, abc1.Cz, s1, abc2.Az, abc2.Bz, abc2.Cz, s2));
    },
    axpy(a, r, b) {
      sameLength(frLength(a, "a"), b, "b");
      const rs = scalar(r, "r");
      return call(() => k.frAxpy(a, rs, b));
    },
    fold3(a, r, t, s, b) {
      const n = frLength(a, "a");
      sameLength(n, t, "t");
      sameLength(n, b, "b");
      const [rs, ss] = [scalar(r, "r"), scalar(s, "s")];
      return call(() => k.frFold3(a, rs, t, ss, b));
    },
    relaxedFirstFailure(abc, u, E) {
      const m = frLength(abc.Az, "Az");
      checkProducts(abc, m, "");
      if (E) sameLength(m, E, "E");
      const us = scalar(u, "u");
      return call(() => k.frRelaxedFirstFailure(abc.Az, abc.Bz, abc.Cz, us, E ?? null));
    },
  };
}

let selected: FieldKernels | undefined;

/**
 * The kernels folding uses: `NOVANET_KERNELS=native|bigint` forces one (`native` throws
 * {@link FieldKernelsUnavailableError} when the addon is not built); unset, the native kernels when the
 * addon is built, else the bigint reference.
 */
export function defaultFieldKernels(): FieldKernels {
  if (!selected) {
    const choice = process.env.NOVANET_KERNELS ?? "";
    if (choice !== "" && choice !== "native" && choice !== "bigint") {
      throw new FieldKernelsUnavailableError("NOVANET_KERNELS must be native or bigint", { details: choice });
    }
    if (choice === "bigint") selected = bigintKernels;
    else {
      const native = loadNativeKernels();
      if (choice === "native" && !native) {
        throw new FieldKernelsUnavailableError("NOVANET_KERNELS=native but the native addon is not built", {
          details: "run scripts/build-native.sh",
        });
      }
      selected = native ?? bigintKernels;
    }
  }
  return selected;
}

/** Makes `k` the process default (tests, benchmarks). */
export function setDefaultFieldKernels(k: FieldKernels | undefined): void {
  selected = k;
}
