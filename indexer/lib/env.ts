/**
 * Reads and validates the indexer's environment (see ponder.config.ts and docs/indexer.md). Throws
 * {@link IndexerConfigError} naming the variable for anything malformed or missing, so that a typo stops
 * the indexer at start-up instead of indexing the wrong thing.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IndexerConfigError } from "../../prover/src/errors/indexer.js";

export type Address = `0x${string}`;

export type IndexerEnv = {
  rpcUrl: string;
  chainId: number;
  startBlock: number;
  pollingMs: number;
  proverRegistry: Address;
  circuitRegistry: Address;
  proofMarket: Address;
  databaseUrl?: string;
  pgliteDir: string;
};

const indexerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new IndexerConfigError(`${name} must be an integer ≥ ${min}`, { details: `got ${JSON.stringify(raw)}` });
  }
  return Number(raw);
}

function address(name: string, raw: unknown): Address {
  if (typeof raw !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    throw new IndexerConfigError(`${name} must be a 20-byte hex address`, { details: `got ${JSON.stringify(raw)}` });
  }
  return raw.toLowerCase() as Address;
}

/**
 * The fields a deployment file may carry: `novanet deploy`'s (prover/src/chain/deploy.ts: `addresses.market`
 * is the market, `startBlock` a decimal string), or flat / `contracts`-keyed addresses from one's own script.
 */
type DeploymentFile = {
  chainId?: number;
  startBlock?: number | string;
  addresses?: { market?: string; proverRegistry?: string; circuitRegistry?: string };
  blockNumber?: number;
  proverRegistry?: string;
  circuitRegistry?: string;
  proofMarket?: string;
  contracts?: Record<string, string | { address?: string }>;
};

function readDeployment(file: string): DeploymentFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as DeploymentFile;
  } catch (error) {
    throw new IndexerConfigError("cannot read the deployment file", { details: file, cause: error });
  }
}

function fromDeployment(deployment: DeploymentFile, name: "ProverRegistry" | "CircuitRegistry" | "ProofMarket") {
  const key = (name[0]!.toLowerCase() + name.slice(1)) as "proverRegistry" | "circuitRegistry" | "proofMarket";
  const entry = deployment.contracts?.[name];
  const v2 = name === "ProofMarket" ? deployment.addresses?.market : deployment.addresses?.[key as "proverRegistry"];
  return deployment[key] ?? v2 ?? (typeof entry === "string" ? entry : entry?.address);
}

/** Parses the indexer's variables out of `env` (normally `process.env`). */
export function loadIndexerEnv(env: Record<string, string | undefined>): IndexerEnv {
  const rpcUrl = env.NOVANET_RPC_URL || "http://127.0.0.1:8545";
  if (!/^(https?|wss?):\/\/./.test(rpcUrl)) {
    throw new IndexerConfigError("NOVANET_RPC_URL must be an http(s) or ws(s) URL", { details: rpcUrl });
  }
  // Relative paths are relative to where the command was started (npm's INIT_CWD: `npm run indexer` runs in indexer/).
  const base = env.INIT_CWD || process.cwd();
  const deploymentPath = env.NOVANET_DEPLOYMENT ? path.resolve(base, env.NOVANET_DEPLOYMENT) : undefined;
  let deployment: DeploymentFile = {};
  if (deploymentPath) {
    if (!existsSync(deploymentPath))
      throw new IndexerConfigError("NOVANET_DEPLOYMENT does not exist", { details: deploymentPath });
    deployment = readDeployment(deploymentPath);
  }
  const missing = (name: string) =>
    new IndexerConfigError(`${name} is not set`, {
      details:
        "set the contract addresses (NOVANET_PROVER_REGISTRY, NOVANET_CIRCUIT_REGISTRY, NOVANET_PROOF_MARKET) or NOVANET_DEPLOYMENT",
    });
  const pick = (variable: string, name: "ProverRegistry" | "CircuitRegistry" | "ProofMarket") => {
    const raw = env[variable] || fromDeployment(deployment, name);
    if (raw === undefined) throw missing(variable);
    return address(variable, raw);
  };
  const chainId = integer(env, "NOVANET_CHAIN_ID", deployment.chainId ?? 31337, 1);
  if (deployment.chainId !== undefined && deployment.chainId !== chainId) {
    throw new IndexerConfigError("NOVANET_CHAIN_ID differs from the deployment file's chainId", {
      details: `${chainId} vs ${deployment.chainId}`,
    });
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new IndexerConfigError("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }
  return {
    rpcUrl,
    chainId,
    startBlock: integer(env, "NOVANET_START_BLOCK", Number(deployment.startBlock ?? deployment.blockNumber ?? 0), 0),
    pollingMs: integer(env, "NOVANET_POLLING_MS", 1000, 10),
    proverRegistry: pick("NOVANET_PROVER_REGISTRY", "ProverRegistry"),
    circuitRegistry: pick("NOVANET_CIRCUIT_REGISTRY", "CircuitRegistry"),
    proofMarket: pick("NOVANET_PROOF_MARKET", "ProofMarket"),
    databaseUrl,
    pgliteDir: env.NOVANET_PGLITE_DIR
      ? path.resolve(base, env.NOVANET_PGLITE_DIR)
      : path.join(indexerDir, ".ponder", "pglite"),
  };
}
