/**
 * The structured reference string: powers `[τ^i]G1` (i < n) and `[τ]G2`, read from a snarkjs
 * powers-of-tau (`.ptau`) file.
 *
 * G1 powers are kept in the representation the MSM backends consume: ffjavascript's affine
 * little-endian Montgomery form (`LEM`, 64 bytes per point, exactly the bytes of the `.ptau` tauG1
 * section), so a commitment never converts the bases. {@link srsG1} converts single points to
 * affine bigints on demand (cost: two field multiplications).
 *
 * Loading reads only the header and the first `n` tauG1 points and `[τ]G2`, checks the header, that
 * every one of the `n` powers is on the curve, that `g0` is the generator, and the structure of the
 * whole sequence with ONE batched pairing ({@link checkSrsStructure}): for random ρ_i,
 * `e(Σ ρ_i·[τ^i]G1, G2) = e(Σ ρ_i·[τ^(i−1)]G1, [τ]G2)` over i = 1..n−1, which holds (except with
 * probability ≤ n/2^128) only if every power is `τ` times the previous one, with the τ of `[τ]G2`.
 */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import {
  G1_GENERATOR,
  type G1Affine,
  G2_GENERATOR,
  type G2Affine,
  g1Mul,
  g1Neg,
  g2Mul,
  P,
  pairingProductIsOne,
  Q,
} from "../curve/bn254.js";
import { PtauFormatError, SrsTooSmallError } from "../errors/commitment.js";
import type { MsmBackend } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import { g1FromLem, g1ToLem, g2FromLem, readLe } from "../msm/lem.js";

export type Srs = {
  /** Number of G1 powers held: commitments may use vectors of length ≤ n (n − 1 with hiding). */
  readonly n: number;
  /** `[τ^i]G1` for i < n, affine LEM, 64 bytes each (what {@link MsmBackend} takes). */
  readonly g1Lem: Uint8Array;
  /** `[τ]G2`. */
  readonly tauG2: G2Affine;
};

/** `[τ^i]G1` as an affine bigint point (validated). */
export function srsG1(srs: Srs, i: number): G1Affine {
  if (!Number.isInteger(i) || i < 0 || i >= srs.n) {
    throw new SrsTooSmallError("SRS power index out of range", { details: `index ${i}, n ${srs.n}` });
  }
  return g1FromLem(srs.g1Lem, 64 * i);
}

/** Throws {@link SrsTooSmallError} unless a vector of `len` coefficients (+1 with hiding) fits. */
export function assertSrsFits(srs: Srs, len: number, hiding: boolean, what = "vector"): void {
  const need = len + (hiding ? 1 : 0);
  if (need > srs.n) {
    throw new SrsTooSmallError(`${what} needs more SRS powers than the SRS has`, {
      details: `needs ${need} powers (length ${len}${hiding ? " + 1 hiding coefficient" : ""}), SRS has ${srs.n}; use a larger .ptau`,
    });
  }
}

/**
 * Checks `e([τ]G1, G2) = e(G1, [τ]G2)` and `g0 = G1`: the SRS's G1 and G2 sides agree on one τ.
 * Cost: one pairing product (two Miller loops).
 */
export function checkSrsConsistency(srs: Srs): void {
  if (srs.n < 2) throw new SrsTooSmallError("an SRS needs at least 2 powers", { details: `n ${srs.n}` });
  const g0 = srsG1(srs, 0);
  if (g0.x !== G1_GENERATOR.x || g0.y !== G1_GENERATOR.y) {
    throw new PtauFormatError("the first tauG1 point is not the generator");
  }
  const g1 = srsG1(srs, 1);
  if (!pairingProductIsOne([g1, g1Neg(G1_GENERATOR)], [G2_GENERATOR, srs.tauG2])) {
    throw new PtauFormatError("tauG1 and tauG2 do not share one τ: e([τ]G1, G2) ≠ e(G1, [τ]G2)");
  }
}

/** Montgomery R^-1 mod q, for reading LEM coordinates without a per-point validation call. */
const R_INV = (() => {
  const R = (1n << 256n) % Q;
  // Fermat: R^(q−2) mod q.
  let r = 1n;
  let b = R;
  let e = Q - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % Q;
    b = (b * b) % Q;
    e >>= 1n;
  }
  return r;
})();

/**
 * The `n` powers as big-endian affine words `x_0 ‖ y_0 ‖ x_1 ‖ y_1 ‖ …` (32 bytes each: what
 * `abi.encodePacked(uint256[2n])` gives), checking that every power is a point of G1 other than the
 * identity (BN254's G1 has cofactor 1, so on the curve means in the group).
 */
function powersBigEndian(srs: Srs): Uint8Array {
  const out = new Uint8Array(64 * srs.n);
  const o8 = new DataView(out.buffer);
  const lem = srs.g1Lem;
  const dv = new DataView(lem.buffer, lem.byteOffset, lem.byteLength);
  const le = (o: number) =>
    dv.getBigUint64(o, true) |
    (dv.getBigUint64(o + 8, true) << 64n) |
    (dv.getBigUint64(o + 16, true) << 128n) |
    (dv.getBigUint64(o + 24, true) << 192n);
  const be = (o: number, v: bigint) => {
    o8.setBigUint64(o, v >> 192n);
    o8.setBigUint64(o + 8, (v >> 128n) & MASK64);
    o8.setBigUint64(o + 16, (v >> 64n) & MASK64);
    o8.setBigUint64(o + 24, v & MASK64);
  };
  for (let i = 0; i < srs.n; i++) {
    const o = 64 * i;
    const x = (le(o) * R_INV) % Q;
    const y = (le(o + 32) * R_INV) % Q;
    if ((y * y - x * x * x - 3n) % Q !== 0n || (x === 0n && y === 0n)) {
      throw new PtauFormatError("an SRS power is not a point of G1", { details: `power ${i}` });
    }
    be(o, x);
    be(o + 32, y);
  }
  return out;
}

const MASK64 = (1n << 64n) - 1n;

const POWERS_HASH = new WeakMap<Srs, Hex>();

/**
 * `powersHash = keccak256(x_0 ‖ y_0 ‖ … ‖ x_(n−1) ‖ y_(n−1))`, each coordinate a 32-byte big-endian
 * word (= `keccak256(abi.encodePacked(uint256[2n]))`): it binds EVERY power the SRS holds. Cached per
 * SRS. Throws {@link PtauFormatError} if a power is not a point of G1.
 */
export function srsPowersHash(srs: Srs): Hex {
  const hit = POWERS_HASH.get(srs);
  if (hit) return hit;
  const h = `0x${bytesToHex(keccak_256(powersBigEndian(srs)))}` as Hex;
  POWERS_HASH.set(srs, h);
  return h;
}

/**
 * The structure of the whole SRS, with one batched pairing: every power is on the curve, `g0 = G1`,
 * and for random 128-bit ρ_i (i = 1..n−1) `e(Σ ρ_i·g_i, G2) · e(−Σ ρ_i·g_(i−1), [τ]G2) = 1`. If some
 * `g_i ≠ τ·g_(i−1)` (τ of `[τ]G2`), the check passes with probability ≤ 2^−128. Cost: two MSMs of
 * n − 1 points with 16-byte scalars and one pairing product.
 * @throws {PtauFormatError} the SRS is not `[τ^i]G1`, `[τ]G2` for one τ.
 */
export async function checkSrsStructure(srs: Srs, backend?: MsmBackend): Promise<void> {
  checkSrsConsistency(srs);
  srsPowersHash(srs); // every power on the curve
  const m = srs.n - 1;
  const rho = new Uint8Array(16 * m);
  rho.set(randomBytes(16 * m));
  const msm = backend ?? (await defaultMsmBackend());
  const hi = await msm.msm(srs.g1Lem.subarray(64, 64 * srs.n), rho, 16);
  const lo = await msm.msm(srs.g1Lem.subarray(0, 64 * m), rho, 16);
  if (!pairingProductIsOne([hi, g1Neg(lo)], [G2_GENERATOR, srs.tauG2])) {
    throw new PtauFormatError("the SRS powers are not successive powers of the τ of [τ]G2 (batched pairing check)", {
      details: `n ${srs.n}`,
    });
  }
}

const PTAU_MAGIC = "ptau";

/**
 * Reads the first `nPowers` G1 powers and `[τ]G2` from a snarkjs `.ptau` file (sections 1 header,
 * 2 tauG1, 3 tauG2), reading only those bytes.
 *
 * @throws {PtauFormatError} not a ptau file, wrong curve, missing or short sections, inconsistent τ.
 * @throws {SrsTooSmallError} the file holds fewer than `nPowers` G1 powers.
 * @example
 * const srs = await loadSrsFromPtau("dev.ptau", shape.m + 1);
 */
/** An open `.ptau` file: its section table and BN254 header checked (magic, version, curve, power). */
export type PtauFile = {
  path: string;
  /** The header's power: the ceremony supports `2^power` constraints. */
  power: number;
  /** `len` bytes at `pos`; a read past the end is a {@link PtauFormatError} "truncated". */
  readAt(pos: number, len: number): Promise<Uint8Array>;
  /** The section `id`, if the file has it. */
  section(id: number): { pos: number; size: number } | undefined;
  /** The section `id`, or a {@link PtauFormatError} naming `what` (and `hint`, when given). */
  need(id: number, what: string, hint?: string): { pos: number; size: number };
};

/**
 * Opens a `.ptau` (snarkjs binary format), checks its framing (magic, version, a section table whose sections
 * lie inside the file, no duplicates) and its header (BN254, a power in 1..28), runs `f` on it and closes it.
 * @throws {PtauFormatError} missing file, not a ptau, another curve, truncated or malformed framing.
 */
export async function withPtau<T>(path: string, f: (ptau: PtauFile) => Promise<T>): Promise<T> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (cause) {
    throw new PtauFormatError("cannot open the .ptau file", { details: path, cause });
  }
  try {
    const size = (await fh.stat()).size;
    const readAt = async (pos: number, len: number): Promise<Uint8Array> => {
      if (pos + len > size) throw new PtauFormatError("the .ptau file is truncated", { details: path });
      const buf = new Uint8Array(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      if (bytesRead !== len) throw new PtauFormatError("the .ptau file is truncated", { details: path });
      return buf;
    };
    const head = await readAt(0, 12);
    const dv = new DataView(head.buffer);
    if (new TextDecoder().decode(head.subarray(0, 4)) !== PTAU_MAGIC) {
      throw new PtauFormatError("not a .ptau file (bad magic)", { details: path });
    }
    if (dv.getUint32(4, true) !== 1) {
      throw new PtauFormatError("unsupported .ptau version", { details: String(dv.getUint32(4, true)) });
    }
    const nSections = dv.getUint32(8, true);
    if (nSections > 64) throw new PtauFormatError("malformed .ptau (section count)", { details: String(nSections) });
    const sections = new Map<number, { pos: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = await readAt(pos, 12);
      const sdv = new DataView(sh.buffer);
      const id = sdv.getUint32(0, true);
      const len = Number(sdv.getBigUint64(4, true));
      if (sections.has(id)) throw new PtauFormatError("duplicate .ptau section", { details: String(id) });
      if (pos + 12 + len > size) {
        throw new PtauFormatError("the .ptau file is truncated", { details: `${path}: section ${id}` });
      }
      sections.set(id, { pos: pos + 12, size: len });
      pos += 12 + len;
    }
    const need = (id: number, what: string, hint?: string) => {
      const s = sections.get(id);
      if (!s) {
        throw new PtauFormatError(`the .ptau file has no ${what} section${hint ? ` (${hint})` : ""}`, {
          details: `section ${id}`,
        });
      }
      return s;
    };
    const header = need(1, "header");
    const hb = await readAt(header.pos, Math.min(header.size, 4 + 32 + 8));
    if (hb.length < 40) throw new PtauFormatError("the .ptau header is too short", { details: path });
    const hdv = new DataView(hb.buffer);
    const n8 = hdv.getUint32(0, true);
    if (n8 !== 32 || readLe(hb, 4, 32) !== Q) {
      throw new PtauFormatError("the .ptau file is not over BN254 (bn128)", { details: `n8 ${n8}` });
    }
    const power = hdv.getUint32(36, true);
    if (power < 1 || power > 28) {
      throw new PtauFormatError("the .ptau header's power is out of range", { details: String(power) });
    }
    return await f({ path, power, readAt, section: (id) => sections.get(id), need });
  } finally {
    await fh.close();
  }
}

export async function loadSrsFromPtau(path: string, nPowers: number): Promise<Srs> {
  if (!Number.isInteger(nPowers) || nPowers < 2) {
    throw new SrsTooSmallError("nPowers must be an integer ≥ 2", { details: String(nPowers) });
  }
  return withPtau(path, async ({ power, readAt, need }) => {
    const tauG1 = need(2, "tauG1");
    const tauG2 = need(3, "tauG2");
    const available = Math.floor(tauG1.size / 64);
    if (tauG1.size % 64 !== 0) {
      throw new PtauFormatError("tauG1 section size is not a whole number of points", { details: String(tauG1.size) });
    }
    if (nPowers > available) {
      throw new SrsTooSmallError("the .ptau file holds fewer G1 powers than requested", {
        details: `requested ${nPowers}, file has ${available} (power ${power}); use a larger .ptau`,
      });
    }
    if (tauG2.size < 256) throw new PtauFormatError("tauG2 section is too short", { details: String(tauG2.size) });
    const g1Lem = await readAt(tauG1.pos, nPowers * 64);
    const g2b = await readAt(tauG2.pos + 128, 128);
    const srs: Srs = { n: nPowers, g1Lem, tauG2: g2FromLem(g2b, 0) };
    await checkSrsStructure(srs);
    return srs;
  });
}

/**
 * An SRS from a known τ (tests and local development only: whoever knows τ can forge openings).
 * Cost: n scalar multiplications in JS.
 */
export function srsFromTau(tau: bigint, n: number): Srs {
  const g1Lem = new Uint8Array(64 * n);
  let t = 1n;
  for (let i = 0; i < n; i++) {
    g1ToLem(g1Mul(G1_GENERATOR, t), g1Lem, 64 * i);
    t = (t * tau) % P;
  }
  return { n, g1Lem, tauG2: g2Mul(G2_GENERATOR, tau) };
}

/** The first `n` powers of an SRS (same τ). */
export function truncateSrs(srs: Srs, n: number): Srs {
  assertSrsFits(srs, n, false, "truncation");
  return { n, g1Lem: srs.g1Lem.subarray(0, 64 * n), tauG2: srs.tauG2 };
}

/**
 * `srsDigest = keccak256(abi.encode(uint256 n, bytes32 powersHash, uint256[4] tauG2))` with
 * {@link srsPowersHash} over ALL n powers and `tauG2` in EIP-197 order `[x1, x0, y1, y0]`
 * (docs/protocol.md §7, docs/trust.md). CircuitRegistry's `Srs {n, powersHash, tauG2}` computes the
 * same digest on-chain.
 */
export function srsDigest(srs: Srs): Hex {
  return srsDigestOf(srs.n, srsPowersHash(srs), srs.tauG2);
}

/** {@link srsDigest} from its parts (what a registrant submits on-chain). */
export function srsDigestOf(n: number | bigint, powersHash: Hex, tauG2: G2Affine): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "bytes32" }, { type: "uint256[4]" }],
      [BigInt(n), powersHash, [tauG2.x.c1, tauG2.x.c0, tauG2.y.c1, tauG2.y.c0]],
    ),
  );
}

/** What `CircuitRegistry.registerCircuit` takes for an SRS: `Srs {n, powersHash, tauG2}` (digest: {@link srsDigest}). */
export function srsRegistration(srs: Srs): {
  n: bigint;
  powersHash: Hex;
  tauG2: readonly [bigint, bigint, bigint, bigint];
} {
  const t = srs.tauG2;
  return { n: BigInt(srs.n), powersHash: srsPowersHash(srs), tauG2: [t.x.c1, t.x.c0, t.y.c1, t.y.c0] };
}
