/**
 * The chain the indexer tests run on must be a valid chain: every block's timestamp above its parent's.
 * Ponder orders events by block timestamp first, so a chain whose clock steps back makes a restarted
 * indexer drop the events of the block after its checkpoint (seen in CI as rows missing after a restart).
 * `mineBlocks` keeps the chain valid; EDR's multi-block `hardhat_mine` (viem's `testClient.mine`) does not,
 * which is why the indexer tests mine through `mineBlocks` only. If this test's second half starts failing
 * after a Hardhat upgrade, EDR has fixed its timestamps and `mineBlocks` may go back to `hardhat_mine`.
 */
import assert from "node:assert/strict";
import { assertTimestampsIncrease, mineBlocks, type RpcNode, startRpcNode } from "./helpers/rpc-node.js";

describe("indexer test chain: block timestamps", () => {
  let node: RpcNode | undefined;

  before(async () => {
    node = await startRpcNode();
  });

  after(async () => {
    await node?.close();
  });

  it("mineBlocks keeps every timestamp above its parent's; hardhat_mine of several blocks does not", async () => {
    const [wallet] = await node!.connection.viem.getWalletClients();
    const client = await node!.connection.viem.getPublicClient();
    const transfer = async () =>
      client.waitForTransactionReceipt({
        hash: await wallet!.sendTransaction({ to: wallet!.account.address, value: 1n }),
      });
    await mineBlocks(node!.connection, 3);
    await transfer();
    await mineBlocks(node!.connection, 2);
    await transfer();
    await assertTimestampsIncrease(node!.connection);

    await (await node!.connection.viem.getTestClient()).mine({ blocks: 3 });
    await transfer();
    await assert.rejects(assertTimestampsIncrease(node!.connection), /timestamp \d+, not above its parent's \d+/);
  });
});
