/**
 * Native CPU MSM backend: a C++ Node-API addon (prover/native/msm/msm.cc, built by
 * `scripts/build-native.sh` into prover/native/msm/build/novanet_msm.node). Scalars partitioned by bit
 * length (0 skipped, 1 one addition, ≤ 64 bits a narrow Pippenger, wider ones split in two 128-bit halves
 * by the GLV endomorphism), Pippenger with signed digits over XYZZ buckets, 4×64-bit Montgomery
 * arithmetic (MULX/ADCX/ADOX), one `std::thread` per core; the work runs off the JavaScript thread
 * (Node's thread pool starts it). Same buffers as the other backends (affine LEM points, little-endian
 * scalars), plus {@link MsmBackend.msmFixed}: fixed bases (the SRS) prepared once — each point with its
 * endomorphism image φ(P) beside it — and reused by every commitment. Variable time, like every
 * backend here.
 *
 * The addon is optional: {@link loadNativeMsm} returns `undefined` when it is not built or does not
 * load, and the default backend then stays ffjavascript (see msm/default.ts).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { G1_ZERO, type G1Affine } from "../../curve/bn254.js";
import { MsmInputError } from "../../errors/commitment.js";
import { NativeMsmUnavailableError } from "../../errors/msm.js";
import { assertFr } from "../../field/fr.js";
import { assertMsmInput, type MsmBackend, scalarsToLe } from "../backend.js";
import { g1ToLem, readLe } from "../lem.js";

/** The addon's exports (see msm.cc). Results: 64 bytes, affine x‖y canonical little-endian, zeros = identity. */
export type NativeMsmAddon = {
  msm(points: Uint8Array, scalars: Uint8Array, scalarBytes: number, threads?: number): Promise<Uint8Array>;
  msmSync(points: Uint8Array, scalars: Uint8Array, scalarBytes: number, threads?: number): Uint8Array;
  /** Worker threads per MSM by default (`NOVANET_MSM_THREADS`, else the core count). */
  readonly threads: number;
  /** Prepares fixed bases (64-byte affine LEM points) once: an opaque handle for {@link msmBases}. */
  createBases?(points: Uint8Array, threads?: number): NativeBasesHandle;
  /**
   * `Σ scalars_i·bases_i` over the first `len(scalars)/32` prepared bases; scalars are canonical 32-byte
   * F_r elements (RangeError `ERR_NOVANET_MSM_NONCANONICAL` otherwise).
   */
  msmBases?(bases: NativeBasesHandle, scalars: Uint8Array, threads?: number): Promise<Uint8Array>;
  msmBasesSync?(bases: NativeBasesHandle, scalars: Uint8Array, threads?: number): Uint8Array;
  /** What a handle holds: its points and its table of precomputed multiples (0 points until built). */
  basesInfo?(bases: NativeBasesHandle): NativeBasesInfo;
};

/**
 * A prepared-bases handle's contents. The table (`tableBytes`, covering the first `tablePoints` bases,
 * `tableWindow`-bit windows) is built after the handle has served `NOVANET_MSM_TABLE_AFTER` MSMs
 * (default 64) and capped at `NOVANET_MSM_TABLE_MB` MiB (default 384); docs/msm.md.
 */
export type NativeBasesInfo = { points: number; tablePoints: number; tableWindow: number; tableBytes: number };

/** An addon handle to prepared bases (freed with the handle by the garbage collector). */
export type NativeBasesHandle = { readonly __nativeBases: unique symbol };

/** Where `scripts/build-native.sh` writes the addon. */
export const NATIVE_MSM_PATH = fileURLToPath(new URL("../../../native/msm/build/novanet_msm.node", import.meta.url));

let cached: { addon?: NativeMsmAddon; error?: unknown } | undefined;

/** Loads the addon once per process; `undefined` if it is not built or fails to load (see {@link nativeMsmLoadError}). */
export function loadNativeMsm(): NativeMsmAddon | undefined {
  if (!cached) {
    if (!existsSync(NATIVE_MSM_PATH)) {
      cached = { error: new Error(`${NATIVE_MSM_PATH} does not exist (run scripts/build-native.sh)`) };
    } else {
      try {
        const addon = createRequire(import.meta.url)(NATIVE_MSM_PATH) as NativeMsmAddon;
        if (typeof addon.msm !== "function" || typeof addon.msmSync !== "function") {
          throw new Error("the addon does not export msm/msmSync");
        }
        cached = { addon };
      } catch (error) {
        cached = { error };
      }
    }
  }
  return cached.addon;
}

/** Why {@link loadNativeMsm} returned `undefined` (undefined when the addon loaded). */
export function nativeMsmLoadError(): unknown {
  loadNativeMsm();
  return cached?.error;
}

/** 64 addon result bytes → affine bigint point ((0, 0) for the identity). */
function toAffine(out: Uint8Array): G1Affine {
  const x = readLe(out, 0, 32);
  const y = readLe(out, 32, 32);
  return x === 0n && y === 0n ? G1_ZERO : { x, y };
}

export type NativeBackendOptions = {
  /** Worker threads per MSM (default: the addon's, i.e. `NOVANET_MSM_THREADS` or the core count). */
  threads?: number;
};

/**
 * The native backend. Throws {@link NativeMsmUnavailableError} if the addon is not built or does not load;
 * `msm` throws {@link MsmInputError} on mismatched buffers (checked here and again in C++).
 *
 * @example
 * const backend = createNativeBackend();
 * const cm = await backend.msm(srs.g1Lem.subarray(0, 64 * v.length), scalarsToLe(v));
 */
export function createNativeBackend(options: NativeBackendOptions = {}): MsmBackend {
  const addon = loadNativeMsm();
  if (!addon) {
    throw new NativeMsmUnavailableError("the native MSM addon is not available", {
      details: String(nativeMsmLoadError()),
      cause: nativeMsmLoadError(),
    });
  }
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new MsmInputError("native MSM thread count must be an integer in 1..256", { details: String(threads) });
  }
  const backend: MsmBackend = {
    name: "cpu-native",
    async msm(points: Uint8Array, scalars: Uint8Array, scalarBytes = 32): Promise<G1Affine> {
      const n = assertMsmInput(points, scalars, scalarBytes);
      if (n === 0) return G1_ZERO;
      return toAffine(await addon.msm(points, scalars, scalarBytes, threads));
    },
    async terminate(): Promise<void> {},
  };
  if (addon.createBases && addon.msmBases) {
    const create = addon.createBases.bind(addon);
    const run = addon.msmBases.bind(addon);
    backend.msmFixed = async (bases: Uint8Array, v: Uint8Array): Promise<G1Affine> => {
      if (!(v instanceof Uint8Array) || v.length % 32 !== 0 || v.length / 32 > bases.length / 64) {
        throw new MsmInputError("fixed-base MSM: the vector is not 32 bytes per element or is longer than the bases", {
          details: `${v instanceof Uint8Array ? v.length : typeof v} scalar bytes, ${Math.floor(bases.length / 64)} bases`,
        });
      }
      if (v.length === 0) return G1_ZERO;
      const handle = preparedBases(bases, create);
      try {
        return toAffine(await run(handle, v, threads));
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_NOVANET_MSM_NONCANONICAL") {
          throw new MsmInputError("committed value is not a canonical element of F_p", {
            details: (e as Error).message,
            cause: e,
          });
        }
        throw e;
      }
    };
  }
  return backend;
}

/** Prepared bases per buffer (the SRS's `g1Lem`): made on first use, dropped with the buffer. */
const prepared = new WeakMap<Uint8Array, NativeBasesHandle>();

function preparedBases(bases: Uint8Array, create: (p: Uint8Array) => NativeBasesHandle): NativeBasesHandle {
  let h = prepared.get(bases);
  if (!h) {
    if (bases.length % 64 !== 0) {
      throw new MsmInputError("fixed bases are not 64 bytes per point", { details: `${bases.length} bytes` });
    }
    h = create(bases);
    prepared.set(bases, h);
  }
  return h;
}

/**
 * The native handle prepared for a fixed-bases buffer by `msmFixed` (undefined if that buffer was never
 * used, or the addon predates `basesInfo`): how many bases and how much table memory it holds.
 */
export function fixedBasesInfo(bases: Uint8Array): NativeBasesInfo | undefined {
  const h = prepared.get(bases);
  const addon = loadNativeMsm();
  return h && addon?.basesInfo ? addon.basesInfo(h) : undefined;
}

/**
 * `Σ scalars_i·points_i` for a handful of public points (the instance fold's `cmW1 + r·cmW2`,
 * `cmE1 + r·cmT + r²·cmE2`) on the native MSM, one thread; `undefined` without the addon (callers keep
 * their bigint path). Validates every point (on the curve, canonical coordinates: `InvalidPointError`)
 * and every scalar (canonical: `FieldElementError`), as the bigint path does.
 */
export function nativeG1Combination(points: readonly G1Affine[], scalars: readonly bigint[]): G1Affine | undefined {
  const addon = loadNativeMsm();
  if (!addon) return undefined;
  if (points.length !== scalars.length) {
    throw new MsmInputError("points and scalars differ in length", {
      details: `${points.length} points, ${scalars.length} scalars`,
    });
  }
  const lem = new Uint8Array(64 * points.length);
  points.forEach((p, i) => {
    g1ToLem(p, lem, 64 * i);
  });
  scalars.forEach((s, i) => {
    assertFr(s, `scalar ${i}`);
  });
  return toAffine(addon.msmSync(lem, scalarsToLe(scalars), 32, 1));
}
