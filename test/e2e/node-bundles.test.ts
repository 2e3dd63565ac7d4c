/**
 * The node as a watcher of optimistic bundles (docs/node.md "Bundle watcher"), on a real chain (`hardhat node`)
 * with a real `novanet node run` process (test/e2e/nodeNet.ts). A second circuit is registered with the
 * test-only MockDeciderVerifier (it accepts a proof made from the instance alone), so a proposer can post
 * any root: the decider check at proposal passes and only the folds can tell. The challenge window is 60 s.
 *
 * A second node runs with `watchBundles: false` and never acts on a bundle.
 * The nodes reach the chain through a proxy that fails the first `eth_call`s of `challengeBundle` (HTTP 503):
 * the watcher logs, retries on the next poll, and still challenges in time. Then: a fraudulent proposal (its
 * root is not its folds' root) is challenged by the node, which is credited the bond; an honest proposal is
 * left alone (the node's nonce does not move) and is finalized by `novanet finalize` after the window, which
 * refuses before it with the typed error; a restarted node sends no second challenge.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Address,
  getAddress,
  type Hex,
  keccak256,
  type PublicClient,
  toFunctionSelector,
  zeroAddress,
} from "viem";
import { CircuitRegistryAbi, MarketAbi } from "../../prover/src/chain/abi.js";
import {
  type BundleClients,
  type BundleData,
  bundleFoldsReachRoot,
  bundleOf,
  bundleRoot,
  proposeBundle,
} from "../../prover/src/chain/bundles.js";
import { readArtifact } from "../../prover/src/chain/deploy.js";
import { nodeCommand } from "../../prover/src/cli/node.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../prover/src/curve/bn254.js";
import { domainSeparator } from "../../prover/src/folding/transcript.js";
import { runCli } from "../helpers/cli.js";
import { mockProof } from "../helpers/mockProof.js";
import { waitFor } from "../helpers/processes.js";
import { type NodeNet, startNodeNet } from "./nodeNet.js";

const N = 8;
const BOND_PER_LEAF = 10n ** 15n;
const CHALLENGE = toFunctionSelector(
  "challengeBundle(uint256,(uint256[],(uint256,uint256)[],(uint256,uint256)[],((uint256,uint256),(uint256,uint256),uint256,uint256[])))",
);

const point = () => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

/** An HTTP JSON-RPC proxy to `upstream` that answers 503 to the first `failures` calls of `challengeBundle`. */
function flakyProxy(upstream: string) {
  const state = { failures: 0, failed: 0, server: undefined as Server | undefined, url: "" };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (state.failures > 0 && body.includes(CHALLENGE.slice(2)) && /eth_call|eth_estimateGas/.test(body)) {
      state.failures--;
      state.failed++;
      res.statusCode = 503;
      res.end("unavailable");
      return;
    }
    try {
      const r = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
      res.statusCode = r.status;
      res.setHeader("content-type", "application/json");
      res.end(await r.text());
    } catch {
      res.statusCode = 502;
      res.end();
    }
  });
  state.server = server;
  return new Promise<typeof state>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      state.url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
      resolve(state);
    }),
  );
}

describe("novanet node watches optimistic bundles: challenges the fraudulent, leaves the honest", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-node-bundles-"));
  let net: NodeNet;
  let proxy: Awaited<ReturnType<typeof flakyProxy>>;
  let market: Address;
  let domain: Hex;
  let proposer: BundleClients;
  const port = 20000 + Math.floor(Math.random() * 20000);

  before(async () => {
    proxy = await flakyProxy(`http://127.0.0.1:${port}`);
    net = await startNodeNet({
      dir,
      nodes: 2,
      port,
      tweak: (i, cfg) => {
        cfg.rpcUrl = proxy.url;
        // Node 1 has the watcher off: it must neither record nor challenge anything.
        if (i === 1) cfg.watchBundles = false;
      },
    });
    market = net.deployment.addresses.market;
    const owner = net.wallet(0);
    // Circuit 2: the test-only mock decider, so that any root passes the proposal's decider check.
    const va = readArtifact("MockDeciderVerifier", "mocks/MockDeciderVerifier.sol");
    const r1csHash = keccak256("0x0b");
    // biome-ignore lint/suspicious/noExplicitAny: artifact ABI.
    const vh = await owner.deployContract({ abi: va.abi, bytecode: va.bytecode, args: [r1csHash, 1n] } as any);
    const verifier = getAddress((await net.publicClient.waitForTransactionReceipt({ hash: vh })).contractAddress!);
    const registry = net.deployment.addresses.circuitRegistry;
    const srs = { n: 1n, powersHash: keccak256("0x02"), tauG2: [0n, 0n, 0n, 0n] };
    await net.send(owner, registry, CircuitRegistryAbi, "registerCircuit", [
      r1csHash,
      4096n,
      100n,
      1,
      srs,
      verifier,
      100_000n,
    ]);
    const c = await net.publicClient.readContract({
      address: registry,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [2n],
    });
    domain = domainSeparator({ chainId: 31337n, market, r1csHash, srsDigest: c.srsDigest });
    await net.send(owner, market, MarketAbi, "setBundleParams", [60n, BOND_PER_LEAF]);
    // biome-ignore lint/suspicious/noExplicitAny: nodeNet's wallet is a plain viem wallet client.
    proposer = { publicClient: net.publicClient as PublicClient, walletClient: net.wallet(1) as any };
    await net.startAll();
  });
  after(async () => {
    await net?.stop();
    proxy?.server?.close();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  const lines = (msg: string, jobId: bigint) =>
    (net.procs[0]?.out ?? [])
      .filter((l) => l.includes(`"msg":"${msg}"`) && l.includes(`"jobId":"${jobId}"`))
      .map((l) => JSON.parse(l) as Record<string, string>);
  const nonce = (i = 0) => net.publicClient.getTransactionCount({ address: net.addresses[i] });
  const status = (jobId: bigint) => net.status(jobId);
  const claimable = (who: Address) =>
    net.publicClient.readContract({
      address: market,
      abi: MarketAbi,
      functionName: "claimable",
      args: [who, zeroAddress],
    });

  /** An honest bundle of N leaves (random points and states; its root is its folds' root). */
  async function honest(): Promise<BundleData> {
    const body = {
      states: Array.from({ length: N + 1 }, randomScalar),
      cmW: Array.from({ length: N }, point),
      cmT: Array.from({ length: N - 1 }, point),
    };
    return { ...body, root: await bundleRoot(body, domain) };
  }

  let fraudJob = 0n;

  it("a fraudulent proposal is challenged within the window (after failed simulations) and the node wins the bond", async () => {
    const good = await honest();
    const bad = { ...good, root: { ...good.root, cmE: point() } };
    assert.equal(await bundleFoldsReachRoot(bad, domain), false);
    proxy.failures = 6; // the node's transport retries 3 times: the first simulations fail outright
    const n0 = await nonce();
    const n1 = await nonce(1);
    const p = await proposeBundle(proposer, market, 2n, bad, mockProof(bad.root));
    fraudJob = p.jobId;
    assert.equal(p.bond, BOND_PER_LEAF * BigInt(N));
    assert.equal(await status(p.jobId), 6, "Proposed");
    assert.equal((await bundleOf(net.publicClient as PublicClient, market, p.jobId)).bond, p.bond);
    const [line] = await waitFor(
      () => {
        const l = lines("bundle challenged", p.jobId);
        return l.length > 0 ? l : undefined;
      },
      50_000,
      "bundle challenged",
    );
    assert.ok(proxy.failed >= 4, `${proxy.failed} simulations failed`);
    assert.ok(lines("bundle check failed: retried next poll", p.jobId).length >= 1, "the failure was logged");
    assert.equal(line.bond, String(p.bond));
    assert.ok(Number(line.gas) > 100_000, `gas ${line.gas}`);
    assert.equal(await status(p.jobId), 5, "Voided");
    assert.equal(await claimable(net.addresses[0]), p.bond, "the bond is the node's");
    assert.equal(await nonce(), n0 + 1, "one transaction: the challenge");
    assert.equal(await nonce(1), n1, "the node with watchBundles off sent nothing");
    assert.ok(!net.procs[1]?.out.some((l) => l.includes('"msg":"bundle')), "and logged no bundle line");
    const now = (await net.publicClient.getBlock()).timestamp;
    assert.ok(now <= p.challengeEnd, "within the window");
    process.stderr.write(`      challengeBundle (${N} leaves) by the node: ${line.gas} gas\n`);
  });

  it("an honest proposal is checked and left alone; `novanet finalize` refuses before the window, finalizes after", async () => {
    const good = await honest();
    const n0 = await nonce();
    const before = await claimable(getAddress(net.account(1).address));
    const p = await proposeBundle(proposer, market, 2n, good, mockProof(good.root));
    await waitFor(() => lines("bundle checked out", p.jobId).length > 0 || undefined, 30_000, "bundle checked out");
    await new Promise((r) => setTimeout(r, 2000)); // several more polls
    assert.equal(await nonce(), n0, "the node sent nothing");
    assert.equal(lines("bundle challenged", p.jobId).length, 0);
    const args = [
      "finalize",
      String(p.jobId),
      "--rpc",
      net.rpcUrl,
      "--market",
      market,
      "--from",
      net.account(1).address,
    ];
    // `job status` shows a bundle as a job without tasks (getTask refuses a bundle's "tasks").
    const dep = join(dir, "deployment.json");
    const st = await runCli(["job", "status", String(p.jobId), "--rpc", net.rpcUrl, "--deployment", dep, "--json"]);
    assert.equal(st.code, 0, st.err);
    const sj = JSON.parse(st.out.trim());
    assert.equal(sj.status, "Proposed");
    assert.equal(sj.bundle, true);
    assert.deepEqual(sj.tasks, []);
    const txt = await runCli(["job", "status", String(p.jobId), "--rpc", net.rpcUrl, "--deployment", dep]);
    assert.match(txt.out, /: Proposed, .*a bundle in its challenge window until \d{4}-/);
    await assert.rejects(
      net.publicClient.readContract({
        address: market,
        abi: MarketAbi,
        functionName: "getTask",
        args: [p.jobId, (1n << 256n) - 1n],
      }),
      /MarketInvalidTask/,
    );
    const early = await runCli(args);
    assert.notEqual(early.code, 0);
    assert.match(early.err, /challenge window is still open/);
    assert.equal(early.err.trim().split("\n").length <= 3, true, early.err);
    await net.warp(61n);
    const r = await runCli(args);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out.trim());
    assert.equal(out.status, "Verified");
    assert.equal(out.bond, String(p.bond));
    assert.equal(await status(p.jobId), 2, "Verified");
    assert.equal((await claimable(getAddress(net.account(1).address))) - before, p.bond, "the bond is back");
    assert.equal(await nonce(), n0, "the node sent nothing");
  });

  it("a restarted node does not challenge again", async () => {
    assert.ok(fraudJob > 0n);
    const n0 = await nonce();
    await net.kill(0);
    await net.startNode(0);
    await waitFor(() => net.procs[0]?.out.some((l) => l.includes('"msg":"started"')) || undefined, 120_000, "restart");
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await nonce(), n0);
    assert.equal(lines("bundle challenged", fraudJob).length, 0, "no second challenge in the new process");
    // The chain agrees: a second challenge would revert.
    const again = await runCli([
      "finalize",
      String(fraudJob),
      "--rpc",
      net.rpcUrl,
      "--market",
      market,
      "--from",
      net.account(1).address,
    ]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /not a proposed bundle/);
    // The bond won is ETH on the market: `novanet node claim --token <zero address>` pays it out.
    const won = await claimable(net.addresses[0]);
    assert.equal(won, BOND_PER_LEAF * BigInt(N));
    const eth0 = await net.publicClient.getBalance({ address: net.addresses[0] });
    assert.equal(await nodeCommand(["claim", "--config", net.configs[0], "--token", zeroAddress]), 0);
    assert.equal(await claimable(net.addresses[0]), 0n);
    const eth1 = await net.publicClient.getBalance({ address: net.addresses[0] });
    assert.ok(eth1 > eth0 && eth1 - eth0 < won, "the bond, less the claim's gas");
  });
});
