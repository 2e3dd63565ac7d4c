/**
 * Test helper: a Hardhat 3 EVM (EDR) served over HTTP JSON-RPC on 127.0.0.1, so that a separate process
 * (the Ponder indexer) can read the same chain the test writes to. The test itself talks to it through
 * a Hardhat network connection over HTTP (`localhost` with its URL overridden), so `connection.viem`
 * (deployContract, wallet clients for the node's unlocked accounts) works as in the contract tests.
 */
import { network } from "hardhat";

export type RpcNode = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A Hardhat network connection to this node over HTTP. */
  connection: Awaited<ReturnType<typeof network.connect>>;
  /** Closes the connection and the server. Safe to call twice. */
  close: () => Promise<void>;
};

/** Starts an in-process EDR chain (chain id 31337, automine) behind an HTTP JSON-RPC server on a free port. */
export async function startRpcNode(): Promise<RpcNode> {
  const server = await network.createServer("node", "127.0.0.1", 0);
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  let connection: RpcNode["connection"];
  try {
    connection = await network.connect({ network: "localhost", override: { url } });
  } catch (error) {
    await server.close();
    throw error;
  }
  let closed = false;
  return {
    url,
    connection,
    close: async () => {
      if (closed) return;
      closed = true;
      await connection.close().catch(() => {});
      await server.close();
    },
  };
}

/**
 * Mines `blocks` empty blocks, one `evm_mine` each. EDR's `hardhat_mine` of several blocks stamps them one
 * second apart ahead of its clock, and the next automined block takes the clock's earlier time: the chain's
 * timestamps go backwards, which no real chain allows. Ponder orders events by timestamp first, so a
 * restarted indexer then counted the next block's events as already indexed and dropped them.
 */
export async function mineBlocks(connection: RpcNode["connection"], blocks = 1): Promise<void> {
  const test = await connection.viem.getTestClient();
  for (let i = 0; i < blocks; i++) await test.request({ method: "evm_mine" } as never);
}

/** Throws unless every block's timestamp is above its parent's (a valid chain; see `mineBlocks`). */
export async function assertTimestampsIncrease(connection: RpcNode["connection"]): Promise<void> {
  const client = await connection.viem.getPublicClient();
  const head = await client.getBlockNumber();
  let previous = (await client.getBlock({ blockNumber: 0n })).timestamp;
  for (let n = 1n; n <= head; n++) {
    const { timestamp } = await client.getBlock({ blockNumber: n });
    if (timestamp <= previous) {
      throw new Error(`block ${n} has timestamp ${timestamp}, not above its parent's ${previous}`);
    }
    previous = timestamp;
  }
}
