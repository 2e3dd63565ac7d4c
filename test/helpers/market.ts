/**
 * Fixtures and a driver for the market tests: a fresh in-process Hardhat chain with the NovaNet
 * contracts deployed by test/helpers/deployV1.ts, registered and staked provers, a registered circuit, and
 * helpers that play each task's assignee. Jobs built here use random commitments (see instances.ts)
 * and, unless a real decider is given, the test-only MockDeciderVerifier.
 */
import { network } from "hardhat";
import { type Address, getAddress, type Hex, keccak256, parseEventLogs, zeroAddress } from "viem";
import type { RelaxedInstance } from "../../prover/src/arith/relaxed.js";
import { type DeciderProofAbi, instanceAbi } from "../../prover/src/decider/abi.js";
import { instanceAbiValue } from "../../prover/src/folding/transcript.js";
import { nodeId } from "../../prover/src/folding/tree.js";
import { DEFAULT_MARKET_PARAMS, deployNovaNet, type MarketParams } from "./deployV1.js";
import { foldOrder, foldPair, type Node, nodeAbi, randomLeaf, randomStates } from "./instances.js";
import { buildManifest, type Manifest } from "./manifest.js";
import { mockProof } from "./mockProof.js";

export const E18 = 10n ** 18n;
export const DECISION_TASK = (1n << 256n) - 1n;
export const MIN_STAKE = 100n * E18;

export type FixtureOptions = {
  provers?: number;
  stateWidth?: number;
  /** Circuit size (constraints) and each prover's capacity. */
  constraints?: bigint;
  capacity?: bigint;
  market?: Partial<MarketParams>;
  /** Stake per prover (default 1000e18). */
  stake?: bigint;
  /** A real decider verifier contract name (e.g. "TestOnlyCubicDeciderVerifier"); default the mock. */
  decider?: "TestOnlyCubicDeciderVerifier" | "TestOnlyMix2DeciderVerifier";
  r1csHash?: Hex;
  srsDigest?: Hex;
  nWitness?: bigint;
  deciderConstraints?: bigint;
};

export async function marketFixture(opts: FixtureOptions = {}) {
  const conn = await network.connect();
  const { viem, networkHelpers } = conn;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [ownerWallet] = wallets;
  const s = opts.stateWidth ?? 1;
  const addrs = await deployNovaNet(
    // biome-ignore lint/suspicious/noExplicitAny: Hardhat's extended viem clients are structurally viem clients.
    { publicClient: publicClient as any, walletClient: ownerWallet as any },
    { minStake: MIN_STAKE, unbondingDelay: 7n * 86400n, market: opts.market },
  );
  const market = await viem.getContractAt("ProofMarket", addrs.proofMarket);
  const registry = await viem.getContractAt("ProverRegistry", addrs.proverRegistry);
  const circuits = await viem.getContractAt("CircuitRegistry", addrs.circuitRegistry);
  const token = await viem.getContractAt("TestToken", addrs.stakeToken);
  const feeToken = await viem.deployContract("TestToken", ["Fee", "FEE"]);
  const r1csHash = opts.r1csHash ?? keccak256("0x01");
  const verifier = opts.decider
    ? await viem.deployContract(opts.decider)
    : await viem.deployContract("MockDeciderVerifier", [r1csHash, BigInt(s)]);
  const constraints = opts.constraints ?? 4096n;
  await circuits.write.registerCircuit([
    r1csHash,
    constraints,
    opts.nWitness ?? 100n,
    s,
    // A stand-in SRS record: its powers hash is the digest the test was given; the market's domain uses the
    // registry's digest of it (read back below as `srsDigest`). Its [τ]G2 is the decider's (the registry checks).
    { n: 1n, powersHash: opts.srsDigest ?? keccak256("0x02"), tauG2: await verifier.read.tauG2() },
    verifier.address,
    opts.deciderConstraints ?? 100_000n,
  ]);
  const circuitId = 1n;
  const requester = getAddress(wallets[1].account.address);
  const provers = wallets.slice(2, 2 + (opts.provers ?? 4)).map((w) => getAddress(w.account.address));
  const outsiders = wallets.slice(2 + provers.length).map((w) => getAddress(w.account.address));
  const stake = opts.stake ?? 1000n * E18;
  for (const p of provers) {
    await registry.write.register(["0x1220aa", opts.capacity ?? 1n << 20n, false], { account: p });
    await token.write.mint([p, stake * 10n]);
    await token.write.approve([registry.address, 2n ** 255n], { account: p });
    await token.write.approve([market.address, 2n ** 255n], { account: p });
    await registry.write.stake([stake], { account: p });
  }
  for (const a of [requester, ...outsiders]) {
    await feeToken.write.mint([a, 1_000_000n * E18]);
    await feeToken.write.approve([market.address, 2n ** 255n], { account: a });
    await token.write.mint([a, 1000n * E18]);
    await token.write.approve([market.address, 2n ** 255n], { account: a });
  }
  const { srsDigest } = await circuits.read.getCircuit([circuitId]);
  const params = { ...DEFAULT_MARKET_PARAMS, ...opts.market };
  return {
    srsDigest,
    conn,
    viem,
    networkHelpers,
    publicClient,
    wallets,
    addrs,
    market,
    registry,
    circuits,
    token,
    feeToken,
    verifier,
    circuitId,
    requester,
    provers,
    outsiders,
    s,
    params,
  };
}

export type Fixture = Awaited<ReturnType<typeof marketFixture>>;

/** The mock decider's "proof" of `U` (test/helpers/mockProof.ts). */
export function mockDeciderProof(U: RelaxedInstance): DeciderProofAbi {
  return mockProof(instanceAbiValue(U)) as DeciderProofAbi;
}

export const leafId = (k: number) => nodeId(k, k + 1);

/** A job with random instances, driven task by task by each task's assignee. */
export class RandomJob {
  readonly nodes = new Map<bigint, Node>();
  domain: Hex = "0x";
  jobId = 0n;

  constructor(
    readonly f: Fixture,
    readonly n: number,
    readonly states: bigint[][],
    readonly manifest: Manifest,
  ) {}

  static async request(
    f: Fixture,
    n: number,
    o: { fee?: bigint; eth?: boolean; requester?: Address; deadline?: bigint } = {},
  ): Promise<RandomJob> {
    const states = randomStates(n, f.s);
    const manifest = buildManifest(states);
    const job = new RandomJob(f, n, states, manifest);
    const fee = o.fee ?? 1000n * E18;
    const now = BigInt(await f.networkHelpers.time.latest());
    const deadline = o.deadline ?? now + 100n * 86400n;
    const hash = await f.market.write.requestProof(
      [f.circuitId, states[0], n, manifest.root, o.eth ? zeroAddress : f.feeToken.address, fee, deadline],
      { account: o.requester ?? f.requester, value: o.eth ? fee : 0n },
    );
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const [ev] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobRequested" });
    job.jobId = ev.args.jobId;
    job.domain = ev.args.domain;
    return job;
  }

  async assignee(taskId: bigint): Promise<Address> {
    return (await this.f.market.read.getTask([this.jobId, taskId])).worker;
  }

  leafArgs(k: number, leaf: Node = randomLeaf(this.states, k)) {
    return [this.jobId, BigInt(k), leaf.U.cmW, leaf.U.x, this.manifest.proof(k)] as const;
  }

  async submitLeaf(k: number, by?: Address, leaf: Node = randomLeaf(this.states, k)): Promise<Hex> {
    const account = by ?? (await this.assignee(leafId(k)));
    const hash = await this.f.market.write.submitLeaf(this.leafArgs(k, leaf), { account });
    this.nodes.set(leafId(k), leaf);
    return hash;
  }

  foldArgs(id: bigint, a: number, b: number, c: number) {
    const left = this.nodes.get(nodeId(a, b));
    const right = this.nodes.get(nodeId(b, c));
    if (!left || !right) throw new Error(`children of [${a}, ${c}) missing`);
    const { parent, cmT } = foldPair(this.domain, this.jobId, left, right);
    return { args: [this.jobId, id, nodeAbi(left), nodeAbi(right), cmT] as const, parent };
  }

  async submitFold(a: number, b: number, c: number, by?: Address): Promise<Hex> {
    const id = nodeId(a, c);
    const { args, parent } = this.foldArgs(id, a, b, c);
    const account = by ?? (await this.assignee(id));
    const hash = await this.f.market.write.submitFold(args, { account });
    this.nodes.set(id, parent);
    return hash;
  }

  root(): Node {
    const r = this.nodes.get(nodeId(0, this.n));
    if (!r) throw new Error("root missing");
    return r;
  }

  async submitDecision(by?: Address): Promise<Hex> {
    const root = this.root();
    const account = by ?? (await this.assignee(DECISION_TASK));
    return this.f.market.write.submitDecision([this.jobId, nodeAbi(root), mockDeciderProof(root.U)], { account });
  }

  /** Every leaf, fold and the decision, each by its assignee. */
  async runAll(): Promise<void> {
    for (let k = 0; k < this.n; k++) await this.submitLeaf(k);
    for (const { a, b, c } of foldOrder(this.n)) await this.submitFold(a, b, c);
    await this.submitDecision();
  }

  /** Task ids of the job: leaves, folds, decision. */
  taskIds(): bigint[] {
    return [
      ...Array.from({ length: this.n }, (_, k) => leafId(k)),
      ...foldOrder(this.n).map((f) => f.id),
      DECISION_TASK,
    ];
  }
}

export { instanceAbi, nodeAbi };

/** Asserts `p` rejects with the custom error `name` (matched in the message viem decodes). */
export async function revertsWith(p: Promise<unknown>, name: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    const msg = String((e as Error).message);
    if (!msg.includes(name)) throw new Error(`expected ${name}, got: ${msg.slice(0, 600)}`);
    return;
  }
  throw new Error(`expected revert ${name}, but it succeeded`);
}
