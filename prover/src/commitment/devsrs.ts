/**
 * INSECURE development powers of tau: writes a standard snarkjs `.ptau` (phase 2 prepared, so
 * `snarkjs zkey new` / `zKey.newZKey` accepts it) from ONE randomly drawn τ, α, β that this process
 * knows. Anyone who learns τ can forge KZG openings and Groth16 proofs: use it for development and
 * tests only. Real use passes a ceremony `.ptau` by path.
 *
 * Why not snarkjs's own commands: `powersoftau new` + `prepare phase2` recompute the Lagrange sections
 * with group FFTs (≈ 1 minute at power 12, hours at power 18). Knowing τ we compute every point directly
 * as `s·G` with its scalar `s` computed in F_p: `τ^i` for the monomial sections, and
 * `L_j(τ) = (τ^n − 1)/n · ω^j/(τ − ω^j)` (one batch inversion per block) for the Lagrange sections.
 * Cost: ≈ 12·2^k G1 and 3·2^k G2 multiplications of the generators, each ≈ 32 mixed additions from a
 * fixed-base table (8-bit windows) in ffjavascript's wasm, spread over its worker threads.
 *
 * File layout (iden3 binfile, magic `ptau`, version 1, 11 sections, points affine little-endian
 * Montgomery as snarkjs writes them):
 * 1 header (n8 = 32, q, power, ceremonyPower) · 2 tauG1 `[τ^i]G1`, i < 2^(k+1) − 1 · 3 tauG2 `[τ^i]G2`,
 * i < 2^k · 4 alphaTauG1 `[ατ^i]G1` · 5 betaTauG1 `[βτ^i]G1` · 6 betaG2 `[β]G2` · 7 contributions (0) ·
 * 12–15 the Lagrange forms of 2–5: for each p = 0..k a block of 2^p points `[L_j(τ)]` over the size-2^p
 * domain (section 12 also has block p = k + 1, the transform of the 2^(k+1) − 1 tauG1 points padded
 * with zero), exactly what snarkjs's `preparePhase2` computes (a test compares them byte for byte).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { buildBn128, type FfCurve, type FfTaskCommand } from "ffjavascript";
import { Q } from "../curve/bn254.js";
import { DevSrsError } from "../errors/devsrs.js";
import { batchInverse, inv, mul, P, pow, sub } from "../field/fr.js";

/** BN254's scalar field has 2-adicity 28, so ffjavascript's FFT (and snarkjs) stop at power 27. */
export const MAX_DEV_POWER = 27;

export const INSECURE_DEV_SRS_WARNING =
  "INSECURE DEV SRS: this powers of tau was generated from a single known τ (toxic waste not destroyed). " +
  "Anyone holding the file's generator can forge proofs. Use it for development and tests only; pass a ceremony .ptau with --ptau for real use.";

export type DevSrsProgress = { phase: string; done: number; total: number };

export type DevPtauOptions = {
  /** The toxic waste. Random (CSPRNG) when omitted; fixed values are for tests. */
  tau?: bigint;
  alpha?: bigint;
  beta?: bigint;
  /** Progress callback (per block of points). */
  onProgress?: (p: DevSrsProgress) => void;
  /** Points per worker task (default 2048). */
  chunk?: number;
  /** Multiplication method (default `windowed`; `direct` is the simple reference). */
  method?: MulMethod;
};

export type DevPtauResult = {
  path: string;
  power: number;
  /** Number of tauG1 powers in the file: 2^(power+1) − 1. */
  nTauG1: number;
  ms: number;
};

function randomNonZero(): bigint {
  for (;;) {
    const b = randomBytes(48);
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    v %= P;
    if (v !== 0n) return v;
  }
}

function checkPower(power: number): void {
  if (!Number.isInteger(power) || power < 1 || power > MAX_DEV_POWER) {
    throw new DevSrsError(`dev SRS power must be an integer in [1, ${MAX_DEV_POWER}]`, { details: String(power) });
  }
}

/** The primitive 2^k-th roots of unity ffjavascript's FFTs use (`Fr.w[k]`), as bigints. */
function rootsOfUnity(curve: FfCurve): bigint[] {
  return curve.Fr.w.map((w) => curve.Fr.toObject(w));
}

/** `[τ^0, …, τ^(n−1)]·c`. */
function geometric(n: number, c: bigint, tau: bigint): bigint[] {
  const out = new Array<bigint>(n);
  let t = c;
  for (let i = 0; i < n; i++) {
    out[i] = t;
    t = mul(t, tau);
  }
  return out;
}

/**
 * The scalars of section 12–15 block `p`: `c·L_j(τ)` for the size-`2^p` domain, `j < 2^p`, and, with
 * `padded` (section 12's block k+1), `c·(L_j(τ) − τ^(n−1)·ω^j/n)`: the inverse transform of the
 * monomials `τ^0..τ^(n−2)` and a zero.
 */
function lagrangeScalars(p: number, c: bigint, tau: bigint, omega: bigint, padded: boolean): bigint[] {
  const n = 2 ** p;
  const nInv = inv(BigInt(n) % P);
  const tauN = pow(tau, BigInt(n));
  if (tauN === 1n) throw new DevSrsError("τ lies in an evaluation domain; draw another");
  const wj = geometric(n, 1n, omega);
  const den = batchInverse(wj.map((w) => sub(tau, w)));
  const k = mul(mul(sub(tauN, 1n), nInv), c);
  const out = new Array<bigint>(n);
  const corr = padded ? mul(mul(pow(tau, BigInt(n - 1)), nInv), c) : 0n;
  for (let j = 0; j < n; j++) {
    let s = mul(mul(k, wj[j]), den[j]);
    if (padded) s = sub(s, mul(corr, wj[j]));
    out[j] = s;
  }
  return out;
}

/** How {@link mulGenerator} multiplies: one wasm scalar multiplication per point, or a fixed-base table. */
export type MulMethod = "windowed" | "direct";

const WINDOW_BITS = 8;
const WINDOWS = 32; // 256 bits ≥ log2(p)
const DIGITS = (1 << WINDOW_BITS) - 1;

/** Scalar as 32 little-endian bytes. */
function le32(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/**
 * The fixed-base table of a generator: entry `w·255 + d − 1` is `d·2^(8w)·G` (affine LEM), for the
 * 32 byte-windows of a scalar and digits d = 1..255. Cost: 32 scalar multiplications and 8160 additions.
 */
function fixedBaseTable(curve: FfCurve, group: "G1" | "G2"): Uint8Array {
  const G = group === "G1" ? curve.G1 : curve.G2;
  const sIn = group === "G1" ? 64 : 128;
  const table = new Uint8Array(WINDOWS * DIGITS * sIn);
  for (let w = 0; w < WINDOWS; w++) {
    const base = G.timesScalar(G.oneAffine, le32(1n << BigInt(WINDOW_BITS * w)));
    let acc = base;
    for (let d = 1; d <= DIGITS; d++) {
      table.set(G.toAffine(acc), (w * DIGITS + d - 1) * sIn);
      acc = G.add(acc, base);
    }
  }
  return table;
}

const tables = new WeakMap<FfCurve, Map<string, Uint8Array>>();

/**
 * `s_i·G` for every scalar, as affine LEM bytes (64 per G1 point, 128 per G2 point), on the curve's
 * worker threads. `windowed` (default): per point, one mixed addition per non-zero byte of the scalar
 * from the fixed-base table (≈ 32 additions instead of ≈ 380 doublings and additions); `direct`: one
 * wasm scalar multiplication per point. Both give identical bytes (a test checks).
 */
async function mulGenerator(
  curve: FfCurve,
  group: "G1" | "G2",
  scalars: readonly bigint[],
  chunk: number,
  method: MulMethod,
  onChunk: (done: number) => void,
): Promise<Uint8Array> {
  const sIn = group === "G1" ? 64 : 128;
  const sJac = group === "G1" ? 96 : 192;
  const prefix = group === "G1" ? "g1m" : "g2m";
  const n = scalars.length;
  const out = new Uint8Array(n * sIn);
  let table: Uint8Array | undefined;
  let tableParams: { var: number; offset: number }[] = [];
  if (method === "windowed") {
    let byCurve = tables.get(curve);
    if (!byCurve) {
      byCurve = new Map();
      tables.set(curve, byCurve);
    }
    table = byCurve.get(group);
    if (!table) {
      table = fixedBaseTable(curve, group);
      byCurve.set(group, table);
    }
    tableParams = Array.from({ length: WINDOWS * DIGITS }, (_, i) => ({ var: 0, offset: i * sIn }));
  }
  let done = 0;
  const tasks: Promise<void>[] = [];
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const task: FfTaskCommand[] = [];
    if (table) {
      // Accumulators start at zero (z = 0 is the point at infinity in Jacobian form).
      task.push({ cmd: "ALLOCSET", var: 0, buff: table }, { cmd: "ALLOCSET", var: 1, buff: new Uint8Array(m * sJac) });
      for (let i = 0; i < m; i++) {
        const acc = { var: 1, offset: sJac * i };
        let v = scalars[start + i];
        for (let w = 0; v > 0n; w++, v >>= 8n) {
          const d = Number(v & 0xffn);
          if (d !== 0) {
            task.push({
              cmd: "CALL",
              fnName: `${prefix}_addMixed`,
              params: [acc, tableParams[w * DIGITS + d - 1], acc],
            });
          }
        }
      }
    } else {
      const sc = new Uint8Array(32 * m);
      for (let i = 0; i < m; i++) sc.set(le32(scalars[start + i]), 32 * i);
      task.push(
        { cmd: "ALLOCSET", var: 0, buff: group === "G1" ? curve.G1.oneAffine : curve.G2.oneAffine },
        { cmd: "ALLOCSET", var: 2, buff: sc },
        { cmd: "ALLOC", var: 1, len: m * sJac },
      );
      for (let i = 0; i < m; i++) {
        task.push({
          cmd: "CALL",
          fnName: `${prefix}_timesScalarAffine`,
          params: [{ var: 0 }, { var: 2, offset: 32 * i }, { val: 32 }, { var: 1, offset: sJac * i }],
        });
      }
    }
    task.push({ cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 1 }, { val: m }, { var: 1 }] });
    task.push({ cmd: "GET", out: 0, var: 1, len: m * sIn });
    tasks.push(
      curve.tm.queueAction(task).then((res) => {
        out.set(res[0], start * sIn);
        done += m;
        onChunk(done);
      }),
    );
  }
  await Promise.all(tasks);
  return out;
}

/** Little-endian unsigned integer of `len` bytes. */
function le(v: bigint, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/**
 * Writes an INSECURE phase-2-prepared `.ptau` of power `power` (2^power-constraint circuits for
 * Groth16; 2^(power+1) − 1 G1 powers for commitments) to `path`. Written to a temporary file and
 * renamed, so a crash never leaves a truncated file at `path`.
 *
 * @example
 * await generateDevPtau(".novanet/ptau/dev-12.ptau", 12, { onProgress: console.error });
 */
export async function generateDevPtau(
  path: string,
  power: number,
  options: DevPtauOptions = {},
): Promise<DevPtauResult> {
  checkPower(power);
  const t0 = performance.now();
  const tau = options.tau ?? randomNonZero();
  const alpha = options.alpha ?? randomNonZero();
  const beta = options.beta ?? randomNonZero();
  for (const [v, what] of [
    [tau, "tau"],
    [alpha, "alpha"],
    [beta, "beta"],
  ] as const) {
    if (typeof v !== "bigint" || v <= 0n || v >= P) throw new DevSrsError(`${what} must be in [1, p)`);
  }
  const chunk = options.chunk ?? 2048;
  const method = options.method ?? "windowed";
  const progress = options.onProgress ?? (() => {});
  const curve = await buildBn128();
  if (curve.r !== P || curve.q !== Q) throw new DevSrsError("ffjavascript's curve is not BN254");
  const w = rootsOfUnity(curve);

  const N = 2 ** power;
  const nTauG1 = 2 * N - 1;
  // Sizes of every section, to write the headers up front.
  const sumBlocks = (maxP: number, s: number) => {
    let t = 0;
    for (let p = 0; p <= maxP; p++) t += 2 ** p * s;
    return t;
  };
  const sections: [number, number][] = [
    [1, 4 + 32 + 4 + 4],
    [2, nTauG1 * 64],
    [3, N * 128],
    [4, N * 64],
    [5, N * 64],
    [6, 128],
    [7, 4],
    [12, sumBlocks(power + 1, 64)],
    [13, sumBlocks(power, 128)],
    [14, sumBlocks(power, 64)],
    [15, sumBlocks(power, 64)],
  ];

  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}-${Date.now()}`;
  const fh = await open(tmp, "w");
  let pos = 0;
  const write = async (b: Uint8Array) => {
    await fh.write(b, 0, b.length, pos);
    pos += b.length;
  };
  const sectionHeader = async (id: number) => {
    const size = sections.find(([s]) => s === id)![1];
    const h = new Uint8Array(12);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, id, true);
    dv.setBigUint64(4, BigInt(size), true);
    await write(h);
    return pos + size;
  };
  const endSection = (expected: number, id: number) => {
    if (pos !== expected) throw new DevSrsError("internal: section size mismatch", { details: `section ${id}` });
  };
  const points = async (phase: string, group: "G1" | "G2", scalars: bigint[]) => {
    const total = scalars.length;
    const buf = await mulGenerator(curve, group, scalars, chunk, method, (done) => progress({ phase, done, total }));
    await write(buf);
  };

  try {
    // File header: magic, version 1, number of sections.
    const fileHead = new Uint8Array(12);
    fileHead.set(new TextEncoder().encode("ptau"), 0);
    new DataView(fileHead.buffer).setUint32(4, 1, true);
    new DataView(fileHead.buffer).setUint32(8, sections.length, true);
    await write(fileHead);

    let end = await sectionHeader(1);
    await write(le(32n, 4));
    await write(le(Q, 32));
    await write(le(BigInt(power), 4));
    await write(le(BigInt(power), 4));
    endSection(end, 1);

    end = await sectionHeader(2);
    await points("tauG1", "G1", geometric(nTauG1, 1n, tau));
    endSection(end, 2);
    end = await sectionHeader(3);
    await points("tauG2", "G2", geometric(N, 1n, tau));
    endSection(end, 3);
    end = await sectionHeader(4);
    await points("alphaTauG1", "G1", geometric(N, alpha, tau));
    endSection(end, 4);
    end = await sectionHeader(5);
    await points("betaTauG1", "G1", geometric(N, beta, tau));
    endSection(end, 5);
    end = await sectionHeader(6);
    await points("betaG2", "G2", [beta]);
    endSection(end, 6);
    end = await sectionHeader(7);
    await write(le(0n, 4)); // no contributions: the only "contribution" is the known τ.
    endSection(end, 7);

    const lagrange: [number, string, "G1" | "G2", bigint, boolean][] = [
      [12, "lagrangeTauG1", "G1", 1n, true],
      [13, "lagrangeTauG2", "G2", 1n, false],
      [14, "lagrangeAlphaTauG1", "G1", alpha, false],
      [15, "lagrangeBetaTauG1", "G1", beta, false],
    ];
    for (const [id, phase, group, c, hasExtra] of lagrange) {
      end = await sectionHeader(id);
      for (let p = 0; p <= power; p++) {
        await points(`${phase}[2^${p}]`, group, lagrangeScalars(p, c, tau, w[p], false));
      }
      if (hasExtra)
        await points(`${phase}[2^${power + 1}]`, group, lagrangeScalars(power + 1, c, tau, w[power + 1], true));
      endSection(end, id);
    }
    await fh.close();
    renameSync(tmp, abs);
  } catch (err) {
    await fh.close().catch(() => {});
    rmSync(tmp, { force: true });
    throw err;
  }
  return { path: abs, power, nTauG1, ms: performance.now() - t0 };
}

/** Default cache folder for dev SRS files. */
export const DEV_PTAU_DIR = join(".novanet", "ptau");

/** Where the cached dev `.ptau` of `power` lives. */
export function devPtauPath(power: number, cacheDir = DEV_PTAU_DIR): string {
  return resolve(cacheDir, `dev-${power}.ptau`);
}

export type EnsureDevPtauOptions = {
  cacheDir?: string;
  onProgress?: (p: DevSrsProgress) => void;
  /** Called with {@link INSECURE_DEV_SRS_WARNING}; default: print it to stderr. */
  warn?: (message: string) => void;
};

const inFlight = new Map<string, Promise<DevPtauResult>>();

/**
 * The cached dev `.ptau` of `power` under `cacheDir` (default `.novanet/ptau/dev-<power>.ptau`),
 * generating it on first use. Always prints the INSECURE warning.
 */
export async function ensureDevPtau(power: number, options: EnsureDevPtauOptions = {}): Promise<string> {
  checkPower(power);
  const path = devPtauPath(power, options.cacheDir);
  (options.warn ?? ((m: string) => process.stderr.write(`\n*** ${m} ***\n\n`)))(
    `${INSECURE_DEV_SRS_WARNING} (${path})`,
  );
  if (existsSync(path)) return path;
  let p = inFlight.get(path);
  if (!p) {
    p = generateDevPtau(path, power, { onProgress: options.onProgress });
    inFlight.set(path, p);
  }
  try {
    await p;
  } finally {
    inFlight.delete(path);
  }
  return path;
}

/**
 * The smallest power `k` whose dev `.ptau` holds at least `nPowers` tauG1 points (2^(k+1) − 1 ≥ nPowers)
 * and can set up Groth16 for `nConstraints` + `nPublic` (snarkjs: 2^k > nConstraints + nPublic).
 */
export function devPowerFor(nPowers: number, nConstraints = 0, nPublic = 0, minPower = 1): number {
  let k = Math.max(1, minPower);
  while (2 ** (k + 1) - 1 < nPowers || 2 ** k <= nConstraints + nPublic) k++;
  checkPower(k);
  return k;
}
