/**
 * The private-mode commands of the `novanet` CLI (docs/private.md, docs/cli.md): `prove --private`,
 * `verify` of a private bundle, and `submit`. cli/main.ts routes to these; they print the same way as
 * the other commands (results on stdout, progress as JSON lines on stderr) and return exit codes
 * 0 ok / valid, 1 invalid, 2 usage or input error (typed errors are thrown to main).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  isAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadR1cs } from "../arith/r1cs.js";
import { MarketAbi } from "../chain/abi.js";
import { type BundleClients, bundleParams, finalizeBundle } from "../chain/bundles.js";
import type { DevKeysKind } from "../decider/bundleV3.js";
import { UsageError } from "../errors/cli.js";
import type { DeciderPins } from "../node/circuitFiles.js";
import { isPrivateBundleJson } from "./bundle.js";
import { parseMarketTarget, provePrivate } from "./prove.js";
import { proposePrivateBundle, registeredPrivateDecider, submitPrivateBundle } from "./submit.js";
import { readPrivateBundle, verifyPrivateBundle } from "./verify.js";
import { compilePrivateCircuit } from "./wrapper.js";

type Io = { out: (s: string) => void; err: (s: string) => void };

export const PRIVATE_USAGE = `  novanet prove --private --circuit <step.circom> --steps <N> --input <z0.json> --out <bundle-dir>
                [--transcript v1|v2]   (v2: for market v2's submit and submit --optimistic; default from --rpc)
                [--chain-id <id> --market <address>] [--hide-input] [--hide-output] [--ptau <file>] [--cache <dir>]
                [--decider v3|v2 | --rpc <url> --circuit-id <id>]   (the registered verifier decides)
                [--decider-key <file.g16k>]   (a v3 ceremony's final key of F^; no --insecure-dev-keys then)
  novanet verify <private-bundle-dir> --circuit <step.circom> [--ptau <file> | --ptau-dir <dir> | --trust <store.json>]
                [--vkey <vkey.json>] [--insecure-dev-keys] [--json]
  novanet submit <private-bundle-dir> --rpc <url> --market <address> --circuit-id <id> [--from <address>]
                [--optimistic [--wait]]   (propose with a bond; final after the challenge window)
                (signs with NOVANET_PRIVATE_KEY if set, else sends from --from, an account the node holds)
  novanet finalize <jobId> --rpc <url> --market <address> [--from <address>]   (a proposed bundle, after its window)`;

/** Whether `path` (a bundle folder or its bundle.json) holds a private bundle. */
export function isPrivateBundlePath(path: string): boolean {
  const abs = resolve(path);
  try {
    return isPrivateBundleJson(
      JSON.parse(readFileSync(abs.endsWith(".json") ? abs : join(abs, "bundle.json"), "utf8")),
    );
  } catch {
    return false;
  }
}

export type PrivateProveValues = {
  circuit: string;
  steps: number;
  z0: bigint[];
  out: string;
  ptau?: string;
  cache?: string;
  "chain-id"?: string;
  market?: string;
  "hide-input"?: boolean;
  "hide-output"?: boolean;
  /** `v3` (default) or `v2` (main checked the value). */
  decider?: string;
  deciderExplicit?: boolean;
  rpc?: string;
  "circuit-id"?: string;
  /** A v3 ceremony's final key of `F̂` (private/deciderKey.ts checks it). */
  "decider-key"?: string;
  /** The fold transcript: `v1` (ProofMarket) or `v2` (market v2); default: v2 when `--rpc` serves a market v2. */
  transcript?: string;
};

/** `novanet prove --private …` after main parsed and checked the common options. */
export async function provePrivateCommand(
  v: PrivateProveValues,
  io: Io,
  progress: (e: Record<string, unknown> & { event: string }) => void,
): Promise<number> {
  const target = parseMarketTarget(v["chain-id"], v.market);
  let decider: 2 | 3 = v.decider === "v2" ? 2 : 3;
  let v3Kind: DevKeysKind | undefined;
  let deciderPins: DeciderPins | undefined;
  const deciderKey = v["decider-key"];
  if (v.transcript !== undefined && v.transcript !== "v1" && v.transcript !== "v2")
    throw new UsageError("--transcript must be v1 or v2", { details: v.transcript });
  let transcript: 1 | 2 = v.transcript === "v2" ? 2 : 1;
  if (deciderKey !== undefined && v.deciderExplicit && decider !== 3) {
    throw new UsageError("--decider-key is a decider v3 key: it does not go with --decider v2");
  }
  if (v.rpc !== undefined || v["circuit-id"] !== undefined) {
    // The registered verifier decides the version (and, v3, which local key), as the node reads it.
    if (v.rpc === undefined || v["circuit-id"] === undefined || v.market === undefined) {
      throw new UsageError("--rpc and --circuit-id go together, with --chain-id and --market");
    }
    if (!/^[1-9][0-9]{0,30}$/.test(v["circuit-id"])) throw new UsageError("--circuit-id must be a positive integer");
    const publicClient = createPublicClient({ transport: http(v.rpc) });
    const chainId = BigInt(await publicClient.getChainId());
    if (chainId !== target.chainId) {
      throw new UsageError("--chain-id is not the chain --rpc serves", { details: `${target.chainId} ≠ ${chainId}` });
    }
    // Market v2 (it has bundleParams()) re-executes bundle folds under transcript v2.
    if (v.transcript === undefined) {
      transcript = await bundleParams(publicClient, target.market).then(
        () => 2 as const,
        () => 1 as const,
      );
    }
    const cacheRoot = resolve(v.cache ?? ".novanet");
    const pc = await compilePrivateCircuit(v.circuit, cacheRoot);
    const reg = await registeredPrivateDecider(
      publicClient,
      target.market,
      BigInt(v["circuit-id"]),
      await loadR1cs(pc.wrapped.r1csPath),
      cacheRoot,
      { deciderKey },
    );
    if (v.deciderExplicit && reg.version !== decider) {
      throw new UsageError(
        `--decider v${decider}, but circuit ${v["circuit-id"]}'s verifier is decider v${reg.version}`,
      );
    }
    if (deciderKey !== undefined && reg.version !== 3) {
      throw new UsageError(
        `--decider-key is a decider v3 key, but circuit ${v["circuit-id"]}'s verifier is decider v${reg.version}`,
      );
    }
    decider = reg.version;
    if (reg.version === 3) {
      deciderPins = reg.pins;
      v3Kind = reg.v3Kind;
    }
    progress({
      event: "registered-decider",
      circuitId: v["circuit-id"],
      version: reg.version,
      ...(reg.version === 3 ? { vkeyHash: reg.vkeyHash } : {}),
      ...(reg.version === 3 && reg.v3Kind ? { v3Kind: reg.v3Kind } : {}),
    });
  }
  const r = await provePrivate({
    circuit: v.circuit,
    steps: v.steps,
    z0: v.z0,
    out: v.out,
    ptau: v.ptau,
    cacheDir: v.cache,
    chainId: target.chainId,
    market: target.market,
    hideInput: v["hide-input"],
    hideOutput: v["hide-output"],
    transcript,
    decider,
    v3Kind,
    deciderKey,
    deciderPins,
    onProgress: progress,
    warn: (m) => io.err(`\n*** ${m} ***\n\n`),
  });
  io.out(
    `${JSON.stringify({
      bundle: r.bundle,
      private: true,
      steps: r.steps,
      c0: String(r.c0),
      cN: String(r.cN),
      ...(v["hide-input"] ? {} : { z0: r.z0.map(String) }),
      ...(v["hide-output"] ? {} : { zN: r.zN.map(String) }),
      chainId: String(target.chainId),
      market: target.market,
      root: r.rootHash,
      ms: Math.round(r.ms),
      ptau: r.ptau,
      vkey: r.vkey,
      decider: `v${r.decider}`,
      transcript: `v${transcript}`,
    })}\n`,
  );
  return 0;
}

/** `novanet verify <private bundle> --circuit …`. */
export async function verifyPrivateCommand(
  path: string,
  v: {
    circuit?: string;
    ptau?: string;
    vkey?: string;
    cache?: string;
    json?: boolean;
    quiet?: boolean;
    trust?: string[];
    "ptau-dir"?: string[];
    "insecure-dev-keys"?: boolean;
  },
  io: Io,
): Promise<number> {
  if (!v.circuit) {
    throw new UsageError(
      "a private bundle is verified against the step circuit you expect: pass --circuit <step.circom>",
    );
  }
  const r = await verifyPrivateBundle(path, {
    circuit: v.circuit,
    ptau: v.ptau,
    vkey: v.vkey,
    cacheDir: v.cache,
    trust: v.trust,
    ptauDirs: v["ptau-dir"],
    insecureDevKeys: v["insecure-dev-keys"],
  });
  if (!v.quiet && !v.json) {
    if (r.insecureDevSrs) {
      io.err(
        `\n*** warning: the SRS is not a pinned ceremony file (${r.srs?.label}): this proves nothing to anyone else ***\n\n`,
      );
    }
    if (r.keys && r.keys.trust !== "ceremony")
      io.err(`\n*** warning: INSECURE DEV KEYS accepted (${r.keys.label}) ***\n\n`);
  }
  const z0 = r.z0 ? `z0 = [${r.z0.join(", ")}]` : `z0 private (c_0 = ${r.c0})`;
  const zN = r.zN ? `zN = [${r.zN.join(", ")}]` : `zN private (c_N = ${r.cN})`;
  if (v.json) {
    io.out(
      `${JSON.stringify({
        valid: r.valid,
        private: true,
        circuit: r.circuit,
        stepR1csHash: r.stepR1csHash,
        steps: r.steps,
        c0: String(r.c0),
        cN: String(r.cN),
        z0: r.z0?.map(String) ?? null,
        zN: r.zN?.map(String) ?? null,
        chainId: String(r.chainId),
        market: r.market,
        srs: r.srs,
        insecureDevSrs: r.insecureDevSrs,
        keys: r.keys,
        insecureDevKeys: r.keys !== undefined && r.keys.trust !== "ceremony",
        ...(r.valid ? {} : { reason: r.reason }),
      })}\n`,
    );
  } else if (r.valid) {
    io.out(`VALID (private): F = ${r.circuit} (R1CS ${r.stepR1csHash}), N = ${r.steps}, ${z0}, ${zN}\n`);
  } else {
    io.out(`INVALID: ${r.reason}\n`);
  }
  return r.valid ? 0 : 1;
}

/** `novanet submit <bundle> --rpc … --market … --circuit-id … [--optimistic [--wait]]`. */
export async function submitCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rpc: { type: "string" },
      market: { type: "string" },
      "circuit-id": { type: "string" },
      from: { type: "string" },
      optimistic: { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError("submit takes exactly one bundle path");
  for (const k of ["rpc", "market", "circuit-id"] as const) {
    if (values[k] === undefined) throw new UsageError(`submit needs --${k}`);
  }
  if (!isAddress(values.market!, { strict: false })) throw new UsageError("--market is not an address");
  if (!/^[1-9][0-9]{0,30}$/.test(values["circuit-id"]!))
    throw new UsageError("--circuit-id must be a positive integer");
  if (values.wait && !values.optimistic) throw new UsageError("--wait goes with --optimistic");
  const bundle = readPrivateBundle(positionals[0]);
  const { publicClient, walletClient } = await senderClients(values.rpc!, values.from, "submit");
  const market = getAddress(values.market!);
  const params = { bundle, market, circuitId: BigInt(values["circuit-id"]!) };
  if (values.optimistic) {
    const p = await proposePrivateBundle({ publicClient, walletClient }, params);
    io.out(
      `${JSON.stringify({ jobId: String(p.jobId), tx: p.txHash, gasUsed: String(p.gasUsed), cN: String(p.cN), bond: String(p.bond), challengeEnd: String(p.challengeEnd), status: "Proposed" })}\n`,
    );
    if (!values.wait) return 0;
    return waitAndFinalize({ publicClient, walletClient }, market, p.jobId, p.challengeEnd, io);
  }
  const r = await submitPrivateBundle({ publicClient, walletClient }, params);
  io.out(
    `${JSON.stringify({ jobId: String(r.jobId), tx: r.txHash, gasUsed: String(r.gasUsed), cN: String(r.cN), status: "Verified" })}\n`,
  );
  return 0;
}

/** `novanet finalize <jobId> --rpc … --market … [--from …]`: finalizes a proposed bundle after its window. */
export async function finalizeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { rpc: { type: "string" }, market: { type: "string" }, from: { type: "string" } },
  });
  if (positionals.length !== 1 || !/^[1-9][0-9]{0,30}$/.test(positionals[0]))
    throw new UsageError("finalize takes exactly one job id (a positive integer)");
  for (const k of ["rpc", "market"] as const) {
    if (values[k] === undefined) throw new UsageError(`finalize needs --${k}`);
  }
  if (!isAddress(values.market!, { strict: false })) throw new UsageError("--market is not an address");
  const clients = await senderClients(values.rpc!, values.from, "finalize");
  const jobId = BigInt(positionals[0]);
  const f = await finalizeBundle(clients, getAddress(values.market!), jobId);
  io.out(
    `${JSON.stringify({ jobId: String(jobId), tx: f.txHash, gasUsed: String(f.gasUsed), bond: String(f.bond), status: "Verified" })}\n`,
  );
  return 0;
}

/**
 * `submit --optimistic --wait`: waits until chain time is past the challenge window, then finalizes; a bundle
 * challenged meanwhile (Voided) prints its status and exits 1.
 */
async function waitAndFinalize(
  clients: Awaited<ReturnType<typeof senderClients>>,
  market: Address,
  jobId: bigint,
  challengeEnd: bigint,
  io: Io,
): Promise<number> {
  for (;;) {
    const now = (await clients.publicClient.getBlock({ blockTag: "latest" })).timestamp;
    if (now > challengeEnd) break;
    io.err(
      `${JSON.stringify({ event: "waiting", jobId: String(jobId), secondsLeft: String(challengeEnd - now + 1n) })}\n`,
    );
    const left = Number(challengeEnd - now + 1n) * 1000;
    await new Promise((r) => setTimeout(r, Math.min(Math.max(left, 1000), 15_000)));
  }
  const job = (await clients.publicClient.readContract({
    address: market,
    abi: MarketAbi,
    functionName: "getJob",
    args: [jobId],
  })) as { status: number };
  if (job.status === 5) {
    io.out(`${JSON.stringify({ jobId: String(jobId), status: "Voided" })}\n`);
    return 1;
  }
  if (job.status === 2) {
    // Someone finalized it first (anyone may): nothing to send.
    io.out(`${JSON.stringify({ jobId: String(jobId), status: "Verified", finalizedByOther: true })}\n`);
    return 0;
  }
  const f = await finalizeBundle(clients, market, jobId);
  io.out(
    `${JSON.stringify({ jobId: String(jobId), tx: f.txHash, gasUsed: String(f.gasUsed), bond: String(f.bond), status: "Verified" })}\n`,
  );
  return 0;
}

/** The clients a sending command uses: NOVANET_PRIVATE_KEY signs if set, else `from` (an account the node holds). */
async function senderClients(rpc: string, from: string | undefined, command: string) {
  const transport = http(rpc);
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId();
  const chain: Chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const key = process.env.NOVANET_PRIVATE_KEY;
  let account: ReturnType<typeof privateKeyToAccount> | Address;
  if (key) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError("NOVANET_PRIVATE_KEY is not a 32-byte 0x-hex key");
    account = privateKeyToAccount(key as Hex);
  } else if (from && isAddress(from, { strict: false })) {
    account = getAddress(from);
  } else {
    throw new UsageError(
      `${command} needs a sender: set NOVANET_PRIVATE_KEY or pass --from <address> (an account of the node)`,
    );
  }
  const publicClient = createPublicClient({ chain, transport });
  const walletClient = createWalletClient({ chain, transport, account });
  // biome-ignore lint/suspicious/noExplicitAny: a json-rpc account and a local account are both accepted.
  return { publicClient: publicClient as any, walletClient: walletClient as any } as BundleClients;
}
