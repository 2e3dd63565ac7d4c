/**
 * `novanet node run`: the prover daemon. One loop follows the market from the persisted block cursor
 * (bounded log ranges, reorg check of the cursor's block hash), a bounded pool proves the tasks drawn to
 * this node (leaves, folds, the decision) and submits them after re-checking the chain, finished nodes
 * are announced on the job's gossip topic with their artefact's CID, and expired tasks of other provers
 * are reclaimed and finished from the artefacts on the network. State survives restarts (state.ts).
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { bytesToHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DECISION_TASK, type MarketAdapter, type MarketEvent, ViemMarketV1 } from "../chain/market.js";
import { computeWitness } from "../circuits/witness.js";
import { deciderProofAbi } from "../decider/abi.js";
import { proveDecider } from "../decider/prove.js";
import { ChainError, NodeConfigError } from "../errors/node.js";
import type { FoldContext } from "../folding/nifs.js";
import { foldNodes, makeLeaf, nodeId as nodeIdOf, nodeRange, type ProverNode, splitPoint } from "../folding/tree.js";
import { loadOrCreatePeerKey, Network, peerIdBytes } from "../net/network.js";
import { jobTopic } from "../net/protocols.js";
import { ArtefactStore, parseCid } from "../net/store.js";
import type { NodeConfig } from "./config.js";
import { type JobRow, StateDb, type TaskRow } from "./state.js";
import { CircuitRuntime, checkArtefact, encodeArtefact, leafRecord, nodeData, type OnChainNode } from "./work.js";

type Announcement = { v: 1; jobId: string; nodeId: string; cid: string; size: number };

export type Log = (e: Record<string, unknown>) => void;

export class NodeDaemon {
  readonly metrics = {
    provingSeconds: 0,
    tasksSubmitted: 0,
    bytesServed: 0,
    bytesFetched: 0,
    artefactsRebuilt: 0,
    artefactsFetched: 0,
    reclaims: 0,
    rejectedGossip: 0,
  };
  private running = new Map<string, Promise<void>>();
  private draining = false;
  private stopped = false;
  private failures = 0;
  private breakerUntil = 0;
  private jitter = new Map<string, number>();
  private circuits = new Map<string, CircuitRuntime>();
  private states = new Map<string, ReturnType<CircuitRuntime["states"]>>();
  private metricsServer?: Server;
  private loopDone?: Promise<void>;

  private constructor(
    readonly cfg: NodeConfig,
    readonly chain: MarketAdapter,
    readonly db: StateDb,
    readonly store: ArtefactStore,
    readonly net: Network,
    readonly log: Log,
  ) {}

  static async start(cfg: NodeConfig, log: Log = defaultLog): Promise<NodeDaemon> {
    const account = privateKeyToAccount(cfg.privateKey);
    const chain = await ViemMarketV1.connect({
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
      store,
      validate: (topic, data, from) => (daemon ? daemon.validateGossip(topic, data, from) : Promise.resolve("ignore")),
      onMessage: (topic, data, from) => daemon?.onGossip(topic, data, from),
      onServed: (n) => {
        if (daemon) daemon.metrics.bytesServed += n;
      },
      log,
    });
    daemon = new NodeDaemon(cfg, chain, db, store, net, log);
    const st = await chain.status();
    if (!st.registered) log({ level: "warn", msg: "this account is not registered: run `novanet node register`" });
    else if (st.peerId.toLowerCase() !== bytesToHex(peerIdBytes(net.peerId)).toLowerCase()) {
      log({ level: "warn", msg: "the on-chain peer id is not this node's", onChain: st.peerId });
    }
    for (const c of cfg.circuits)
      daemon.circuits.set(String(c.id), await CircuitRuntime.load(c, await chain.circuit(c.id)));
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
        await this.follow();
        if (!this.draining) {
          this.schedule();
          await this.reclaimExpired();
        }
        if (Date.now() - lastRedial > 5000) {
          lastRedial = Date.now();
          await this.net.redial();
        }
      } catch (e) {
        this.log({ level: "warn", msg: "loop error", err: errText(e) });
      }
      await sleep(this.cfg.pollMs);
    }
  }

  // ── follower ──────────────────────────────────────────────────────────────────────────────────────

  private async follow(): Promise<void> {
    const me = this.chain.account.toLowerCase();
    let cursor = BigInt(this.db.getMeta("cursor") ?? String(this.cfg.startBlock - 1n));
    const cursorHash = this.db.getMeta("cursorHash");
    if (cursorHash && cursor >= 0n && (await this.chain.blockHash(cursor)) !== cursorHash) {
      const back = cursor - BigInt(this.cfg.reorgDepth);
      this.log({ level: "warn", msg: "reorg at the cursor: re-reading", from: String(back) });
      cursor = back < this.cfg.startBlock - 1n ? this.cfg.startBlock - 1n : back;
    }
    const head = (await this.chain.head()) - BigInt(this.cfg.confirmations);
    if (head <= cursor) return;
    const to = cursor + BigInt(this.cfg.logRange) < head ? cursor + BigInt(this.cfg.logRange) : head;
    const events = await this.chain.events(cursor + 1n, to);
    const toHash = await this.chain.blockHash(to);
    const newJobs: bigint[] = [];
    this.db.tx(() => {
      for (const e of events) this.apply(e, me, newJobs);
      this.db.setMeta("cursor", String(to));
      if (toHash) this.db.setMeta("cursorHash", toHash);
    });
    for (const j of newJobs) this.net.subscribe(jobTopic(this.chain.chainId, this.chain.market, j));
  }

  private apply(e: MarketEvent, me: string, newJobs: bigint[]): void {
    switch (e.kind) {
      case "JobRequested":
        if (!this.circuits.has(String(e.circuitId))) return;
        this.db.upsertJob({ ...e, open: true });
        newJobs.push(e.jobId);
        return;
      case "TaskAssigned":
        if (!this.db.job(e.jobId)) return;
        this.db.assign(e.jobId, e.taskId, e.prover.toLowerCase(), e.deadline, e.prover.toLowerCase() === me);
        return;
      case "TaskDeadline":
        this.db.setDeadline(e.jobId, e.taskId, e.deadline);
        return;
      case "LeafSubmitted":
        if (!this.db.job(e.jobId)) return;
        this.db.putNode(e.jobId, e.nodeId, leafRecord(e.cmW, e.x), e.prover.toLowerCase());
        this.db.markDone(e.jobId, e.nodeId);
        return;
      case "FoldSubmitted":
        if (!this.db.job(e.jobId)) return;
        this.db.putNode(e.jobId, e.nodeId, { U: e.instance, zIn: e.zIn, zOut: e.zOut }, e.prover.toLowerCase());
        this.db.markDone(e.jobId, e.nodeId);
        return;
      case "JobVerified":
        this.db.markDone(e.jobId, DECISION_TASK);
        this.db.closeJob(e.jobId);
        return;
      case "JobClosed":
        this.db.closeJob(e.jobId);
        return;
    }
  }

  // ── work ──────────────────────────────────────────────────────────────────────────────────────────

  private ready(jobId: bigint, taskId: bigint, nLeaves: number): boolean {
    if (taskId === DECISION_TASK) return this.db.node(jobId, nodeIdOf(0, nLeaves)) !== undefined;
    const { a, c } = nodeRange(taskId);
    if (c - a === 1) return true;
    const b = splitPoint(a, c);
    return this.db.node(jobId, nodeIdOf(a, b)) !== undefined && this.db.node(jobId, nodeIdOf(b, c)) !== undefined;
  }

  private schedule(): void {
    if (Date.now() < this.breakerUntil) return;
    const mine = this.db.tasksIn(["assigned"]).sort((x, y) => Number(x.deadline - y.deadline));
    for (const t of mine) {
      if (this.running.size >= this.cfg.workers) return;
      const key = `${t.jobId}/${t.taskId}`;
      if (this.running.has(key)) continue;
      const job = this.db.job(t.jobId);
      if (!job || !this.ready(t.jobId, t.taskId, job.nLeaves)) continue;
      const p = this.runTask(job, t).finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
  }

  private async runTask(job: JobRow, t: TaskRow): Promise<void> {
    const kind =
      t.taskId === DECISION_TASK ? "decision" : nodeRange(t.taskId).c - nodeRange(t.taskId).a === 1 ? "leaf" : "fold";
    const ctx = { jobId: String(t.jobId), taskId: String(t.taskId), kind };
    try {
      // Idempotence: never submit what is already done, nor a task that is no longer ours.
      const before = await this.chain.task(t.jobId, t.taskId);
      if (before.done) return this.db.markDone(t.jobId, t.taskId);
      if (before.worker.toLowerCase() !== this.chain.account.toLowerCase())
        return this.db.setTaskState(t.jobId, t.taskId, "lost");
      const t0 = performance.now();
      let hash: Hex;
      if (kind === "leaf") hash = await this.proveLeaf(job, nodeRange(t.taskId).a);
      else if (kind === "fold") hash = await this.proveFold(job, t.taskId);
      else hash = await this.proveDecision(job);
      this.metrics.provingSeconds += (performance.now() - t0) / 1000;
      this.metrics.tasksSubmitted++;
      this.db.setTaskState(t.jobId, t.taskId, "submitted");
      this.failures = 0;
      this.log({ msg: "submitted", ...ctx, tx: hash, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      const err = errText(e);
      const after = await this.chain.task(t.jobId, t.taskId).catch(() => undefined);
      if (after?.done) {
        this.db.markDone(t.jobId, t.taskId);
        return;
      }
      const attempts = this.db.failAttempt(t.jobId, t.taskId, err);
      this.log({ level: "warn", msg: "task failed", ...ctx, attempts, err });
      if (attempts >= this.cfg.maxAttempts) this.db.setTaskState(t.jobId, t.taskId, "failed", err);
      if (++this.failures >= this.cfg.breakerThreshold) {
        this.breakerUntil = Date.now() + this.cfg.breakerCooldownS * 1000;
        this.failures = 0;
        this.log({ level: "error", msg: "circuit breaker open", seconds: this.cfg.breakerCooldownS });
      }
    }
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

  private async proveLeaf(job: JobRow, k: number): Promise<Hex> {
    const rt = this.runtime(job);
    const { states, manifest } = await this.jobStates(job);
    const leaf = await rt.leaf(states[k], k);
    this.keep(job.jobId, nodeIdOf(k, k + 1), leaf);
    const hash = await this.chain.submitLeaf(job.jobId, BigInt(k), leaf.node.U.cmW, leaf.node.U.x, manifest.proof(k));
    await this.announce(job.jobId, nodeIdOf(k, k + 1));
    return hash;
  }

  private async proveFold(job: JobRow, id: bigint): Promise<Hex> {
    const { a, c } = nodeRange(id);
    const b = splitPoint(a, c);
    const left = await this.proverNode(job, nodeIdOf(a, b));
    const right = await this.proverNode(job, nodeIdOf(b, c));
    const { parent, fold } = await foldNodes(this.foldCtx(job), left, right);
    this.keep(job.jobId, id, parent);
    const hash = await this.chain.submitFold(job.jobId, id, nodeData(left.node), nodeData(right.node), fold.cmT);
    await this.announce(job.jobId, id);
    return hash;
  }

  private async proveDecision(job: JobRow): Promise<Hex> {
    const rt = this.runtime(job);
    const root = await this.proverNode(job, nodeIdOf(0, job.nLeaves));
    const keys = await rt.deciderKeys();
    const proof = await proveDecider(rt.shape, rt.srs, keys, root.node.U, root.W, { hiding: true });
    return this.chain.submitDecision(job.jobId, nodeData(root.node), deciderProofAbi(proof));
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

  /**
   * The prover node (with witness) of a done tree node: from disk, else from the peers that announced it
   * (checked against the market's record), else rebuilt (leaves from the manifest, folds from their
   * children; folding is deterministic, so the rebuilt node equals the submitted one).
   */
  private async proverNode(job: JobRow, id: bigint): Promise<ProverNode> {
    const rt = this.runtime(job);
    const rec = this.db.node<OnChainNode>(job.jobId, id);
    if (!rec) throw new ChainError("node not on-chain yet", { details: `${job.jobId}/${id}` });
    const sources = this.db.artefacts(job.jobId, id);
    for (const s of sources.filter((x) => x.peer === "self")) {
      const bytes = this.store.get(parseCid(s.cid));
      if (bytes) return checkArtefact(rt, bytes, rec);
    }
    const byCid = new Map<string, PeerId[]>();
    for (const s of sources) {
      if (s.peer === "self") continue;
      const list = byCid.get(s.cid) ?? [];
      list.push(peerIdFromString(s.peer));
      byCid.set(s.cid, list);
    }
    for (const [cidStr, peers] of byCid) {
      try {
        const cid = parseCid(cidStr);
        const bytes = await this.net.fetch(cid, peers, this.cfg.maxArtefactBytes);
        const p = await checkArtefact(rt, bytes, rec);
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
        this.log({
          level: "warn",
          msg: "artefact source failed",
          cid: cidStr,
          err: errText(e),
        });
      }
    }
    // Rebuild (network-mode artefacts are deterministic functions of the manifest).
    const { a, c } = nodeRange(id);
    let p: ProverNode;
    if (c - a === 1) {
      const { states } = await this.jobStates(job);
      p = await makeLeaf(rt.shape, rt.srs, await this.witness(rt, states[a]), { k: a });
    } else {
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

  private witness(rt: CircuitRuntime, zIn: bigint[]): Promise<bigint[]> {
    return computeWitness({ wasmPath: rt.cfg.wasm, stateWidth: rt.shape.s }, zIn);
  }

  // ── reclaims ──────────────────────────────────────────────────────────────────────────────────────

  private async reclaimExpired(): Promise<void> {
    if (!this.cfg.reclaim || Date.now() < this.breakerUntil) return;
    const now = Date.now() / 1000;
    for (const t of this.db.tasksIn(["other", "lost"])) {
      const key = `${t.jobId}/${t.taskId}`;
      let j = this.jitter.get(key);
      if (j === undefined) {
        j = Math.random() * 3;
        this.jitter.set(key, j);
      }
      if (Number(t.deadline) + this.cfg.reclaimGraceS + j > now) continue;
      const job = this.db.job(t.jobId);
      if (!job || !this.ready(t.jobId, t.taskId, job.nLeaves)) continue;
      const cur = await this.chain.task(t.jobId, t.taskId);
      if (cur.done) {
        this.db.markDone(t.jobId, t.taskId);
        continue;
      }
      if (cur.worker.toLowerCase() === this.chain.account.toLowerCase()) continue;
      if (Number(cur.deadline) >= now) {
        this.db.setDeadline(t.jobId, t.taskId, cur.deadline);
        continue;
      }
      try {
        const hash = await this.chain.reclaim(t.jobId, t.taskId);
        this.metrics.reclaims++;
        this.log({ msg: "reclaimed", jobId: String(t.jobId), taskId: String(t.taskId), from: cur.worker, tx: hash });
      } catch (e) {
        this.log({
          level: "warn",
          msg: "reclaim failed",
          taskId: String(t.taskId),
          err: errText(e),
        });
        this.jitter.set(key, j + 5);
      }
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
    } catch {
      return undefined;
    }
    return m;
  }

  /** Topic validator: schema, topic, size cap, job known, node accepted by the market. */
  async validateGossip(topic: string, data: Uint8Array, _from: PeerId): Promise<"accept" | "ignore" | "reject"> {
    const m = this.parseAnnouncement(topic, data);
    if (!m || m.size > this.cfg.maxArtefactBytes) {
      this.metrics.rejectedGossip++;
      return "reject";
    }
    const jobId = BigInt(m.jobId);
    if (!this.db.job(jobId)) {
      const j = await this.chain.job(jobId).catch(() => undefined);
      if (!j || j.nLeaves === 0) {
        this.metrics.rejectedGossip++;
        return "reject";
      }
      return "ignore";
    }
    if (this.db.node(jobId, BigInt(m.nodeId))) return "accept";
    const t = await this.chain.task(jobId, BigInt(m.nodeId)).catch(() => undefined);
    if (!t?.done) {
      this.metrics.rejectedGossip++;
      return "reject";
    }
    return "accept";
  }

  onGossip(topic: string, data: Uint8Array, from: PeerId): void {
    const m = this.parseAnnouncement(topic, data);
    if (!m) return;
    const jobId = BigInt(m.jobId);
    const id = BigInt(m.nodeId);
    this.db.addArtefact(jobId, id, m.cid, from.toString());
    if (this.cfg.replicate && !this.store.has(parseCid(m.cid))) {
      // Keep a copy so that the work survives its author; re-announce as a further source.
      void this.replicate(jobId, id).catch(() => {});
    }
  }

  private async replicate(jobId: bigint, id: bigint): Promise<void> {
    const job = this.db.job(jobId);
    if (!job?.open || !this.db.node(jobId, id)) return;
    if (this.db.artefacts(jobId, id).some((r) => r.peer === "self")) return;
    const sources = this.db.artefacts(jobId, id).filter((r) => r.peer !== "self");
    if (sources.length === 0) return;
    const cid = parseCid(sources[0].cid);
    const bytes = await this.net.fetch(
      cid,
      sources.filter((s) => s.cid === sources[0].cid).map((s) => peerIdFromString(s.peer)),
      this.cfg.maxArtefactBytes,
    );
    await checkArtefact(this.runtime(job), bytes, this.db.node<OnChainNode>(jobId, id)!);
    this.store.put(bytes);
    this.metrics.bytesFetched += bytes.length;
    this.db.addArtefact(jobId, id, cid.toString(), "self");
    await this.announce(jobId, id);
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
      lines.push(`novanet_reclaims_total ${this.metrics.reclaims}`);
      lines.push(`novanet_gossip_rejected_total ${this.metrics.rejectedGossip}`);
      lines.push(`novanet_peers ${this.net.peerCount()}`);
      res.setHeader("content-type", "text/plain; version=0.0.4");
      res.end(`${lines.join("\n")}\n`);
    });
    this.metricsServer.listen(port, "127.0.0.1");
  }

  /** Graceful drain: stop taking work, let running tasks finish (bounded), then stop. */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.draining = true;
    await Promise.race([Promise.allSettled([...this.running.values()]), sleep(timeoutMs)]);
    this.stopped = true;
    await this.loopDone;
    this.metricsServer?.close();
    await this.net.stop();
    this.db.close();
    this.log({ msg: "stopped" });
  }
}

/** One line for a log: the decoded custom error when viem found one, else the first line. */
function errText(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  const custom = /Error: (\w+\([^)]*\))/.exec(m);
  return custom ? custom[1] : m.split("\n")[0];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function defaultLog(e: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), ...e })}\n`);
}
