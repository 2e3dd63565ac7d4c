/**
 * A reader of snarkjs Groth16 `.zkey` files (the decider v2 proving key) that trusts nothing in the file:
 * the iden3 binary container (magic `zkey`, version 1, sections `id u32 ‖ size u64 ‖ bytes`) must hold
 * sections 1–10 once each and end exactly at the last one; section 1 says Groth16; section 2 (the header)
 * names BN254's two primes, `nVars`, `nPublic`, `domainSize` and the points α₁, β₁, β₂, γ₂, δ₁, δ₂; every
 * other section has exactly the size the header implies (IC `nPublic+1` G1 points, coefficients
 * `4 + n·44`, A and B₁ `nVars` G1, B₂ `nVars` G2, C `nVars − nPublic − 1` G1, H `domainSize` G1).
 *
 * Points are stored in Montgomery form, little-endian, 32 bytes per base-field coordinate (all zeros: the
 * point at infinity). With `points: true` every G1 point is checked on `y² = x³ + 3` (BN254's G1 has
 * cofactor 1, so that is the subgroup check) and every G2 point on the twist; the header's G2 points are
 * also checked in the prime-order subgroup. Cost: one modular multiplication per coordinate, linear in
 * the key's size (a few ms for a 2^11-point key).
 *
 * The coefficient section (4) is snarkjs's copy of D_F's A and B matrices (`newZKey`: for every
 * constraint, A's terms then B's, as `matrix u32 ‖ constraint u32 ‖ signal u32 ‖ coef·R² mod r`, then one
 * A term per public input and the constant wire); {@link expectedZkeyCoefficients} rebuilds it from an
 * `.r1cs` so that a key can be tied to one constraint system without the `.ptau`.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { type G2Affine, g2FromAffine, P, Q } from "../curve/bn254.js";
import { BaseError } from "../errors/base.js";
import type { SnarkjsVkey } from "./snarkjs.js";

/** A `.zkey` file that is malformed, truncated, or holds a point off the curve. */
export class ZkeyFormatError extends BaseError {
  override name = "ZkeyFormatError";
}

type G1 = { x: bigint; y: bigint } | null;
type G2 = G2Affine | null;

export type Zkey = {
  nVars: number;
  nPublic: number;
  domainSize: number;
  alpha1: G1;
  beta1: G1;
  beta2: G2;
  gamma2: G2;
  delta1: G1;
  delta2: G2;
  ic: G1[];
  /** Section 4 as stored (the coefficient count and the terms). */
  coefficients: Uint8Array;
  /** The verifying key in snarkjs's `exportVerificationKey` form. */
  vkey: SnarkjsVkey;
  /** The verifying key's words in the order a v2 verifier holds them ({@link vkeyWordsV2}). */
  vkWords: bigint[];
};

const R = (1n << 256n) % Q;
const RINV = bn254.fields.Fp.inv(R);
const R2_FR = ((1n << 256n) % P) ** 2n % P;
const Fp2 = bn254.fields.Fp2;
const B2 = Fp2.div(Fp2.create({ c0: 3n, c1: 0n }), Fp2.create({ c0: 9n, c1: 1n }));

/** The 256-bit little-endian integer at `o` (four 64-bit reads). */
function le(b: Uint8Array, o: number): bigint {
  return leAt(new DataView(b.buffer, b.byteOffset, b.byteLength), o);
}

function leAt(dv: DataView, o: number): bigint {
  return (
    dv.getBigUint64(o, true) |
    (dv.getBigUint64(o + 8, true) << 64n) |
    (dv.getBigUint64(o + 16, true) << 128n) |
    (dv.getBigUint64(o + 24, true) << 192n)
  );
}

function putLe(dv: DataView, o: number, v: bigint): void {
  const m = 0xffffffffffffffffn;
  dv.setBigUint64(o, v & m, true);
  dv.setBigUint64(o + 8, (v >> 64n) & m, true);
  dv.setBigUint64(o + 16, (v >> 128n) & m, true);
  dv.setBigUint64(o + 24, v >> 192n, true);
}

/** The sections of an iden3 binary file with `magic`, each present once, covering the file exactly. */
function sections(b: Uint8Array, magic: string): Map<number, { pos: number; size: number }> {
  if (b.length < 12 || new TextDecoder().decode(b.subarray(0, 4)) !== magic)
    throw new ZkeyFormatError(`not a ${magic} file`, { details: `${b.length} bytes` });
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getUint32(8, true);
  const out = new Map<number, { pos: number; size: number }>();
  let pos = 12;
  for (let i = 0; i < n; i++) {
    if (pos + 12 > b.length) throw new ZkeyFormatError(`the ${magic} file is truncated`, { details: `section ${i}` });
    const id = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    if (pos + 12 + size > b.length)
      throw new ZkeyFormatError(`the ${magic} file is truncated`, { details: `section ${id}: ${size} bytes` });
    if (out.has(id)) throw new ZkeyFormatError(`the ${magic} file repeats a section`, { details: String(id) });
    out.set(id, { pos: pos + 12, size });
    pos += 12 + size;
  }
  if (pos !== b.length)
    throw new ZkeyFormatError(`the ${magic} file has trailing bytes`, { details: `${b.length - pos} bytes` });
  return out;
}

/**
 * Parses (and with `points`, checks) a snarkjs Groth16 `.zkey` over BN254.
 *
 * @throws {ZkeyFormatError} anything malformed, truncated, or (with `points`) a point off the curve.
 */
export function readZkey(b: Uint8Array, opts: { points?: boolean } = {}): Zkey {
  const secs = sections(b, "zkey");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sec = (id: number, size?: number) => {
    const s = secs.get(id);
    if (!s) throw new ZkeyFormatError("the zkey lacks a section", { details: String(id) });
    if (size !== undefined && s.size !== size)
      throw new ZkeyFormatError("a zkey section has the wrong size", { details: `section ${id}: ${s.size} ≠ ${size}` });
    return s;
  };
  if (dv.getUint32(4, true) !== 1) throw new ZkeyFormatError("unknown zkey version");
  if (dv.getUint32(sec(1, 4).pos, true) !== 1) throw new ZkeyFormatError("the zkey is not a Groth16 key");
  const h = sec(2, 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128).pos;
  if (dv.getUint32(h, true) !== 32 || le(b, h + 4) !== Q || dv.getUint32(h + 36, true) !== 32 || le(b, h + 40) !== P)
    throw new ZkeyFormatError("the zkey is not over BN254");
  const nVars = dv.getUint32(h + 72, true);
  const nPublic = dv.getUint32(h + 76, true);
  const domainSize = dv.getUint32(h + 80, true);
  if (nPublic + 1 > nVars || domainSize === 0 || (domainSize & (domainSize - 1)) !== 0)
    throw new ZkeyFormatError("the zkey's header is inconsistent", { details: `${nVars} ${nPublic} ${domainSize}` });
  const check = opts.points === true;
  const fq = (o: number, what: string) => {
    const raw = leAt(dv, o);
    if (raw >= Q) throw new ZkeyFormatError("a zkey coordinate is not below q", { details: what });
    return (raw * RINV) % Q;
  };
  const g1 = (o: number, what: string): G1 => {
    const x = fq(o, what);
    const y = fq(o + 32, what);
    if (x === 0n && y === 0n) return null;
    if (check && (y * y - x * x * x - 3n) % Q !== 0n)
      throw new ZkeyFormatError("a zkey G1 point is not on the curve", { details: what });
    return { x, y };
  };
  const g2 = (o: number, what: string, subgroup = false): G2 => {
    const x = { c0: fq(o, what), c1: fq(o + 32, what) };
    const y = { c0: fq(o + 64, what), c1: fq(o + 96, what) };
    if (x.c0 === 0n && x.c1 === 0n && y.c0 === 0n && y.c1 === 0n) return null;
    if (check) {
      const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2);
      if (!Fp2.eql(Fp2.sqr(y), rhs))
        throw new ZkeyFormatError("a zkey G2 point is not on the twist", { details: what });
      if (subgroup) {
        try {
          g2FromAffine({ x, y });
        } catch {
          throw new ZkeyFormatError("a zkey G2 point is not in the prime-order subgroup", { details: what });
        }
      }
    }
    return { x, y };
  };
  const p = h + 84;
  const alpha1 = g1(p, "alpha1");
  const beta1 = g1(p + 64, "beta1");
  const beta2 = g2(p + 128, "beta2", true);
  const gamma2 = g2(p + 256, "gamma2", true);
  const delta1 = g1(p + 384, "delta1");
  const delta2 = g2(p + 448, "delta2", true);
  if (!alpha1 || !beta2 || !gamma2 || !delta2 || !delta1 || !beta1)
    throw new ZkeyFormatError("a zkey header point is the point at infinity");
  const icSec = sec(3, (nPublic + 1) * 64);
  const ic = Array.from({ length: nPublic + 1 }, (_, i) => g1(icSec.pos + 64 * i, `IC[${i}]`));
  const coef = sec(4);
  if (coef.size < 4 || coef.size !== 4 + dv.getUint32(coef.pos, true) * 44)
    throw new ZkeyFormatError("the zkey's coefficient section has the wrong size", { details: String(coef.size) });
  const points = (id: number, n: number, size: number, name: string) => {
    const s = sec(id, n * size);
    if (check) for (let i = 0; i < n; i++) (size === 64 ? g1 : g2)(s.pos + size * i, `${name}[${i}]`);
  };
  points(5, nVars, 64, "A");
  points(6, nVars, 64, "B1");
  points(7, nVars, 128, "B2");
  points(8, nVars - nPublic - 1, 64, "C");
  points(9, domainSize, 64, "H");
  sec(10);
  const s1 = (q: G1) => [String(q?.x ?? 0n), String(q?.y ?? 0n), q ? "1" : "0"] as [string, string, string];
  const s2 = (q: G2 & object) =>
    [
      [String(q.x.c0), String(q.x.c1)],
      [String(q.y.c0), String(q.y.c1)],
      ["1", "0"],
    ] as SnarkjsVkey["vk_beta_2"];
  const vkey: SnarkjsVkey = {
    protocol: "groth16",
    curve: "bn128",
    nPublic,
    vk_alpha_1: s1(alpha1),
    vk_beta_2: s2(beta2),
    vk_gamma_2: s2(gamma2),
    vk_delta_2: s2(delta2),
    IC: ic.map(s1),
  };
  return {
    nVars,
    nPublic,
    domainSize,
    alpha1,
    beta1,
    beta2,
    gamma2,
    delta1,
    delta2,
    ic,
    coefficients: b.subarray(coef.pos, coef.pos + coef.size),
    vkey,
    vkWords: vkeyWordsV2(vkey),
  };
}

/**
 * A v2 verifying key's words in the order a v2 verifier holds them (decider/verifier.sol.ejs): α (x, y), β,
 * γ, δ (each `x.c1, x.c0, y.c1, y.c0`, EIP-197 order), then `IC[i]` (x, y).
 */
export function vkeyWordsV2(vk: SnarkjsVkey): bigint[] {
  const g2 = (q: SnarkjsVkey["vk_beta_2"]) => [q[0][1], q[0][0], q[1][1], q[1][0]].map(BigInt);
  return [
    BigInt(vk.vk_alpha_1[0]),
    BigInt(vk.vk_alpha_1[1]),
    ...g2(vk.vk_beta_2),
    ...g2(vk.vk_gamma_2),
    ...g2(vk.vk_delta_2),
    ...vk.IC.flatMap((q) => [BigInt(q[0]), BigInt(q[1])]),
  ];
}

/**
 * The coefficient section (4) snarkjs's `newZKey` writes for the `.r1cs` `r1cs`, and the domain size it
 * picks (the least power of two above `nConstraints + nPublic`).
 *
 * @throws {ZkeyFormatError} `r1cs` is not an `.r1cs` file.
 */
export function expectedZkeyCoefficients(r1cs: Uint8Array): { coefficients: Uint8Array; domainSize: number } {
  const secs = sections(r1cs, "r1cs");
  const dv = new DataView(r1cs.buffer, r1cs.byteOffset, r1cs.byteLength);
  const hs = secs.get(1);
  const cs = secs.get(2);
  if (!hs || !cs) throw new ZkeyFormatError("the r1cs lacks its header or constraints");
  const h = hs.pos;
  if (dv.getUint32(h, true) !== 32) throw new ZkeyFormatError("the r1cs is not over a 32-byte field");
  const nOut = dv.getUint32(h + 40, true);
  const nPubIn = dv.getUint32(h + 44, true);
  const nConstraints = dv.getUint32(h + 60, true);
  const nPublic = nOut + nPubIn;
  // Two passes over the constraints: count A and B terms, then write them (no intermediate arrays).
  let count = nPublic + 1;
  let o = cs.pos;
  for (let c = 0; c < nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const n = dv.getUint32(o, true);
      if (m < 2) count += n;
      o += 4 + 36 * n;
    }
  }
  const out = new Uint8Array(4 + count * 44);
  const w = new DataView(out.buffer);
  w.setUint32(0, count, true);
  let p = 4;
  const term = (m: number, c: number, s: number, v: bigint) => {
    w.setUint32(p, m, true);
    w.setUint32(p + 4, c, true);
    w.setUint32(p + 8, s, true);
    putLe(w, p + 12, v === 1n ? R2_FR : (v * R2_FR) % P);
    p += 44;
  };
  o = cs.pos;
  for (let c = 0; c < nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const n = dv.getUint32(o, true);
      o += 4;
      if (m < 2) for (let i = 0; i < n; i++) term(m, c, dv.getUint32(o + 36 * i, true), leAt(dv, o + 36 * i + 4));
      o += 36 * n;
    }
  }
  for (let s = 0; s <= nPublic; s++) term(0, nConstraints + s, s, 1n);
  const total = nConstraints + nPublic;
  return { coefficients: out, domainSize: 2 ** (Math.floor(Math.log2(total)) + 1) };
}
