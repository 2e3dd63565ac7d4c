/**
 * The node's one view of the chain: {@link MarketAdapter}. Everything the node reads from or sends to the
 * market goes through this narrow interface, so that moving from the v1 market (contracts/ProofMarket.sol,
 * all tasks drawn at the request) to market v2 (lazy assignment, chunks) replaces one implementation.
 *
 * {@link ViemMarketV1} implements it with viem over HTTP or WebSocket. Every transaction is simulated
 * first (a revert there means "already done" or "not ready": nothing is sent), sent one at a time under a
 * lock (the nonce comes from the pending block each time), and its receipt awaited; callers re-read the
 * on-chain state after a failure before trying again.
 */
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEventLogs,
  type Transport,
  type WalletClient,
  webSocket,
} from "viem";
import type { RelaxedInstance } from "../arith/relaxed.js";
import type { DeciderProofAbi } from "../decider/abi.js";
import { ChainError } from "../errors/node.js";
import { CircuitRegistryAbi, ProofMarketAbi, ProverRegistryAbi } from "./abi.js";

export type G1 = { x: bigint; y: bigint };
export type NodeData = {
  instance: { cmW: G1; cmE: G1; u: bigint; x: readonly bigint[] };
  zIn: readonly bigint[];
  zOut: readonly bigint[];
};

/** Market events, normalised (one shape whatever the market version). */
export type MarketEvent =
  | {
      kind: "JobRequested";
      block: bigint;
      jobId: bigint;
      circuitId: bigint;
      nLeaves: number;
      manifestRoot: Hex;
      z0: bigint[];
      domain: Hex;
      deadline: bigint;
    }
  | { kind: "TaskAssigned"; block: bigint; jobId: bigint; taskId: bigint; prover: Address; deadline: bigint }
  | { kind: "TaskDeadline"; block: bigint; jobId: bigint; taskId: bigint; deadline: bigint }
  | { kind: "LeafSubmitted"; block: bigint; jobId: bigint; nodeId: bigint; prover: Address; cmW: G1; x: bigint[] }
  | {
      kind: "FoldSubmitted";
      block: bigint;
      jobId: bigint;
      nodeId: bigint;
      prover: Address;
      instance: RelaxedInstance;
      zIn: bigint[];
      zOut: bigint[];
    }
  | { kind: "JobVerified"; block: bigint; jobId: bigint; prover: Address }
  | { kind: "JobClosed"; block: bigint; jobId: bigint };

export type TaskRecord = { worker: Address; deadline: bigint; done: boolean };
export type JobRecord = { open: boolean; circuitId: bigint; nLeaves: number; domain: Hex; manifestRoot: Hex };
export type CircuitRecord = { r1csHash: Hex; srsDigest: Hex; nConstraints: bigint; stateWidth: number };
export type ProverStatus = {
  registered: boolean;
  peerId: Hex;
  maxConstraints: bigint;
  stake: bigint;
  unbonding: bigint;
  releaseAt: bigint;
  claimable: bigint;
};

/** What the node needs from the market. Implementations: {@link ViemMarketV1}. */
export interface MarketAdapter {
  readonly chainId: number;
  readonly market: Address;
  readonly account: Address;
  head(): Promise<bigint>;
  blockHash(block: bigint): Promise<Hex | undefined>;
  /** Market events in `[from, to]`, in log order. */
  events(from: bigint, to: bigint): Promise<MarketEvent[]>;
  job(jobId: bigint): Promise<JobRecord>;
  task(jobId: bigint, taskId: bigint): Promise<TaskRecord>;
  circuit(circuitId: bigint): Promise<CircuitRecord>;
  now(): Promise<bigint>;
  submitLeaf(jobId: bigint, k: bigint, cmW: G1, x: readonly bigint[], proof: readonly Hex[]): Promise<Hex>;
  submitFold(jobId: bigint, nodeId: bigint, left: NodeData, right: NodeData, cmT: G1): Promise<Hex>;
  submitDecision(jobId: bigint, root: NodeData, proof: DeciderProofAbi): Promise<Hex>;
  reclaim(jobId: bigint, taskId: bigint): Promise<Hex>;
  // Operator commands.
  register(peerId: Hex, maxConstraints: bigint, gpu: boolean): Promise<Hex>;
  stake(amount: bigint): Promise<Hex>;
  requestUnstake(amount: bigint): Promise<Hex>;
  withdraw(): Promise<Hex>;
  claim(token: Address): Promise<Hex>;
  status(feeToken?: Address): Promise<ProverStatus>;
}

export const DECISION_TASK = (1n << 256n) - 1n;

export type ViemMarketOptions = {
  rpcUrl: string;
  market: Address;
  account: Account;
  chain?: Chain;
  /** Refuse to send when the base fee is above this (wei); default no bound. */
  maxFeePerGas?: bigint;
};

export class ViemMarketV1 implements MarketAdapter {
  readonly market: Address;
  readonly account: Address;
  private readonly pub: PublicClient;
  private readonly wallet: WalletClient<Transport, Chain | undefined, Account>;
  private txLock: Promise<unknown> = Promise.resolve();
  private registryAddr?: Address;
  private circuitsAddr?: Address;

  private constructor(
    readonly chainId: number,
    private readonly o: ViemMarketOptions,
  ) {
    const transport = o.rpcUrl.startsWith("ws") ? webSocket(o.rpcUrl, { reconnect: true }) : http(o.rpcUrl);
    this.pub = createPublicClient({ transport, chain: o.chain }) as PublicClient;
    this.wallet = createWalletClient({ transport, account: o.account, chain: o.chain });
    this.market = o.market;
    this.account = o.account.address;
  }

  static async connect(o: ViemMarketOptions): Promise<ViemMarketV1> {
    const probe = createPublicClient({ transport: o.rpcUrl.startsWith("ws") ? webSocket(o.rpcUrl) : http(o.rpcUrl) });
    const chainId = await probe.getChainId();
    const chain = o.chain ?? {
      id: chainId,
      name: `chain-${chainId}`,
      nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [o.rpcUrl] } },
    };
    return new ViemMarketV1(chainId, { ...o, chain });
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

  async events(from: bigint, to: bigint): Promise<MarketEvent[]> {
    const logs = await this.pub.getLogs({ address: this.market, fromBlock: from, toBlock: to });
    const parsed = parseEventLogs({ abi: ProofMarketAbi, logs, strict: false });
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
            manifestRoot: a.manifestRoot,
            z0: [...a.z0],
            domain: a.domain,
            deadline: a.deadline,
          });
          break;
        case "TaskAssigned":
          out.push({
            kind: "TaskAssigned",
            block,
            jobId: a.jobId,
            taskId: a.taskId,
            prover: a.prover,
            deadline: a.deadline,
          });
          break;
        case "TaskDeadlineExtended":
          out.push({ kind: "TaskDeadline", block, jobId: a.jobId, taskId: a.taskId, deadline: a.deadline });
          break;
        case "LeafSubmitted":
          out.push({
            kind: "LeafSubmitted",
            block,
            jobId: a.jobId,
            nodeId: a.nodeId,
            prover: a.prover,
            cmW: a.cmW,
            x: [...a.x],
          });
          break;
        case "FoldSubmitted":
          out.push({
            kind: "FoldSubmitted",
            block,
            jobId: a.jobId,
            nodeId: a.nodeId,
            prover: a.prover,
            instance: { cmW: a.instance.cmW, cmE: a.instance.cmE, u: a.instance.u, x: [...a.instance.x] },
            zIn: [...a.zIn],
            zOut: [...a.zOut],
          });
          break;
        case "JobVerified":
          out.push({ kind: "JobVerified", block, jobId: a.jobId, prover: a.prover });
          break;
        case "JobCancelled":
        case "JobExpired":
          out.push({ kind: "JobClosed", block, jobId: a.jobId });
          break;
      }
    }
    return out;
  }

  async job(jobId: bigint): Promise<JobRecord> {
    const j = await this.pub.readContract({
      address: this.market,
      abi: ProofMarketAbi,
      functionName: "getJob",
      args: [jobId],
    });
    return {
      open: j.status === 1,
      circuitId: j.circuitId,
      nLeaves: Number(j.nLeaves),
      domain: j.domain,
      manifestRoot: j.manifestRoot,
    };
  }

  async task(jobId: bigint, taskId: bigint): Promise<TaskRecord> {
    const t = await this.pub.readContract({
      address: this.market,
      abi: ProofMarketAbi,
      functionName: "getTask",
      args: [jobId, taskId],
    });
    let done = t.state >= 2;
    if (!done && taskId !== DECISION_TASK) {
      const d = await this.pub.readContract({
        address: this.market,
        abi: ProofMarketAbi,
        functionName: "nodeDigest",
        args: [jobId, taskId],
      });
      done = BigInt(d) !== 0n;
    }
    if (!done && taskId === DECISION_TASK) done = !(await this.job(jobId)).open;
    return { worker: t.worker, deadline: t.deadline, done };
  }

  private async registry(): Promise<Address> {
    this.registryAddr ??= await this.pub.readContract({
      address: this.market,
      abi: ProofMarketAbi,
      functionName: "registry",
    });
    return this.registryAddr;
  }

  async circuit(circuitId: bigint): Promise<CircuitRecord> {
    this.circuitsAddr ??= await this.pub.readContract({
      address: this.market,
      abi: ProofMarketAbi,
      functionName: "circuits",
    });
    const c = await this.pub.readContract({
      address: this.circuitsAddr,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [circuitId],
    });
    return {
      r1csHash: c.r1csHash,
      srsDigest: c.srsDigest,
      nConstraints: c.nConstraints,
      stateWidth: Number(c.stateWidth),
    };
  }

  /** Simulates, then sends, then waits for the receipt; one transaction at a time. */
  private send(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: readonly unknown[],
  ): Promise<Hex> {
    const run = async (): Promise<Hex> => {
      if (this.o.maxFeePerGas !== undefined) {
        const fees = await this.pub.estimateFeesPerGas();
        if ((fees.maxFeePerGas ?? 0n) > this.o.maxFeePerGas) {
          throw new ChainError("gas price above the configured bound", {
            details: `${fees.maxFeePerGas} > ${this.o.maxFeePerGas}`,
          });
        }
      }
      // biome-ignore lint/suspicious/noExplicitAny: one generic path for every market call.
      const req: any = { address, abi, functionName, args, account: this.wallet.account, chain: this.wallet.chain };
      const { request } = await this.pub.simulateContract(req);
      const hash = await this.wallet.writeContract(request);
      const receipt = await this.pub.waitForTransactionReceipt({ hash, timeout: 60_000 });
      if (receipt.status !== "success")
        throw new ChainError("transaction reverted", { details: `${functionName} ${hash}` });
      return hash;
    };
    const p = this.txLock.then(run, run);
    this.txLock = p.catch(() => {});
    return p;
  }

  submitLeaf(jobId: bigint, k: bigint, cmW: G1, x: readonly bigint[], proof: readonly Hex[]): Promise<Hex> {
    return this.send(this.market, ProofMarketAbi, "submitLeaf", [jobId, k, cmW, x, proof]);
  }

  submitFold(jobId: bigint, nodeId: bigint, left: NodeData, right: NodeData, cmT: G1): Promise<Hex> {
    return this.send(this.market, ProofMarketAbi, "submitFold", [jobId, nodeId, left, right, cmT]);
  }

  submitDecision(jobId: bigint, root: NodeData, proof: DeciderProofAbi): Promise<Hex> {
    return this.send(this.market, ProofMarketAbi, "submitDecision", [jobId, root, proof]);
  }

  reclaim(jobId: bigint, taskId: bigint): Promise<Hex> {
    return this.send(this.market, ProofMarketAbi, "reclaim", [jobId, taskId]);
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
    return this.send(this.market, ProofMarketAbi, "claim", [token]);
  }

  async status(feeToken?: Address): Promise<ProverStatus> {
    const p = await this.pub.readContract({
      address: await this.registry(),
      abi: ProverRegistryAbi,
      functionName: "proverInfo",
      args: [this.account],
    });
    const claimable = feeToken
      ? await this.pub.readContract({
          address: this.market,
          abi: ProofMarketAbi,
          functionName: "claimable",
          args: [this.account, feeToken],
        })
      : 0n;
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
