/**
 * Optimistic bundles on market v2 (contracts/interfaces/IMarket.sol, docs/protocol.md §4): the client of
 * `proposeBundle` (the decider proof of the posted root is verified, the folds are not; a bond of
 * `bondPerLeaf · N` wei rides with it), `challengeBundle` (anyone, within the window: the market re-executes
 * the folds and, when they do not give the posted root, voids the job and credits the bond to the
 * challenger), `finalizeBundle` (anyone, after the window: Verified, bond back), the reads `bundleParams`
 * and `bundleOf`, and the `BundleProposed` log, which carries the whole {@link BundleData} a challenger needs.
 *
 * Every revert of these calls is a {@link BundleError} whose `reason` names the market's error (one line,
 * with the error's arguments as details); a failed RPC call is a {@link ChainError}.
 */
import {
  type Account,
  type Address,
  type Chain,
  ContractFunctionRevertedError,
  encodeAbiParameters,
  type Hex,
  keccak256,
  type Log,
  type PublicClient,
  parseEventLogs,
  type Transport,
  BaseError as ViemBaseError,
  type WalletClient,
} from "viem";
import { BundleError, ChainError } from "../errors/node.js";
import { foldChallengeFor, foldInstances } from "../folding/nifs.js";
import { foldDepthFirst } from "../tree/shape.js";
import { MarketAbi } from "./abi.js";

type G1 = { x: bigint; y: bigint };

/** `IMarketTypes.BundleData`: `z_0..z_N` (flat, `(N+1)·s` words), the leaves' `cmW`, the cross terms in post-order, the root. */
export type BundleData = {
  states: readonly bigint[];
  cmW: readonly G1[];
  cmT: readonly G1[];
  root: { cmW: G1; cmE: G1; u: bigint; x: readonly bigint[] };
};

/** A `BundleProposed` log, decoded. */
export type BundleProposal = {
  jobId: bigint;
  proposer: Address;
  circuitId: bigint;
  nLeaves: number;
  /** Chain time (s) until which `challengeBundle` is accepted (inclusive). */
  challengeEnd: bigint;
  bond: bigint;
  dataHash: Hex;
  data: BundleData;
  block: bigint;
  txHash: Hex;
};

/** The market's errors of the optimistic path, and what each means (one line). */
export const BUNDLE_REVERTS = {
  MarketInvalidBond: "the value sent is not the bond (bondPerLeaf · N wei)",
  MarketNotProposed: "the job is not a proposed bundle",
  MarketChallengeClosed: "the challenge window has closed",
  MarketChallengeOpen: "the challenge window is still open",
  MarketBundleDataMismatch: "the data is not what was proposed",
  MarketBundleValid: "the bundle's folds give its root: nothing to challenge",
  MarketDeciderRejected: "the decider verifier rejected the root's proof",
  MarketInvalidBatch: "the bundle's arrays have inconsistent lengths, or it has too many leaves for one challenge",
  MarketScalarNotInField: "a state is not in the scalar field",
  MarketUnknownJob: "no such job",
} as const;
export type BundleRevert = keyof typeof BUNDLE_REVERTS;

/** The revert of a failed contract call: its error name and arguments, or undefined when it did not revert. */
export function revertOf(err: unknown): { name: string; args: readonly unknown[] } | undefined {
  if (!(err instanceof ViemBaseError)) return undefined;
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(r instanceof ContractFunctionRevertedError)) return undefined;
  return { name: r.data?.errorName ?? r.reason ?? r.signature ?? "revert", args: r.data?.args ?? [] };
}

/**
 * The typed error of a failed `fn`: a {@link BundleError} naming the market's revert, or a {@link ChainError}
 * when the call did not revert (the RPC failed).
 */
export function bundleCallError(fn: string, err: unknown): BundleError | ChainError {
  const r = revertOf(err);
  if (!r) {
    const msg = err instanceof ViemBaseError ? err.shortMessage : err instanceof Error ? err.message : String(err);
    return new ChainError(`${fn}: the RPC call failed`, { details: msg.split("\n")[0], cause: err });
  }
  const known = (BUNDLE_REVERTS as Record<string, string>)[r.name];
  return new BundleError(`${fn}: ${known ?? "the market reverted"}`, {
    reason: r.name,
    details: `${r.name}(${r.args.map(String).join(", ")})`,
    cause: err,
  });
}

const BUNDLE_DATA_PARAM = (() => {
  const fn = MarketAbi.find((x) => x.type === "function" && x.name === "challengeBundle");
  if (fn?.type !== "function") throw new Error("Market ABI without challengeBundle");
  return fn.inputs[1];
})();

/** `keccak256(abi.encode(data))`: what `proposeBundle` stores and `challengeBundle` checks. */
export function bundleDataHash(data: BundleData): Hex {
  return keccak256(encodeAbiParameters([BUNDLE_DATA_PARAM], [data as never]));
}

/** The market's ABI value of `data` (fresh arrays: viem wants mutable ones). */
function abiData(data: BundleData) {
  return {
    states: [...data.states],
    cmW: data.cmW.map((p) => ({ x: p.x, y: p.y })),
    cmT: data.cmT.map((p) => ({ x: p.x, y: p.y })),
    root: { cmW: data.root.cmW, cmE: data.root.cmE, u: data.root.u, x: [...data.root.x] },
  };
}

/** The challenge window (s) and bond per leaf (wei) that `proposeBundle` applies now. */
export async function bundleParams(
  pub: PublicClient,
  market: Address,
): Promise<{ challengeWindow: bigint; bondPerLeaf: bigint }> {
  try {
    const [w, b] = await pub.readContract({ address: market, abi: MarketAbi, functionName: "bundleParams" });
    return { challengeWindow: BigInt(w), bondPerLeaf: BigInt(b) };
  } catch (e) {
    throw bundleCallError("bundleParams", e);
  }
}

/** A proposed bundle's record: its data hash, `keccak256(abi.encode(z_N))` and its bond (zeros when none). */
export async function bundleOf(
  pub: PublicClient,
  market: Address,
  jobId: bigint,
): Promise<{ dataHash: Hex; zNHash: Hex; bond: bigint }> {
  try {
    const [dataHash, zNHash, bond] = await pub.readContract({
      address: market,
      abi: MarketAbi,
      functionName: "bundleOf",
      args: [jobId],
    });
    return { dataHash, zNHash, bond };
  } catch (e) {
    throw bundleCallError("bundleOf", e);
  }
}

/** The `BundleProposed` logs among `logs`, decoded. */
export function parseBundleProposed(logs: Log[]): BundleProposal[] {
  return parseEventLogs({ abi: MarketAbi, eventName: "BundleProposed", logs, strict: false }).flatMap((l) => {
    const a = l.args;
    if (a.jobId === undefined || a.data === undefined) return [];
    return [
      {
        jobId: a.jobId,
        proposer: a.proposer as Address,
        circuitId: a.circuitId as bigint,
        nLeaves: Number(a.nLeaves),
        challengeEnd: BigInt(a.challengeEnd as bigint),
        bond: a.bond as bigint,
        dataHash: a.dataHash as Hex,
        data: abiData(a.data as BundleData),
        block: l.blockNumber ?? 0n,
        txHash: l.transactionHash as Hex,
      },
    ];
  });
}

/**
 * The proposal of job `jobId`, read from its `BundleProposed` log (searched from `fromBlock`, default 0).
 * @throws {BundleError} reason `MarketNotProposed` when no such log exists.
 */
export async function proposalOf(
  pub: PublicClient,
  market: Address,
  jobId: bigint,
  fromBlock = 0n,
): Promise<BundleProposal> {
  const ev = MarketAbi.find((x) => x.type === "event" && x.name === "BundleProposed");
  let logs: Log[];
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the ABI item found above, filtered on its indexed jobId.
    logs = await pub.getLogs({ address: market, event: ev, args: { jobId }, fromBlock, toBlock: "latest" } as any);
  } catch (e) {
    throw bundleCallError("getLogs(BundleProposed)", e);
  }
  const [p] = parseBundleProposed(logs).filter((x) => x.jobId === jobId);
  if (!p)
    throw new BundleError("no BundleProposed log for this job", {
      reason: "MarketNotProposed",
      details: `job ${jobId}`,
    });
  return p;
}

/** `z_N` of a proposal: the last `s` words of its states (`s = states / (N + 1)`). */
export function proposalZN(p: { nLeaves: number; data: BundleData }): bigint[] {
  const s = p.data.states.length / (p.nLeaves + 1);
  return p.data.states.slice(p.nLeaves * s);
}

export type BundleClients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

/** Simulates `fn`, sends it, waits for its receipt; any revert is a {@link BundleError}. */
async function sendBundleCall(
  c: BundleClients,
  market: Address,
  fn: "proposeBundle" | "challengeBundle" | "finalizeBundle",
  args: readonly unknown[],
  value?: bigint,
) {
  let hash: Hex;
  try {
    const { request } = await c.publicClient.simulateContract({
      address: market,
      abi: MarketAbi,
      functionName: fn,
      args,
      value,
      account: c.walletClient.account,
      // biome-ignore lint/suspicious/noExplicitAny: one path for three functions.
    } as any);
    // biome-ignore lint/suspicious/noExplicitAny: the simulated request.
    hash = await c.walletClient.writeContract(request as any);
  } catch (e) {
    throw bundleCallError(fn, e);
  }
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new BundleError(`${fn} reverted`, { reason: "reverted", details: hash });
  return receipt;
}

export type ProposeResult = { jobId: bigint; txHash: Hex; gasUsed: bigint; bond: bigint; challengeEnd: bigint };

/**
 * Proposes `data` with the decider proof of `data.root` as circuit `circuitId`, sending the bond the market
 * asks now (`bundleParams().bondPerLeaf · N`).
 * @throws {BundleError} a revert (e.g. `MarketDeciderRejected`, `MarketInvalidBond`).
 */
export async function proposeBundle(
  c: BundleClients,
  market: Address,
  circuitId: bigint,
  data: BundleData,
  proof: unknown,
): Promise<ProposeResult> {
  const { bondPerLeaf } = await bundleParams(c.publicClient, market);
  const bond = bondPerLeaf * BigInt(data.cmW.length);
  const receipt = await sendBundleCall(c, market, "proposeBundle", [circuitId, abiData(data), proof], bond);
  const [p] = parseBundleProposed(receipt.logs);
  if (!p)
    throw new BundleError("no BundleProposed log in the receipt", {
      reason: "reverted",
      details: receipt.transactionHash,
    });
  return {
    jobId: p.jobId,
    txHash: receipt.transactionHash,
    gasUsed: receipt.gasUsed,
    bond: p.bond,
    challengeEnd: p.challengeEnd,
  };
}

/** Challenges proposed bundle `jobId` with its posted `data`; returns the transaction and the bond won. */
export async function challengeBundle(c: BundleClients, market: Address, jobId: bigint, data: BundleData) {
  const receipt = await sendBundleCall(c, market, "challengeBundle", [jobId, abiData(data)]);
  const [ev] = parseEventLogs({ abi: MarketAbi, eventName: "BundleChallenged", logs: receipt.logs });
  return { txHash: receipt.transactionHash, gasUsed: receipt.gasUsed, bond: ev?.args.bond ?? 0n };
}

/**
 * Finalizes proposed bundle `jobId` after its window; `zN` defaults to the proposal's (read from its
 * `BundleProposed` log). Returns the transaction and the bond returned to the proposer.
 */
export async function finalizeBundle(c: BundleClients, market: Address, jobId: bigint, zN?: readonly bigint[]) {
  const z = zN ?? proposalZN(await proposalOf(c.publicClient, market, jobId));
  const receipt = await sendBundleCall(c, market, "finalizeBundle", [jobId, [...z]]);
  const [ev] = parseEventLogs({ abi: MarketAbi, eventName: "BundleFinalized", logs: receipt.logs });
  return {
    txHash: receipt.transactionHash,
    gasUsed: receipt.gasUsed,
    bond: ev?.args.bond ?? 0n,
    proposer: ev?.args.proposer,
  };
}

/**
 * An `eth_call` of `challengeBundle(jobId, data)` from `account`: `fraud` when it would succeed (the folds do
 * not give the posted root, or a point is invalid), with its gas estimate; otherwise the market's revert
 * (`MarketBundleValid` for an honest bundle; `MarketNotProposed` once challenged or finalized;
 * `MarketChallengeClosed` after the window).
 * @throws {ChainError} the RPC call failed (neither a success nor a revert: retry later).
 */
export async function simulateChallenge(
  pub: PublicClient,
  market: Address,
  account: Address | Account,
  jobId: bigint,
  data: BundleData,
): Promise<{ fraud: true; gas: bigint } | { fraud: false; reason: string }> {
  const call = {
    address: market,
    abi: MarketAbi,
    functionName: "challengeBundle",
    args: [jobId, abiData(data)],
    account,
  } as const;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: viem's overloads for a const call object.
    await pub.simulateContract(call as any);
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    const gas = await pub.estimateContractGas(call as any);
    return { fraud: true, gas };
  } catch (e) {
    const err = bundleCallError("challengeBundle", e);
    if (err instanceof BundleError) return { fraud: false, reason: err.reason };
    throw err;
  }
}

/**
 * The root the market's re-execution gives for `data`'s states, leaves and cross terms (`challengeBundle`,
 * `submitBundle`): leaf `k` is `(cmW_k, 0, 1, (z_{k+1}, z_k))`, the cross terms in post-order, transcript v2
 * over all `N` leaves with `jobId = 0`, under the circuit's fold `domain`.
 */
export async function bundleRoot(data: Omit<BundleData, "root">, domain: Hex): Promise<BundleData["root"]> {
  const n = data.cmW.length;
  if (n === 0 || data.cmT.length !== n - 1 || data.states.length % (n + 1) !== 0)
    throw new BundleError("the bundle's arrays have inconsistent lengths", {
      reason: "MarketInvalidBatch",
      details: `${data.states.length} states, ${n} leaves, ${data.cmT.length} cross terms`,
    });
  const s = data.states.length / (n + 1);
  const z = (k: number) => data.states.slice(k * s, (k + 1) * s);
  const ctx = { domain, jobId: 0n, v2Leaves: n };
  type Tagged = { U: { cmW: G1; cmE: G1; u: bigint; x: bigint[] }; tag?: Hex };
  let t = 0;
  const root = await foldDepthFirst<Tagged>(
    0,
    n,
    (k) => ({ U: { cmW: data.cmW[k], cmE: { x: 0n, y: 0n }, u: 1n, x: [...z(k + 1), ...z(k)] } }),
    (L, R, step) => {
      const T = data.cmT[t++];
      const { r, tag } = foldChallengeFor(ctx, step.id, L, R, T);
      return { U: foldInstances(L.U, R.U, T, r), tag };
    },
  );
  return { cmW: root.U.cmW, cmE: root.U.cmE, u: root.U.u, x: [...root.U.x] };
}

/**
 * Whether the folds of `data` give `data.root` as the market re-executes them ({@link bundleRoot}). A proposer
 * checks this before risking its bond; it is what a challenge decides (short of the points' curve checks).
 */
export async function bundleFoldsReachRoot(data: BundleData, domain: Hex): Promise<boolean> {
  let a: BundleData["root"];
  try {
    a = await bundleRoot(data, domain);
  } catch (e) {
    if (e instanceof BundleError) return false;
    throw e;
  }
  const b = data.root;
  return (
    a.cmW.x === b.cmW.x &&
    a.cmW.y === b.cmW.y &&
    a.cmE.x === b.cmE.x &&
    a.cmE.y === b.cmE.y &&
    a.u === b.u &&
    a.x.length === b.x.length &&
    a.x.every((v, i) => v === b.x[i])
  );
}
