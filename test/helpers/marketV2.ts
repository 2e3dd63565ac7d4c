/**
 * Fixtures and a driver for the v2 market tests (contracts/market): a fresh in-process Hardhat chain with the
 * stake token, ProverRegistry, CircuitRegistry, the Chunks library, MarketExtension and the Market
 * facade; staked provers; a circuit with the test-only MockDeciderVerifier. Chunks use random commitments (the
 * market checks folds, not satisfiability); nodes above chunks are read back from `NodeSubmitted`. The tree
 * shape and the manifest come from the shared modules prover/src/tree/shape.ts and prover/src/tree/manifest.ts.
 */
import { network } from "hardhat";
import { type Address, getAddress, type Hex, keccak256, parseEventLogs, zeroAddress } from "viem";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../prover/src/curve/bn254.js";
import { buildManifest } from "../../prover/src/tree/manifest.js";
import { jobTasks, nodeId, nodeRange, splitPoint } from "../../prover/src/tree/shape.js";

export const E18 = 10n ** 18n;
export const DECISION = (1n << 256n) - 1n;

export const V2_PARAMS = {
  minFee: 1000n,
  requesterBondBps: 1000,
  livenessBond: 10n * E18,
  disputeBond: 10n * E18,
  disputeSlash: 50n * E18,
  window: 600n,
  disputeWindow: 600n,
  maxJobDuration: 30n * 86400n,
  burnBps: 5000,
  callbackGasLimit: 200_000,
};

const point = () => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

import { type InstanceV, mockProof } from "./mockProof.js";

export { type InstanceV, mockProof };

/** Asserts `p` rejects with exactly the custom error `name` (not a longer name containing it). */
export async function revertsExactly(p: Promise<unknown>, name: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    const msg = String((e as Error).message);
    if (!new RegExp(`(^|[^A-Za-z0-9_])${name}\\(`).test(msg)) {
      throw new Error(`expected ${name}, got: ${msg.slice(0, 600)}`);
    }
    return;
  }
  throw new Error(`expected revert ${name}, but it succeeded`);
}

/** A real circuit for {@link v2Fixture}: its committed decider verifier and R1CS sizes (test/helpers/realJob.ts). */
export type RealCircuitOption = {
  decider: "TestOnlyCubicDeciderVerifier" | "DeciderVerifierV3";
  /** For `DeciderVerifierV3`: its key words and the SRS's `[τ]G2` (EIP-197 order). */
  v3?: { words: readonly bigint[]; tauG2: readonly [bigint, bigint, bigint, bigint] };
  r1csHash: Hex;
  constraints: bigint;
  nWitness: bigint;
  stateWidth: number;
};

export async function v2Fixture(
  opts: {
    provers?: number;
    params?: Partial<typeof V2_PARAMS>;
    circuit?: RealCircuitOption;
    /** The registry's unbonding delay (default 31 days: above maxJobDuration, as a default deployment). */
    unbondingDelay?: bigint;
  } = {},
) {
  const conn = await network.connect();
  const { viem, networkHelpers } = conn;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const owner = getAddress(wallets[0].account.address);
  const token = await viem.deployContract("TestToken", ["Stake", "STK"]);
  const feeToken = await viem.deployContract("TestToken", ["Fee", "FEE"]);
  const registry = await viem.deployContract("ProverRegistry", [
    token.address,
    100n * E18,
    opts.unbondingDelay ?? 31n * 86400n,
    owner,
  ]);
  const circuits = await viem.deployContract("CircuitRegistry", []);
  const chunks = await viem.deployContract("Chunks", []);
  const libraries = { Chunks: chunks.address };
  const weights = { leaf: 1n, fold: 1n, decision: 1n };
  const params = { ...V2_PARAMS, ...opts.params };
  const ext = await viem.deployContract("MarketExtension", [registry.address, circuits.address, weights, owner], {
    libraries,
  });
  const market = await viem.deployContract(
    "Market",
    [registry.address, circuits.address, params, weights, owner, ext.address],
    { libraries: { Chunks: chunks.address } },
  );
  await registry.write.setMarket([market.address]);
  const real = opts.circuit;
  const r1csHash = real?.r1csHash ?? keccak256("0x01");
  const verifier = real?.v3
    ? await viem.deployContract("DeciderVerifierV3", [[...real.v3.words], real.v3.tauG2])
    : real
      ? await viem.deployContract("TestOnlyCubicDeciderVerifier")
      : await viem.deployContract("MockDeciderVerifier", [r1csHash, 1n]);
  // The registry checks the decider's [τ]G2 against the registered SRS's (the mock reports zeros).
  const srs = { n: 1n, powersHash: keccak256("0x02"), tauG2: await verifier.read.tauG2() };
  await circuits.write.registerCircuit([
    r1csHash,
    real?.constraints ?? 4096n,
    real?.nWitness ?? 100n,
    real?.stateWidth ?? 1,
    srs,
    verifier.address,
    100_000n,
  ]);
  const requester = getAddress(wallets[1].account.address);
  const provers = wallets.slice(2, 2 + (opts.provers ?? 4)).map((w) => getAddress(w.account.address));
  const outsiders = wallets.slice(2 + provers.length).map((w) => getAddress(w.account.address));
  for (const p of provers) {
    await registry.write.register(["0x1220aa", 1n << 20n, false], { account: p });
    await token.write.mint([p, 10_000n * E18]);
    await token.write.approve([registry.address, 2n ** 255n], { account: p });
    await token.write.approve([market.address, 2n ** 255n], { account: p });
    await registry.write.stake([1000n * E18], { account: p });
  }
  for (const a of [requester, ...outsiders]) {
    await feeToken.write.mint([a, 1_000_000n * E18]);
    await feeToken.write.approve([market.address, 2n ** 255n], { account: a });
  }
  // Two blocks: the seed block after availability, and one more so that a view (run at the latest block) sees its hash.
  // One `evm_mine` each: EDR's `hardhat_mine` stamps blocks ahead of its clock and the next transaction's block
  // then steps back in time (test/indexer/rpc-node.test.ts), which no real chain does.
  const mine = async (n = 2) => {
    for (let i = 0; i < n; i++) await conn.provider.request({ method: "evm_mine" });
  };
  const wait = async (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });

  /** Requests a job of `n` leaves over random states (or `states`), chunked at `2^chunkLog`. */
  async function request(
    n: number,
    chunkLog: number,
    o: { fee?: bigint; states?: bigint[][]; deadline?: bigint; circuitId?: bigint } = {},
  ) {
    const states = o.states ?? Array.from({ length: n + 1 }, () => [randomScalar()]);
    const manifest = buildManifest(states);
    const now = BigInt((await publicClient.getBlock()).timestamp);
    const fee = o.fee ?? 1_000_000n * 10n ** 6n;
    const req = {
      circuitId: o.circuitId ?? 1n,
      nLeaves: n,
      chunkLog,
      manifestRoot: manifest.root,
      feeToken: feeToken.address,
      fee,
      deadline: o.deadline ?? now + 7n * 86400n,
      z0: states[0],
      z1: states[1],
      z0Proof: manifest.proof(0),
    };
    const receipt = await wait(await market.write.requestProof([req], { account: requester }));
    const ev = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "JobRequested" })[0];
    const tasks = jobTasks(n, chunkLog);
    const ids = (kind: "chunk" | "merge") => tasks.filter((t) => t.kind === kind).map((t) => t.id);
    return {
      jobId: ev.args.jobId,
      states,
      manifest,
      req,
      receipt,
      chunks: ids("chunk"),
      merges: ids("merge"),
      chunkLog,
      n,
    };
  }
  type Job = Awaited<ReturnType<typeof request>>;

  async function assignee(jobId: bigint, taskId: bigint): Promise<Address> {
    const t = await market.read.getTask([jobId, taskId]);
    return t.assignee;
  }

  /** The calldata of chunk `taskId` of `job` (random commitments). */
  function chunkData(job: Job, taskId: bigint) {
    const { a, c } = nodeRange(taskId);
    return {
      states: job.states.slice(a, c + 1).flat(),
      cmW: Array.from({ length: c - a }, point),
      cmT: Array.from({ length: c - a - 1 }, point),
      proof: job.manifest.subtreeProof(job.chunkLog, a >> job.chunkLog),
    };
  }

  const stored = new Map<string, { instance: unknown; zIn: readonly bigint[]; zOut: readonly bigint[] }>();
  function remember(jobId: bigint, logs: readonly unknown[]) {
    // biome-ignore lint/suspicious/noExplicitAny: viem log typing
    for (const ev of parseEventLogs({ abi: market.abi, logs: logs as any, eventName: "NodeSubmitted" })) {
      const { instance, zIn, zOut, taskId } = ev.args;
      stored.set(`${jobId}:${taskId}`, { instance, zIn, zOut });
    }
  }
  const node = (jobId: bigint, id: bigint) => {
    const v = stored.get(`${jobId}:${id}`);
    if (!v) throw new Error(`node ${id} of job ${jobId} not submitted`);
    return v;
  };

  async function submitChunk(job: Job, taskId: bigint, as?: Address) {
    const who = as ?? (await assignee(job.jobId, taskId));
    const r = await wait(await market.write.submitChunk([job.jobId, taskId, chunkData(job, taskId)], { account: who }));
    remember(job.jobId, r.logs);
    return r;
  }

  /** Sends `calls` with automine paused, mines until every one is in, returns the receipts (in call order). */
  async function batched(jobId: bigint, calls: (() => Promise<Hex>)[]) {
    // Block times are pinned (one second apart), so a slow machine cannot push a batch into a later window.
    let ts = BigInt((await publicClient.getBlock()).timestamp);
    const mineOne = async () => {
      ts += 1n;
      await networkHelpers.time.setNextBlockTimestamp(ts);
      await networkHelpers.mine(1);
    };
    await conn.provider.request({ method: "evm_setAutomine", params: [false] });
    const hashes: Hex[] = [];
    try {
      for (const c of calls) hashes.push(await c());
    } finally {
      await conn.provider.request({ method: "evm_setAutomine", params: [true] });
    }
    await mineOne();
    const receipts = [];
    for (const hash of hashes) {
      for (;;) {
        const r = await publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
        if (r) {
          if (r.status !== "success") throw new Error(`transaction ${hash} reverted`);
          remember(jobId, r.logs);
          receipts.push(r);
          break;
        }
        await mineOne();
      }
    }
    return receipts;
  }

  /**
   * Submits chunks `ids` in as few blocks as the block gas limit allows (automine paused), so that every seed
   * stays within the 256 blocks `blockhash` reaches (Hardhat has no EIP-2935 history contract).
   */
  async function submitChunksBatched(job: Job, ids: readonly bigint[]) {
    const calls = [];
    for (const id of ids) {
      const who = await assignee(job.jobId, id);
      const data = chunkData(job, id);
      const gas = 600_000n + 25_000n * BigInt(data.cmW.length);
      calls.push(() => market.write.submitChunk([job.jobId, id, data], { account: who, gas }));
    }
    return batched(job.jobId, calls);
  }

  /** Submits merges `ids` (their children stored, seed blocks mined) in as few blocks as possible. */
  async function submitMergesBatched(job: Job, ids: readonly bigint[]) {
    const calls = [];
    for (const id of ids) {
      const who = await assignee(job.jobId, id);
      const { a, c } = nodeRange(id);
      const b = splitPoint(a, c);
      const args = [job.jobId, id, node(job.jobId, nodeId(a, b)), node(job.jobId, nodeId(b, c)), point()];
      // biome-ignore lint/suspicious/noExplicitAny: structs read back from the events
      calls.push(() => market.write.submitMerge(args as any, { account: who, gas: 800_000n }));
    }
    return batched(job.jobId, calls);
  }

  async function submitMerge(job: Job, taskId: bigint, as?: Address) {
    const who = as ?? (await assignee(job.jobId, taskId));
    const { a, c } = nodeRange(taskId);
    const b = splitPoint(a, c);
    const r = await wait(
      await market.write.submitMerge(
        // biome-ignore lint/suspicious/noExplicitAny: struct read back from the event
        [job.jobId, taskId, node(job.jobId, nodeId(a, b)) as any, node(job.jobId, nodeId(b, c)) as any, point()],
        { account: who },
      ),
    );
    remember(job.jobId, r.logs);
    return r;
  }

  const zeroProof = {
    a: [0n, 0n],
    b: [
      [0n, 0n],
      [0n, 0n],
    ],
    c: [0n, 0n],
    zeta: 0n,
    yW: 0n,
    yE: 0n,
    piW: { x: 0n, y: 0n },
    piE: { x: 0n, y: 0n },
    blind: { cmW: { x: 0n, y: 0n }, cmE: { x: 0n, y: 0n }, u: 0n, x: [] },
    cmT: { x: 0n, y: 0n },
  } as const;

  async function submitDecision(job: Job, as?: Address) {
    const who = as ?? (await assignee(job.jobId, DECISION));
    const root = node(job.jobId, BigInt(job.n));
    return wait(
      // biome-ignore lint/suspicious/noExplicitAny: struct read back from the event
      await market.write.submitDecision([job.jobId, root as any, mockProof(root.instance as InstanceV) as any], {
        account: who,
      }),
    );
  }

  /** Runs every task of `job` by its drawn assignee: chunks, merges (post-order), the decision. */
  async function runAll(job: Job) {
    await mine();
    for (const id of job.chunks) await submitChunk(job, id);
    for (const id of job.merges) {
      await mine();
      await submitMerge(job, id);
    }
    await mine();
    return submitDecision(job);
  }

  return {
    conn,
    viem,
    networkHelpers,
    publicClient,
    wallets,
    market,
    ext,
    registry,
    circuits,
    token,
    feeToken,
    verifier,
    requester,
    provers,
    outsiders,
    params,
    mine,
    wait,
    request,
    assignee,
    chunkData,
    node,
    submitChunk,
    submitChunksBatched,
    submitMergesBatched,
    submitMerge,
    submitDecision,
    runAll,
    zeroProof,
    zeroAddress,
  };
}
