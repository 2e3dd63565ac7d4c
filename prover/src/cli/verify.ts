/**
 * `novanet verify <bundle>`: re-checks a local bundle from scratch, trusting nothing in it. The SRS
 * comes from the caller (`--ptau`) or the trust store (trust/store.ts: pinned files found in the
 * verifier's own folders); the bundle's `srs` block is a claim that is checked, never a path that is
 * followed, and whether the SRS is an insecure dev one is the trust store's word, not the bundle's.
 *
 * 0. the circuit is the one the caller expects (`expectR1csHash`, from `--circuit` or `--r1cs-hash`);
 *    without an expectation the result names the R1CS the statement is about;
 * 1. the bundled `.r1cs` hashes to the bundle's `r1csHash` and has no private inputs (the step
 *    convention: z_in is the only input); the trusted SRS's digest is the bundle's;
 * 2. the domain separator is recomputed from (tag, chain 0, market 0, r1csHash, srsDigest);
 * 3. every leaf is well formed (`u = 1`, `cmE = 0`, `x = (zOut, zIn)`), leaf 0 starts at `z0`, and the
 *    whole fold transcript re-verifies (tree shape, continuity, child hashes, each `r`, each parent);
 * 4. the recomputed root equals the bundle's root, and its boundary states are `z0` and `zN`;
 * 5. the root witness (content-addressed blob) satisfies the root instance: `Az∘Bz = u·Cz + E` and
 *    `cmW = cm(W, rW)`, `cmE = cm(E, rE)`.
 *
 * By NIFS soundness, (3)–(5) imply that every leaf's committed witness satisfied the step circuit,
 * so `zN = F^N(z0)`. (The decider issue replaces step 5 with a succinct proof.)
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { type Hex, zeroAddress } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import { readR1csHeader } from "../circuits/compile.js";
import type { Srs } from "../commitment/srs.js";
import { g1Equal } from "../curve/bn254.js";
import { BaseError } from "../errors/base.js";
import { BundleFormatError } from "../errors/cli.js";
import { PtauFormatError } from "../errors/commitment.js";
import { MsmBackendSelectionError } from "../errors/msm.js";
import { TrustStoreError, UntrustedSrsError } from "../errors/trust.js";
import { vecEqual } from "../field/fr.js";
import { checkRelaxed } from "../folding/nifs.js";
import { DOMAIN_TAG, domainSeparator, instanceHash } from "../folding/transcript.js";
import { type FoldRecord, type TreeNode, verifyFoldTranscript } from "../folding/tree.js";
import { loadTrustStore, resolveSrs, type SrsTrust, type TrustStore } from "../trust/store.js";
import {
  BUNDLE_FORMAT,
  BUNDLE_JSON,
  contentHash,
  decodeRootWitness,
  parseDecArray,
  parseFold,
  parseHex32,
  parseInt32,
  parseNode,
} from "./bundle.js";

export type VerifyResult = {
  valid: boolean;
  /** Why the bundle is invalid (absent when valid). */
  reason?: string;
  steps: number;
  z0: bigint[];
  zN: bigint[];
  /** True unless the SRS is a pinned ceremony file (the trust store's label, never the bundle's flag). */
  insecureDevSrs: boolean;
  /** The statement's F: the bundle's circuit name (a label) and the R1CS hash (what was proved). */
  circuit?: { name: string; r1csHash: Hex };
  /** Whether the R1CS hash is the one the caller expected (`undefined`: no expectation given). */
  circuitExpected?: boolean;
  /** The SRS used and why it is trusted. */
  srs?: { digest: Hex; n: number; label: string; trust: SrsTrust };
  /** The trusted SRS itself (for the decider checks that follow). */
  trustedSrs?: Srs;
};

export type VerifyOptions = {
  /** The caller's own `.ptau` (labelled by its pin, or `unpinned`); otherwise the trust store's. */
  ptau?: string;
  /** The trust store (default: {@link loadTrustStore} with `trust` and `ptauDirs`). */
  store?: TrustStore;
  trust?: string[];
  ptauDirs?: string[];
  /** The R1CS hash of the F the caller expects; a bundle about another circuit is invalid. */
  expectR1csHash?: Hex;
  onProgress?: (e: Record<string, unknown> & { event: string }) => void;
};

/** Thrown inside {@link verifyBundle} for a check that fails; turned into `{ valid: false }`. */
class Invalid extends Error {}

/**
 * Reads `bundle.json` (the bundle directory or the file itself). Throws {@link BundleFormatError} when
 * it is missing, not JSON or not a NovaNet bundle: a usage error, not a verdict.
 */
export function readBundleJson(path: string): { dir: string; json: Record<string, unknown> } {
  const p = resolve(path);
  const file = p.endsWith(".json") ? p : join(p, BUNDLE_JSON);
  const dir = p.endsWith(".json") ? resolve(p, "..") : p;
  if (!existsSync(file)) throw new BundleFormatError("no bundle here", { details: file });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new BundleFormatError("bundle.json is not valid JSON", { details: file, cause });
  }
  if (typeof json !== "object" || json === null || (json as { format?: unknown }).format !== BUNDLE_FORMAT) {
    throw new BundleFormatError(`not a ${BUNDLE_FORMAT} bundle`, { details: file });
  }
  return { dir, json: json as Record<string, unknown> };
}

/** Verifies a bundle. Never throws for an invalid bundle: returns `valid: false` with the reason. */
export async function verifyBundle(path: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const progress = opts.onProgress ?? (() => {});
  const { dir, json } = readBundleJson(path);
  const result: VerifyResult = { valid: false, steps: 0, z0: [], zN: [], insecureDevSrs: false };
  const check = (ok: boolean, reason: string) => {
    if (!ok) throw new Invalid(reason);
  };
  try {
    const circuit = json.circuit as Record<string, unknown> | undefined;
    const srsJ = json.srs as Record<string, unknown> | undefined;
    check(typeof circuit === "object" && circuit !== null, "missing circuit");
    check(typeof srsJ === "object" && srsJ !== null, "missing srs");
    const c = circuit as Record<string, unknown>;
    const sj = srsJ as Record<string, unknown>;
    const s = parseInt32(c.stateWidth, "circuit.stateWidth");
    const steps = parseInt32(json.steps, "steps");
    check(steps >= 1, "steps must be ≥ 1");
    result.steps = steps;
    result.z0 = parseDecArray(json.z0, "z0", s);
    result.zN = parseDecArray(json.zN, "zN", s);

    // 1. Circuit and SRS.
    const r1csHash = parseHex32(c.r1csHash, "circuit.r1csHash");
    check(typeof c.r1cs === "string" && !isAbsolute(c.r1cs) && !c.r1cs.includes(".."), "bad circuit.r1cs path");
    const r1csBytes = new Uint8Array(readFileSync(join(dir, c.r1cs as string)));
    check(contentHash(r1csBytes) === r1csHash, "circuit.r1cs does not hash to the bundle's r1csHash");
    const shape = await loadR1cs(r1csBytes);
    check(shape.s === s, "state width differs from the circuit's");
    const name = typeof c.name === "string" ? c.name : "(unnamed)";
    result.circuit = { name, r1csHash };
    if (opts.expectR1csHash !== undefined) {
      result.circuitExpected = r1csHash === opts.expectR1csHash.toLowerCase();
      check(
        result.circuitExpected,
        `the bundle proves another circuit: ${name} with r1csHash ${r1csHash}, not the expected ${opts.expectR1csHash}`,
      );
    }
    check(readR1csHeader(r1csBytes).nPrvInputs === 0, "the circuit has private inputs (a step's only input is z_in)");
    const n = parseInt32(sj.n, "srs.n");
    const claimed = parseHex32(sj.digest, "srs.digest");
    // The SRS: the caller's --ptau or a pinned file from the verifier's own folders. Never sj.ptau.
    const store = opts.store ?? loadTrustStore({ stores: opts.trust, ptauDirs: opts.ptauDirs });
    const trusted = await resolveSrs(store, { n, digest: claimed }, opts.ptau);
    const { srs, digest } = trusted;
    result.srs = { digest, n, label: trusted.label, trust: trusted.trust };
    result.insecureDevSrs = trusted.trust !== "ceremony";
    result.trustedSrs = srs;
    check(digest === claimed, "the SRS's digest differs from the bundle's srs.digest");
    progress({ event: "verify", step: "setup", r1csHash, srsDigest: digest, srs: trusted.label });

    // 2. Domain (recomputed; the bundle's copy must agree).
    const domain = domainSeparator({ chainId: 0n, market: zeroAddress, r1csHash, srsDigest: digest });
    const dj = json.domain as Record<string, unknown> | undefined;
    check(
      dj?.value === domain && dj?.tag === DOMAIN_TAG && dj?.chainId === "0" && dj?.market === zeroAddress,
      "domain separator differs from the recomputed one",
    );
    check(json.jobId === "0", "a local bundle has jobId 0");

    // 3. Leaves and the fold transcript.
    check(Array.isArray(json.leaves) && (json.leaves as unknown[]).length === steps, "need one leaf per step");
    check(Array.isArray(json.folds), "missing folds");
    const leaves: TreeNode[] = (json.leaves as unknown[]).map((l, k) => parseNode(l, `leaves[${k}]`, s));
    const folds: FoldRecord[] = (json.folds as unknown[]).map((f, i) => parseFold(f, `folds[${i}]`));
    check(vecEqual(leaves[0].zIn, result.z0), "leaf 0 does not start at z0");
    check(vecEqual(leaves[steps - 1].zOut, result.zN), "the last leaf does not end at zN");
    const root = verifyFoldTranscript(leaves, folds, { domain, jobId: 0n });
    progress({ event: "verify", step: "folds", folds: folds.length });

    // 4. The root.
    const rootJ = parseNode(json.root, "root", s);
    check(
      rootJ.a === 0 &&
        rootJ.c === steps &&
        g1Equal(rootJ.U.cmW, root.U.cmW) &&
        g1Equal(rootJ.U.cmE, root.U.cmE) &&
        rootJ.U.u === root.U.u &&
        vecEqual(rootJ.U.x, root.U.x),
      "the bundle's root is not the fold of its leaves",
    );
    check(vecEqual(root.zIn, result.z0) && vecEqual(root.zOut, result.zN), "the root's boundary states are not z0, zN");
    check((json.root as { hash?: unknown }).hash === instanceHash(root.U), "root hash mismatch");

    // 5. The root witness.
    const rw = json.rootWitness as Record<string, unknown> | undefined;
    const witHash = parseHex32(rw?.hash, "rootWitness.hash");
    check(rw?.blob === `blobs/${witHash.slice(2)}.wit`, "rootWitness.blob is not its content address");
    const witPath = join(dir, rw?.blob as string);
    check(existsSync(witPath), "the root witness blob is missing");
    const witBytes = new Uint8Array(readFileSync(witPath));
    check(contentHash(witBytes) === witHash, "the root witness blob does not match its content hash");
    const W = decodeRootWitness(witBytes, shape.nW, shape.m);
    check(await checkRelaxed(shape, srs, root.U, W), "the root witness does not satisfy the root instance");
    progress({ event: "verify", step: "root" });
    result.valid = true;
    return result;
  } catch (err) {
    if (err instanceof Invalid) return { ...result, valid: false, reason: err.message };
    // What the verifier could not check (no trusted SRS, an unreadable --ptau or trust store) is the
    // caller's problem (exit 2); everything wrong inside the bundle is a verdict.
    if (err instanceof UntrustedSrsError || err instanceof TrustStoreError || err instanceof MsmBackendSelectionError) {
      throw err;
    }
    if (err instanceof PtauFormatError && opts.ptau !== undefined) throw err;
    if (err instanceof BaseError)
      return {
        ...result,
        valid: false,
        reason: `${err.name}: ${err.shortMessage}${err.details ? ` (${err.details})` : ""}`,
      };
    if (err instanceof Error && "code" in err && (err as NodeJS.ErrnoException).code === "ENOENT") {
      return { ...result, valid: false, reason: `missing file: ${(err as NodeJS.ErrnoException).path}` };
    }
    throw err;
  }
}
