/**
 * The prover network end to end: a `hardhat node` JSON-RPC chain, the NovaNet contracts with the real
 * `cubic` decider verifier, and four `novanet node run` processes on 127.0.0.1 that follow the market,
 * prove their drawn leaves, folds and the decision with the prover library, and exchange artefacts over
 * libp2p. The assignee of the decision is SIGKILLed after the first leaf lands: its tasks expire, are
 * reclaimed by the others, who finish them from the artefacts on the network, and the job is verified.
 * Restarted, the killed node resumes from its state and submits nothing already done.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { type Address, createPublicClient, createWalletClient, getAddress, type Hex, http, parseEventLogs } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { ProofMarketAbi } from "../../prover/src/chain/abi.js";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { srsRegistration } from "../../prover/src/commitment/srs.js";
import { loadOrCreatePeerKey } from "../../prover/src/net/network.js";
import { StateDb } from "../../prover/src/node/state.js";
import { deployNovaNet, readArtifact } from "../../scripts/deploy.js";
import { buildManifest } from "../helpers/manifest.js";
import { exited, killProcess, type Proc, startHardhatNode, startProcess, waitFor } from "../helpers/processes.js";
import { witnessChain } from "../helpers/prover.js";
import { deciderFixture, TEST_PTAU } from "../prover/decider/fixtures.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const E18 = 10n ** 18n;
const N_NODES = 4;
const N_LEAVES = 4;
const WINDOW = 20n;
const DECISION = (1n << 256n) - 1n;

describe("novanet node: 4 processes, a real chain, one node killed", function () {
  this.timeout(600_000);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "novanet-e2e-"));
  const procs: Proc[] = [];
  let chain: Proc;
  let miner: NodeJS.Timeout | undefined;

  after(async () => {
    if (miner) clearInterval(miner);
    for (const p of procs) killProcess(p);
    if (chain) killProcess(chain);
    await Promise.all([...procs, ...(chain ? [chain] : [])].map(exited));
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  it("proves a 4-leaf job with real decider keys, survives a SIGKILL, and the restarted node redoes nothing", async () => {
    const d = await deciderFixture("cubic"); // decider keys cached under .novanet/keys (beacon-only dev keys)
    chain = await startHardhatNode(port);
    // A real chain makes blocks whether or not there are transactions; hardhat's automine does not, so a
    // block a second keeps chain time (and task deadlines) moving.
    miner = setInterval(() => {
      fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
      }).catch(() => {});
    }, 1000);
    const account = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
    const publicClient = createPublicClient({ chain: { ...hardhat, id: 31337 }, transport: http(rpcUrl) });
    const wallet = (i: number) =>
      createWalletClient({ chain: { ...hardhat, id: 31337 }, transport: http(rpcUrl), account: account(i) });
    const owner = wallet(0);
    const addrs = await deployNovaNet(
      // biome-ignore lint/suspicious/noExplicitAny: plain viem clients.
      { publicClient: publicClient as any, walletClient: owner as any },
      { minStake: 100n * E18, market: { taskWindow: WINDOW, livenessBond: 1n * E18 } },
    );
    const send = async (
      w: ReturnType<typeof wallet>,
      address: Address,
      abi: readonly unknown[],
      fn: string,
      args: unknown[],
    ) => {
      // biome-ignore lint/suspicious/noExplicitAny: generic helper.
      const hash = await w.writeContract({ address, abi, functionName: fn, args } as any);
      const r = await publicClient.waitForTransactionReceipt({ hash });
      assert.equal(r.status, "success", `${fn} reverted`);
      return r;
    };
    const deployArtifact = async (name: string, source: string, args: unknown[] = []) => {
      const a = readArtifact(name, source);
      // biome-ignore lint/suspicious/noExplicitAny: artifact ABI.
      const hash = await owner.deployContract({ abi: a.abi, bytecode: a.bytecode, args } as any);
      return getAddress((await publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address);
    };
    const verifier = await deployArtifact(
      "TestOnlyCubicDeciderVerifier",
      "decider/generated/TestOnlyCubicDeciderVerifier.sol",
    );
    const circuitsAbi = readArtifact("CircuitRegistry").abi;
    const shape = d.circuit.shape;
    await send(owner, addrs.circuitRegistry, circuitsAbi, "registerCircuit", [
      shape.r1csHash,
      BigInt(shape.m),
      BigInt(shape.nW),
      shape.s,
      srsRegistration(d.srs),
      verifier,
      100_000n,
    ]);
    const tokenAbi = readArtifact("TestToken", "mocks/TestToken.sol").abi;
    const feeToken = await deployArtifact("TestToken", "mocks/TestToken.sol", ["Fee", "FEE"]);

    // Four operators: config, key file, `novanet node register` and `stake`.
    const peerIds: string[] = [];
    const configs: string[] = [];
    const basePort = port + 1;
    for (let i = 0; i < N_NODES; i++) {
      const nd = join(dir, `node${i}`);
      mkdirSync(nd, { recursive: true });
      const key = await loadOrCreatePeerKey(join(nd, "peer.key"));
      peerIds.push(peerIdFromPrivateKey(key).toString());
    }
    for (let i = 0; i < N_NODES; i++) {
      const nd = join(dir, `node${i}`);
      const acct = account(2 + i);
      const pk = `0x${Buffer.from(acct.getHdKey().privateKey as Uint8Array).toString("hex")}`;
      writeFileSync(join(nd, "key"), pk, { mode: 0o600 });
      const cfg = {
        rpcUrl,
        market: addrs.proofMarket,
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
        reclaimGraceS: 1,
        feeToken,
      };
      const file = join(nd, "node.json");
      writeFileSync(file, JSON.stringify(cfg, null, 2));
      configs.push(file);
      await send(owner, addrs.stakeToken, tokenAbi, "mint", [acct.address, 1000n * E18]);
      await send(wallet(2 + i), addrs.stakeToken, tokenAbi, "approve", [addrs.proverRegistry, 2n ** 255n]);
      assert.equal(await nodeCommand(["register", "--config", file, "--capacity", "1048576"]), 0);
      assert.equal(await nodeCommand(["stake", "--config", file, "--amount", "500"]), 0);
    }

    const startNode = (i: number) => {
      const p = startProcess(`node${i}`, process.execPath, [
        "prover/bin/novanet.js",
        "node",
        "run",
        "--config",
        configs[i],
      ]);
      procs.push(p);
      return p;
    };
    const nodes = Array.from({ length: N_NODES }, (_, i) => startNode(i));
    await waitFor(
      () => nodes.every((p) => p.out.some((l) => l.includes('"msg":"started"'))) || undefined,
      120_000,
      "nodes started",
    );

    // The requester asks for z_4 = F^4(3).
    const z0 = [3n];
    const ws = await witnessChain(d.circuit.source, z0, N_LEAVES);
    const states = [z0, ...ws.map((w) => w.slice(1, 1 + shape.s))];
    const manifest = buildManifest(states);
    const requester = wallet(1);
    await send(owner, feeToken, tokenAbi, "mint", [account(1).address, 10_000n * E18]);
    await send(requester, feeToken, tokenAbi, "approve", [addrs.proofMarket, 2n ** 255n]);
    const now = (await publicClient.getBlock()).timestamp;
    const rc = await send(requester, addrs.proofMarket, ProofMarketAbi, "requestProof", [
      1n,
      z0,
      N_LEAVES,
      manifest.root,
      feeToken,
      1000n * E18,
      now + 86400n,
    ]);
    const [req] = parseEventLogs({ abi: ProofMarketAbi, logs: rc.logs, eventName: "JobRequested" });
    const jobId = req.args.jobId;
    const assigned = parseEventLogs({ abi: ProofMarketAbi, logs: rc.logs, eventName: "TaskAssigned" });
    const nodeOf = (addr: string) =>
      Array.from({ length: N_NODES }, (_, i) => account(2 + i).address.toLowerCase()).indexOf(addr.toLowerCase());
    const victimAddr = assigned.find((e) => e.args.taskId === DECISION)!.args.prover;
    const victim = nodeOf(victimAddr);
    assert.ok(victim >= 0);

    // SIGKILL the decision's assignee as soon as the first leaf is on-chain.
    const leafLogs = async () =>
      parseEventLogs({
        abi: ProofMarketAbi,
        logs: await publicClient.getLogs({ address: addrs.proofMarket, fromBlock: 0n }),
        eventName: "LeafSubmitted",
      });
    await waitFor(async () => ((await leafLogs()).length > 0 ? true : undefined), 120_000, "a first leaf");
    killProcess(nodes[victim]);
    await exited(nodes[victim]);

    const status = async () =>
      (
        await publicClient.readContract({
          address: addrs.proofMarket,
          abi: ProofMarketAbi,
          functionName: "getJob",
          args: [jobId],
        })
      ).status;
    await waitFor(async () => ((await status()) === 2 ? true : undefined), 400_000, "the job to be verified");

    const all = parseEventLogs({
      abi: ProofMarketAbi,
      logs: await publicClient.getLogs({ address: addrs.proofMarket, fromBlock: 0n }),
    });
    const verified = all.find((e) => e.eventName === "JobVerified");
    assert.ok(verified && verified.eventName === "JobVerified");
    assert.notEqual(
      verified.args.prover.toLowerCase(),
      victimAddr.toLowerCase(),
      "the decision was finished by another node",
    );
    const reclaimed = all.filter((e) => e.eventName === "TaskReclaimed");
    assert.ok(reclaimed.length >= 1, "the killed node's tasks were reclaimed");
    for (const e of reclaimed)
      if (e.eventName === "TaskReclaimed") assert.equal(e.args.previous.toLowerCase(), victimAddr.toLowerCase());
    const leaves = all.filter((e) => e.eventName === "LeafSubmitted").length;
    const folds = all.filter((e) => e.eventName === "FoldSubmitted").length;
    assert.equal(leaves, N_LEAVES);
    assert.equal(folds, N_LEAVES - 1);
    // The replacement took its inputs from the network (fetched from a peer), not only from its own work.
    const survivors = nodes.filter((_, i) => i !== victim);
    assert.ok(
      survivors.some((p) => p.out.some((l) => l.includes('"msg":"artefact fetched"'))),
      "an artefact was fetched over libp2p",
    );

    // Rewards: release every task; each distinct worker can claim.
    const taskIds = [
      ...Array.from({ length: N_LEAVES }, (_, k) => (BigInt(k) << 128n) | BigInt(k + 1)),
      (0n << 128n) | 2n,
      (2n << 128n) | 4n,
      (0n << 128n) | 4n,
      DECISION,
    ];
    await send(owner, addrs.proofMarket, ProofMarketAbi, "release", [jobId, taskIds]);
    const workers = new Set<string>();
    for (const t of taskIds) {
      const task = await publicClient.readContract({
        address: addrs.proofMarket,
        abi: ProofMarketAbi,
        functionName: "getTask",
        args: [jobId, t],
      });
      workers.add(task.worker.toLowerCase());
    }
    for (const w of workers) {
      const c = (await publicClient.readContract({
        address: addrs.proofMarket,
        abi: ProofMarketAbi,
        functionName: "claimable",
        args: [w as Hex, feeToken],
      })) as bigint;
      assert.ok(c > 0n, `worker ${w} has a reward`);
    }
    const claimer = [...workers].map(nodeOf).find((i) => i !== victim)!;
    assert.equal(await nodeCommand(["claim", "--config", configs[claimer]]), 0);
    assert.equal(await nodeCommand(["status", "--config", configs[claimer]]), 0);

    // Restart the killed node: it catches up from its cursor and submits nothing already done.
    const again = startNode(victim);
    await waitFor(() => again.out.some((l) => l.includes('"msg":"started"')) || undefined, 120_000, "restart");
    await new Promise((r) => setTimeout(r, 6000));
    killProcess(again, "SIGTERM");
    await exited(again);
    assert.ok(!again.out.some((l) => l.includes('"msg":"submitted"')), "the restarted node submitted nothing");
    assert.ok(
      again.out.some((l) => l.includes('"msg":"stopped"')),
      "SIGTERM drained and stopped the node",
    );
    const db = new StateDb(join(dir, `node${victim}`));
    const open = db.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE state IN ('assigned', 'submitted')").get() as {
      n: number;
    };
    db.close();
    assert.equal(Number(open.n), 0, "no task left pending in the restarted node's state");
  });
});
