/**
 * The node's use of the market's `refreshSnapshot` fallback (docs/node.md "Undrawable tasks"), on a real chain
 * with two `novanet node run` processes (test/e2e/nodeNet.ts); the cubic circuit is registered with a decider
 * size of 5,000 constraints. Node 0 declares 2^20 constraints but has not staked; node 1 is staked but declares
 * 2^10, below the decider's size. A one-leaf job: node 1 proves the
 * chunk; the decision's snapshot holds no fitting prover, so `getTask` reverts `ProverRegistryNoEligibleProver`.
 * Neither node sends a transaction for it (node 1 does not fit; node 0 fits but has no stake, and the market's
 * simulation would refuse it). Node 0 then stakes: its daemon refreshes the decision's snapshot itself (one
 * `SnapshotRefreshed`), is drawn, and decides; the job is verified with no manual call, and node 1 sent only
 * its chunk.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { waitFor } from "../helpers/processes.js";
import { type NodeNet, startNodeNet } from "./nodeNet.js";

describe("novanet node refreshes the stake snapshot of a task no staked prover fits", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-node-refresh-"));
  let net: NodeNet;

  before(async () => {
    net = await startNodeNet({
      dir,
      nodes: 2,
      capacity: (i) => (i === 0 ? 1n << 20n : 1n << 10n),
      stake: (i) => i !== 0,
      // The cubic circuit's v3 decider has fewer than 2^10 constraints: registered as 5,000 (class 2^12 and up).
      deciderConstraints: 5000n,
    });
    await net.startAll();
  });
  after(async () => {
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  const lines = (i: number, msg: string) => (net.procs[i]?.out ?? []).filter((l) => l.includes(`"msg":"${msg}"`));
  const nonce = (i: number) => net.publicClient.getTransactionCount({ address: net.addresses[i] });
  const refreshed = async (from: bigint) => (await net.events(from)).filter((e) => e.eventName === "SnapshotRefreshed");

  it("the fitting node refreshes the decision once it stakes, the job is verified; the other sends nothing", async () => {
    const [n0, n1] = [await nonce(0), await nonce(1)];
    const job = await net.request(1, 0);
    // Node 1 (the only staked prover) proves the chunk; then the decision is undrawable.
    await waitFor(
      async () => (await net.events(job.requestBlock)).some((e) => e.eventName === "NodeSubmitted") || undefined,
      120_000,
      "the chunk on-chain",
    );
    // Once its seed block is mined, reading its draw reverts with the registry's error.
    const err = await waitFor(
      () =>
        net.task(job.jobId, net.DECISION_TASK).then(
          () => undefined,
          (e: Error) => e.message,
        ),
      30_000,
      "the decision's draw refused",
    );
    assert.match(err, /0xafd4ca4f|ProverRegistryNoEligibleProver/, err);
    // Several polls (300 ms) and blocks (1 s) later: no refresh, no transaction from either node.
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(await refreshed(job.requestBlock), []);
    assert.equal(await nonce(0), n0, "node 0 (no stake) sent nothing");
    assert.equal(await nonce(1), n1 + 1, "node 1 sent only its chunk");
    assert.equal(await net.status(job.jobId), 1);

    // Node 0 stakes (its daemon keeps running): it refreshes the decision itself and decides.
    assert.equal(await nodeCommand(["stake", "--config", net.configs[0], "--amount", "500"]), 0);
    await waitFor(async () => (await net.status(job.jobId)) === 2 || undefined, 180_000, "job verified");

    const evs = await refreshed(job.requestBlock);
    assert.equal(evs.length, 1, "one refresh");
    const ev = evs[0];
    assert.ok(ev.eventName === "SnapshotRefreshed");
    assert.equal(ev.args.jobId, job.jobId);
    assert.equal(ev.args.taskId, net.DECISION_TASK);
    assert.equal(ev.args.caller.toLowerCase(), net.addresses[0].toLowerCase());
    const verified = (await net.events(job.requestBlock)).find((e) => e.eventName === "JobVerified");
    assert.ok(verified?.eventName === "JobVerified");
    assert.equal(verified.args.prover.toLowerCase(), net.addresses[0].toLowerCase());
    // Node 0: its stake, the refresh, the decision. Node 1: its chunk only.
    assert.equal(await nonce(0), n0 + 3);
    assert.equal(await nonce(1), n1 + 1);
    const logged = lines(0, "snapshot refreshed");
    assert.equal(logged.length, 1);
    const l = JSON.parse(logged[0].slice(logged[0].indexOf("{")));
    assert.equal(l.jobId, String(job.jobId));
    assert.equal(l.taskId, String(net.DECISION_TASK));
    assert.match(l.tx, /^0x[0-9a-f]{64}$/);
    assert.deepEqual(lines(1, "snapshot refreshed"), []);
    // Node 0 may have been refused by the simulation (no transaction) if it tried in the block after its stake.
    for (const l of lines(0, "snapshot refresh failed")) assert.match(l, /"sent":false.*MarketNoEligibleProver/);
    assert.deepEqual(lines(1, "snapshot refresh failed"), []);
  });
});
