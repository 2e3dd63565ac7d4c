/**
 * `npm run devnet`: the whole network on this machine, as separate processes (docs/quickstart.md).
 *
 *   1. a local chain: anvil (npm @foundry-rs/anvil), mining a block a second besides each transaction;
 *   2. the v2 contracts, deployed by `novanet deploy`;
 *   3. an example step circuit, registered by `novanet circuit register` with DEV decider keys (labelled);
 *   4. the indexer (Ponder on embedded PGlite) with its GraphQL API and dashboard;
 *   5. N prover nodes (`novanet node run`) of different capacities, each registered and staked;
 *   6. the app: requests a proof of --steps steps, shows the job live, kills one node halfway, waits for
 *      JobVerified, then every prover releases its rewards and claims; prints a table.
 *
 * Ctrl-C stops every process it started. `--keep` leaves the network running after the job (until Ctrl-C).
 * Everything lives under --dir (default .novanet/devnet); the circuit build, the dev SRS and the decider
 * keys are cached under .novanet and reused by later runs.
 *
 *   npm run devnet -- [--nodes 4] [--steps 16] [--circuit prover/circuits/cubic.circom] [--input '["1"]']
 *                     [--keep] [--headless] [--no-kill] [--port 8545] [--indexer-port 42069]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatEther,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  parseEventLogs,
  toHex,
  zeroAddress,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { followJob, type JobEvent, prepareRequest } from "../prover/src/app/request.js";
import { MarketAbi, ProverRegistryAbi } from "../prover/src/chain/abi.js";
import { type Deployment, readDeployment } from "../prover/src/chain/deploy.js";
import { DECISION_TASK, nodeRange, type Task } from "../prover/src/tree/shape.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "prover", "bin", "novanet.js");
const MNEMONIC = "test test test test test test test test test test test junk"; // anvil's default accounts
const E18 = 10n ** 18n;
const TEST_TOKEN_ABI = [
  {
    type: "function",
    name: "mint",
    stateMutability: "nonpayable",
    inputs: [
      { name: "to", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [],
  },
] as const;

// ------------------------------------------------------------------ options

const cli = new Command("devnet")
  .description("the whole NovaNet network on this machine (docs/quickstart.md)")
  .option("--nodes <n>", "prover nodes", "4")
  .option("--steps <n>", "steps of the demo job", "16")
  .option("--circuit <step.circom>", "the example step circuit", "prover/circuits/cubic.circom")
  .option("--input <json>", "z_0 (default: all ones)")
  .option("--fee <eth>", "the job's fee in ETH", "0.1")
  .option("--kill <k>", "prover nodes to kill halfway through the job", "1")
  .option("--no-kill", "kill no node")
  .option("--keep", "leave the network running after the job (Ctrl-C stops it)")
  .option("--headless", "no live view: one line per event (default when stdout is not a terminal)")
  .option("--port <port>", "the chain's JSON-RPC port", "8545")
  .option("--indexer-port <port>", "the indexer's HTTP port", "42069")
  .option("--no-indexer", "do not start the indexer")
  .option("--no-warp", "wait out a killed node's window in real time (default: move the chain's clock past it)")
  .option("--window <s>", "task window in seconds (a killed node's task is re-drawn after it)", "60")
  .option("--dir <dir>", "state folder (wiped at start)", ".novanet/devnet")
  .option("--timeout <s>", "give up on the job after this long", "900")
  .parse();
const opt = cli.opts<{
  nodes: string;
  steps: string;
  circuit: string;
  input?: string;
  fee: string;
  kill: string | false;
  keep?: boolean;
  headless?: boolean;
  port: string;
  indexerPort: string;
  indexer: boolean;
  warp: boolean;
  window: string;
  dir: string;
  timeout: string;
}>();
const NODES = Number(opt.nodes);
const STEPS = Number(opt.steps);
const KILL = opt.kill === false ? 0 : Number(opt.kill);
if (!(NODES >= 1 && NODES <= 16) || !(STEPS >= 1) || !(KILL >= 0 && KILL < NODES)) {
  process.stderr.write("error: UsageError: --nodes 1…16, --steps ≥ 1, --kill < --nodes\n");
  process.exit(2);
}
const LIVE = !opt.headless && process.stdout.isTTY === true;
const DIR = resolve(opt.dir);
const RPC = `http://127.0.0.1:${opt.port}`;
const T0 = performance.now();
const secs = (t = T0) => ((performance.now() - t) / 1000).toFixed(1);

// ------------------------------------------------------------------ output

const color = (c: number, s: string) => (process.stdout.isTTY ? `\x1b[${c}m${s}\x1b[0m` : s);
const green = (s: string) => color(32, s);
const yellow = (s: string) => color(33, s);
const red = (s: string) => color(31, s);
const dim = (s: string) => color(2, s);
const bold = (s: string) => color(1, s);

let liveLines = 0;
/** A line of the run's story (above the live view when there is one). */
function say(what: string, text: string): void {
  clearLive();
  process.stdout.write(`${dim(`[${secs().padStart(6)} s]`)} ${bold(what.padEnd(9))} ${text}\n`);
}
function clearLive(): void {
  if (liveLines > 0) process.stdout.write(`\x1b[${liveLines}A\x1b[0J`);
  liveLines = 0;
}

// ------------------------------------------------------------------ processes

type Proc = { name: string; child: ChildProcess; log: string; killed?: boolean };
const procs: Proc[] = [];
let stopping = false;

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Proc {
  mkdirSync(join(DIR, "logs"), { recursive: true });
  const log = join(DIR, "logs", `${name}.log`);
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  const p: Proc = { name, child, log };
  child.on("exit", (code, signal) => {
    if (!stopping && !p.killed) say("exit", red(`${name} stopped (${signal ?? `code ${code}`}): see ${log}`));
  });
  procs.push(p);
  return p;
}

function tail(p: Proc, n = 15): string {
  try {
    return readFileSync(p.log, "utf8").trim().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

function signalGroup(p: Proc, sig: NodeJS.Signals): void {
  if (p.child.pid && p.child.exitCode === null && p.child.signalCode === null) {
    try {
      process.kill(-p.child.pid, sig);
    } catch {
      // gone
    }
  }
}

const exited = (p: Proc) =>
  p.child.exitCode !== null || p.child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => p.child.once("exit", () => r()));

/** Stops every process: nodes and indexer first (SIGTERM, SIGKILL after 5 s), the chain last. */
async function stopAll(): Promise<void> {
  stopping = true;
  clearLive();
  const chain = procs.filter((p) => p.name === "chain");
  const rest = procs.filter((p) => p.name !== "chain");
  for (const p of rest) signalGroup(p, "SIGTERM");
  await Promise.race([Promise.all(rest.map(exited)), new Promise((r) => setTimeout(r, 5000))]);
  for (const p of rest) signalGroup(p, "SIGKILL");
  for (const p of chain) signalGroup(p, "SIGTERM");
  await Promise.race([Promise.all(chain.map(exited)), new Promise((r) => setTimeout(r, 3000))]);
  for (const p of chain) signalGroup(p, "SIGKILL");
}

let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    clearLive();
    process.stdout.write(`\n${dim(`stopping ${procs.length} processes…`)}\n`);
    stopAll().then(() => process.exit(130));
  });
}

async function fail(msg: string, p?: Proc): Promise<never> {
  say("error", red(msg));
  if (p) process.stdout.write(`${dim(`--- last lines of ${p.log}`)}\n${tail(p)}\n`);
  await stopAll();
  process.exit(1);
}

/** A free TCP port on 127.0.0.1 (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  return new Promise((r, j) => {
    const s = createServer();
    s.once("error", j);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? r(a.port) : j(new Error("no port"))));
    });
  });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createServer();
    s.once("error", () => r(false));
    s.listen(port, "127.0.0.1", () => s.close(() => r(true)));
  });
}

async function waitUntil<T>(f: () => Promise<T | undefined>, ms: number, what: string, p?: Proc): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (p && p.child.exitCode !== null) return fail(`${what}: the process exited`, p);
    if (Date.now() > end) return fail(`${what}: timed out after ${ms / 1000} s`, p);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `novanet …` to completion; returns its stdout (stderr goes to the log). */
async function novanet(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const p = start(name, process.execPath, [BIN, ...args, "--json"], env);
  p.killed = true; // a one-shot command: its exit is not news
  await exited(p);
  if (p.child.exitCode !== 0) return fail(`novanet ${args[0]} ${args[1] ?? ""} failed`, p);
  const lines = readFileSync(p.log, "utf8").trim().split("\n");
  const last = [...lines].reverse().find((l) => l.startsWith("{"));
  if (!last) return fail(`novanet ${args[0]} printed no result`, p);
  return last;
}

// ------------------------------------------------------------------ main

type Prover = {
  letter: string;
  index: number;
  address: Address;
  key: Hex;
  capacity: bigint;
  proc?: Proc;
  dir: string;
  killedAt?: number;
};

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, "keys"), { recursive: true });
  say("devnet", `${NODES} prover nodes, a job of ${STEPS} steps on ${opt.circuit}; state in ${opt.dir}`);

  // The contracts are built once (a later run finds the artifacts).
  if (!existsSync(join(ROOT, "artifacts", "contracts", "market", "Market.sol", "Market.json"))) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"), "build", "--quiet"],
      {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    if (r.status !== 0) return fail("hardhat build failed");
    say("build", `contracts compiled (${secs(t)} s)`);
  }

  // 1. The chain.
  const port = Number(opt.port);
  if (!(await portFree(port))) return fail(`port ${port} is in use (another devnet? pass --port)`);
  const anvilBin = join(
    ROOT,
    "node_modules",
    "@foundry-rs",
    `anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`,
    "bin",
    "anvil",
  );
  const t1 = performance.now();
  const chain = start("chain", existsSync(anvilBin) ? anvilBin : join(ROOT, "node_modules", ".bin", "anvil"), [
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "--accounts",
    String(10 + NODES), // deployer, app, provers, and spare funded accounts for a second terminal
    "--balance",
    "10000",
  ]);
  const transport = http(RPC, { retryCount: 0 });
  const pc = createPublicClient({ transport, pollingInterval: 250 }) as PublicClient;
  const chainId = await waitUntil(() => pc.getChainId(), 30_000, "the chain", chain);
  say("chain", `anvil on ${RPC} (chain ${chainId}, ${secs(t1)} s)`);
  // A block a second besides each transaction's own: task windows and seeds move on while nothing is sent.
  const ticker = setInterval(() => {
    pc.request({ method: "evm_mine" as never, params: [] as never }).catch(() => {});
  }, 1000);

  const account = (i: number) => {
    const a = mnemonicToAccount(MNEMONIC, { addressIndex: i });
    const key = toHex(a.getHdKey().privateKey!);
    const file = join(DIR, "keys", `${i}.key`);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    return { address: getAddress(a.address), key, file };
  };
  const deployer = account(0);
  const app = account(1);

  // 2. The contracts, by the real deploy command.
  const t2 = performance.now();
  const depFile = join(DIR, "deployment.json");
  await novanet("deploy", [
    "deploy",
    "--rpc",
    RPC,
    "--key-file",
    deployer.file,
    "--out",
    depFile,
    "--window",
    opt.window,
  ]);
  const d: Deployment = readDeployment(depFile);
  say("deploy", `NovaNet v2: market ${d.addresses.market} (${secs(t2)} s) → ${opt.dir}/deployment.json`);

  // 3. The example circuit with dev decider keys.
  const t3 = performance.now();
  say("circuit", `registering ${opt.circuit} (a first run compiles it and makes its decider keys: about a minute)`);
  const reg = JSON.parse(
    await novanet("register", [
      "circuit",
      "register",
      "--rpc",
      RPC,
      "--deployment",
      depFile,
      "--key-file",
      deployer.file,
      "--circuit",
      opt.circuit,
      "--insecure-dev-keys",
    ]),
  ) as { circuitId: string; r1cs: string; wasm: string; ptau: string; srsPowers: number; stateWidth: number };
  say(
    "circuit",
    `circuit ${reg.circuitId} registered with ${yellow("INSECURE DEV decider keys")} (beacon-only; devnet only) (${secs(t3)} s)`,
  );

  // 4. The indexer on embedded PGlite.
  let indexer: Proc | undefined;
  const indexerUrl = `http://127.0.0.1:${opt.indexerPort}`;
  if (opt.indexer) {
    if (!(await portFree(Number(opt.indexerPort))))
      return fail(`port ${opt.indexerPort} is in use (pass --indexer-port)`);
    const t4 = performance.now();
    indexer = start(
      "indexer",
      process.execPath,
      [
        join(ROOT, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js"),
        "start",
        "--root",
        join(ROOT, "indexer"),
        "--schema",
        "devnet",
        "--port",
        opt.indexerPort,
        "--hostname",
        "127.0.0.1",
        "--log-format",
        "json",
      ],
      {
        PONDER_TELEMETRY_DISABLED: "true",
        NO_COLOR: "1",
        NOVANET_RPC_URL: RPC,
        NOVANET_CHAIN_ID: String(chainId),
        NOVANET_START_BLOCK: String(d.startBlock),
        NOVANET_POLLING_MS: "500",
        NOVANET_PROVER_REGISTRY: d.addresses.proverRegistry,
        NOVANET_CIRCUIT_REGISTRY: d.addresses.circuitRegistry,
        NOVANET_PROOF_MARKET: d.addresses.market,
        NOVANET_PGLITE_DIR: join(DIR, "pglite"),
      },
      join(ROOT, "indexer"),
    );
    // Started in the background: the provers are set up meanwhile; its readiness is reported below.
    void waitUntil(
      async () => ((await fetch(`${indexerUrl}/health`)).ok ? true : undefined),
      180_000,
      "the indexer",
      indexer,
    ).then(() => say("indexer", `${indexerUrl}/graphql and ${indexerUrl}/dashboard (${secs(t4)} s)`));
  }

  // 5. The provers: staked on-chain, then one `novanet node run` process each, of decreasing capacity.
  const t5 = performance.now();
  const provers: Prover[] = [];
  const { loadOrCreatePeerKey, peerIdBytes } = await import("../prover/src/net/network.js");
  const { peerIdFromPrivateKey } = await import("@libp2p/peer-id");
  // Peer identities and listen ports first: every node bootstraps from the others (artefacts travel on libp2p).
  const peers: { peer: ReturnType<typeof peerIdFromPrivateKey>; port: number }[] = [];
  for (let i = 0; i < NODES; i++) {
    const dir = join(DIR, `node-${String.fromCharCode(65 + i)}`);
    mkdirSync(dir, { recursive: true });
    peers.push({
      peer: peerIdFromPrivateKey(await loadOrCreatePeerKey(join(dir, "peer.key"))),
      port: await freePort(),
    });
  }
  const addrOf = (j: number) => `/ip4/127.0.0.1/tcp/${peers[j].port}/p2p/${peers[j].peer.toString()}`;
  for (let i = 0; i < NODES; i++) {
    const a = account(2 + i);
    const dir = join(DIR, `node-${String.fromCharCode(65 + i)}`);
    const peer = peers[i].peer;
    provers.push({
      letter: String.fromCharCode(65 + i),
      index: i,
      address: a.address,
      key: a.key,
      capacity: 1n << BigInt(20 - i),
      dir,
    });
    const w = createWalletClient({ account: privateKeyToAccount(a.key), transport });
    const ow = createWalletClient({ account: privateKeyToAccount(deployer.key), transport });
    const send = async (h: Promise<Hex>) => {
      const r = await pc.waitForTransactionReceipt({ hash: await h });
      if (r.status !== "success") return fail(`prover setup transaction reverted (${r.transactionHash})`);
    };
    const chainObj = undefined;
    await send(
      ow.writeContract({
        address: d.addresses.stakeToken,
        abi: TEST_TOKEN_ABI,
        functionName: "mint",
        args: [a.address, 1000n * E18],
        chain: chainObj,
      }),
    );
    for (const spender of [d.addresses.proverRegistry, d.addresses.market]) {
      await send(
        w.writeContract({
          address: d.addresses.stakeToken,
          abi: erc20Abi,
          functionName: "approve",
          args: [spender, 2n ** 255n],
          chain: chainObj,
        }),
      );
    }
    await send(
      w.writeContract({
        address: d.addresses.proverRegistry,
        abi: ProverRegistryAbi,
        functionName: "register",
        args: [toHex(peerIdBytes(peer)), provers[i].capacity, false],
        chain: chainObj,
      }),
    );
    await send(
      w.writeContract({
        address: d.addresses.proverRegistry,
        abi: ProverRegistryAbi,
        functionName: "stake",
        args: [500n * E18],
        chain: chainObj,
      }),
    );
    const config = {
      rpcUrl: RPC,
      market: d.addresses.market,
      deployment: depFile,
      startBlock: Number(d.startBlock),
      keyFile: join(DIR, "keys", `${2 + i}.key`),
      dataDir: dir,
      listen: [`/ip4/127.0.0.1/tcp/${peers[i].port}`],
      bootstrap: peers.map((_, j) => addrOf(j)).filter((_, j) => j !== i),
      inboundPerHostPerSecond: 100, // every node is 127.0.0.1: one host for libp2p's inbound rate limit
      pollMs: 300,
      confirmations: 0,
      reorgDepth: 0,
      circuits: [
        {
          id: Number(reg.circuitId),
          r1cs: reg.r1cs,
          wasm: reg.wasm,
          ptau: reg.ptau,
          srsPowers: reg.srsPowers,
          allowDevKeys: true,
        },
      ],
    };
    writeFileSync(join(dir, "node.json"), `${JSON.stringify(config, null, 2)}\n`);
    provers[i].proc = start(
      `node-${provers[i].letter}`,
      process.execPath,
      ["--disable-warning=ExperimentalWarning", BIN, "node", "run", "--config", join(dir, "node.json")],
      {
        NOVANET_LOG_FORMAT: "json",
      },
    );
  }
  say(
    "provers",
    `${NODES} staked and started: ${provers.map((p) => `${p.letter} ${short(p.address)} cap 2^${20 - p.index}`).join(", ")} (${secs(t5)} s)`,
  );

  // 6. The app: request a proof of STEPS steps, paid in ETH by contract call.
  const { compileCircuit } = await import("../prover/src/circuits/compile.js");
  const compiled = await compileCircuit(opt.circuit);
  const z0 = opt.input ? (JSON.parse(opt.input) as string[]).map(BigInt) : Array(compiled.stateWidth).fill(1n);
  const prep = await prepareRequest({
    source: compiled,
    z0,
    steps: STEPS,
    circuitId: BigInt(reg.circuitId),
    fee: parseEther(opt.fee),
    requesterBondBps: d.params.requesterBondBps,
  });
  const appWallet = createWalletClient({ account: privateKeyToAccount(app.key), transport });
  const tReq = performance.now();
  const reqHash = await appWallet.writeContract({
    address: d.addresses.market,
    abi: MarketAbi,
    functionName: "requestProof",
    args: [prep.request],
    value: prep.value,
    chain: undefined,
  });
  const reqReceipt = await pc.waitForTransactionReceipt({ hash: reqHash });
  const jobId = parseEventLogs({ abi: MarketAbi, logs: reqReceipt.logs, eventName: "JobRequested" })[0].args.jobId;
  say(
    "job",
    `job ${jobId}: ${STEPS} steps → ${prep.tasks.length} tasks (${prep.tasks.filter((t) => t.kind === "chunk").length} chunks of 2^${prep.request.chunkLog}), fee ${opt.fee} ETH`,
  );

  // The live view: tasks, tree and provers, from the market's events and task views.
  const view = new JobView(prep.tasks, provers);
  let done = 0;
  let killedTask: Task | undefined;
  let last: JobEvent | undefined;
  let drawing = false;
  let stuckSince: number | undefined;
  /** How many times the clock was moved for each task (a killed node, still staked, can be drawn again). */
  const warps = new Map<bigint, number>();
  let lastEventAt = Date.now();
  const redraw = async () => {
    if (drawing) return;
    drawing = true;
    try {
      await view.refresh(pc, d.addresses.market, jobId);
      // Halfway: kill the node(s) holding an open task, so that its work is seen re-drawn to another.
      if (view.victims.length < KILL && done >= Math.floor(prep.tasks.length / 2)) {
        const open = view.openTasks().find((o) => provers.some((p) => p.address === o.assignee && !p.killedAt));
        if (open) {
          const p = provers.find((x) => x.address === open.assignee)!;
          p.killedAt = done;
          p.proc!.killed = true;
          signalGroup(p.proc!, "SIGKILL");
          view.victims.push(p.letter);
          killedTask = open.task;
          say(
            "kill",
            red(
              `killed prover ${p.letter} (pid ${p.proc!.child.pid}) holding ${label(open.task)}: after its ${opt.window} s window the market re-draws it`,
            ),
          );
        }
      }
      // When every open task waits on a killed node, nothing happens until its window ends: unless --no-warp,
      // the chain's clock is moved past it (evm_increaseTime) so that the next attempt is drawn now.
      const open = view.openTasks();
      const dead = (a: Address) => provers.some((p) => p.address === a && p.killedAt !== undefined);
      // Only once that has held for 4 s with no event (a task that just became available, or an attempt whose
      // draw is not final yet, would otherwise lose its window to the warp).
      const stuck = open.length > 0 && open.every((o) => dead(o.assignee));
      if (!stuck) stuckSince = undefined;
      else stuckSince ??= Date.now();
      const quiet = stuckSince !== undefined && Date.now() - Math.max(stuckSince, lastEventAt) >= 4000;
      if (opt.warp && stuck && quiet) {
        stuckSince = undefined;
        const now = (await pc.getBlock()).timestamp;
        // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
        const end = open.map((o) => view.windowEnd(o.task.id)).reduce((m, w) => (w < m ? w : m));
        if (end >= now) {
          await pc.request({ method: "evm_increaseTime" as never, params: [Number(end - now + 1n)] as never });
          await pc.request({ method: "evm_mine" as never, params: [] as never });
          const stuckTask = open
            .map((o) => o.task)
            .reduce((a, b) => (view.windowEnd(a.id) <= view.windowEnd(b.id) ? a : b));
          const n = (warps.get(stuckTask.id) ?? 0) + 1;
          warps.set(stuckTask.id, n);
          const who = letterOf(open.find((o) => o.task.id === stuckTask.id)!.assignee, provers);
          say(
            "warp",
            n === 1
              ? `${label(stuckTask)} waits on killed prover ${who}: chain time moved ${end - now + 1n} s past its window, the task is re-drawn`
              : `${label(stuckTask)} drawn to killed prover ${who} again (its stake counts in the draw until it is slashed): clock moved past its window, ${n}×`,
          );
        }
      }
      if (LIVE) {
        clearLive();
        const out = view.render(jobId, secs(tReq));
        process.stdout.write(out);
        liveLines = out.split("\n").length - 1;
      }
    } finally {
      drawing = false;
    }
  };
  const timer = setInterval(() => void redraw().catch(() => {}), 700);
  try {
    last = await followJob(pc, d.addresses.market, jobId, {
      fromBlock: reqReceipt.blockNumber,
      timeoutMs: Number(opt.timeout) * 1000,
      onEvent: (e) => {
        view.apply(e);
        lastEventAt = Date.now();
        if (e.kind === "submitted" || e.kind === "verified") done++;
        if (!LIVE) say("event", `${String(done).padStart(3)}/${prep.tasks.length} ${describe(e, provers)}`);
      },
    });
  } catch (e) {
    clearInterval(timer);
    const hint = provers.map((p) => p.proc!).find((p) => p.child.exitCode !== null && !p.killed);
    // One line: a typed error's short message and details (JobTimeoutError: "… did not settle … (N s from block …)").
    const err = e as Error & { shortMessage?: string; details?: string };
    const why = err.shortMessage
      ? `${err.name}: ${err.shortMessage}${err.details ? ` (${err.details})` : ""}`
      : String(e);
    return fail(`the job did not settle: ${why}`, hint ?? provers[0].proc);
  }
  clearInterval(timer);
  await redraw();
  clearLive();
  if (LIVE) process.stdout.write(view.render(jobId, secs(tReq)));
  const jobSeconds = Number(secs(tReq));
  if (last.kind !== "verified") return fail(`job ${jobId} ended: ${describe(last, provers)}`);
  say("verified", green(`job ${jobId} VERIFIED on-chain in ${jobSeconds} s: z_N = [${last.zOut.join(", ")}]`));
  // The work picked up: the first task a killed node missed (its held task, unless that node's submission
  // landed just before the kill — then a later draw it missed).
  const missedByVictim = view.missedTasks.filter((m) =>
    provers.some((p) => p.address === m.prover && p.killedAt !== undefined),
  );
  if (missedByVictim.length > 0) killedTask = prep.tasks.find((t) => t.id === missedByVictim[0].taskId) ?? killedTask;
  else if (killedTask)
    say(
      "note",
      `the killed node's submission of ${label(killedTask)} landed before the kill; it was drawn nothing after`,
    );
  if (killedTask && missedByVictim.length > 0) {
    const by = view.doneBy.get(killedTask.id);
    say("recovered", `${label(killedTask)} of the killed prover was done by ${by ? letterOf(by, provers) : "?"}`);
  }

  // Every prover releases its tasks' rewards and claims them (the killed ones too: the devnet holds their keys).
  const rows = [];
  const gasBy = await gasPerProver(pc, d.addresses.market, jobId, reqReceipt.blockNumber);
  for (const p of provers) {
    const mine = [...view.doneBy.entries()].filter(([, a]) => a === p.address).map(([id]) => id);
    // Chunks and merges are released after verification; the decision was credited by JobVerified itself.
    const releasable = mine.filter((id) => id !== DECISION_TASK);
    const w = createWalletClient({ account: privateKeyToAccount(p.key), transport });
    let claimed = 0n;
    let claimGas = 0n;
    const unpaid = [];
    for (const id of releasable) {
      const t = await pc.readContract({
        address: d.addresses.market,
        abi: MarketAbi,
        functionName: "getTask",
        args: [jobId, id],
      });
      if (t.state !== 3) unpaid.push(id);
    }
    if (unpaid.length > 0) {
      const r1 = await pc.waitForTransactionReceipt({
        hash: await w.writeContract({
          address: d.addresses.market,
          abi: MarketAbi,
          functionName: "release",
          args: [jobId, unpaid],
          chain: undefined,
        }),
      });
      claimGas += r1.gasUsed;
    }
    const owed = await pc.readContract({
      address: d.addresses.market,
      abi: MarketAbi,
      functionName: "claimable",
      args: [p.address, zeroAddress],
    });
    if (owed > 0n) {
      const r2 = await pc.waitForTransactionReceipt({
        hash: await w.writeContract({
          address: d.addresses.market,
          abi: MarketAbi,
          functionName: "claim",
          args: [zeroAddress],
          chain: undefined,
        }),
      });
      for (const ev of parseEventLogs({ abi: MarketAbi, logs: r2.logs, eventName: "Claimed" }))
        claimed += ev.args.amount;
      claimGas += r2.gasUsed;
      if (claimed !== owed) return fail(`prover ${p.letter} claimed ${claimed}, owed ${owed}`);
    }
    rows.push({
      prover: p.letter,
      address: p.address,
      capacity: `2^${20 - p.index}`,
      tasks: mine.length,
      missed: view.missedBy.get(p.address) ?? 0,
      earnedWei: claimed,
      gasSubmit: gasBy.get(p.address) ?? 0n,
      gasClaim: claimGas,
      killed: p.killedAt !== undefined,
    });
  }
  const wall = Number(secs());
  printTable(rows, reqReceipt.gasUsed, jobSeconds, wall);

  // The indexer has followed the same job: its tree (what the dashboard draws) must show it verified.
  let indexed: { nodes: number; verified: boolean; provers: string[] } | null = null;
  if (indexer) {
    const t6 = performance.now();
    const tree = await waitUntil(
      async () => {
        const r = await fetch(`${indexerUrl}/api/jobs/${jobId}/tree`);
        if (!r.ok) return undefined;
        const t = (await r.json()) as { nodes: { prover: string | null }[]; decision: { state: string } };
        return t.decision.state === "verified" ? t : undefined;
      },
      240_000,
      "the indexer to index the verified job",
      indexer,
    );
    indexed = {
      nodes: tree.nodes.length,
      verified: true,
      provers: [...new Set(tree.nodes.map((n) => n.prover).filter((p): p is string => !!p))],
    };
    say(
      "indexer",
      `job ${jobId} indexed: ${indexed.nodes} tree nodes, verified (${secs(t6)} s more); dashboard ${indexerUrl}/dashboard`,
    );
  }
  const summary = {
    jobId,
    verified: true,
    zN: last.zOut,
    steps: STEPS,
    tasks: prep.tasks.length,
    killed: view.victims,
    killedTask: killedTask ? label(killedTask) : null,
    killedTaskDoneBy: killedTask ? letterOf(view.doneBy.get(killedTask.id) ?? zeroAddress, provers) : null,
    victimMissed: missedByVictim.length,
    provers: rows,
    requestGas: reqReceipt.gasUsed,
    jobSeconds,
    wallSeconds: wall,
    rpc: RPC,
    indexer: indexer ? indexerUrl : null,
    indexed,
    deployment: depFile,
  };
  writeFileSync(
    join(DIR, "summary.json"),
    JSON.stringify(summary, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
  );
  clearInterval(ticker);
  if (opt.keep) {
    const live = setInterval(
      () => pc.request({ method: "evm_mine" as never, params: [] as never }).catch(() => {}),
      1000,
    );
    say(
      "keep",
      `the network stays up (Ctrl-C stops it). From another terminal:\n` +
        `    export NOVANET_RPC_URL=${RPC} NOVANET_DEPLOYMENT=${depFile} NOVANET_PRIVATE_KEY=$(cat ${join(DIR, "keys", "1.key")})\n` +
        `    npx novanet request --circuit-id ${reg.circuitId} --circuit ${opt.circuit} --steps 8 --input '${JSON.stringify(z0.map(String))}'\n` +
        (indexer ? `    dashboard: ${indexerUrl}/dashboard` : ""),
    );
    void live;
    return;
  }
  await stopAll();
  say("done", `stopped every process; logs in ${opt.dir}/logs, summary in ${opt.dir}/summary.json`);
  process.exit(0);
}

// ------------------------------------------------------------------ the job's view

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const letterOf = (a: Address, provers: Prover[]) => provers.find((p) => p.address === a)?.letter ?? short(a);
function label(t: Task): string {
  return t.id === DECISION_TASK ? "the decision" : `${t.kind} [${t.a}, ${t.c})`;
}
function describe(e: JobEvent, provers: Prover[]): string {
  switch (e.kind) {
    case "submitted": {
      if (e.taskId === DECISION_TASK) return `decision proof by ${letterOf(e.prover, provers)} (verified on-chain)`;
      const { a, c } = nodeRange(e.taskId);
      return `${e.taskKind} [${a}, ${c}) by ${letterOf(e.prover, provers)}`;
    }
    case "missed":
      return yellow(
        `task ${e.taskId === DECISION_TASK ? "decision" : `[${nodeRange(e.taskId).a}, ${nodeRange(e.taskId).c})`} missed by ${letterOf(e.prover, provers)} (attempt ${e.attempt}): re-drawn`,
      );
    case "verified":
      return green(`JobVerified z_N = [${e.zOut.join(", ")}]`);
    case "ended":
      return red(`job ${e.status}`);
  }
}

class JobView {
  readonly doneBy = new Map<bigint, Address>();
  readonly missedBy = new Map<Address, number>();
  readonly victims: string[] = [];
  readonly missedTasks: { taskId: bigint; prover: Address }[] = [];
  private assignee = new Map<bigint, { address: Address; windowEnd: bigint; state: number }>();
  private verified = false;

  constructor(
    readonly tasks: Task[],
    readonly provers: Prover[],
  ) {}

  apply(e: JobEvent): void {
    if (e.kind === "submitted") this.doneBy.set(e.taskId, e.prover);
    if (e.kind === "missed") {
      this.missedBy.set(e.prover, (this.missedBy.get(e.prover) ?? 0) + 1);
      this.missedTasks.push({ taskId: e.taskId, prover: e.prover });
    }
    if (e.kind === "verified") {
      this.verified = true;
      this.doneBy.set(DECISION_TASK, e.prover); // the decision is submitted by the call that verifies the job
    }
  }

  async refresh(pc: PublicClient, market: Address, jobId: bigint): Promise<void> {
    await Promise.all(
      this.tasks
        .filter((t) => !this.doneBy.has(t.id))
        .map(async (t) => {
          const v = await pc.readContract({
            address: market,
            abi: MarketAbi,
            functionName: "getTask",
            args: [jobId, t.id],
          });
          this.assignee.set(t.id, { address: getAddress(v.assignee), windowEnd: v.windowEnd, state: v.state });
        }),
    );
  }

  openTasks(): { task: Task; assignee: Address }[] {
    return this.tasks
      .filter((t) => !this.doneBy.has(t.id))
      .map((t) => ({ task: t, a: this.assignee.get(t.id) }))
      .filter((x) => x.a && x.a.state === 1 && x.a.address !== zeroAddress)
      .map((x) => ({ task: x.task, assignee: x.a!.address }));
  }

  windowEnd(id: bigint): bigint {
    return this.assignee.get(id)?.windowEnd ?? 0n;
  }

  private cell(t: Task): string {
    const by = this.doneBy.get(t.id);
    const span = t.id === DECISION_TASK ? "decide" : `${t.a}-${t.c}`;
    if (by) return green(`[${span} ${letterOf(by, this.provers)}]`);
    const a = this.assignee.get(t.id);
    if (a && a.state === 1 && a.address !== zeroAddress) {
      const who = letterOf(a.address, this.provers);
      const dead = this.provers.find((p) => p.address === a.address)?.killedAt !== undefined;
      return dead ? red(`[${span} ${who}✗]`) : yellow(`[${span} ${who}…]`);
    }
    return dim(`[${span}  ]`);
  }

  render(jobId: bigint, s: string): string {
    const n = this.tasks.length;
    const d = this.doneBy.size;
    const width = 32;
    const fill = Math.round((d / n) * width);
    const lines: string[] = [];
    lines.push(
      `${bold(`job ${jobId}`)} ${green("█".repeat(fill))}${dim("░".repeat(width - fill))} ${d}/${n} tasks  ${s} s${this.verified ? green("  VERIFIED") : ""}`,
    );
    // The fold tree, root first: one row per depth (merges by their range), chunks at the bottom.
    const merges = this.tasks.filter((t) => t.kind === "merge");
    const byDepth = new Map<number, Task[]>();
    const depth = (t: Task) => {
      let k = 0;
      for (const m of merges) if (m.a <= t.a && t.c <= m.c && (m.a !== t.a || m.c !== t.c)) k++;
      return k;
    };
    for (const t of merges) byDepth.set(depth(t), [...(byDepth.get(depth(t)) ?? []), t]);
    const decision = this.tasks.find((t) => t.kind === "decision");
    if (decision) lines.push(`  ${this.cell(decision)}`);
    for (const k of [...byDepth.keys()].sort((a, b) => a - b)) {
      lines.push(
        `  ${byDepth
          .get(k)!
          .sort((x, y) => x.a - y.a)
          .map((t) => this.cell(t))
          .join(" ")}`,
      );
    }
    lines.push(
      `  ${this.tasks
        .filter((t) => t.kind === "chunk")
        .map((t) => this.cell(t))
        .join(" ")}`,
    );
    const counts = this.provers.map((p) => {
      const k = [...this.doneBy.values()].filter((a) => a === p.address).length;
      const state = p.killedAt !== undefined ? red("killed") : green("up");
      return `${p.letter}:${k} ${state}`;
    });
    lines.push(`  provers ${counts.join("  ")}`);
    return `${lines.join("\n")}\n`;
  }
}

/** Gas of each prover's submissions for the job (receipts of its NodeSubmitted and JobVerified transactions). */
async function gasPerProver(
  pc: PublicClient,
  market: Address,
  jobId: bigint,
  from: bigint,
): Promise<Map<Address, bigint>> {
  const logs = [
    ...(await pc.getContractEvents({
      address: market,
      abi: MarketAbi,
      eventName: "NodeSubmitted",
      args: { jobId },
      fromBlock: from,
    })),
    ...(await pc.getContractEvents({
      address: market,
      abi: MarketAbi,
      eventName: "JobVerified",
      args: { jobId },
      fromBlock: from,
    })),
  ];
  const out = new Map<Address, bigint>();
  const seen = new Set<Hex>();
  for (const l of logs) {
    if (seen.has(l.transactionHash)) continue;
    seen.add(l.transactionHash);
    const r = await pc.getTransactionReceipt({ hash: l.transactionHash });
    const who = getAddress(r.from);
    out.set(who, (out.get(who) ?? 0n) + r.gasUsed);
  }
  return out;
}

function printTable(
  rows: {
    prover: string;
    address: Address;
    capacity: string;
    tasks: number;
    missed: number;
    earnedWei: bigint;
    gasSubmit: bigint;
    gasClaim: bigint;
    killed: boolean;
  }[],
  requestGas: bigint,
  jobSeconds: number,
  wall: number,
): void {
  const head = ["prover", "address", "capacity", "tasks", "missed", "earned (ETH)", "gas: submit", "gas: claim", ""];
  const body = rows.map((r) => [
    r.prover,
    short(r.address),
    r.capacity,
    String(r.tasks),
    String(r.missed),
    formatEther(r.earnedWei),
    String(r.gasSubmit),
    String(r.gasClaim),
    r.killed ? "killed halfway" : "",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(w[i]))
      .join("  ")
      .trimEnd();
  process.stdout.write(`\n${bold(line(head))}\n${body.map(line).join("\n")}\n`);
  const total = rows.reduce((s, r) => s + r.earnedWei, 0n);
  const gas = rows.reduce((s, r) => s + r.gasSubmit + r.gasClaim, requestGas);
  process.stdout.write(
    `total paid ${formatEther(total)} ETH; gas ${gas} (request ${requestGas}); job ${jobSeconds} s; wall time ${wall} s\n\n`,
  );
}

main().catch(async (e) => {
  await fail(`${(e as Error).message?.split("\n")[0] ?? String(e)}`);
});
