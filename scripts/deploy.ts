/**
 * Deploys the NovaNet contracts with plain viem clients (tests, the devnet, the indexer's end-to-end test):
 * the stake token (a TestToken unless one is given), ProverRegistry, CircuitRegistry, the linked libraries
 * Tasks and Bundle, and ProofMarket; then tells the registry which market may slash and hands ownership to
 * `owner`. Reads the Hardhat artifacts (run `npx hardhat build` first).
 *
 * @example
 * const { proofMarket } = await deployNovaNet({ publicClient, walletClient }, { minStake: 10n ** 18n });
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type MarketParams = {
  livenessBond: bigint;
  disputeBond: bigint;
  disputeSlash: bigint;
  taskWindow: bigint;
  disputeWindow: bigint;
  callbackGasLimit: number;
  maxLeaves: number;
};

export type Weights = { leaf: bigint; fold: bigint; decision: bigint };

export type DeployNovaNetParameters = {
  /** Final owner of the registry and the market (default: the deploying account). */
  owner?: Address;
  /** An existing ERC-20 to stake; default: a fresh TestToken ("NovaNet Stake", "NNS"). */
  stakeToken?: Address;
  /** Minimum active stake (default 100e18). */
  minStake?: bigint;
  /** Unbonding delay in seconds (default 7 days). */
  unbondingDelay?: bigint;
  /** Market parameters (defaults in {@link DEFAULT_MARKET_PARAMS}). */
  market?: Partial<MarketParams>;
  /** Work weights (default 1, 1, 1). */
  weights?: Weights;
};

export type NovaNetAddresses = {
  stakeToken: Address;
  proverRegistry: Address;
  circuitRegistry: Address;
  proofMarket: Address;
  tasksLibrary: Address;
  bundleLibrary: Address;
  /** Block of the first deployment transaction (the indexer's start block). */
  startBlock: bigint;
};

export const DEFAULT_MARKET_PARAMS: MarketParams = {
  livenessBond: 10n * 10n ** 18n,
  disputeBond: 10n * 10n ** 18n,
  disputeSlash: 50n * 10n ** 18n,
  taskWindow: 3600n,
  disputeWindow: 3600n,
  callbackGasLimit: 200_000,
  maxLeaves: 1024,
};

type Artifact = {
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
};

/** Reads `artifacts/contracts/<source>/<name>.json`. */
export function readArtifact(name: string, source = `${name}.sol`): Artifact {
  const file = path.join(ROOT, "artifacts", "contracts", source, `${name}.json`);
  if (!existsSync(file)) throw new Error(`missing artifact ${file}: run \`npx hardhat build\` first`);
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}

/** Replaces the library placeholders of `artifact.bytecode` with `libraries[name]`. */
export function linkBytecode(artifact: Artifact, libraries: Record<string, Address>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const libs of Object.values(artifact.linkReferences)) {
    for (const [name, refs] of Object.entries(libs)) {
      const address = libraries[name];
      if (!address) throw new Error(`library ${name} has no address`);
      for (const { start, length } of refs) {
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

export type NovaNetClients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

async function deploy(
  { publicClient, walletClient }: NovaNetClients,
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
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment reverted: ${hash}`);
  return { address: receipt.contractAddress, block: receipt.blockNumber };
}

async function send(
  { publicClient, walletClient }: NovaNetClients,
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
  if (receipt.status !== "success") throw new Error(`${functionName} reverted: ${hash}`);
}

/** Deploys and wires the NovaNet contracts; returns their addresses. */
export async function deployNovaNet(
  clients: NovaNetClients,
  params: DeployNovaNetParameters = {},
): Promise<NovaNetAddresses> {
  const deployer = clients.walletClient.account.address;
  const owner = params.owner ?? deployer;
  const marketParams = { ...DEFAULT_MARKET_PARAMS, ...params.market };
  const weights = params.weights ?? { leaf: 1n, fold: 1n, decision: 1n };

  let startBlock: bigint | undefined;
  const track = (d: { address: Address; block: bigint }) => {
    startBlock ??= d.block;
    return d.address;
  };
  const stakeToken =
    params.stakeToken ??
    track(await deploy(clients, readArtifact("TestToken", "mocks/TestToken.sol"), ["NovaNet Stake", "NNS"]));
  const registryArtifact = readArtifact("ProverRegistry");
  const proverRegistry = track(
    await deploy(clients, registryArtifact, [
      stakeToken,
      params.minStake ?? 100n * 10n ** 18n,
      params.unbondingDelay ?? 7n * 24n * 3600n,
      deployer,
    ]),
  );
  const circuitRegistry = track(await deploy(clients, readArtifact("CircuitRegistry"), []));
  const tasksLibrary = track(await deploy(clients, readArtifact("Tasks", "libraries/Tasks.sol"), []));
  const bundleLibrary = track(await deploy(clients, readArtifact("Bundle", "libraries/Bundle.sol"), []));
  const marketArtifact = readArtifact("ProofMarket");
  const proofMarket = track(
    await deploy(
      clients,
      marketArtifact,
      [proverRegistry, circuitRegistry, marketParams, weights, owner],
      linkBytecode(marketArtifact, { Tasks: tasksLibrary, Bundle: bundleLibrary }),
    ),
  );
  await send(clients, proverRegistry, registryArtifact.abi, "setMarket", [proofMarket]);
  if (owner !== deployer) await send(clients, proverRegistry, registryArtifact.abi, "transferOwnership", [owner]);
  return {
    stakeToken,
    proverRegistry,
    circuitRegistry,
    proofMarket,
    tasksLibrary,
    bundleLibrary,
    startBlock: startBlock ?? 0n,
  };
}
