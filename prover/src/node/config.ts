/**
 * The node's one config file (JSON, validated with zod), with environment overrides. The Ethereum key
 * comes from a file or the environment, never from the command line or the config file itself.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { readDeployment } from "../chain/deploy.js";
import { NodeConfigError } from "../errors/node.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const FileSourceSchema = z
  .object({ cid: z.string().optional(), url: z.string().url().optional() })
  .refine((v) => v.cid !== undefined || v.url !== undefined, "a cid or a url");

export const CircuitConfigSchema = z.object({
  /** On-chain circuit id (CircuitRegistry). */
  id: z.coerce.bigint(),
  r1cs: z.string(),
  wasm: z.string(),
  /** Powers-of-tau file the circuit's SRS and decider keys come from (checked against the on-chain digest). */
  ptau: z.string(),
  srsPowers: z.number().int().positive(),
  /** Accept decider keys made without a random phase-2 contribution (devnets and tests only). */
  allowDevKeys: z.boolean().default(false),
  /**
   * The decider proving key of the registered verifier's version: v3 `.g16k`, or v2 the final `.zkey` of the
   * circuit's phase-2 ceremony; checked against the registered verifier at start (circuitFiles.ts).
   */
  deciderKey: z.string().optional(),
  /**
   * Where missing files are fetched from (a CID served by peers, and/or a URL); every fetched file is checked
   * against the chain before it is written to its path above.
   */
  fetch: z
    .object({ r1cs: FileSourceSchema, wasm: FileSourceSchema, deciderKey: FileSourceSchema })
    .partial()
    .optional(),
});

export const NodeConfigSchema = z.object({
  rpcUrl: z.string().url(),
  /** The Market v2 address; or give `deployment` (a file written by deployNetwork / `novanet deploy`). */
  market: address.optional(),
  /** Deployment JSON (prover/src/chain/deploy.ts): supplies `market`, `startBlock` and `feeToken` when absent. */
  deployment: z.string().optional(),
  /** File holding the prover's private key (hex); or set NOVANET_PRIVATE_KEY. */
  keyFile: z.string().optional(),
  dataDir: z.string(),
  listen: z.array(z.string()).default(["/ip4/127.0.0.1/tcp/0"]),
  bootstrap: z.array(z.string()).default([]),
  circuits: z.array(CircuitConfigSchema).min(1),
  /** Block the follower starts from on first run. */
  startBlock: z.coerce.bigint().default(0n),
  pollMs: z.number().int().positive().default(500),
  /** Largest `eth_getLogs` range. */
  logRange: z.number().int().positive().default(2000),
  /** Blocks re-read after a reorg is detected at the cursor. */
  reorgDepth: z.number().int().nonnegative().default(12),
  /** Blocks behind the head the follower stays (finality margin). */
  confirmations: z.number().int().nonnegative().default(0),
  /** Inbound libp2p connections accepted per second from one IP (raise it where many peers share one IP). */
  inboundPerHostPerSecond: z.number().int().positive().default(5),
  /** Tasks proved at once. */
  workers: z.number().int().positive().default(1),
  /** Memory the pool may reserve for tasks (MiB; default 80 % of the machine's); see pool.ts. */
  maxMemoryMB: z.number().int().positive().optional(),
  /** Largest artefact fetched from a peer. */
  maxArtefactBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Fetch and keep every artefact announced for a job this node follows, to serve it if its owner drops. */
  replicate: z.boolean().default(true),
  /** A task drawn to this node is not started with less than this many seconds of its window left. */
  minWindowLeftS: z.number().int().nonnegative().default(5),
  /** How long a peer that reached the penalty threshold is refused (ms). */
  banMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /** Failures of one task within one window before it is given up for that window (retried if redrawn here). */
  maxAttempts: z.number().int().positive().default(5),
  /**
   * Consecutive failures that open the failure breaker (an error log and metric; replication paused). Tasks
   * drawn to the node are still proved: skipping one is a slash. It closes on a success, or after
   * `breakerCooldownS` without a failure.
   */
  breakerThreshold: z.number().int().positive().default(5),
  breakerCooldownS: z.number().positive().default(60),
  /**
   * Slash breaker: after `slashLimit` slashes of this account (missed windows, lost disputes) within
   * `slashWindowS` seconds of chain time, the node requests the unbonding of its whole stake so that it
   * stops being drawn, and keeps proving what is already drawn to it (0: off).
   */
  slashLimit: z.number().int().nonnegative().default(3),
  slashWindowS: z
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  /** Upper bound on maxFeePerGas (wei) for any transaction. */
  maxFeePerGas: z.coerce.bigint().optional(),
  /** Prometheus /metrics on 127.0.0.1:port (0: off). */
  metricsPort: z.number().int().nonnegative().default(0),
  /**
   * Watch optimistic bundles (docs/node.md "Bundle watcher"): simulate `challengeBundle` on every proposal in
   * its window (one `eth_call` each) and challenge the fraudulent ones, winning their bond.
   */
  watchBundles: z.boolean().default(true),
  /** Fee token whose claimable balance `status` reports. */
  feeToken: address.optional(),
});

export type NodeConfig = Omit<z.infer<typeof NodeConfigSchema>, "market"> & {
  market: `0x${string}`;
  privateKey: `0x${string}`;
};

const ENV: Record<string, keyof z.input<typeof NodeConfigSchema>> = {
  NOVANET_RPC_URL: "rpcUrl",
  NOVANET_MARKET: "market",
  NOVANET_DATA_DIR: "dataDir",
  NOVANET_KEY_FILE: "keyFile",
  NOVANET_DEPLOYMENT: "deployment",
};

/** Loads `path`, applies environment overrides, validates, resolves relative paths against the file's folder. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new NodeConfigError("cannot read the config file", { details: path, cause: e });
  }
  for (const [k, field] of Object.entries(ENV)) if (env[k]) raw[field] = env[k];
  if (env.NOVANET_METRICS_PORT) raw.metricsPort = Number(env.NOVANET_METRICS_PORT);
  const parsed = NodeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new NodeConfigError("invalid node config", { details: `${first.path.join(".")}: ${first.message}` });
  }
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const c = parsed.data;
  let privateKey = env.NOVANET_PRIVATE_KEY;
  if (!privateKey && c.keyFile) {
    try {
      privateKey = readFileSync(abs(c.keyFile), "utf8").trim();
    } catch (e) {
      throw new NodeConfigError("cannot read the key file", { details: c.keyFile, cause: e });
    }
  }
  if (!privateKey || !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
    throw new NodeConfigError("no valid private key: set keyFile or NOVANET_PRIVATE_KEY (0x + 64 hex digits)");
  }
  let market = c.market;
  let startBlock = c.startBlock;
  let feeToken = c.feeToken;
  if (c.deployment) {
    const d = readDeployment(abs(c.deployment));
    market ??= d.addresses.market;
    if (raw.startBlock === undefined) startBlock = d.startBlock;
    feeToken ??= d.addresses.feeToken;
  }
  if (!market) throw new NodeConfigError("invalid node config", { details: "market: give market or deployment" });
  return {
    ...c,
    market: market as `0x${string}`,
    startBlock,
    feeToken,
    deployment: c.deployment && abs(c.deployment),
    dataDir: abs(c.dataDir),
    keyFile: c.keyFile && abs(c.keyFile),
    circuits: c.circuits.map((x) => ({
      ...x,
      r1cs: abs(x.r1cs),
      wasm: abs(x.wasm),
      ptau: abs(x.ptau),
      deciderKey: x.deciderKey && abs(x.deciderKey),
    })),
    privateKey: privateKey as `0x${string}`,
  };
}
