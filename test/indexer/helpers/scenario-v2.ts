/**
 * Test helper: the market v2 scenario the indexer's end-to-end test indexes. The contracts are deployed from
 * the Hardhat artifacts (stake token, ProverRegistry, CircuitRegistry, the Chunks library,
 * MarketExtension and the Market facade), four provers register and stake, the `cubic` circuit is registered with its real
 * TestOnlyCubicDeciderVerifier, and one job of N_LEAVES = 5 leaves cut into chunks of 2 (chunks [0,2) [2,4) [4,5),
 * merges [0,4) [0,5), the decision) is proven by the prover's own code (helpers/job-material.ts) and
 * submitted task by task by each task's drawn assignee. One chunk's first assignee lets its window pass:
 * the next attempt's assignee submits it and the late one is slashed (AttemptMissed). Rewards are released
 * and claimed.
 */
import assert from "node:assert/strict";
import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import { type Address, type Hex, parseEther, zeroAddress } from "viem";
import { linkBytecode, readArtifact } from "../../../prover/src/chain/deploy.js";
import { srsRegistration } from "../../../prover/src/commitment/srs.js";
import { chunks, DECISION_TASK, jobTasks, nodeId } from "../../../prover/src/tree/shape.js";
import { type Circuit, decide, type JobMaterial, jobMaterial, nodeArg } from "./job-material.js";
import { mineBlocks, type RpcNode } from "./rpc-node.js";

type Connection = RpcNode["connection"];
type Wallet = Awaited<ReturnType<Connection["viem"]["getWalletClients"]>>[number];

export { DECISION_TASK };
export const WEIGHTS = { leaf: 2n, fold: 3n, decision: 1n };
export const STAKES = [parseEther("200"), parseEther("300"), parseEther("400"), parseEther("500")];
export const FEE = parseEther("1");
export const N_LEAVES = 5;
export const CHUNK_LOG = 1;
export const Z0 = [3n];
export const PARAMS = {
  minFee: 1000n,
  requesterBondBps: 1000,
  livenessBond: parseEther("10"),
  disputeBond: parseEther("10"),
  disputeSlash: parseEther("50"),
  window: 600n,
  disputeWindow: 600n,
  maxJobDuration: 30n * 86400n,
  burnBps: 5000,
  callbackGasLimit: 200_000,
};

export type Addresses = {
  stakeToken: Address;
  proverRegistry: Address;
  circuitRegistry: Address;
  market: Address;
  startBlock: bigint;
};

export type Network = {
  connection: Connection;
  addresses: Addresses;
  wallets: Wallet[];
  owner: Wallet;
  requester: Wallet;
  provers: Wallet[];
  circuit: Circuit;
  circuitId: bigint;
  market: (wallet: Wallet) => Promise<ContractReturnType<"Market">>;
  registry: (wallet: Wallet) => Promise<ContractReturnType<"ProverRegistry">>;
  token: (wallet: Wallet) => Promise<ContractReturnType<"TestToken">>;
  wait: (hash: Hex) => Promise<void>;
};

export type JobRun = {
  jobId: bigint;
  material: JobMaterial;
  /** The chunk whose first attempt was missed: its late assignee, its submitter, the bond slashed. */
  missed: { taskId: bigint; late: Address; submitter: Address; attempt: number; slashed: bigint };
  /** Submitter of every task, by task id. */
  workers: Map<bigint, Address>;
};

const lower = (address: string) => address.toLowerCase() as Address;

async function deployTx(
  connection: Connection,
  owner: Wallet,
  artifact: ReturnType<typeof readArtifact>,
  args: unknown[],
  bytecode?: Hex,
) {
  const publicClient = await connection.viem.getPublicClient();
  const hash = await owner.deployContract({
    abi: artifact.abi,
    bytecode: bytecode ?? artifact.bytecode,
    args,
  } as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  return { address: receipt.contractAddress! as Address, block: receipt.blockNumber };
}

/** Deploys the v2 contracts and registers the provers and the circuit. */
export async function setUpNetwork(connection: Connection, circuit: Circuit): Promise<Network> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [owner, requester, ...rest] = wallets;
  const provers = rest.slice(0, 4);
  const token = await deployTx(connection, owner!, readArtifact("TestToken", "mocks/TestToken.sol"), [
    "NovaNet Stake",
    "NNS",
  ]);
  const registryArtifact = readArtifact("ProverRegistry");
  const registry = await deployTx(connection, owner!, registryArtifact, [
    token.address,
    parseEther("100"),
    31n * 86400n, // above maxJobDuration: the market caps deadlines by the unbonding delay
    owner!.account.address,
  ]);
  const circuits = await deployTx(connection, owner!, readArtifact("CircuitRegistry"), []);
  const chunkLib = await deployTx(connection, owner!, readArtifact("Chunks", "market/Chunks.sol"), []);
  const libraries = { Chunks: chunkLib.address };
  const extensionArtifact = readArtifact("MarketExtension", "market/MarketExtension.sol");
  const extension = await deployTx(
    connection,
    owner!,
    extensionArtifact,
    [registry.address, circuits.address, WEIGHTS, owner!.account.address],
    linkBytecode(extensionArtifact, libraries),
  );
  const marketArtifact = readArtifact("Market", "market/Market.sol");
  const market = await deployTx(
    connection,
    owner!,
    marketArtifact,
    [registry.address, circuits.address, PARAMS, WEIGHTS, owner!.account.address, extension.address],
    linkBytecode(marketArtifact, libraries),
  );
  const wait = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `transaction ${hash} reverted`);
  };
  const at =
    <Name extends "Market" | "ProverRegistry" | "TestToken" | "CircuitRegistry">(name: Name, address: Address) =>
    (wallet: Wallet) =>
      viem.getContractAt(name, address, { client: { public: publicClient, wallet } }) as Promise<
        ContractReturnType<Name>
      >;
  const network: Network = {
    connection,
    addresses: {
      stakeToken: token.address,
      proverRegistry: registry.address,
      circuitRegistry: circuits.address,
      market: market.address,
      startBlock: token.block,
    },
    wallets,
    owner: owner!,
    requester: requester!,
    provers,
    circuit,
    circuitId: 0n,
    market: at("Market", market.address),
    registry: at("ProverRegistry", registry.address),
    token: at("TestToken", token.address),
    wait,
  };
  await wait(await (await network.registry(owner!)).write.setMarket([market.address]));
  for (const [i, wallet] of provers.entries()) await registerAndStake(network, wallet, STAKES[i]!, i % 2 === 0);
  const verifier = await viem.deployContract("TestOnlyCubicDeciderVerifier", [], { client: { wallet: owner! } });
  const registryOfCircuits = await at("CircuitRegistry", circuits.address)(owner!);
  const { shape, keys } = circuit;
  await wait(
    await registryOfCircuits.write.registerCircuit([
      shape.r1csHash as Hex,
      BigInt(shape.m),
      BigInt(shape.nW),
      shape.s,
      // The registry computes srsDigest = keccak256(abi.encode(n, powersHash, tauG2)) from the real SRS
      // parts: it equals the prover's srsDigest (checked where it is read back below).
      srsRegistration(circuit.srs),
      verifier.address,
      BigInt(keys.layout.nConstraints),
    ]),
  );
  const events = await registryOfCircuits.getEvents.CircuitRegistered({}, { fromBlock: 0n });
  network.circuitId = events[events.length - 1]!.args.circuitId!;
  const onChain = (await registryOfCircuits.read.getCircuit([network.circuitId])).srsDigest;
  assert.equal(onChain, circuit.srsDigest, "the registry's SRS digest is the prover's srsDigest");
  return network;
}

async function registerAndStake(network: Network, wallet: Wallet, amount: bigint, gpu: boolean) {
  const token = await network.token(wallet);
  const registry = await network.registry(wallet);
  const me = wallet.account.address;
  await network.wait(await token.write.mint([me, amount * 2n]));
  await network.wait(await token.write.approve([network.addresses.proverRegistry, amount * 2n]));
  const peerId = `0x0024080112${me.slice(2).toLowerCase()}${"ab".repeat(11)}` as Hex;
  await network.wait(await registry.write.register([peerId, 1n << 20n, gpu]));
  await network.wait(await registry.write.stake([amount]));
}

function walletOf(network: Network, address: Address): Wallet {
  const wallet = network.wallets.find((w) => lower(w.account.address) === lower(address));
  assert.ok(wallet, `no wallet for ${address}`);
  return wallet;
}

async function mine(network: Network, blocks = 1) {
  await mineBlocks(network.connection, blocks);
}

async function advance(network: Network, seconds: bigint) {
  const test = await network.connection.viem.getTestClient();
  await test.increaseTime({ seconds: Number(seconds) });
  await mineBlocks(network.connection, 1);
}

/** The drawn assignee of a task's running attempt (mines a block first so that its seed block exists). */
async function assignee(network: Network, jobId: bigint, taskId: bigint): Promise<{ who: Address; attempt: number }> {
  await mine(network, 2);
  const t = await (await network.market(network.owner)).read.getTask([jobId, taskId]);
  assert.notEqual(t.assignee, zeroAddress, `task ${taskId} has an assignee`);
  return { who: lower(t.assignee), attempt: t.attempt };
}

const point = (p: { x: bigint; y: bigint }) => ({ x: p.x, y: p.y });

/** Points where a caller may look at the chain (and what indexes it) while the job runs. */
export type ScenarioHooks = {
  /** Every chunk is submitted; no merge yet. `workers` holds the chunks' submitters. */
  afterChunks?: (jobId: bigint, workers: ReadonlyMap<bigint, Address>) => Promise<void>;
};

/** Phase 1: one chunked job proven end to end with a missed attempt, then rewards released and claimed. */
export async function runJobScenario(network: Network, hooks: ScenarioHooks = {}): Promise<JobRun> {
  const market0 = await network.market(network.requester);
  const publicClient = await network.connection.viem.getPublicClient();
  const jobId = (await market0.read.jobCount()) + 1n;
  const material = await jobMaterial(network.circuit, {
    chainId: BigInt(await publicClient.getChainId()),
    market: network.addresses.market,
    jobId,
    z0: Z0,
    n: N_LEAVES,
    chunkLog: CHUNK_LOG,
  });
  const now = (await publicClient.getBlock()).timestamp;
  const bond = (FEE * BigInt(PARAMS.requesterBondBps)) / 10_000n;
  await network.wait(
    await market0.write.requestProof(
      [
        {
          circuitId: network.circuitId,
          nLeaves: N_LEAVES,
          chunkLog: CHUNK_LOG,
          manifestRoot: material.manifest.root,
          feeToken: zeroAddress,
          fee: FEE,
          deadline: now + 20n * 86400n,
          z0: Z0,
          z1: material.states[1]!,
          z0Proof: material.manifest.proof(0),
        },
      ],
      { value: FEE + bond },
    ),
  );
  const job = await market0.read.getJob([jobId]);
  assert.equal(job.domain, material.domain, "the market's domain separator is the prover's");
  const workers = new Map<bigint, Address>();
  const foldsIn = (a: number, c: number) =>
    material.folds.filter((f) => {
      const fa = Number(f.nodeId >> 128n);
      const fc = Number(f.nodeId & ((1n << 128n) - 1n));
      return fa >= a && fc <= c;
    });
  let missed: JobRun["missed"] | undefined;
  for (const ch of chunks(N_LEAVES, CHUNK_LOG)) {
    let { who, attempt } = await assignee(network, jobId, ch.id);
    if (ch.index === 1) {
      // Let this chunk's first attempt pass until a different prover is drawn.
      const late = who;
      while (who === late) {
        await advance(network, PARAMS.window);
        ({ who, attempt } = await assignee(network, jobId, ch.id));
      }
      const stakeBefore = (await (await network.registry(network.owner)).read.proverInfo([late])).stake;
      missed = { taskId: ch.id, late, submitter: who, attempt, slashed: stakeBefore };
    }
    const m = await network.market(walletOf(network, who));
    await network.wait(
      await m.write.submitChunk([
        jobId,
        ch.id,
        {
          states: material.states.slice(ch.a, ch.c + 1).flat(),
          cmW: material.leaves.slice(ch.a, ch.c).map((l) => point(l.node.U.cmW)),
          cmT: foldsIn(ch.a, ch.c).map((f) => point(f.cmT)),
          proof: material.manifest.subtreeProof(CHUNK_LOG, ch.index),
        },
      ]),
    );
    workers.set(ch.id, who);
  }
  assert.ok(missed);
  missed.slashed -= (await (await network.registry(network.owner)).read.proverInfo([missed.late])).stake;
  await hooks.afterChunks?.(jobId, workers);
  for (const t of jobTasks(N_LEAVES, CHUNK_LOG).filter((x) => x.kind === "merge")) {
    const fold = material.folds.find((f) => f.nodeId === t.id)!;
    const { who } = await assignee(network, jobId, t.id);
    const m = await network.market(walletOf(network, who));
    await network.wait(
      await m.write.submitMerge([jobId, t.id, nodeArg(fold.left), nodeArg(fold.right), point(fold.cmT)]),
    );
    workers.set(t.id, who);
  }
  const { who } = await assignee(network, jobId, DECISION_TASK);
  const decider = await network.market(walletOf(network, who));
  await network.wait(
    await decider.write.submitDecision([jobId, nodeArg(material.root), await decide(network.circuit, material.root)]),
  );
  workers.set(DECISION_TASK, who);
  const all = jobTasks(N_LEAVES, CHUNK_LOG)
    .filter((t) => t.kind !== "decision")
    .map((t) => t.id);
  await network.wait(await market0.write.release([jobId, all]));
  for (const address of new Set(workers.values())) {
    await network.wait(await (await network.market(walletOf(network, address))).write.claim([zeroAddress]));
  }
  assert.equal(nodeId(0, N_LEAVES), jobTasks(N_LEAVES, CHUNK_LOG).at(-2)!.id);
  return { jobId, material, missed, workers };
}
