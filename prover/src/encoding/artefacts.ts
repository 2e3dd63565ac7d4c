/**
 * Encoders and decoders of the prover's artefacts in the canonical format of codec.ts (v1):
 *
 *   RelaxedInstance (kind 1) = header ‖ cmW:G1 ‖ cmE:G1 ‖ u:Fr ‖ len(x):u32 ‖ x:Fr*
 *   RelaxedWitness  (kind 2) = header ‖ len(W):u32 ‖ W:Fr* ‖ len(E):u32 ‖ E:Fr* ‖ rW:Fr ‖ rE:Fr
 *   TreeNode        (kind 3) = header ‖ a:u64 ‖ c:u64 ‖ s:u32 ‖ zIn:Fr^s ‖ zOut:Fr^s ‖ cmW ‖ cmE ‖ u ‖ len(x) ‖ x
 *                              (with 0 ≤ a < c ≤ 2^48 and len(x) = 2s)
 *
 * The content hash of an artefact is `keccak256` of its encoding ({@link contentHash}).
 */
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import { LengthError } from "../errors/encoding.js";
import type { TreeNode } from "../folding/tree.js";
import { ByteReader, ByteWriter, HEADER_BYTES, Kind } from "./codec.js";

export { contentHash } from "./codec.js";

/** Longest public IO `x` (2s): 2^16 entries. */
export const MAX_X_LEN = 1 << 16;
/** Longest W or E: 2^28 entries (8 GiB encoded; larger circuits need a new version). */
export const MAX_VECTOR_LEN = 1 << 28;
/** Largest leaf index bound `c`: 2^48 leaves. */
export const MAX_LEAVES = 2 ** 48;

const instanceBodySize = (U: RelaxedInstance) => 64 + 64 + 32 + 4 + 32 * U.x.length;

function writeInstanceBody(w: ByteWriter, U: RelaxedInstance): void {
  w.g1(U.cmW, "cmW");
  w.g1(U.cmE, "cmE");
  w.fr(U.u, "u");
  w.frVector(U.x, "x", MAX_X_LEN);
}

function readInstanceBody(r: ByteReader): RelaxedInstance {
  const cmW = r.g1("cmW");
  const cmE = r.g1("cmE");
  const u = r.fr("u");
  const x = r.frVector("x", MAX_X_LEN);
  return { cmW, cmE, u, x };
}

export function encodeInstance(U: RelaxedInstance): Uint8Array {
  const w = new ByteWriter(HEADER_BYTES + instanceBodySize(U));
  w.header(Kind.RelaxedInstance);
  writeInstanceBody(w, U);
  return w.finish();
}

/** @throws {EncodingError} (a subclass naming the rule broken). */
export function decodeInstance(bytes: Uint8Array): RelaxedInstance {
  const r = new ByteReader(bytes);
  r.header(Kind.RelaxedInstance);
  const U = readInstanceBody(r);
  r.end();
  return U;
}

export function encodeWitness(W: RelaxedWitness): Uint8Array {
  const w = new ByteWriter(HEADER_BYTES + 4 + 32 * W.W.length + 4 + 32 * W.E.length + 64);
  w.header(Kind.RelaxedWitness);
  w.frVector(W.W, "W", MAX_VECTOR_LEN);
  w.frVector(W.E, "E", MAX_VECTOR_LEN);
  w.fr(W.rW, "rW");
  w.fr(W.rE, "rE");
  return w.finish();
}

/** @throws {EncodingError} (a subclass naming the rule broken). */
export function decodeWitness(bytes: Uint8Array): RelaxedWitness {
  const r = new ByteReader(bytes);
  r.header(Kind.RelaxedWitness);
  const W = r.frVector("W", MAX_VECTOR_LEN);
  const E = r.frVector("E", MAX_VECTOR_LEN);
  const rW = r.fr("rW");
  const rE = r.fr("rE");
  r.end();
  return { W, E, rW, rE };
}

function checkNodeShape(a: number, c: number, s: number, xLen: number): void {
  if (c <= a) throw new LengthError("tree node range is empty", { details: `[${a}, ${c})` });
  if (xLen !== 2 * s) throw new LengthError("tree node x must have length 2s", { details: `len(x) ${xLen}, s ${s}` });
}

export function encodeTreeNode(n: TreeNode): Uint8Array {
  const s = n.zIn.length;
  if (n.zOut.length !== s) {
    throw new LengthError("zIn and zOut have different lengths", { details: `${s} vs ${n.zOut.length}` });
  }
  checkNodeShape(n.a, n.c, s, n.U.x.length);
  const w = new ByteWriter(HEADER_BYTES + 8 + 8 + 4 + 64 * s + instanceBodySize(n.U));
  w.header(Kind.TreeNode);
  w.u64(n.a, "a", MAX_LEAVES);
  w.u64(n.c, "c", MAX_LEAVES);
  w.u32(s, "s", MAX_X_LEN / 2);
  for (let i = 0; i < s; i++) w.fr(n.zIn[i], `zIn[${i}]`);
  for (let i = 0; i < s; i++) w.fr(n.zOut[i], `zOut[${i}]`);
  writeInstanceBody(w, n.U);
  return w.finish();
}

/** @throws {EncodingError} (a subclass naming the rule broken). */
export function decodeTreeNode(bytes: Uint8Array): TreeNode {
  const r = new ByteReader(bytes);
  r.header(Kind.TreeNode);
  const a = r.u64("a", MAX_LEAVES);
  const c = r.u64("c", MAX_LEAVES);
  const s = r.u32("s", MAX_X_LEN / 2);
  const zIn = Array.from({ length: s }, (_, i) => r.fr(`zIn[${i}]`));
  const zOut = Array.from({ length: s }, (_, i) => r.fr(`zOut[${i}]`));
  const U = readInstanceBody(r);
  r.end();
  checkNodeShape(a, c, s, U.x.length);
  return { a, c, zIn, zOut, U };
}
