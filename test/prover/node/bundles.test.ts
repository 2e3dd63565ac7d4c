/**
 * The optimistic-bundle client (prover/src/chain/bundles.ts) against market v2 on Hardhat's in-process chain,
 * with the test-only MockDeciderVerifier (any root passes the proposal's decider check, so only the folds
 * decide): the local re-fold agrees with the market's (`bundleFoldsReachRoot` / `simulateChallenge`), and
 * rejects each corrupted input; the `BundleProposed` log decodes to the posted data (its hash is the market's);
 * every revert of the optimistic path is a one-line {@link BundleError} naming it; a dead RPC is a ChainError.
 * The CLI's flags (`submit --optimistic --wait`, `finalize <jobId>`) are parsed by both commander and the command.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, type Hex, http, type PublicClient, zeroAddress } from "viem";
import { MarketAbi } from "../../../prover/src/chain/abi.js";
import {
  type BundleClients,
  type BundleData,
  bundleCallError,
  bundleDataHash,
  bundleFoldsReachRoot,
  bundleOf,
  bundleParams,
  bundleRoot,
  challengeBundle,
  finalizeBundle,
  proposalOf,
  proposalZN,
  proposeBundle,
  simulateChallenge,
} from "../../../prover/src/chain/bundles.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../../prover/src/curve/bn254.js";
import { BundleError, ChainError } from "../../../prover/src/errors/node.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { loadConfig } from "../../../prover/src/node/config.js";
import { StateDb } from "../../../prover/src/node/state.js";
import { runCli } from "../../helpers/cli.js";
import { mockProof, v2Fixture } from "../../helpers/marketV2.js";

const point = () => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

describe("optimistic bundles: the TS client against market v2 (in-process chain, mock decider)", function () {
  this.timeout(300_000);
  let f: Awaited<ReturnType<typeof v2Fixture>>;
  let domain: Hex;
  let pub: PublicClient;
  let alice: BundleClients;
  let bob: BundleClients;
  const N = 6;

  async function honest(n = N): Promise<BundleData> {
    const body = {
      states: Array.from({ length: n + 1 }, randomScalar),
      cmW: Array.from({ length: n }, point),
      cmT: Array.from({ length: n - 1 }, point),
    };
    return { ...body, root: await bundleRoot(body, domain) };
  }
  const expectBundleError = async (p: Promise<unknown>, reason: string, msg: RegExp) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof BundleError, String(e));
      assert.equal(e.reason, reason);
      assert.match(e.shortMessage, msg);
      assert.ok(!e.shortMessage.includes("\n"), "one line");
      return true;
    });
  };

  before(async () => {
    f = await v2Fixture();
    pub = f.publicClient as unknown as PublicClient;
    const c = await f.circuits.read.getCircuit([1n]);
    domain = domainSeparator({
      chainId: BigInt(await pub.getChainId()),
      market: f.market.address,
      r1csHash: c.r1csHash,
      srsDigest: c.srsDigest,
    });
    // biome-ignore lint/suspicious/noExplicitAny: Hardhat's viem clients are structurally viem clients.
    alice = { publicClient: pub, walletClient: f.wallets[1] as any };
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    bob = { publicClient: pub, walletClient: f.wallets[2] as any };
  });

  it("the local re-fold is the market's: honest data reaches its root; each corrupted input does not", async () => {
    const good = await honest();
    assert.equal(await bundleFoldsReachRoot(good, domain), true);
    const corrupt: [string, BundleData][] = [
      ["a state", { ...good, states: good.states.map((v, i) => (i === 3 ? v + 1n : v)) }],
      ["a leaf", { ...good, cmW: good.cmW.map((p, i) => (i === 2 ? point() : p)) }],
      ["a cross term", { ...good, cmT: good.cmT.map((p, i) => (i === 0 ? point() : p)) }],
      ["the root's x", { ...good, root: { ...good.root, x: [good.root.x[0] + 1n, good.root.x[1]] } }],
      ["the root's u", { ...good, root: { ...good.root, u: good.root.u + 1n } }],
      ["the root's cmE", { ...good, root: { ...good.root, cmE: point() } }],
      ["a missing cross term", { ...good, cmT: good.cmT.slice(1) }],
      ["another domain", good],
    ];
    for (const [what, d] of corrupt) {
      const dom = what === "another domain" ? (`0x${"11".repeat(32)}` as Hex) : domain;
      assert.equal(await bundleFoldsReachRoot(d, dom), false, what);
    }
  });

  it("proposes with the bond the market asks; BundleProposed decodes to the posted data and its hash", async () => {
    const { challengeWindow, bondPerLeaf } = await bundleParams(pub, f.market.address);
    assert.equal(challengeWindow, 3600n);
    assert.equal(bondPerLeaf, 10n ** 15n);
    const good = await honest();
    const p = await proposeBundle(alice, f.market.address, 1n, good, mockProof(good.root));
    assert.equal(p.bond, bondPerLeaf * BigInt(N));
    const block = await pub.getBlock();
    assert.equal(p.challengeEnd, block.timestamp + challengeWindow);
    const ev = await proposalOf(pub, f.market.address, p.jobId);
    assert.equal(ev.proposer.toLowerCase(), f.wallets[1].account.address.toLowerCase());
    assert.equal(ev.nLeaves, N);
    assert.deepEqual(ev.data, { ...good, root: { ...good.root } });
    const rec = await bundleOf(pub, f.market.address, p.jobId);
    assert.equal(rec.dataHash, bundleDataHash(good));
    assert.equal(ev.dataHash, rec.dataHash);
    assert.deepEqual(proposalZN(ev), [good.states[N]]);
    // The honest bundle: a challenge would revert (and is not sent).
    const sim = await simulateChallenge(pub, f.market.address, f.wallets[2].account.address, p.jobId, good);
    assert.deepEqual(sim, { fraud: false, reason: "MarketBundleValid" });
    await expectBundleError(
      challengeBundle(bob, f.market.address, p.jobId, good),
      "MarketBundleValid",
      /nothing to challenge/,
    );
    await expectBundleError(
      challengeBundle(bob, f.market.address, p.jobId, { ...good, cmW: [...good.cmW].reverse() }),
      "MarketBundleDataMismatch",
      /not what was proposed/,
    );
    await expectBundleError(finalizeBundle(bob, f.market.address, p.jobId), "MarketChallengeOpen", /still open/);
    await f.networkHelpers.time.increase(3601);
    const fin = await finalizeBundle(bob, f.market.address, p.jobId);
    assert.equal(fin.bond, p.bond);
    assert.equal((await f.market.read.getJob([p.jobId])).status, 2);
    assert.equal(await f.market.read.claimable([f.wallets[1].account.address, zeroAddress]), p.bond);
    await expectBundleError(
      finalizeBundle(bob, f.market.address, p.jobId),
      "MarketNotProposed",
      /not a proposed bundle/,
    );
  });

  it("a fraudulent proposal: the simulation says fraud (with its gas), the challenge wins the bond; too late is closed", async () => {
    const good = await honest();
    const bad = { ...good, root: { ...good.root, cmE: point() } };
    const p = await proposeBundle(alice, f.market.address, 1n, bad, mockProof(bad.root));
    const sim = await simulateChallenge(pub, f.market.address, f.wallets[2].account.address, p.jobId, bad);
    assert.equal(sim.fraud, true);
    if (sim.fraud) assert.ok(sim.gas > 100_000n);
    const before = await f.market.read.claimable([f.wallets[2].account.address, zeroAddress]);
    const c = await challengeBundle(bob, f.market.address, p.jobId, bad);
    assert.equal(c.bond, p.bond);
    assert.equal((await f.market.read.getJob([p.jobId])).status, 5);
    assert.equal((await f.market.read.claimable([f.wallets[2].account.address, zeroAddress])) - before, p.bond);
    await expectBundleError(
      challengeBundle(bob, f.market.address, p.jobId, bad),
      "MarketNotProposed",
      /not a proposed/,
    );
    // Another fraud, challenged after its window: closed (and finalizable, as the market's rules say).
    const q = await proposeBundle(alice, f.market.address, 1n, bad, mockProof(bad.root));
    await f.networkHelpers.time.increase(3601);
    const late = await simulateChallenge(pub, f.market.address, f.wallets[2].account.address, q.jobId, bad);
    assert.deepEqual(late, { fraud: false, reason: "MarketChallengeClosed" });
    await expectBundleError(
      challengeBundle(bob, f.market.address, q.jobId, bad),
      "MarketChallengeClosed",
      /has closed/,
    );
  });

  it("a wrong bond is MarketInvalidBond; a dead RPC is a ChainError, not a verdict", async () => {
    const good = await honest(2);
    try {
      await pub.simulateContract({
        address: f.market.address,
        abi: MarketAbi,
        functionName: "proposeBundle",
        args: [1n, good as never, mockProof(good.root) as never],
        value: 1n,
        account: f.wallets[1].account,
      });
      assert.fail("accepted a wrong bond");
    } catch (e) {
      const err = bundleCallError("proposeBundle", e);
      assert.ok(err instanceof BundleError);
      assert.equal(err.reason, "MarketInvalidBond");
      assert.match(err.shortMessage, /not the bond/);
      assert.match(err.details ?? "", /MarketInvalidBond\(2000000000000000, 1\)/);
    }
    const dead = createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0 }) }) as PublicClient;
    await assert.rejects(
      simulateChallenge(dead, f.market.address, f.wallets[2].account.address, 1n, good),
      (e: unknown) => e instanceof ChainError,
    );
  });

  it("the CLI: submit takes --optimistic and --wait (both parsers); finalize checks its job id", async () => {
    // commander accepts the flags (an unknown option would be a usage error naming it); the command reads the bundle.
    const r = await runCli([
      "submit",
      "/nonexistent",
      "--optimistic",
      "--wait",
      "--rpc",
      "http://127.0.0.1:9",
      "--market",
      zeroAddress,
      "--circuit-id",
      "1",
    ]);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.err, /unknown option/);
    const w = await runCli([
      "submit",
      "/nonexistent",
      "--wait",
      "--rpc",
      "http://127.0.0.1:9",
      "--market",
      zeroAddress,
      "--circuit-id",
      "1",
    ]);
    assert.equal(w.code, 2);
    assert.match(w.err, /--wait goes with --optimistic/);
    for (const bad of [[], ["abc"], ["0"], ["1", "2"]]) {
      const x = await runCli(["finalize", ...bad, "--rpc", "http://127.0.0.1:9", "--market", zeroAddress]);
      assert.notEqual(x.code, 0, bad.join(" "));
    }
    const m = await runCli(["finalize", "1", "--rpc", "http://127.0.0.1:9"]);
    assert.equal(m.code, 2);
    assert.match(m.err, /finalize needs --market/);
  });

  it("the node's watchBundles knob: on by default, off when set false, a non-boolean is a config error", () => {
    const dir = mkdtempSync(join(tmpdir(), "novanet-watch-"));
    const cfg = (extra: Record<string, unknown>) => {
      const file = join(dir, "node.json");
      const base = {
        rpcUrl: "http://127.0.0.1:8545",
        market: zeroAddress,
        dataDir: ".",
        circuits: [{ id: "1", r1cs: "a", wasm: "b", ptau: "c", srsPowers: 2 }],
      };
      writeFileSync(file, JSON.stringify({ ...base, ...extra }));
      return () => loadConfig(file, { NOVANET_PRIVATE_KEY: `0x${"11".repeat(32)}` });
    };
    assert.equal(cfg({})().watchBundles, true);
    assert.equal(cfg({ watchBundles: false })().watchBundles, false);
    assert.throws(cfg({ watchBundles: "no" }), /invalid node config/);
  });

  it("the watcher's rows (state.sqlite): recorded once, data exact across a reopen, challenged and closed are final", async () => {
    const dir = mkdtempSync(join(tmpdir(), "novanet-bundles-db-"));
    const d = await honest(3);
    let db = new StateDb(dir);
    db.addBundle(7n, "0xAbC0000000000000000000000000000000000001", 1000n, 3n * 10n ** 15n, d);
    db.addBundle(7n, "0x0000000000000000000000000000000000000002", 5n, 1n, { ...d, states: [1n, 2n, 3n, 4n] });
    db.addBundle(8n, "0x0000000000000000000000000000000000000003", 1000n, 1n, d);
    db.close();
    db = new StateDb(dir);
    const row = db.bundle(7n);
    assert.ok(row);
    assert.deepEqual(row.data, d, "the data round-trips exactly (the first record wins)");
    assert.equal(row.proposer, "0xabc0000000000000000000000000000000000001");
    assert.equal(row.challengeEnd, 1000n);
    assert.deepEqual(
      db.bundles(["pending"]).map((r) => r.jobId),
      [7n, 8n],
    );
    db.setBundleState(7n, "challenging");
    db.setBundleState(7n, "challenged", "0x01");
    db.setBundleState(7n, "pending");
    db.setBundleState(8n, "closed");
    db.setBundleState(8n, "challenging");
    assert.equal(db.bundle(7n)?.state, "challenged", "a challenged bundle is never reopened");
    assert.equal(db.bundle(8n)?.state, "closed");
    assert.deepEqual(db.bundles(["pending", "challenging"]), []);
    db.close();
  });
});
