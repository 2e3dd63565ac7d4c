/**
 * Test fixture: the v1 contracts (ProofMarket, kept for the v1 market's and private mode's tests; the network
 * itself is v2: `deployNetwork` in prover/src/chain/deploy.ts, whose steps this reuses): the stake token (a
 * TestToken unless one is given), ProverRegistry, CircuitRegistry, the linked libraries Tasks and Bundle, and
 * ProofMarket; then tells the registry which market may slash and hands ownership to `owner`. Reads the
 * Hardhat artifacts (run `npx hardhat build` first).
 *
 * @example
 * const { proofMarket } = await deployNovaNet({ publicClient, walletClient }, { minStake: 10n ** 18n });
 */
import type { Address } from "viem";
import {
  type DeployClients,
  deployContract,
  linkBytecode,
  readArtifact,
  sendTransaction,
  type Weights,
} from "../../prover/src/chain/deploy.js";

export type MarketParams = {
  livenessBond: bigint;
  disputeBond: bigint;
  disputeSlash: bigint;
  taskWindow: bigint;
  disputeWindow: bigint;
  callbackGasLimit: number;
  maxLeaves: number;
};

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

export type NovaNetClients = DeployClients;

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
  const deploy = (
    c: DeployClients,
    a: ReturnType<typeof readArtifact>,
    args: readonly unknown[],
    code?: `0x${string}`,
  ) => deployContract(c, "contract", a, args, code);
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
  await sendTransaction(clients, proverRegistry, registryArtifact.abi, "setMarket", [proofMarket]);
  if (owner !== deployer)
    await sendTransaction(clients, proverRegistry, registryArtifact.abi, "transferOwnership", [owner]);
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
