/**
 * The prover network end to end on market v2 (test/e2e/nodeNet.ts): a `hardhat node` JSON-RPC chain, the
 * v2 contracts, the cubic circuit with its real decider v3 verifier (the decision task proves with decider
 * v3, carried in the market's `DeciderProof`), and four `novanet node run` processes on
 * 127.0.0.1. Jobs of 16 leaves in chunks of 4 (4 chunks, 3 merges, the decision):
 *
 * 1. One node is SIGKILLed mid-job: its open task is redrawn after its window (the test moves chain time
 *    forward as a clock would), another node proves it from the artefacts on the network, the job verifies.
 *    Restarted, the killed node catches up, notices (logs and counts) its own missed windows, and submits
 *    nothing already done.
 * 2. All four alive: every task is done by its attempt-0 draw, no one is slashed, each worker can claim.
 * 3. Two of four are SIGKILLed while the other two are partitioned from each other (each denies the other's
 *    peer id in its `deny-peers` file, re-read at run time); the partition is then healed (files removed):
 *    the job completes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { StateDb } from "../../prover/src/node/state.js";
import { waitFor } from "../helpers/processes.js";
import { type NodeNet, startNodeNet } from "./nodeNet.js";

const N_NODES = 4;
const N_LEAVES = 16;
const CHUNK_LOG = 2;

describe("novanet node on market v2: 4 processes, a real chain", function () {
  this.timeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-e2e-"));
  let net: NodeNet;

  before(async () => {
    net = await startNodeNet({ dir, nodes: N_NODES });
    await net.startAll();
  });
  after(async () => {
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  const lines = (i: number, msg: string) => (net.procs[i]?.out ?? []).filter((l) => l.includes(`"msg":"${msg}"`));

  it("a node SIGKILLed mid-job: its task is redrawn and finished from network artefacts; restarted, it redoes nothing", async () => {
    const job = await net.request(N_LEAVES, CHUNK_LOG);
    // Kill the assignee of an open task as soon as the first node is on-chain.
    const victim = await waitFor(
      async () => {
        const subs = (await net.events(job.requestBlock)).filter((e) => e.eventName === "NodeSubmitted");
        if (subs.length === 0) return undefined;
        for (const t of job.tasks) {
          const v = await net.task(job.jobId, t.id);
          if (v.state === 1 && net.nodeOf(v.assignee) >= 0) return net.nodeOf(v.assignee);
        }
        return subs[0].eventName === "NodeSubmitted" ? net.nodeOf(subs[0].args.prover) : undefined;
      },
      180_000,
      "a first node on-chain",
    );
    const victimAddr = net.addresses[victim].toLowerCase();
    await net.kill(victim);
    const warps = await net.waitVerified(job, 360_000);

    const evs = (await net.events(job.requestBlock)).filter((e) => "jobId" in e.args && e.args.jobId === job.jobId);
    const subs = evs.filter((e) => e.eventName === "NodeSubmitted");
    assert.equal(subs.length, job.tasks.length - 1, "every chunk and merge stored once");
    const verified = evs.find((e) => e.eventName === "JobVerified");
    assert.ok(verified?.eventName === "JobVerified");
    assert.notEqual(verified.args.prover.toLowerCase(), victimAddr, "the decision was not the dead node's");
    for (const e of subs)
      if (e.eventName === "NodeSubmitted" && e.args.attempt > 0)
        assert.notEqual(e.args.prover.toLowerCase(), victimAddr, "a redrawn task was done by a live node");
    // The dead node's missed windows were slashed to the submitters that finished its tasks. (Known market
    // issue, reported: when a task missed two or more windows, `_slashMissed` re-draws the later attempts
    // after slashing the earlier ones, so with changed stake weights it can name a live node that was never
    // drawn; such entries are reported here, not failed on.)
    const missed = evs.filter((e) => e.eventName === "AttemptMissed");
    if (warps > 0)
      assert.ok(
        missed.some((e) => e.eventName === "AttemptMissed" && e.args.prover.toLowerCase() === victimAddr),
        "the dead node was slashed for its missed window",
      );
    for (const e of missed)
      if (e.eventName === "AttemptMissed" && e.args.prover.toLowerCase() !== victimAddr)
        console.warn(
          `market: a live node (${e.args.prover}) slashed for attempt ${e.args.attempt} of a dead node's task`,
        );
    // Merges took their children from the network (fetched over libp2p and checked), not only from own work.
    const survivors = [0, 1, 2, 3].filter((i) => i !== victim);
    assert.ok(
      survivors.some((i) => lines(i, "artefact fetched").length > 0),
      "an artefact was fetched from a peer",
    );

    // Rewards: each worker (submitters and the decider) has a claimable balance; one claims it.
    const claimable = await net.releaseAll(job);
    for (const [w, c] of claimable) assert.ok(c > 0n, `worker ${w} has a reward`);
    const claimer = [...claimable.keys()].map(net.nodeOf).find((i) => i !== victim && i >= 0) as number;
    assert.equal(await nodeCommand(["claim", "--config", net.configs[claimer]]), 0);
    assert.equal(await nodeCommand(["status", "--config", net.configs[claimer]]), 0);

    // Restart the killed node: it catches up from its cursor and submits nothing already done.
    const again = await net.startNode(victim);
    await waitFor(() => again.out.some((l) => l.includes('"msg":"started"')) || undefined, 120_000, "restart");
    await new Promise((r) => setTimeout(r, 6000));
    // The restarted node noticed its own missed windows (each slash logged once with its cost, counted in
    // its metrics), and no other prover's.
    const ownMissed = missed.filter(
      (e) => e.eventName === "AttemptMissed" && e.args.prover.toLowerCase() === victimAddr,
    );
    const slashLines = () => again.out.filter((l) => l.includes('"msg":"slashed for a missed window"'));
    await waitFor(() => slashLines().length >= ownMissed.length || undefined, 60_000, "own slashes noticed");
    const logged = slashLines().map((l) => JSON.parse(l));
    assert.equal(logged.length, ownMissed.length, "one log line per missed window of its own");
    for (const e of ownMissed)
      if (e.eventName === "AttemptMissed")
        assert.ok(
          logged.some(
            (l) =>
              l.level === "error" &&
              l.jobId === String(e.args.jobId) &&
              l.taskId === String(e.args.taskId) &&
              l.attempt === e.args.attempt &&
              l.slashedWei === String(e.args.slashed),
          ),
          "the slash is logged with what it cost",
        );
    assert.equal((await net.metrics(victim)).novanet_slashes_total, ownMissed.length);
    // At the default slashLimit (3 in a day) such a node stops being drawn: it unstakes (the later tests run
    // with it alive but out of the draws).
    if (ownMissed.length >= 3)
      await waitFor(() => again.out.some((l) => l.includes('"msg":"auto-unstaked"')) || undefined, 60_000, "unstaked");
    await net.kill(victim, "SIGTERM");
    assert.ok(!again.out.some((l) => l.includes('"msg":"submitted"')), "the restarted node submitted nothing");
    assert.ok(
      again.out.some((l) => l.includes('"msg":"stopped"')),
      "SIGTERM drained and stopped the node",
    );
    const db = new StateDb(net.dataDirs[victim]);
    const open = db.db
      .prepare("SELECT COUNT(*) AS n FROM tasks WHERE job_id = ? AND state NOT IN ('done')")
      .get(String(job.jobId)) as { n: number };
    db.close();
    assert.equal(Number(open.n), 0, "every task of the job is done in the restarted node's state");
  });

  it("all alive: every task is done by its drawn prover at attempt 0, nobody slashed, each worker can claim", async () => {
    await net.startAll();
    const job = await net.request(N_LEAVES, CHUNK_LOG);
    await net.waitVerified(job, 300_000);
    const evs = (await net.events(job.requestBlock)).filter((e) => "jobId" in e.args && e.args.jobId === job.jobId);
    const subs = evs.filter((e) => e.eventName === "NodeSubmitted");
    assert.equal(subs.length, job.tasks.length - 1);
    for (const e of subs) if (e.eventName === "NodeSubmitted") assert.equal(e.args.attempt, 0, "first draw did it");
    assert.equal(evs.filter((e) => e.eventName === "AttemptMissed").length, 0, "nobody missed a window");
    const claimable = await net.releaseAll(job);
    assert.ok(claimable.size >= 1);
    for (const [w, c] of claimable) {
      assert.ok(net.nodeOf(w) >= 0, "a worker is one of the nodes");
      assert.ok(c > 0n, `worker ${w} has a reward`);
    }
  });

  it("two of four SIGKILLed during a partition of the other two; the partition heals; the job completes", async () => {
    await net.startAll();
    const [a, b, c, d] = [0, 1, 2, 3];
    // Partition a | b (each refuses the other's peer id; the file is re-read every few seconds).
    writeFileSync(join(net.dataDirs[a], "deny-peers"), `${net.peerIds[b]}\n`);
    writeFileSync(join(net.dataDirs[b], "deny-peers"), `${net.peerIds[a]}\n`);
    await new Promise((r) => setTimeout(r, 4000));
    const job = await net.request(N_LEAVES, CHUNK_LOG);
    await waitFor(
      async () =>
        (await net.events(job.requestBlock)).some((e) => e.eventName === "NodeSubmitted") ? true : undefined,
      180_000,
      "a first node on-chain",
    );
    await net.kill(c);
    await net.kill(d);
    let healed = false;
    const t0 = Date.now();
    await net.waitVerified(job, 420_000, async () => {
      if (!healed && Date.now() - t0 > 20_000) {
        unlinkSync(join(net.dataDirs[a], "deny-peers"));
        unlinkSync(join(net.dataDirs[b], "deny-peers"));
        healed = true;
      }
    });
    assert.equal(await net.status(job.jobId), 2);
    const evs = (await net.events(job.requestBlock)).filter((e) => "jobId" in e.args && e.args.jobId === job.jobId);
    const late = evs.filter((e) => e.eventName === "NodeSubmitted" && e.args.attempt > 0);
    for (const e of late)
      if (e.eventName === "NodeSubmitted") assert.ok([a, b].includes(net.nodeOf(e.args.prover)), "a survivor did it");
  });
});
