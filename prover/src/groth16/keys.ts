/**
 * Commit-and-prove Groth16 keys (docs/decider.md "v3: commit-and-prove Groth16").
 *
 * Wires: 0 is the constant 1, `1..ℓ` are public, `ℓ+1..ℓ+k` are *committed* (the prover commits to
 * them in the proof as `D = Σ w_i·K_i` with a proof of knowledge `Π = Σ w_i·σK_i`), the rest private.
 * Key generation appends one row per wire `0..ℓ+k` with `A = wire i`, `B = C = 0` (as snarkjs does for
 * public inputs), which makes the A-polynomials of the public and committed wires linearly
 * independent: the condition under which `D` binds the committed values (docs/decider.md).
 *
 * Key material (γ = 1, as in snarkjs keys, so that `(vk_x + D, γ)` shares the G2 generator with the
 * proof-of-knowledge and KZG pairs on-chain):
 * - `A_i = [u_i(τ)]₁`, `B_i = [v_i(τ)]₁,₂` for every wire;
 * - `IC_i = [β·u_i + α·v_i + w_i]₁` (public, in the verifying key), `K_i` the same for committed wires,
 *   `σK_i = [σ·(β·u_i + α·v_i + w_i)]₁`;
 * - `L_i = [(β·u_i + α·v_i + w_i)/δ]₁` (private wires), `H_j = [τ^j·Z(τ)/δ]₁`, `j < N − 1`;
 * - `[α]₁, [β]₂, [δ]₂, [σ]₂`.
 *
 * Key file (`.g16k`): magic `NNG16K\x01\x00`, u32 LE header length, the JSON header
 * ({@link G16KeyHeader}), then the sections A, B1 (64 bytes a point, affine LEM), B2 (128), K, σK, L, H,
 * in that order. Key generation writes it section by section: one section's scalars and points are in
 * memory at a time.
 */
import { open } from "node:fs/promises";
import { buildBn128, type FfCurve } from "ffjavascript";
import { keccak256, toHex } from "viem";
import { mulGenerator } from "../commitment/devsrs.js";
import { type G1Affine, type G2Affine, randomScalar } from "../curve/bn254.js";
import type { Constraint } from "../decider/cs.js";
import { Groth16KeyError } from "../errors/groth16.js";
import { batchInverse, inv, P, pow } from "../field/fr.js";
import { scalarsToLe } from "../msm/backend.js";
import { loadNativeMsm } from "../msm/cpu/native.js";
import { g1FromLem, g2FromLem } from "../msm/lem.js";
import { rootOfUnity } from "./fft.js";

export type G16Circuit = {
  /** Wires, the constant wire 0 included. */
  readonly nVars: number;
  /** ℓ: wires 1..ℓ are the public inputs. */
  readonly nPublic: number;
  /** k: wires ℓ+1..ℓ+k are committed in `D`. */
  readonly nCommitted: number;
  readonly constraints: readonly Constraint[];
};

export type G16Vkey = {
  readonly nPublic: number;
  /** Not needed to verify (absent in a key rebuilt from pinned words). */
  readonly nCommitted?: number;
  readonly alpha1: G1Affine;
  readonly beta2: G2Affine;
  readonly delta2: G2Affine;
  /** `[σ]₂`: the proof of knowledge checks `e(D, [σ]₂) = e(Π, G2)`. */
  readonly sigma2: G2Affine;
  /** `IC_0..IC_ℓ`. */
  readonly ic: readonly G1Affine[];
};

export type G16KeyHeader = {
  readonly format: "novanet-g16k";
  readonly version: 1;
  readonly nVars: number;
  readonly nPublic: number;
  readonly nCommitted: number;
  /** Constraints of the circuit (without the independence rows). */
  readonly nConstraints: number;
  /** log2 of the evaluation domain N. */
  readonly domainPower: number;
  /** keccak256 of the circuit's constraints ({@link circuitHash}). */
  readonly circuitHash: string;
  /** `[β]₁`, `[δ]₁` (prover only). */
  readonly beta1: G1Affine;
  readonly delta1: G1Affine;
  readonly vkey: G16Vkey;
};

export type G16ProvingKey = G16KeyHeader & {
  readonly A: Uint8Array;
  readonly B1: Uint8Array;
  readonly B2: Uint8Array;
  readonly K: Uint8Array;
  readonly sigmaK: Uint8Array;
  readonly L: Uint8Array;
  readonly H: Uint8Array;
};

/** The secret values of a setup ("toxic waste"): whoever knows them can forge proofs. */
export type G16Toxic = { tau: bigint; alpha: bigint; beta: bigint; delta: bigint; sigma: bigint };

const MAGIC = new Uint8Array([0x4e, 0x4e, 0x47, 0x31, 0x36, 0x4b, 0x01, 0x00]); // "NNG16K\1\0"

/** Sizes (points) of the sections, in file order. */
export function sectionSizes(h: Pick<G16KeyHeader, "nVars" | "nPublic" | "nCommitted" | "domainPower">) {
  const nPriv = h.nVars - 1 - h.nPublic - h.nCommitted;
  return [
    ["A", h.nVars, 64],
    ["B1", h.nVars, 64],
    ["B2", h.nVars, 128],
    ["K", h.nCommitted, 64],
    ["sigmaK", h.nCommitted, 64],
    ["L", nPriv, 64],
    ["H", 2 ** h.domainPower - 1, 64],
  ] as const;
}

/** Rows of the QAP: the constraints and one independence row per public or committed wire (and wire 0). */
export function qapRows(c: Pick<G16Circuit, "constraints" | "nPublic" | "nCommitted">): number {
  return c.constraints.length + 1 + c.nPublic + c.nCommitted;
}

export function domainPowerFor(rows: number): number {
  let k = 1;
  while (2 ** k < rows) k++;
  return k;
}

/** keccak256 over the constraints (wire, coefficient pairs of A, B, C row by row) and the wire split. */
export function circuitHash(c: G16Circuit): string {
  const parts: bigint[] = [BigInt(c.nVars), BigInt(c.nPublic), BigInt(c.nCommitted), BigInt(c.constraints.length)];
  for (const row of c.constraints) {
    for (const lc of row) {
      parts.push(BigInt(lc.size));
      for (const [w, v] of lc) parts.push(BigInt(w), v);
    }
  }
  // Hash in 32-byte words; chunked so that large circuits do not build one giant hex string.
  let acc = keccak256(toHex("NovaNet/g16k/circuit/v1"));
  const CH = 4096;
  for (let i = 0; i < parts.length; i += CH) {
    const buf = new Uint8Array(32 * (Math.min(CH, parts.length - i) + 1));
    buf.set(hexBytes(acc), 0);
    for (let j = i; j < Math.min(i + CH, parts.length); j++) buf.set(word(parts[j]), 32 * (j - i + 1));
    acc = keccak256(buf);
  }
  return acc;
}

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array((h.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

function word(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
}

export type KeygenProgress = { step: string; ms: number };

export type KeygenOptions = {
  /** Fixed secrets (tests, deterministic fixtures). Default: drawn from the CSPRNG and dropped. */
  toxic?: G16Toxic;
  onProgress?: (p: KeygenProgress) => void;
};

/** `u_i(τ), v_i(τ), w_i(τ)` for every wire, from the Lagrange basis of the size-N domain at τ. */
function qapAtTau(c: G16Circuit, power: number, tau: bigint): { u: bigint[]; v: bigint[]; w: bigint[]; zTau: bigint } {
  const n = 2 ** power;
  const omega = rootOfUnity(power);
  const tauN = pow(tau, BigInt(n));
  if (tauN === 1n) throw new Groth16KeyError("τ lies in the evaluation domain; draw another");
  const zTau = (tauN - 1n + P) % P;
  const rows = qapRows(c);
  // L_j(τ) = Z(τ)/N · ω^j/(τ − ω^j), j < rows.
  const wj = new Array<bigint>(rows);
  let t = 1n;
  for (let j = 0; j < rows; j++) {
    wj[j] = t;
    t = (t * omega) % P;
  }
  const den = batchInverse(wj.map((x) => (tau - x + P) % P));
  const k = (zTau * inv(BigInt(n))) % P;
  const lag = wj.map((x, j) => (((k * x) % P) * den[j]) % P);
  const u = new Array<bigint>(c.nVars).fill(0n);
  const v = new Array<bigint>(c.nVars).fill(0n);
  const w = new Array<bigint>(c.nVars).fill(0n);
  c.constraints.forEach(([a, b, cc], j) => {
    const l = lag[j];
    for (const [i, x] of a) u[i] = (u[i] + x * l) % P;
    for (const [i, x] of b) v[i] = (v[i] + x * l) % P;
    for (const [i, x] of cc) w[i] = (w[i] + x * l) % P;
  });
  const m = c.constraints.length;
  for (let i = 0; i <= c.nPublic + c.nCommitted; i++) u[i] = (u[i] + lag[m + i]) % P;
  return { u, v, w, zTau };
}

async function curve(): Promise<FfCurve> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  return shared ?? buildBn128(false);
}

type NativeFixedBase = { fixedBaseMul(group: 1 | 2, base: Uint8Array, scalars: Uint8Array): Uint8Array };

function nativeFixedBase(): NativeFixedBase | undefined {
  const addon = loadNativeMsm() as unknown as Partial<NativeFixedBase> | undefined;
  return addon && typeof addon.fixedBaseMul === "function" ? (addon as NativeFixedBase) : undefined;
}

/**
 * `s_i·G` for the generator of G1 or G2, affine LEM: the native addon's fixed-base table
 * (prover/native/msm/fixedbase.cc) when built, else ffjavascript's windowed multiplication (wasm).
 */
export async function mulG(group: "G1" | "G2", scalars: readonly bigint[], native = true): Promise<Uint8Array> {
  if (scalars.length === 0) return new Uint8Array(0);
  const c = await curve();
  const fb = native ? nativeFixedBase() : undefined;
  if (fb) {
    const base = group === "G1" ? c.G1.oneAffine : c.G2.oneAffine;
    return fb.fixedBaseMul(group === "G1" ? 1 : 2, base, scalarsToLe(scalars));
  }
  return mulGenerator(c, group, scalars, 1 << 12, "windowed", () => {});
}

/**
 * Generates the keys of `c` and writes them to `path` (`.g16k`), returning the verifying key.
 * Secrets are drawn at random unless `options.toxic` fixes them (tests only). Peak memory: the
 * per-wire QAP evaluations (3 bigints a wire) and one section's points.
 */
/**
 * The `.g16k` header of a key of `c` over a `2^power` domain, from its group elements (`icLem`: the `ell + 1`
 * public-input points, as `g1FromLem` reads them). One place for both
 * key generators (from known toxic waste, and from a ceremony's ptau).
 */
export function keyHeader(
  c: G16Circuit,
  power: number,
  pts: {
    alpha1: G1Affine;
    beta1: G1Affine;
    delta1: G1Affine;
    beta2: G2Affine;
    delta2: G2Affine;
    sigma2: G2Affine;
    icLem: Uint8Array;
  },
): G16KeyHeader {
  const vkey: G16Vkey = {
    nPublic: c.nPublic,
    nCommitted: c.nCommitted,
    alpha1: pts.alpha1,
    beta2: pts.beta2,
    delta2: pts.delta2,
    sigma2: pts.sigma2,
    ic: Array.from({ length: c.nPublic + 1 }, (_, i) => g1FromLem(pts.icLem, 64 * i)),
  };
  return {
    format: "novanet-g16k",
    version: 1,
    nVars: c.nVars,
    nPublic: c.nPublic,
    nCommitted: c.nCommitted,
    nConstraints: c.constraints.length,
    domainPower: power,
    circuitHash: circuitHash(c),
    beta1: pts.beta1,
    delta1: pts.delta1,
    vkey,
  };
}

export async function generateKeys(c: G16Circuit, path: string, options: KeygenOptions = {}): Promise<G16KeyHeader> {
  const log = options.onProgress ?? (() => {});
  let t0 = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    log({ step, ms: Math.round(now - t0) });
    t0 = now;
  };
  const toxic = options.toxic ?? {
    tau: randomScalar(),
    alpha: randomScalar(),
    beta: randomScalar(),
    delta: randomScalar(),
    sigma: randomScalar(),
  };
  const { tau, alpha, beta, delta, sigma } = toxic;
  if ([alpha, beta, delta, sigma].some((x) => x === 0n)) throw new Groth16KeyError("a setup secret is zero");
  const ell = c.nPublic;
  const kk = c.nCommitted;
  const power = domainPowerFor(qapRows(c));
  const { u, v, w, zTau } = qapAtTau(c, power, tau);
  lap("qap");
  const lin = (i: number) => (((beta * u[i]) % P) + ((alpha * v[i]) % P) + w[i]) % P;
  const deltaInv = inv(delta);
  const icLem = await mulG(
    "G1",
    Array.from({ length: ell + 1 }, (_, i) => lin(i)),
  );
  const sc = await mulG("G1", [alpha, beta, delta]);
  const g2 = await mulG("G2", [beta, delta, sigma]);
  const header = keyHeader(c, power, {
    alpha1: g1FromLem(sc, 0),
    beta1: g1FromLem(sc, 64),
    delta1: g1FromLem(sc, 128),
    beta2: g2FromLem(g2, 0),
    delta2: g2FromLem(g2, 128),
    sigma2: g2FromLem(g2, 256),
    icLem,
  });
  const json = new TextEncoder().encode(JSON.stringify(header, (_, x) => (typeof x === "bigint" ? x.toString() : x)));
  const fh = await open(path, "w");
  try {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, json.length, true);
    await fh.write(MAGIC);
    await fh.write(len);
    await fh.write(json);
    const committed = Array.from({ length: kk }, (_, j) => lin(ell + 1 + j));
    const sections: [string, () => Promise<Uint8Array>][] = [
      ["A", () => mulG("G1", u)],
      ["B1", () => mulG("G1", v)],
      ["B2", () => mulG("G2", v)],
      ["K", () => mulG("G1", committed)],
      [
        "sigmaK",
        () =>
          mulG(
            "G1",
            committed.map((x) => (x * sigma) % P),
          ),
      ],
      [
        "L",
        () =>
          mulG(
            "G1",
            Array.from({ length: c.nVars - 1 - ell - kk }, (_, j) => (lin(ell + kk + 1 + j) * deltaInv) % P),
          ),
      ],
      [
        "H",
        () => {
          const n = 2 ** power;
          const out = new Array<bigint>(n - 1);
          let x = (zTau * deltaInv) % P;
          for (let j = 0; j < n - 1; j++) {
            out[j] = x;
            x = (x * tau) % P;
          }
          return mulG("G1", out);
        },
      ],
    ];
    for (const [name, make] of sections) {
      const bytes = await make();
      await fh.write(bytes);
      lap(name);
    }
  } finally {
    await fh.close();
  }
  return header;
}

function reviveBigints(_: string, x: unknown): unknown {
  if (typeof x === "string" && /^[0-9]+$/.test(x)) return BigInt(x);
  return x;
}

/** Reads a `.g16k` file. Throws {@link Groth16KeyError} when it is not one or is truncated. */
export async function readKeys(path: string): Promise<G16ProvingKey> {
  const fh = await open(path, "r");
  try {
    const head = new Uint8Array(12);
    await fh.read(head, 0, 12, 0);
    if (!MAGIC.every((b, i) => head[i] === b)) throw new Groth16KeyError("not a .g16k key file", { details: path });
    const jl = new DataView(head.buffer).getUint32(8, true);
    const jb = new Uint8Array(jl);
    await fh.read(jb, 0, jl, 12);
    let header: G16KeyHeader;
    try {
      header = JSON.parse(new TextDecoder().decode(jb), reviveBigints) as G16KeyHeader;
    } catch (cause) {
      throw new Groth16KeyError("corrupt .g16k header", { details: path, cause });
    }
    if (header.format !== "novanet-g16k" || header.version !== 1) {
      throw new Groth16KeyError("unsupported .g16k format", { details: `${header.format} v${header.version}` });
    }
    for (const k of ["nVars", "nPublic", "nCommitted", "nConstraints", "domainPower"] as const) {
      header = { ...header, [k]: Number(header[k]) };
    }
    header = {
      ...header,
      vkey: { ...header.vkey, nPublic: Number(header.vkey.nPublic), nCommitted: Number(header.vkey.nCommitted ?? 0) },
    };
    let off = 12 + jl;
    const out: Record<string, Uint8Array> = {};
    for (const [name, count, size] of sectionSizes(header)) {
      const b = new Uint8Array(count * size);
      const { bytesRead } = await fh.read(b, 0, b.length, off);
      if (bytesRead !== b.length)
        throw new Groth16KeyError("truncated .g16k key file", { details: `${path}: ${name}` });
      out[name] = b;
      off += b.length;
    }
    return { ...header, A: out.A, B1: out.B1, B2: out.B2, K: out.K, sigmaK: out.sigmaK, L: out.L, H: out.H };
  } finally {
    await fh.close();
  }
}

/** Writes a complete proving key (header and sections) to `path` (phase-2 contributions use it). */
export async function writeKeyFile(path: string, pk: G16ProvingKey): Promise<void> {
  const { A, B1, B2, K, sigmaK, L, H, ...header } = pk;
  const json = new TextEncoder().encode(JSON.stringify(header, (_, x) => (typeof x === "bigint" ? x.toString() : x)));
  const fh = await open(path, "w");
  try {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, json.length, true);
    await fh.write(MAGIC);
    await fh.write(len);
    await fh.write(json);
    for (const b of [A, B1, B2, K, sigmaK, L, H]) await fh.write(b);
  } finally {
    await fh.close();
  }
}
