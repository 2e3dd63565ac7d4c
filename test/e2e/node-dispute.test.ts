/**
 * A staked attacker disputes an honest node's valid submission (test/e2e/nodeNet.ts: a `hardhat node` chain,
 * Market v2, the cubic circuit with its real decider verifier, two `novanet node run` processes). The
 * submitter is SIGKILLed right after its submission and the dispute is opened while it is down; restarted,
 * it learns the dispute from its block cursor and answers it on-chain with a decider proof of the node from
 * the witness on its disk. The attacker's bond goes to the node, the node is not slashed, and the job then
 * verifies. Node 1 starts without the circuit's `.r1cs` and `.wasm`: it fetches them from node 0 by CID and
 * checks the R1CS against its on-chain hash (circuitFiles.ts).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { MarketAbi, ProverRegistryAbi } from "../../prover/src/chain/abi.js";
import { cidOf } from "../../prover/src/net/store.js";
import { waitFor } from "../helpers/processes.js";
import { E18, type NodeNet, startNodeNet } from "./nodeNet.js";

describe("novanet node answers disputes on its submissions", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-dispute-"));
  let net: NodeNet;

  before(async () => {
    const fixture = (ext: string) => readFileSync(join("test", "fixtures", "circuits", `cubic.${ext}`));
    net = await startNodeNet({
      dir,
      nodes: 2,
      tweak: (i, cfg) => {
        // A griefer's try: with slashLimit 1, one false dispute counted as a slash would unstake the node.
        cfg.slashLimit = 1;
        if (i !== 1) return;
        const [c] = cfg.circuits as Record<string, unknown>[];
        c.r1cs = "fetched/cubic.r1cs";
        c.wasm = "fetched/cubic.wasm";
        c.fetch = {
          r1cs: { cid: cidOf(fixture("r1cs")).toString() },
          wasm: { cid: cidOf(fixture("wasm")).toString() },
        };
      },
    });
    await net.startAll();
  });
  after(async () => {
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  it("a node without the circuit's files fetched them from a peer and checked them", () => {
    const out = net.procs[1]?.out ?? [];
    assert.ok(out.some((l) => l.includes('"msg":"circuit fetched and verified"') && l.includes('"file":"r1cs"')));
    assert.ok(out.some((l) => l.includes('"file":"wasm"')));
    assert.ok(existsSync(join(net.dataDirs[1], "fetched", "cubic.r1cs")));
  });

  it("a staked attacker disputes a valid chunk: the node (restarted) answers, the attacker loses its bond", async () => {
    const A = net.deployment.addresses;
    const pub = net.publicClient;
    const read = <T>(address: Address, abi: unknown, functionName: string, args: unknown[]) =>
      // biome-ignore lint/suspicious/noExplicitAny: generic reads.
      pub.readContract({ address, abi, functionName, args } as any) as Promise<T>;
    // The attacker: registered with the smallest capacity (never drawn for the decision), not staked yet
    // (so never drawn for the chunk either); it stakes just before disputing.
    const attacker = net.wallet(9);
    const atk = net.account(9).address;
    await net.send(net.wallet(0), A.stakeToken, net.tokenAbi, "mint", [atk, 1000n * E18]);
    await net.send(attacker, A.stakeToken, net.tokenAbi, "approve", [A.proverRegistry, 2n ** 255n]);
    await net.send(attacker, A.stakeToken, net.tokenAbi, "approve", [A.market, 2n ** 255n]);
    await net.send(attacker, A.proverRegistry, ProverRegistryAbi, "register", ["0x0102", 1024n, false]);

    // One chunk of 4 leaves (the root) and the decision.
    const job = await net.request(4, 2);
    const chunk = job.tasks.find((t) => t.kind === "chunk");
    assert.ok(chunk);
    await waitFor(
      async () => ((await net.task(job.jobId, chunk.id)).state >= 2 ? true : undefined),
      180_000,
      "the chunk submitted",
    );
    const honestIdx = net.nodeOf((await net.task(job.jobId, chunk.id)).submitter);
    assert.ok(honestIdx >= 0);
    await net.kill(honestIdx);
    const honest = net.addresses[honestIdx];
    const stakeBefore = (await read<{ stake: bigint }>(A.proverRegistry, ProverRegistryAbi, "proverInfo", [honest]))
      .stake;
    await net.send(attacker, A.proverRegistry, ProverRegistryAbi, "stake", [100n * E18]);
    const balBefore = await read<bigint>(A.stakeToken, net.tokenAbi, "balanceOf", [atk]);
    const rc = await net.send(attacker, A.market, MarketAbi, "dispute", [job.jobId, chunk.id]);
    const balAfter = await read<bigint>(A.stakeToken, net.tokenAbi, "balanceOf", [atk]);
    const bond = balBefore - balAfter;
    assert.ok(bond > 0n, "the attacker's bond was taken");
    assert.equal(await net.status(job.jobId), 1, "the job is still open (the decision waits for the dispute)");

    const again = await net.startNode(honestIdx);
    const resolved = await waitFor(
      async () =>
        (await net.events(rc.blockNumber)).find(
          (e) => e.eventName === "DisputeResolved" && e.args.jobId === job.jobId && e.args.nodeId === chunk.id,
        ),
      240_000,
      "the dispute resolved",
    );
    assert.ok(resolved.eventName === "DisputeResolved");
    assert.equal(resolved.args.challengerWon, false, "answered: the challenger lost");
    assert.equal(resolved.args.cancelled, false);
    assert.equal(resolved.args.slashed, 0n);
    // The answer's event can be on-chain before the node has read its receipt and logged it.
    await waitFor(
      async () => (again.out.some((l) => l.includes('"msg":"dispute answered"')) ? true : undefined),
      60_000,
      "the node logged its answer",
    );
    assert.ok(again.out.some((l) => l.includes('"msg":"disputed"')));
    // The node kept its stake and earned the bond; the attacker's bond is gone; the node was not reset.
    const after = await read<{ stake: bigint; unbonding: bigint }>(A.proverRegistry, ProverRegistryAbi, "proverInfo", [
      honest,
    ]);
    assert.equal(after.stake, stakeBefore, "the honest node was not slashed");
    assert.equal(await read<bigint>(A.market, MarketAbi, "claimable", [honest, A.stakeToken]), bond);
    assert.equal(await read<bigint>(A.market, MarketAbi, "claimable", [atk, A.stakeToken]), 0n);
    assert.equal(await read<bigint>(A.stakeToken, net.tokenAbi, "balanceOf", [atk]), balAfter);
    const evs = await net.events(job.requestBlock);
    assert.ok(!evs.some((e) => e.eventName === "NodeReset"), "no node reset");
    // The answered dispute is no slash: nothing counted, no unstake (the node runs with slashLimit 1).
    assert.equal(after.unbonding, 0n, "the node did not unstake");
    assert.ok(!again.out.some((l) => l.includes("slash limit reached") || l.includes('"msg":"dispute lost"')));
    assert.equal((await net.metrics(honestIdx)).novanet_slashes_total, 0);

    // The decision waited for the dispute, then the node proved it.
    await net.waitVerified(job, 240_000);
  });
});
