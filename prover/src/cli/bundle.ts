/**
 * The local-mode proof bundle written by `novanet prove` and read by `novanet verify` (docs/cli.md).
 *
 * A bundle is a directory:
 *
 *   bundle.json               public data: circuit hash, SRS digest (a claim: no path), domain inputs, z0, zN,
 *                             leaf instances (with zIn/zOut), the fold transcript, the root instance
 *   circuit.r1cs              the step circuit's R1CS (its keccak256 is the bundle's r1csHash)
 *   blobs/<keccak256>.wit     the root's relaxed witness (W, E, rW, rE) in the shared canonical
 *                             encoding (encoding/artefacts.ts), content-addressed
 *
 * Numbers are decimal strings, hashes 0x-hex, points `{ "x": "…", "y": "…" }` (the point at infinity
 * is (0, 0)). Every reader validates: canonical field elements, points on the curve, lengths.
 */
import type { Hex } from "viem";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import { type G1Affine, g1FromAffine, P, Q } from "../curve/bn254.js";
import { contentHash, decodeWitness, encodeWitness } from "../encoding/artefacts.js";
import { BundleFormatError } from "../errors/cli.js";
import type { FoldRecord, TreeNode } from "../folding/tree.js";

export const BUNDLE_FORMAT = "novanet/bundle/v2";
/** The root witness blob is encoding/artefacts.ts `encodeWitness` (header "NNET", version 1, kind 2). */
export const WITNESS_ENCODING = "novanet/encoding/v1/RelaxedWitness";
export const BUNDLE_JSON = "bundle.json";
export const BUNDLE_R1CS = "circuit.r1cs";

export type PointJson = { x: string; y: string };
export type InstanceJson = { cmW: PointJson; cmE: PointJson; u: string; x: string[] };
export type NodeJson = { a: number; c: number; zIn: string[]; zOut: string[]; U: InstanceJson };
export type FoldJson = {
  nodeId: string;
  a: number;
  b: number;
  c: number;
  leftId: string;
  rightId: string;
  leftHash: Hex;
  rightHash: Hex;
  cmT: PointJson;
  r: string;
};

export type BundleJson = {
  format: typeof BUNDLE_FORMAT;
  /** `local` today; the private mode (PROTOCOL.md §9) adds its own value here. */
  mode: "local";
  createdAt: string;
  circuit: {
    name: string;
    r1csHash: Hex;
    r1cs: string;
    stateWidth: number;
    nConstraints: number;
    nVars: number;
    nW: number;
  };
  /**
   * The SRS as a CLAIM: `verify` takes its SRS from `--ptau` or its trust store (trust/store.ts), checks
   * that its first `n` powers have this digest, and labels it by its own pins, never by `claim`. No
   * path travels in a bundle.
   */
  srs: {
    digest: Hex;
    /** Number of G1 powers used: commitments are over `[τ^0..τ^(n−1)]G1`. */
    n: number;
    /** The prover's own word (informational only): whether it used a generated INSECURE dev SRS. */
    claim: { insecureDev: boolean };
  };
  domain: { tag: string; chainId: string; market: Hex; value: Hex };
  jobId: string;
  hiding: boolean;
  steps: number;
  z0: string[];
  zN: string[];
  leaves: NodeJson[];
  folds: FoldJson[];
  root: NodeJson & { hash: Hex };
  rootWitness: { blob: string; hash: Hex; encoding: typeof WITNESS_ENCODING };
  /** Filled by the decider (a later issue): the succinct proof of the root. */
  decider: unknown;
};

// ---------- encoding to JSON ----------

export const dec = (v: bigint): string => v.toString(10);
export const pointJson = (p: G1Affine): PointJson => ({ x: dec(p.x), y: dec(p.y) });
export const instanceJson = (U: RelaxedInstance): InstanceJson => ({
  cmW: pointJson(U.cmW),
  cmE: pointJson(U.cmE),
  u: dec(U.u),
  x: U.x.map(dec),
});
export const nodeJson = (n: TreeNode): NodeJson => ({
  a: n.a,
  c: n.c,
  zIn: n.zIn.map(dec),
  zOut: n.zOut.map(dec),
  U: instanceJson(n.U),
});
export const foldJson = (f: FoldRecord): FoldJson => ({
  nodeId: dec(f.nodeId),
  a: f.a,
  b: f.b,
  c: f.c,
  leftId: dec(f.leftId),
  rightId: dec(f.rightId),
  leftHash: f.leftHash,
  rightHash: f.rightHash,
  cmT: pointJson(f.cmT),
  r: dec(f.r),
});

// ---------- decoding from JSON (validating) ----------

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function fail(what: string, where: string): never {
  throw new BundleFormatError(`malformed bundle: ${what}`, { details: where });
}

/** A decimal string `< bound` (default p). */
export function parseDec(v: unknown, where: string, bound = P): bigint {
  if (typeof v !== "string" || !DECIMAL.test(v) || v.length > 80) fail("expected a decimal string", where);
  const b = BigInt(v);
  if (b >= bound) fail(`value ≥ ${bound === P ? "p" : bound === Q ? "q" : String(bound)}`, where);
  return b;
}

export function parseDecArray(v: unknown, where: string, len?: number): bigint[] {
  if (!Array.isArray(v)) fail("expected an array", where);
  if (len !== undefined && v.length !== len) fail(`expected ${len} entries, got ${v.length}`, where);
  return v.map((e, i) => parseDec(e, `${where}[${i}]`));
}

export function parseInt32(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail("expected a non-negative integer", where);
  return v;
}

export function parseHex32(v: unknown, where: string): Hex {
  if (typeof v !== "string" || !/^0x[0-9a-f]{64}$/.test(v)) fail("expected 32 bytes of lower-case 0x-hex", where);
  return v as Hex;
}

export function parsePoint(v: unknown, where: string): G1Affine {
  if (typeof v !== "object" || v === null) fail("expected a point {x, y}", where);
  const o = v as Record<string, unknown>;
  const p = { x: parseDec(o.x, `${where}.x`, Q), y: parseDec(o.y, `${where}.y`, Q) };
  try {
    g1FromAffine(p);
  } catch (cause) {
    throw new BundleFormatError("malformed bundle: point not on the curve", { details: where, cause });
  }
  return p;
}

export function parseInstance(v: unknown, where: string, s: number): RelaxedInstance {
  if (typeof v !== "object" || v === null) fail("expected an instance", where);
  const o = v as Record<string, unknown>;
  return {
    cmW: parsePoint(o.cmW, `${where}.cmW`),
    cmE: parsePoint(o.cmE, `${where}.cmE`),
    u: parseDec(o.u, `${where}.u`),
    x: parseDecArray(o.x, `${where}.x`, 2 * s),
  };
}

export function parseNode(v: unknown, where: string, s: number): TreeNode {
  if (typeof v !== "object" || v === null) fail("expected a node", where);
  const o = v as Record<string, unknown>;
  return {
    a: parseInt32(o.a, `${where}.a`),
    c: parseInt32(o.c, `${where}.c`),
    zIn: parseDecArray(o.zIn, `${where}.zIn`, s),
    zOut: parseDecArray(o.zOut, `${where}.zOut`, s),
    U: parseInstance(o.U, `${where}.U`, s),
  };
}

export function parseFold(v: unknown, where: string): FoldRecord {
  if (typeof v !== "object" || v === null) fail("expected a fold record", where);
  const o = v as Record<string, unknown>;
  const id = (x: unknown, w: string) => parseDec(x, w, 1n << 256n);
  return {
    nodeId: id(o.nodeId, `${where}.nodeId`),
    a: parseInt32(o.a, `${where}.a`),
    b: parseInt32(o.b, `${where}.b`),
    c: parseInt32(o.c, `${where}.c`),
    leftId: id(o.leftId, `${where}.leftId`),
    rightId: id(o.rightId, `${where}.rightId`),
    leftHash: parseHex32(o.leftHash, `${where}.leftHash`),
    rightHash: parseHex32(o.rightHash, `${where}.rightHash`),
    cmT: parsePoint(o.cmT, `${where}.cmT`),
    r: parseDec(o.r, `${where}.r`),
  };
}

// ---------- the root witness blob ----------

/**
 * The root witness blob: the shared canonical encoding of a relaxed witness (encoding/artefacts.ts,
 * `RelaxedWitness`, kind 2), stored under its content address `keccak256(bytes)`. Decoding checks the
 * lengths against the circuit (`nW`, `m`) on top of the codec's own checks (canonical entries, no
 * trailing bytes).
 */
export function decodeRootWitness(bytes: Uint8Array, nW: number, m: number): RelaxedWitness {
  const w = decodeWitness(bytes);
  if (w.W.length !== nW || w.E.length !== m) {
    fail(
      `witness lengths (${w.W.length}, ${w.E.length}) are not the circuit's (nW, m) = (${nW}, ${m})`,
      "root witness",
    );
  }
  return w;
}

export { contentHash, encodeWitness };
