/**
 * Test helper: drives a real NovaNet network on a chain, for the indexer's end-to-end test.
 *
 * Phase 1 ({@link runJobScenario}): deploy (scripts/deploy.ts), four provers register and stake, the cubic
 * circuit is registered with its real decider verifier, a job of 5 leaves is requested and paid in ETH;
 * every leaf, fold and the decision are computed by the prover's code and submitted by the assigned
 * provers, except one leaf that its assignee lets expire: another prover reclaims it (the late assignee
 * is slashed its liveness bond) and submits it. Rewards are released and claimed.
 *
 * Phase 2 ({@link runLaterEvents}, after the indexer restarted): a fifth prover registers and stakes; a
 * second job is requested, one of its leaves submitted, disputed and left unanswered, so the submitter is
 * slashed and the node reset; the job is cancelled (refund); a prover unstakes and withdraws.
 */
import assert from "node:assert/strict";
import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import { type Address, type Hex, parseEther, zeroAddress } from "viem";
import { deployNovaNet, type NovaNetAddresses } from "../../../scripts/deploy.js";
import { type Circuit, decide, type JobMaterial, jobMaterial, nodeArg } from "./job-material.js";
import type { RpcNode } from "./rpc-node.js";

type Connection = RpcNode["connection"];
type Wallet = Awaited<ReturnType<Connection["viem"]["getWalletClients"]>>[number];

import { DECISION_TASK } from "../../../prover/src/tree/shape.js";

export { DECISION_TASK };
export const WEIGHTS = { leaf: 2n, fold: 3n, decision: 1n };
export const STAKES = [parseEther("200"), parseEther("300"), parseEther("400"), parseEther("500")];
export const FEE = parseEther("1");
export const N_LEAVES = 5;
export const Z0 = [3n];

export type Network = {
  connection: Connection;
  addresses: NovaNetAddresses;
  wallets: Wallet[];
  owner: Wallet;
  requester: Wallet;
  provers: Wallet[];
  circuit: Circuit;
  circuitId: bigint;
  market: (wallet: Wallet) => Promise<ContractReturnType<"ProofMarket">>;
  registry: (wallet: Wallet) => Promise<ContractReturnType<"ProverRegistry">>;
  token: (wallet: Wallet) => Promise<ContractReturnType<"TestToken">>;
  wait: (hash: Hex) => Promise<void>;
};

export type JobRun = {
  jobId: bigint;
  material: JobMaterial;
  /** The leaf left to expire, its late assignee, the prover who reclaimed it and the bond it lost. */
  reclaim: { taskId: bigint; previous: Address; reclaimer: Address; bond: bigint };
  /** Final worker of every task (2N), by task id. */
  workers: Map<bigint, Address>;
};

export type LaterRun = {
  newProver: Address;
  jobId: bigint;
  disputedLeaf: bigint;
  submitter: Address;
  challenger: Address;
  slashed: bigint;
  unstaker: Address;
  /** Job 3: leaf 0 disputed and answered with a decider proof, leaf 1 submitted late, then expired. */
  answered: { jobId: bigint; submitter: Address; challenger: Address; lateLeaf: bigint; root: bigint };
  /** Job 4: a private (bundle) job of 4 leaves posted whole by the requester. */
  bundle: { jobId: bigint; zN: bigint[] };
};

const lower = (address: string) => address.toLowerCase() as Address;

/** Deploys the contracts and registers the provers and the circuit. */
export async function setUpNetwork(connection: Connection, circuit: Circuit): Promise<Network> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [owner, requester, ...rest] = wallets;
  const provers = rest.slice(0, 4);
  const addresses = await deployNovaNet(
    { publicClient: publicClient as never, walletClient: owner! as never },
    { weights: WEIGHTS },
  );
  const wait = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `transaction ${hash} reverted`);
  };
  const at =
    <Name extends "ProofMarket" | "ProverRegistry" | "TestToken" | "CircuitRegistry" | "TestOnlyCubicDeciderVerifier">(
      name: Name,
      address: Address,
    ) =>
    (wallet: Wallet) =>
      viem.getContractAt(name, address, { client: { public: publicClient, wallet } }) as Promise<
        ContractReturnType<Name>
      >;
  const network: Network = {
    connection,
    addresses,
    wallets,
    owner: owner!,
    requester: requester!,
    provers,
    circuit,
    circuitId: 0n,
    market: at("ProofMarket", addresses.proofMarket),
    registry: at("ProverRegistry", addresses.proverRegistry),
    token: at("TestToken", addresses.stakeToken),
    wait,
  };
  for (const [i, wallet] of provers.entries()) {
    await registerAndStake(network, wallet, STAKES[i]!, i % 2 === 0);
  }
  const verifier = await viem.deployContract("TestOnlyCubicDeciderVerifier", [], { client: { wallet: owner! } });
  const circuits = await at("CircuitRegistry", addresses.circuitRegistry)(owner!);
  const { shape, keys } = circuit;
  const hash = await circuits.write.registerCircuit([
    shape.r1csHash as Hex,
    BigInt(shape.m),
    BigInt(shape.nW),
    shape.s,
    { n: 1n, powersHash: circuit.srsDigest, tauG2: [0n, 0n, 0n, 0n] },
    verifier.address,
    BigInt(keys.layout.nConstraints),
  ]);
  await wait(hash);
  const events = await circuits.getEvents.CircuitRegistered({}, { fromBlock: 0n });
  network.circuitId = events[events.length - 1]!.args.circuitId!;
  return network;
}

async function registerAndStake(network: Network, wallet: Wallet, amount: bigint, gpu: boolean) {
  const token = await network.token(wallet);
  const registry = await network.registry(wallet);
  const me = wallet.account.address;
  await network.wait(await token.write.mint([me, amount * 2n]));
  await network.wait(await token.write.approve([network.addresses.proverRegistry, amount * 2n]));
  // A libp2p-style peer id: the multihash prefix 0x0024 and 36 bytes derived from the address.
  const peerId = `0x0024080112${me.slice(2).toLowerCase()}${"ab".repeat(11)}` as Hex;
  await network.wait(await registry.write.register([peerId, 1n << 20n, gpu]));
  await network.wait(await registry.write.stake([amount]));
}

async function worker(network: Network, jobId: bigint, taskId: bigint): Promise<Address> {
  const market = await network.market(network.owner);
  const task = await market.read.getTask([jobId, taskId]);
  return lower(task.worker);
}

function walletOf(network: Network, address: Address): Wallet {
  const wallet = network.wallets.find((w) => lower(w.account.address) === lower(address));
  assert.ok(wallet, `no wallet for ${address}`);
  return wallet;
}

async function requestJob(network: Network, n: number): Promise<{ jobId: bigint; material: JobMaterial }> {
  const { connection } = network;
  const market = await network.market(network.requester);
  const publicClient = await connection.viem.getPublicClient();
  const jobId = (await market.read.jobCount()) + 1n;
  const material = await jobMaterial(network.circuit, {
    chainId: BigInt(await publicClient.getChainId()),
    market: network.addresses.proofMarket,
    jobId,
    z0: Z0,
    n,
  });
  const params = await market.read.params();
  const now = (await publicClient.getBlock()).timestamp;
  const deadline = now + params.taskWindow * 20n;
  await network.wait(
    await market.write.requestProof([network.circuitId, Z0, n, material.manifest.root, zeroAddress, FEE, deadline], {
      value: FEE,
    }),
  );
  const job = await market.read.getJob([jobId]);
  assert.equal(job.domain, material.domain, "the market's domain separator is the prover's");
  return { jobId, material };
}

async function submitLeaf(network: Network, jobId: bigint, material: JobMaterial, k: number, by: Address) {
  const market = await network.market(walletOf(network, by));
  const leaf = material.leaves[k]!;
  await network.wait(
    await market.write.submitLeaf([
      jobId,
      BigInt(k),
      { x: leaf.node.U.cmW.x, y: leaf.node.U.cmW.y },
      leaf.node.U.x,
      material.manifest.proof(k),
    ]),
  );
}

/** Phase 1: one job of N_LEAVES proven end to end, with a reclaim, then rewards released and claimed. */
export async function runJobScenario(network: Network): Promise<JobRun> {
  const { connection } = network;
  const { jobId, material } = await requestJob(network, N_LEAVES);
  const leafId = (k: number) => (BigInt(k) << 128n) | BigInt(k + 1);
  const late = 2;
  const previous = await worker(network, jobId, leafId(late));
  for (let k = 0; k < N_LEAVES; k++) {
    if (k !== late) await submitLeaf(network, jobId, material, k, await worker(network, jobId, leafId(k)));
  }
  // The late assignee never submits: past its deadline another staked prover takes the leaf over.
  const market = await network.market(network.owner);
  const params = await market.read.params();
  await connection.networkHelpers.time.increase(params.taskWindow + 1n);
  const reclaimer = lower(network.provers.map((w) => w.account.address).find((a) => lower(a) !== previous)!);
  const stakeBefore = (await (await network.registry(network.owner)).read.proverInfo([previous])).stake;
  await network.wait(await (await network.market(walletOf(network, reclaimer))).write.reclaim([jobId, leafId(late)]));
  const stakeAfter = (await (await network.registry(network.owner)).read.proverInfo([previous])).stake;
  assert.equal(await worker(network, jobId, leafId(late)), reclaimer);
  await submitLeaf(network, jobId, material, late, reclaimer);
  for (const fold of material.folds) {
    const by = await worker(network, jobId, fold.nodeId);
    await network.wait(
      await (await network.market(walletOf(network, by))).write.submitFold([
        jobId,
        fold.nodeId,
        nodeArg(fold.left),
        nodeArg(fold.right),
        fold.cmT,
      ]),
    );
  }
  const proof = await decide(network.circuit, material.root);
  const decider = await worker(network, jobId, DECISION_TASK);
  await network.wait(
    await (await network.market(walletOf(network, decider))).write.submitDecision([
      jobId,
      nodeArg(material.root),
      proof,
    ]),
  );
  const taskIds = [...material.leaves.map((_, k) => leafId(k)), ...material.folds.map((f) => f.nodeId), DECISION_TASK];
  const workers = new Map<bigint, Address>();
  for (const id of taskIds) workers.set(id, await worker(network, jobId, id));
  await network.wait(await (await network.market(network.requester)).write.release([jobId, taskIds]));
  for (const account of new Set([...workers.values(), lower(network.requester.account.address)])) {
    const wallet = walletOf(network, account);
    const m = await network.market(wallet);
    if ((await m.read.claimable([account, zeroAddress])) > 0n) await network.wait(await m.write.claim([zeroAddress]));
  }
  return {
    jobId,
    material,
    reclaim: { taskId: leafId(late), previous, reclaimer, bond: stakeBefore - stakeAfter },
    workers,
  };
}

/** Phase 2: new events while the indexer was down or after it resumed (see the file comment). */
export async function runLaterEvents(network: Network): Promise<LaterRun> {
  const { connection } = network;
  const newcomer = network.wallets[6]!;
  await registerAndStake(network, newcomer, parseEther("250"), true);
  const { jobId, material } = await requestJob(network, 2);
  const leaf0 = (0n << 128n) | 1n;
  const submitter = await worker(network, jobId, leaf0);
  await submitLeaf(network, jobId, material, 0, submitter);
  const challengerWallet = network.provers.find((w) => lower(w.account.address) !== submitter)!;
  const challenger = lower(challengerWallet.account.address);
  const market = await network.market(challengerWallet);
  const params = await market.read.params();
  await network.wait(await (await network.token(challengerWallet)).write.mint([challenger, params.disputeBond]));
  await network.wait(
    await (await network.token(challengerWallet)).write.approve([network.addresses.proofMarket, params.disputeBond]),
  );
  await network.wait(await market.write.dispute([jobId, leaf0]));
  await connection.networkHelpers.time.increase(params.disputeWindow + 1n);
  const before = (await (await network.registry(network.owner)).read.proverInfo([submitter])).stake;
  await network.wait(await market.write.resolveDispute([jobId, leaf0]));
  const after = (await (await network.registry(network.owner)).read.proverInfo([submitter])).stake;
  await network.wait(await (await network.market(network.requester)).write.cancel([jobId]));
  const answered = await disputeAnsweredThenExpire(network);
  const bundle = await submitBundleJob(network, 4);
  // The newcomer changes its capacity.
  const peerId = `0x0024080112${newcomer.account.address.slice(2).toLowerCase()}${"cd".repeat(11)}` as Hex;
  await network.wait(await (await network.registry(newcomer)).write.update([peerId, 1n << 22n, false]));
  // A prover leaves: unstake, wait out the unbonding delay, withdraw.
  const unstaker = network.provers[3]!;
  const registry = await network.registry(unstaker);
  await network.wait(await registry.write.requestUnstake([parseEther("100")]));
  await connection.networkHelpers.time.increase((await registry.read.unbondingDelay()) + 1n);
  await network.wait(await registry.write.withdraw());
  return {
    newProver: lower(newcomer.account.address),
    jobId,
    disputedLeaf: leaf0,
    submitter,
    challenger,
    slashed: before - after,
    unstaker: lower(unstaker.account.address),
    answered,
    bundle,
  };
}

/** Local (private) mode: the requester folds the whole tree itself (job id 0 in the challenges) and posts it
 *  with the decision in one transaction. */
async function submitBundleJob(network: Network, n: number): Promise<LaterRun["bundle"]> {
  const market = await network.market(network.requester);
  const publicClient = await network.connection.viem.getPublicClient();
  const material = await jobMaterial(network.circuit, {
    chainId: BigInt(await publicClient.getChainId()),
    market: network.addresses.proofMarket,
    jobId: 0n,
    z0: Z0,
    n,
  });
  const proof = await decide(network.circuit, material.root);
  const jobId = (await market.read.jobCount()) + 1n;
  await network.wait(
    await market.write.submitBundle([
      network.circuitId,
      material.states.flat(),
      material.leaves.map((leaf) => ({ x: leaf.node.U.cmW.x, y: leaf.node.U.cmW.y })),
      material.folds.map((fold) => fold.cmT),
      proof,
    ]),
  );
  return { jobId, zN: material.states[n]! };
}

/** Job 3 (two leaves): leaf 0 is disputed and answered with a real decider proof of the leaf; leaf 1 is
 *  submitted after its deadline (the root's deadline is extended); the job expires unverified and the two
 *  done leaves' rewards are released. */
async function disputeAnsweredThenExpire(network: Network): Promise<LaterRun["answered"]> {
  const { connection } = network;
  const { jobId, material } = await requestJob(network, 2);
  const leafId = (k: number) => (BigInt(k) << 128n) | BigInt(k + 1);
  const submitter = await worker(network, jobId, leafId(0));
  await submitLeaf(network, jobId, material, 0, submitter);
  const challengerWallet = network.provers.find((w) => lower(w.account.address) !== submitter)!;
  const challenger = lower(challengerWallet.account.address);
  const market = await network.market(challengerWallet);
  const params = await market.read.params();
  const token = await network.token(challengerWallet);
  await network.wait(await token.write.mint([challenger, params.disputeBond]));
  await network.wait(await token.write.approve([network.addresses.proofMarket, params.disputeBond]));
  await network.wait(await market.write.dispute([jobId, leafId(0)]));
  const proof = await decide(network.circuit, material.leaves[0]!);
  await network.wait(
    await (await network.market(walletOf(network, submitter))).write.answerDispute([
      jobId,
      leafId(0),
      nodeArg(material.leaves[0]!),
      proof,
    ]),
  );
  await connection.networkHelpers.time.increase(params.taskWindow + 1n);
  await submitLeaf(network, jobId, material, 1, await worker(network, jobId, leafId(1)));
  const job = await market.read.getJob([jobId]);
  const now = (await (await connection.viem.getPublicClient()).getBlock()).timestamp;
  await connection.networkHelpers.time.increase(job.deadline - now + 1n);
  await network.wait(await market.write.expire([jobId]));
  await network.wait(await market.write.release([jobId, [leafId(0), leafId(1)]]));
  return { jobId, submitter, challenger, lateLeaf: leafId(1), root: 2n };
}
