/**
 * `novanet node run`: the prover daemon on market v2. One loop follows the market from the persisted block
 * cursor (bounded log ranges, reorg check of the cursor's block hash), reads the draw of every task whose
 * inputs are on-chain (the market draws lazily from a future block hash: a task's prover is known only once
 * it is available, and a new one is drawn each window), and a bounded pool proves the tasks drawn to this
 * node — chunks (leaves and internal folds, one transaction), merges, the decision — and submits them after
 * re-checking the chain. Finished nodes are announced on the job's gossip topic with their artefact's CID;
 * when a prover drops out, its task is redrawn after its window and the new assignee builds on the
 * artefacts on the network (or rebuilds them: network-mode artefacts are deterministic). State survives
 * restarts (state.ts).
 */
import { createServer, type Server } from "node:http";
import { totalmem } from "node:os";
import { join } from "node:path";
import type { PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { bytesToHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type CircuitRecord,
  DECISION_TASK,
  type MarketAdapter,
  type MarketEvent,
  type ProverStatus,
  ViemMarketV2,
} from "../chain/market.js";
import { ChainError, FetchError, NodeConfigError } from "../errors/node.js";
import type { FoldContext } from "../folding/nifs.js";
import { foldNodes, nodeId as nodeIdOf, nodeRange, type ProverNode, splitPoint } from "../folding/tree.js";
import { prepareNodeProving } from "../gpu/startup.js";
import { loadOrCreatePeerKey, Network, peerIdBytes } from "../net/network.js";
import { jobTopic } from "../net/protocols.js";
import { ArtefactStore, parseCid } from "../net/store.js";
import { jobTasks, taskKindOf } from "../tree/shape.js";
import { ensureCircuitFiles, type Fetcher, readIfExists, resolveDeciderKey } from "./circuitFiles.js";
import type { NodeConfig } from "./config.js";
import { decideRoot } from "./decide.js";
import { estimateTaskBytes, type TaskSize, WorkerPool } from "./pool.js";
import { capacityFits, isNoEligibleProver } from "./refresh.js";
import { type AutoUnstake, type JobRow, type SlashRow, StateDb, type TaskRow } from "./state.js";
import { CircuitRuntime, checkArtefact, encodeArtefact, nodeData, type OnChainNode, proveChunk } from "./work.js";

type Announcement = { v: 1; jobId: string; nodeId: string; cid: string; size: number };

export type Log = (e: Record<string, unknown>) => void;

/** Penalty points after which a peer is banned (`banMs`), and what each offence costs. */
const BAN_AT = 10;
const PENALTY = { badArtefact: 10, badGossip: 4, badRequest: 2 } as const;

export class NodeDaemon {
  readonly metrics = {
    provingSeconds: 0,
    tasksSubmitted: 0,
    txSent: 0,
    bytesServed: 0,
    bytesFetched: 0,
    artefactsRebuilt: 0,
    artefactsFetched: 0,
    rejectedGossip: 0,
    rejectedArtefacts: 0,
    peersBanned: 0,
    /** Seconds from a task becoming available on-chain to this node's submission, summed, and the count. */
    availableToSubmitS: 0,
    availableToSubmitN: 0,
    /** Optimistic bundles this node challenged (and won the bond of), and those it checked and found valid. */
    bundlesChallenged: 0,
    bundlesChecked: 0,
  };
  private running = new Map<string, Promise<void>>();
  /** Bounded by `workers` and by memory (pool.ts); sizes of the circuits' tasks for its estimates. */
  private pool: WorkerPool;
  private sizes = new Map<string, TaskSize>();
  private tooLarge = new Set<string>();
  /** Dispute answers in progress, and when a failed one may be tried again (ms). */
  private answering = new Map<string, Promise<void>>();
  private answerRetryAt = new Map<string, number>();
  private draining = false;
  private stopped = false;
  /** Failure breaker: consecutive failed task runs, whether it is open, when it last saw a failure (ms). */
  private failures = 0;
  private breakerOpen = false;
  private lastFailureAt = 0;
  /** When a failed task may run again (ms): backoff within its window. */
  private retryAt = new Map<string, number>();
  /** Slash breaker: re-evaluate (a new slash of ours was recorded, or a decision's transaction is pending). */
  private slashCheck = true;
  private unstakeRetryAt = 0;
  private penalties = new Map<string, number>();
  private replicating = new Set<string>();
  private circuits = new Map<string, CircuitRuntime>();
  private states = new Map<string, ReturnType<CircuitRuntime["states"]>>();
  private metricsServer?: Server;
  private loopDone?: Promise<void>;
  private chainNow = 0n;
  /**
   * `refreshSnapshot` per task (`jobId/taskId`): in flight, or its outcome — sent (never again while the task
   * stays undrawable) or refused before sending (tried again after a doubling back-off, ms).
   */
  private refreshing = new Set<string>();
  private refreshes = new Map<string, { sent: boolean; at: number; backoffMs: number }>();
  private ownStatus?: { at: number; st: Promise<ProverStatus> };
  private circuitRecs = new Map<string, Promise<CircuitRecord>>();

  private constructor(
    readonly cfg: NodeConfig,
    readonly chain: MarketAdapter,
    readonly db: StateDb,
    readonly store: ArtefactStore,
    readonly net: Network,
    readonly log: Log,
  ) {
    this.pool = new WorkerPool(cfg.workers, (cfg.maxMemoryMB ?? Math.floor((totalmem() * 0.8) / MB)) * MB);
  }

  static async start(cfg: NodeConfig, log: Log = defaultLog): Promise<NodeDaemon> {
    const account = privateKeyToAccount(cfg.privateKey);
    const chain = await ViemMarketV2.connect({
      rpcUrl: cfg.rpcUrl,
      market: cfg.market as Hex,
      account,
      maxFeePerGas: cfg.maxFeePerGas,
    });
    const db = new StateDb(cfg.dataDir);
    const store = new ArtefactStore(join(cfg.dataDir, "artefacts"));
    const key = await loadOrCreatePeerKey(join(cfg.dataDir, "peer.key"));
    let daemon: NodeDaemon | undefined;
    const net = await Network.start({
      privateKey: key,
      listen: cfg.listen,
      bootstrap: cfg.bootstrap,
      inboundPerHostPerSecond: cfg.inboundPerHostPerSecond,
      store,
      denyFile: join(cfg.dataDir, "deny-peers"),
      validate: (topic, data, from) => (daemon ? daemon.validateGossip(topic, data, from) : Promise.resolve("ignore")),
      onMessage: (topic, data, from) => daemon?.onGossip(topic, data, from),
      onServed: (n) => {
        if (daemon) daemon.metrics.bytesServed += n;
      },
      onMisbehaviour: (peer) => daemon?.penalise(peer, PENALTY.badRequest, "bad fetch request"),
      onInvalidGossip: (peer, why) => {
        if (!daemon) return;
        daemon.metrics.rejectedGossip++;
        daemon.penalise(peer, PENALTY.badGossip, why);
      },
      log,
    });
    daemon = new NodeDaemon(cfg, chain, db, store, net, log);
    const st = await chain.status();
    if (!st.registered) log({ level: "warn", msg: "this account is not registered: run `novanet node register`" });
    else if (st.peerId.toLowerCase() !== bytesToHex(peerIdBytes(net.peerId)).toLowerCase()) {
      log({ level: "warn", msg: "the on-chain peer id is not this node's", onChain: st.peerId });
    }
    // MSM/fold backends: NOVANET_MSM, or a cached calibration against a hardware GPU (gpu/startup.ts).
    await prepareNodeProving(cfg.dataDir, log, st.registered ? st : undefined);
    // Missing circuit files come from the peers (or a URL), each checked against the chain (circuitFiles.ts).
    const via: Fetcher = {
      fetchCid: async (cid, maxBytes) => {
        const until = Date.now() + 60_000;
        for (;;) {
          const peers = net.peers();
          try {
            if (peers.length > 0) return await net.fetch(parseCid(cid), peers, maxBytes);
          } catch (e) {
            if (Date.now() > until) throw e;
          }
          if (Date.now() > until) throw new FetchError("no peer to fetch from", { details: cid });
          await sleep(1000);
        }
      },
    };
    for (const c of cfg.circuits) {
      const rec = await chain.circuit(c.id);
      await ensureCircuitFiles(c, rec.r1csHash, via, cfg.maxArtefactBytes, log);
      const rt = await CircuitRuntime.load(c, rec);
      await resolveDeciderKey(rt, chain, via, cfg.maxArtefactBytes, log);
      daemon.circuits.set(String(c.id), rt);
      daemon.sizes.set(String(c.id), {
        m: rt.shape.m,
        nW: rt.shape.nW,
        deciderConstraints: Number(rec.deciderConstraints),
      });
      // Serve the circuit's files to nodes that join later (by CID over the fetch protocol).
      const cids: Record<string, string> = {};
      for (const [name, path] of [
        ["r1cs", c.r1cs],
        ["wasm", c.wasm],
        ["deciderKey", rt.hasVerifiedDeciderKey ? c.deciderKey : undefined],
      ] as const) {
        const bytes = readIfExists(path);
        if (bytes && bytes.length <= cfg.maxArtefactBytes) cids[name] = store.put(bytes).toString();
      }
      log({ msg: "circuit files served", circuit: String(c.id), ...cids });
      // The registry draws this node only for tasks within its declared capacity (conservatively, by class).
      if (st.registered && rec.nConstraints > st.maxConstraints)
        log({
          level: "warn",
          msg: "declared capacity below the circuit's size: never drawn for it",
          circuit: String(c.id),
        });
      else if (st.registered && rec.deciderConstraints > st.maxConstraints)
        log({
          level: "warn",
          msg: "declared capacity below the decider's size: never drawn for decisions",
          circuit: String(c.id),
        });
    }
    for (const j of db.openJobs()) net.subscribe(jobTopic(chain.chainId, chain.market, j));
    if (cfg.metricsPort) daemon.serveMetrics(cfg.metricsPort);
    log({ msg: "started", account: chain.account, peerId: net.peerId.toString(), addrs: net.addrs() });
    daemon.loopDone = daemon.loop();
    return daemon;
  }

  private async loop(): Promise<void> {
    let lastRedial = 0;
    while (!this.stopped) {
      try {
        // Catch up in bounded ranges before reading draws (a restarted node first learns what is done).
        while ((await this.follow()) && !this.stopped) {}
        // The slash breaker acts on what the follower just recorded, before any new work (and while draining).
        await this.slashBreaker();
        // Disputes first (an unanswered one costs `disputeSlash`), and even while draining.
        await this.answerDisputes();
        // Fraudulent optimistic bundles are challenged (and their bond won) even while draining.
        await this.watchBundles();
        if (!this.draining) await this.schedule();
        if (Date.now() - lastRedial > 3000) {
          lastRedial = Date.now();
          await this.net.redial();
          await this.net.healGossip();
        }
      } catch (e) {
        this.log({ level: "warn", msg: "loop error", err: errText(e) });
      }
      await sleep(this.cfg.pollMs);
    }
  }

  // ── follower ──────────────────────────────────────────────────────────────────────────────────────

  /** Applies one bounded range of market events; returns whether more remain behind the head. */
  private async follow(): Promise<boolean> {
    const me = this.chain.account.toLowerCase();
    let cursor = BigInt(this.db.getMeta("cursor") ?? String(this.cfg.startBlock - 1n));
    const cursorHash = this.db.getMeta("cursorHash");
    if (cursorHash && cursor >= 0n && (await this.chain.blockHash(cursor)) !== cursorHash) {
      const back = cursor - BigInt(this.cfg.reorgDepth);
      this.log({ level: "warn", msg: "reorg at the cursor: re-reading", from: String(back) });
      cursor = back < this.cfg.startBlock - 1n ? this.cfg.startBlock - 1n : back;
    }
    const head = (await this.chain.head()) - BigInt(this.cfg.confirmations);
    if (head <= cursor) return false;
    const to = cursor + BigInt(this.cfg.logRange) < head ? cursor + BigInt(this.cfg.logRange) : head;
    const events = await this.chain.events(cursor + 1n, to);
    const toHash = await this.chain.blockHash(to);
    // Chain time of the blocks holding a slash of ours (the breaker's window is in chain time).
    const times = new Map<bigint, bigint>();
    for (const e of events)
      if (slashOf(e, me) && !times.has(e.block)) times.set(e.block, await this.chain.blockTime(e.block));
    const newJobs: bigint[] = [];
    this.db.tx(() => {
      for (const e of events) this.apply(e, me, newJobs, times);
      this.db.setMeta("cursor", String(to));
      if (toHash) this.db.setMeta("cursorHash", toHash);
    });
    for (const j of newJobs) this.net.subscribe(jobTopic(this.chain.chainId, this.chain.market, j));
    return to < head;
  }

  private apply(e: MarketEvent, me: string, newJobs: bigint[], times: Map<bigint, bigint>): void {
    switch (e.kind) {
      case "JobRequested":
        if (!this.circuits.has(String(e.circuitId))) return;
        this.db.upsertJob({ ...e, open: true });
        this.db.addTasks(
          e.jobId,
          jobTasks(e.nLeaves, e.chunkLog).map((t) => ({ id: t.id, kind: t.kind })),
        );
        newJobs.push(e.jobId);
        return;
      case "NodeSubmitted":
        if (!this.db.job(e.jobId)) return;
        this.db.putNode(e.jobId, e.taskId, { U: e.instance, zIn: e.zIn, zOut: e.zOut }, e.prover.toLowerCase());
        this.db.markDone(e.jobId, e.taskId, e.prover.toLowerCase());
        return;
      case "NodeReset":
        if (!this.db.job(e.jobId)) return;
        this.db.reset(e.jobId, e.nodeId);
        return;
      case "AttemptMissed":
        // Only this account's own missed windows: another prover's slash is none of its business.
        if (e.prover.toLowerCase() !== me) return;
        this.recordSlash(
          {
            id: `missed/${e.jobId}/${e.taskId}/${e.attempt}`,
            reason: "missed",
            jobId: e.jobId,
            taskId: e.taskId,
            amount: e.slashed,
            block: e.block,
            at: times.get(e.block) ?? 0n,
          },
          "slashed for a missed window",
          { attempt: e.attempt },
        );
        return;
      case "DisputeOpened":
        if (e.submitter.toLowerCase() !== me || !this.db.job(e.jobId)) return;
        this.db.addDispute(e.jobId, e.nodeId, e.challenger, e.answerBy);
        this.log({
          level: "warn",
          msg: "disputed",
          jobId: String(e.jobId),
          nodeId: String(e.nodeId),
          challenger: e.challenger,
          answerBy: String(e.answerBy),
        });
        return;
      case "DisputeResolved": {
        if (e.submitter.toLowerCase() !== me) return;
        const outcome = e.cancelled ? "cancelled" : e.challengerWon ? "lost" : "won";
        this.db.settleDispute(e.jobId, e.nodeId, outcome);
        // Only a lost dispute slashes: one the node answered (won) or a reset closed (cancelled) costs nothing.
        if (outcome === "lost")
          this.recordSlash(
            {
              id: `dispute/${e.jobId}/${e.nodeId}/${e.challenger.toLowerCase()}`,
              reason: "dispute",
              jobId: e.jobId,
              taskId: e.nodeId,
              amount: e.slashed,
              block: e.block,
              at: times.get(e.block) ?? 0n,
            },
            "dispute lost",
            { nodeId: String(e.nodeId), challenger: e.challenger },
          );
        else
          this.log({
            msg: `dispute ${outcome}`,
            jobId: String(e.jobId),
            nodeId: String(e.nodeId),
            slashed: String(e.slashed),
          });
        return;
      }
      case "JobVerified":
        if (!this.db.job(e.jobId)) return;
        this.db.markDone(e.jobId, DECISION_TASK, e.prover.toLowerCase());
        this.db.closeJob(e.jobId);
        return;
      case "JobClosed":
        this.db.closeJob(e.jobId);
        return;
      case "BundleProposed":
        if (!this.cfg.watchBundles) return;
        this.db.addBundle(
          e.proposal.jobId,
          e.proposal.proposer,
          e.proposal.challengeEnd,
          e.proposal.bond,
          e.proposal.data,
        );
        return;
      case "BundleClosed":
        this.db.setBundleState(
          e.jobId,
          e.outcome === "challenged" && e.by.toLowerCase() === me ? "challenged" : "closed",
        );
        return;
    }
  }

  // ── bundle watcher ────────────────────────────────────────────────────────────────────────────────

  /**
   * Checks every recorded optimistic bundle still in its window by simulating `challengeBundle` with its
   * posted data (one `eth_call`): the market re-executes the folds, so a simulation that succeeds means the
   * bundle is fraudulent, and the challenge is sent (the bond is credited to this account). An honest
   * bundle reverts `MarketBundleValid` and is never simulated again (its data is fixed). A failed RPC call
   * leaves the bundle pending for the next poll. A bundle is marked `challenging` before the transaction:
   * after a restart it is simulated again, and a challenge that landed reverts there (`MarketNotProposed`),
   * so no second one is sent; every transaction is simulated again just before it is sent, too.
   */
  private async watchBundles(): Promise<void> {
    if (!this.cfg.watchBundles || !this.chain.simulateChallenge || !this.chain.challengeBundle) return;
    const rows = this.db.bundles(["pending", "challenging"]);
    if (rows.length === 0) return;
    let now: bigint;
    try {
      now = await this.chain.now();
    } catch (e) {
      this.log({ level: "warn", msg: "bundle watcher: cannot read the chain time", err: errText(e) });
      return;
    }
    for (const b of rows) {
      if (this.stopped) return;
      const jobId = String(b.jobId);
      if (b.challengeEnd < now) {
        this.db.setBundleState(b.jobId, "closed", null, "window passed");
        this.log({ level: "debug", msg: "bundle window passed", jobId });
        continue;
      }
      let sim: Awaited<ReturnType<NonNullable<MarketAdapter["simulateChallenge"]>>>;
      try {
        sim = await this.chain.simulateChallenge(b.jobId, b.data);
      } catch (e) {
        this.log({ level: "warn", msg: "bundle check failed: retried next poll", jobId, err: errText(e) });
        continue;
      }
      if (!sim.fraud) {
        if (sim.reason === "MarketBundleValid") {
          this.metrics.bundlesChecked++;
          this.db.setBundleState(b.jobId, "valid");
          this.log({ level: "debug", msg: "bundle checked out", jobId, proposer: b.proposer });
        } else if (sim.reason === "MarketNotProposed" || sim.reason === "MarketChallengeClosed") {
          // Challenged or finalized already, or its window closed: nothing to do.
          this.db.setBundleState(b.jobId, "closed", null, sim.reason);
          this.log({ level: "debug", msg: "bundle not challengeable", jobId, reason: sim.reason });
        } else {
          // Any other answer (an RPC error viem reads as a revert) decides nothing: asked again next poll.
          this.log({ level: "warn", msg: "bundle check failed: retried next poll", jobId, err: sim.reason });
        }
        continue;
      }
      this.db.setBundleState(b.jobId, "challenging");
      try {
        const r = await this.chain.challengeBundle(b.jobId, b.data);
        this.db.setBundleState(b.jobId, "challenged", r.hash);
        this.metrics.bundlesChallenged++;
        this.log({
          msg: "bundle challenged",
          jobId,
          proposer: b.proposer,
          gas: String(r.gasUsed),
          bond: String(r.bond),
          tx: r.hash,
        });
      } catch (e) {
        this.db.setBundleState(b.jobId, "challenging", null, errText(e));
        this.log({ level: "warn", msg: "bundle challenge failed: re-checked next poll", jobId, err: errText(e) });
      }
    }
  }

  // ── slash breaker ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Records a slash of this account (once per event, whatever re-reads it) and logs what it cost, with the
   * breaker's count. Runs inside the follower's transaction.
   */
  private recordSlash(row: SlashRow, msg: string, extra: Record<string, unknown>): void {
    if (!this.db.recordSlash(row)) return;
    this.slashCheck = true;
    const { slashLimit, slashWindowS } = this.cfg;
    this.log({
      level: "error",
      msg,
      reason: row.reason,
      jobId: String(row.jobId),
      taskId: String(row.taskId),
      ...extra,
      slashedWei: String(row.amount),
      block: String(row.block),
      slashesInWindow: this.db.slashesSince(row.at - BigInt(slashWindowS)),
      slashLimit,
      slashWindowS,
    });
  }

  /**
   * After `slashLimit` slashes of this account within `slashWindowS` (chain time), stops the node being
   * drawn: requests the unbonding of its whole active stake. Sortition weight is active stake, so from the
   * next block the registry leaves it out of the draws of every task that becomes available; tasks that
   * became available before still draw it (their stake snapshot is older) and the node keeps proving them —
   * a skipped draw would be slashed from the unbonding stake. The decision is persisted first (`pending`),
   * then the on-chain stake is read: nothing staked → `done` without a transaction (so a restart, or a
   * transaction that landed before a crash, never unstakes twice); else `requestUnstake(stake)`. Slashes
   * up to a decision are settled by it: only later ones count toward the next (after the operator stakes
   * again).
   */
  private async slashBreaker(): Promise<void> {
    const { slashLimit, slashWindowS } = this.cfg;
    if (slashLimit === 0 || !this.slashCheck || Date.now() < this.unstakeRetryAt) return;
    let d = this.db.autoUnstake();
    if (d?.state !== "pending") {
      const now = await this.chain.now();
      let from = now - BigInt(slashWindowS);
      if (d && BigInt(d.at) >= from) from = BigInt(d.at) + 1n;
      const n = this.db.slashesSince(from);
      if (n < slashLimit) {
        this.slashCheck = false;
        return;
      }
      d = { state: "pending", at: String(now), slashes: n };
      this.db.setAutoUnstake(d);
      this.log({
        level: "error",
        msg: "slash limit reached: unstaking",
        slashes: n,
        slashLimit,
        slashWindowS,
        note: "tasks already drawn to this node are still proved",
      });
    }
    try {
      const st = await this.chain.status();
      let tx: Hex | undefined;
      let amount = 0n;
      if (st.stake > 0n) {
        amount = st.stake;
        tx = await this.chain.requestUnstake(amount);
      }
      const after = tx ? await this.chain.status() : st;
      const done: AutoUnstake = {
        ...d,
        state: "done",
        amount: String(amount),
        ...(tx ? { tx } : {}),
        releaseAt: String(after.releaseAt),
      };
      this.db.setAutoUnstake(done);
      this.slashCheck = false;
      this.log({
        level: "error",
        msg: tx ? "auto-unstaked" : "auto-unstake: nothing staked",
        amountWei: String(amount),
        tx,
        unbondingWei: String(after.unbonding),
        releaseAt: String(after.releaseAt),
        next: "see docs/node.md, 'After an auto-unstake'",
      });
    } catch (e) {
      this.unstakeRetryAt = Date.now() + 5000;
      this.log({ level: "error", msg: "auto-unstake failed: retrying", err: errText(e) });
    }
  }

  // ── disputes ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Starts an answer for every open dispute on our nodes whose answer window has not passed (one task per
   * dispute, outside the worker bound: an unanswered dispute slashes `disputeSlash`). A failed answer is
   * tried again after 5 s while the window lasts.
   */
  private async answerDisputes(): Promise<void> {
    const open = this.db.disputes(["open"]);
    if (open.length === 0) return;
    const now = await this.chain.now();
    for (const d of open) {
      const key = `${d.jobId}/${d.nodeId}`;
      if (this.answering.has(key) || (this.answerRetryAt.get(key) ?? 0) > Date.now()) continue;
      if (d.answerBy < now) continue; // too late: DisputeResolved will settle it
      const p = this.answerDispute(d.jobId, d.nodeId).finally(() => this.answering.delete(key));
      this.answering.set(key, p);
    }
  }

  /**
   * Answers a dispute on our node: the node's witness (from disk, else fetched and checked, else rebuilt),
   * a decider proof of its instance (`decideRoot`: the decider proves any relaxed instance, not only the
   * root's), a re-check that the dispute is still open, then `answerDispute`.
   */
  private async answerDispute(jobId: bigint, nodeId: bigint): Promise<void> {
    const ctx = { jobId: String(jobId), nodeId: String(nodeId) };
    const key = `${jobId}/${nodeId}`;
    try {
      const job = this.db.job(jobId);
      if (!job) throw new ChainError("disputed node of a job this node does not follow", { details: key });
      const t0 = performance.now();
      const node = await this.proverNode(job, nodeId);
      const proof = await decideRoot(this.runtime(job), node);
      const cur = await this.chain.getDispute(jobId, nodeId);
      if (/^0x0+$/.test(cur.challenger)) {
        this.log({ msg: "dispute closed before our answer", ...ctx });
        return;
      }
      const hash = await this.chain.answerDispute(jobId, nodeId, nodeData(node.node), proof);
      this.db.settleDispute(jobId, nodeId, "answered", hash);
      this.log({ msg: "dispute answered", ...ctx, tx: hash, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      const err = errText(e);
      const after = await this.chain.getDispute(jobId, nodeId).catch(() => undefined);
      if (after && /^0x0+$/.test(after.challenger)) return; // answered after all, or closed: the event settles it
      this.db.disputeError(jobId, nodeId, err);
      this.answerRetryAt.set(key, Date.now() + 5000);
      this.log({ level: "warn", msg: "dispute answer failed", ...ctx, err });
    }
  }

  // ── draws and work ────────────────────────────────────────────────────────────────────────────────

  /** Whether a task's inputs are on-chain (by the events applied so far). */
  private ready(job: JobRow, t: TaskRow): boolean {
    if (t.kind === "chunk") return true;
    if (t.kind === "decision") return this.db.node(job.jobId, nodeIdOf(0, job.nLeaves)) !== undefined;
    const { a, c } = nodeRange(t.taskId);
    const b = splitPoint(a, c);
    return (
      this.db.node(job.jobId, nodeIdOf(a, b)) !== undefined && this.db.node(job.jobId, nodeIdOf(b, c)) !== undefined
    );
  }

  /**
   * Reads the draw of every task whose inputs are on-chain and whose window may have turned (jobs by
   * deadline), and starts the ones drawn to this node while the pool has room. A task is not started when
   * less than `minWindowLeftS` of its window remains (it would land in the next attempt and be refused).
   */
  private async schedule(): Promise<void> {
    // The failure breaker never stops this: a task drawn to the node and not submitted is slashed.
    if (this.breakerOpen && Date.now() - this.lastFailureAt > this.cfg.breakerCooldownS * 1000) {
      this.breakerOpen = false;
      this.log({ msg: "circuit breaker closed", reason: "no failure for breakerCooldownS" });
    }
    this.chainNow = await this.chain.now();
    const me = this.chain.account.toLowerCase();
    for (const t of this.db.tasksIn(["waiting", "other", "lost", "assigned", "failed"])) {
      if (this.stopped || this.draining) return;
      const key = `${t.jobId}/${t.taskId}`;
      if (this.running.has(key)) continue;
      const job = this.db.job(t.jobId);
      if (!job || !this.ready(job, t)) continue;
      if (t.state !== "assigned" && t.checkAt > this.chainNow) continue;
      const cur = await this.chain.task(t.jobId, t.taskId).catch((e) => {
        if (isNoEligibleProver(e)) this.refreshSnapshot(job, t);
        return undefined;
      });
      if (!cur) continue;
      this.refreshes.delete(key);
      if (cur.state === "done" || cur.state === "paid") {
        this.db.markDone(t.jobId, t.taskId, cur.submitter.toLowerCase());
        continue;
      }
      if (cur.state !== "open" || /^0x0+$/.test(cur.assignee)) {
        this.db.checkLater(t.jobId, t.taskId, 0n); // seed block not mined yet: next poll
        continue;
      }
      const mine = cur.assignee.toLowerCase() === me;
      if (mine && t.state !== "assigned")
        this.log({
          msg: "drawn",
          jobId: String(t.jobId),
          taskId: String(t.taskId),
          kind: t.kind,
          attempt: cur.attempt,
          windowLeftS: Number(cur.windowEnd - this.chainNow),
        });
      this.db.drawn(t.jobId, t.taskId, cur.assignee.toLowerCase(), cur.windowEnd, mine);
      if (!mine) continue;
      if (cur.windowEnd - this.chainNow < BigInt(this.cfg.minWindowLeftS)) continue;
      if ((this.retryAt.get(key) ?? 0) > Date.now()) continue;
      if (this.pool.running >= this.cfg.workers) continue;
      const row = this.db.task(t.jobId, t.taskId);
      if (!row || row.state !== "assigned") continue;
      const size = this.sizes.get(String(job.circuitId));
      const est = size ? estimateTaskBytes(size, t.kind, job.chunkLog) : 0;
      const slot = this.pool.acquire(est);
      if ("refused" in slot) {
        if (slot.refused === "too large" && !this.tooLarge.has(key)) {
          this.tooLarge.add(key);
          this.log({
            level: "error",
            msg: "task larger than the memory budget: not started",
            ...logKey(t),
            mb: est / MB,
          });
        }
        continue;
      }
      const p = this.runTask(job, row, cur.availableAt).finally(() => {
        slot.release();
        this.running.delete(key);
      });
      this.running.set(key, p);
    }
  }

  /**
   * A task whose stake snapshot holds no fitting prover (`getTask` reverts `ProverRegistryNoEligibleProver`):
   * when this node's own registration fits it (its class covers the task's constraints, and it has stake),
   * calls `refreshSnapshot` once, so that the next poll reads a draw over the previous block's snapshot. A
   * node that does not fit sends nothing; the market's simulation refuses (no transaction) while the previous
   * block holds no eligible weight (`MarketNoEligibleProver`: e.g. this node staked in the latest block) or
   * the snapshot is not empty; a refusal is tried again after a doubling back-off (2 s up to 10 min), a sent
   * transaction (even one that reverted) never.
   */
  private refreshSnapshot(job: JobRow, t: TaskRow): void {
    const key = `${t.jobId}/${t.taskId}`;
    const prev = this.refreshes.get(key);
    if (!this.chain.refreshSnapshot || this.refreshing.has(key) || prev?.sent || (prev?.at ?? 0) > Date.now()) return;
    this.refreshing.add(key);
    const ctx = logKey(t);
    const run = async () => {
      const now = Date.now();
      if (!this.ownStatus || now - this.ownStatus.at > 5000) this.ownStatus = { at: now, st: this.chain.status() };
      const cid = String(job.circuitId);
      if (!this.circuitRecs.has(cid)) this.circuitRecs.set(cid, this.chain.circuit(job.circuitId));
      const [st, rec] = await Promise.all([this.ownStatus.st, this.circuitRecs.get(cid) as Promise<CircuitRecord>]);
      const need = t.kind === "decision" ? rec.deciderConstraints : rec.nConstraints;
      if (!st.registered || st.stake === 0n || !capacityFits(st.maxConstraints, need)) {
        this.refreshes.set(key, { sent: false, at: Date.now() + 5000, backoffMs: 0 }); // a read, not a send
        return;
      }
      try {
        const tx = await this.chain.refreshSnapshot?.(t.jobId, t.taskId);
        this.refreshes.set(key, { sent: true, at: 0, backoffMs: 0 });
        this.log({ msg: "snapshot refreshed", ...ctx, tx });
      } catch (e) {
        const sent = e instanceof ChainError && /transaction reverted|not mined/.test(e.message);
        const backoffMs = Math.min(Math.max((prev?.backoffMs ?? 0) * 2, 2000), 600_000);
        this.refreshes.set(key, { sent, at: Date.now() + backoffMs, backoffMs });
        this.log({ level: "warn", msg: "snapshot refresh failed", ...ctx, sent, err: errText(e) });
      }
    };
    run()
      .catch((e) => {
        this.ownStatus = undefined;
        this.circuitRecs.delete(String(job.circuitId));
        this.refreshes.set(key, { sent: false, at: Date.now() + 15_000, backoffMs: prev?.backoffMs ?? 0 });
        this.log({ level: "warn", msg: "snapshot refresh check failed", ...ctx, err: errText(e) });
      })
      .finally(() => this.refreshing.delete(key));
  }

  private async runTask(job: JobRow, t: TaskRow, availableAt: bigint): Promise<void> {
    const ctx = { jobId: String(t.jobId), taskId: String(t.taskId), kind: t.kind };
    const me = this.chain.account.toLowerCase();
    try {
      const t0 = performance.now();
      let hash: Hex | undefined;
      if (t.kind === "chunk") hash = await this.doChunk(job, t.taskId);
      else if (t.kind === "merge") hash = await this.doMerge(job, t.taskId);
      else hash = await this.doDecision(job);
      if (!hash) return;
      const s = (performance.now() - t0) / 1000;
      this.metrics.provingSeconds += s;
      this.metrics.tasksSubmitted++;
      const now = await this.chain.now().catch(() => this.chainNow);
      this.metrics.availableToSubmitS += Number(now - availableAt);
      this.metrics.availableToSubmitN++;
      this.db.setTx(t.jobId, t.taskId, hash);
      this.failures = 0;
      this.retryAt.delete(`${t.jobId}/${t.taskId}`);
      if (this.breakerOpen) {
        this.breakerOpen = false;
        this.log({ msg: "circuit breaker closed", reason: "a task succeeded" });
      }
      this.log({
        msg: "submitted",
        ...ctx,
        tx: hash,
        ms: Math.round(performance.now() - t0),
        availableToSubmitS: Number(now - availableAt),
      });
    } catch (e) {
      const err = errText(e);
      // Re-check after a failed or dropped transaction: it may have landed, or the task moved on.
      const after = await this.chain.task(t.jobId, t.taskId).catch(() => undefined);
      if (after && (after.state === "done" || after.state === "paid")) {
        this.db.markDone(t.jobId, t.taskId, after.submitter.toLowerCase());
        if (after.submitter.toLowerCase() === me) this.log({ msg: "submitted (confirmed after an error)", ...ctx });
        return;
      }
      const attempts = this.db.failAttempt(t.jobId, t.taskId, err);
      // Retried within its window after a backoff (1, 2, 4 … 30 s); after `maxAttempts` failures it is given
      // up for this window only: a later window's draw to this node starts it again (state.ts `drawn`).
      const retryInS = Math.min(30, 2 ** (attempts - 1));
      this.retryAt.set(`${t.jobId}/${t.taskId}`, Date.now() + retryInS * 1000);
      const givenUp = attempts >= this.cfg.maxAttempts;
      if (givenUp) this.db.setTaskState(t.jobId, t.taskId, "failed", err);
      this.log({
        level: givenUp ? "error" : "warn",
        msg: givenUp ? "task given up for this window" : "task failed",
        ...ctx,
        attempts,
        ...(givenUp ? {} : { retryInS }),
        err,
      });
      this.lastFailureAt = Date.now();
      if (++this.failures >= this.cfg.breakerThreshold && !this.breakerOpen) {
        this.breakerOpen = true;
        this.log({
          level: "error",
          msg: "circuit breaker open",
          failures: this.failures,
          note: "tasks drawn to this node are still proved; replication paused until a task succeeds",
        });
      }
    }
  }

  /**
   * Idempotence check right before a transaction: the task is still open, still drawn to this node, and
   * enough of its window is left. Returns false (and records why) when the transaction must not be sent.
   */
  private async stillMine(jobId: bigint, taskId: bigint): Promise<boolean> {
    const cur = await this.chain.task(jobId, taskId);
    if (cur.state === "done" || cur.state === "paid") {
      this.db.markDone(jobId, taskId, cur.submitter.toLowerCase());
      return false;
    }
    const now = await this.chain.now();
    if (cur.state !== "open" || cur.assignee.toLowerCase() !== this.chain.account.toLowerCase()) {
      this.db.drawn(jobId, taskId, cur.assignee.toLowerCase(), cur.windowEnd, false);
      this.log({
        level: "warn",
        msg: "task no longer ours: not submitted",
        jobId: String(jobId),
        taskId: String(taskId),
      });
      return false;
    }
    if (cur.windowEnd - now < 2n) {
      this.log({ level: "warn", msg: "window ending: not submitted", jobId: String(jobId), taskId: String(taskId) });
      return false;
    }
    return true;
  }

  private runtime(job: JobRow): CircuitRuntime {
    const rt = this.circuits.get(String(job.circuitId));
    if (!rt) throw new NodeConfigError("circuit not configured", { details: String(job.circuitId) });
    return rt;
  }

  private jobStates(job: JobRow) {
    const key = String(job.jobId);
    let p = this.states.get(key);
    if (!p) {
      p = this.runtime(job).states(job.z0, job.nLeaves, job.manifestRoot);
      this.states.set(key, p);
      p.catch(() => this.states.delete(key));
    }
    return p;
  }

  private foldCtx(job: JobRow): FoldContext {
    const rt = this.runtime(job);
    return { shape: rt.shape, srs: rt.srs, domain: job.domain, jobId: job.jobId, hiding: false };
  }

  /** Proves chunk `id` whole (or takes it from disk if proved before a restart). */
  private async buildChunk(job: JobRow, id: bigint) {
    const { a, c } = nodeRange(id);
    const { states, manifest } = await this.jobStates(job);
    return proveChunk(this.runtime(job), this.foldCtx(job), states, manifest, job.chunkLog, a, c);
  }

  private async doChunk(job: JobRow, id: bigint): Promise<Hex | undefined> {
    const { root, chunk } = await this.buildChunk(job, id);
    this.keep(job.jobId, id, root);
    if (!(await this.stillMine(job.jobId, id))) return undefined;
    const hash = await this.chain.submitChunk(job.jobId, id, chunk);
    await this.announce(job.jobId, id);
    return hash;
  }

  private async doMerge(job: JobRow, id: bigint): Promise<Hex | undefined> {
    const { a, c } = nodeRange(id);
    const b = splitPoint(a, c);
    const left = await this.proverNode(job, nodeIdOf(a, b));
    const right = await this.proverNode(job, nodeIdOf(b, c));
    const { parent, fold } = await foldNodes(this.foldCtx(job), left, right);
    this.keep(job.jobId, id, parent);
    if (!(await this.stillMine(job.jobId, id))) return undefined;
    const hash = await this.chain.submitMerge(job.jobId, id, nodeData(left.node), nodeData(right.node), fold.cmT);
    await this.announce(job.jobId, id);
    return hash;
  }

  private async doDecision(job: JobRow): Promise<Hex | undefined> {
    const root = await this.proverNode(job, nodeIdOf(0, job.nLeaves));
    const proof = await decideRoot(this.runtime(job), root);
    if (!(await this.stillMine(job.jobId, DECISION_TASK))) return undefined;
    return this.chain.submitDecision(job.jobId, nodeData(root.node), proof);
  }

  /** Stores a node this process computed, and records that it holds it. */
  private keep(jobId: bigint, id: bigint, p: ProverNode): void {
    const cid = this.store.put(encodeArtefact(p));
    this.db.addArtefact(jobId, id, cid.toString(), "self");
  }

  private async announce(jobId: bigint, id: bigint): Promise<void> {
    const own = this.db.artefacts(jobId, id).find((r) => r.peer === "self");
    if (!own) return;
    const msg: Announcement = {
      v: 1,
      jobId: String(jobId),
      nodeId: String(id),
      cid: own.cid,
      size: this.store.size(parseCid(own.cid)) ?? 0,
    };
    await this.net
      .publish(jobTopic(this.chain.chainId, this.chain.market, jobId), new TextEncoder().encode(JSON.stringify(msg)))
      .catch((e) => this.log({ level: "warn", msg: "announce failed", err: String(e) }));
  }

  /** Adds penalty points to `peer`; at {@link BAN_AT} it is banned for `banMs` and disconnected. */
  penalise(peer: PeerId, points: number, why: string): void {
    const key = peer.toString();
    const total = (this.penalties.get(key) ?? 0) + points;
    this.penalties.set(key, total);
    this.log({ level: "warn", msg: "peer penalised", peer: key, why, points: total });
    if (total >= BAN_AT) {
      this.penalties.delete(key);
      this.metrics.peersBanned++;
      this.log({ level: "warn", msg: "peer banned", peer: key, ms: this.cfg.banMs });
      void this.net.ban(peer, this.cfg.banMs);
    }
  }

  /**
   * The prover node (with witness) of a stored tree node: from disk, else from the peers that announced it
   * (checked against its CID and the market's record, witness satisfying), else rebuilt (a chunk from the
   * manifest, a merge from its children; folding is deterministic, so the rebuilt node equals the stored one).
   */
  private async proverNode(job: JobRow, id: bigint): Promise<ProverNode> {
    const rt = this.runtime(job);
    const rec = this.db.node<OnChainNode>(job.jobId, id);
    if (!rec) throw new ChainError("node not on-chain yet", { details: `${job.jobId}/${id}` });
    const sources = this.db.artefacts(job.jobId, id);
    for (const s of sources.filter((x) => x.peer === "self")) {
      const bytes = this.store.get(parseCid(s.cid));
      if (bytes) {
        try {
          return await checkArtefact(rt, bytes, rec);
        } catch {
          // A node we computed but whose submission lost to another's (different blinding): fetch or rebuild.
        }
      }
    }
    const byCid = new Map<string, PeerId[]>();
    for (const s of sources) {
      if (s.peer === "self" || this.net.gate.isDenied(s.peer)) continue;
      const list = byCid.get(s.cid) ?? [];
      list.push(peerIdFromString(s.peer));
      byCid.set(s.cid, list);
    }
    for (const [cidStr, peers] of byCid) {
      const p = await this.fetchChecked(job, id, cidStr, peers, rec);
      if (p) return p;
    }
    // Rebuild (network-mode artefacts are deterministic functions of the manifest).
    const { a, c } = nodeRange(id);
    let p: ProverNode;
    if (taskKindOf(job.nLeaves, job.chunkLog, a, c) === "chunk") p = (await this.buildChunk(job, id)).root;
    else {
      const b = splitPoint(a, c);
      const l = await this.proverNode(job, nodeIdOf(a, b));
      const r = await this.proverNode(job, nodeIdOf(b, c));
      p = (await foldNodes(this.foldCtx(job), l, r)).parent;
    }
    const bytes = encodeArtefact(p);
    const checked = await checkArtefact(rt, bytes, rec);
    this.keep(job.jobId, id, checked);
    this.metrics.artefactsRebuilt++;
    this.log({ msg: "artefact rebuilt", jobId: String(job.jobId), nodeId: String(id) });
    return checked;
  }

  /** Fetches `cid` from `peers` and checks it; a peer that served bytes failing the check is penalised. */
  private async fetchChecked(
    job: JobRow,
    id: bigint,
    cidStr: string,
    peers: PeerId[],
    rec: OnChainNode,
  ): Promise<ProverNode | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.net.fetch(parseCid(cidStr), peers, this.cfg.maxArtefactBytes);
    } catch (e) {
      this.log({ level: "warn", msg: "artefact source failed", cid: cidStr, err: errText(e) });
      return undefined;
    }
    try {
      const p = await checkArtefact(this.runtime(job), bytes, rec);
      this.metrics.bytesFetched += bytes.length;
      this.metrics.artefactsFetched++;
      this.store.put(bytes);
      this.db.addArtefact(job.jobId, id, cidStr, "self");
      this.log({
        msg: "artefact fetched",
        jobId: String(job.jobId),
        nodeId: String(id),
        cid: cidStr,
        bytes: bytes.length,
      });
      return p;
    } catch (e) {
      // The bytes match the CID the peers announced, but not the market's node: every announcer of this CID lied.
      this.metrics.rejectedArtefacts++;
      this.log({ level: "warn", msg: "artefact rejected", cid: cidStr, err: errText(e) });
      for (const peer of peers) this.penalise(peer, PENALTY.badArtefact, "announced an artefact that is not the node");
      return undefined;
    }
  }

  // ── gossip ────────────────────────────────────────────────────────────────────────────────────────

  private parseAnnouncement(topic: string, data: Uint8Array): Announcement | undefined {
    let m: Announcement;
    try {
      m = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return undefined;
    }
    if (m?.v !== 1 || typeof m.jobId !== "string" || typeof m.nodeId !== "string" || typeof m.cid !== "string")
      return undefined;
    if (!/^\d{1,78}$/.test(m.jobId) || !/^\d{1,78}$/.test(m.nodeId) || typeof m.size !== "number") return undefined;
    if (topic !== jobTopic(this.chain.chainId, this.chain.market, BigInt(m.jobId))) return undefined;
    try {
      parseCid(m.cid);
      nodeRange(BigInt(m.nodeId));
      if (!Number.isSafeInteger(m.size)) return undefined;
    } catch {
      return undefined;
    }
    return m;
  }

  /**
   * Topic validator: schema, topic, size cap, the job exists, the announced node is stored on-chain (a
   * chunk or merge of the job whose task is done). `reject` lowers the sender's gossipsub score and adds
   * penalty points here; `ignore` (a job on a circuit this node does not prove) does neither.
   */
  async validateGossip(topic: string, data: Uint8Array, from: PeerId): Promise<"accept" | "ignore" | "reject"> {
    const verdict = await this.judgeGossip(topic, data);
    if (verdict === "reject") {
      this.metrics.rejectedGossip++;
      this.penalise(from, PENALTY.badGossip, "invalid announcement");
    }
    return verdict;
  }

  private async judgeGossip(topic: string, data: Uint8Array): Promise<"accept" | "ignore" | "reject"> {
    const m = this.parseAnnouncement(topic, data);
    if (!m || m.size <= 0 || m.size > this.cfg.maxArtefactBytes) return "reject";
    const jobId = BigInt(m.jobId);
    const nodeId = BigInt(m.nodeId);
    const job = this.db.job(jobId);
    if (!job) {
      const j = await this.chain.job(jobId).catch(() => undefined);
      return j ? "ignore" : "reject";
    }
    const { a, c } = nodeRange(nodeId);
    if (!taskKindOf(job.nLeaves, job.chunkLog, a, c)) return "reject";
    if (this.db.node(jobId, nodeId)) {
      // Network-mode artefacts are deterministic: a CID other than the one of our checked copy is a lie.
      const own = this.db.artefacts(jobId, nodeId).find((r) => r.peer === "self");
      return own && own.cid !== m.cid ? "reject" : "accept";
    }
    const t = await this.chain.task(jobId, nodeId).catch(() => undefined);
    return t && (t.state === "done" || t.state === "paid") ? "accept" : "reject";
  }

  onGossip(topic: string, data: Uint8Array, from: PeerId): void {
    const m = this.parseAnnouncement(topic, data);
    if (!m) return;
    const jobId = BigInt(m.jobId);
    const id = BigInt(m.nodeId);
    this.db.addArtefact(jobId, id, m.cid, from.toString());
    // Replication is optional work: paused while the failure breaker is open (memory, bandwidth, CPU).
    if (this.cfg.replicate && !this.breakerOpen && !this.store.has(parseCid(m.cid))) {
      // Keep a copy so that the work survives its author; re-announce as a further source.
      // One fetch per node at a time: several announcements of one node arrive together.
      const key = `${jobId}/${id}`;
      if (this.replicating.has(key)) return;
      this.replicating.add(key);
      void this.replicate(jobId, id)
        .catch(() => {})
        .finally(() => this.replicating.delete(key));
    }
  }

  private async replicate(jobId: bigint, id: bigint): Promise<void> {
    const job = this.db.job(jobId);
    if (!job?.open || !this.db.node(jobId, id)) return;
    if (this.db.artefacts(jobId, id).some((r) => r.peer === "self")) return;
    const sources = this.db.artefacts(jobId, id).filter((r) => r.peer !== "self");
    if (sources.length === 0) return;
    const cid = sources[0].cid;
    const peers = sources.filter((s) => s.cid === cid && !this.net.gate.isDenied(s.peer));
    const rec = this.db.node<OnChainNode>(jobId, id);
    if (!rec || peers.length === 0) return;
    const p = await this.fetchChecked(
      job,
      id,
      cid,
      peers.map((s) => peerIdFromString(s.peer)),
      rec,
    );
    if (p) await this.announce(jobId, id);
  }

  // ── operations ────────────────────────────────────────────────────────────────────────────────────

  private serveMetrics(port: number): void {
    this.metricsServer = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.statusCode = 404;
        res.end();
        return;
      }
      const lines: string[] = [];
      for (const [state, n] of Object.entries(this.db.countByState()))
        lines.push(`novanet_tasks{state="${state}"} ${n}`);
      lines.push(`novanet_proving_seconds_total ${this.metrics.provingSeconds}`);
      lines.push(`novanet_tasks_submitted_total ${this.metrics.tasksSubmitted}`);
      lines.push(`novanet_bytes_served_total ${this.metrics.bytesServed}`);
      lines.push(`novanet_bytes_fetched_total ${this.metrics.bytesFetched}`);
      lines.push(`novanet_artefacts_rebuilt_total ${this.metrics.artefactsRebuilt}`);
      lines.push(`novanet_artefacts_fetched_total ${this.metrics.artefactsFetched}`);
      lines.push(`novanet_artefacts_rejected_total ${this.metrics.rejectedArtefacts}`);
      lines.push(`novanet_gossip_rejected_total ${this.metrics.rejectedGossip}`);
      lines.push(`novanet_peers_banned_total ${this.metrics.peersBanned}`);
      const slashes = this.db.slashTotals();
      const auto = this.db.autoUnstake();
      lines.push(`novanet_slashes_total ${slashes.count}`);
      lines.push(`novanet_slashed_wei_total ${slashes.wei}`);
      lines.push(
        `novanet_slashes_in_window ${this.chainNow > 0n ? this.db.slashesSince(this.chainNow - BigInt(this.cfg.slashWindowS)) : 0}`,
      );
      lines.push(`novanet_auto_unstaked ${auto ? 1 : 0}`);
      lines.push(`novanet_auto_unstaked_wei ${auto?.amount ?? 0}`);
      lines.push(`novanet_breaker_open ${this.breakerOpen ? 1 : 0}`);
      lines.push(`novanet_task_failures_consecutive ${this.failures}`);
      lines.push(`novanet_available_to_submit_seconds_sum ${this.metrics.availableToSubmitS}`);
      lines.push(`novanet_available_to_submit_seconds_count ${this.metrics.availableToSubmitN}`);
      lines.push(`novanet_bundles_challenged_total ${this.metrics.bundlesChallenged}`);
      lines.push(`novanet_bundles_checked_total ${this.metrics.bundlesChecked}`);
      lines.push(`novanet_peers ${this.net.peerCount()}`);
      lines.push(`novanet_memory_reserved_bytes ${this.pool.reservedBytes}`);
      res.setHeader("content-type", "text/plain; version=0.0.4");
      res.end(`${lines.join("\n")}\n`);
    });
    this.metricsServer.on("error", (e) =>
      this.log({ level: "error", msg: "metrics server failed", port, err: String(e) }),
    );
    this.metricsServer.listen(port, "127.0.0.1");
  }

  /** Graceful drain: stop taking work, let running tasks finish (bounded), then stop. */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.draining = true;
    await Promise.race([Promise.allSettled([...this.running.values(), ...this.answering.values()]), sleep(timeoutMs)]);
    this.stopped = true;
    await this.loopDone;
    this.metricsServer?.close();
    await this.net.stop();
    this.db.close();
    this.log({ msg: "stopped" });
  }
}

/** One line for a log: the decoded custom error or revert reason when viem found one, else the first line. */
export function errText(e: unknown): string {
  // biome-ignore lint/suspicious/noExplicitAny: walking viem's error chain.
  let cur: any = e;
  for (let i = 0; cur && i < 8; i++, cur = cur.cause) {
    if (cur.data?.errorName) return `${cur.data.errorName}(${(cur.data.args ?? []).map(String).join(", ")})`;
    if (typeof cur.reason === "string" && cur.reason) return `reverted: ${cur.reason}`;
  }
  const m = String((e as Error)?.message ?? e);
  const custom = /custom error '([^']+)'/.exec(m) ?? /Error: (\w+\([^)]*\))/.exec(m);
  return custom ? custom[1] : m.split("\n")[0];
}

const MB = 1024 * 1024;

/** Whether `e` slashes account `me` (a missed window of its own, or a dispute on its node it lost). */
function slashOf(e: MarketEvent, me: string): boolean {
  if (e.kind === "AttemptMissed") return e.prover.toLowerCase() === me;
  return e.kind === "DisputeResolved" && e.submitter.toLowerCase() === me && e.challengerWon && !e.cancelled;
}

function logKey(t: { jobId: bigint; taskId: bigint; kind: string }) {
  return { jobId: String(t.jobId), taskId: String(t.taskId), kind: t.kind };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function defaultLog(e: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), ...e })}\n`);
}
