/**
 * The v2 deploy library (prover/src/chain/deploy.ts): deploys the tokens, registries, libraries, extension
 * and market on a fresh chain, wires them (the registry's market, the market's extension and parameters),
 * and round-trips the Deployment through JSON; a damaged deployment file is refused with a typed error.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { getAddress } from "viem";
import { MarketAbi, ProverRegistryAbi } from "../../../prover/src/chain/abi.js";
import {
  DEFAULT_V2_PARAMS,
  deployNetwork,
  parseDeployment,
  readDeployment,
  writeDeployment,
} from "../../../prover/src/chain/deploy.js";
import { ChainError } from "../../../prover/src/errors/node.js";

describe("deployNetwork (market v2)", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-deploy-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("deploys and wires every contract, and the deployment round-trips through JSON", async () => {
    const { viem } = await network.connect();
    const publicClient = await viem.getPublicClient();
    const [deployer, owner] = await viem.getWalletClients();
    const d = await deployNetwork(
      // biome-ignore lint/suspicious/noExplicitAny: Hardhat's viem clients are plain viem clients.
      { publicClient: publicClient as any, walletClient: deployer as any },
      { owner: owner.account.address, params: { window: 60n } },
    );
    assert.equal(d.chainId, await publicClient.getChainId());
    assert.ok(d.startBlock > 0n);
    assert.ok(d.addresses.feeToken, "a fee token was deployed");
    const read = (functionName: string, args: unknown[] = []) =>
      // biome-ignore lint/suspicious/noExplicitAny: generic reads of the generated ABI.
      publicClient.readContract({ address: d.addresses.market, abi: MarketAbi, functionName, args } as any);
    assert.equal(getAddress((await read("extension")) as string), d.addresses.marketExtension);
    assert.equal(getAddress((await read("registry")) as string), d.addresses.proverRegistry);
    assert.equal(getAddress((await read("owner")) as string), getAddress(owner.account.address));
    const p = (await read("paramsAt", [1])) as { window: bigint; livenessBond: bigint };
    assert.equal(p.window, 60n);
    assert.equal(p.livenessBond, DEFAULT_V2_PARAMS.livenessBond);
    const regMarket = await publicClient.readContract({
      address: d.addresses.proverRegistry,
      abi: ProverRegistryAbi,
      functionName: "market",
    });
    assert.equal(getAddress(regMarket), d.addresses.market);
    assert.equal(
      getAddress(
        await publicClient.readContract({
          address: d.addresses.proverRegistry,
          abi: ProverRegistryAbi,
          functionName: "owner",
        }),
      ),
      getAddress(owner.account.address),
    );
    // A call through the market reaches the extension (delegatecall): its request reads the circuit registry.
    const req = {
      circuitId: 1n,
      nLeaves: 0,
      chunkLog: 0,
      manifestRoot: `0x${"00".repeat(32)}`,
      feeToken: d.addresses.feeToken,
      fee: 0n,
      deadline: 0n,
      z0: [],
      z1: [],
      z0Proof: [],
    };
    await assert.rejects(
      publicClient.simulateContract({
        address: d.addresses.market,
        abi: MarketAbi,
        functionName: "requestProof",
        // biome-ignore lint/suspicious/noExplicitAny: struct literal.
        args: [req as any],
        account: deployer.account,
      }),
      /CircuitRegistryUnknownCircuit/,
    );

    const file = join(dir, "deployment.json");
    writeDeployment(file, d);
    assert.deepEqual(readDeployment(file), d);

    // Damaged files: a typed one-line error naming the field.
    const bad = JSON.parse(readFileSync(file, "utf8"));
    bad.addresses.market = "0x1234";
    writeFileSync(file, JSON.stringify(bad));
    assert.throws(
      () => readDeployment(file),
      (e: unknown) => e instanceof ChainError && /addresses\.market/.test(String((e as ChainError).message)),
    );
    assert.throws(() => parseDeployment("{"), ChainError);
    assert.throws(
      () => parseDeployment(JSON.stringify({ ...JSON.parse(JSON.stringify(bad)), version: 1 })),
      ChainError,
    );
  });
});
