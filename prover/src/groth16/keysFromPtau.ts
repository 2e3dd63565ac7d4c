/**
 * Commit-and-prove Groth16 keys (keys.ts) derived from a ceremony's powers of tau, WITHOUT knowing
 * τ, α, β (docs/decider.md "Keys from a ceremony's powers of tau"). This is phase 1 of the key; phase 2
 * (phase2.ts) then moves `δ` and `σ`, which start at 1 here (so a key fresh from this function is public
 * knowledge in δ and σ: anyone can forge until one honest phase-2 contribution).
 *
 * With `[L_j]₁, [L_j]₂, [αL_j]₁, [βL_j]₁` the size-N Lagrange blocks of the ptau (ptau.ts) and the
 * QAP rows of keys.ts (the constraints, then one independence row `A = wire i` per wire `i ≤ ℓ + k`):
 * - `A_i = Σ_j A_ji·[L_j]₁` (+ `[L_(m+i)]₁` for `i ≤ ℓ + k`), `B_i = Σ_j B_ji·[L_j]₁,₂`;
 * - `[β·u_i + α·v_i + w_i]₁ = Σ_j (A_ji·[βL_j]₁ + B_ji·[αL_j]₁ + C_ji·[L_j]₁)` (+ `[βL_(m+i)]₁`): the
 *   `IC`, `K` (= `σK` at σ = 1) and `L` (at δ = 1) sections;
 * - `H_j = [τ^(N+j)]₁ − [τ^j]₁ = [τ^j·Z(τ)]₁` (δ = 1), `j < N − 1`: the monomial basis the prover's
 *   quotient uses (prove.ts), so it needs the ptau's power ≥ log2 N only;
 * - `[α]₁ = alphaTauG1[0]`, `[β]₁,₂`, `[δ]₁,₂ = G1, G2`, `[σ]₂ = G2`.
 * For the same τ, α, β the result is byte-equal to `generateKeys(c, path, { toxic: { τ, α, β, δ: 1,
 * σ: 1 } })` (test/prover/groth16/keysFromPtau.test.ts).
 *
 * Each sum is a sparse matrix (by wire) times a vector of points: one mixed addition per ±1
 * coefficient, one scalar multiplication by `|c|` (negated point for `c > p/2`, so small negative
 * coefficients stay small) otherwise, on ffjavascript's wasm worker threads in chunks of wires; the
 * points a chunk needs are gathered into its task. The whole key is written once at the end; peak
 * memory is the ptau blocks (`N·(64·4 + 128)` bytes plus `2N·64` of tau powers) and the sections.
 */
import { buildBn128, type FfCurve, type FfTaskCommand } from "ffjavascript";
import { G2_GENERATOR, Q } from "../curve/bn254.js";
import type { Constraint } from "../decider/cs.js";
import { Groth16KeyError } from "../errors/groth16.js";
import { P } from "../field/fr.js";
import { g1FromLem } from "../msm/lem.js";
import {
  domainPowerFor,
  type G16Circuit,
  type G16KeyHeader,
  type G16ProvingKey,
  type KeygenProgress,
  keyHeader,
  qapRows,
  writeKeyFile,
} from "./keys.js";
import { checkPhase1, type Phase1, readPhase1 } from "./ptau.js";

export type PtauKeygenOptions = {
  onProgress?: (p: KeygenProgress) => void;
  /** Skip {@link checkPhase1} (the caller already checked this Phase1; tests). Default false. */
  trustedPhase1?: Phase1;
};

/** The result: the header (with the verifying key) and what phase 1 it came from. */
export type PtauKeygenResult = G16KeyHeader & { readonly phase1: { power: number; contributions: number } };

/** A sparse matrix by column (wire): `ptr[i]..ptr[i+1]` are wire i's (row, value) entries. */
type Csc = { ptr: Uint32Array; rows: Uint32Array; vals: bigint[] };

/** Transposes rows of linear combinations into columns, with extra `(row, wire)` unit entries. */
function byWire(
  constraints: readonly Constraint[],
  k: 0 | 1 | 2,
  nVars: number,
  extra: readonly [number, number, bigint][] = [],
): Csc {
  const count = new Uint32Array(nVars + 1);
  for (const row of constraints) for (const [w] of row[k]) count[w + 1]++;
  for (const [, w] of extra) count[w + 1]++;
  for (let i = 0; i < nVars; i++) count[i + 1] += count[i];
  const ptr = count.slice();
  const fill = count.slice(0, nVars);
  const rows = new Uint32Array(ptr[nVars]);
  const vals = new Array<bigint>(ptr[nVars]);
  constraints.forEach((row, j) => {
    for (const [w, v] of row[k]) {
      const o = fill[w]++;
      rows[o] = j;
      vals[o] = ((v % P) + P) % P;
    }
  });
  for (const [j, w, v] of extra) {
    const o = fill[w]++;
    rows[o] = j;
    vals[o] = v;
  }
  return { ptr, rows, vals };
}

type Term = { src: number; row: number; val: bigint };

async function curve(): Promise<FfCurve> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  return shared ?? buildBn128(false);
}

const HALF = P >> 1n;

/** Negates affine LEM points in place-copy: `y → q − y` per coordinate (Montgomery form is linear). */
function negInto(dst: Uint8Array, at: number, src: Uint8Array, from: number, size: 64 | 128): void {
  dst.set(src.subarray(from, from + size), at);
  const half = size / 2;
  for (let c = 0; c < half; c += 32) {
    const o = at + half + c;
    let v = 0n;
    for (let b = 31; b >= 0; b--) v = (v << 8n) | BigInt(dst[o + b]);
    if (v === 0n) continue;
    v = Q - v;
    for (let b = 0; b < 32; b++, v >>= 8n) dst[o + b] = Number(v & 0xffn);
  }
}

/**
 * `out_i = Σ_t val_t·srcs[src_t][row_t]` for each output i (terms of output i given by `termsOf(i)`),
 * affine LEM bytes, on the curve's worker threads.
 */
async function accumulate(
  group: "G1" | "G2",
  srcs: readonly Uint8Array[],
  nOut: number,
  termsOf: (i: number, push: (src: number, row: number, val: bigint) => void) => void,
): Promise<Uint8Array> {
  const c = await curve();
  const sIn = group === "G1" ? 64 : 128;
  const sJac = group === "G1" ? 96 : 192;
  const pre = group === "G1" ? "g1m" : "g2m";
  const out = new Uint8Array(nOut * sIn);
  const TERMS = 16384;
  const tasks: Promise<void>[] = [];
  let i = 0;
  while (i < nOut) {
    const start = i;
    const terms: Term[] = [];
    const bound: number[] = [0];
    while (i < nOut && (terms.length < TERMS || i === start)) {
      termsOf(i, (src, row, val) => {
        if (val !== 0n) terms.push({ src, row, val });
      });
      bound.push(terms.length);
      i++;
    }
    const m = i - start;
    if (terms.length === 0) continue; // all identity: zeros
    const pts = new Uint8Array(terms.length * sIn);
    const scal: number[] = [];
    const scSize: number[] = [];
    const scBytes: Uint8Array[] = [];
    let scLen = 0;
    terms.forEach((t, q) => {
      let v = t.val;
      const src = srcs[t.src];
      if (v > HALF) {
        v = P - v;
        negInto(pts, q * sIn, src, t.row * sIn, sIn as 64 | 128);
      } else pts.set(src.subarray(t.row * sIn, t.row * sIn + sIn), q * sIn);
      if (v === 1n) {
        scal.push(-1);
        scSize.push(0);
        return;
      }
      const b: number[] = [];
      for (; v > 0n; v >>= 8n) b.push(Number(v & 0xffn));
      scal.push(scLen);
      scSize.push(b.length);
      scBytes.push(new Uint8Array(b));
      scLen += b.length;
    });
    const sc = new Uint8Array(Math.max(scLen, 1));
    let so = 0;
    for (const b of scBytes) {
      sc.set(b, so);
      so += b.length;
    }
    const task: FfTaskCommand[] = [
      { cmd: "ALLOCSET", var: 0, buff: pts },
      { cmd: "ALLOCSET", var: 1, buff: new Uint8Array(m * sJac) },
      { cmd: "ALLOCSET", var: 2, buff: sc },
      { cmd: "ALLOC", var: 3, len: sJac },
    ];
    for (let w = 0; w < m; w++) {
      const acc = { var: 1, offset: sJac * w };
      for (let q = bound[w]; q < bound[w + 1]; q++) {
        const pt = { var: 0, offset: sIn * q };
        if (scal[q] < 0) {
          task.push({ cmd: "CALL", fnName: `${pre}_addMixed`, params: [acc, pt, acc] });
        } else {
          task.push(
            {
              cmd: "CALL",
              fnName: `${pre}_timesScalarAffine`,
              params: [pt, { var: 2, offset: scal[q] }, { val: scSize[q] }, { var: 3 }],
            },
            { cmd: "CALL", fnName: `${pre}_add`, params: [acc, { var: 3 }, acc] },
          );
        }
      }
    }
    task.push({ cmd: "CALL", fnName: `${pre}_batchToAffine`, params: [{ var: 1 }, { val: m }, { var: 1 }] });
    task.push({ cmd: "GET", out: 0, var: 1, len: m * sIn });
    tasks.push(
      c.tm.queueAction(task).then((res) => {
        out.set(res[0], start * sIn);
      }),
    );
  }
  await Promise.all(tasks);
  return out;
}

/**
 * Derives the keys of `c` from the prepared `.ptau` at `ptauPath` and writes them to `outPath` (`.g16k`,
 * δ = σ = 1: run phase 2 before trusting them). Checks the ptau first (ptau.ts).
 * @throws {PtauFormatError} a malformed, truncated or tampered ptau. @throws {SrsTooSmallError} power too small.
 */
export async function generateKeysFromPtau(
  c: G16Circuit,
  ptauPath: string,
  outPath: string,
  options: PtauKeygenOptions = {},
): Promise<PtauKeygenResult> {
  const log = options.onProgress ?? (() => {});
  let t0 = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    log({ step, ms: Math.round(now - t0) });
    t0 = now;
  };
  const power = domainPowerFor(qapRows(c));
  const p1 = options.trustedPhase1 ?? (await readPhase1(ptauPath, power));
  if (p1.domainPower !== power)
    throw new Groth16KeyError("phase 1 read for another domain", { details: `${p1.domainPower} vs ${power}` });
  lap("ptau-read");
  if (!options.trustedPhase1) {
    await checkPhase1(p1);
    lap("ptau-check");
  }
  const n = 2 ** power;
  const ell = c.nPublic;
  const kk = c.nCommitted;
  const m = c.constraints.length;
  const indep: [number, number, bigint][] = [];
  for (let i = 0; i <= ell + kk; i++) indep.push([m + i, i, 1n]);
  const A = byWire(c.constraints, 0, c.nVars, indep);
  const B = byWire(c.constraints, 1, c.nVars);
  const C = byWire(c.constraints, 2, c.nVars);
  lap("matrices");
  const single =
    (M: Csc, src: number, off = 0) =>
    (i: number, push: (s: number, r: number, v: bigint) => void) => {
      const w = i + off;
      for (let o = M.ptr[w]; o < M.ptr[w + 1]; o++) push(src, M.rows[o], M.vals[o]);
    };
  // lin(w) = Σ A·[βL] + B·[αL] + C·[L]; sources: 0 lag1, 1 lagAlpha, 2 lagBeta.
  const lin = (off: number) => (i: number, push: (s: number, r: number, v: bigint) => void) => {
    single(A, 2, off)(i, push);
    single(B, 1, off)(i, push);
    single(C, 0, off)(i, push);
  };
  const srcs = [p1.lag1, p1.lagAlpha, p1.lagBeta];
  const sections: Record<string, Uint8Array> = {};
  sections.A = await accumulate("G1", srcs, c.nVars, single(A, 0));
  lap("A");
  sections.B1 = await accumulate("G1", srcs, c.nVars, single(B, 0));
  lap("B1");
  sections.B2 = await accumulate("G2", [p1.lag2], c.nVars, single(B, 0));
  lap("B2");
  const ic = await accumulate("G1", srcs, ell + 1, lin(0));
  sections.K = await accumulate("G1", srcs, kk, lin(ell + 1));
  sections.sigmaK = sections.K.slice();
  lap("K");
  sections.L = await accumulate("G1", srcs, c.nVars - 1 - ell - kk, lin(ell + kk + 1));
  lap("L");
  const nH = n - 1;
  sections.H = await accumulate("G1", [p1.tauG1], nH, (j, push) => {
    push(0, n + j, 1n);
    push(0, j, P - 1n);
  });
  lap("H");
  const header = keyHeader(c, power, {
    alpha1: p1.alpha1,
    beta1: p1.beta1,
    delta1: g1FromLem(p1.tauG1, 0),
    beta2: p1.beta2,
    delta2: G2_GENERATOR,
    sigma2: G2_GENERATOR,
    icLem: ic,
  });
  const pk: G16ProvingKey = {
    ...header,
    A: sections.A,
    B1: sections.B1,
    B2: sections.B2,
    K: sections.K,
    sigmaK: sections.sigmaK,
    L: sections.L,
    H: sections.H,
  };
  await writeKeyFile(outPath, pk);
  lap("write");
  return { ...header, phase1: { power: p1.power, contributions: p1.contributions } };
}
