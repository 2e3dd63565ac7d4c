/**
 * The node's side of `refreshSnapshot` (prover/src/node/refresh.ts), against the real ProverRegistry on
 * Hardhat's in-process chain: `capacityFits` agrees with the registry's `isEligible` at every class boundary
 * (the node sends a refresh only for a task its own class covers), and `isNoEligibleProver` recognises the
 * registry's `ProverRegistryNoEligibleProver` both decoded (the registry's ABI) and undecoded (an ABI without
 * the error, as the Market's: by its selector), and no other revert. The daemon's use: test/e2e/node-refresh.test.ts.
 */
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress } from "viem";
import { capacityFits, isNoEligibleProver } from "../../../prover/src/node/refresh.js";

const E18 = 10n ** 18n;
const SAMPLE_ONLY = [
  {
    type: "function",
    name: "sample",
    stateMutability: "view",
    inputs: [
      { name: "seed", type: "uint256" },
      { name: "constraints", type: "uint64" },
    ],
    outputs: [{ name: "", type: "address" }],
  },
] as const;

describe("node: refreshSnapshot helpers against the registry", function () {
  this.timeout(120_000);

  it("capacityFits is the registry's eligibility; the registry's refusal is recognised decoded and undecoded", async () => {
    const { viem } = await network.connect();
    const [ownerW, , proverW] = await viem.getWalletClients();
    const pub = await viem.getPublicClient();
    const owner = getAddress(ownerW.account.address);
    const p = getAddress(proverW.account.address);
    const token = await viem.deployContract("TestToken", ["Stake", "STK"]);
    const reg = await viem.deployContract("ProverRegistry", [token.address, 100n * E18, 3600n, owner]);
    await reg.write.setMarket([owner]);

    // Nothing staked: sampling reverts with the registry's error, through either ABI.
    const decoded = await reg.read.sample([1n, 1024n]).then(
      () => assert.fail("sample succeeded"),
      (e: unknown) => e,
    );
    assert.ok(isNoEligibleProver(decoded), "decoded by name");
    const raw = await pub
      .readContract({ address: reg.address, abi: SAMPLE_ONLY, functionName: "sample", args: [1n, 1024n] })
      .then(
        () => assert.fail("sample succeeded"),
        (e: unknown) => e,
      );
    // biome-ignore lint/suspicious/noExplicitAny: walking viem's error chain.
    const names = (e: any): string[] => (e ? [e.data?.errorName, ...names(e.cause)].filter(Boolean) : []);
    assert.deepEqual(names(raw), [], "this ABI cannot decode it by name");
    assert.deepEqual(names(decoded), ["ProverRegistryNoEligibleProver"]);
    assert.ok(isNoEligibleProver(raw), "by selector");
    // Another revert of the registry (a future snapshot) is not it.
    const future = await reg.read.sampleAt([1n, 1024n, 10n ** 9n]).then(
      () => assert.fail("sampleAt succeeded"),
      (e: unknown) => e,
    );
    assert.equal(isNoEligibleProver(future), false);
    assert.equal(isNoEligibleProver(new Error("execution reverted")), false);

    await token.write.mint([p, 1000n * E18]);
    await token.write.approve([reg.address, 2n ** 255n], { account: p });
    await reg.write.register(["0x1220abcd", 1024n, false], { account: p });
    await reg.write.stake([200n * E18], { account: p });
    const caps = [1024n, 4095n, 4096n, 16383n, 1n << 16n, (1n << 20n) + 5n, 1n << 24n, 1n << 30n, (1n << 64n) - 1n];
    const needs = [1n, 1024n, 1025n, 4096n, 4097n, 1n << 16n, (1n << 16n) + 1n, 1n << 24n, (1n << 24n) + 1n, 1n << 30n];
    let fits = 0;
    for (const cap of caps) {
      await reg.write.update(["0x1220abcd", cap, false], { account: p });
      for (const need of needs) {
        const want = await reg.read.isEligible([p, need]);
        assert.equal(capacityFits(cap, need), want, `capacity ${cap}, task ${need}`);
        if (want) fits++;
      }
    }
    assert.ok(fits > 0 && fits < caps.length * needs.length, "both outcomes seen");
    assert.equal(capacityFits(1023n, 1n), false, "below the registry's minimum: never registered, never fits");
  });
});
