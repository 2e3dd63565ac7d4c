/**
 * Writers for the iden3 binary formats snarkjs reads: `.r1cs` (constraints) and `.wtns` (witness).
 *
 * `.r1cs` v1: magic "r1cs", version 1, three sections — 1 header (n8 = 32, prime, nWires, nPubOut,
 * nPubIn, nPrvIn, nLabels u64, nConstraints), 2 constraints (for each of A, B, C: term count u32, then
 * `wire u32 ‖ coefficient 32 bytes little-endian, canonical`), 3 wire→label map (u64 each, identity).
 * `.wtns` v2: magic "wtns", version 2, sections 1 header (n8, prime, nWitness) and 2 values (32 bytes LE).
 * Cost: linear in the number of non-zeros; the whole file is built in one buffer.
 */
import { P } from "../field/fr.js";
import type { Constraint } from "./cs.js";

function writeLe(buf: Uint8Array, offset: number, v: bigint, len: number): void {
  let x = v;
  for (let i = 0; i < len; i++) {
    buf[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** Serialises an R1CS over BN254's p in iden3's `.r1cs` format. */
export function writeR1csBytes(params: {
  nVars: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  constraints: readonly Constraint[];
}): Uint8Array {
  const { nVars, nPubOut, nPubIn, nPrvIn, constraints } = params;
  let consSize = 0;
  for (const c of constraints) for (const lc of c) consSize += 4 + 36 * lc.size;
  const headerSize = 4 + 32 + 4 * 4 + 8 + 4;
  const mapSize = 8 * nVars;
  const total = 12 + 3 * 12 + headerSize + consSize + mapSize;
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  buf.set([0x72, 0x31, 0x63, 0x73], 0); // "r1cs"
  dv.setUint32(4, 1, true);
  dv.setUint32(8, 3, true);
  let o = 12;
  const section = (type: number, size: number) => {
    dv.setUint32(o, type, true);
    dv.setBigUint64(o + 4, BigInt(size), true);
    o += 12;
  };
  section(1, headerSize);
  dv.setUint32(o, 32, true);
  writeLe(buf, o + 4, P, 32);
  o += 36;
  dv.setUint32(o, nVars, true);
  dv.setUint32(o + 4, nPubOut, true);
  dv.setUint32(o + 8, nPubIn, true);
  dv.setUint32(o + 12, nPrvIn, true);
  dv.setBigUint64(o + 16, BigInt(nVars), true);
  dv.setUint32(o + 24, constraints.length, true);
  o += 28;
  section(2, consSize);
  for (const c of constraints) {
    for (const lc of c) {
      dv.setUint32(o, lc.size, true);
      o += 4;
      const entries = [...lc.entries()].sort((x, y) => x[0] - y[0]);
      for (const [w, coef] of entries) {
        dv.setUint32(o, w, true);
        writeLe(buf, o + 4, ((coef % P) + P) % P, 32);
        o += 36;
      }
    }
  }
  section(3, mapSize);
  for (let i = 0; i < nVars; i++) {
    dv.setBigUint64(o, BigInt(i), true);
    o += 8;
  }
  return buf;
}

/** Serialises a full witness (wire 0 first) in iden3's `.wtns` v2 format. */
export function writeWtnsBytes(witness: readonly bigint[]): Uint8Array {
  const headerSize = 4 + 32 + 4;
  const dataSize = 32 * witness.length;
  const buf = new Uint8Array(12 + 12 + headerSize + 12 + dataSize);
  const dv = new DataView(buf.buffer);
  buf.set([0x77, 0x74, 0x6e, 0x73], 0); // "wtns"
  dv.setUint32(4, 2, true);
  dv.setUint32(8, 2, true);
  let o = 12;
  dv.setUint32(o, 1, true);
  dv.setBigUint64(o + 4, BigInt(headerSize), true);
  o += 12;
  dv.setUint32(o, 32, true);
  writeLe(buf, o + 4, P, 32);
  dv.setUint32(o + 36, witness.length, true);
  o += headerSize;
  dv.setUint32(o, 2, true);
  dv.setBigUint64(o + 4, BigInt(dataSize), true);
  o += 12;
  for (const v of witness) {
    writeLe(buf, o, v, 32);
    o += 32;
  }
  return buf;
}
