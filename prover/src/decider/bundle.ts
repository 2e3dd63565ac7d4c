/**
 * The decider in local bundles (`novanet prove` / `novanet verify [--onchain]`, docs/decider.md).
 *
 * `bundle.json`'s `decider` field (written by {@link addDeciderToBundle}):
 * ```
 * { "format": "novanet/decider/v1", "variant": "hashed", "deciderConstraints": n,
 *   "keys": { "vkHash": "0x…", "insecureDevKeys": bool },
 *   "proof": { a, b, c, zeta, yW, yE, piW, piE, blind, cmT } }   (decimal strings, G2 in EIP-197 order)
 * ```
 * `keys` is the prover's CLAIM about the key it used (a hint for the error message); no key, path or
 * verifier contract travels in a bundle. `verify` checks the proof against a verification key from
 * its own trust store (or `--vkey`), with the SRS it trusts, and `--onchain` renders the verifier
 * contract from that trusted key (decider/solidity.ts `renderDeciderVerifier`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Abi, ContractFunctionRevertedError, type Hex, BaseError as ViemBaseError } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import type { RelaxedInstance } from "../arith/relaxed.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau, type Srs } from "../commitment/srs.js";
import type { G1Affine, G2Affine } from "../curve/bn254.js";
import {
  DeciderKeysError,
  DeciderProofFormatError,
  DeciderSelfCheckError,
  OnchainCheckError,
} from "../errors/decider.js";
import { vkHash } from "../trust/store.js";
import { deciderProofAbi, instanceAbi } from "./abi.js";
import { buildDecider } from "./circuit.js";
import { type DeciderProof, proveDecider } from "./prove.js";
import { type DeciderKeys, setupDecider } from "./setup.js";
import type { SnarkjsVkey } from "./snarkjs.js";
import { renderDeciderVerifier } from "./solidity.js";
import { checkDecider, type VerifyDeciderResult } from "./verify.js";

export const DECIDER_FORMAT = "novanet/decider/v1";
const VERIFIER_NAME = "BundleDeciderVerifier";

type PointJson = { x: string; y: string };
type InstanceJson = { cmW: PointJson; cmE: PointJson; u: string; x: string[] };
export type DeciderProofJson = {
  a: [string, string];
  b: [[string, string], [string, string]];
  c: [string, string];
  zeta: string;
  yW: string;
  yE: string;
  piW: PointJson;
  piE: PointJson;
  blind: InstanceJson | null;
  cmT: PointJson;
};
export type DeciderBundleJson = {
  format: typeof DECIDER_FORMAT;
  variant: "hashed";
  deciderConstraints: number;
  keys: { vkHash: Hex; insecureDevKeys: boolean };
  proof: DeciderProofJson;
};

const s = (v: bigint) => v.toString(10);
const pj = (p: G1Affine): PointJson => ({ x: s(p.x), y: s(p.y) });
const ij = (U: RelaxedInstance): InstanceJson => ({ cmW: pj(U.cmW), cmE: pj(U.cmE), u: s(U.u), x: U.x.map(s) });

export function deciderProofJson(p: DeciderProof): DeciderProofJson {
  return {
    a: [s(p.a[0]), s(p.a[1])],
    b: [
      [s(p.b[0][0]), s(p.b[0][1])],
      [s(p.b[1][0]), s(p.b[1][1])],
    ],
    c: [s(p.c[0]), s(p.c[1])],
    zeta: s(p.zeta),
    yW: s(p.yW),
    yE: s(p.yE),
    piW: pj(p.piW),
    piE: pj(p.piE),
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
function pair(v: unknown, where: string): readonly [bigint, bigint] {
  if (!Array.isArray(v) || v.length !== 2) throw new DeciderProofFormatError("expected a pair", { details: where });
  return [num(v[0], `${where}[0]`), num(v[1], `${where}[1]`)];
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

/** Parses a {@link DeciderProofJson} (shapes and decimal strings; the verifier checks ranges). */
export function parseDeciderProof(v: unknown): DeciderProof {
  const o = (v ?? {}) as Record<string, unknown>;
  const b = o.b;
  if (!Array.isArray(b) || b.length !== 2) throw new DeciderProofFormatError("proof.b is not a G2 point");
  return {
    a: pair(o.a, "proof.a"),
    b: [pair(b[0], "proof.b[0]"), pair(b[1], "proof.b[1]")],
    c: pair(o.c, "proof.c"),
    zeta: num(o.zeta, "proof.zeta"),
    yW: num(o.yW, "proof.yW"),
    yE: num(o.yE, "proof.yE"),
    piW: point(o.piW, "proof.piW"),
    piE: point(o.piE, "proof.piE"),
    blind: o.blind === null ? null : instance(o.blind, "proof.blind"),
    cmT: point(o.cmT, "proof.cmT"),
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

/** A bundle directory, given as the directory or its `bundle.json`. */
function bundleDir(p: string): string {
  const abs = resolve(p);
  return abs.endsWith(".json") ? dirname(abs) : abs;
}

function readBundle(dir: string): { json: BundleView & Record<string, unknown>; path: string } {
  const path = join(dir, "bundle.json");
  return { json: JSON.parse(readFileSync(path, "utf8")), path };
}

/** Whether the bundle carries a decider proof (`decider` is not null). */
export function bundleHasDecider(bundlePath: string): boolean {
  return readBundle(bundleDir(bundlePath)).json.decider != null;
}

export type AddDeciderOptions = {
  /** `.ptau` for D_F's Groth16 keys (default: `srsPtau`, or a cached INSECURE dev ptau if too small). */
  ptau?: string;
  /** The commitment SRS the bundle was proved with (the prover's own file, never read from the bundle). */
  srsPtau: string;
  /** Whether `srsPtau` is an insecure dev SRS (its keys are then dev keys too). */
  srsInsecureDev?: boolean;
  cacheDir?: string;
  progress?: (e: Record<string, unknown> & { event: string }) => void;
  warn?: (m: string) => void;
  /** Decodes the bundle's root witness blob (cli/bundle.ts `decodeRootWitness`). */
  decodeWitness: (bytes: Uint8Array, nW: number, m: number) => import("../arith/relaxed.js").RelaxedWitness;
};

/**
 * Proves the bundle's root with the decider and writes the proof, the verification key and the
 * Solidity verifier into the bundle. Returns the `decider` JSON written.
 */
export async function addDeciderToBundle(
  bundlePath: string,
  opts: AddDeciderOptions,
): Promise<{ decider: DeciderBundleJson; keys: DeciderKeys }> {
  const dir = bundleDir(bundlePath);
  const progress = opts.progress ?? (() => {});
  const { json, path } = readBundle(dir);
  const shape = await loadR1cs(join(dir, json.circuit.r1cs));
  const srs = await loadSrsFromPtau(opts.srsPtau, json.srs.n);
  const W = opts.decodeWitness(new Uint8Array(readFileSync(join(dir, json.rootWitness.blob))), shape.nW, shape.m);
  const U = instance(json.root.U, "root.U");
  const { layout } = buildDecider(shape);
  progress({ event: "decider-setup", constraints: layout.nConstraints, public: layout.nPublic });
  let ptau = opts.ptau ?? opts.srsPtau;
  // One in-process contribution and a beacon: whoever ran this process could know δ. Dev keys, always.
  const insecureDevKeys = true;
  let keys: Awaited<ReturnType<typeof setupDecider>>;
  const log = (e: Record<string, unknown>) => progress({ event: "decider-keys", ...e });
  try {
    keys = await setupDecider(shape, ptau, { log, cacheDir: opts.cacheDir && join(opts.cacheDir, "keys") });
  } catch (err) {
    if (!(err instanceof DeciderKeysError) || opts.ptau) throw err;
    const power = devPowerFor(0, layout.nConstraints, layout.nPublic);
    ptau = await ensureDevPtau(power, {
      cacheDir: opts.cacheDir && join(opts.cacheDir, "ptau"),
      warn: opts.warn,
      onProgress: (p) => progress({ event: "dev-srs", ...p }),
    });
    keys = await setupDecider(shape, ptau, { log, cacheDir: opts.cacheDir && join(opts.cacheDir, "keys") });
  }
  const proof = await proveDecider(shape, srs, keys, U, W, {
    hiding: json.hiding,
    onTiming: (t) => progress({ event: "decider-prove", ...t }),
  });
  // The prover checks its own proof before calling the run a success (a corrupted key cache once
  // produced a proof with a point off the curve that was reported as done).
  const self = await checkDecider(keys.vkey, srs, json.circuit.stateWidth, U, proof).catch((e: unknown) => ({
    ok: false as const,
    reason: e instanceof Error ? e.message : String(e),
  }));
  if (!self.ok) {
    throw new DeciderSelfCheckError("the decider proof just made does not verify (corrupt key cache?)", {
      details: `${self.reason}; keys ${keys.dir}`,
    });
  }
  const decider: DeciderBundleJson = {
    format: DECIDER_FORMAT,
    variant: "hashed",
    deciderConstraints: layout.nConstraints,
    keys: { vkHash: vkHash(keys.vkey), insecureDevKeys },
    proof: deciderProofJson(proof),
  };
  json.decider = decider;
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return { decider, keys };
}

function readDecider(dir: string, json: BundleView): { d: DeciderBundleJson; proof: DeciderProof; U: RelaxedInstance } {
  const d = json.decider as DeciderBundleJson | null;
  if (!d || d.format !== DECIDER_FORMAT) {
    throw new DeciderProofFormatError("the bundle has no decider proof", { details: dir });
  }
  return { d, proof: parseDeciderProof(d.proof), U: instance(json.root.U, "root.U") };
}

/**
 * Checks the bundle's decider proof off-chain against its root instance, with a verification key and
 * an SRS the CALLER trusts (trust/store.ts), never anything from the bundle. Throws
 * {@link DeciderProofFormatError} for a missing or malformed proof.
 */
export async function verifyBundleDecider(
  bundlePath: string,
  trusted: { vkey: SnarkjsVkey; srs: Srs },
): Promise<VerifyDeciderResult> {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { proof, U } = readDecider(dir, json);
  return checkDecider(trusted.vkey, trusted.srs, json.circuit.stateWidth, U, proof);
}

const CONTRACTS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * Compiles a rendered decider verifier `name` (and the library sources it imports) with the pinned solc
 * npm package (hardhat.config.ts's version; optimizer 200 runs, cancun) as source file
 * `contracts/decider/generated/<name>.sol`: the creation code and the runtime code. The runtime code, and
 * so its keccak256, depends on the source, the name, the file name and these settings (solc's metadata
 * hash); `novanet circuit verify --vkey` compares a deployed decider with this output.
 */
export function compileVerifier(
  source: string,
  name = VERIFIER_NAME,
  file = `contracts/decider/generated/${name}.sol`,
): { abi: Abi; bytecode: Hex; runtime: Hex } {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string, opts: { import: (p: string) => unknown }): string };
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const out = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (p: string) => {
        try {
          return { contents: readFileSync(join(CONTRACTS, p), "utf8") };
        } catch {
          return { error: `not found: ${p}` };
        }
      },
    }),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<
      string,
      Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
    >;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) {
    throw new DeciderKeysError("the bundle's verifier does not compile", { details: errors[0].formattedMessage });
  }
  const c = out.contracts[file][name];
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, runtime: `0x${c.evm.deployedBytecode.object}` };
}

export type OnchainResult = { ok: true; gas: bigint } | { ok: false; gas: null; reason: string };

/**
 * Renders the decider verifier from the TRUSTED verification key and `[τ]G2` (never the bundle's),
 * deploys it on an in-process EVM (Hardhat's EDR) and checks the decider proof there, returning the
 * gas of a `verifyDecider` transaction (`eth_estimateGas`). A proof the contract rejects is
 * `{ ok: false }`; a failure of the EVM or the compiler is thrown as {@link OnchainCheckError} (exit 2).
 */
export async function verifyBundleOnchain(
  bundlePath: string,
  trusted: { vkey: SnarkjsVkey; tauG2: G2Affine; stepR1csHash: Hex },
): Promise<OnchainResult> {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { proof, U } = readDecider(dir, json);
  let abi: Abi;
  let address: Hex;
  let pc: { readContract: (a: never) => Promise<unknown>; estimateContractGas: (a: never) => Promise<bigint> };
  try {
    const compiled = compileVerifier(
      renderDeciderVerifier(trusted.vkey, {
        name: VERIFIER_NAME,
        stepR1csHash: trusted.stepR1csHash,
        variant: "hashed",
        stateWidth: json.circuit.stateWidth,
        tauG2: trusted.tauG2,
      }),
    );
    abi = compiled.abi;
    const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
    const hardhatViem = (await import("@nomicfoundation/hardhat-viem")).default;
    const hre = await createHardhatRuntimeEnvironment({ plugins: [hardhatViem] });
    const { viem } = await hre.network.connect();
    const [wallet] = await viem.getWalletClients();
    const client = await viem.getPublicClient();
    const hash = await wallet.deployContract({ abi, bytecode: compiled.bytecode });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error("the verifier was not deployed");
    address = receipt.contractAddress;
    pc = client as unknown as typeof pc;
  } catch (cause) {
    // The check could not run: not a verdict on the bundle.
    throw new OnchainCheckError("the on-chain check could not run (compiler or in-process EVM failed)", {
      details: cause instanceof Error ? cause.message.split("\n")[0] : String(cause),
      cause,
    });
  }
  const args = [instanceAbi(U), deciderProofAbi(proof)] as const;
  const call = { address, abi, functionName: "verifyDecider", args } as never;
  try {
    await pc.readContract(call);
    const gas = await pc.estimateContractGas(call);
    return { ok: true, gas };
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
    const name = rev?.data?.errorName ?? rev?.reason ?? rev?.shortMessage ?? "revert";
    return { ok: false, gas: null, reason: `on-chain verifier reverted: ${name}` };
  }
}
