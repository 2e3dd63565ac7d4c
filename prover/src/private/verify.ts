/**
 * Verifies a private bundle (private/bundle.ts) for a step circuit `F` named by the caller (never by the
 * bundle): regenerates `F̂` from `F`, takes the SRS and the decider's verification key from the trust
 * store (trust/store.ts: the caller's `--ptau` or a pinned file found in the caller's folders, the
 * caller's `--vkey` or a store pin for `F̂`; a dev key only with `insecureDevKeys`), nothing from the
 * bundle, and checks
 * 1. the statement: `F`'s and `F̂`'s R1CS hashes and the wrapper version are the bundle's;
 * 2. the SRS digest and the fold domain (chain id, market, `F̂`, SRS) are what the bundle claims;
 * 3. the fold tree: leaf `k` is `(cmW_k, (0, 0), 1, (c_{k+1}, c_k))` (continuity is by construction:
 *    neighbouring leaves share `c_k`), the folds come in the canonical post-order and each `r` is the
 *    transcript challenge, and the folded root is the bundle's root;
 * 4. the decider proof of the root, with a key of the version `decider.format` names (v3: the commit-and-prove
 *    Groth16 of `D_F̂` and one KZG opening, the key's words naming `F̂`; v2: Groth16 of the hashed `D_F̂`
 *    and the KZG openings);
 * 5. the published openings: `c_0 = Poseidon(z0, s_0)`, `c_N = Poseidon(zN, s_N)`.
 * An invalid bundle gives `{ valid: false, reason }`; a bundle that cannot be checked (unreadable,
 * malformed, no key) throws a typed error.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import type { RelaxedInstance } from "../arith/relaxed.js";
import { G1_ZERO } from "../curve/bn254.js";
import { checkVersionedProof, type TrustedDeciderKey } from "../decider/bundle.js";
import { PrivateBundleError } from "../errors/private.js";
import { UntrustedDeciderKeyError } from "../errors/trust.js";
import { foldChallengeFor, foldInstances } from "../folding/nifs.js";
import { domainSeparator, instanceHash } from "../folding/transcript.js";
import { nodeId, splitPoint } from "../folding/tree.js";
import {
  assertKeyAllowed,
  loadTrustStore,
  resolveDeciderKey,
  resolveSrs,
  type SrsTrust,
  type TrustStore,
} from "../trust/store.js";
import { isVkeyV3File, resolveDeciderKeyV3 } from "../trust/v3.js";
import { PRIVATE_BUNDLE_JSON, type PrivateBundle, parsePrivateBundle } from "./bundle.js";
import { compilePrivateCircuit, stateCommitment, WRAPPER_VERSION } from "./wrapper.js";

export type VerifyPrivateOptions = {
  /** `F`'s circom source: the step function the caller expects. */
  circuit: string;
  /** The caller's `.ptau` (labelled by its pin, `unpinned` otherwise); default: a pinned file of the store. */
  ptau?: string;
  /**
   * The decider's verification key: a v3 key file (`vkey-v3.json`) for a v3 proof, snarkjs JSON for a v2
   * one; default: the store's pin for `F̂` (`decidersV3` / `deciders`).
   */
  vkey?: string;
  /** The trust store (default {@link loadTrustStore} with `trust` and `ptauDirs`). */
  store?: TrustStore;
  trust?: string[];
  ptauDirs?: string[];
  /** Accept a decider key that is not a pinned ceremony key (`--insecure-dev-keys`). */
  insecureDevKeys?: boolean;
  cacheDir?: string;
  /** If set, the bundle must target this market. */
  expect?: { chainId: bigint; market: string };
};

export type VerifyPrivateResult = {
  valid: boolean;
  reason?: string;
  circuit: string;
  stepR1csHash: string;
  steps: number;
  c0: bigint;
  cN: bigint;
  /** The published openings (null when kept private). */
  z0: bigint[] | null;
  zN: bigint[] | null;
  chainId: bigint;
  market: string;
  /** The SRS is not a pinned ceremony file (the store's word, never the bundle's). */
  insecureDevSrs: boolean;
  srs?: { label: string; trust: SrsTrust; digest: string };
  keys?: { label: string; trust: string; vkHash: string };
};

/** Reads and parses `<dir>/bundle.json`. @throws {PrivateBundleError}. */
export function readPrivateBundle(path: string): PrivateBundle {
  const abs = resolve(path);
  const file = abs.endsWith(".json") ? abs : join(abs, PRIVATE_BUNDLE_JSON);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new PrivateBundleError("cannot read the bundle", { details: file, cause });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new PrivateBundleError("the bundle is not valid JSON", { details: file, cause });
  }
  return parsePrivateBundle(v);
}

/** The canonical post-order of the folds of `[0, N)` (children before parents, left first). */
export function foldPostOrder(N: number): bigint[] {
  const out: bigint[] = [];
  const walk = (a: number, c: number) => {
    if (c - a < 2) return;
    const b = splitPoint(a, c);
    walk(a, b);
    walk(b, c);
    out.push(nodeId(a, c));
  };
  walk(0, N);
  return out;
}

/** Re-folds the tree of a private bundle; returns the root or the reason it fails. */
export function refoldPrivateTree(
  b: PrivateBundle,
  domain: `0x${string}`,
): { root: RelaxedInstance } | { reason: string } {
  const order = foldPostOrder(b.N);
  const nodes = new Map<bigint, RelaxedInstance>();
  // Transcript v2 (market v2): each inner node's challenge hashes its children's tags.
  const tags = new Map<bigint, Hex>();
  const ctx = { domain, jobId: 0n, v2Leaves: b.transcript === 2 ? b.N : 0 };
  for (let k = 0; k < b.N; k++) {
    nodes.set(nodeId(k, k + 1), {
      cmW: b.leaves[k],
      cmE: G1_ZERO,
      u: 1n,
      x: [b.commitments[k + 1], b.commitments[k]],
    });
  }
  for (let i = 0; i < order.length; i++) {
    const f = b.folds[i];
    if (f.nodeId !== order[i]) return { reason: `fold ${i} is not node ${order[i]} of the canonical order` };
    const a = Number(f.nodeId >> 128n);
    const c = Number(f.nodeId & ((1n << 128n) - 1n));
    const mid = splitPoint(a, c);
    const left = nodes.get(nodeId(a, mid))!;
    const right = nodes.get(nodeId(mid, c))!;
    const { r, tag } = foldChallengeFor(
      ctx,
      f.nodeId,
      { U: left, tag: tags.get(nodeId(a, mid)) },
      { U: right, tag: tags.get(nodeId(mid, c)) },
      f.cmT,
    );
    if (r !== f.r) return { reason: `fold [${a}, ${c}): r is not the transcript challenge` };
    nodes.set(f.nodeId, foldInstances(left, right, f.cmT, r));
    if (tag !== undefined) tags.set(f.nodeId, tag);
  }
  return { root: nodes.get(nodeId(0, b.N))! };
}

export async function verifyPrivateBundle(path: string, opts: VerifyPrivateOptions): Promise<VerifyPrivateResult> {
  const b = readPrivateBundle(path);
  const cacheRoot = resolve(opts.cacheDir ?? ".novanet");
  const pc = await compilePrivateCircuit(opts.circuit, cacheRoot);
  const shape = await loadR1cs(pc.wrapped.r1csPath);
  const result: VerifyPrivateResult = {
    valid: false,
    circuit: pc.step.name,
    stepR1csHash: pc.step.r1csHash,
    steps: b.N,
    c0: b.commitments[0],
    cN: b.commitments[b.N],
    z0: b.input?.z0 ?? null,
    zN: b.output?.zN ?? null,
    chainId: b.chainId,
    market: b.market,
    insecureDevSrs: true,
  };
  const invalid = (reason: string): VerifyPrivateResult => ({ ...result, valid: false, reason });

  // 1. The statement.
  if (b.json.circuit.stepR1csHash !== pc.step.r1csHash) {
    return invalid(
      `the bundle proves another step circuit (R1CS ${b.json.circuit.stepR1csHash}, expected ${pc.step.r1csHash})`,
    );
  }
  if (b.json.circuit.wrapperVersion !== WRAPPER_VERSION || b.json.circuit.r1csHash !== shape.r1csHash) {
    return invalid("the bundle's private wrapper F^ is not the one generated from this circuit");
  }
  if (b.s !== pc.s) return invalid(`state width ${b.s}, the circuit's is ${pc.s}`);
  if (
    opts.expect &&
    (opts.expect.chainId !== b.chainId || opts.expect.market.toLowerCase() !== b.market.toLowerCase())
  ) {
    return invalid(`the bundle targets chain ${b.chainId} market ${b.market}`);
  }

  // 2. SRS and domain (the SRS is the caller's, never the bundle's).
  const n = Math.max(shape.nW, shape.m, 1) + 1;
  if (b.json.srs.n !== n) return invalid(`the bundle claims ${b.json.srs.n} SRS powers, F^ uses ${n}`);
  const store = opts.store ?? loadTrustStore({ stores: opts.trust, ptauDirs: opts.ptauDirs });
  const trusted = await resolveSrs(store, { n, digest: b.json.srs.digest as `0x${string}` }, opts.ptau);
  result.srs = { label: trusted.label, trust: trusted.trust, digest: trusted.digest };
  result.insecureDevSrs = trusted.trust !== "ceremony";
  const srs = trusted.srs;
  const digest = trusted.digest;
  if (digest !== b.json.srs.digest) {
    return invalid(`SRS digest ${b.json.srs.digest} is not the verifier's ${digest} (${trusted.label})`);
  }
  const domain = domainSeparator({ chainId: b.chainId, market: b.market, r1csHash: shape.r1csHash, srsDigest: digest });
  if (domain !== b.json.domain.value) return invalid("the bundle's domain is not the one its fields define");

  // 3. The fold tree.
  const t = refoldPrivateTree(b, domain);
  if ("reason" in t) return invalid(t.reason);
  if (instanceHash(t.root) !== instanceHash(b.root) || instanceHash(b.root) !== b.json.root.hash) {
    return invalid("the folds do not reach the bundle's root");
  }

  // 4. The decider, with the caller's verification key of the version the bundle's format names.
  const r1csHash = shape.r1csHash as `0x${string}`;
  let trustedKey: TrustedDeciderKey;
  if (b.proof.version === 3) {
    const k = resolveDeciderKeyV3(store.decidersV3 ?? [], r1csHash, opts.vkey);
    result.keys = { label: k.label, trust: k.trust, vkHash: k.vkHash };
    assertKeyAllowed(
      { ...result.keys, vkey: undefined as never } as Parameters<typeof assertKeyAllowed>[0],
      opts.insecureDevKeys ?? false,
    );
    trustedKey = { version: 3, words: k.words };
  } else {
    if (opts.vkey !== undefined && isVkeyV3File(opts.vkey)) {
      throw new UntrustedDeciderKeyError("the --vkey file is a decider v3 key; this bundle carries a v2 proof", {
        details: opts.vkey,
      });
    }
    const key = resolveDeciderKey(store, r1csHash, "hashed", opts.vkey);
    result.keys = { label: key.label, trust: key.trust, vkHash: key.vkHash };
    assertKeyAllowed(key, opts.insecureDevKeys ?? false);
    trustedKey = { version: 2, vkey: key.vkey };
  }
  const d = await checkVersionedProof(trustedKey, srs, { r1csHash, stateWidth: 1 }, t.root, b.proof);
  if (!d.ok) {
    return invalid(`decider proof rejected (${d.reason} check failed; key ${result.keys.label})`);
  }

  // 5. The openings of c_0 and c_N.
  if (b.input && stateCommitment(b.input.z0, b.input.salt) !== b.commitments[0]) {
    return invalid("the published z0 does not open c_0");
  }
  if (b.output && stateCommitment(b.output.zN, b.output.salt) !== b.commitments[b.N]) {
    return invalid("the published zN does not open c_N");
  }
  return { ...result, valid: true };
}
