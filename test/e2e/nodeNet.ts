/**
 * A NovaNet v2 network of real processes on 127.0.0.1, for the node's end-to-end tests and
 * `npm run bench:network`: a `hardhat node` JSON-RPC chain (a block a second, and `warp` to move chain time
 * past a window), the v2 contracts from `deployNetwork`, the cubic circuit registered with a real decider
 * verifier (default: DeciderVerifierV3 from beacon-only v3 keys, which the nodes' decision task derives
 * too; `decider: 2`: the committed test-only v2 verifier), `n` operators registered and staked through
 * `novanet node register|stake`, and their `novanet node run` daemons (each its own process group).
 */
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  parseEventLogs,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { MarketAbi } from "../../prover/src/chain/abi.js";
import { type Deployment, deployNetwork, readArtifact, writeDeployment } from "../../prover/src/chain/deploy.js";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { srsRegistration } from "../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../prover/src/curve/bn254.js";
import { deciderV3Keys } from "../../prover/src/decider/bundleV3.js";
import { deciderV3Circuit } from "../../prover/src/decider/v3.js";
import { loadOrCreatePeerKey } from "../../prover/src/net/network.js";
import { buildManifest } from "../../prover/src/tree/manifest.js";
import { DECISION_TASK, jobTasks } from "../../prover/src/tree/shape.js";
import { exited, killProcess, type Proc, startHardhatNode, startProcess, waitFor } from "../helpers/processes.js";
import { witnessChain } from "../helpers/prover.js";
import { deciderFixture, TEST_PTAU } from "../prover/decider/fixtures.js";

const MNEMONIC = "test test test test test test test test test test test junk";
export const E18 = 10n ** 18n;
export const WINDOW = 90n;

export type NodeNet = Awaited<ReturnType<typeof startNodeNet>>;

export async function startNodeNet(o: {
  dir: string;
  nodes: number;
  port?: number;
  workers?: number;
  /** Edits node `i`'s config before it is written (paths relative to its data folder). */
  tweak?: (i: number, cfg: Record<string, unknown>) => void;
  /** The registered decider's version (default 3: DeciderVerifierV3 with beacon-only keys). */
  decider?: 2 | 3;
  /** With `decider: 2`: the v2 verifier to register instead of the committed test-only one (e.g. a ceremony's). */
  verifierV2?: { abi: unknown; bytecode: Hex };
  /** Node `i`'s declared capacity (default 1,048,576) and whether it stakes 500 at setup (default yes). */
  capacity?: (i: number) => bigint;
  stake?: (i: number) => boolean;
  /** The decider size registered for the circuit, when above the real one (a larger capacity class). */
  deciderConstraints?: bigint;
}) {
  const port = o.port ?? 20000 + Math.floor(Math.random() * 20000);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const d = await deciderFixture("cubic"); // decider keys cached under .novanet/keys (beacon-only dev keys)
  const chain = await startHardhatNode(port);
  const procs: (Proc | undefined)[] = [];
  const history: { i: number; p: Proc }[] = [];
  const rpc = (method: string, params: unknown[] = []) =>
    fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    }).then((r) => r.json());
  // A real chain makes blocks whether or not there are transactions (hardhat's automine does not).
  const miner = setInterval(() => rpc("evm_mine").catch(() => {}), 1000);
  const account = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
  const chainDef = { ...hardhat, id: 31337 };
  const publicClient = createPublicClient({ chain: chainDef, transport: http(rpcUrl) }) as PublicClient;
  const wallet = (i: number) => createWalletClient({ chain: chainDef, transport: http(rpcUrl), account: account(i) });
  const owner = wallet(0);
  const send = async (w: ReturnType<typeof wallet>, address: Address, abi: unknown, fn: string, args: unknown[]) => {
    // biome-ignore lint/suspicious/noExplicitAny: generic helper.
    const hash = await w.writeContract({ address, abi, functionName: fn, args } as any);
    const r = await publicClient.waitForTransactionReceipt({ hash });
    assert.equal(r.status, "success", `${fn} reverted`);
    return r;
  };
  const dep: Deployment = await deployNetwork(
    // biome-ignore lint/suspicious/noExplicitAny: plain viem clients.
    { publicClient, walletClient: owner as any },
    { minStake: 100n * E18, params: { window: WINDOW, livenessBond: 1n * E18 } },
  );
  const deploymentFile = join(o.dir, "deployment.json");
  writeDeployment(deploymentFile, dep);
  const A = dep.addresses;
  const feeToken = A.feeToken as Address;
  // The circuit's decider: v3 (default; the beacon-only v3 keys every node derives the same) or the v2 verifier.
  const shape = d.circuit.shape;
  let verifier: Address;
  let deciderConstraints = 100_000n;
  if ((o.decider ?? 3) === 3) {
    const keys = await deciderV3Keys(shape, { kind: "beacon-only" });
    const va = readArtifact("DeciderVerifierV3", "decider/DeciderVerifierV3.sol");
    const tauG2 = g2ToEvm(d.srs.tauG2).flat();
    // biome-ignore lint/suspicious/noExplicitAny: artifact ABI.
    const vh = await owner.deployContract({ abi: va.abi, bytecode: va.bytecode, args: [keys.words, tauG2] } as any);
    verifier = getAddress((await publicClient.waitForTransactionReceipt({ hash: vh })).contractAddress as Address);
    deciderConstraints = BigInt(deciderV3Circuit(shape).constraints.length);
  } else {
    const va =
      o.verifierV2 ??
      readArtifact("TestOnlyCubicDeciderVerifier", "decider/generated/TestOnlyCubicDeciderVerifier.sol");
    // biome-ignore lint/suspicious/noExplicitAny: artifact ABI.
    const vh = await owner.deployContract({ abi: va.abi, bytecode: va.bytecode, args: [] } as any);
    verifier = getAddress((await publicClient.waitForTransactionReceipt({ hash: vh })).contractAddress as Address);
  }
  if (o.deciderConstraints !== undefined) {
    assert.ok(o.deciderConstraints >= deciderConstraints, "a declared decider size is never below the real one");
    deciderConstraints = o.deciderConstraints;
  }
  await send(owner, A.circuitRegistry, readArtifact("CircuitRegistry").abi, "registerCircuit", [
    shape.r1csHash,
    BigInt(shape.m),
    BigInt(shape.nW),
    shape.s,
    srsRegistration(d.srs),
    verifier,
    deciderConstraints,
  ]);
  const tokenAbi = readArtifact("TestToken", "mocks/TestToken.sol").abi;

  // Operators: key file, config, `novanet node register` and `stake`.
  const peerIds: string[] = [];
  const configs: string[] = [];
  const dataDirs: string[] = [];
  const basePort = port + 1;
  for (let i = 0; i < o.nodes; i++) {
    const nd = join(o.dir, `node${i}`);
    mkdirSync(nd, { recursive: true });
    dataDirs.push(nd);
    peerIds.push(peerIdFromPrivateKey(await loadOrCreatePeerKey(join(nd, "peer.key"))).toString());
  }
  const addresses: Address[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const nd = dataDirs[i];
    const acct = account(2 + i);
    addresses.push(getAddress(acct.address));
    writeFileSync(join(nd, "key"), `0x${Buffer.from(acct.getHdKey().privateKey as Uint8Array).toString("hex")}`, {
      mode: 0o600,
    });
    const cfg = {
      rpcUrl,
      deployment: deploymentFile,
      keyFile: "key",
      dataDir: ".",
      listen: [`/ip4/127.0.0.1/tcp/${basePort + i}`],
      bootstrap: peerIds.map((p, j) => `/ip4/127.0.0.1/tcp/${basePort + j}/p2p/${p}`).filter((_, j) => j !== i),
      circuits: [
        {
          id: "1",
          r1cs: resolve("test/fixtures/circuits/cubic.r1cs"),
          wasm: resolve("test/fixtures/circuits/cubic.wasm"),
          ptau: resolve(TEST_PTAU),
          srsPowers: 2048,
          allowDevKeys: true,
        },
      ],
      pollMs: 300,
      // Every peer (nodes, the tests' attackers) is 127.0.0.1: one host for libp2p's inbound rate limit.
      inboundPerHostPerSecond: 100,
      workers: o.workers ?? 1,
      metricsPort: basePort + 100 + i,
    };
    o.tweak?.(i, cfg);
    const file = join(nd, "node.json");
    writeFileSync(file, JSON.stringify(cfg, null, 2));
    configs.push(file);
    await send(owner, A.stakeToken, tokenAbi, "mint", [acct.address, 1000n * E18]);
    await send(wallet(2 + i), A.stakeToken, tokenAbi, "approve", [A.proverRegistry, 2n ** 255n]);
    const capacity = String(o.capacity?.(i) ?? 1048576n);
    assert.equal(await nodeCommand(["register", "--config", file, "--capacity", capacity]), 0);
    if (o.stake?.(i) ?? true) assert.equal(await nodeCommand(["stake", "--config", file, "--amount", "500"]), 0);
  }
  const requester = wallet(1);
  await send(owner, feeToken, tokenAbi, "mint", [account(1).address, 1_000_000n * E18]);
  await send(requester, feeToken, tokenAbi, "approve", [A.market, 2n ** 255n]);

  const started = (i: number) => procs[i]?.out.some((l) => l.includes('"msg":"started"'));
  async function startNode(i: number): Promise<Proc> {
    const p = startProcess(`node${i}`, process.execPath, [
      "prover/bin/novanet.js",
      "node",
      "run",
      "--config",
      configs[i],
    ]);
    procs[i] = p;
    history.push({ i, p });
    return p;
  }
  async function startAll(): Promise<void> {
    for (let i = 0; i < o.nodes; i++) if (!alive(i)) await startNode(i);
    await waitFor(
      () => Array.from({ length: o.nodes }, (_, i) => started(i)).every(Boolean) || undefined,
      180_000,
      "nodes started",
    );
  }
  async function kill(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = procs[i];
    if (!p) return;
    killProcess(p, signal);
    await exited(p);
  }
  const alive = (i: number) => {
    const p = procs[i];
    return !!p && p.child.exitCode === null && p.child.signalCode === null;
  };

  const read = <T>(functionName: string, args: unknown[]) =>
    // biome-ignore lint/suspicious/noExplicitAny: generic reads.
    publicClient.readContract({ address: A.market, abi: MarketAbi, functionName, args } as any) as Promise<T>;

  /** Requests `z_n = F^n(3)` chunked at `2^chunkLog`. */
  async function request(n: number, chunkLog: number) {
    const z0 = [3n];
    const ws = await witnessChain(d.circuit.source, z0, n);
    const states = [z0, ...ws.map((w) => w.slice(1, 1 + shape.s))];
    const manifest = buildManifest(states);
    const now = (await publicClient.getBlock()).timestamp;
    const req = {
      circuitId: 1n,
      nLeaves: n,
      chunkLog,
      manifestRoot: manifest.root,
      feeToken,
      fee: 1000n * E18,
      deadline: now + 20n * 86400n,
      z0,
      z1: states[1],
      z0Proof: manifest.proof(0),
    };
    const rc = await send(requester, A.market, MarketAbi, "requestProof", [req]);
    const [ev] = parseEventLogs({ abi: MarketAbi, logs: rc.logs, eventName: "JobRequested" });
    return { jobId: ev.args.jobId, tasks: jobTasks(n, chunkLog), requestBlock: rc.blockNumber, n };
  }
  type Job = Awaited<ReturnType<typeof request>>;

  const status = async (jobId: bigint) => (await read<{ status: number }>("getJob", [jobId])).status;
  const task = (jobId: bigint, id: bigint) =>
    read<{ state: number; assignee: Address; submitter: Address; windowEnd: bigint; attempt: number }>("getTask", [
      jobId,
      id,
    ]);
  const events = async (fromBlock: bigint) =>
    parseEventLogs({ abi: MarketAbi, logs: await publicClient.getLogs({ address: A.market, fromBlock }) });

  /** Moves chain time `s` seconds forward (and mines a block). */
  async function warp(s: bigint): Promise<void> {
    await rpc("evm_increaseTime", [Number(s)]);
    await rpc("evm_mine");
  }

  /**
   * Waits for the job to be verified. When every open task is drawn to a dead node (the live ones have
   * nothing to do), moves chain time past that window (as a real chain's clock would), so the next attempt
   * is drawn. Returns the number of such warps.
   */
  async function waitVerified(job: Job, timeoutMs: number, onTick?: () => Promise<void>): Promise<number> {
    const dead = () => addresses.filter((_, i) => !alive(i)).map((a) => a.toLowerCase());
    let warps = 0;
    await waitFor(
      async () => {
        if ((await status(job.jobId)) === 2) return true;
        await onTick?.();
        const now = (await publicClient.getBlock()).timestamp;
        const open = [];
        for (const t of job.tasks) {
          const v = await task(job.jobId, t.id);
          if (v.state === 1) open.push(v);
        }
        const stuck = open.filter((v) => dead().includes(v.assignee.toLowerCase()) && v.windowEnd > now);
        if (open.length > 0 && stuck.length === open.length) {
          const end = stuck.reduce((m, v) => (v.windowEnd < m ? v.windowEnd : m), stuck[0].windowEnd);
          await warp(end - now + 1n);
          warps++;
          if (process.env.NOVANET_TEST_WARPS)
            console.log(
              `warp ${end - now + 1n}s: ${stuck.map((v) => `${v.assignee.slice(0, 8)}@${v.attempt}→${v.windowEnd}`).join(" ")} now ${now}`,
            );
        }
        await new Promise((r) => setTimeout(r, 700));
        return undefined;
      },
      timeoutMs,
      `job ${job.jobId} verified`,
    );
    return warps;
  }

  /**
   * Releases every chunk and merge of `job` (the decision is paid at verification) and returns each
   * worker's claimable balance (the decider from `JobVerified`).
   */
  async function releaseAll(job: Job): Promise<Map<string, bigint>> {
    const work = job.tasks.filter((t) => t.kind !== "decision").map((t) => t.id);
    await send(owner, A.market, MarketAbi, "release", [job.jobId, work]);
    const workers = new Set<string>();
    for (const id of work) workers.add((await task(job.jobId, id)).submitter.toLowerCase());
    for (const e of await events(job.requestBlock))
      if (e.eventName === "JobVerified" && e.args.jobId === job.jobId) workers.add(e.args.prover.toLowerCase());
    const out = new Map<string, bigint>();
    for (const w of workers) out.set(w, await read<bigint>("claimable", [w as Hex, feeToken]));
    return out;
  }

  /** CPU seconds (user + system) a node process has used so far (Linux /proc). */
  function cpuSeconds(i: number): number {
    const pid = procs[i]?.child.pid;
    if (!pid) return 0;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return 0;
    }
  }

  async function metrics(i: number): Promise<Record<string, number>> {
    const r = await fetch(`http://127.0.0.1:${basePort + 100 + i}/metrics`)
      .then((x) => x.text())
      .catch(() => "");
    const out: Record<string, number> = {};
    for (const line of r.split("\n")) {
      const m = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  }

  async function stop(): Promise<void> {
    clearInterval(miner);
    for (const p of procs) if (p) killProcess(p);
    killProcess(chain);
    await Promise.all([...procs.filter((p): p is Proc => !!p), chain].map(exited));
    // Every run's output, for a post-mortem (NOVANET_TEST_KEEP keeps the folder).
    for (const { i, p } of history) appendFileSync(join(dataDirs[i], "node.log"), `${p.out.join("\n")}\n--- exit\n`);
  }

  return {
    rpcUrl,
    publicClient,
    deployment: dep,
    addresses,
    peerIds,
    configs,
    dataDirs,
    procs,
    feeToken,
    startNode,
    startAll,
    kill,
    alive,
    request,
    status,
    task,
    events,
    warp,
    waitVerified,
    releaseAll,
    cpuSeconds,
    metrics,
    stop,
    account,
    wallet,
    send,
    tokenAbi,
    nodeOf: (addr: string) => addresses.findIndex((a) => a.toLowerCase() === addr.toLowerCase()),
    DECISION_TASK,
  };
}
