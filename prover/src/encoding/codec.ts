/**
 * The canonical binary encoding of NovaNet artefacts, version 1 (docs/encoding.md).
 *
 *   header  = magic "NNET" (4 bytes) ‖ version (1 byte, 0x01) ‖ kind (1 byte)
 *   Fr      = 32 bytes big-endian, < p
 *   G1      = x ‖ y, 32 bytes big-endian each, < q, on the curve; (0, 0) is the point at infinity
 *   length  = u32 big-endian, checked against a per-field maximum before anything is allocated
 *
 * One value has exactly one encoding (no optional fields, no padding, canonical field elements), so the
 * content hash `keccak256(encoding)` identifies it. The reader rejects, with a typed
 * {@link EncodingError} subclass, truncation, trailing bytes, a wrong magic/version/kind, elements ≥ p,
 * points off the curve and oversized lengths.
 */
import { type Hex, keccak256 } from "viem";
import { type G1Affine, g1FromAffine, P, Q } from "../curve/bn254.js";
import {
  BadMagicError,
  InvalidPointEncodingError,
  LengthError,
  NonCanonicalFieldElementError,
  TrailingBytesError,
  TruncatedEncodingError,
  UnsupportedVersionError,
  WrongKindError,
} from "../errors/encoding.js";

export const MAGIC = new Uint8Array([0x4e, 0x4e, 0x45, 0x54]); // "NNET"
export const VERSION = 1;
export const HEADER_BYTES = 6;

/** The kind byte: what the bytes encode. */
export const Kind = {
  RelaxedInstance: 1,
  RelaxedWitness: 2,
  TreeNode: 3,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const KIND_NAMES: Record<number, string> = { 1: "RelaxedInstance", 2: "RelaxedWitness", 3: "TreeNode" };

/** `keccak256(encoding)`: the content address of an encoded artefact. */
export function contentHash(encoding: Uint8Array): Hex {
  return keccak256(encoding);
}

const MASK64 = (1n << 64n) - 1n;

/** Append-only writer into a buffer of known final size. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }

  header(kind: Kind): void {
    this.bytes.set(MAGIC, 0);
    this.bytes[4] = VERSION;
    this.bytes[5] = kind;
    this.pos = HEADER_BYTES;
  }

  u32(v: number, what: string, max: number): void {
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new LengthError(`${what} is out of range`, { details: `${v}, maximum ${max}` });
    }
    this.dv.setUint32(this.pos, v);
    this.pos += 4;
  }

  u64(v: number, what: string, max: number): void {
    if (!Number.isSafeInteger(v) || v < 0 || v > max) {
      throw new LengthError(`${what} is out of range`, { details: `${v}, maximum ${max}` });
    }
    this.dv.setBigUint64(this.pos, BigInt(v));
    this.pos += 8;
  }

  private word(v: bigint): void {
    const o = this.pos;
    this.dv.setBigUint64(o, v >> 192n);
    this.dv.setBigUint64(o + 8, (v >> 128n) & MASK64);
    this.dv.setBigUint64(o + 16, (v >> 64n) & MASK64);
    this.dv.setBigUint64(o + 24, v & MASK64);
    this.pos += 32;
  }

  fr(v: bigint, what: string): void {
    if (typeof v !== "bigint" || v < 0n || v >= P) {
      throw new NonCanonicalFieldElementError(`${what} is not a canonical element of F_p`, { details: String(v) });
    }
    this.word(v);
  }

  frVector(v: readonly bigint[], what: string, max: number): void {
    this.u32(v.length, `length of ${what}`, max);
    for (let i = 0; i < v.length; i++) this.fr(v[i], `${what}[${i}]`);
  }

  g1(p: G1Affine, what: string): void {
    try {
      g1FromAffine(p);
    } catch (cause) {
      throw new InvalidPointEncodingError(`${what} is not a valid G1 point`, { details: `(${p.x}, ${p.y})`, cause });
    }
    this.word(p.x);
    this.word(p.y);
  }

  /** The bytes written; throws if the size computed up front was wrong (a bug, not bad input). */
  finish(): Uint8Array {
    if (this.pos !== this.bytes.length)
      throw new Error(`encoder size mismatch: wrote ${this.pos} of ${this.bytes.length}`);
    return this.bytes;
  }
}

/** Reader over one encoding; every read checks the remaining length first. */
export class ByteReader {
  private readonly dv: DataView;
  private pos = 0;

  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new TruncatedEncodingError(`encoding ends inside ${what}`, {
        details: `needs ${n} bytes at offset ${this.pos}, ${this.bytes.length - this.pos} left`,
      });
    }
  }

  /** Reads and checks magic, version and kind. */
  header(kind: Kind): void {
    this.need(HEADER_BYTES, "the header");
    for (let i = 0; i < 4; i++) {
      if (this.bytes[i] !== MAGIC[i]) {
        throw new BadMagicError("not a NovaNet encoding (bad magic)", {
          details: `0x${Buffer.from(this.bytes.subarray(0, 4)).toString("hex")}`,
        });
      }
    }
    if (this.bytes[4] !== VERSION) {
      throw new UnsupportedVersionError("unsupported encoding version", {
        details: `version ${this.bytes[4]}, this code reads ${VERSION}`,
      });
    }
    if (this.bytes[5] !== kind) {
      throw new WrongKindError(`expected a ${KIND_NAMES[kind]} encoding`, {
        details: `kind byte ${this.bytes[5]} (${KIND_NAMES[this.bytes[5]] ?? "unknown"})`,
      });
    }
    this.pos = HEADER_BYTES;
  }

  u32(what: string, max: number): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    if (v > max) throw new LengthError(`${what} is above its maximum`, { details: `${v} > ${max}` });
    return v;
  }

  u64(what: string, max: number): number {
    this.need(8, what);
    const v = this.dv.getBigUint64(this.pos);
    this.pos += 8;
    if (v > BigInt(max)) throw new LengthError(`${what} is above its maximum`, { details: `${v} > ${max}` });
    return Number(v);
  }

  private word(): bigint {
    const o = this.pos;
    const v =
      (this.dv.getBigUint64(o) << 192n) |
      (this.dv.getBigUint64(o + 8) << 128n) |
      (this.dv.getBigUint64(o + 16) << 64n) |
      this.dv.getBigUint64(o + 24);
    this.pos += 32;
    return v;
  }

  fr(what: string): bigint {
    this.need(32, what);
    const at = this.pos;
    const v = this.word();
    if (v >= P) {
      throw new NonCanonicalFieldElementError(`${what} is not below p`, { details: `${v} at offset ${at}` });
    }
    return v;
  }

  /** A length-prefixed vector of field elements; the length is checked against `max` and the bytes left. */
  frVector(what: string, max: number): bigint[] {
    const n = this.u32(`length of ${what}`, max);
    this.need(32 * n, what);
    const out = new Array<bigint>(n);
    for (let i = 0; i < n; i++) out[i] = this.fr(`${what}[${i}]`);
    return out;
  }

  g1(what: string): G1Affine {
    this.need(64, what);
    const at = this.pos;
    const p = { x: this.word(), y: this.word() };
    if (p.x >= Q || p.y >= Q) {
      throw new InvalidPointEncodingError(`${what} has a coordinate not below q`, { details: `offset ${at}` });
    }
    try {
      g1FromAffine(p);
    } catch (cause) {
      throw new InvalidPointEncodingError(`${what} is not on the curve`, { details: `(${p.x}, ${p.y})`, cause });
    }
    return p;
  }

  /** Throws {@link TrailingBytesError} unless every byte was read. */
  end(): void {
    if (this.pos !== this.bytes.length) {
      throw new TrailingBytesError("bytes remain after the encoded value", {
        details: `${this.bytes.length - this.pos} trailing bytes`,
      });
    }
  }
}
