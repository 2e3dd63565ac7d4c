/**
 * The node's one view of the chain: {@link MarketAdapter}. Everything the node reads from or sends to the
 * market goes through this narrow interface. {@link ViemMarketV2} implements it for market v2
 * (contracts/market: lazy draws from a future block hash, chunk / merge / decision tasks) with viem over
 * HTTP or WebSocket (reconnecting). The v1 ProofMarket is no longer followed by the node (docs/node.md).
 *
 * Transactions: one at a time under a lock; each is simulated first (a revert there means "already done",
 * "not ready" or "not ours": nothing is sent), its fees are bounded (`maxFeePerGas`), its nonce is the
 * account's pending count (a dropped transaction's nonce is reused, never skipped); the receipt is awaited with a timeout. Callers re-read the task after any failure.
 */
import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseAbi,
  parseEventLogs,
  type Transport,
  type WalletClient,
  webSocket,
} from "viem";
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { DeciderProofAbi, InstanceAbi } from "../decider/abi.js";
import { ChainError } from "../errors/node.js";
import { CircuitRegistryAbi, MarketAbi, ProverRegistryAbi } from "./abi.js";
import { type BundleData, type BundleProposal, parseBundleProposed, simulateChallenge } from "./bundles.js";

export type G1 = { x: bigint; y: bigint };
export type NodeData = {
  instance: { cmW: G1; cmE: G1; u: bigint; x: readonly bigint[] };
  zIn: readonly bigint[];
  zOut: readonly bigint[];
};

/** A chunk submission (`IMarketTypes.Chunk`). */
export type ChunkData = { states: readonly bigint[]; cmW: readonly G1[]; cmT: readonly G1[]; proof: readonly Hex[] };

/** Market events the node follows, normalised. */
export type MarketEvent =
  | {
      kind: "JobRequested";
      block: bigint;
      jobId: bigint;
      circuitId: bigint;
      nLeaves: number;
      chunkLog: number;
      manifestRoot: Hex;
      z0: bigint[];
      domain: Hex;
      deadline: bigint;
      feeToken: Address;
    }
  | {
      kind: "NodeSubmitted";
      block: bigint;
      jobId: bigint;
      taskId: bigint;
      prover: Address;
      attempt: number;
      instance: RelaxedInstance;
      zIn: bigint[];
      zOut: bigint[];
    }
  | { kind: "NodeReset"; block: bigint; jobId: bigint; nodeId: bigint }
  | {
      kind: "AttemptMissed";
      block: bigint;
      jobId: bigint;
      taskId: bigint;
      prover: Address;
      attempt: number;
      slashed: bigint;
    }
  | { kind: "JobVerified"; block: bigint; jobId: bigint; prover: Address }
  | {
      kind: "DisputeOpened";
      block: bigint;
      jobId: bigint;
      nodeId: bigint;
      challenger: Address;
      submitter: Address;
      bond: bigint;
      answerBy: bigint;
    }
  | {
      kind: "DisputeResolved";
      block: bigint;
      jobId: bigint;
      nodeId: bigint;
      challenger: Address;
      submitter: Address;
      challengerWon: boolean;
      cancelled: boolean;
      slashed: bigint;
    }
  | { kind: "JobClosed"; block: bigint; jobId: bigint }
  /** An optimistic bundle was proposed (chain/bundles.ts): the whole data, for the watcher. */
  | { kind: "BundleProposed"; block: bigint; proposal: BundleProposal }
  /** A proposed bundle left its window: challenged (Voided) or finalized (Verified). */
  | { kind: "BundleClosed"; block: bigint; jobId: bigint; outcome: "challenged" | "finalized"; by: Address };

export type TaskState = "waiting" | "open" | "done" | "paid";
/** A task as the market derives it at the latest block (`IMarketTypes.TaskView`). */
export type TaskRecord = {
  state: TaskState;
  attempt: number;
  /** The running attempt's drawn prover (zero address until its seed block exists). */
  assignee: Address;
  submitter: Address;
  availableAt: bigint;
  windowEnd: bigint;
};
export type JobRecord = {
  open: boolean;
  circuitId: bigint;
  nLeaves: number;
  chunkLog: number;
  domain: Hex;
  manifestRoot: Hex;
  feeToken: Address;
};
export type CircuitRecord = {
  r1csHash: Hex;
  srsDigest: Hex;
  nConstraints: bigint;
  stateWidth: number;
  deciderConstraints: bigint;
  /** The registered decider verifier (its code hash is pinned by the registry). */
  decider?: Address;
  /** Its `deciderVersion()`: 3 for `DeciderVerifierV3`; 2 for a v2 verifier (which has no such getter). */
  deciderVersion?: number;
  /** A v3 verifier's `vkeyHash()` (the node checks its decider keys against it). */
  deciderVkeyHash?: Hex;
};
export type ProverStatus = {
  registered: boolean;
  peerId: Hex;
  maxConstraints: bigint;
  stake: bigint;
  unbonding: bigint;
  releaseAt: bigint;
  claimable: bigint;
};

/** What the node needs from the market. Implementation: {@link ViemMarketV2}. */
export interface MarketAdapter {
  readonly chainId: number;
  readonly market: Address;
  readonly account: Address;
  head(): Promise<bigint>;
  blockHash(block: bigint): Promise<Hex | undefined>;
  /** Market events in `[from, to]`, in log order. */
  events(from: bigint, to: bigint): Promise<MarketEvent[]>;
  job(jobId: bigint): Promise<JobRecord | undefined>;
  task(jobId: bigint, taskId: bigint): Promise<TaskRecord>;
  circuit(circuitId: bigint): Promise<CircuitRecord>;
  /** The registered decider verifier's `vkeyHash()` and code hashes (decider v3). */
  deciderPins(circuitId: bigint): Promise<{ vkeyHash: Hex; codehash: Hex; registeredCodehash: Hex }>;
  /**
   * The registered decider verifier's runtime code (a v2 verifier embeds its verifying key there), its code
   * hashes, and an `eth_call` of its `verifyDecider` (decider v2; circuitFiles.ts checks a key against it).
   */
  deciderPinsV2(circuitId: bigint): Promise<DeciderPinsV2>;
  /** Timestamp of the latest block. */
  now(): Promise<bigint>;
  /** Timestamp of block `block`. */
  blockTime(block: bigint): Promise<bigint>;
  submitChunk(jobId: bigint, taskId: bigint, chunk: ChunkData): Promise<Hex>;
  submitMerge(jobId: bigint, taskId: bigint, left: NodeData, right: NodeData, cmT: G1): Promise<Hex>;
  submitDecision(jobId: bigint, root: NodeData, proof: DeciderProofAbi): Promise<Hex>;
  release(jobId: bigint, taskIds: readonly bigint[]): Promise<Hex>;
  /** The open dispute on a node: its challenger (zero address when none) and answer deadline. */
  getDispute(jobId: bigint, nodeId: bigint): Promise<{ challenger: Address; answerBy: bigint }>;
  /** Answers a dispute with a decider proof of the stored node's instance. */
  answerDispute(jobId: bigint, nodeId: bigint, node: NodeData, proof: DeciderProofAbi): Promise<Hex>;
  /**
   * The fallback for a task whose stake snapshot holds no fitting prover (`task()` reverts with
   * `ProverRegistryNoEligibleProver`): moves its snapshot to the previous block (`refreshSnapshot`).
   */
  refreshSnapshot?(jobId: bigint, taskId: bigint): Promise<Hex>;
  /**
   * An `eth_call` of `challengeBundle(jobId, data)` from this account (chain/bundles.ts `simulateChallenge`):
   * `fraud` when it would succeed; else the market's revert name. Throws {@link ChainError} when the RPC fails.
   */
  simulateChallenge?(
    jobId: bigint,
    data: BundleData,
  ): Promise<{ fraud: true; gas: bigint } | { fraud: false; reason: string }>;
  /** Sends `challengeBundle(jobId, data)` (simulated first, as every transaction); its gas and the bond won. */
  challengeBundle?(jobId: bigint, data: BundleData): Promise<{ hash: Hex; gasUsed: bigint; bond: bigint }>;
  // Operator commands.
  register(peerId: Hex, maxConstraints: bigint, gpu: boolean): Promise<Hex>;
  stake(amount: bigint): Promise<Hex>;
  requestUnstake(amount: bigint): Promise<Hex>;
  withdraw(): Promise<Hex>;
  claim(token: Address): Promise<Hex>;
  status(feeToken?: Address): Promise<ProverStatus>;
}

export const DECISION_TASK = (1n << 256n) - 1n;
const ZERO = "0x0000000000000000000000000000000000000000" as Address;
const TASK_STATES: TaskState[] = ["waiting", "open", "done", "paid"];

export type ViemMarketOptions = {
  rpcUrl: string;
  market: Address;
  account: Account;
  chain?: Chain;
  /** Refuse to send when the network's maxFeePerGas is above this (wei), and never offer more; default no bound. */
  maxFeePerGas?: bigint;
  /** Receipt wait before a transaction counts as dropped (ms, default 60 s). */
  receiptTimeoutMs?: number;
};

export class ViemMarketV2 implements MarketAdapter {
  readonly market: Address;
  readonly account: Address;
  /** Transactions sent (for metrics). */
  txSent = 0;
  private readonly pub: PublicClient;
  private readonly wallet: WalletClient<Transport, Chain | undefined, Account>;
  private txLock: Promise<unknown> = Promise.resolve();
  private registryAddr?: Address;
  private circuitsAddr?: Address;

  private constructor(
    readonly chainId: number,
    private readonly o: ViemMarketOptions,
  ) {
    const transport = o.rpcUrl.startsWith("ws")
      ? webSocket(o.rpcUrl, { reconnect: { attempts: 1_000_000, delay: 1000 }, keepAlive: true })
      : http(o.rpcUrl, { retryCount: 3, timeout: 20_000 });
    this.pub = createPublicClient({ transport, chain: o.chain }) as PublicClient;
    this.wallet = createWalletClient({ transport, account: o.account, chain: o.chain });
    this.market = o.market;
    this.account = o.account.address;
  }

  static async connect(o: ViemMarketOptions): Promise<ViemMarketV2> {
    const probe = createPublicClient({ transport: o.rpcUrl.startsWith("ws") ? webSocket(o.rpcUrl) : http(o.rpcUrl) });
    let chainId: number;
    try {
      chainId = await probe.getChainId();
    } catch (e) {
      throw new ChainError("cannot reach the RPC endpoint", { details: o.rpcUrl, cause: e });
    }
    const chain = o.chain ?? {
      id: chainId,
      name: `chain-${chainId}`,
      nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [o.rpcUrl] } },
    };
    return new ViemMarketV2(chainId, { ...o, chain });
  }

  head(): Promise<bigint> {
    return this.pub.getBlockNumber({ cacheTime: 0 });
  }

  async blockHash(block: bigint): Promise<Hex | undefined> {
    try {
      return (await this.pub.getBlock({ blockNumber: block })).hash ?? undefined;
    } catch {
      return undefined;
    }
  }

  async now(): Promise<bigint> {
    return (await this.pub.getBlock({ blockTag: "latest" })).timestamp;
  }

  async blockTime(block: bigint): Promise<bigint> {
    return (await this.pub.getBlock({ blockNumber: block })).timestamp;
  }

  async events(from: bigint, to: bigint): Promise<MarketEvent[]> {
    const logs = await this.pub.getLogs({ address: this.market, fromBlock: from, toBlock: to });
    const parsed = parseEventLogs({ abi: MarketAbi, logs, strict: false });
    const out: MarketEvent[] = [];
    for (const l of parsed) {
      const block = l.blockNumber ?? 0n;
      // biome-ignore lint/suspicious/noExplicitAny: args are checked per event name below.
      const a = l.args as any;
      switch (l.eventName) {
        case "JobRequested":
          out.push({
            kind: "JobRequested",
            block,
            jobId: a.jobId,
            circuitId: a.circuitId,
            nLeaves: Number(a.nLeaves),
            chunkLog: Number(a.chunkLog),
            manifestRoot: a.manifestRoot,
            z0: [...a.z0],
            domain: a.domain,
            deadline: a.deadline,
            feeToken: a.feeToken,
          });
          break;
        case "NodeSubmitted":
          out.push({
            kind: "NodeSubmitted",
            block,
            jobId: a.jobId,
            taskId: a.taskId,
            prover: a.prover,
            attempt: Number(a.attempt),
            instance: { cmW: a.instance.cmW, cmE: a.instance.cmE, u: a.instance.u, x: [...a.instance.x] },
            zIn: [...a.zIn],
            zOut: [...a.zOut],
          });
          break;
        case "NodeReset":
          out.push({ kind: "NodeReset", block, jobId: a.jobId, nodeId: a.nodeId });
          break;
        case "AttemptMissed":
          out.push({
            kind: "AttemptMissed",
            block,
            jobId: a.jobId,
            taskId: a.taskId,
            prover: a.prover,
            attempt: Number(a.attempt),
            slashed: a.slashed,
          });
          break;
        case "JobVerified":
          out.push({ kind: "JobVerified", block, jobId: a.jobId, prover: a.prover });
          break;
        case "DisputeOpened":
          out.push({
            kind: "DisputeOpened",
            block,
            jobId: a.jobId,
            nodeId: a.nodeId,
            challenger: a.challenger,
            submitter: a.submitter,
            bond: a.bond,
            answerBy: a.answerDeadline,
          });
          break;
        case "DisputeResolved":
          out.push({
            kind: "DisputeResolved",
            block,
            jobId: a.jobId,
            nodeId: a.nodeId,
            challenger: a.challenger,
            submitter: a.submitter,
            challengerWon: a.challengerWon,
            cancelled: a.cancelled,
            slashed: a.slashed,
          });
          break;
        case "JobCancelled":
        case "JobExpired":
        case "JobVoided":
          out.push({ kind: "JobClosed", block, jobId: a.jobId });
          break;
        case "BundleProposed": {
          const [proposal] = parseBundleProposed([l]);
          if (proposal) out.push({ kind: "BundleProposed", block, proposal });
          break;
        }
        case "BundleChallenged":
          out.push({ kind: "BundleClosed", block, jobId: a.jobId, outcome: "challenged", by: a.challenger });
          break;
        case "BundleFinalized":
          out.push({ kind: "BundleClosed", block, jobId: a.jobId, outcome: "finalized", by: a.proposer });
          break;
      }
    }
    return out;
  }

  async job(jobId: bigint): Promise<JobRecord | undefined> {
    const j = await this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "getJob",
      args: [jobId],
    });
    if (j.status === 0) return undefined;
    return {
      open: j.status === 1,
      circuitId: j.circuitId,
      nLeaves: Number(j.nLeaves),
      chunkLog: Number(j.chunkLog),
      domain: j.domain,
      manifestRoot: j.manifestRoot,
      feeToken: j.feeToken,
    };
  }

  async task(jobId: bigint, taskId: bigint): Promise<TaskRecord> {
    const t = await this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "getTask",
      args: [jobId, taskId],
    });
    return {
      state: TASK_STATES[t.state] ?? "waiting",
      attempt: Number(t.attempt),
      assignee: t.assignee,
      submitter: t.submitter,
      availableAt: t.availableAt,
      windowEnd: t.windowEnd,
    };
  }

  private async registry(): Promise<Address> {
    this.registryAddr ??= await this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "registry",
    });
    return this.registryAddr;
  }

  /** The circuit registry's entry for `circuitId` (the registry's address read once from the market). */
  private async circuitEntry(circuitId: bigint) {
    this.circuitsAddr ??= await this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "circuits",
    });
    return this.pub.readContract({
      address: this.circuitsAddr,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [circuitId],
    });
  }

  async circuit(circuitId: bigint): Promise<CircuitRecord> {
    const c = await this.circuitEntry(circuitId);
    const version = await deciderVersionOf(this.pub, c.decider);
    const vkeyHash =
      version === 3
        ? await this.pub.readContract({ address: c.decider, abi: DECIDER_V3_GETTERS, functionName: "vkeyHash" })
        : undefined;
    return {
      r1csHash: c.r1csHash,
      srsDigest: c.srsDigest,
      nConstraints: c.nConstraints,
      stateWidth: Number(c.stateWidth),
      deciderConstraints: c.deciderConstraints,
      decider: c.decider,
      deciderVersion: version,
      deciderVkeyHash: vkeyHash,
    };
  }

  /** Simulates, bounds the fee, sends with a locally tracked nonce, waits for the receipt; one at a time. */
  private send(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
  ): Promise<Hex> {
    const run = async (): Promise<Hex> => {
      let fees: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint } = {};
      if (this.o.maxFeePerGas !== undefined) {
        const est = await this.pub.estimateFeesPerGas();
        if ((est.maxFeePerGas ?? 0n) > this.o.maxFeePerGas) {
          throw new ChainError("gas price above the configured bound", {
            details: `${est.maxFeePerGas} > ${this.o.maxFeePerGas}`,
          });
        }
        const prio = est.maxPriorityFeePerGas ?? 0n;
        fees = {
          maxFeePerGas: this.o.maxFeePerGas,
          maxPriorityFeePerGas: prio < this.o.maxFeePerGas ? prio : this.o.maxFeePerGas,
        };
      }
      // biome-ignore lint/suspicious/noExplicitAny: one generic path for every market call.
      const req: any = { address, abi, functionName, args, account: this.wallet.account, chain: this.wallet.chain };
      const { request } = await this.pub.simulateContract(req);
      const pending = await this.pub.getTransactionCount({ address: this.account, blockTag: "pending" });
      // The pending count: a dropped transaction's nonce is reused (replaced), never skipped.
      // biome-ignore lint/suspicious/noExplicitAny: the simulated request plus fee and nonce fields.
      const hash = await this.wallet.writeContract({ ...request, ...fees, nonce: pending } as any);
      this.txSent++;
      let receipt: Awaited<ReturnType<PublicClient["waitForTransactionReceipt"]>>;
      try {
        receipt = await this.pub.waitForTransactionReceipt({ hash, timeout: this.o.receiptTimeoutMs ?? 60_000 });
      } catch (e) {
        throw new ChainError("transaction not mined in time (dropped?)", {
          details: `${functionName} ${hash}`,
          cause: e,
        });
      }
      if (receipt.status !== "success")
        throw new ChainError("transaction reverted", { details: `${functionName} ${hash}` });
      return hash;
    };
    const p = this.txLock.then(run, run);
    this.txLock = p.catch(() => {});
    return p;
  }

  submitChunk(jobId: bigint, taskId: bigint, chunk: ChunkData): Promise<Hex> {
    return this.send(this.market, MarketAbi, "submitChunk", [jobId, taskId, chunk]);
  }

  submitMerge(jobId: bigint, taskId: bigint, left: NodeData, right: NodeData, cmT: G1): Promise<Hex> {
    return this.send(this.market, MarketAbi, "submitMerge", [jobId, taskId, left, right, cmT]);
  }

  submitDecision(jobId: bigint, root: NodeData, proof: DeciderProofAbi): Promise<Hex> {
    return this.send(this.market, MarketAbi, "submitDecision", [jobId, root, proof]);
  }

  release(jobId: bigint, taskIds: readonly bigint[]): Promise<Hex> {
    return this.send(this.market, MarketAbi, "release", [jobId, taskIds]);
  }

  refreshSnapshot(jobId: bigint, taskId: bigint): Promise<Hex> {
    return this.send(this.market, MarketAbi, "refreshSnapshot", [jobId, taskId]);
  }

  simulateChallenge(jobId: bigint, data: BundleData) {
    return simulateChallenge(this.pub, this.market, this.account, jobId, data);
  }

  async challengeBundle(jobId: bigint, data: BundleData): Promise<{ hash: Hex; gasUsed: bigint; bond: bigint }> {
    const hash = await this.send(this.market, MarketAbi, "challengeBundle", [jobId, data]);
    const receipt = await this.pub.getTransactionReceipt({ hash });
    const [ev] = parseEventLogs({ abi: MarketAbi, eventName: "BundleChallenged", logs: receipt.logs });
    return { hash, gasUsed: receipt.gasUsed, bond: ev?.args.bond ?? 0n };
  }

  async getDispute(jobId: bigint, nodeId: bigint): Promise<{ challenger: Address; answerBy: bigint }> {
    const [challenger, answerBy] = await this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "getDispute",
      args: [jobId, nodeId],
    });
    return { challenger, answerBy };
  }

  answerDispute(jobId: bigint, nodeId: bigint, node: NodeData, proof: DeciderProofAbi): Promise<Hex> {
    return this.send(this.market, MarketAbi, "answerDispute", [jobId, nodeId, node, proof]);
  }

  /**
   * What the chain records about a circuit's decider: the registered verifier's `vkeyHash()` (decider v3;
   * a v2 verifier has none: ChainError), its runtime code hash, and the code hash the registry pinned.
   */
  async deciderPins(circuitId: bigint): Promise<{ vkeyHash: Hex; codehash: Hex; registeredCodehash: Hex }> {
    const c = await this.circuitEntry(circuitId);
    const code = await this.pub.getCode({ address: c.decider });
    let vkeyHash: Hex;
    try {
      vkeyHash = await this.pub.readContract({ address: c.decider, abi: VKEY_HASH_ABI, functionName: "vkeyHash" });
    } catch (e) {
      throw new ChainError("the circuit's decider has no vkeyHash() (not a v3 verifier)", {
        details: c.decider,
        cause: e,
      });
    }
    return { vkeyHash, codehash: keccak256(code ?? "0x"), registeredCodehash: c.deciderCodehash };
  }

  async deciderPinsV2(circuitId: bigint): Promise<DeciderPinsV2> {
    const c = await this.circuitEntry(circuitId);
    return deciderPinsV2Of(this.pub, c.decider, c.deciderCodehash);
  }

  /** Opens a dispute on a stored node (bond in the stake token; approve the market first). */
  dispute(jobId: bigint, nodeId: bigint): Promise<Hex> {
    return this.send(this.market, MarketAbi, "dispute", [jobId, nodeId]);
  }

  async register(peerId: Hex, maxConstraints: bigint, gpu: boolean): Promise<Hex> {
    return this.send(await this.registry(), ProverRegistryAbi, "register", [peerId, maxConstraints, gpu]);
  }

  async stake(amount: bigint): Promise<Hex> {
    return this.send(await this.registry(), ProverRegistryAbi, "stake", [amount]);
  }

  async requestUnstake(amount: bigint): Promise<Hex> {
    return this.send(await this.registry(), ProverRegistryAbi, "requestUnstake", [amount]);
  }

  async withdraw(): Promise<Hex> {
    return this.send(await this.registry(), ProverRegistryAbi, "withdraw", []);
  }

  claim(token: Address): Promise<Hex> {
    return this.send(this.market, MarketAbi, "claim", [token]);
  }

  async claimable(token: Address): Promise<bigint> {
    return this.pub.readContract({
      address: this.market,
      abi: MarketAbi,
      functionName: "claimable",
      args: [this.account, token],
    });
  }

  async status(feeToken?: Address): Promise<ProverStatus> {
    const p = await this.pub.readContract({
      address: await this.registry(),
      abi: ProverRegistryAbi,
      functionName: "proverInfo",
      args: [this.account],
    });
    const claimable = feeToken ? await this.claimable(feeToken) : 0n;
    return {
      registered: p.registered,
      peerId: p.peerId,
      maxConstraints: p.maxConstraints,
      stake: p.stake,
      unbonding: p.unbonding,
      releaseAt: p.releaseAt,
      claimable,
    };
  }
}

export { ZERO as ZERO_ADDRESS };

const VKEY_HASH_ABI = [
  { type: "function", name: "vkeyHash", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] },
] as const;
const DECIDER_V3_GETTERS = [
  { type: "function", name: "deciderVersion", stateMutability: "pure", inputs: [], outputs: [{ type: "uint256" }] },
  { type: "function", name: "vkeyHash", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] },
] as const;

/** What the chain pins of a v2 decider verifier: its runtime code (with the key words) and code hashes. */
export type DeciderPinsV2 = {
  decider: Address;
  /** The verifier's runtime code: its verifying key and step r1csHash are constants in it. */
  code: Hex;
  codehash: Hex;
  registeredCodehash: Hex;
  /**
   * `verifyDecider(instance, proof)` of the registered verifier by `eth_call`: true when it accepts, false
   * when it reverts (a v2 verifier never returns false); a failed call (RPC) throws {@link ChainError}.
   */
  verify(instance: InstanceAbi, proof: DeciderProofAbi): Promise<boolean>;
};

const VERIFY_DECIDER_ABI = parseAbi([
  "struct G1Point { uint256 x; uint256 y; }",
  "struct Instance { G1Point cmW; G1Point cmE; uint256 u; uint256[] x; }",
  "struct DeciderProof { uint256[2] a; uint256[2][2] b; uint256[2] c; uint256 zeta; uint256 yW; uint256 yE; G1Point piW; G1Point piE; Instance blind; G1Point cmT; }",
  "function verifyDecider(Instance instance, DeciderProof proof) view returns (bool)",
]);

/** The v2 pins of the verifier at `decider`, whose code hash the registry recorded as `registeredCodehash`. */
export async function deciderPinsV2Of(
  pub: PublicClient,
  decider: Address,
  registeredCodehash: Hex,
): Promise<DeciderPinsV2> {
  const code = (await pub.getCode({ address: decider })) ?? "0x";
  return {
    decider,
    code,
    codehash: keccak256(code),
    registeredCodehash,
    verify: async (instance, proof) => {
      try {
        return (await pub.readContract({
          address: decider,
          abi: VERIFY_DECIDER_ABI,
          functionName: "verifyDecider",
          args: [instance, proof],
        })) as boolean;
      } catch (e) {
        const reverted = e instanceof BaseError && e.walk((x) => x instanceof ContractFunctionRevertedError) !== null;
        if (reverted) return false;
        throw new ChainError("the decider verifier could not be called", {
          details: `${decider}: ${(e as Error).message.split("\n")[0]}`,
          cause: e,
        });
      }
    },
  };
}

/**
 * The decider version of a registered verifier: its `deciderVersion()` (3 for `DeciderVerifierV3`), or 2
 * when the call reverts (v2 verifiers have no such getter). Transport errors propagate.
 */
export async function deciderVersionOf(pub: PublicClient, decider: Address): Promise<number> {
  try {
    const v = await pub.readContract({ address: decider, abi: DECIDER_V3_GETTERS, functionName: "deciderVersion" });
    return Number(v);
  } catch (e) {
    const reverted =
      e instanceof BaseError &&
      e.walk((x) => x instanceof ContractFunctionRevertedError || x instanceof ContractFunctionZeroDataError) !== null;
    if (reverted) return 2;
    throw e;
  }
}
