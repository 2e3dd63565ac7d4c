/**
 * Ponder configuration: one chain ("novanet") reached by JSON-RPC, the NovaNet contracts on it.
 * Everything comes from the environment (docs/indexer.md); the defaults are a local Hardhat node.
 *
 *   NOVANET_RPC_URL            JSON-RPC endpoint (default http://127.0.0.1:8545)
 *   NOVANET_CHAIN_ID           chain id (default 31337)
 *   NOVANET_START_BLOCK        first block to index (default 0: the deployment block is better)
 *   NOVANET_POLLING_MS         how often to poll for new blocks (default 1000)
 *   NOVANET_DEPLOYMENT         a deployment JSON (`novanet deploy`'s) giving the addresses and start block
 *   NOVANET_PROVER_REGISTRY, NOVANET_CIRCUIT_REGISTRY, NOVANET_PROOF_MARKET   addresses (override the file)
 *   DATABASE_URL               PostgreSQL connection string; without it, embedded PGlite in
 *   NOVANET_PGLITE_DIR         (default indexer/.ponder/pglite)
 *
 * RewardSplitter is inherited by the Market (v2): its events come from the market's address.
 */
import { createConfig } from "ponder";
import { CircuitRegistryAbi } from "./abis/CircuitRegistry.js";
import { MarketAbi } from "./abis/Market.js";
import { ProverRegistryAbi } from "./abis/ProverRegistry.js";
import { RewardSplitterAbi } from "./abis/RewardSplitter.js";
import { loadIndexerEnv } from "./lib/env.js";

const env = loadIndexerEnv(process.env);

export default createConfig({
  database: env.databaseUrl
    ? { kind: "postgres", connectionString: env.databaseUrl }
    : { kind: "pglite", directory: env.pgliteDir },
  chains: {
    novanet: {
      id: env.chainId,
      rpc: env.rpcUrl,
      pollingInterval: env.pollingMs,
      // A local chain restarts from genesis with the same block numbers: never trust a cached response.
      disableCache: env.chainId === 31337,
    },
  },
  contracts: {
    ProverRegistry: {
      abi: ProverRegistryAbi,
      chain: "novanet",
      address: env.proverRegistry,
      startBlock: env.startBlock,
    },
    CircuitRegistry: {
      abi: CircuitRegistryAbi,
      chain: "novanet",
      address: env.circuitRegistry,
      startBlock: env.startBlock,
    },
    Market: {
      abi: MarketAbi,
      chain: "novanet",
      address: env.proofMarket,
      startBlock: env.startBlock,
    },
    RewardSplitter: {
      abi: RewardSplitterAbi,
      chain: "novanet",
      address: env.proofMarket,
      startBlock: env.startBlock,
    },
  },
});
