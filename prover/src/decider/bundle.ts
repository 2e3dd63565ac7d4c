/**
 * The decider in local bundles (`novanet prove` / `novanet verify [--onchain]`, docs/decider.md).
 *
 * `bundle.json`'s `decider` field (written by {@link addDeciderToBundle}):
 * ```
 * { "format": "novanet/decider/v1", "variant": "hashed", "deciderConstraints": n, "ptau": path,
 *   "insecureDevKeys": bool, "vkey": "decider/vkey.json", "verifier": "decider/DeciderVerifier.sol",
 *   "proof": { a, b, c, zeta, yW, yE, piW, piE, blind, cmT } }   (decimal strings, G2 in EIP-197 order)
 * ```
 * The verification key and the generated Solidity verifier travel in the bundle, so `verify` needs only
 * the bundle and the commitment SRS.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import type { RelaxedInstance } from "../arith/relaxed.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau, type Srs } from "../commitment/srs.js";
import type { G1Affine } from "../curve/bn254.js";
import { DeciderKeysError, DeciderProofFormatError } from "../errors/decider.js";
import { deciderProofAbi, instanceAbi } from "./abi.js";
import { buildDecider } from "./circuit.js";
import { type DeciderProof, proveDecider } from "./prove.js";
import { setupDecider } from "./setup.js";
import type { SnarkjsVkey } from "./snarkjs.js";
import { exportDeciderVerifier } from "./solidity.js";
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
  ptau: string;
  insecureDevKeys: boolean;
  vkey: string;
  verifier: string;
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
  srs: { n: number; ptau: string; insecureDev?: boolean };
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
  /** `.ptau` for D_F's Groth16 keys (default: the bundle's, or a cached INSECURE dev ptau if too small). */
  ptau?: string;
  /** Commitment SRS override (as `verify --ptau`). */
  srsPtau?: string;
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
export async function addDeciderToBundle(bundlePath: string, opts: AddDeciderOptions): Promise<DeciderBundleJson> {
  const dir = bundleDir(bundlePath);
  const progress = opts.progress ?? (() => {});
  const { json, path } = readBundle(dir);
  const shape = await loadR1cs(join(dir, json.circuit.r1cs));
  const srs = await loadSrsFromPtau(opts.srsPtau ?? json.srs.ptau, json.srs.n);
  const W = opts.decodeWitness(new Uint8Array(readFileSync(join(dir, json.rootWitness.blob))), shape.nW, shape.m);
  const U = instance(json.root.U, "root.U");
  const { layout } = buildDecider(shape);
  progress({ event: "decider-setup", constraints: layout.nConstraints, public: layout.nPublic });
  let ptau = opts.ptau ?? json.srs.ptau;
  let insecureDevKeys = opts.ptau ? false : json.srs.insecureDev === true;
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
    insecureDevKeys = true;
    keys = await setupDecider(shape, ptau, { log, cacheDir: opts.cacheDir && join(opts.cacheDir, "keys") });
  }
  const proof = await proveDecider(shape, srs, keys, U, W, {
    hiding: json.hiding,
    onTiming: (t) => progress({ event: "decider-prove", ...t }),
  });
  mkdirSync(join(dir, "decider"), { recursive: true });
  copyFileSync(join(keys.dir, "vkey.json"), join(dir, "decider", "vkey.json"));
  writeFileSync(
    join(dir, "decider", "DeciderVerifier.sol"),
    await exportDeciderVerifier(keys, srs.tauG2, VERIFIER_NAME),
  );
  const decider: DeciderBundleJson = {
    format: DECIDER_FORMAT,
    variant: "hashed",
    deciderConstraints: layout.nConstraints,
    ptau,
    insecureDevKeys,
    vkey: "decider/vkey.json",
    verifier: "decider/DeciderVerifier.sol",
    proof: deciderProofJson(proof),
  };
  json.decider = decider;
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return decider;
}

function readDecider(dir: string, json: BundleView): { d: DeciderBundleJson; proof: DeciderProof; U: RelaxedInstance } {
  const d = json.decider as DeciderBundleJson | null;
  if (!d || d.format !== DECIDER_FORMAT) {
    throw new DeciderProofFormatError("the bundle has no decider proof", { details: dir });
  }
  return { d, proof: parseDeciderProof(d.proof), U: instance(json.root.U, "root.U") };
}

/**
 * Checks the bundle's decider proof off-chain against its root instance. Throws
 * {@link DeciderProofFormatError} for a missing or malformed proof.
 */
export async function verifyBundleDecider(bundlePath: string, srsPtau?: string): Promise<VerifyDeciderResult> {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { d, proof, U } = readDecider(dir, json);
  const vkey = JSON.parse(readFileSync(join(dir, d.vkey), "utf8")) as SnarkjsVkey;
  const srs: Srs = await loadSrsFromPtau(srsPtau ?? json.srs.ptau, 2);
  return checkDecider(vkey, srs, json.circuit.stateWidth, U, proof);
}

const CONTRACTS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Compiles the bundle's verifier (and the library sources it imports) with the solc npm package. */
function compileVerifier(source: string): { abi: Abi; bytecode: Hex } {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string, opts: { import: (p: string) => unknown }): string };
  const file = "contracts/decider/generated/BundleDeciderVerifier.sol";
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
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
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) {
    throw new DeciderKeysError("the bundle's verifier does not compile", { details: errors[0].formattedMessage });
  }
  const c = out.contracts[file][VERIFIER_NAME];
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

export type OnchainResult = { ok: true; gas: bigint } | { ok: false; gas: null; reason: string };

/**
 * Deploys the bundle's verifier on an in-process EVM (Hardhat's EDR) and checks the decider proof
 * there, returning the gas of a `verifyDecider` transaction (`eth_estimateGas`).
 */
export async function verifyBundleOnchain(bundlePath: string): Promise<OnchainResult> {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  const { d, proof, U } = readDecider(dir, json);
  const { abi, bytecode } = compileVerifier(readFileSync(join(dir, d.verifier), "utf8"));
  const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
  const hardhatViem = (await import("@nomicfoundation/hardhat-viem")).default;
  const hre = await createHardhatRuntimeEnvironment({ plugins: [hardhatViem] });
  const { viem } = await hre.network.connect();
  const [wallet] = await viem.getWalletClients();
  const pc = await viem.getPublicClient();
  const hash = await wallet.deployContract({ abi, bytecode });
  const receipt = await pc.waitForTransactionReceipt({ hash });
  const address = receipt.contractAddress!;
  const args = [instanceAbi(U), deciderProofAbi(proof)] as const;
  try {
    await pc.readContract({ address, abi, functionName: "verifyDecider", args });
    const gas = await pc.estimateContractGas({ address, abi, functionName: "verifyDecider", args });
    return { ok: true, gas };
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    const name = /reverted with the following signature|Error: ([A-Za-z0-9_]+)\(/.exec(m)?.[1] ?? m.split("\n")[0];
    return { ok: false, gas: null, reason: `on-chain verifier reverted: ${name}` };
  }
}
