/**
 * Test helper: an in-process Hardhat 3 EVM (EDR) with viem clients. Each call to {@link connectChain}
 * opens a fresh, isolated chain.
 */
import { network } from "hardhat";

export type Chain = Awaited<ReturnType<typeof network.connect>>;

export async function connectChain(): Promise<Chain> {
  return network.connect();
}
