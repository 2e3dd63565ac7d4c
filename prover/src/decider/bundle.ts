/**
 * The decider in bundles: one module for both decider versions (docs/decider.md "The decider in bundles").
 * `novanet prove` / `novanet verify [--onchain]` (local bundles) and private mode (private/*) use it; the
 * node's decision task proves through {@link decideV3} (decider/bundleV3.ts: v3 keys and that one call).
 *
 * `bundle.json`'s `decider` field; its `format` decides the version, and everything else is read by
 * that version's part of the table {@link VERSIONS}:
 * ```
 * v2: { "format": "novanet/decider/v1", "variant": "hashed", "deciderConstraints": n,
 *       "keys": { "vkHash": "0x…", "insecureDevKeys": bool },
 *       "proof": { a, b: [[x1, x0], [y1, y0]], c, zeta, yW, yE, piW, piE, blind, cmT } }   (a, c: pairs)
 * v3: { "format": "novanet/decider/v3", "variant": "commit-and-prove", "deciderConstraints": n,
 *       "keys": { "vkHash": "0x…", "insecureDevKeys": bool },
 *       "proof": { a, b: [[x1, x0], [y1, y0]], c, d, pok, yo, pi, blind, cmT } }     (a, c: {x, y})
 * ```
 * (decimal strings, G2 in EIP-197 order; `vkHash` is `vkHash(vkey)` for v2, `vkeyHashV3` for v3). v2 bundles
 * written before v3 existed carry exactly the v2 shape and are read unchanged.
 *
 * Nothing a verifier trusts comes from a bundle: `keys` is the prover's CLAIM (a hint for an error message),
 * `format` only says how to parse the proof (the verifier's own key must be of that version, and both
 * versions are sound deciders); no key, path or verifier contract travels in a bundle. `verify` checks the
 * proof against a key from its own trust store (or `--vkey`) with the SRS it trusts, and `--onchain` deploys
 * the verifier made from that key (v2: rendered by decider/solidity.ts; v3: `DeciderVerifierV3` with the
 * key's words).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Abi, ContractFunctionRevertedError, encodeDeployData, type Hex } from "viem";
import type { R1csShape } from "../arith/r1cs.js";
import { loadR1cs } from "../arith/r1cs.js";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau, type Srs } from "../commitment/srs.js";
import { type G1Affine, type G2Affine, g2ToEvm } from "../curve/bn254.js";
import {
  DeciderKeysError,
  DeciderProofFormatError,
  DeciderSelfCheckError,
  OnchainCheckError,
} from "../errors/decider.js";
import { vkHash } from "../trust/store.js";
import { type DeciderProofAbi, deciderProofAbi, deciderProofV3AsMarketProof, instanceAbi } from "./abi.js";
import { type DeciderV3Keys, type DevKeysKind, deciderV3Keys, decideV3 } from "./bundleV3.js";
import { buildDecider } from "./circuit.js";
import { type DeciderProof, proveDecider } from "./prove.js";
import { setupDecider } from "./setup.js";
import type { SnarkjsVkey } from "./snarkjs.js";
import { renderDeciderVerifier } from "./solidity.js";
import { checkDeciderV3, type DeciderV3Proof, deciderProofV3Abi, deciderV3Circuit, vkeyFromWordsV3 } from "./v3.js";
import { checkDecider } from "./verify.js";

/** `decider.format` of a v2 proof (the hashed `D_F`, snarkjs Groth16). */
export const DECIDER_FORMAT = "novanet/decider/v1";
/** `decider.format` of a v3 proof (commit-and-prove Groth16, decider/v3.ts). */
export const DECIDER_V3_FORMAT = "novanet/decider/v3";

export type DeciderVersion = 2 | 3;

/** A decider proof with its version (the version decides how it is encoded, checked and sent). */
export type VersionedProof = { version: 2; proof: DeciderProof } | { version: 3; proof: DeciderV3Proof };

type PointJson = { x: string; y: string };
type InstanceJson = { cmW: PointJson; cmE: PointJson; u: string; x: string[] };
type G2Json = [[string, string], [string, string]];

/** The JSON of a v2 proof. */
export type DeciderProofJson = {
  a: [string, string];
  b: G2Json;
  c: [string, string];
  zeta: string;
  yW: string;
  yE: string;
  piW: PointJson;
  piE: PointJson;
  blind: InstanceJson | null;
  cmT: PointJson;
};
/** The JSON of a v3 proof. */
export type DeciderV3ProofJson = {
  a: PointJson;
  b: G2Json;
  c: PointJson;
  d: PointJson;
  pok: PointJson;
  yo: string;
  pi: PointJson;
  blind: InstanceJson | null;
  cmT: PointJson;
};

type DeciderJsonOf<F, V, P> = {
  format: F;
  variant: V;
  deciderConstraints: number;
  keys: { vkHash: Hex; insecureDevKeys: boolean };
  proof: P;
};
export type DeciderV2BundleJson = DeciderJsonOf<typeof DECIDER_FORMAT, "hashed", DeciderProofJson>;
export type DeciderV3BundleJson = DeciderJsonOf<typeof DECIDER_V3_FORMAT, "commit-and-prove", DeciderV3ProofJson>;
/** `bundle.json`'s `decider` field, either version. */
export type DeciderBundleJson = DeciderV2BundleJson | DeciderV3BundleJson;

// ---------- shared JSON helpers ----------

const s = (v: bigint) => v.toString(10);
const pj = (p: G1Affine): PointJson => ({ x: s(p.x), y: s(p.y) });
const ij = (U: RelaxedInstance): InstanceJson => ({ cmW: pj(U.cmW), cmE: pj(U.cmE), u: s(U.u), x: U.x.map(s) });

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
function g2Pairs(v: unknown, where: string): readonly [readonly [bigint, bigint], readonly [bigint, bigint]] {
  if (!Array.isArray(v) || v.length !== 2) throw new DeciderProofFormatError("not a G2 point", { details: where });
  return [pair(v[0], `${where}[0]`), pair(v[1], `${where}[1]`)];
}
const g2Json = (b: readonly (readonly [bigint, bigint])[]): G2Json => [
  [s(b[0][0]), s(b[0][1])],
  [s(b[1][0]), s(b[1][1])],
];
/** Parses an instance `{ cmW, cmE, u, x }` of decimal strings (ranges are the verifier's to check). */
export function parseInstanceJson(v: unknown, where: string): RelaxedInstance {
  const o = (v ?? {}) as Record<string, unknown>;
  if (!Array.isArray(o.x)) throw new DeciderProofFormatError("x is not an array", { details: where });
  return {
    cmW: point(o.cmW, `${where}.cmW`),
    cmE: point(o.cmE, `${where}.cmE`),
    u: num(o.u, `${where}.u`),
    x: o.x.map((e, i) => num(e, `${where}.x[${i}]`)),
  };
}
const blindOf = (o: Record<string, unknown>) => (o.blind === null ? null : parseInstanceJson(o.blind, "proof.blind"));

// ---------- the version-specific parts ----------

export function deciderProofJson(p: DeciderProof): DeciderProofJson {
  return {
    a: [s(p.a[0]), s(p.a[1])],
    b: g2Json(p.b),
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

/** Parses a {@link DeciderProofJson} (shapes and decimal strings; the verifier checks ranges). */
export function parseDeciderProof(v: unknown): DeciderProof {
  const o = (v ?? {}) as Record<string, unknown>;
  return {
    a: pair(o.a, "proof.a"),
    b: g2Pairs(o.b, "proof.b"),
    c: pair(o.c, "proof.c"),
    zeta: num(o.zeta, "proof.zeta"),
    yW: num(o.yW, "proof.yW"),
    yE: num(o.yE, "proof.yE"),
    piW: point(o.piW, "proof.piW"),
    piE: point(o.piE, "proof.piE"),
    blind: blindOf(o),
    cmT: point(o.cmT, "proof.cmT"),
  };
}

export function deciderV3ProofJson(p: DeciderV3Proof): DeciderV3ProofJson {
  return {
    a: pj(p.g16.a),
    b: g2Json(g2ToEvm(p.g16.b)),
    c: pj(p.g16.c),
    d: pj(p.g16.d),
    pok: pj(p.g16.pok),
    yo: s(p.yo),
    pi: pj(p.pi),
    blind: p.blind ? ij(p.blind) : null,
    cmT: pj(p.cmT),
  };
}

/** Parses a {@link DeciderV3ProofJson} (shapes and decimal strings; the verifier checks ranges and curves). */
export function parseDeciderV3Proof(v: unknown): DeciderV3Proof {
  const o = (v ?? {}) as Record<string, unknown>;
  const b = g2Pairs(o.b, "proof.b");
  // EIP-197 order [[x1, x0], [y1, y0]] back to { c0, c1 }.
  const g2: G2Affine = { x: { c0: b[0][1], c1: b[0][0] }, y: { c0: b[1][1], c1: b[1][0] } };
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
    blind: blindOf(o),
    cmT: point(o.cmT, "proof.cmT"),
  };
}

/** Per version: its `decider.format`, variant name, proof codec, and the market's ABI value of a proof. */
const VERSIONS = {
  2: {
    format: DECIDER_FORMAT,
    variant: "hashed",
    toJson: (p: DeciderProof) => deciderProofJson(p),
    parse: (v: unknown) => parseDeciderProof(v),
    marketAbi: (p: DeciderProof) => deciderProofAbi(p),
  },
  3: {
    format: DECIDER_V3_FORMAT,
    variant: "commit-and-prove",
    toJson: (p: DeciderV3Proof) => deciderV3ProofJson(p),
    parse: (v: unknown) => parseDeciderV3Proof(v),
    // The market takes every decider's proof in its `DeciderProof` type; a v3 proof is the same ABI words
    // (decider/abi.ts `deciderProofV3AsMarketProof`), read back as `DeciderProofV3` by DeciderVerifierV3.
    marketAbi: (p: DeciderV3Proof) => deciderProofV3AsMarketProof(deciderProofV3Abi(p)),
  },
} as const;

/** The decider version a `decider.format` names, or null for an unknown format. */
export function deciderVersionOfFormat(format: unknown): DeciderVersion | null {
  return format === DECIDER_FORMAT ? 2 : format === DECIDER_V3_FORMAT ? 3 : null;
}

/** The `decider` JSON of a proof (the format from its version). */
export function deciderJson(
  p: VersionedProof,
  meta: { deciderConstraints: number; vkHash: Hex; insecureDevKeys: boolean },
): DeciderBundleJson {
  const keys = { vkHash: meta.vkHash, insecureDevKeys: meta.insecureDevKeys };
  return p.version === 2
    ? {
        format: DECIDER_FORMAT,
        variant: "hashed",
        deciderConstraints: meta.deciderConstraints,
        keys,
        proof: deciderProofJson(p.proof),
      }
    : {
        format: DECIDER_V3_FORMAT,
        variant: "commit-and-prove",
        deciderConstraints: meta.deciderConstraints,
        keys,
        proof: deciderV3ProofJson(p.proof),
      };
}

/**
 * Parses a proof of `version` (the caller read the version from a format string).
 * @throws {DeciderProofFormatError} malformed.
 */
export function parseVersionedProof(version: DeciderVersion, proof: unknown): VersionedProof {
  return version === 2 ? { version, proof: VERSIONS[2].parse(proof) } : { version, proof: VERSIONS[3].parse(proof) };
}

/**
 * Parses a `decider` field: its `format` decides the version.
 * @throws {DeciderProofFormatError} no decider, an unknown format, or a malformed proof.
 */
export function parseDeciderJson(d: unknown, where = "decider"): VersionedProof {
  const o = (d ?? null) as { format?: unknown; proof?: unknown } | null;
  if (o === null || typeof o !== "object") {
    throw new DeciderProofFormatError("the bundle has no decider proof", { details: where });
  }
  const version = deciderVersionOfFormat(o.format);
  if (version === null) {
    throw new DeciderProofFormatError("unknown decider format", { details: `${where}: ${JSON.stringify(o.format)}` });
  }
  return parseVersionedProof(version, o.proof);
}

/** The proof as the market's `DeciderProof` ABI value (`submitBundle`, `submitDecision`, disputes). */
export function deciderProofMarketAbi(p: VersionedProof): DeciderProofAbi {
  return p.version === 2 ? VERSIONS[2].marketAbi(p.proof) : VERSIONS[3].marketAbi(p.proof);
}

// ---------- proving ----------

export type ProveRootOptions = {
  hiding: boolean;
  /** The commitment SRS's `.ptau` (the prover's own file, never read from a bundle). */
  srsPtau: string;
  /** v2: `.ptau` for `D_F`'s snarkjs keys (default `srsPtau`, or a cached INSECURE dev ptau if too small). */
  ptau?: string;
  cacheDir?: string;
  /** v3: which dev keys (default `"random"`; `"beacon-only"`: the keys `novanet circuit register` deploys). */
  v3Kind?: DevKeysKind;
  /** v3: keys checked by the caller (a ceremony's key, private/deciderKey.ts) instead of this machine's dev keys. */
  v3Keys?: DeciderV3Keys;
  progress?: (e: Record<string, unknown> & { event: string }) => void;
  warn?: (m: string) => void;
};

export type ProvedRoot = {
  proved: VersionedProof;
  deciderConstraints: number;
  /** The key's identity (v2: `vkHash(vkey)`; v3: `vkeyHashV3`, what `DeciderVerifierV3.vkeyHash()` returns). */
  vkHash: Hex;
  /** The verifying key file a verifier passes as `--vkey` (v2: snarkjs `vkey.json`; v3: `vkey-v3.json`). */
  vkeyPath: string;
  /** v2 only: the snarkjs keys (the private-mode tests export a verifier from them). */
  v2Keys?: Awaited<ReturnType<typeof setupDecider>>;
};

/**
 * Proves that `U` (witness `W`) of `shape` is satisfied with decider `version`, with this machine's DEV
 * keys (cached per circuit; v2 `<cache>/keys/…`, v3 `<cache>/keys-v3/<r1csHash>/`), and checks the proof
 * with its own verifier before returning it.
 *
 * @throws {DeciderSelfCheckError} the proof just made does not verify (corrupt key cache?).
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U`.
 */
export async function proveRoot(
  version: DeciderVersion,
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
  opts: ProveRootOptions,
): Promise<ProvedRoot> {
  const progress = opts.progress ?? (() => {});
  if (version === 3) {
    const c = deciderV3Circuit(shape);
    progress({ event: "decider-setup", decider: "v3", constraints: c.constraints.length });
    const keys =
      opts.v3Keys ??
      (await deciderV3Keys(shape, {
        cacheDir: opts.cacheDir,
        kind: opts.v3Kind,
        log: (e) => progress({ event: "decider-keys", ...e }),
      }));
    const r = await decideV3(shape, srs, U, W, { hiding: opts.hiding, keys, progress });
    return {
      proved: { version: 3, proof: r.proof },
      deciderConstraints: r.deciderConstraints,
      vkHash: r.vkHash,
      vkeyPath: keys.vkeyPath,
    };
  }
  const { layout } = buildDecider(shape);
  progress({ event: "decider-setup", decider: "v2", constraints: layout.nConstraints, public: layout.nPublic });
  const log = (e: Record<string, unknown>) => progress({ event: "decider-keys", ...e });
  const cacheDir = opts.cacheDir && join(opts.cacheDir, "keys");
  let keys: Awaited<ReturnType<typeof setupDecider>>;
  try {
    keys = await setupDecider(shape, opts.ptau ?? opts.srsPtau, { log, cacheDir });
  } catch (err) {
    if (!(err instanceof DeciderKeysError) || opts.ptau) throw err;
    const ptau = await ensureDevPtau(devPowerFor(0, layout.nConstraints, layout.nPublic), {
      cacheDir: opts.cacheDir && join(opts.cacheDir, "ptau"),
      warn: opts.warn,
      onProgress: (p) => progress({ event: "dev-srs", ...p }),
    });
    keys = await setupDecider(shape, ptau, { log, cacheDir });
  }
  const proof = await proveDecider(shape, srs, keys, U, W, {
    hiding: opts.hiding,
    onTiming: (t) => progress({ event: "decider-prove", ...t }),
  });
  // The prover checks its own proof before calling the run a success (a corrupted key cache once
  // produced a proof with a point off the curve that was reported as done).
  const self = await checkDecider(keys.vkey, srs, shape.s, U, proof).catch((e: unknown) => ({
    ok: false as const,
    reason: e instanceof Error ? e.message : String(e),
  }));
  if (!self.ok) {
    throw new DeciderSelfCheckError("the decider proof just made does not verify (corrupt key cache?)", {
      details: `${self.reason}; keys ${keys.dir}`,
    });
  }
  return {
    proved: { version: 2, proof },
    deciderConstraints: layout.nConstraints,
    vkHash: vkHash(keys.vkey),
    vkeyPath: join(keys.dir, "vkey.json"),
    v2Keys: keys,
  };
}

// ---------- checking ----------

/** A verifying key the CALLER trusts (trust/store.ts, trust/v3.ts), of either version. */
export type TrustedDeciderKey = { version: 2; vkey: SnarkjsVkey } | { version: 3; words: readonly bigint[] };

export type CheckResult = { ok: true } | { ok: false; reason: string };

/**
 * Checks `p` for `U` of the circuit `circuit` (the step's R1CS hash and state width, from the caller's
 * statement) with a key and an SRS the caller trusts. A proof of another version than the key, or a v3
 * key of another circuit or state width, is a rejection (`reason` "version" / "key"), never a fallback.
 * @throws {DeciderProofFormatError} malformed proof, instance or key.
 */
export async function checkVersionedProof(
  key: TrustedDeciderKey,
  srs: Srs,
  circuit: CheckedCircuit,
  U: RelaxedInstance,
  p: VersionedProof,
): Promise<CheckResult> {
  if (key.version !== p.version) return { ok: false, reason: "version" };
  if (key.version === 2 && p.version === 2) return checkDecider(key.vkey, srs, circuit.stateWidth, U, p.proof);
  if (key.version !== 3 || p.version !== 3) return { ok: false, reason: "version" };
  const k = vkeyFromWordsV3(key.words);
  if (k.r1csHash.toLowerCase() !== circuit.r1csHash.toLowerCase() || k.s !== circuit.stateWidth) {
    return { ok: false, reason: "key" };
  }
  return checkDeciderV3(k.vkey, srs, k.s, k.nW, U, p.proof);
}

// ---------- local bundles (`novanet prove` / `novanet verify`) ----------

type BundleView = {
  circuit: { r1cs: string };
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

/** The version of the bundle's decider proof (its `decider.format`), or null without a known one. */
export function bundleDeciderVersion(bundlePath: string): DeciderVersion | null {
  const d = readBundle(bundleDir(bundlePath)).json.decider as { format?: unknown } | null;
  return deciderVersionOfFormat(d?.format);
}

export type AddDeciderOptions = Omit<ProveRootOptions, "hiding"> & {
  /** Decider version (default 3; 2 for circuits registered with a v2 verifier). */
  version?: DeciderVersion;
  /** Decodes the bundle's root witness blob (cli/bundle.ts `decodeRootWitness`). */
  decodeWitness: (bytes: Uint8Array, nW: number, m: number) => RelaxedWitness;
};

/**
 * Proves the bundle's root with the decider (hiding as the bundle says) and writes the `decider` field.
 * Returns it with the path of the verifying key file (what the prover's own `verify --vkey` takes).
 */
export async function addDeciderToBundle(
  bundlePath: string,
  opts: AddDeciderOptions,
): Promise<{ decider: DeciderBundleJson; vkeyPath: string; proved: ProvedRoot }> {
  const dir = bundleDir(bundlePath);
  const { json, path } = readBundle(dir);
  const shape = await loadR1cs(join(dir, json.circuit.r1cs));
  const srs = await loadSrsFromPtau(opts.srsPtau, json.srs.n);
  const W = opts.decodeWitness(new Uint8Array(readFileSync(join(dir, json.rootWitness.blob))), shape.nW, shape.m);
  const U = parseInstanceJson(json.root.U, "root.U");
  const proved = await proveRoot(opts.version ?? 3, shape, srs, U, W, { ...opts, hiding: json.hiding });
  // Dev keys, always: one in-process contribution (v2) or secrets drawn in this process (v3).
  const decider = deciderJson(proved.proved, {
    deciderConstraints: proved.deciderConstraints,
    vkHash: proved.vkHash,
    insecureDevKeys: true,
  });
  json.decider = decider;
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return { decider, vkeyPath: proved.vkeyPath, proved };
}

function readDecider(bundlePath: string): { p: VersionedProof; U: RelaxedInstance } {
  const dir = bundleDir(bundlePath);
  const { json } = readBundle(dir);
  return { p: parseDeciderJson(json.decider, dir), U: parseInstanceJson(json.root.U, "root.U") };
}

/** What the caller has established about a bundle's circuit (never the bundle's own claim). */
export type CheckedCircuit = { r1csHash: string; stateWidth: number };

/**
 * Checks the bundle's decider proof off-chain against its root instance, with a verification key and
 * an SRS the CALLER trusts (trust/store.ts), never anything from the bundle, for the circuit the caller
 * checked (`novanet verify`: the bundled R1CS hashes to it and matches `--circuit`).
 * @throws {DeciderProofFormatError} a missing or malformed proof.
 */
export async function verifyBundleDecider(
  bundlePath: string,
  trusted: TrustedDeciderKey & { srs: Srs; circuit: CheckedCircuit },
): Promise<CheckResult> {
  const { p, U } = readDecider(bundlePath);
  return checkVersionedProof(trusted, trusted.srs, trusted.circuit, U, p);
}

const CONTRACTS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const VERIFIER_NAME = "BundleDeciderVerifier";

/**
 * Compiles a decider verifier `name` (and the library sources it imports) with the pinned solc npm package
 * (hardhat.config.ts's version; optimizer 200 runs, cancun) as source file `file`: the creation code and
 * the runtime code. The runtime code, and so its keccak256, depends on the source, the name, the file name
 * and these settings (solc's metadata hash); `novanet circuit verify --vkey` compares a deployed decider with
 * this output.
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

/** The verifier contract of a trusted key: v2 rendered from the key, v3 `DeciderVerifierV3` with its words. */
function verifierFor(key: TrustedDeciderKey, tauG2: G2Affine, circuit: CheckedCircuit): { abi: Abi; data: Hex } {
  if (key.version === 2) {
    const c = compileVerifier(
      renderDeciderVerifier(key.vkey, {
        name: VERIFIER_NAME,
        stepR1csHash: circuit.r1csHash as Hex,
        variant: "hashed",
        stateWidth: circuit.stateWidth,
        tauG2,
      }),
    );
    return { abi: c.abi, data: c.bytecode };
  }
  const file = "contracts/decider/DeciderVerifierV3.sol";
  const c = compileVerifier(readFileSync(join(CONTRACTS, file), "utf8"), "DeciderVerifierV3", file);
  const args = [[...key.words], g2ToEvm(tauG2).flat()];
  return { abi: c.abi, data: encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args }) };
}

/**
 * Deploys the verifier of the TRUSTED key and `[τ]G2` (never the bundle's) on an in-process EVM (Hardhat's
 * EDR) and checks `p` for `U` there with the proof's own ABI (`verifyDecider(Instance, DeciderProof[V3])`),
 * returning the gas of a `verifyDecider` transaction (`eth_estimateGas`). A proof the contract rejects is
 * `{ ok: false }`; a failure of the EVM or the compiler is thrown as {@link OnchainCheckError} (exit 2).
 */
export async function checkVersionedProofOnchain(
  key: TrustedDeciderKey,
  tauG2: G2Affine,
  circuit: CheckedCircuit,
  U: RelaxedInstance,
  p: VersionedProof,
): Promise<OnchainResult> {
  if (key.version !== p.version) return { ok: false, gas: null, reason: "the proof is of another decider version" };
  if (key.version === 3) {
    const k = vkeyFromWordsV3(key.words);
    if (k.r1csHash.toLowerCase() !== circuit.r1csHash.toLowerCase() || k.s !== circuit.stateWidth) {
      return { ok: false, gas: null, reason: "the trusted v3 key is another circuit's" };
    }
  }
  let abi: Abi;
  let address: Hex;
  let pc: { readContract: (a: never) => Promise<unknown>; estimateContractGas: (a: never) => Promise<bigint> };
  try {
    const v = verifierFor(key, tauG2, circuit);
    abi = v.abi;
    const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
    const hardhatViem = (await import("@nomicfoundation/hardhat-viem")).default;
    const hre = await createHardhatRuntimeEnvironment({ plugins: [hardhatViem] });
    const { viem } = await hre.network.connect();
    const [wallet] = await viem.getWalletClients();
    const client = await viem.getPublicClient();
    const hash = await wallet.sendTransaction({ data: v.data } as never);
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
  const proofAbi = p.version === 2 ? deciderProofAbi(p.proof) : deciderProofV3Abi(p.proof);
  const call = { address, abi, functionName: "verifyDecider", args: [instanceAbi(U), proofAbi] } as never;
  try {
    await pc.readContract(call);
    return { ok: true, gas: await pc.estimateContractGas(call) };
  } catch (err) {
    // By name, not `instanceof`: the client is Hardhat's, whose viem may be another build than this module's.
    const rev = revertIn(err);
    if (!rev) {
      throw new OnchainCheckError("the on-chain check failed without a revert", {
        details: err instanceof Error ? err.message.split("\n")[0] : String(err),
        cause: err,
      });
    }
    const name = rev.data?.errorName ?? rev.reason ?? rev.shortMessage ?? "revert";
    return { ok: false, gas: null, reason: `on-chain verifier reverted: ${name}` };
  }
}

/** The `ContractFunctionRevertedError` in an error's cause chain, if any. */
function revertIn(err: unknown): ContractFunctionRevertedError | undefined {
  for (let e = err as { name?: string; cause?: unknown } | undefined, i = 0; e && i < 16; i++) {
    if (e instanceof ContractFunctionRevertedError || e.name === "ContractFunctionRevertedError") {
      return e as ContractFunctionRevertedError;
    }
    e = e.cause as typeof e;
  }
  return undefined;
}

/** {@link checkVersionedProofOnchain} of a bundle's decider proof for its root (`novanet verify --onchain`). */
export async function verifyBundleOnchain(
  bundlePath: string,
  trusted: TrustedDeciderKey & { tauG2: G2Affine; circuit: CheckedCircuit },
): Promise<OnchainResult> {
  const { p, U } = readDecider(bundlePath);
  return checkVersionedProofOnchain(trusted, trusted.tauG2, trusted.circuit, U, p);
}
