/**
 * `novanet submit <bundle>`: sends a private bundle (private/bundle.ts) to a market's `submitBundle`
 * (contracts/interfaces/IProofMarket.sol). The market folds the tree from `states = c_0..c_N` (the salted
 * commitments: `F̂` has state width 1), the leaf commitments and the cross terms, under its own domain
 * (its chain id and address, the circuit's registered R1CS hash and SRS digest), and checks the root with
 * the circuit's registered decider. The market must hold `F̂` as a registered circuit (docs/private.md
 * says how to register it); the calldata and the events carry only commitments and proofs.
 *
 * Before sending, this checks that the bundle targets this chain and market, that the circuit id's
 * registration is `F̂`'s (R1CS hash, state width 1, SRS digest), and that the registered verifier is of the
 * bundle's decider version (its `deciderVersion()`, read as the node reads it: 3 for `DeciderVerifierV3`,
 * 2 when the getter reverts) and, for v3, that its `vkeyHash()` is the key the bundle claims — so a mismatch
 * is a typed error, not a revert. (The claim only chooses the error message; the contract checks the proof.)
 */
import {
  type Account,
  type Address,
  type Chain,
  ContractFunctionRevertedError,
  getAddress,
  type Hex,
  keccak256,
  type PublicClient,
  parseEventLogs,
  type Transport,
  BaseError as ViemBaseError,
  type WalletClient,
} from "viem";
import type { R1csShape } from "../arith/r1cs.js";
import { CircuitRegistryAbi, ProofMarketAbi } from "../chain/abi.js";
import { type BundleData, bundleFoldsReachRoot, type ProposeResult, proposeBundle } from "../chain/bundles.js";
import { deciderVersionOf } from "../chain/market.js";
import { deciderProofMarketAbi } from "../decider/bundle.js";
import { type DevKeysKind, deciderV3Keys } from "../decider/bundleV3.js";
import { PrivateSubmitError } from "../errors/private.js";
import { domainSeparator } from "../folding/transcript.js";
import type { DeciderPins } from "../node/circuitFiles.js";
import type { PrivateBundle } from "./bundle.js";

const VKEY_HASH_ABI = [
  { type: "function", name: "vkeyHash", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] },
] as const;

/** The market's ABI that submitting a private bundle uses: the generated one (scripts/abis.ts), never a copy. */
export const PRIVATE_SUBMIT_ABI = ProofMarketAbi;

export type SubmitClients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

export type SubmitPrivateParameters = {
  bundle: PrivateBundle;
  market: Address;
  circuitId: bigint;
};

export type SubmitPrivateResult = { jobId: bigint; txHash: Hex; gasUsed: bigint; cN: bigint };

/** What `prove --private` must prove with for a registered private circuit: its decider version and, v3, which key. */
export type RegisteredPrivateDecider =
  | { version: 2 }
  | { version: 3; v3Kind: DevKeysKind; pins?: undefined; vkeyHash: Hex }
  /** With `deciderKey`: what that key must match (provePrivate's `deciderPins`). */
  | { version: 3; v3Kind?: undefined; pins: DeciderPins; vkeyHash: Hex };

/**
 * Reads circuit `circuitId` of `market`'s registry and picks the decider a private bundle for it must carry,
 * as the node does (node/work.ts): the registered verifier's `deciderVersion()` (2 when the getter reverts)
 * and, for v3, which of this machine's dev keys of `F̂` has the verifier's `vkeyHash()` (the `random` keys
 * `prove --private` makes, or the `beacon-only` keys `novanet circuit register` deploys).
 * With `opts.deciderKey` (a ceremony's key, checked by provePrivate) no local key is looked for: the
 * verifier's pins are returned for that check.
 * @throws {PrivateSubmitError} the circuit is not `F̂` (`shape`), or no local v3 key is the registered one.
 */
export async function registeredPrivateDecider(
  publicClient: PublicClient,
  market: Address,
  circuitId: bigint,
  shape: R1csShape,
  cacheDir: string,
  opts: { deciderKey?: string } = {},
): Promise<RegisteredPrivateDecider> {
  let decider: Address;
  let registeredCodehash: Hex;
  try {
    const registry = await publicClient.readContract({
      address: market,
      abi: PRIVATE_SUBMIT_ABI,
      functionName: "circuits",
    });
    const c = await publicClient.readContract({
      address: registry,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [circuitId],
    });
    if (c.r1csHash !== shape.r1csHash || c.stateWidth !== 1) {
      throw new PrivateSubmitError("the circuit id is not this circuit's private wrapper F^", {
        details: `registered r1csHash ${c.r1csHash} (state width ${c.stateWidth}); F^ ${shape.r1csHash}`,
      });
    }
    decider = c.decider;
    registeredCodehash = c.deciderCodehash;
  } catch (cause) {
    if (cause instanceof PrivateSubmitError) throw cause;
    throw new PrivateSubmitError("cannot read the circuit from the market's registry", {
      details: `circuit ${circuitId}: ${revertName(cause)}`,
      cause,
    });
  }
  const version = await deciderVersionOf(publicClient, decider);
  if (version === 2) return { version: 2 };
  if (version !== 3) {
    throw new PrivateSubmitError(`the circuit's verifier is decider v${version}, which this prover does not make`);
  }
  const vkeyHash = await publicClient.readContract({ address: decider, abi: VKEY_HASH_ABI, functionName: "vkeyHash" });
  if (opts.deciderKey !== undefined) {
    const code = await publicClient.getCode({ address: decider });
    return { version: 3, vkeyHash, pins: { vkeyHash, codehash: keccak256(code ?? "0x"), registeredCodehash } };
  }
  for (const kind of ["random", "beacon-only"] as const) {
    const k = await deciderV3Keys(shape, { cacheDir, kind });
    if (k.vkHash.toLowerCase() === vkeyHash.toLowerCase()) return { version: 3, v3Kind: kind, vkeyHash };
  }
  throw new PrivateSubmitError("none of this machine's v3 keys of F^ is the registered verifier's key", {
    details: `registered vkeyHash ${vkeyHash} (keys under ${cacheDir}/keys-v3/${shape.r1csHash}; a ceremony's key: --decider-key <file.g16k>)`,
  });
}

/** The `submitBundle` arguments of a private bundle (also what a leak test inspects). */
export function privateSubmitArgs(bundle: PrivateBundle, circuitId: bigint) {
  return [
    circuitId,
    bundle.commitments,
    bundle.leaves,
    bundle.folds.map((f) => f.cmT),
    deciderProofMarketAbi(bundle.proof),
  ] as const;
}

function revertName(err: unknown): string {
  if (err instanceof ViemBaseError) {
    const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (r instanceof ContractFunctionRevertedError) return r.data?.errorName ?? r.signature ?? r.shortMessage;
    return err.shortMessage;
  }
  return err instanceof Error ? err.message.split("\n")[0] : String(err);
}

/**
 * Submits `bundle` to `market` as circuit `circuitId`; returns the job id of the verified job.
 *
 * @throws {PrivateSubmitError} wrong chain or market, a circuit id that is not `F̂`, or a revert.
 * @example
 * const { jobId } = await submitPrivateBundle({ publicClient, walletClient },
 *   { bundle: readPrivateBundle("out/bundle"), market, circuitId: 2n });
 */
export async function submitPrivateBundle(
  clients: SubmitClients,
  params: SubmitPrivateParameters,
): Promise<SubmitPrivateResult> {
  const { publicClient, walletClient } = clients;
  const { bundle } = params;
  const market = await checkPrivateTarget(publicClient, params);
  const args = privateSubmitArgs(bundle, params.circuitId);
  let hash: Hex;
  try {
    const { request } = await publicClient.simulateContract({
      address: market,
      abi: PRIVATE_SUBMIT_ABI,
      functionName: "submitBundle",
      args,
      account: walletClient.account,
    });
    hash = await walletClient.writeContract(request);
  } catch (cause) {
    throw new PrivateSubmitError("the market rejected the bundle", { details: revertName(cause), cause });
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new PrivateSubmitError("submitBundle reverted", { details: hash });
  const [ev] = parseEventLogs({ abi: PRIVATE_SUBMIT_ABI, eventName: "JobVerified", logs: receipt.logs });
  if (!ev) throw new PrivateSubmitError("no JobVerified event in the receipt", { details: hash });
  return { jobId: ev.args.jobId, txHash: hash, gasUsed: receipt.gasUsed, cN: ev.args.zOut[0] };
}

/** The optimistic bundle data of a private bundle: the same words `submitBundle` publishes, plus its root. */
export function privateProposeData(bundle: PrivateBundle): BundleData {
  return {
    states: bundle.commitments,
    cmW: bundle.leaves,
    cmT: bundle.folds.map((f) => f.cmT),
    root: { cmW: bundle.root.cmW, cmE: bundle.root.cmE, u: bundle.root.u, x: bundle.root.x },
  };
}

/**
 * Proposes `bundle` to market v2's `proposeBundle` (optimistic: the decider proof is checked now, the folds
 * only if someone challenges within the window; `bondPerLeaf · N` wei ride with it, returned at
 * {@link finalizeBundle}). Before sending, the same checks as {@link submitPrivateBundle}, and a local
 * re-fold under the market's bundle transcript (transcript v2, `jobId = 0`): a bundle whose folds do not
 * give its root would be challenged and its bond lost, so it is refused here.
 *
 * @throws {PrivateSubmitError} wrong chain, market or circuit; folds that do not reach the root.
 * @throws {BundleError} the market reverted (`MarketDeciderRejected`, `MarketInvalidBond`, …).
 */
export async function proposePrivateBundle(
  clients: SubmitClients,
  params: SubmitPrivateParameters,
): Promise<ProposeResult & { cN: bigint }> {
  const market = await checkPrivateTarget(clients.publicClient, params);
  const data = privateProposeData(params.bundle);
  const b = params.bundle;
  const domain = domainSeparator({
    chainId: b.chainId,
    market,
    r1csHash: b.json.circuit.r1csHash,
    srsDigest: b.json.srs.digest,
  });
  if (!(await bundleFoldsReachRoot(data, domain))) {
    throw new PrivateSubmitError(
      "the bundle's folds do not give its root under the market's bundle transcript (v2): a challenge would take the bond",
      { details: "prove it for this market's optimistic mode, or submit it without --optimistic" },
    );
  }
  const r = await proposeBundle(clients, market, params.circuitId, data, deciderProofMarketAbi(params.bundle.proof));
  return { ...r, cN: params.bundle.commitments[params.bundle.N] };
}

/**
 * The checks before sending a private bundle: this chain and market, the circuit id registered as `F̂`, its
 * verifier of the bundle's decider version and key, its SRS. Returns the market's checksummed address.
 */
async function checkPrivateTarget(publicClient: PublicClient, params: SubmitPrivateParameters): Promise<Address> {
  const { bundle } = params;
  const market = getAddress(params.market);
  const chainId = BigInt(await publicClient.getChainId());
  if (bundle.chainId !== chainId || getAddress(bundle.market) !== market) {
    throw new PrivateSubmitError("the bundle was proved for another market (prove with --chain-id and --market)", {
      details: `bundle: chain ${bundle.chainId} market ${bundle.market}; here: chain ${chainId} market ${market}`,
    });
  }
  let registry: Address;
  let circuit: { r1csHash: Hex; srsDigest: Hex; stateWidth: number; decider: Address };
  try {
    registry = await publicClient.readContract({ address: market, abi: PRIVATE_SUBMIT_ABI, functionName: "circuits" });
    circuit = await publicClient.readContract({
      address: registry,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [params.circuitId],
    });
  } catch (cause) {
    throw new PrivateSubmitError("cannot read the circuit from the market's registry", {
      details: `circuit ${params.circuitId}: ${revertName(cause)}`,
      cause,
    });
  }
  if (circuit.r1csHash !== bundle.json.circuit.r1csHash || circuit.stateWidth !== 1) {
    throw new PrivateSubmitError("the circuit id is not this bundle's private circuit F^", {
      details: `registered r1csHash ${circuit.r1csHash} (state width ${circuit.stateWidth}); bundle F^ ${bundle.json.circuit.r1csHash}`,
    });
  }
  // The registered decider's version (and, v3, its key) against the bundle's proof.
  let version: number;
  let vkeyHash: Hex | undefined;
  try {
    version = await deciderVersionOf(publicClient, circuit.decider);
    if (version === 3) {
      vkeyHash = await publicClient.readContract({
        address: circuit.decider,
        abi: VKEY_HASH_ABI,
        functionName: "vkeyHash",
      });
    }
  } catch (cause) {
    throw new PrivateSubmitError("cannot read the circuit's decider verifier", {
      details: `${circuit.decider}: ${revertName(cause)}`,
      cause,
    });
  }
  if (version !== bundle.proof.version) {
    throw new PrivateSubmitError(
      `the circuit's registered verifier is decider v${version}, the bundle carries a v${bundle.proof.version} proof (prove again with --decider v${version})`,
      { details: `circuit ${params.circuitId}, verifier ${circuit.decider}` },
    );
  }
  const claimed = (bundle.json.decider as { keys?: { vkHash?: unknown } }).keys?.vkHash;
  if (vkeyHash !== undefined && typeof claimed === "string" && claimed.toLowerCase() !== vkeyHash.toLowerCase()) {
    throw new PrivateSubmitError("the bundle's decider key is not the registered verifier's key", {
      details: `registered vkeyHash ${vkeyHash}, bundle claims ${claimed}`,
    });
  }
  if (circuit.srsDigest !== bundle.json.srs.digest) {
    throw new PrivateSubmitError("the circuit is registered with another SRS", {
      details: `registered ${circuit.srsDigest}, bundle ${bundle.json.srs.digest}`,
    });
  }
  return market;
}
