/**
 * `novanet prove --private` (docs/private.md, design PROTOCOL.md §9): proves `z_N = F^N(z_0)` on this
 * machine through the wrapper `F̂` (private/wrapper.ts) and writes a private bundle
 * (private/bundle.ts) that publishes only salted state commitments, blinded commitments and proofs.
 *
 * 1. Compile `F` and `F̂`; draw one uniformly random salt `s_k` per boundary `k = 0..N`.
 * 2. Leaf `k` is `F̂`'s witness for `(z_k, s_k, s_{k+1})`: `x = (c_{k+1}, c_k)`, `cmW` blinded. Leaves are
 *    made on demand while the tree is folded depth-first (only O(log N) witnesses alive), every fold
 *    with a blinded `cmT`, under the domain of `--chain-id`/`--market` (0 / the zero address if unset).
 * 3. The root is decided with hiding on (a random satisfying instance folded in; the Groth16 proof
 *    re-randomised), by decider v3 unless `decider: 2` (a circuit registered with a v2 verifier), and the
 *    proof is checked here before the run counts as a success (decider/bundle.ts `proveRoot`).
 * 4. The bundle is written to a temporary folder and renamed into place: an interrupted run leaves none.
 * No witness, folded witness, intermediate state or interior salt is written anywhere.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type Address, getAddress, isAddress, zeroAddress } from "viem";
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau, srsDigest } from "../commitment/srs.js";
import {
  type DeciderV3BundleJson,
  type DeciderVersion,
  deciderJson,
  deciderProofJson,
  proveRoot,
} from "../decider/bundle.js";
import type { DeciderV3Keys, DevKeysKind } from "../decider/bundleV3.js";
import { buildDecider } from "../decider/circuit.js";
import { deciderV3Circuit } from "../decider/v3.js";
import { InputFileError } from "../errors/cli.js";
import { DeciderSelfCheckError } from "../errors/decider.js";
import { PrivateBundleError, PrivateDeciderKeyError } from "../errors/private.js";
import { randomFr } from "../field/fr.js";
import { DOMAIN_TAG, domainSeparator, instanceHash } from "../folding/transcript.js";
import { type FoldRecord, foldNodes, makeLeaf, type ProverNode, splitPoint } from "../folding/tree.js";
import type { DeciderPins } from "../node/circuitFiles.js";
import {
  dec,
  PRIVATE_BUNDLE_FORMAT,
  PRIVATE_BUNDLE_JSON,
  PRIVATE_DECIDER_FORMAT,
  type PrivateBundleJson,
  pointJson,
} from "./bundle.js";
import { loadPrivateDeciderKey } from "./deciderKey.js";
import { compilePrivateCircuit, privateStepWitness, WRAPPER_VERSION } from "./wrapper.js";

export type ProvePrivateOptions = {
  /** `F`'s circom source. */
  circuit: string;
  steps: number;
  z0: bigint[];
  /** Output bundle folder (replaced if it holds a bundle). */
  out: string;
  /** A ceremony `.ptau` (commitments, and `D_F`'s keys for v2); without it a cached INSECURE dev one. */
  ptau?: string;
  /**
   * Decider version (default 3). 2 only for a private circuit `F̂` registered with a v2 verifier (the
   * market checks the root with the registered decider; `novanet submit` refuses a mismatch).
   */
  decider?: DeciderVersion;
  /** v3: which of this machine's dev keys (default `"random"`; `registeredPrivateDecider` picks the registered one). */
  v3Kind?: DevKeysKind;
  /**
   * v3: a ceremony's final key of `F̂` (`.g16k`) instead of this machine's dev keys, checked before any
   * folding (private/deciderKey.ts); `deciderPins`: the registered verifier's, which it must match
   * (`registeredPrivateDecider` with `deciderKey`).
   */
  deciderKey?: string;
  deciderPins?: DeciderPins;
  /** Target market: the fold domain binds them, so the bundle can be submitted there (and only there). */
  chainId?: bigint;
  market?: Address;
  /**
   * The fold transcript: 1 (default; the v1 ProofMarket) or 2 (market v2, whose `submitBundle` and optimistic
   * `proposeBundle`/`challengeBundle` re-execute the folds under transcript v2 over all `N` leaves).
   */
  transcript?: 1 | 2;
  /** Keep `z0` (resp. `zN`) private: publish only its commitment `c_0` (resp. `c_N`), not its opening. */
  hideInput?: boolean;
  hideOutput?: boolean;
  /** Cache root (default `.novanet`). */
  cacheDir?: string;
  onProgress?: (e: Record<string, unknown> & { event: string }) => void;
  warn?: (message: string) => void;
  /**
   * Sees each leaf's secrets as they are made: `F̂`'s full witness (state, salts, every wire) and the
   * state `z_k`. Only the leak tests use it, to search the published bytes for these values.
   */
  observeLeaf?: (
    k: number,
    secrets: { witness: readonly bigint[]; z: readonly bigint[]; zOut: readonly bigint[] },
  ) => void;
};

export type ProvePrivateResult = {
  bundle: string;
  steps: number;
  c0: bigint;
  cN: bigint;
  /** Known to the prover only; published only if not hidden. */
  z0: bigint[];
  zN: bigint[];
  rootHash: string;
  ms: number;
  /** The prover's own `.ptau` and decider verification key: what ITS OWN `verify --ptau … --vkey …` uses. */
  ptau: string;
  vkey: string;
  decider: DeciderVersion;
  /** v2 only: the snarkjs keys the proof was made with (a test exports the market's v2 verifier from them). */
  v2Keys?: Awaited<ReturnType<typeof proveRoot>>["v2Keys"];
};

/** Checks `--market` and `--chain-id` values. @throws {InputFileError}. */
export function parseMarketTarget(chainId?: string, market?: string): { chainId: bigint; market: Address } {
  if ((chainId === undefined) !== (market === undefined)) {
    throw new InputFileError("--chain-id and --market go together");
  }
  if (chainId === undefined) return { chainId: 0n, market: zeroAddress };
  if (!/^[0-9]{1,20}$/.test(chainId) || BigInt(chainId) === 0n) {
    throw new InputFileError("--chain-id must be a positive integer", { details: chainId });
  }
  if (!isAddress(market!, { strict: false }))
    throw new InputFileError("--market is not an address", { details: market });
  return { chainId: BigInt(chainId), market: getAddress(market!) };
}

/**
 * The power of the dev `.ptau` `prove --private` uses without `--ptau`: enough for `F̂`'s commitments and
 * for `D_F̂`'s Groth16 domain (constraints + public inputs, and v3's committed wires) of decider `version`.
 */
export function privateDevPtauPower(shape: R1csShape, version: DeciderVersion): number {
  const n = Math.max(shape.nW, shape.m, 1) + 1;
  if (version === 2) {
    const { layout } = buildDecider(shape);
    return devPowerFor(n, layout.nConstraints, layout.nPublic);
  }
  const c = deciderV3Circuit(shape);
  return devPowerFor(n, c.constraints.length + c.nPublic + c.nCommitted + 1);
}

export async function provePrivate(opts: ProvePrivateOptions): Promise<ProvePrivateResult> {
  const t0 = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const cacheRoot = resolve(opts.cacheDir ?? ".novanet");
  const N = opts.steps;
  const out = resolve(opts.out);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new PrivateBundleError("--out names a file, not a bundle folder", { details: out });
  }

  progress({ event: "compile", circuit: opts.circuit, private: true });
  const pc = await compilePrivateCircuit(opts.circuit, cacheRoot);
  if (opts.z0.length !== pc.s) {
    throw new InputFileError(`the input has ${opts.z0.length} entries, the circuit's state width is ${pc.s}`);
  }
  const shape = await loadR1cs(pc.wrapped.r1csPath);
  const n = Math.max(shape.nW, shape.m, 1) + 1;
  const version = opts.decider ?? 3;
  // One ptau for the commitments (and, v2, D_F's Groth16 keys; sized for D_F̂ either way).
  let ptau = opts.ptau ? resolve(opts.ptau) : undefined;
  const insecureDev = ptau === undefined;
  if (!ptau) {
    const power = privateDevPtauPower(shape, version);
    progress({ event: "srs", dev: true, power });
    ptau = await ensureDevPtau(power, {
      cacheDir: join(cacheRoot, "ptau"),
      warn: opts.warn,
      onProgress: (p) => progress({ event: "dev-srs", ...p }),
    });
  }
  const srs = await loadSrsFromPtau(ptau, n);
  const digest = srsDigest(srs);
  let v3Keys: DeciderV3Keys | undefined;
  if (opts.deciderKey !== undefined) {
    if (version !== 3) throw new PrivateDeciderKeyError("--decider-key is a decider v3 key; this proof is decider v2");
    progress({ event: "decider-key", file: opts.deciderKey, registered: opts.deciderPins !== undefined });
    v3Keys = await loadPrivateDeciderKey(opts.deciderKey, shape, srs, { pins: opts.deciderPins, cacheDir: cacheRoot });
    progress({ event: "decider-key-checked", vkHash: v3Keys.vkHash });
  }
  const chainId = opts.chainId ?? 0n;
  const market = opts.market ?? zeroAddress;
  const domain = domainSeparator({ chainId, market, r1csHash: shape.r1csHash, srsDigest: digest });
  progress({ event: "setup", r1csHash: shape.r1csHash, stepR1csHash: pc.step.r1csHash, constraints: shape.m });

  // One salt per boundary; c_k = Poseidon(z_k, s_k) is the only trace of z_k that leaves this function.
  const salts = Array.from({ length: N + 1 }, randomFr);
  const commitments: bigint[] = [];
  const transcript = opts.transcript ?? 1;
  const ctx = { shape, srs, domain, jobId: 0n, hiding: true, v2Leaves: transcript === 2 ? N : 0 };
  const leaves: ProverNode["node"][] = [];
  const folds: FoldRecord[] = [];
  let z = opts.z0;
  const build = async (a: number, c: number): Promise<ProverNode> => {
    if (c - a === 1) {
      const w = privateStepWitness(pc, z, salts[a], salts[a + 1]);
      if (a === 0) commitments.push(w.cIn);
      commitments.push(w.cOut);
      const leaf = await makeLeaf(shape, srs, w.witness, { k: a, hiding: true });
      opts.observeLeaf?.(a, { witness: w.witness, z, zOut: w.zOut });
      z = w.zOut;
      leaves.push(leaf.node);
      progress({ event: "leaf", done: a + 1, total: N });
      return leaf;
    }
    const b = splitPoint(a, c);
    const left = await build(a, b);
    const right = await build(b, c);
    const { parent, fold } = await foldNodes(ctx, left, right);
    folds.push(fold);
    progress({ event: "fold", done: folds.length, total: N - 1 });
    return parent;
  };
  const root = await build(0, N);
  const zN = z;

  // Hiding always: a random satisfying instance is folded into the root before it is decided.
  const proved = await proveRoot(version, shape, srs, root.node.U, root.W, {
    hiding: true,
    srsPtau: ptau,
    cacheDir: cacheRoot,
    v3Kind: opts.v3Kind,
    v3Keys,
    progress,
    warn: opts.warn,
  }).catch((e: unknown) => {
    if (e instanceof DeciderSelfCheckError) {
      throw new PrivateBundleError("the decider proof just made does not verify (corrupted keys?)", {
        details: e.message,
        cause: e,
      });
    }
    throw e;
  });

  const rootHash = instanceHash(root.node.U);
  const bundle: PrivateBundleJson = {
    format: PRIVATE_BUNDLE_FORMAT,
    mode: "private",
    createdAt: new Date().toISOString(),
    circuit: {
      name: pc.step.name,
      stepR1csHash: pc.step.r1csHash,
      r1csHash: shape.r1csHash,
      wrapperVersion: WRAPPER_VERSION,
      stateWidth: pc.s,
      nConstraints: shape.m,
      nW: shape.nW,
    },
    srs: { digest, n, insecureDev },
    domain: { tag: DOMAIN_TAG, chainId: dec(chainId), market, value: domain },
    ...(transcript === 2 ? { transcript: 2 as const } : {}),
    steps: N,
    commitments: commitments.map(dec),
    input: opts.hideInput ? null : { z0: opts.z0.map(dec), salt: dec(salts[0]) },
    output: opts.hideOutput ? null : { zN: zN.map(dec), salt: dec(salts[N]) },
    leaves: leaves.map((l) => pointJson(l.U.cmW)),
    folds: folds.map((f) => ({ nodeId: dec(f.nodeId), cmT: pointJson(f.cmT), r: dec(f.r) })),
    root: {
      cmW: pointJson(root.node.U.cmW),
      cmE: pointJson(root.node.U.cmE),
      u: dec(root.node.U.u),
      x: root.node.U.x.map(dec),
      hash: rootHash,
    },
    decider:
      proved.proved.version === 2
        ? {
            format: PRIVATE_DECIDER_FORMAT,
            variant: "hashed",
            deciderConstraints: proved.deciderConstraints,
            insecureDevKeys: true,
            proof: deciderProofJson(proved.proved.proof),
          }
        : (deciderJson(proved.proved, {
            deciderConstraints: proved.deciderConstraints,
            vkHash: proved.vkHash,
            // A claim only (verify reads the key's trust from its own store): not one of this machine's dev keys.
            insecureDevKeys: v3Keys === undefined,
          }) as DeciderV3BundleJson),
  };
  // Atomic: write a sibling temporary folder, then swap it in.
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${randomUUID()}`);
  mkdirSync(tmp);
  try {
    writeFileSync(join(tmp, PRIVATE_BUNDLE_JSON), `${JSON.stringify(bundle, null, 2)}\n`);
    if (existsSync(out)) {
      if (!existsSync(join(out, PRIVATE_BUNDLE_JSON)) && !existsSync(join(out, "bundle.json"))) {
        throw new PrivateBundleError("--out is an existing folder that holds no bundle; not replacing it", {
          details: out,
        });
      }
      rmSync(out, { recursive: true, force: true });
    }
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  progress({ event: "done", bundle: out, steps: N, private: true });
  return {
    bundle: out,
    steps: N,
    c0: commitments[0],
    cN: commitments[N],
    z0: opts.z0,
    zN,
    rootHash,
    ms: performance.now() - t0,
    ptau,
    vkey: proved.vkeyPath,
    decider: version,
    v2Keys: proved.v2Keys,
  };
}
