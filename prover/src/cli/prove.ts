/**
 * `novanet prove`, local (private) mode: N steps of a step circuit, each a leaf (witness + commitment),
 * folded as a tree (docs/protocol.md §7) on this machine, written as a bundle (cli/bundle.ts).
 *
 * The SRS holds `n = max(nW, m) + 1` G1 powers (W and E/T fit, with room for a hiding coefficient or a
 * KZG opening); it is read from `--ptau`, or from a cached INSECURE dev `.ptau` of the smallest power
 * that fits (also large enough for a Groth16 setup of the step circuit), with a loud warning.
 */
import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { zeroAddress } from "viem";
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import { compileCircuit } from "../circuits/compile.js";
import { computeWitness, stepOutput } from "../circuits/witness.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau, srsDigest } from "../commitment/srs.js";
import { P } from "../curve/bn254.js";
import { InputFileError, OutputPathError } from "../errors/cli.js";
import { DOMAIN_TAG, domainSeparator, instanceHash } from "../folding/transcript.js";
import { type FoldRecord, foldNodes, makeLeaf, type TreeNode } from "../folding/tree.js";
import { foldDepthFirst } from "../tree/shape.js";
import {
  BUNDLE_FORMAT,
  BUNDLE_JSON,
  BUNDLE_R1CS,
  type BundleJson,
  contentHash,
  dec,
  encodeWitness,
  foldJson,
  nodeJson,
  WITNESS_ENCODING,
} from "./bundle.js";

export type ProgressEvent = Record<string, unknown> & { event: string };

export type ProveOptions = {
  circuit: string;
  steps: number;
  /** z_0. */
  z0: bigint[];
  /** Output bundle directory. */
  out: string;
  /** A ceremony `.ptau`; without it a cached INSECURE dev SRS is used. */
  ptau?: string;
  /** Blind every commitment (cmW, cmT) with a random coefficient. */
  hiding?: boolean;
  /** Cache root (default `.novanet`): `circuits/` and `ptau/` under it. */
  cacheDir?: string;
  onProgress?: (e: ProgressEvent) => void;
  warn?: (message: string) => void;
};

export type ProveResult = {
  bundle: string;
  steps: number;
  z0: bigint[];
  zN: bigint[];
  rootHash: string;
  ms: number;
  /** The `.ptau` the commitments used (the prover's own file; bundles carry only its digest). */
  ptau: string;
  insecureDevSrs: boolean;
};

/** The number of SRS powers a circuit's bundles use: `max(nW, m) + 1`. */
export function srsPowersFor(shape: Pick<R1csShape, "nW" | "m">): number {
  return Math.max(shape.nW, shape.m, 1) + 1;
}

/**
 * Reads `--input`: a JSON array of decimal strings (the state z_0). Throws {@link InputFileError}.
 */
export function readStateFile(path: string): bigint[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputFileError("cannot read the input file", { details: path, cause });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new InputFileError("the input file is not valid JSON", { details: path, cause });
  }
  return parseState(v, path);
}

/** Validates a parsed `--input` value: an array of decimal strings, each < p. */
export function parseState(v: unknown, where = "input"): bigint[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new InputFileError("the input must be a non-empty JSON array of decimal strings", { details: where });
  }
  return v.map((e, i) => {
    if (typeof e !== "string" || !/^(0|[1-9][0-9]*)$/.test(e) || e.length > 80) {
      throw new InputFileError('input entries must be decimal strings (e.g. "42")', {
        details: `${where}[${i}] = ${JSON.stringify(e)}`,
      });
    }
    const b = BigInt(e);
    if (b >= P) throw new InputFileError("input entry is not below the field modulus p", { details: `${where}[${i}]` });
    return b;
  });
}

/**
 * Writes a bundle atomically: `make` fills a fresh temporary folder beside `out`
 * (`.<name>.partial-<random>`), and only when it returns is the folder renamed to `out` (replacing an
 * earlier bundle there). An interrupted or failed run leaves no bundle at `out` (a failed run also
 * removes its temporary folder). `out` naming a file, or a non-empty folder that is not a bundle, is an
 * {@link OutputPathError}.
 */
export async function writeBundleAtomically<T>(out: string, make: (tmp: string) => Promise<T>): Promise<T> {
  const dest = resolve(out);
  if (existsSync(dest)) {
    const st = statSync(dest);
    if (!st.isDirectory()) throw new OutputPathError("--out names a file, not a bundle folder", { details: dest });
    const isBundle = existsSync(join(dest, BUNDLE_JSON));
    if (!isBundle && readdirSync(dest).length > 0) {
      throw new OutputPathError("--out is a non-empty folder that is not a bundle: not overwriting it", {
        details: dest,
      });
    }
  }
  try {
    mkdirSync(dirname(dest), { recursive: true });
  } catch (cause) {
    throw new OutputPathError("cannot create the parent folder of --out", { details: dest, cause });
  }
  const tmp = join(dirname(dest), `.${basename(dest)}.partial-${randomBytes(6).toString("hex")}`);
  try {
    const r = await make(tmp);
    if (existsSync(dest)) {
      const old = `${tmp}.old`;
      renameSync(dest, old);
      renameSync(tmp, dest);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dest);
    return r;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export async function proveLocal(opts: ProveOptions): Promise<ProveResult> {
  const t0 = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const cacheRoot = resolve(opts.cacheDir ?? ".novanet");
  const N = opts.steps;

  progress({ event: "compile", circuit: opts.circuit });
  const compiled = await compileCircuit(opts.circuit, { cacheDir: join(cacheRoot, "circuits") });
  if (opts.z0.length !== compiled.stateWidth) {
    throw new InputFileError(
      `the input has ${opts.z0.length} entries, the circuit's state width is ${compiled.stateWidth}`,
    );
  }
  const shape = await loadR1cs(compiled.r1csPath);
  const n = srsPowersFor(shape);

  let ptau = opts.ptau ? resolve(opts.ptau) : undefined;
  const insecureDev = ptau === undefined;
  if (!ptau) {
    const power = devPowerFor(n, shape.m, 2 * shape.s);
    progress({ event: "srs", dev: true, power });
    ptau = await ensureDevPtau(power, {
      cacheDir: join(cacheRoot, "ptau"),
      warn: opts.warn,
      onProgress: (p) => progress({ event: "dev-srs", ...p }),
    });
  }
  const srs = await loadSrsFromPtau(ptau, n);
  const digest = srsDigest(srs);
  const domain = domainSeparator({ chainId: 0n, market: zeroAddress, r1csHash: shape.r1csHash, srsDigest: digest });
  progress({ event: "setup", r1csHash: shape.r1csHash, constraints: shape.m, srsPowers: n, srsDigest: digest });

  // Leaves z_{k+1} = F(z_k) are made on demand while the tree is folded depth-first, left child first
  // (so leaf k is made after leaf k−1, from its output): only O(log N) witnesses are alive at a time.
  // The shape module's depth-first order, the same as folding/tree.ts foldTree.
  const ctx = { shape, srs, domain, jobId: 0n, hiding: opts.hiding };
  const leaves: TreeNode[] = [];
  const folds: FoldRecord[] = [];
  let z = opts.z0;
  const root = await foldDepthFirst(
    0,
    N,
    async (k) => {
      const w = await computeWitness(compiled, z);
      const leaf = await makeLeaf(shape, srs, w, { k, hiding: opts.hiding });
      z = stepOutput(w, shape.s);
      leaves.push(leaf.node);
      progress({ event: "leaf", done: k + 1, total: N });
      return leaf;
    },
    async (left, right, { a, c }) => {
      const { parent, fold } = await foldNodes(ctx, left, right);
      folds.push(fold);
      progress({ event: "fold", done: folds.length, total: N - 1, a, c });
      return parent;
    },
  );

  const out = resolve(opts.out);
  mkdirSync(join(out, "blobs"), { recursive: true });
  copyFileSync(compiled.r1csPath, join(out, BUNDLE_R1CS));
  const wit = encodeWitness(root.W);
  const witHash = contentHash(wit);
  const blob = `blobs/${witHash.slice(2)}.wit`;
  writeFileSync(join(out, blob), wit);
  const rootHash = instanceHash(root.node.U);
  const bundle: BundleJson = {
    format: BUNDLE_FORMAT,
    mode: "local",
    createdAt: new Date().toISOString(),
    circuit: {
      name: compiled.name,
      r1csHash: shape.r1csHash,
      r1cs: BUNDLE_R1CS,
      stateWidth: shape.s,
      nConstraints: shape.m,
      nVars: shape.nVars,
      nW: shape.nW,
    },
    // A claim: a verifier takes its SRS from --ptau or its trust store and checks this digest.
    srs: { digest, n, claim: { insecureDev } },
    domain: { tag: DOMAIN_TAG, chainId: "0", market: zeroAddress, value: domain },
    jobId: "0",
    hiding: opts.hiding ?? false,
    steps: N,
    z0: opts.z0.map(dec),
    zN: root.node.zOut.map(dec),
    leaves: leaves.map(nodeJson),
    folds: folds.map(foldJson),
    root: { ...nodeJson(root.node), hash: rootHash },
    rootWitness: { blob, hash: witHash, encoding: WITNESS_ENCODING },
    decider: null,
  };
  writeFileSync(join(out, BUNDLE_JSON), `${JSON.stringify(bundle, null, 2)}\n`);
  progress({ event: "done", bundle: out, steps: N });
  return {
    bundle: out,
    steps: N,
    z0: opts.z0,
    zN: root.node.zOut,
    rootHash,
    ms: performance.now() - t0,
    ptau,
    insecureDevSrs: insecureDev,
  };
}
