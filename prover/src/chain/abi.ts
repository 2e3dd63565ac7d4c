/**
 * The market ABIs the node uses: the generated files of `npm run abis` (indexer/abis/), re-exported here
 * so that only this file changes when the market's ABI moves.
 */
export { CircuitRegistryAbi } from "../../../indexer/abis/CircuitRegistry.js";
export { MarketAbi } from "../../../indexer/abis/Market.js";
export { ProofMarketAbi } from "../../../indexer/abis/ProofMarket.js";
export { ProverRegistryAbi } from "../../../indexer/abis/ProverRegistry.js";
