/**
 * Decider v3 in local bundles and for the node (docs/decider.md "Decider v3 in the CLI and the node").
 *
 * `bundle.json`'s `decider` field for v3 (written by {@link addDeciderV3ToBundle}; v2's format,
 * decider/bundle.ts, is unchanged and still read):
 * ```
 * { "format": "novanet/decider/v3", "variant": "commit-and-prove", "deciderConstraints": n,
 *   "keys": { "vkHash": "0x…", "insecureDevKeys": true },
 *   "proof": { a, b, c, d, pok, yo, pi, blind, cmT } }   (decimal strings, G2 in EIP-197 order)
 * ```
 * `keys.vkHash` is the prover's CLAIM (`vkeyHashV3`, what `DeciderVerifierV3.vkeyHash()` returns); no
 * key travels in a bundle. A verifier passes the key it trusts as a v3 key file (`vkey-v3.json`:
 * `{ format: "novanet/decider/v3-vkey", words: [...] }`, the words `DeciderVerifierV3` is deployed with).
 *
 * {@link decideV3} is the one call the node's decision task and dispute answers use: keys cached per
 * circuit, proof, self-check, and the calldata of `DeciderVerifierV3.verifyDecider`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  type Abi,
  ContractFunctionRevertedError,
  concatHex,
  type Hex,
  keccak256,
  toHex,
  BaseError as ViemBaseError,
} from "viem";
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import { loadSrsFromPtau, type Srs } from "../commitment/srs.js";
import { type G1Affine, type G2Affine, g2ToEvm } from "../curve/bn254.js";
import { DeciderProofFormatError, DeciderSelfCheckError, OnchainCheckError } from "../errors/decider.js";
import { P } from "../field/fr.js";
import { type G16ProvingKey, type G16Toxic, readKeys } from "../groth16/keys.js";
import { instanceAbi } from "./abi.js";
import { compileVerifier } from "./bundle.js";
import {
  checkDeciderV3,
  DECIDER_V3_CIRCUIT_VERSION,
  type DeciderV3Proof,
  deciderProofV3Abi,
  deciderV3Circuit,
  proveDeciderV3,
  setupDeciderV3,
  type VerifyDeciderV3Result,
  vkeyFromWordsV3,
  vkeyHashV3,
  vkeyWordsV3,
} from "./v3.js";

export const DECIDER_V3_FORMAT = "novanet/decider/v3";
export const DECIDER_V3_VKEY_FORMAT = "novanet/decider/v3-vkey";

type PointJson = { x: string; y: string };
type InstanceJson = { cmW: PointJson; cmE: PointJson; u: string; x: string[] };
export type DeciderV3ProofJson = {
  a: PointJson;
  b: [[string, string], [string, string]];
  c: PointJson;
  d: PointJson;
  pok: PointJson;
  yo: string;
  pi: PointJson;
  blind: InstanceJson | null;
  cmT: PointJson;
};
export type DeciderV3BundleJson = {
  format: typeof DECIDER_V3_FORMAT;
  variant: "commit-and-prove";
  deciderConstraints: number;
  keys: { vkHash: Hex; insecureDevKeys: boolean };
  proof: DeciderV3ProofJson;
};

const str = (v: bigint) => v.toString(10);
const pj = (p: G1Affine): PointJson => ({ x: str(p.x), y: str(p.y) });
const ij = (U: RelaxedInstance): InstanceJson => ({ cmW: pj(U.cmW), cmE: pj(U.cmE), u: str(U.u), x: U.x.map(str) });

export function deciderV3ProofJson(p: DeciderV3Proof): DeciderV3ProofJson {
  const b = g2ToEvm(p.g16.b);
  return {
    a: pj(p.g16.a),
    b: [
      [str(b[0][0]), str(b[0][1])],
      [str(b[1][0]), str(b[1][1])],
    ],
    c: pj(p.g16.c),
    d: pj(p.g16.d),
    pok: pj(p.g16.pok),
    yo: str(p.yo),
    pi: pj(p.pi),
    blind: p.blind ? ij(p.blind) : null,
    cmT: pj(p.cmT),
  };
}

function num(v: unknown, where: string): bigint {
  if (typeof v !== "string" || !/^[0-9]{1,78}$/.test(v)) {
    throw new DeciderProofFormatError("not a decimal string", { details: `${where}: ${JSON.stringify(v)}` });
  }
  return BigInt(v);
}
function point(v: unknown, where: string): G1Affine {
  const o = (v ?? {}) as Record<string, unknown>;
  return { x: num(o.x, `${where}.x`), y: num(o.y, `${where}.y`) };
}
function instance(v: unknown, where: string): RelaxedInstance {
  const o = (v ?? {}) as Record<string, unknown>;
  if (!Array.isArray(o.x)) throw new DeciderProofFormatError("x is not an array", { details: where });
  return {
    cmW: point(o.cmW, `${where}.cmW`),
    cmE: point(o.cmE, `${where}.cmE`),
    u: num(o.u, `${where}.u`),
    x: o.x.map((e, i) => num(e, `${where}.x[${i}]`)),
  };
}

/** Parses a {@link DeciderV3ProofJson} (shapes and decimal strings; the verifier checks ranges and curves). */
export function parseDeciderV3Proof(v: unknown): DeciderV3Proof {
  const o = (v ?? {}) as Record<string, unknown>;
  const b = o.b;
  if (!Array.isArray(b) || b.length !== 2 || !Array.isArray(b[0]) || !Array.isArray(b[1])) {
    throw new DeciderProofFormatError("proof.b is not a G2 point");
  }
  // EIP-197 order [[x1, x0], [y1, y0]] back to { c0, c1 }.
  const g2: G2Affine = {
    x: { c0: num(b[0][1], "proof.b[0][1]"), c1: num(b[0][0], "proof.b[0][0]") },
    y: { c0: num(b[1][1], "proof.b[1][1]"), c1: num(b[1][0], "proof.b[1][0]") },
  };
  return {
    g16: {
      a: point(o.a, "proof.a"),
      b: g2,
      c: point(o.c, "proof.c"),
      d: point(o.d, "proof.d"),
      pok: point(o.pok, "proof.pok"),
    },
    yo: num(o.yo, "proof.yo"),
    pi: point(o.pi, "proof.pi"),
    blind: o.blind === null ? null : instance(o.blind, "proof.blind"),
    cmT: point(o.cmT, "proof.cmT"),
  };
}

/** Reads a v3 key file (`{ format, words }`) into the verifying key; typed error on anything else. */
export function readVkeyV3File(path: string): ReturnType<typeof vkeyFromWordsV3> & { vkHash: Hex; words: bigint[] } {
  let words: bigint[];
  try {
    const j = JSON.parse(readFileSync(path, "utf8")) as { format?: unknown; words?: unknown };
    if (j.format !== DECIDER_V3_VKEY_FORMAT || !Array.isArray(j.words))
      throw new Error(`not a ${DECIDER_V3_VKEY_FORMAT} file`);
    words = j.words.map((w, i) => num(w, `words[${i}]`));
  } catch (cause) {
    throw new DeciderProofFormatError("cannot read the v3 verifying key file", {
      details: `${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
  const k = vkeyFromWordsV3(words);
  return { ...k, vkHash: vkeyHashV3(k.vkey, k.r1csHash, k.s, k.nW), words };
}

export type DeciderV3Keys = {
  pk: G16ProvingKey;
  /** The `.g16k` key file. */
  path: string;
  /** `vkey-v3.json` beside it (what a verifier passes as `--vkey`). */
  vkeyPath: string;
  vkHash: Hex;
  words: bigint[];
};

/**
 * Which dev keys: `"random"` (`novanet prove`: secrets drawn in this process and dropped; that process
 * could forge) or `"beacon-only"` (devnets, tests and the node's decision task on a devnet: every secret
 * derived from a public label and the step's R1CS hash, so every machine derives the SAME keys as the
 * verifier `novanet circuit register` deployed, and ANYONE can forge — never for value).
 */
export type DevKeysKind = "random" | "beacon-only";

/** The public "secrets" of beacon-only v3 keys: `keccak256("NovaNet/decider-v3/beacon-only/<name>" ‖ r1csHash) mod p`. */
export function beaconOnlyToxicV3(r1csHash: string): G16Toxic {
  const f = (name: string) => {
    const v = BigInt(keccak256(concatHex([toHex(`NovaNet/decider-v3/beacon-only/${name}`), r1csHash as Hex]))) % P;
    return v === 0n ? 1n : v;
  };
  return { tau: f("tau"), alpha: f("alpha"), beta: f("beta"), delta: f("delta"), sigma: f("sigma") };
}

/**
 * The v3 keys of `shape`, made once and cached under `<cacheDir>/keys-v3/<r1csHash>/` (DEV keys: the
 * setup secrets were drawn in this process, or are public for `kind: "beacon-only"`; docs/decider.md
 * "Key generation and its trust").
 */
export async function deciderV3Keys(
  shape: R1csShape,
  opts: { cacheDir?: string; kind?: DevKeysKind; log?: (e: Record<string, unknown>) => void } = {},
): Promise<DeciderV3Keys> {
  const kind = opts.kind ?? "random";
  const dir = join(resolve(opts.cacheDir ?? ".novanet"), "keys-v3", shape.r1csHash);
  const suffix = kind === "random" ? "" : "-beacon-only";
  const path = join(dir, `decider-v${DECIDER_V3_CIRCUIT_VERSION}-dev${suffix}.g16k`);
  const vkeyPath = join(dir, `vkey-v3${suffix}.json`);
  if (!existsSync(path) || !existsSync(vkeyPath)) {
    mkdirSync(dir, { recursive: true });
    // A process-unique temporary name: two processes making the same (beacon-only) keys never mix files.
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    const header = await setupDeciderV3(shape, tmp, {
      onProgress: (p) => opts.log?.({ ...p }),
      toxic: kind === "beacon-only" ? beaconOnlyToxicV3(shape.r1csHash) : undefined,
    });
    const words = vkeyWordsV3(header.vkey, shape.r1csHash, shape.s, shape.nW);
    const { renameSync } = await import("node:fs");
    writeFileSync(
      `${vkeyPath}.${process.pid}.tmp`,
      `${JSON.stringify({ format: DECIDER_V3_VKEY_FORMAT, words: words.map(str) }, null, 2)}\n`,
    );
    renameSync(tmp, path);
    renameSync(`${vkeyPath}.${process.pid}.tmp`, vkeyPath);
  }
  const pk = await readKeys(path);
  const words = vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  return { pk, path, vkeyPath, vkHash: vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW), words };
}

export type DecideV3Result = {
  proof: DeciderV3Proof;
  /** `[instance, proof]` for `DeciderVerifierV3.verifyDecider` (viem ABI values). */
  calldata: readonly [ReturnType<typeof instanceAbi>, ReturnType<typeof deciderProofV3Abi>];
  vkHash: Hex;
  deciderConstraints: number;
};

/**
 * Decides `U` (witness `W`) of `shape` with decider v3: keys from the cache (made on first use), the
 * proof, a self-check with the proof's own verifier, and the calldata of
 * `DeciderVerifierV3.verifyDecider`. The node's decision task and dispute answers call this.
 *
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U`.
 * @throws {DeciderSelfCheckError} the proof just made does not verify (corrupt key cache).
 */
export async function decideV3(
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
  opts: {
    hiding?: boolean;
    cacheDir?: string;
    keys?: DeciderV3Keys;
    progress?: (e: Record<string, unknown> & { event: string }) => void;
  } = {},
): Promise<DecideV3Result> {
  const progress = opts.progress ?? (() => {});
  const keys =
    opts.keys ??
    (await deciderV3Keys(shape, { cacheDir: opts.cacheDir, log: (e) => progress({ event: "decider-keys", ...e }) }));
  const proof = await proveDeciderV3(shape, srs, keys.pk, U, W, {
    hiding: opts.hiding ?? true,
    onTiming: (t) => progress({ event: "decider-prove", ...t }),
  });
  const self = (() => {
    try {
      return checkDeciderV3(keys.pk.vkey, srs, shape.s, shape.nW, U, proof);
    } catch (e) {
      return { ok: false as const, reason: e instanceof Error ? e.message : String(e) };
    }
  })();
  if (!self.ok) {
    throw new DeciderSelfCheckError("the decider v3 proof just made does not verify (corrupt key cache?)", {
      details: `${self.reason}; keys ${keys.path}`,
    });
  }
  return {
    proof,
    calldata: [instanceAbi(U), deciderProofV3Abi(proof)] as const,
    vkHash: keys.vkHash,
    deciderConstraints: deciderV3Circuit(shape).constraints.length,
  };
}

type BundleView = {
  circuit: { r1cs: string; stateWidth: number; nW: number };
  srs: { n: number };
  hiding: boolean;
  root: { U: InstanceJson };
  rootWitness: { blob: string };
  decider: unknown;
};

function bundleDir(p: string): string {
  const abs = resolve(p);
  return abs.endsWith(".json") ? dirname(abs) : abs;
}

function readBundle(dir: string): { json: BundleView & Record<string, unknown>; path: string } {
  const path = join(dir, "bundle.json");
  return { json: JSON.parse(readFileSync(path, "utf8")), path };
}

/** Whether the bundle's decider proof is a v3 one (`decider.format`). */
export function bundleDeciderIsV3(bundlePath: string): boolean {
  const d = readBundle(bundleDir(bundlePath)).json.decider as { format?: unknown } | null;
  return d?.format === DECIDER_V3_FORMAT;
}

/**
 * Proves the bundle's root with decider v3 (keys cached under `<cacheDir>/keys-v3`) and writes the
 * `decider` field. Returns it with the keys (their `vkeyPath` is what the prover's own `verify --vkey` takes).
 */
export async function addDeciderV3ToBundle(
  bundlePath: string,
  opts: {
    srsPtau: string;
    cacheDir?: string;
    progress?: (e: Record<string, unknown> & { event: string }) => void;
    decodeWitness: (bytes: Uint8Array, nW: number, m: number) => RelaxedWitness;
  },
): Promise<{ decider: DeciderV3BundleJson; keys: DeciderV3Keys }> {
  const dir = bundleDir(bundlePath);
  const progress = opts.progress ?? (() => {});
  const { json, path } = readBundle(dir);
  const shape = await loadR1cs(join(dir, json.circuit.r1cs));
  const srs = await loadSrsFromPtau(opts.srsPtau, json.srs.n);
  const W = opts.decodeWitness(new Uint8Array(readFileSync(join(dir, json.rootWitness.blob))), shape.nW, shape.m);
  const U = instance(json.root.U, "root.U");
  progress({ event: "decider-setup", decider: "v3", constraints: deciderV3Circuit(shape).constraints.length });
  const keys = await deciderV3Keys(shape, {
    cacheDir: opts.cacheDir,
    log: (e) => progress({ event: "decider-keys", ...e }),
  });
  const r = await decideV3(shape, srs, U, W, { hiding: json.hiding, keys, progress });
  const decider: DeciderV3BundleJson = {
    format: DECIDER_V3_FORMAT,
    variant: "commit-and-prove",
    deciderConstraints: r.deciderConstraints,
    keys: { vkHash: r.vkHash, insecureDevKeys: true },
    proof: deciderV3ProofJson(r.proof),
  };
  json.decider = decider;
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return { decider, keys };
}

function readDeciderV3(dir: string, json: BundleView): { proof: DeciderV3Proof; U: RelaxedInstance } {
  const d = json.decider as DeciderV3BundleJson | null;
  if (!d || d.format !== DECIDER_V3_FORMAT) {
    throw new DeciderProofFormatError("the bundle has no decider v3 proof", { details: dir });
  }
  return { proof: parseDeciderV3Proof(d.proof), U: instance(json.root.U, "root.U") };
}

/**
 * Checks the bundle's v3 proof off-chain with a key (pinned words) and an SRS the CALLER trusts. The
 * key must be for the bundle's circuit (`r1csHash`) and state width, else it is a rejection.
 */
export function verifyBundleDeciderV3(
  bundlePath: string,
  trusted: { words: readonly bigint[]; srs: Srs; stepR1csHash: Hex },
): VerifyDeciderV3Result | { ok: false; reason: "key" } {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { proof, U } = readDeciderV3(dir, json);
  const k = vkeyFromWordsV3(trusted.words);
  if (k.r1csHash.toLowerCase() !== trusted.stepR1csHash.toLowerCase() || k.s !== json.circuit.stateWidth) {
    return { ok: false, reason: "key" };
  }
  return checkDeciderV3(k.vkey, trusted.srs, k.s, k.nW, U, proof);
}

export type OnchainV3Result = { ok: true; gas: bigint } | { ok: false; gas: null; reason: string };

/**
 * Deploys `DeciderVerifierV3` with the TRUSTED key words and `[τ]G2` (never the bundle's) on an
 * in-process EVM (Hardhat's EDR), compiled from the repository's source with the pinned solc, and checks
 * the bundle's proof there; returns the gas of a `verifyDecider` transaction. A failure of the EVM or
 * the compiler is thrown as {@link OnchainCheckError}.
 */
export async function verifyBundleOnchainV3(
  bundlePath: string,
  trusted: { words: readonly bigint[]; tauG2: G2Affine },
): Promise<OnchainV3Result> {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { proof, U } = readDeciderV3(dir, json);
  let abi: Abi;
  let address: Hex;
  let pc: { readContract: (a: never) => Promise<unknown>; estimateContractGas: (a: never) => Promise<bigint> };
  try {
    const file = "contracts/decider/DeciderVerifierV3.sol";
    const source = readFileSync(join(CONTRACTS, file), "utf8");
    const compiled = compileVerifier(source, "DeciderVerifierV3", file);
    abi = compiled.abi;
    const { encodeDeployData } = await import("viem");
    const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
    const hardhatViem = (await import("@nomicfoundation/hardhat-viem")).default;
    const hre = await createHardhatRuntimeEnvironment({ plugins: [hardhatViem] });
    const { viem } = await hre.network.connect();
    const [wallet] = await viem.getWalletClients();
    const client = await viem.getPublicClient();
    const tau = g2ToEvm(trusted.tauG2).flat();
    const data = encodeDeployData({ abi, bytecode: compiled.bytecode, args: [[...trusted.words], tau] });
    const hash = await wallet.sendTransaction({ data } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error("the verifier was not deployed");
    address = receipt.contractAddress;
    pc = client as unknown as typeof pc;
  } catch (cause) {
    throw new OnchainCheckError("the on-chain check could not run (compiler or in-process EVM failed)", {
      details: cause instanceof Error ? cause.message.split("\n")[0] : String(cause),
      cause,
    });
  }
  const call = {
    address,
    abi,
    functionName: "verifyDecider",
    args: [instanceAbi(U), deciderProofV3Abi(proof)],
  } as never;
  try {
    await pc.readContract(call);
    return { ok: true, gas: await pc.estimateContractGas(call) };
  } catch (err) {
    const reverted =
      err instanceof ViemBaseError && err.walk((e) => e instanceof ContractFunctionRevertedError) !== null;
    if (!reverted) {
      throw new OnchainCheckError("the on-chain check failed without a revert", {
        details: err instanceof Error ? err.message.split("\n")[0] : String(err),
        cause: err,
      });
    }
    const rev = (err as ViemBaseError).walk((e) => e instanceof ContractFunctionRevertedError) as
      | ContractFunctionRevertedError
      | undefined;
    return { ok: false, gas: null, reason: `on-chain verifier reverted: ${rev?.data?.errorName ?? "revert"}` };
  }
}

const CONTRACTS = resolve(dirname(new URL(import.meta.url).pathname), "..", "..", "..");
