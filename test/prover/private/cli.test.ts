/**
 * The private-mode CLI (docs/private.md): `novanet prove --private --chain-id --market`, `novanet verify`
 * of the private bundle against `--circuit`, and `novanet submit` to a market on Hardhat's in-process
 * chain served over HTTP on 127.0.0.1 (a real JSON-RPC endpoint, as a node or anvil would be).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { MarketAbi } from "../../../prover/src/chain/abi.js";
import { main } from "../../../prover/src/cli/main.js";
import { ensureDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { privateDevPtauPower } from "../../../prover/src/private/prove.js";
import { compilePrivateCircuit } from "../../../prover/src/private/wrapper.js";
import { privateMarket, rpcBridge } from "./helpers.js";

const CACHE = ".novanet";
const CUBIC = join("prover", "circuits", "cubic.circom");

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** `novanet prove --insecure-dev-keys --private` of the cubic circuit over `steps` steps from `input`, then `more`. */
const provePrivate = (steps: number, input: string, ...more: string[]) => [
  "prove",
  "--insecure-dev-keys",
  "--private",
  "--circuit",
  CUBIC,
  "--steps",
  String(steps),
  "--input",
  input,
  ...more,
];

/** {@link provePrivate} for market `m` (`--chain-id`, `--market`), with the shared cache, quiet, then `more`. */
const provePrivateFor = (
  m: { chainId: number | bigint; market: string },
  steps: number,
  input: string,
  ...more: string[]
) =>
  provePrivate(
    steps,
    input,
    "--chain-id",
    String(m.chainId),
    "--market",
    m.market,
    "--cache",
    CACHE,
    "--quiet",
    ...more,
  );

describe("private mode: the CLI (prove --private, verify, submit)", function () {
  this.timeout(1_200_000); // a clean cache makes the dev ptau and D_F̂'s v3 keys first
  let tmp: string;
  let server: Server | undefined;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "novanet-private-cli-"));
  });
  after(() => {
    server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("usage errors: market options without --private, a private bundle verified without --circuit", async () => {
    const input = join(tmp, "z0.json");
    writeFileSync(input, '["3"]');
    const r = await run([
      "prove",
      "--insecure-dev-keys",
      "--circuit",
      CUBIC,
      "--steps",
      "2",
      "--input",
      input,
      "--out",
      join(tmp, "x"),
      "--market",
      "0x0000000000000000000000000000000000000001",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err, /private-mode option/);
    const s = await run(["submit", join(tmp, "x"), "--rpc", "http://127.0.0.1:1"]);
    assert.equal(s.code, 2);
    assert.match(s.err, /submit needs --market/);
  });

  it("prove --private for a market, verify it, submit it over JSON-RPC: the job is Verified", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    // The dev ptau prove --private (decider v3) uses: the market registers F̂ over the same SRS.
    const ptau = await ensureDevPtau(privateDevPtauPower(shape, 3), { cacheDir: join(CACHE, "ptau"), warn: () => {} });
    const m = await privateMarket(pc, ptau, CACHE);
    const bridge = await rpcBridge(m.conn.provider);
    server = bridge.server;

    const input = join(tmp, "z0.json");
    writeFileSync(input, '["7"]');
    const dir = join(tmp, "bundle");
    const p = await run(provePrivateFor(m, 3, input, "--out", dir, "--hide-output"));
    assert.equal(p.code, 0, p.err);
    const res = JSON.parse(p.out);
    assert.equal(res.private, true);
    assert.equal(res.decider, "v3");
    assert.equal(JSON.parse(readFileSync(res.vkey, "utf8")).format, "novanet/decider/v3-vkey");
    assert.deepEqual(res.z0, ["7"]);
    assert.equal(res.zN, undefined);
    assert.equal(JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8")).output, null);

    const noCircuit = await run(["verify", dir]);
    assert.equal(noCircuit.code, 2);
    assert.match(noCircuit.err, /--circuit/);
    // The verifier trusts nothing from the bundle: without an SRS of its own it cannot check (exit 2) ...
    const noSrs = await run(["verify", dir, "--circuit", CUBIC, "--cache", CACHE, "--ptau-dir", tmp, "--json"]);
    assert.equal(noSrs.code, 2, noSrs.out + noSrs.err);
    assert.match(noSrs.err, /UntrustedSrsError/);
    // ... and the prover's own dev key is refused unless accepted as such.
    const mine = ["--ptau", res.ptau, "--vkey", res.vkey];
    const refused = await run(["verify", dir, "--circuit", CUBIC, "--cache", CACHE, ...mine, "--json"]);
    assert.equal(refused.code, 2, refused.out + refused.err);
    assert.match(refused.err, /DevKeysRefusedError/);
    const v = await run([
      "verify",
      dir,
      "--circuit",
      CUBIC,
      "--cache",
      CACHE,
      ...mine,
      "--insecure-dev-keys",
      "--json",
    ]);
    assert.equal(v.code, 0, v.out + v.err);
    const vj = JSON.parse(v.out);
    assert.equal(vj.valid, true);
    assert.equal(vj.circuit, "cubic");
    assert.equal(vj.zN, null);
    assert.equal(vj.cN, res.cN);
    assert.equal(vj.srs.trust, "unpinned");
    assert.equal(vj.insecureDevKeys, true);

    const from = m.user.account.address;
    const s = await run([
      "submit",
      dir,
      "--rpc",
      bridge.url,
      "--market",
      m.market,
      "--circuit-id",
      "1",
      "--from",
      from,
    ]);
    assert.equal(s.code, 0, s.err);
    const sj = JSON.parse(s.out);
    assert.equal(sj.status, "Verified");
    assert.equal(sj.cN, res.cN);
    // Submitting to a circuit id that is not F̂ is a typed error (exit 2), not a revert.
    const bad = await run([
      "submit",
      dir,
      "--rpc",
      bridge.url,
      "--market",
      m.market,
      "--circuit-id",
      "9",
      "--from",
      from,
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /PrivateSubmitError/);

    // --rpc --circuit-id: the registered verifier (here DeciderVerifierV3 with the prover's own key) decides;
    // an explicit --decider v2 that contradicts it is a usage error before anything is proved.
    const reg = provePrivateFor(m, 2, input, "--rpc", bridge.url, "--circuit-id", "1");
    const p2 = await run([...reg, "--out", join(tmp, "reg")]);
    assert.equal(p2.code, 0, p2.err);
    assert.equal(JSON.parse(p2.out).decider, "v3");
    const s2 = await run([
      "submit",
      join(tmp, "reg"),
      "--rpc",
      bridge.url,
      "--market",
      m.market,
      "--circuit-id",
      "1",
      "--from",
      from,
    ]);
    assert.equal(s2.code, 0, s2.err);
    const contra = await run([...reg, "--out", join(tmp, "reg2"), "--decider", "v2"]);
    assert.equal(contra.code, 2);
    assert.match(contra.err, /verifier is decider v3/);
  });

  it("market v2: prove --private --rpc picks transcript v2; submit --optimistic --wait proposes, waits out the window, finalizes", async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    const ptau = await ensureDevPtau(privateDevPtauPower(shape, 3), { cacheDir: join(CACHE, "ptau"), warn: () => {} });
    const m = await privateMarket(pc, ptau, CACHE, 3, { marketV2: true });
    const bridge = await rpcBridge(m.conn.provider);
    try {
      // A 60 s window (the market's minimum) and the default bond.
      await m.publicClient.waitForTransactionReceipt({
        hash: await m.owner.writeContract({
          address: m.market,
          abi: MarketAbi,
          functionName: "setBundleParams",
          args: [60n, 10n ** 15n],
        }),
      });
      const input = join(tmp, "z0-opt.json");
      writeFileSync(input, '["11"]');
      const dir = join(tmp, "opt");
      const p = await run(
        provePrivateFor(
          m,
          3,
          input,
          "--out",
          dir,
          "--rpc",
          bridge.url,
          "--circuit-id",
          "1",
          "--hide-input",
          "--hide-output",
        ),
      );
      assert.equal(p.code, 0, p.err);
      assert.equal(JSON.parse(p.out).transcript, "v2");
      assert.equal(JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8")).transcript, 2);
      const bad = await run(provePrivate(2, input, "--out", join(tmp, "x"), "--transcript", "v3"));
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--transcript must be v1 or v2/);
      // Chain time moves on while the command waits (an in-process chain has no clock of its own).
      let done = false;
      const clock = (async () => {
        while (!done) {
          await new Promise((r) => setTimeout(r, 300));
          await m.conn.networkHelpers.time.increase(10);
        }
      })();
      const from = m.user.account.address;
      const s = await run([
        "submit",
        dir,
        "--rpc",
        bridge.url,
        "--market",
        m.market,
        "--circuit-id",
        "1",
        "--from",
        from,
        "--optimistic",
        "--wait",
      ]).finally(() => {
        done = true;
      });
      await clock;
      assert.equal(s.code, 0, s.err);
      const [proposed, verified] = s.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.equal(proposed.status, "Proposed");
      assert.equal(proposed.bond, String(3n * 10n ** 15n));
      assert.ok(BigInt(proposed.challengeEnd) > 0n);
      assert.equal(verified.status, "Verified");
      assert.equal(verified.jobId, proposed.jobId);
      assert.equal(verified.bond, proposed.bond);
      const job = await m.publicClient.readContract({
        address: m.market,
        abi: MarketAbi,
        functionName: "getJob",
        args: [BigInt(proposed.jobId)],
      });
      assert.equal(job.status, 2);
      assert.match(s.err, /"event":"waiting"/);
    } finally {
      bridge.server.close();
    }
  });
});
