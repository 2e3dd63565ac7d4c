import { createRequire } from "node:module";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

/**
 * Solidity is compiled offline: Hardhat cannot download solc on our machines, so the compiler is the
 * `solc` npm package's `soljson.js`, pinned exactly in package.json to SOLC_VERSION.
 */
export const SOLC_VERSION = "0.8.28";
const require = createRequire(import.meta.url);
const solcPackage = require("solc/package.json") as { version: string };
if (solcPackage.version !== SOLC_VERSION) {
  throw new Error(`solc npm package is ${solcPackage.version}, hardhat.config.ts expects ${SOLC_VERSION}`);
}

export default defineConfig({
  plugins: [hardhatViem, hardhatNetworkHelpers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test/contracts",
  },
});
