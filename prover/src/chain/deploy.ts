/**
 * Deploys the NovaNet v2 contracts with plain viem clients (the node's tests, `novanet deploy`, the devnet):
 * the stake and fee tokens (TestTokens unless given), ProverRegistry, CircuitRegistry, the linked library
 * Chunks, MarketExtension (reached by delegatecall) and the Market facade; then tells the registry
 * which market may slash and hands ownership to `owner`. Returns a {@link Deployment} that can be written to
 * and read from JSON ({@link writeDeployment}, {@link readDeployment}); reads the Hardhat artifacts (run
 * `npx hardhat build` first). {@link deployContract}, {@link sendTransaction}, {@link readArtifact} and
 * {@link linkBytecode} are the steps, shared with the tests' v1 fixtures (test/helpers/deployV1.ts).
 *
 * @example
 * const d = await deployNetwork({ publicClient, walletClient }, { params: { window: 60n } });
 * writeDeployment("deployment.json", d);
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  getAddress,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { z } from "zod";
import { ChainError } from "../errors/node.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Market v2 governance parameters (`IMarketTypes.Params`). */
export type MarketV2Params = {
  minFee: bigint;
  requesterBondBps: number;
  livenessBond: bigint;
  disputeBond: bigint;
  disputeSlash: bigint;
  window: bigint;
  disputeWindow: bigint;
  maxJobDuration: bigint;
  burnBps: number;
  callbackGasLimit: number;
};

export type Weights = { leaf: bigint; fold: bigint; decision: bigint };

const E18 = 10n ** 18n;

/** Defaults of {@link deployNetwork}: a public network's values (windows of 10 minutes). */
export const DEFAULT_V2_PARAMS: MarketV2Params = {
  minFee: 1000n,
  requesterBondBps: 1000,
  livenessBond: 10n * E18,
  disputeBond: 10n * E18,
  disputeSlash: 50n * E18,
  window: 600n,
  disputeWindow: 600n,
  maxJobDuration: 30n * 86400n,
  burnBps: 5000,
  callbackGasLimit: 200_000,
};

export type DeployNetworkParameters = {
  /** Final owner of the registries and the market (default: the deploying account). */
  owner?: Address;
  /** An existing ERC-20 to stake; default: a fresh TestToken ("NovaNet Stake", "NNS"). */
  stakeToken?: Address;
  /** An existing ERC-20 for fees; default: a fresh TestToken ("NovaNet Fee", "NNF"). `null`: none (ETH fees only). */
  feeToken?: Address | null;
  /** Minimum active stake (default 100e18). */
  minStake?: bigint;
  /**
   * Unbonding delay in seconds (default: the market's `maxJobDuration` plus one day, 31 days with the default
   * parameters). The market refuses a deadline at or beyond `now + unbondingDelay` (MarketDeadlineAfterUnbonding),
   * so a shorter delay also shortens the longest job.
   */
  unbondingDelay?: bigint;
  /** Market parameters (defaults in {@link DEFAULT_V2_PARAMS}). */
  params?: Partial<MarketV2Params>;
  /** Work weights (default 1, 1, 1). */
  weights?: Weights;
  /** Folder holding the Hardhat artifacts (default: `<repo>/artifacts`). */
  artifactsDir?: string;
};

export type DeploymentAddresses = {
  /** The one address for users and the indexer. */
  market: Address;
  marketExtension: Address;
  proverRegistry: Address;
  circuitRegistry: Address;
  stakeToken: Address;
  /** Absent when deployed with `feeToken: null`. */
  feeToken?: Address;
  chunksLibrary: Address;
  /** Deployments made before the v2 contracts stopped linking Bundle carry it; nothing reads it. */
  bundleLibrary?: Address;
};

/** Where the network lives: what a node, the indexer or `novanet` need to find it. */
export type Deployment = {
  version: 2;
  chainId: number;
  addresses: DeploymentAddresses;
  /** Block of the first deployment transaction (the indexer's and the node's start block). */
  startBlock: bigint;
  /** The market parameters of paramsId 1 (as deployed). */
  params: MarketV2Params;
  owner: Address;
};

type Artifact = {
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
};

/** Reads `<artifactsDir>/contracts/<source>/<name>.json`. */
export function readArtifact(
  name: string,
  source = `${name}.sol`,
  artifactsDir = join(REPO_ROOT, "artifacts"),
): Artifact {
  const file = join(artifactsDir, "contracts", source, `${name}.json`);
  if (!existsSync(file))
    throw new ChainError("missing contract artifact: run `npx hardhat build` first", { details: file });
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}

/** Replaces the library placeholders of `artifact.bytecode` with `libraries[name]`. */
export function linkBytecode(artifact: Artifact, libraries: Record<string, Address>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const libs of Object.values(artifact.linkReferences)) {
    for (const [name, refs] of Object.entries(libs)) {
      const address = libraries[name];
      if (!address) throw new ChainError("library has no address", { details: name });
      for (const { start, length } of refs) {
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

export type DeployClients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

/** Deploys `artifact` (with `bytecode` when linked) and waits for it; {ChainError} when it reverts. */
export async function deployContract(
  { publicClient, walletClient }: DeployClients,
  name: string,
  artifact: Artifact,
  args: readonly unknown[],
  bytecode: Hex = artifact.bytecode,
): Promise<{ address: Address; block: bigint }> {
  const hash = await walletClient.deployContract({
    abi: artifact.abi,
    bytecode,
    args,
    account: walletClient.account,
    chain: walletClient.chain,
  } as Parameters<typeof walletClient.deployContract>[0]);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new ChainError("deployment reverted", { details: `${name} ${hash}` });
  return { address: getAddress(receipt.contractAddress), block: receipt.blockNumber };
}

/** Sends `functionName(args)` to `address` and waits for it; {ChainError} when it reverts. */
export async function sendTransaction(
  { publicClient, walletClient }: DeployClients,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
): Promise<void> {
  const hash = await walletClient.writeContract({
    address,
    abi,
    functionName,
    args,
    account: walletClient.account,
    chain: walletClient.chain,
  } as Parameters<typeof walletClient.writeContract>[0]);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    throw new ChainError("transaction reverted", { details: `${functionName} ${hash}` });
}

/** Deploys and wires the v2 network; returns its {@link Deployment}. */
export async function deployNetwork(clients: DeployClients, o: DeployNetworkParameters = {}): Promise<Deployment> {
  const deployer = getAddress(clients.walletClient.account.address);
  const owner = o.owner ? getAddress(o.owner) : deployer;
  const params = { ...DEFAULT_V2_PARAMS, ...o.params };
  const weights = o.weights ?? { leaf: 1n, fold: 1n, decision: 1n };
  const art = (name: string, source?: string) => readArtifact(name, source, o.artifactsDir);
  const chainId = await clients.publicClient.getChainId();

  let startBlock: bigint | undefined;
  const deploy = async (name: string, a: Artifact, args: readonly unknown[], code?: Hex) => {
    const d = await deployContract(clients, name, a, args, code);
    startBlock ??= d.block;
    return d.address;
  };
  const testToken = art("TestToken", "mocks/TestToken.sol");
  const stakeToken = o.stakeToken
    ? getAddress(o.stakeToken)
    : await deploy("TestToken", testToken, ["NovaNet Stake", "NNS"]);
  const feeToken =
    o.feeToken === null
      ? undefined
      : o.feeToken
        ? getAddress(o.feeToken)
        : await deploy("TestToken", testToken, ["NovaNet Fee", "NNF"]);
  const registryArtifact = art("ProverRegistry");
  const proverRegistry = await deploy("ProverRegistry", registryArtifact, [
    stakeToken,
    o.minStake ?? 100n * E18,
    o.unbondingDelay ?? params.maxJobDuration + 86400n,
    deployer,
  ]);
  const circuitRegistry = await deploy("CircuitRegistry", art("CircuitRegistry"), []);
  const chunksLibrary = await deploy("Chunks", art("Chunks", "market/Chunks.sol"), []);
  const extArtifact = art("MarketExtension", "market/MarketExtension.sol");
  const marketExtension = await deploy(
    "MarketExtension",
    extArtifact,
    [proverRegistry, circuitRegistry, weights, owner],
    linkBytecode(extArtifact, { Chunks: chunksLibrary }),
  );
  const marketArtifact = art("Market", "market/Market.sol");
  const market = await deploy(
    "Market",
    marketArtifact,
    [proverRegistry, circuitRegistry, params, weights, owner, marketExtension],
    linkBytecode(marketArtifact, { Chunks: chunksLibrary }),
  );
  await sendTransaction(clients, proverRegistry, registryArtifact.abi, "setMarket", [market]);
  if (owner !== deployer)
    await sendTransaction(clients, proverRegistry, registryArtifact.abi, "transferOwnership", [owner]);
  return {
    version: 2,
    chainId,
    addresses: {
      market,
      marketExtension,
      proverRegistry,
      circuitRegistry,
      stakeToken,
      ...(feeToken ? { feeToken } : {}),
      chunksLibrary,
    },
    startBlock: startBlock ?? 0n,
    params,
    owner,
  };
}

const addr = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((s) => getAddress(s));
const uint = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));

const DeploymentSchema = z.object({
  version: z.literal(2),
  chainId: z.number().int().positive(),
  addresses: z.object({
    market: addr,
    marketExtension: addr,
    proverRegistry: addr,
    circuitRegistry: addr,
    stakeToken: addr,
    feeToken: addr.optional(),
    chunksLibrary: addr,
    bundleLibrary: addr.optional(),
  }),
  startBlock: uint,
  params: z.object({
    minFee: uint,
    requesterBondBps: z.number().int().nonnegative(),
    livenessBond: uint,
    disputeBond: uint,
    disputeSlash: uint,
    window: uint,
    disputeWindow: uint,
    maxJobDuration: uint,
    burnBps: z.number().int().nonnegative(),
    callbackGasLimit: z.number().int().nonnegative(),
  }),
  owner: addr,
});

/** The deployment as JSON text (bigints as decimal strings). */
export function deploymentJson(d: Deployment): string {
  return `${JSON.stringify(d, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

/** Parses and validates a deployment's JSON; throws {ChainError} with the first bad field. */
export function parseDeployment(text: string): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ChainError("deployment file is not JSON", { cause: e });
  }
  const r = DeploymentSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ChainError("invalid deployment file", { details: `${first.path.join(".")}: ${first.message}` });
  }
  return r.data as Deployment;
}

/** Writes `d` to `file` atomically (temporary file, then rename). */
export function writeDeployment(file: string, d: Deployment): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, deploymentJson(d));
  renameSync(tmp, file);
}

/** Reads and validates a deployment file. */
export function readDeployment(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ChainError("cannot read the deployment file", { details: file, cause: e });
  }
  return parseDeployment(text);
}
