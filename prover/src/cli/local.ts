/**
 * `novanet prove` and `novanet verify` (docs/cli.md): local proving and bundle verification. Loaded lazily
 * by main.ts, so that commands that do not prove start without the prover's modules.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Hex, keccak256 } from "viem";
import { compileCircuit } from "../circuits/compile.js";
import {
  addDeciderToBundle,
  bundleDeciderVersion,
  bundleHasDecider,
  type TrustedDeciderKey,
  verifyBundleDecider,
  verifyBundleOnchain,
} from "../decider/bundle.js";
import { terminateSnarkjsCurve } from "../decider/snarkjs.js";
import { InputFileError, UsageError } from "../errors/cli.js";
import { DeciderProofFormatError } from "../errors/decider.js";
import { DevKeysRefusedError, UntrustedDeciderKeyError } from "../errors/trust.js";
import { isPrivateBundlePath, provePrivateCommand, verifyPrivateCommand } from "../private/cli.js";
import { assertKeyAllowed, loadTrustStore, resolveDeciderKey } from "../trust/store.js";
import { isVkeyV3File, resolveDeciderKeyV3 } from "../trust/v3.js";
import { decodeRootWitness } from "./bundle.js";
import { type ProgressEvent, proveLocal, readStateFile, writeBundleAtomically } from "./prove.js";
import { readBundleJson, verifyBundle } from "./verify.js";

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;

type Io = { out: (s: string) => void; err: (s: string) => void };

function progressPrinter(io: Io, quiet: boolean): (e: ProgressEvent) => void {
  if (quiet) return () => {};
  const last = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    const total = typeof e.total === "number" ? e.total : 0;
    // Per-item events: at most ~2 lines a second per kind, plus the last leaf and the last fold.
    if (typeof e.done === "number") {
      const final = e.done === total && e.event !== "dev-srs";
      if (!final && now - (last.get(e.event) ?? 0) < 500) return;
      last.set(e.event, now);
    }
    io.err(`${JSON.stringify(e)}\n`);
  };
}

export async function prove(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      circuit: { type: "string" },
      steps: { type: "string" },
      input: { type: "string" },
      out: { type: "string" },
      ptau: { type: "string" },
      cache: { type: "string" },
      hiding: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      "no-decider": { type: "boolean", default: false },
      "insecure-dev-keys": { type: "boolean", default: false },
      // v3 (commit-and-prove, the default) or v2 (the hashed D_F of circuits registered with it), docs/decider.md.
      decider: { type: "string", default: "v3" },
      // Private mode (private/cli.ts, docs/private.md).
      private: { type: "boolean", default: false },
      "chain-id": { type: "string" },
      market: { type: "string" },
      "hide-input": { type: "boolean", default: false },
      "hide-output": { type: "boolean", default: false },
      // Private mode: read the registered decider of this circuit id (docs/private.md "Decider versions").
      rpc: { type: "string" },
      "circuit-id": { type: "string" },
      // Private mode: a v3 ceremony's final key of F̂ (private/deciderKey.ts checks it; no dev keys then).
      "decider-key": { type: "string" },
      // Private mode: the fold transcript, v1 (ProofMarket) or v2 (market v2; found with --rpc when not given).
      transcript: { type: "string" },
    },
  });
  if (positionals.length > 0)
    throw new UsageError("prove takes no positional arguments", { details: positionals.join(" ") });
  for (const k of ["circuit", "steps", "input", "out"] as const) {
    if (values[k] === undefined) throw new UsageError(`prove needs --${k}`);
  }
  const steps = Number(values.steps);
  if (!Number.isSafeInteger(steps) || steps < 1 || !/^[0-9]+$/.test(values.steps!)) {
    throw new UsageError("--steps must be a positive integer", { details: values.steps });
  }
  if (!values["no-decider"] && !values["insecure-dev-keys"] && !(values.private && values["decider-key"])) {
    // prove makes D_F's keys with one in-process contribution: whoever runs it could know δ.
    throw new DevKeysRefusedError(
      "prove would make the decider proof with dev keys (one in-process contribution): pass --insecure-dev-keys or --no-decider (--private: or --decider-key <a v3 ceremony's key>)",
    );
  }
  if (values.decider !== "v3" && values.decider !== "v2") {
    throw new UsageError("--decider must be v3 or v2", { details: values.decider });
  }
  const z0 = readStateFile(values.input!);
  // MSM/fold backends: NOVANET_MSM, or the calibration cached by NOVANET_MSM=auto (gpu/startup.ts).
  const { prepareProving, setupSummary } = await import("../gpu/startup.js");
  const setup = await prepareProving({ cacheDir: resolve(values.cache ?? ".novanet") });
  progressPrinter(io, values.quiet!)({ event: "backend", ...setupSummary(setup) });
  if (values.private) {
    if (values["no-decider"])
      throw new UsageError("--private always makes the decider proof (--no-decider is not allowed)");
    const { circuit, out, ptau, cache } = values;
    const deciderExplicit = args.some((a) => a === "--decider" || a.startsWith("--decider="));
    const code = await provePrivateCommand(
      { ...values, circuit: circuit!, out: out!, ptau, cache, steps, z0, deciderExplicit },
      io,
      progressPrinter(io, values.quiet!),
    );
    await terminateSnarkjsCurve();
    return code;
  }
  for (const k of [
    "chain-id",
    "market",
    "hide-input",
    "hide-output",
    "rpc",
    "circuit-id",
    "decider-key",
    "transcript",
  ] as const) {
    if (values[k]) throw new UsageError(`--${k} is a private-mode option (add --private)`);
  }
  const out = resolve(values.out!);
  // Atomic: everything is written into a temporary folder, checked, then renamed to --out.
  const { r, vkeyPath } = await writeBundleAtomically(out, async (tmp) => {
    const r = await proveLocal({
      circuit: values.circuit!,
      steps,
      z0,
      out: tmp,
      ptau: values.ptau,
      hiding: values.hiding,
      cacheDir: values.cache,
      onProgress: progressPrinter(io, values.quiet!),
      warn: (m) => io.err(`\n*** ${m} ***\n\n`),
    });
    let vkeyPath: string | undefined;
    if (!values["no-decider"]) {
      // The succinct proof of the root (decider/bundle.ts, v3 by default): dev keys cached by circuit
      // (<cache>/keys-v3, or <cache>/keys for v2), the proof checked by its own verifier before the run
      // counts as a success.
      const d = await addDeciderToBundle(r.bundle, {
        version: values.decider === "v2" ? 2 : 3,
        cacheDir: values.cache,
        srsPtau: r.ptau,
        progress: progressPrinter(io, values.quiet!),
        warn: (m) => io.err(`\n*** ${m} ***\n\n`),
        decodeWitness: decodeRootWitness,
      });
      vkeyPath = d.vkeyPath;
      if (d.proved.proved.version === 2) await terminateSnarkjsCurve();
      io.err(
        `\n*** INSECURE DEV KEYS: ${d.proved.proved.version === 2 ? "the decider keys have one in-process contribution" : "the decider keys were made in this process"}; this proof convinces no one else ***\n\n`,
      );
    }
    return { r: { ...r, bundle: out }, vkeyPath };
  });
  // ptau and vkey: the prover's own files, for its own `verify --ptau … --vkey … --insecure-dev-keys`.
  io.out(
    `${JSON.stringify({ bundle: r.bundle, steps: r.steps, z0: r.z0.map(String), zN: r.zN.map(String), root: r.rootHash, ms: Math.round(r.ms), ptau: r.ptau, ...(vkeyPath ? { vkey: vkeyPath } : {}) })}\n`,
  );
  return EXIT_OK;
}

export async function verify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ptau: { type: "string" },
      "ptau-dir": { type: "string", multiple: true },
      trust: { type: "string", multiple: true },
      vkey: { type: "string" },
      circuit: { type: "string" },
      "r1cs-hash": { type: "string" },
      cache: { type: "string" },
      "insecure-dev-keys": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      onchain: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError("verify takes exactly one bundle path");
  if (isPrivateBundlePath(positionals[0])) {
    if (values.onchain) throw new UsageError("a private bundle is checked on-chain by `novanet submit`");
    const code = await verifyPrivateCommand(positionals[0], values, io);
    await terminateSnarkjsCurve();
    return code;
  }
  if (values.circuit !== undefined && values["r1cs-hash"] !== undefined) {
    throw new UsageError("pass --circuit or --r1cs-hash, not both");
  }
  const expect = await expectedR1csHash(values.circuit, values["r1cs-hash"], values.cache);
  const store = loadTrustStore({ stores: values.trust, ptauDirs: values["ptau-dir"] });
  const r = await verifyBundle(positionals[0], {
    ptau: values.ptau,
    store,
    expectR1csHash: expect,
    onProgress: progressPrinter(io, values.quiet! || values.json!),
  });
  // The decider proof (decider/bundle.ts), with a key and an SRS this verifier trusts: off-chain, then
  // with --onchain on an in-process EVM running a verifier rendered from that key.
  let gas: bigint | undefined;
  let succinct = false;
  let keys: { label: string; trust: string; vkHash: string } | undefined;
  if (r.valid && !bundleHasDecider(positionals[0])) {
    if (values.onchain) Object.assign(r, { valid: false, reason: "not succinct: the bundle has no decider proof" });
  } else if (r.valid && r.circuit && r.trustedSrs) {
    // The bundle's decider.format says which version's key to use; the key itself is the caller's.
    let trusted: TrustedDeciderKey;
    const version = bundleDeciderVersion(positionals[0]);
    if (version === null) {
      const format = (readBundleJson(positionals[0]).json.decider as { format?: unknown }).format;
      throw new DeciderProofFormatError("unknown decider format", { details: JSON.stringify(format) });
    }
    if (version === 3) {
      // v3: the caller's v3 key file (--vkey), labelled by a store pin of its hash, or the store's v3 pin
      // for this circuit; a key that is not a pinned ceremony key needs --insecure-dev-keys.
      const k = resolveDeciderKeyV3(store.decidersV3 ?? [], r.circuit.r1csHash, values.vkey);
      keys = { label: k.label, trust: k.trust, vkHash: k.vkHash };
      assertKeyAllowed(
        { ...keys, vkey: undefined as never } as Parameters<typeof assertKeyAllowed>[0],
        values["insecure-dev-keys"]!,
      );
      trusted = { version: 3, words: k.words };
    } else {
      // A bundle that claims v2 with a v3 key file passed: refused (typed), never read as a snarkjs key.
      if (values.vkey !== undefined && isVkeyV3File(values.vkey)) {
        throw new UntrustedDeciderKeyError("the --vkey file is a decider v3 key; this bundle carries a v2 proof", {
          details: values.vkey,
        });
      }
      const key = resolveDeciderKey(store, r.circuit.r1csHash, "hashed", values.vkey);
      keys = { label: key.label, trust: key.trust, vkHash: key.vkHash };
      assertKeyAllowed(key, values["insecure-dev-keys"]!);
      trusted = { version: 2, vkey: key.vkey };
    }
    const circuit = { r1csHash: r.circuit.r1csHash, stateWidth: r.z0.length };
    const d = await verifyBundleDecider(positionals[0], { ...trusted, srs: r.trustedSrs, circuit });
    await terminateSnarkjsCurve();
    if (!d.ok) {
      // The bundle's key claim is only used to explain a rejection, never to choose the key.
      const claimed = (readBundleJson(positionals[0]).json.decider as { keys?: { vkHash?: unknown } } | null)?.keys
        ?.vkHash;
      const other =
        typeof claimed === "string" && claimed !== keys.vkHash
          ? `: the bundle claims decider key vkHash ${claimed}, the trusted key is ${keys.vkHash}`
          : "";
      const v = trusted.version === 3 ? " v3" : "";
      Object.assign(r, { valid: false, reason: `decider${v} proof rejected (${d.reason} check failed)${other}` });
    } else {
      succinct = true;
      if (values.onchain) {
        const o = await verifyBundleOnchain(positionals[0], { ...trusted, tauG2: r.trustedSrs.tauG2, circuit });
        if (o.ok) gas = o.gas;
        else Object.assign(r, { valid: false, reason: o.reason });
      }
    }
  }
  const devKeys = keys !== undefined && keys.trust !== "ceremony";
  if (!values.quiet) {
    if (r.insecureDevSrs) {
      io.err(
        `\n*** warning: the SRS is not a pinned ceremony file (${r.srs?.label}): this proves nothing to anyone else ***\n\n`,
      );
    }
    if (devKeys) io.err(`\n*** warning: INSECURE DEV KEYS accepted (${keys?.label}) ***\n\n`);
  }
  const F = r.circuit ? `${r.circuit.name} (r1csHash ${r.circuit.r1csHash})` : "?";
  if (values.json) {
    io.out(
      `${JSON.stringify({
        valid: r.valid,
        circuit: r.circuit,
        circuitExpected: r.circuitExpected ?? null,
        steps: r.steps,
        z0: r.z0.map(String),
        zN: r.zN.map(String),
        succinct,
        srs: r.srs ? { digest: r.srs.digest, n: r.srs.n, label: r.srs.label, trust: r.srs.trust } : undefined,
        insecureDevSrs: r.insecureDevSrs,
        keys,
        insecureDevKeys: devKeys,
        ...(r.valid ? {} : { reason: r.reason }),
        ...(gas === undefined ? {} : { gas: Number(gas) }),
      })}\n`,
    );
  } else if (r.valid) {
    io.out(
      `VALID${succinct ? "" : " (not succinct: no decider proof; checked by re-folding)"}: F = ${F}, N = ${r.steps}, z0 = [${r.z0.join(", ")}], zN = [${r.zN.join(", ")}]\n`,
    );
    io.out(
      r.circuitExpected
        ? "the circuit is the one you expected\n"
        : `the statement is about THIS R1CS: pass --circuit or --r1cs-hash to require the F you expect\n`,
    );
    io.out(`SRS: ${r.srs?.label} [${r.srs?.trust}]${keys ? `; decider key: ${keys.label} [${keys.trust}]` : ""}\n`);
    if (gas !== undefined) io.out(`on-chain verification: ${gas} gas\n`);
  } else {
    io.out(`INVALID: ${r.reason}\n`);
  }
  return r.valid ? EXIT_OK : EXIT_INVALID;
}

/** The R1CS hash the caller expects: `--r1cs-hash`, or the hash of `--circuit` (a .r1cs, or a .circom compiled). */
async function expectedR1csHash(circuit?: string, hash?: string, cache?: string): Promise<Hex | undefined> {
  if (hash !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash))
      throw new UsageError("--r1cs-hash must be 32 bytes of 0x-hex", { details: hash });
    return hash.toLowerCase() as Hex;
  }
  if (circuit === undefined) return undefined;
  if (circuit.endsWith(".r1cs")) {
    try {
      return keccak256(new Uint8Array(readFileSync(circuit)));
    } catch (cause) {
      throw new InputFileError("cannot read the --circuit .r1cs file", { details: circuit, cause });
    }
  }
  const compiled = await compileCircuit(circuit, { cacheDir: join(resolve(cache ?? ".novanet"), "circuits") });
  return keccak256(new Uint8Array(readFileSync(compiled.r1csPath)));
}
