/**
 * Decider v3 keys in the trust store and in `novanet circuit verify` (trust/v3.ts): a v3 pin is accepted
 * only if its words hash to its vkHash and name its circuit (each corrupted field refused); an unpinned
 * v3 `--vkey` is refused without --insecure-dev-keys; a registered DeciderVerifierV3 of the trusted key
 * is trusted, and — as an attacker would try — one deployed with another key, and contracts whose
 * runtime code is DeciderVerifierV3's with the trusted key's `vkeyHash` spliced in (over another key's
 * data, or with `[τ]G2` changed at one of its two uses) are not.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Address, concatHex, type Hex, numberToHex, type PublicClient, size } from "viem";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { loadSrsFromPtau, srsRegistration } from "../../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { DECIDER_V3_VKEY_FORMAT, deciderV3Keys } from "../../../prover/src/decider/bundleV3.js";
import { DevKeysRefusedError, TrustStoreError } from "../../../prover/src/errors/trust.js";
import { loadTrustStore } from "../../../prover/src/trust/store.js";
import { checkDeployedV3, parseV3Pins, resolveDeciderKeyV3 } from "../../../prover/src/trust/v3.js";
import { runCli as cli } from "../../helpers/cli.js";
import { testPtauPath } from "../../helpers/prover.js";
import { circuitVerifyArgs, writeTestTrustStore } from "../../helpers/trust.js";
import { type RpcNode, startRpcNode } from "../../indexer/helpers/rpc-node.js";

const CUBIC = "test/fixtures/circuits/cubic.r1cs";
const N = 64;

describe("trust: decider v3 pins and circuit verify", function () {
  this.timeout(300_000);
  let node: RpcNode;
  let tmp: string;
  let ptau: string;
  let registry: Address;
  let store: string;
  let vkeyFile: string;
  let otherVkeyFile: string;
  let cubicHash: Hex;
  let pin: Record<string, unknown>;
  let words: bigint[];
  const ids = { honest: "1", otherKey: "2", splicedOne: "3", splicedAll: "4" };
  let pub: PublicClient;
  let honest: Address;
  const addrs = {} as { other: Address; one: Address; all: Address };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "novanet-v3-trust-"));
    ptau = await testPtauPath();
    const cubic = await loadR1cs(CUBIC);
    cubicHash = cubic.r1csHash as Hex;
    const keys = await deciderV3Keys(cubic, { cacheDir: tmp, kind: "beacon-only" });
    // Another key of the same circuit (random dev keys): what an attacker controls.
    const other = await deciderV3Keys(cubic, { cacheDir: tmp, kind: "random" });
    assert.notEqual(other.vkHash, keys.vkHash);
    words = keys.words;
    vkeyFile = keys.vkeyPath;
    otherVkeyFile = other.vkeyPath;
    node = await startRpcNode();
    const { viem } = node.connection;
    pub = (await viem.getPublicClient()) as unknown as PublicClient;
    const [owner] = await viem.getWalletClients();
    const reg = await viem.deployContract("CircuitRegistry");
    registry = reg.address;
    const srs = await loadSrsFromPtau(ptau, N);
    const t = g2ToEvm(srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint];
    const v = await viem.deployContract("DeciderVerifierV3", [words, t]);
    honest = v.address;
    const vOther = await viem.deployContract("DeciderVerifierV3", [other.words, t]);
    // Runtime code spliced by hand (init code = copy the runtime and return it): DeciderVerifierV3's code
    // with the trusted vkeyHash written over the other key's at its first use only, and at all its uses.
    const code = (await pub.getCode({ address: vOther.address })) as Hex;
    const art = JSON.parse(
      readFileSync("artifacts/contracts/decider/DeciderVerifierV3.sol/DeciderVerifierV3.json", "utf8"),
    ) as { immutableReferences: Record<string, { start: number; length: number }[]> };
    const vkId = Object.keys(art.immutableReferences).sort((a, b) => Number(a) - Number(b))[2];
    // The trusted key's vkeyHash written over the other key's (its one use); with `tauAtOneUse`, also
    // `[τ]G2`'s first word changed at ONE of its two uses (the getter and the pairing read different values).
    const ids0 = Object.keys(art.immutableReferences).sort((a, b) => Number(a) - Number(b));
    const put = (c: string, start: number, word: string) => c.slice(0, 2 * start) + word + c.slice(2 * (start + 32));
    const splice = (tauAtOneUse: boolean) => {
      let c = code.slice(2);
      for (const r of art.immutableReferences[vkId]) c = put(c, r.start, keys.vkHash.slice(2));
      if (tauAtOneUse) c = put(c, art.immutableReferences[ids0[6]][1].start, "00".repeat(31) + "07");
      return `0x${c}` as Hex;
    };
    const deployRaw = async (runtime: Hex) => {
      const n = size(runtime);
      const init = concatHex(["0x61", numberToHex(n, { size: 2 }), "0x80600c6000396000f3", runtime]);
      const hash = await owner.sendTransaction({ data: init });
      return (await pub.waitForTransactionReceipt({ hash })).contractAddress as Address;
    };
    const one = await deployRaw(splice(true));
    const all = await deployRaw(splice(false));
    Object.assign(addrs, { other: vOther.address, one, all });
    const reg1 = srsRegistration(srs);
    for (const d of [honest, vOther.address, one, all]) {
      await reg.write.registerCircuit([cubicHash, BigInt(cubic.m), BigInt(cubic.nW), 1, reg1, d, 1000n]);
    }
    pin = {
      label: "cubic v3 beacon-only (test)",
      stepR1csHash: cubicHash,
      vkHash: keys.vkHash,
      words: words.map(String),
      kind: "insecure-dev",
      contributions: 0,
      beacon: true,
    };
    store = join(tmp, "store.json");
    await writeTestTrustStore(store, ptau, "test ptau", { decidersV3: [pin] });
  });
  after(async () => {
    await node?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("a v3 pin is accepted as written and refused with any field corrupted", () => {
    assert.equal(parseV3Pins([pin], "s").length, 1);
    const bad: [string, Record<string, unknown>][] = [
      ["a word", { ...pin, words: words.map((w, i) => String(i === 9 ? w + 1n : w)) }],
      ["vkHash", { ...pin, vkHash: `0x${"11".repeat(32)}` }],
      ["stepR1csHash", { ...pin, stepR1csHash: `0x${"22".repeat(32)}` }],
      ["kind", { ...pin, kind: "trusted" }],
      ["word count", { ...pin, words: words.slice(1).map(String) }],
    ];
    for (const [what, p] of bad) assert.throws(() => parseV3Pins([p], "s"), TrustStoreError, what);
    const s = loadTrustStore({ stores: [store], noCommitted: true });
    assert.equal(s.decidersV3?.length, 1);
  });

  it("resolves --vkey against the pins; an unpinned or dev key is labelled so", () => {
    const pins = parseV3Pins([pin], "s");
    assert.equal(resolveDeciderKeyV3(pins, cubicHash, vkeyFile).trust, "insecure-dev");
    assert.equal(resolveDeciderKeyV3(pins, cubicHash, otherVkeyFile).trust, "unpinned");
    assert.equal(resolveDeciderKeyV3(pins, cubicHash).label, pin.label);
    assert.throws(() => resolveDeciderKeyV3(pins, `0x${"33".repeat(32)}`, vkeyFile), /another step circuit/);
    assert.throws(() => resolveDeciderKeyV3([], cubicHash), /no decider v3 key is pinned/);
    const f = join(tmp, "v.json");
    writeFileSync(f, JSON.stringify({ format: DECIDER_V3_VKEY_FORMAT, words: ["1"] }));
    assert.throws(() => resolveDeciderKeyV3(pins, cubicHash, f), /cannot read the --vkey file/);
  });

  it("checkDeployedV3: the honest verifier passes; another key and both splices fail", async () => {
    const art = JSON.parse(
      readFileSync("artifacts/contracts/decider/DeciderVerifierV3.sol/DeciderVerifierV3.json", "utf8"),
    );
    const srs = await loadSrsFromPtau(ptau, N);
    assert.deepEqual(await checkDeployedV3(pub, honest, words, srs.tauG2, art), {
      ok: true,
      vkHash: pin.vkHash,
    });
    for (const [what, addr] of [
      ["another key's verifier", addrs.other],
      ["vkeyHash spliced, [τ]G2 changed at one of its uses", addrs.one],
      ["vkeyHash spliced over another key's data", addrs.all],
    ] as const) {
      const r = await checkDeployedV3(pub, addr, words, srs.tauG2, art);
      assert.equal(r.ok, false, what);
    }
    // The honest verifier checked against another key's words, or another SRS's [τ]G2, fails too.
    const other = JSON.parse(readFileSync(otherVkeyFile, "utf8")).words.map(BigInt);
    assert.equal((await checkDeployedV3(pub, honest, other, srs.tauG2, art)).ok, false);
    const srs2 = await loadSrsFromPtau("test/fixtures/ptau/dev-11.ptau", N);
    assert.equal((await checkDeployedV3(pub, honest, words, srs2.tauG2, art)).ok, false);
  });

  const args = (id: string, extra: string[] = []) =>
    circuitVerifyArgs({ rpc: node.url, registry, circuit: CUBIC, trust: store, ptauDirs: [tmp, dirname(ptau)] }, id, [
      "--json",
      ...extra,
    ]);

  it("circuit verify: the DeciderVerifierV3 of the pinned key is trusted (dev pin: with --insecure-dev-keys only)", async () => {
    const ok = await cli(args(ids.honest, ["--insecure-dev-keys"]));
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(JSON.parse(ok.out).deciderTrustedBy, /DeciderVerifierV3 of store v3 pin/);
    const withKey = await cli(args(ids.honest, ["--vkey", vkeyFile, "--insecure-dev-keys"]));
    assert.equal(withKey.code, 0, withKey.out + withKey.err);
    // Without the flag the dev pin trusts nothing: unchecked, not trusted.
    const noFlag = await cli(args(ids.honest));
    assert.notEqual(noFlag.code, 0, noFlag.out);
    assert.notEqual(JSON.parse(noFlag.out).verdict, "trusted");
  });

  it("circuit verify --vkey refuses an unpinned v3 key unless --insecure-dev-keys", async () => {
    const r = await cli(args(ids.otherKey, ["--vkey", otherVkeyFile]));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err + r.out, /dev key|insecure-dev-keys/);
    assert.ok(DevKeysRefusedError);
    // Accepted as a dev key, it trusts the verifier of THAT key (and not the pinned key's).
    const dev = await cli(args(ids.otherKey, ["--vkey", otherVkeyFile, "--insecure-dev-keys"]));
    assert.equal(dev.code, 0, dev.out + dev.err);
    const wrong = await cli(args(ids.honest, ["--vkey", otherVkeyFile, "--insecure-dev-keys"]));
    assert.equal(JSON.parse(wrong.out).verdict, "trusted", "the store pin still trusts the honest verifier");
  });

  it("circuit verify: another key's verifier and the spliced codes are mismatches", async () => {
    for (const [id, why] of [
      [ids.otherKey, /its vkeyHash is not the key's/],
      [ids.splicedOne, /differs between its uses/],
      [ids.splicedAll, /its key data contract does not hold the key's words/],
    ] as const) {
      const r = await cli(args(id, ["--insecure-dev-keys"]));
      assert.equal(r.code, 1, `${id}: ${r.out}${r.err}`);
      const j = JSON.parse(r.out);
      assert.equal(j.verdict, "mismatch", id);
      assert.match(j.reasons.join("; "), why, id);
    }
  });
});
