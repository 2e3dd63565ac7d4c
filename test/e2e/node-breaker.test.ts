/**
 * The slash breaker on a real chain (test/e2e/nodeNet.ts: a `hardhat node` chain, Market v2, the cubic circuit
 * with its real decider verifier, one `novanet node run` process X with `slashLimit: 2`). A second prover Y is
 * registered and staked by the test and runs no node, so every window drawn to it is missed.
 *
 * 1. Griefers' tries: Y, staked 19× X, misses window after window of X's job (the test moves chain time past
 *    each window drawn to Y); X, running, proves every task drawn to it and its submissions slash Y's missed
 *    attempts; and a contract at another address forges the market's AttemptMissed and DisputeResolved (lost)
 *    events naming X. None of those is a slash of X: X counts none and does not unstake. The failure breaker: while
 *    X holds its first draw, its artefact folder is made unwritable; its task runs fail, the breaker opens
 *    (`breakerThreshold` 2, `breakerCooldownS` 600, longer than a window), yet X keeps retrying the task drawn
 *    to it and, the folder restored, submits it in the same window (the old breaker paused all work for the
 *    cooldown: a missed window, a slash).
 * 2. X is frozen (SIGSTOP) while its windows pass; `slashMissed` slashes its missed attempts (≥ slashLimit).
 *    Thawed, X logs each slash with what it cost, requests the unbonding of its whole stake on-chain (it is
 *    out of new draws: the next task's draw names Y), and still proves and submits the task drawn to it before.
 * 3. X restarted after a SIGKILL with its block cursor deleted (it re-reads every event, as after a lost cursor
 *    or a deep reorg): it counts no slash twice and sends no second unstake. Restarted again with its decision
 *    set back to `pending` (a crash after the unstake landed, before it was recorded): it reads its on-chain
 *    stake (0) and sends nothing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, concatHex, encodeAbiParameters, encodeEventTopics, type Hex, parseEventLogs } from "viem";
import { MarketAbi, ProverRegistryAbi } from "../../prover/src/chain/abi.js";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { StateDb } from "../../prover/src/node/state.js";
import { waitFor } from "../helpers/processes.js";
import { E18, type NodeNet, startNodeNet } from "./nodeNet.js";

const SLASH_LIMIT = 2;
/**
 * EVM code of a log forger: its runtime copies the calldata to memory and emits LOG4 with the first four
 * words as topics and the rest as data (`36 6000 6000 37 6060 51 6040 51 6020 51 6000 51 6080 36 03 6080 a4 00`).
 */
const FORGER_INITCODE: Hex = "0x601a600c600039601a6000f3366000600037606051604051602051600051608036036080a400";

describe("novanet node: the slash breaker unstakes after its own slashes, and only its own", function () {
  this.timeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-breaker-"));
  let net: NodeNet;
  let X: Address;
  let Y: Address;
  let R: Address;
  const lines = (msg: string, i = 0) => (net.procs[i]?.out ?? []).filter((l) => l.includes(`"msg":"${msg}"`));
  const info = (who: Address) =>
    net.publicClient.readContract({
      address: R,
      abi: ProverRegistryAbi,
      functionName: "proverInfo",
      args: [who],
    }) as Promise<{ stake: bigint; unbonding: bigint }>;
  const unstakes = async (fromBlock: bigint) =>
    parseEventLogs({
      abi: ProverRegistryAbi,
      logs: await net.publicClient.getLogs({ address: R, fromBlock }),
      eventName: "UnstakeRequested",
    }).filter((e) => e.args.prover.toLowerCase() === X.toLowerCase());
  const missedBy = async (fromBlock: bigint, who: Address) =>
    (await net.events(fromBlock)).filter(
      (e) => e.eventName === "AttemptMissed" && e.args.prover.toLowerCase() === who.toLowerCase(),
    );
  const signal = (sig: NodeJS.Signals) => process.kill(-(net.procs[0]?.child.pid as number), sig);
  /** Moves chain time past the running window of `taskId` (the next attempt is drawn). */
  const skipWindow = async (jobId: bigint, taskId: bigint) => {
    const v = await net.task(jobId, taskId);
    const now = (await net.publicClient.getBlock()).timestamp;
    await net.warp(v.windowEnd > now ? v.windowEnd - now + 1n : 1n);
  };
  const openTask = (jobId: bigint, taskId: bigint) =>
    waitFor(
      async () => {
        const v = await net.task(jobId, taskId);
        return v.state === 1 && !/^0x0+$/.test(v.assignee) ? v : undefined;
      },
      120_000,
      `task ${taskId} open`,
    );

  before(async () => {
    net = await startNodeNet({
      dir,
      nodes: 1,
      tweak: (_, cfg) => {
        cfg.slashLimit = SLASH_LIMIT;
        cfg.slashWindowS = 86_400;
        cfg.breakerThreshold = 2;
        cfg.breakerCooldownS = 600;
      },
    });
    const A = net.deployment.addresses;
    R = A.proverRegistry;
    X = net.addresses[0];
    // Y: registered and staked 9,500 (X has 500), no node.
    const y = net.wallet(9);
    Y = net.account(9).address;
    await net.send(net.wallet(0), A.stakeToken, net.tokenAbi, "mint", [Y, 10_000n * E18]);
    await net.send(y, A.stakeToken, net.tokenAbi, "approve", [R, 2n ** 255n]);
    await net.send(y, R, ProverRegistryAbi, "register", ["0x0102", 1n << 20n, false]);
    await net.send(y, R, ProverRegistryAbi, "stake", [9_500n * E18]);
    await net.startAll();
  });
  after(async () => {
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  it("another prover's slashes (X the beneficiary) do not count; failures never make X skip a task drawn to it", async () => {
    // X's artefact folder becomes a file: every task run fails (ENOTDIR) until it is restored.
    const art = join(net.dataDirs[0], "artefacts");
    renameSync(art, `${art}.off`);
    writeFileSync(art, "");
    let broken = true;
    let brokenAttempt = -1;
    /** Runs a job to its verification, skipping every window drawn to Y (X's submissions slash Y's misses). */
    const runJob = async (job: Awaited<ReturnType<NodeNet["request"]>>) => {
      for (const t of job.tasks) {
        // Skip every window drawn to Y; X proves the task when drawn (its submission slashes Y's misses).
        await waitFor(
          async () => {
            const v = await net.task(job.jobId, t.id);
            if (v.state >= 2) return true;
            if (v.state === 1 && v.assignee.toLowerCase() === Y.toLowerCase()) await skipWindow(job.jobId, t.id);
            if (broken && v.state === 1 && v.assignee.toLowerCase() === X.toLowerCase()) {
              if (lines("circuit breaker open").length === 0) return undefined;
              // Open, and the task still X's in the same window: the breaker did not drop it.
              assert.equal((await net.metrics(0)).novanet_breaker_open, 1);
              assert.ok(lines("task failed").length >= 2);
              brokenAttempt = v.attempt;
              unlinkSync(art);
              renameSync(`${art}.off`, art);
              broken = false;
            }
            return undefined;
          },
          300_000,
          `task ${t.kind} done by X`,
        );
      }
      assert.equal(await net.status(job.jobId), 2, "verified");
    };
    const job = await net.request(4, 2); // one chunk (the root) and the decision
    await runJob(job);
    const firstSub = (await net.events(job.requestBlock)).find((e) => e.eventName === "NodeSubmitted");
    assert.ok(firstSub?.eventName === "NodeSubmitted" && brokenAttempt >= 0);
    assert.equal(firstSub.args.attempt, brokenAttempt, "submitted in the window it failed in");
    assert.ok(lines("circuit breaker closed").length >= 1, "closed by the success");
    // Y is drawn 19 times in 20, yet a job's draws can give it fewer than slashLimit misses (it failed so in one
    // CI run): more jobs until Y has missed enough windows that counting them as X's would trip the breaker.
    for (let extra = 0; (await missedBy(job.requestBlock, Y)).length < SLASH_LIMIT && extra < 4; extra++)
      await runJob(await net.request(4, 2));
    const yMissed = await missedBy(job.requestBlock, Y);
    assert.ok(yMissed.length >= SLASH_LIMIT, `Y missed ${yMissed.length} windows (stake-weighted: 19 to 1)`);
    assert.equal((await missedBy(job.requestBlock, X)).length, 0, "X missed nothing");
    // A forger: a contract at another address emits the market's own AttemptMissed and a lost DisputeResolved
    // naming X (raw LOG4 of the calldata's topics and data).
    const forger = net.wallet(8);
    const deploy = await forger.sendTransaction({ data: FORGER_INITCODE });
    const fake = (await net.publicClient.waitForTransactionReceipt({ hash: deploy })).contractAddress as Address;
    const emit = async (topics: Hex[], data: Hex) => {
      const hash = await forger.sendTransaction({ to: fake, data: concatHex([...topics, data]) });
      const rc = await net.publicClient.waitForTransactionReceipt({ hash });
      assert.equal(rc.logs.length, 1, "the forged log was emitted");
    };
    for (let a = 0; a < SLASH_LIMIT + 1; a++)
      await emit(
        encodeEventTopics({
          abi: MarketAbi,
          eventName: "AttemptMissed",
          args: { jobId: job.jobId, taskId: job.tasks[0].id, prover: X },
        }) as Hex[],
        encodeAbiParameters([{ type: "uint32" }, { type: "uint256" }, { type: "address" }], [100 + a, E18, Y]),
      );
    await emit(
      [
        ...(encodeEventTopics({
          abi: MarketAbi,
          eventName: "DisputeResolved",
          args: { jobId: job.jobId, nodeId: job.tasks[0].id, challenger: Y },
        }) as Hex[]),
      ],
      encodeAbiParameters(
        [
          { type: "address" },
          { type: "bool" },
          { type: "bool" },
          { type: "uint256" },
          { type: "uint256" },
          { type: "uint256" },
        ],
        [X, true, false, E18, 0n, 0n],
      ),
    );
    await new Promise((r) => setTimeout(r, 3000)); // X's follower has read the slashes of Y and the forgeries
    const m = await net.metrics(0);
    assert.equal(m.novanet_slashes_total, 0, "none of Y's slashes counted as X's");
    assert.equal(m.novanet_auto_unstaked, 0);
    assert.equal(lines("slashed for a missed window").length, 0);
    assert.equal((await unstakes(0n)).length, 0, "X did not unstake");
    assert.equal((await info(X)).stake, 500n * E18);
  });

  it("X's own slashes: logged with their cost, the whole stake unbonded on-chain, a task drawn before still submitted", async () => {
    const A = net.deployment.addresses;
    // Y back to X's stake (draws 1 to 1), then X frozen while its windows pass.
    await net.send(net.wallet(9), R, ProverRegistryAbi, "requestUnstake", [9_000n * E18]);
    signal("SIGSTOP");
    const job = await net.request(4, 2);
    const chunk = job.tasks.find((t) => t.kind === "chunk");
    assert.ok(chunk);
    let xMissed = 0;
    for (let k = 0; ; k++) {
      assert.ok(k < 60, "X drawn twice within 60 windows");
      const v = await openTask(job.jobId, chunk.id);
      const mine = v.assignee.toLowerCase() === X.toLowerCase();
      if (mine && xMissed >= SLASH_LIMIT) break; // X holds the running window: its obligation
      if (mine) xMissed++;
      await skipWindow(job.jobId, chunk.id);
    }
    const slashRc = await net.send(net.wallet(0), A.market, MarketAbi, "slashMissed", [job.jobId, chunk.id]);
    const missed = await missedBy(slashRc.blockNumber, X);
    assert.equal(missed.length, xMissed, "the market slashed each of X's missed windows");
    signal("SIGCONT");

    await waitFor(() => lines("auto-unstaked").length > 0 || undefined, 120_000, "X unstaked");
    const slashLines = lines("slashed for a missed window").map((l) => JSON.parse(l));
    assert.equal(slashLines.length, xMissed, "one log line per slash of X");
    for (const l of slashLines) {
      assert.equal(l.level, "error");
      assert.equal(l.jobId, String(job.jobId));
      assert.equal(l.slashedWei, String(E18), "what it cost (the liveness bond)");
      assert.equal(l.slashLimit, SLASH_LIMIT);
    }
    const [unstake, ...more] = await unstakes(0n);
    assert.ok(unstake, "UnstakeRequested on-chain");
    assert.equal(more.length, 0);
    const stakeLeft = 500n * E18 - BigInt(xMissed) * E18;
    assert.equal(unstake.args.amount, stakeLeft, "the whole active stake");
    const p = await info(X);
    assert.equal(p.stake, 0n, "no active stake: out of new draws");
    assert.equal(p.unbonding, stakeLeft);
    assert.equal(
      await net.publicClient.readContract({ address: R, abi: ProverRegistryAbi, functionName: "isStaked", args: [X] }),
      false,
    );

    // The chunk drawn to X before it unstaked is still X's obligation: proved and submitted after the unstake.
    const done = await waitFor(
      async () => {
        const v = await net.task(job.jobId, chunk.id);
        return v.state >= 2 ? v : undefined;
      },
      120_000,
      "the drawn chunk submitted",
    );
    assert.equal(done.submitter.toLowerCase(), X.toLowerCase(), "X submitted the task drawn to it");
    const sub = (await net.events(job.requestBlock)).find(
      (e) => e.eventName === "NodeSubmitted" && e.args.jobId === job.jobId && e.args.taskId === chunk.id,
    );
    assert.ok(sub && sub.blockNumber > unstake.blockNumber, "submitted after the unstake");
    // The decision became available after the unstake: its draw cannot name X.
    const decision = await openTask(job.jobId, net.DECISION_TASK);
    assert.equal(decision.assignee.toLowerCase(), Y.toLowerCase(), "X is out of the draws");

    const m = await net.metrics(0);
    assert.equal(m.novanet_slashes_total, xMissed, "only X's own slashes counted");
    assert.equal(m.novanet_slashed_wei_total, Number(BigInt(xMissed) * E18));
    assert.equal(m.novanet_auto_unstaked, 1);
    // `novanet node status` shows the decision.
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
    try {
      assert.equal(await nodeCommand(["status", "--config", net.configs[0]]), 0);
    } finally {
      process.stdout.write = write;
    }
    const st = JSON.parse(out.join(""));
    assert.equal(st.autoUnstake.state, "done");
    assert.equal(st.autoUnstake.amount, String(stakeLeft));
    assert.equal(st.slashes.count, xMissed);
  });

  it("restarted with its cursor lost (every event re-read): no slash counted twice, no second unstake", async () => {
    await net.kill(0);
    const db = new StateDb(net.dataDirs[0]);
    db.db.prepare("DELETE FROM meta WHERE key IN ('cursor', 'cursorHash')").run();
    db.close();
    const head = await net.publicClient.getBlockNumber();
    const again = await net.startNode(0);
    await waitFor(() => again.out.some((l) => l.includes('"msg":"started"')) || undefined, 120_000, "restart");
    await waitFor(
      () => {
        const d = new StateDb(net.dataDirs[0]);
        const c = d.getMeta("cursor");
        d.close();
        return c !== undefined && BigInt(c) >= head ? true : undefined;
      },
      120_000,
      "caught up",
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await unstakes(0n)).length, 1, "one unstake in all");
    assert.ok(!again.out.some((l) => l.includes("slash limit reached") || l.includes("auto-unstake")));
    assert.ok(!again.out.some((l) => l.includes('"msg":"slashed for a missed window"')), "no slash logged twice");
    const m = await net.metrics(0);
    assert.equal(m.novanet_slashes_total, (await missedBy(0n, X)).length);
    assert.equal(m.novanet_auto_unstaked, 1);
  });

  it("a crash between the unstake and its record (decision left pending): the restart reads the stake, sends nothing", async () => {
    await net.kill(0);
    const db = new StateDb(net.dataDirs[0]);
    const d = db.autoUnstake();
    assert.equal(d?.state, "done");
    db.setAutoUnstake({ state: "pending", at: d.at, slashes: d.slashes });
    db.close();
    const again = await net.startNode(0);
    await waitFor(
      () => again.out.some((l) => l.includes('"msg":"auto-unstake: nothing staked"')) || undefined,
      120_000,
      "the pending decision settled",
    );
    assert.equal((await unstakes(0n)).length, 1, "still one unstake in all");
    const after = new StateDb(net.dataDirs[0]);
    assert.equal(after.autoUnstake()?.state, "done");
    after.close();
  });
});
