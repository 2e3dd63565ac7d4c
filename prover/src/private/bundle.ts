/**
 * The private bundle (`novanet prove --private`, docs/private.md): what a private proof publishes.
 *
 * A private bundle is a folder holding one file, `bundle.json`:
 * ```
 * { "format": "novanet/private-bundle/v1", "mode": "private", "createdAt",
 *   "circuit": { "name", "stepR1csHash" (F), "r1csHash" (F̂), "wrapperVersion", "stateWidth" (of F),
 *                "nConstraints", "nW" (of F̂) },
 *   "srs": { "digest", "n", "insecureDev" },                    a claim, checked against the verifier's SRS
 *   "domain": { "tag", "chainId", "market", "value" },          the fold domain (market-bound with --market)
 *   "transcript": 2,                                            only for market v2 (absent: transcript v1, ProofMarket)
 *   "steps": N,
 *   "commitments": [c_0, …, c_N],                               c_k = Poseidon(z_k, s_k), salts never published
 *   "input":  { "z0": [...], "salt" } | null,                   the opening of c_0 (null: input kept private)
 *   "output": { "zN": [...], "salt" } | null,                   the opening of c_N (null: output kept private)
 *   "leaves": [cmW_0, …, cmW_{N−1}],                            blinded witness commitments
 *   "folds":  [{ "nodeId", "cmT", "r" }, …],                    N − 1 folds in post-order, cmT blinded
 *   "root":   { "cmW", "cmE", "u", "x", "hash" },
 *   "decider": v3: { "format": "novanet/decider/v3", "variant": "commit-and-prove", "deciderConstraints",
 *                    "keys": { "vkHash", "insecureDevKeys" }, "proof" }       (decider/bundle.ts, as local bundles)
 *              v2: { "format": "novanet/private-decider/v1", "variant": "hashed", "deciderConstraints",
 *                    "insecureDevKeys", "proof" }                            (bundles made before v3, and --decider v2)
 * ```
 * `decider.format` decides how the proof is parsed (decider/bundle.ts's table); the verifier's key is its own,
 * of that version, and `keys` / `insecureDevKeys` are claims it never consults.
 * Nothing else: no witness, no folded witness, no intermediate state `z_k` (0 < k < N), no salt of an
 * interior boundary, no key, no ptau path, no verifier contract. Leaf `k`'s instance is rebuilt by the
 * verifier as `(cmW_k, (0, 0), 1, (c_{k+1}, c_k))`.
 */
import type { Hex } from "viem";
import type { RelaxedInstance } from "../arith/relaxed.js";
import { type G1Affine, g1FromAffine, P, Q } from "../curve/bn254.js";
import {
  DECIDER_V3_FORMAT,
  type DeciderProofJson,
  type DeciderV3BundleJson,
  parseDeciderJson,
  parseVersionedProof,
  type VersionedProof,
} from "../decider/bundle.js";
import { PrivateBundleError } from "../errors/private.js";

export const PRIVATE_BUNDLE_FORMAT = "novanet/private-bundle/v1";
/** `decider.format` of a private bundle's v2 proof (v3 proofs use decider/bundle.ts's `novanet/decider/v3`). */
export const PRIVATE_DECIDER_FORMAT = "novanet/private-decider/v1";
export const PRIVATE_BUNDLE_JSON = "bundle.json";

export type PointJson = { x: string; y: string };
export type PrivateBundleJson = {
  format: typeof PRIVATE_BUNDLE_FORMAT;
  mode: "private";
  createdAt: string;
  circuit: {
    name: string;
    stepR1csHash: Hex;
    r1csHash: Hex;
    wrapperVersion: number;
    stateWidth: number;
    nConstraints: number;
    nW: number;
  };
  srs: { digest: Hex; n: number; insecureDev: boolean };
  domain: { tag: string; chainId: string; market: Hex; value: Hex };
  /**
   * 2: the folds use transcript v2 over all `N` leaves (`jobId = 0`), as market v2's `submitBundle` and
   * `proposeBundle`/`challengeBundle` re-execute them; absent: transcript v1 (the v1 ProofMarket).
   */
  transcript?: 2;
  steps: number;
  commitments: string[];
  input: { z0: string[]; salt: string } | null;
  output: { zN: string[]; salt: string } | null;
  leaves: PointJson[];
  folds: { nodeId: string; cmT: PointJson; r: string }[];
  root: { cmW: PointJson; cmE: PointJson; u: string; x: string[]; hash: Hex };
  decider: PrivateDeciderV2Json | DeciderV3BundleJson;
};

/** A private bundle's v2 `decider` field (unchanged since private mode existed). */
export type PrivateDeciderV2Json = {
  format: typeof PRIVATE_DECIDER_FORMAT;
  variant: "hashed";
  deciderConstraints: number;
  insecureDevKeys: boolean;
  proof: DeciderProofJson;
};

export const dec = (v: bigint): string => v.toString(10);
export const pointJson = (p: G1Affine): PointJson => ({ x: dec(p.x), y: dec(p.y) });

// ---------- parsing (validating) ----------

function fail(what: string, where: string): never {
  throw new PrivateBundleError(`malformed private bundle: ${what}`, { details: where });
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("expected an object", where);
  return v as Record<string, unknown>;
}

export function parseDec(v: unknown, where: string, bound = P): bigint {
  if (typeof v !== "string" || !/^(0|[1-9][0-9]*)$/.test(v) || v.length > 80) fail("expected a decimal string", where);
  const b = BigInt(v);
  if (b >= bound) fail("value out of range", where);
  return b;
}

function decArray(v: unknown, where: string, len?: number): bigint[] {
  if (!Array.isArray(v)) fail("expected an array", where);
  if (len !== undefined && v.length !== len) fail(`expected ${len} entries, got ${v.length}`, where);
  return v.map((e, i) => parseDec(e, `${where}[${i}]`));
}

function count(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail("expected a non-negative integer", where);
  return v;
}

function hex32(v: unknown, where: string): Hex {
  if (typeof v !== "string" || !/^0x[0-9a-f]{64}$/.test(v)) fail("expected 32 bytes of lower-case 0x-hex", where);
  return v as Hex;
}

export function parsePoint(v: unknown, where: string): G1Affine {
  const o = obj(v, where);
  const p = { x: parseDec(o.x, `${where}.x`, Q), y: parseDec(o.y, `${where}.y`, Q) };
  try {
    g1FromAffine(p);
  } catch (cause) {
    throw new PrivateBundleError("malformed private bundle: point not on the curve", { details: where, cause });
  }
  return p;
}

/** The parsed, typed form of a private bundle. */
export type PrivateBundle = {
  json: PrivateBundleJson;
  N: number;
  s: number;
  commitments: bigint[];
  input: { z0: bigint[]; salt: bigint } | null;
  output: { zN: bigint[]; salt: bigint } | null;
  leaves: G1Affine[];
  folds: { nodeId: bigint; cmT: G1Affine; r: bigint }[];
  root: RelaxedInstance;
  chainId: bigint;
  market: Hex;
  /** The fold transcript: 1 (v1 ProofMarket) or 2 (market v2: `submitBundle`, optimistic `proposeBundle`). */
  transcript: 1 | 2;
  /** The decider proof and its version (from `decider.format`). */
  proof: VersionedProof;
};

/** Validates a parsed `bundle.json` of a private bundle. @throws {PrivateBundleError}. */
export function parsePrivateBundle(v: unknown): PrivateBundle {
  const o = obj(v, "bundle");
  if (o.format !== PRIVATE_BUNDLE_FORMAT || o.mode !== "private") {
    fail(`not a private bundle (format ${JSON.stringify(o.format)})`, "format");
  }
  const circuit = obj(o.circuit, "circuit");
  hex32(circuit.stepR1csHash, "circuit.stepR1csHash");
  hex32(circuit.r1csHash, "circuit.r1csHash");
  const s = count(circuit.stateWidth, "circuit.stateWidth");
  const srs = obj(o.srs, "srs");
  hex32(srs.digest, "srs.digest");
  count(srs.n, "srs.n");
  const domain = obj(o.domain, "domain");
  hex32(domain.value, "domain.value");
  const chainId = parseDec(domain.chainId, "domain.chainId", 1n << 256n);
  if (typeof domain.market !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(domain.market))
    fail("bad address", "domain.market");
  const N = count(o.steps, "steps");
  if (N < 1) fail("a bundle has at least one step", "steps");
  const commitments = decArray(o.commitments, "commitments", N + 1);
  const input =
    o.input === null
      ? null
      : (() => {
          const i = obj(o.input, "input");
          return { z0: decArray(i.z0, "input.z0", s), salt: parseDec(i.salt, "input.salt") };
        })();
  const output =
    o.output === null
      ? null
      : (() => {
          const i = obj(o.output, "output");
          return { zN: decArray(i.zN, "output.zN", s), salt: parseDec(i.salt, "output.salt") };
        })();
  if (!Array.isArray(o.leaves) || o.leaves.length !== N) fail(`expected ${N} leaves`, "leaves");
  const leaves = o.leaves.map((p, k) => parsePoint(p, `leaves[${k}]`));
  if (!Array.isArray(o.folds) || o.folds.length !== N - 1) fail(`expected ${N - 1} folds`, "folds");
  const folds = o.folds.map((f, i) => {
    const fo = obj(f, `folds[${i}]`);
    return {
      nodeId: parseDec(fo.nodeId, `folds[${i}].nodeId`, 1n << 256n),
      cmT: parsePoint(fo.cmT, `folds[${i}].cmT`),
      r: parseDec(fo.r, `folds[${i}].r`),
    };
  });
  if (o.transcript !== undefined && o.transcript !== 2) fail("transcript must be 2 or absent", "transcript");
  const r = obj(o.root, "root");
  const root: RelaxedInstance = {
    cmW: parsePoint(r.cmW, "root.cmW"),
    cmE: parsePoint(r.cmE, "root.cmE"),
    u: parseDec(r.u, "root.u"),
    x: decArray(r.x, "root.x", 2),
  };
  const d = obj(o.decider, "decider");
  let proof: VersionedProof;
  try {
    if (d.format === PRIVATE_DECIDER_FORMAT) proof = parseVersionedProof(2, d.proof);
    else if (d.format === DECIDER_V3_FORMAT) proof = parseDeciderJson(d, "decider");
    else fail("unknown decider format", "decider.format");
  } catch (cause) {
    if (cause instanceof PrivateBundleError) throw cause;
    throw new PrivateBundleError("malformed private bundle: decider proof", { details: "decider.proof", cause });
  }
  return {
    json: o as PrivateBundleJson,
    N,
    s,
    commitments,
    input,
    output,
    leaves,
    folds,
    root,
    chainId,
    market: domain.market as Hex,
    transcript: o.transcript === 2 ? 2 : 1,
    proof,
  };
}

/** Whether a parsed `bundle.json` claims to be a private bundle (the CLI routes on it). */
export function isPrivateBundleJson(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as { format?: unknown }).format === PRIVATE_BUNDLE_FORMAT;
}
