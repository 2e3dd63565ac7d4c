/**
 * The network commands of `novanet` (docs/apps.md, docs/operators.md): `deploy`, `circuit register|list`,
 * `request` and `job status`. Keys come from `--key-file` or NOVANET_PRIVATE_KEY, never from argv. Loaded
 * lazily by main.ts; `circuit register` is the only one that loads the prover (to make the decider keys).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  formatEther,
  getAddress,
  type Hex,
  http,
  isAddress,
  keccak256,
  type PublicClient,
  parseEther,
  parseEventLogs,
  stringToHex,
  type Transport,
  type WalletClient,
  zeroHash,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { followJob, type JobEvent, jobEvents, prepareRequest } from "../app/request.js";
import type { R1csShape } from "../arith/r1cs.js";
import { CircuitRegistryAbi, MarketAbi } from "../chain/abi.js";
import { type Deployment, readDeployment } from "../chain/deploy.js";
import type { Srs } from "../commitment/srs.js";
import { InputFileError, UsageError } from "../errors/cli.js";
import { ChainError } from "../errors/node.js";
import { DevKeysRefusedError } from "../errors/trust.js";
import { DECISION_TASK, jobTasks, nodeRange } from "../tree/shape.js";
import type { Io } from "./main.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

type ChainOpts = { rpc: string; deployment?: string; keyFile?: string; json?: boolean };
export type Wallet = WalletClient<Transport, Chain, Account>;

const json = (o: unknown) => `${JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`;

/** The signing key: `--key-file` or NOVANET_PRIVATE_KEY. */
export function loadKey(keyFile?: string): Hex {
  let k = process.env.NOVANET_PRIVATE_KEY;
  if (keyFile) {
    try {
      k = readFileSync(keyFile, "utf8").trim();
    } catch (cause) {
      throw new InputFileError("cannot read the --key-file", { details: keyFile, cause });
    }
  }
  if (!k) throw new UsageError("no key: pass --key-file <file> or set NOVANET_PRIVATE_KEY (never on the command line)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new InputFileError("the private key is not 0x + 64 hex digits");
  return k as Hex;
}

/** A public client on `rpc` and the chain it serves (fails fast when nothing answers). */
export async function connect(rpc: string): Promise<{ publicClient: PublicClient; chain: Chain }> {
  const transport = http(rpc, { retryCount: 0, timeout: 30_000 });
  const probe = createPublicClient({ transport });
  let id: number;
  try {
    id = await probe.getChainId();
  } catch (cause) {
    throw new ChainError("no JSON-RPC answers at --rpc", { details: rpc, cause });
  }
  const chain = defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  return { publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }) as PublicClient, chain };
}

async function clients(o: ChainOpts): Promise<{ publicClient: PublicClient; wallet: Wallet }> {
  const key = loadKey(o.keyFile);
  const { publicClient, chain } = await connect(o.rpc);
  const wallet = createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(o.rpc) });
  return { publicClient, wallet };
}

function deployment(o: ChainOpts, publicChainId?: number): Deployment {
  const d = readDeployment(o.deployment ?? "deployment.json");
  if (publicChainId !== undefined && d.chainId !== publicChainId) {
    throw new ChainError("the deployment is for another chain", {
      details: `${o.deployment}: chainId ${d.chainId}, --rpc serves ${publicChainId}`,
    });
  }
  return d;
}

const uint = (v: string | undefined, name: string): bigint | undefined => {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer`, { details: v });
  return BigInt(v);
};

const addressOpt = (v: string | undefined, name: string): Address | undefined => {
  if (v === undefined) return undefined;
  if (!isAddress(v)) throw new UsageError(`--${name} is not an address`, { details: v });
  return getAddress(v);
};

/** Sends a contract call and waits for its receipt; a revert is a typed error naming the function. */
async function send(
  pc: PublicClient,
  w: Wallet,
  // biome-ignore lint/suspicious/noExplicitAny: generic over the contract's ABI
  call: { address: Address; abi: any; functionName: string; args: readonly unknown[]; value?: bigint },
) {
  let hash: Hex;
  try {
    const { request } = await pc.simulateContract({ ...call, account: w.account });
    hash = await w.writeContract(request);
  } catch (cause) {
    const c = cause as { shortMessage?: string; message?: string };
    throw new ChainError(`${call.functionName} would revert`, {
      details: (c.shortMessage ?? c.message ?? String(cause)).split("\n")[0],
      cause,
    });
  }
  const receipt = await pc.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new ChainError(`${call.functionName} reverted`, { details: hash });
  return receipt;
}

// ------------------------------------------------------------------ deploy

type DeployOpts = ChainOpts & {
  out: string;
  window?: string;
  disputeWindow?: string;
  minStake?: string;
  feeToken?: string;
  stakeToken?: string;
};

export async function deployCommand(o: DeployOpts, io: Io): Promise<number> {
  const { publicClient, wallet } = await clients(o);
  const { deployNetwork, writeDeployment, DEFAULT_V2_PARAMS } = await import("../chain/deploy.js");
  const t0 = performance.now();
  const params: Record<string, bigint> = {};
  const window = uint(o.window, "window");
  const disputeWindow = uint(o.disputeWindow, "dispute-window");
  for (const [k, v] of [
    ["window", window],
    ["dispute-window", disputeWindow],
  ] as const) {
    if (v !== undefined && (v < 60n || v > 604_800n)) throw new UsageError(`--${k} must be 60…604800 seconds`);
  }
  if (window !== undefined) params.window = window;
  if (disputeWindow !== undefined) params.disputeWindow = disputeWindow;
  const minStake = o.minStake === undefined ? undefined : parseEther(o.minStake);
  // The market bounds the liveness bond and the dispute slash by 10 minimum stakes (MarketInvalidParams).
  const { disputeSlash, livenessBond } = DEFAULT_V2_PARAMS;
  // biome-ignore lint/complexity/useMathMinMax: bigint operands
  const slash = livenessBond < disputeSlash ? disputeSlash : livenessBond;
  if (minStake !== undefined && minStake * 10n < slash) {
    throw new UsageError(
      `--min-stake must be at least ${formatEther(slash / 10n)} (the slashes are at most 10 minimum stakes)`,
    );
  }
  const d = await deployNetwork(
    { publicClient, walletClient: wallet },
    {
      params,
      minStake,
      feeToken: addressOpt(o.feeToken, "fee-token"),
      stakeToken: addressOpt(o.stakeToken, "stake-token"),
    },
  );
  writeDeployment(o.out, d);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (o.json) io.out(json({ ...d, file: resolve(o.out), seconds: Number(s) }));
  else {
    io.out(`deployed NovaNet v2 on chain ${d.chainId} in ${s} s (block ${d.startBlock})\n`);
    io.out(`  market          ${d.addresses.market}\n`);
    io.out(`  proverRegistry  ${d.addresses.proverRegistry}\n`);
    io.out(`  circuitRegistry ${d.addresses.circuitRegistry}\n`);
    io.out(`  stakeToken      ${d.addresses.stakeToken}\n`);
    if (d.addresses.feeToken) io.out(`  feeToken        ${d.addresses.feeToken}\n`);
    io.out(`wrote ${o.out}\n`);
  }
  return 0;
}

// ------------------------------------------------------------------ circuit register | list

type RegisterOpts = ChainOpts & {
  circuit: string;
  ptau?: string;
  insecureDevKeys?: boolean;
  cache?: string;
  decider?: string;
  /** A decider v3 ceremony folder (`novanet ceremony … --decider v3 --ptau`): deploy its verified final key. */
  keys?: string;
};

/** What `circuit register` prints, and what a node's config needs for this circuit. */
export type Registration = {
  circuitId: string;
  r1csHash: Hex;
  decider: Address;
  deciderCodehash: Hex;
  r1cs: string;
  wasm: string;
  ptau: string;
  srsPowers: number;
  stateWidth: number;
  nConstraints: number;
  devKeys: boolean;
  vkey: string;
  /** 3: a `DeciderVerifierV3` (default); 2: a rendered v2 verifier (hashed `D_F`). */
  deciderVersion: number;
};

export async function circuitRegisterCommand(o: RegisterOpts, io: Io): Promise<number> {
  if (o.keys !== undefined && ((o.decider ?? "v3") !== "v3" || o.ptau === undefined)) {
    throw new UsageError("--keys <ceremony> needs --decider v3 and the --ptau its keys (and the SRS) come from");
  }
  if (!o.insecureDevKeys && o.keys === undefined) {
    throw new DevKeysRefusedError(
      "circuit register makes beacon-only decider keys (anyone can forge proofs): pass --insecure-dev-keys on a devnet; real keys come from `novanet ceremony`",
    );
  }
  const { publicClient, wallet } = await clients(o);
  const d = deployment(o, await publicClient.getChainId());
  const t0 = performance.now();
  const cache = resolve(o.cache ?? ".novanet");
  const [{ compileCircuit }, { loadR1cs }, { srsRegistration }] = await Promise.all([
    import("../circuits/compile.js"),
    import("../arith/r1cs.js"),
    import("../commitment/srs.js"),
  ]);
  const version = o.decider ?? "v3";
  if (version !== "v3" && version !== "v2") throw new UsageError("--decider must be v3 or v2");
  const c = await compileCircuit(o.circuit, { cacheDir: join(cache, "circuits") });
  const shape = await loadR1cs(c.r1csPath);
  const srsPowers = Math.max(shape.nW, shape.m, 1) + 1;
  const dep =
    version === "v3"
      ? await deployDeciderV3(shape, srsPowers, o.ptau, cache, publicClient, wallet, {
          ceremony: o.keys,
          circuit: c.r1csPath,
          allowDevKeys: o.insecureDevKeys ?? false,
        })
      : await deployDeciderV2(shape, srsPowers, o.ptau, cache, publicClient, wallet);
  const { decider, ptau, srs, deciderConstraints, vkey, devKeys } = dep;
  const receipt = await send(publicClient, wallet, {
    address: d.addresses.circuitRegistry,
    abi: CircuitRegistryAbi,
    functionName: "registerCircuit",
    args: [
      shape.r1csHash as Hex,
      BigInt(shape.m),
      BigInt(shape.nW),
      shape.s,
      srsRegistration(srs),
      decider,
      BigInt(deciderConstraints),
    ],
  });
  const ev = parseEventLogs({ abi: CircuitRegistryAbi, logs: receipt.logs, eventName: "CircuitRegistered" })[0];
  const r: Registration = {
    circuitId: ev.args.circuitId.toString(),
    r1csHash: shape.r1csHash as Hex,
    decider,
    deciderCodehash: ev.args.deciderCodehash,
    r1cs: c.r1csPath,
    wasm: c.wasmPath,
    ptau: resolve(ptau),
    srsPowers,
    stateWidth: shape.s,
    nConstraints: shape.m,
    devKeys,
    vkey,
    deciderVersion: version === "v3" ? 3 : 2,
  };
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (o.json) io.out(json({ ...r, seconds: Number(s) }));
  else {
    io.out(
      `registered circuit ${r.circuitId} (${c.name}, ${shape.m} constraints, state width ${shape.s}) in ${s} s\n` +
        `  r1csHash ${r.r1csHash}\n  decider  ${decider} (${version}) — ${devKeys ? "INSECURE DEV KEYS: for devnets and tests only" : `ceremony keys (${o.keys}; nodes: deciderKey = ${dep.keyFile})`}\n`,
    );
  }
  return 0;
}

type Deployed = {
  decider: Address;
  ptau: string;
  srs: Srs;
  deciderConstraints: number;
  vkey: string;
  devKeys: boolean;
  /** The proving key file a node configures as `deciderKey` (ceremony keys only). */
  keyFile?: string;
};

/**
 * A v3 decider for `shape`, `DeciderVerifierV3` deployed with its key words: with `ceremony`, the final key
 * of that v3 ceremony after `ceremony export` re-verified it against the step circuit and `ptauOpt`
 * (whose keys come from that ptau, the one the SRS is loaded from; a dev-labelled transcript only with
 * `allowDevKeys`); otherwise beacon-only dev keys (cached; every node derives the same).
 */
async function deployDeciderV3(
  shape: R1csShape,
  srsPowers: number,
  ptauOpt: string | undefined,
  cache: string,
  publicClient: PublicClient,
  wallet: WalletClient<Transport, Chain, Account>,
  opts: { ceremony?: string; circuit: string; allowDevKeys: boolean } = { circuit: "", allowDevKeys: true },
): Promise<Deployed> {
  const [devsrs, { loadSrsFromPtau }, { deciderV3Keys }, { deciderV3Circuit }, { g2ToEvm }] = await Promise.all([
    import("../commitment/devsrs.js"),
    import("../commitment/srs.js"),
    import("../decider/bundleV3.js"),
    import("../decider/v3.js"),
    import("../curve/bn254.js"),
  ]);
  const ptau =
    ptauOpt ?? (await devsrs.ensureDevPtau(devsrs.devPowerFor(srsPowers + 1), { cacheDir: join(cache, "ptau") }));
  const srs = await loadSrsFromPtau(ptau, srsPowers);
  let keys: { words: bigint[]; vkeyPath: string; path: string };
  let devKeys = true;
  if (opts.ceremony) {
    const [{ ceremonyExportV3 }, { readKeys }, { vkeyWordsV3 }] = await Promise.all([
      import("../trust/ceremonyV3.js"),
      import("../groth16/keys.js"),
      import("../decider/v3.js"),
    ]);
    const out = join(opts.ceremony, "export");
    const r = await ceremonyExportV3(opts.ceremony, { circuit: opts.circuit, out, cacheDir: cache, ptau });
    if (r.kind !== "ceremony" && !opts.allowDevKeys) {
      throw new DevKeysRefusedError(
        `the ceremony's keys are labelled ${r.kind} (${r.reason}): pass --insecure-dev-keys on a devnet`,
      );
    }
    const { transcriptV3 } = await import("../trust/ceremonyV3.js");
    const files = transcriptV3(opts.ceremony);
    const pk = await readKeys(files[files.length - 1]);
    keys = {
      words: vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW),
      vkeyPath: r.files[0],
      path: files[files.length - 1],
    };
    devKeys = r.kind !== "ceremony";
  } else keys = await deciderV3Keys(shape, { cacheDir: cache, kind: "beacon-only" });
  const artifact = join(
    REPO_ROOT,
    "artifacts",
    "contracts",
    "decider",
    "DeciderVerifierV3.sol",
    "DeciderVerifierV3.json",
  );
  if (!existsSync(artifact)) throw new ChainError("DeciderVerifierV3's artifact is missing: run `npx hardhat build`");
  const { abi, bytecode } = JSON.parse(readFileSync(artifact, "utf8")) as { abi: Abi; bytecode: Hex };
  const tauG2 = g2ToEvm(srs.tauG2).flat();
  const hash = await wallet.deployContract({ abi, bytecode, args: [keys.words, tauG2] });
  const rc = await publicClient.waitForTransactionReceipt({ hash });
  if (rc.status !== "success" || !rc.contractAddress) throw new ChainError("the decider v3 verifier did not deploy");
  return {
    decider: getAddress(rc.contractAddress),
    ptau,
    srs,
    deciderConstraints: deciderV3Circuit(shape).constraints.length,
    vkey: keys.vkeyPath,
    devKeys,
    ...(opts.ceremony ? { keyFile: keys.path } : {}),
  };
}

/** A v2 decider for `shape`: beacon-only snarkjs keys (cached), the rendered verifier compiled and deployed. */
async function deployDeciderV2(
  shape: R1csShape,
  srsPowers: number,
  ptauOpt: string | undefined,
  cache: string,
  publicClient: PublicClient,
  wallet: WalletClient<Transport, Chain, Account>,
): Promise<Deployed> {
  const [{ buildDecider }, devsrs, { loadSrsFromPtau }] = await Promise.all([
    import("../decider/circuit.js"),
    import("../commitment/devsrs.js"),
    import("../commitment/srs.js"),
  ]);
  const [{ setupDecider }, { exportDeciderVerifier }, { compileVerifier }, { terminateSnarkjsCurve }] =
    await Promise.all([
      import("../decider/setup.js"),
      import("../decider/solidity.js"),
      import("../decider/bundle.js"),
      import("../decider/snarkjs.js"),
    ]);
  const { layout } = buildDecider(shape);
  const ptau =
    ptauOpt ??
    (await devsrs.ensureDevPtau(devsrs.devPowerFor(srsPowers + 1, layout.nConstraints, layout.nPublic), {
      cacheDir: join(cache, "ptau"),
    }));
  const srs = await loadSrsFromPtau(ptau, srsPowers);
  const keys = await setupDecider(shape, ptau, {
    cacheDir: join(cache, "keys"),
    contribution: "beacon-only",
    log: () => {},
  });
  const name = "DevDeciderVerifier";
  // solc takes seconds: the compiled verifier is cached by its source's hash (a later run reuses it).
  const source = await exportDeciderVerifier(keys, srs.tauG2, name);
  // The key covers what solc reads: the rendered source and the contracts it imports (decider, interfaces, libraries).
  const contracts = join(REPO_ROOT, "contracts");
  const imported = ["decider", "interfaces", "libraries"].flatMap((d) =>
    readdirSync(join(contracts, d))
      .filter((f) => f.endsWith(".sol"))
      .sort()
      .map((f) => readFileSync(join(contracts, d, f), "utf8")),
  );
  const cached = join(
    cache,
    "verifiers",
    `${keccak256(stringToHex([source, ...imported].join("\0"))).slice(2, 18)}.json`,
  );
  let compiled: { abi: Abi; bytecode: Hex };
  if (existsSync(cached)) compiled = JSON.parse(readFileSync(cached, "utf8"));
  else {
    compiled = compileVerifier(source, name);
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(cached, JSON.stringify({ abi: compiled.abi, bytecode: compiled.bytecode }));
  }
  await terminateSnarkjsCurve();
  const hash = await wallet.deployContract({ abi: compiled.abi, bytecode: compiled.bytecode });
  const rc = await publicClient.waitForTransactionReceipt({ hash });
  if (rc.status !== "success" || !rc.contractAddress) throw new ChainError("the decider verifier did not deploy");
  return {
    decider: getAddress(rc.contractAddress),
    ptau,
    srs,
    deciderConstraints: layout.nConstraints,
    vkey: join(keys.dir, "vkey.json"),
    devKeys: true,
  };
}

export async function circuitListCommand(o: ChainOpts, io: Io): Promise<number> {
  const { publicClient } = await connect(o.rpc);
  const d = deployment(o, await publicClient.getChainId());
  const reg = d.addresses.circuitRegistry;
  const n = await publicClient.readContract({ address: reg, abi: CircuitRegistryAbi, functionName: "circuitCount" });
  const rows = [];
  for (let id = 1n; id <= n; id++) {
    const c = await publicClient.readContract({
      address: reg,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [id],
    });
    rows.push({ circuitId: id, ...c });
  }
  if (o.json) io.out(json(rows));
  else if (rows.length === 0) io.out("no circuits registered\n");
  else {
    for (const r of rows) {
      io.out(
        `${r.circuitId}  r1csHash ${r.r1csHash}  ${r.nConstraints} constraints  width ${r.stateWidth}  decider ${r.decider}  owner ${r.owner}\n`,
      );
    }
  }
  return 0;
}

// ------------------------------------------------------------------ request

type RequestOpts = ChainOpts & {
  circuitId: string;
  circuit: string;
  steps: string;
  input: string;
  fee: string;
  feeToken?: string;
  chunkLog?: string;
  deadline: string;
  follow: boolean;
  timeout: string;
  cache?: string;
};

/** z_0 from `--input`: a JSON array of decimal strings, or a file holding one. */
export function parseZ0(input: string): bigint[] {
  let text = input;
  if (!input.trim().startsWith("[")) {
    try {
      text = readFileSync(input, "utf8");
    } catch (cause) {
      throw new InputFileError("--input is neither a JSON array nor a readable file", { details: input, cause });
    }
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new InputFileError("--input is not JSON", { details: input, cause });
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string" && /^[0-9]+$/.test(x))) {
    throw new InputFileError("--input must be a JSON array of decimal strings", { details: text.slice(0, 100) });
  }
  return v.map((x) => BigInt(x));
}

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/** A human line for a job event. */
export function describeEvent(e: JobEvent): string {
  switch (e.kind) {
    case "submitted": {
      if (e.taskId === DECISION_TASK) return `decision submitted by ${short(e.prover)}`;
      const { a, c } = nodeRange(e.taskId);
      return `${e.taskKind} [${a}, ${c}) submitted by ${short(e.prover)}`;
    }
    case "missed":
      return `task ${e.taskId === DECISION_TASK ? "decision" : e.taskId} missed by ${short(e.prover)} (attempt ${e.attempt}): reassigned`;
    case "verified":
      return `VERIFIED: z_N = [${e.zOut.join(", ")}]`;
    case "ended":
      return `job ${e.status}`;
  }
}

export async function requestCommand(o: RequestOpts, io: Io): Promise<number> {
  const steps = uint(o.steps, "steps");
  if (!steps || steps < 1n) throw new UsageError("--steps must be a positive integer");
  const circuitId = uint(o.circuitId, "circuit-id")!;
  const chunkLog = uint(o.chunkLog, "chunk-log");
  const z0 = parseZ0(o.input);
  let fee: bigint;
  try {
    fee = parseEther(o.fee);
  } catch {
    throw new UsageError("--fee must be a decimal amount", { details: o.fee });
  }
  const { publicClient, wallet } = await clients(o);
  const d = deployment(o, await publicClient.getChainId());
  const feeToken =
    o.feeToken === "deployment"
      ? d.addresses.feeToken
      : o.feeToken === undefined
        ? undefined
        : addressOpt(o.feeToken, "fee-token");
  const { compileCircuit } = await import("../circuits/compile.js");
  const c = await compileCircuit(o.circuit, { cacheDir: join(resolve(o.cache ?? ".novanet"), "circuits") });
  if (z0.length !== c.stateWidth) {
    throw new InputFileError(`--input has ${z0.length} values; the circuit's state width is ${c.stateWidth}`);
  }
  const reg = await publicClient
    .readContract({
      address: d.addresses.circuitRegistry,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [circuitId],
    })
    .catch((cause) => {
      throw new ChainError(`circuit ${circuitId} is not registered`, { cause });
    });
  if (reg.r1csHash.toLowerCase() !== c.r1csHash.toLowerCase()) {
    throw new UsageError(`circuit ${circuitId} is not --circuit`, {
      details: `registered r1csHash ${reg.r1csHash}, ${o.circuit} has ${c.r1csHash}`,
    });
  }
  const prep = await prepareRequest({
    source: c,
    z0,
    steps: Number(steps),
    circuitId,
    fee,
    feeToken,
    chunkLog: chunkLog === undefined ? undefined : Number(chunkLog),
    deadlineIn: uint(o.deadline, "deadline"),
    requesterBondBps: d.params.requesterBondBps,
  });
  if (feeToken) {
    const allowance = await publicClient.readContract({
      address: feeToken,
      abi: erc20Abi,
      functionName: "allowance",
      args: [wallet.account.address, d.addresses.market],
    });
    if (allowance < prep.total) {
      await send(publicClient, wallet, {
        address: feeToken,
        abi: erc20Abi,
        functionName: "approve",
        args: [d.addresses.market, prep.total],
      });
    }
  }
  const receipt = await send(publicClient, wallet, {
    address: d.addresses.market,
    abi: MarketAbi,
    functionName: "requestProof",
    args: [prep.request],
    value: prep.value,
  });
  const ev = parseEventLogs({ abi: MarketAbi, logs: receipt.logs, eventName: "JobRequested" })[0];
  const jobId = ev.args.jobId;
  const tasks = prep.tasks.length;
  if (o.json) {
    io.out(
      json({
        event: "requested",
        jobId,
        tx: receipt.transactionHash,
        block: receipt.blockNumber,
        tasks,
        fee,
        bond: ev.args.bond,
        feeToken: prep.request.feeToken,
      }),
    );
  } else {
    const unit = feeToken ? "tokens" : "ETH";
    io.out(`job ${jobId}\n`);
    io.err(
      `requested: ${steps} steps, ${tasks} tasks, fee ${formatEther(fee)} ${unit} + bond ${formatEther(ev.args.bond)} ${unit} (tx ${receipt.transactionHash})\n`,
    );
  }
  if (!o.follow) return 0;
  const t0 = performance.now();
  let done = 0;
  const last = await followJob(publicClient, d.addresses.market, jobId, {
    fromBlock: receipt.blockNumber,
    timeoutMs: Number(uint(o.timeout, "timeout")) * 1000,
    onEvent: (e) => {
      if (e.kind === "submitted") done++;
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      if (o.json) io.out(json({ event: e.kind, jobId, ...e, done, tasks, seconds: Number(s) }));
      else io.err(`[${s.padStart(6)} s] ${String(done).padStart(3)}/${tasks} ${describeEvent(e)}\n`);
    },
  });
  return last.kind === "verified" ? 0 : 1;
}

// ------------------------------------------------------------------ job status

const STATUS = ["None", "Open", "Verified", "Cancelled", "Expired", "Voided", "Proposed"] as const;
const TASK_STATE = ["Waiting", "Open", "Done", "Paid"] as const;

export async function jobStatusCommand(id: string, o: ChainOpts & { follow?: boolean }, io: Io): Promise<number> {
  const jobId = uint(id, "jobId")!;
  const { publicClient } = await connect(o.rpc);
  const d = deployment(o, await publicClient.getChainId());
  const market = d.addresses.market;
  const read = async () => {
    const j = await publicClient
      .readContract({ address: market, abi: MarketAbi, functionName: "getJob", args: [jobId] })
      .catch((cause) => {
        throw new ChainError(`job ${jobId} is unknown`, { cause });
      });
    if (j.status === 0) throw new ChainError(`job ${jobId} is unknown`);
    // A bundle (submitted or proposed) is a job without tasks: only a requested job has a manifest.
    const shape = j.manifestRoot === zeroHash ? [] : jobTasks(j.nLeaves, j.chunkLog);
    const tasks = [];
    for (const t of shape) {
      const v = await publicClient.readContract({
        address: market,
        abi: MarketAbi,
        functionName: "getTask",
        args: [jobId, t.id],
      });
      tasks.push({
        taskId: t.id === DECISION_TASK ? "decision" : t.id.toString(),
        kind: t.kind,
        state: TASK_STATE[v.state],
        attempt: v.attempt,
        assignee: v.assignee,
        submitter: v.submitter,
      });
    }
    return { j, tasks, bundle: shape.length === 0 };
  };
  for (;;) {
    const { j, tasks, bundle } = await read();
    const status = STATUS[j.status];
    const done = tasks.filter((t) => t.state === "Done" || t.state === "Paid").length;
    if (o.json) {
      io.out(
        json({
          jobId,
          status,
          requester: j.requester,
          circuitId: j.circuitId,
          nLeaves: j.nLeaves,
          chunkLog: j.chunkLog,
          fee: j.fee,
          feeToken: j.feeToken,
          deadline: j.deadline,
          bundle,
          tasksDone: done,
          tasks,
        }),
      );
    } else {
      io.out(
        `job ${jobId}: ${status}, circuit ${j.circuitId}, ${j.nLeaves} steps, ${bundle ? (status === "Proposed" ? `a bundle in its challenge window until ${new Date(Number(j.deadline) * 1000).toISOString()}` : "a bundle") : `${done}/${tasks.length} tasks done`}, fee ${formatEther(j.fee)}${j.feeToken === "0x0000000000000000000000000000000000000000" ? " ETH" : ` of ${j.feeToken}`}\n`,
      );
      for (const t of tasks) {
        const range =
          t.taskId === "decision" ? "" : ` [${nodeRange(BigInt(t.taskId)).a}, ${nodeRange(BigInt(t.taskId)).c})`;
        io.out(
          `  ${t.kind.padEnd(8)}${range.padEnd(12)} ${t.state.padEnd(7)} attempt ${t.attempt} ${t.state === "Done" || t.state === "Paid" ? `by ${t.submitter}` : `assigned to ${t.assignee}`}\n`,
        );
      }
    }
    if (!o.follow || (status !== "Open" && status !== "Proposed")) return 0;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export { jobEvents };
