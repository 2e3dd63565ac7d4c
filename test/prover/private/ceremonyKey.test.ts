/**
 * Private mode with a ceremony's key (docs/private.md "Ceremony keys"): a v3 ceremony for `F̂` from a
 * ptau with one contribution; its final key deployed as the registered verifier (as `circuit register
 * --keys` does); `prove --private --decider-key` with it (no `--insecure-dev-keys`), checked against the
 * registered `vkeyHash()`; the market accepts the bundle. Another circuit's key, the key with one byte
 * changed, a truncated key, and no key are refused with one typed line, no bundle and no transaction.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { main } from "../../../prover/src/cli/main.js";
import { ensureDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { deciderV3Keys } from "../../../prover/src/decider/bundleV3.js";
import { vkeyWordsV3 } from "../../../prover/src/decider/v3.js";
import { readKeys } from "../../../prover/src/groth16/keys.js";
import { privateDevPtauPower, provePrivate } from "../../../prover/src/private/prove.js";
import { compilePrivateCircuit } from "../../../prover/src/private/wrapper.js";
import { transcriptV3 } from "../../../prover/src/trust/ceremonyV3.js";
import { privateMarket, rpcBridge } from "./helpers.js";

const CACHE = ".novanet";
const CUBIC = join("prover", "circuits", "cubic.circom");

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** One typed error line, no stack trace. */
function oneTypedLine(err: string, re: RegExp) {
  assert.match(err, re);
  assert.equal(err.split("\n").filter((l) => /Error\b/.test(l)).length, 1, err);
  assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
}

describe("private mode: a v3 ceremony's key for F̂ (prove --private --decider-key)", function () {
  this.timeout(1_200_000);
  const tmp = mkdtempSync(join(tmpdir(), "novanet-private-ceremony-"));
  let server: Server | undefined;
  let ptau: string;
  let key: string;
  let exported: string;
  let m: Awaited<ReturnType<typeof privateMarket>>;
  let url: string;
  after(() => {
    server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  before(async () => {
    const pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    // One ptau for F̂'s commitments and the ceremony's phase 1 (the verifier checks with its τ).
    const power = privateDevPtauPower(shape, 3);
    assert.ok(power <= 12, `power ${power}`);
    ptau = await ensureDevPtau(power, { cacheDir: join(CACHE, "ptau"), warn: () => {} });
    const dir = join(tmp, "ceremony");
    const F = pc.wrapped.r1csPath;
    const init = await run(["ceremony", "init", dir, "--circuit", F, "--decider", "v3", "--ptau", ptau]);
    assert.equal(init.code, 0, init.err);
    const c = await run(["ceremony", "contribute", dir, "--name", "alice"]);
    assert.equal(c.code, 0, c.err);
    exported = join(tmp, "export");
    const e = await run(["ceremony", "export", dir, "--circuit", F, "--out", exported, "--ptau", ptau]);
    assert.equal(e.code, 0, e.err);
    assert.equal(JSON.parse(e.out).kind, "ceremony");
    const t = transcriptV3(dir);
    key = t[t.length - 1];
    const pk = await readKeys(key);
    m = await privateMarket(pc, ptau, CACHE, 3, {
      v3Words: vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW),
    });
    const bridge = await rpcBridge(m.conn.provider);
    server = bridge.server;
    url = bridge.url;
    writeFileSync(join(tmp, "z0.json"), '["5"]');
  });

  const prove = (out: string, extra: string[]) =>
    run([
      "prove",
      "--private",
      "--circuit",
      CUBIC,
      "--steps",
      "2",
      "--input",
      join(tmp, "z0.json"),
      "--out",
      out,
      "--ptau",
      ptau,
      "--chain-id",
      String(m.chainId),
      "--market",
      m.market,
      "--rpc",
      url,
      "--circuit-id",
      "1",
      "--cache",
      CACHE,
      "--quiet",
      ...extra,
    ]);

  it("proves with the ceremony key (no --insecure-dev-keys); verify labels it ceremony only from its trust store; the market accepts it", async () => {
    const out = join(tmp, "ok");
    const p = await prove(out, ["--decider-key", key]);
    assert.equal(p.code, 0, p.err);
    const res = JSON.parse(p.out);
    const bundle = JSON.parse(readFileSync(join(out, "bundle.json"), "utf8"));
    const vkeyHash = JSON.parse(readFileSync(join(exported, "vkey-v3.json"), "utf8")).vkeyHash;
    assert.equal(bundle.decider.keys.vkHash, vkeyHash);

    // The verifier's own trust store (the ceremony's export) says ceremony: no --insecure-dev-keys needed.
    const base = ["verify", out, "--circuit", CUBIC, "--cache", CACHE, "--ptau", ptau, "--json"];
    const v = await run([...base, "--trust", join(exported, "trust-v3.json")]);
    assert.equal(v.code, 0, v.out + v.err);
    const vj = JSON.parse(v.out);
    assert.equal(vj.valid, true);
    assert.equal(vj.keys.trust, "ceremony");
    assert.equal(vj.insecureDevKeys, false);
    // The bundle's own claim (not a dev key) is not trusted: the same key unpinned needs --insecure-dev-keys.
    assert.equal(bundle.decider.keys.insecureDevKeys, false);
    const unpinned = await run([...base, "--vkey", res.vkey]);
    assert.equal(unpinned.code, 2, unpinned.out + unpinned.err);
    assert.match(unpinned.err, /DevKeysRefusedError/);
    const accepted = await run([...base, "--vkey", res.vkey, "--insecure-dev-keys"]);
    assert.equal(accepted.code, 0, accepted.out + accepted.err);
    assert.notEqual(JSON.parse(accepted.out).keys.trust, "ceremony");
    assert.equal(JSON.parse(accepted.out).insecureDevKeys, true);

    const s = await run([
      "submit",
      out,
      "--rpc",
      url,
      "--market",
      m.market,
      "--circuit-id",
      "1",
      "--from",
      m.user.account.address,
    ]);
    assert.equal(s.code, 0, s.err);
    assert.equal(JSON.parse(s.out).status, "Verified");
  });

  it("another circuit's key, one byte changed, a truncated key, and no key: one typed line, no bundle, nothing sent", async () => {
    // Another circuit's v3 key: the step circuit F itself (not F̂).
    const pcF = await compilePrivateCircuit(CUBIC, CACHE);
    const other = (await deciderV3Keys(await loadR1cs(pcF.step.r1csPath), { cacheDir: CACHE, kind: "beacon-only" }))
      .path;
    const flipped = join(tmp, "flipped.g16k");
    copyFileSync(key, flipped);
    const b = readFileSync(flipped);
    b[Math.floor(b.length * 0.6)] ^= 1;
    writeFileSync(flipped, b);
    const cut = join(tmp, "cut.g16k");
    copyFileSync(key, cut);
    truncateSync(cut, Math.floor(readFileSync(key).length / 2));
    // A working v3 key of F̂, but not the registered one (this machine's own dev key).
    const mine = (await deciderV3Keys(await loadR1cs(pcF.wrapped.r1csPath), { cacheDir: CACHE })).path;
    const block = await m.publicClient.getBlockNumber();
    const cases: [string, string[], RegExp][] = [
      ["other", ["--decider-key", other], /PrivateDeciderKeyError: --decider-key is refused: the key is for another/],
      ["mine", ["--decider-key", mine], /PrivateDeciderKeyError: .*verifying key differs from the registered/],
      ["flipped", ["--decider-key", flipped], /PrivateDeciderKeyError: --decider-key is refused/],
      ["cut", ["--decider-key", cut], /PrivateDeciderKeyError: --decider-key is refused/],
      ["missing", ["--decider-key", join(tmp, "nope.g16k")], /PrivateDeciderKeyError: cannot read --decider-key/],
      ["none", [], /DevKeysRefusedError/],
      // With dev keys accepted, none of this machine's is the registered (ceremony) key.
      ["dev", ["--insecure-dev-keys"], /PrivateSubmitError: none of this machine's v3 keys/],
    ];
    for (const [name, extra, re] of cases) {
      const out = join(tmp, `bad-${name}`);
      const r = await prove(out, extra);
      assert.equal(r.code, 2, `${name}: ${r.out}${r.err}`);
      oneTypedLine(r.err, re);
      assert.ok(!existsSync(out), `${name}: no bundle`);
    }
    assert.equal(await m.publicClient.getBlockNumber(), block, "no transaction");
  });

  it("the library without a registered circuit: the key must still be a working v3 key of F̂", async () => {
    const opts = { circuit: CUBIC, steps: 2, z0: [5n], ptau, cacheDir: CACHE };
    const r = await provePrivate({ ...opts, out: join(tmp, "lib"), deciderKey: key });
    const bundle = JSON.parse(readFileSync(join(r.bundle, "bundle.json"), "utf8"));
    assert.equal(bundle.decider.keys.vkHash, JSON.parse(readFileSync(join(exported, "vkey-v3.json"), "utf8")).vkeyHash);
    const flipped = join(tmp, "flipped.g16k");
    await assert.rejects(provePrivate({ ...opts, out: join(tmp, "lib-bad"), deciderKey: flipped }), {
      name: "PrivateDeciderKeyError",
    });
    await assert.rejects(provePrivate({ ...opts, out: join(tmp, "lib-v2"), deciderKey: key, decider: 2 }), {
      name: "PrivateDeciderKeyError",
    });
    assert.ok(!existsSync(join(tmp, "lib-bad")) && !existsSync(join(tmp, "lib-v2")));
  });
});
