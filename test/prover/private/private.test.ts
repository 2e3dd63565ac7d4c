/**
 * Private mode end to end (docs/private.md), on decider v3 (the default): `provePrivate` through the wrapper
 * F̂ of cubic.circom,
 * `verifyPrivateBundle` and its rejections, the leak test (an attacker holding the published bundle, the
 * submitBundle calldata and the events searches them for every secret the prover held, and tries to tell
 * two private inputs apart), and `submitPrivateBundle` on a market on Hardhat's in-process chain. The same
 * attacker, run against a bundle of the old local mode (`novanet prove --hiding`), finds the states: the
 * test can fail. A v2 private bundle (`decider: 2`, for a circuit registered with a v2 verifier) still
 * verifies and is accepted by a v2-registered market; each version's bundle is refused before sending to a
 * market whose registered verifier is of the other version.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { encodeAbiParameters, encodeFunctionData, type Hex, type PublicClient, zeroAddress } from "viem";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { MarketAbi } from "../../../prover/src/chain/abi.js";
import { bundleDataHash, finalizeBundle, simulateChallenge } from "../../../prover/src/chain/bundles.js";
import { proveLocal } from "../../../prover/src/cli/prove.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { loadSrsFromPtau } from "../../../prover/src/commitment/srs.js";
import { deciderProofMarketAbi } from "../../../prover/src/decider/bundle.js";
import { deciderV3Keys, readVkeyV3File as readVkeyV3 } from "../../../prover/src/decider/bundleV3.js";
import { PrivateBundleError, PrivateSubmitError } from "../../../prover/src/errors/private.js";
import { DevKeysRefusedError, UntrustedDeciderKeyError, UntrustedSrsError } from "../../../prover/src/errors/trust.js";
import { P } from "../../../prover/src/field/fr.js";
import { type ProvePrivateResult, provePrivate } from "../../../prover/src/private/prove.js";
import {
  PRIVATE_SUBMIT_ABI,
  privateProposeData,
  privateSubmitArgs,
  proposePrivateBundle,
  registeredPrivateDecider,
  submitPrivateBundle,
} from "../../../prover/src/private/submit.js";
import { readPrivateBundle, verifyPrivateBundle } from "../../../prover/src/private/verify.js";
import { compilePrivateCircuit, type PrivateCircuit, stateCommitment } from "../../../prover/src/private/wrapper.js";
import { fileBlake2b, TRUST_FORMAT } from "../../../prover/src/trust/store.js";
import { testPtau12 } from "../../../scripts/gen-verifier.js";
import { abiWords, decimalTokens, leaked, privateMarket } from "./helpers.js";

const CACHE = ".novanet";
const CUBIC = join("prover", "circuits", "cubic.circom");
/** Another SRS with enough powers (2^12, made by snarkjs's ptau tools for the decider tests). */
let TEST_PTAU12: string;
const N = 4;

/** A random state entry far above 2^64 (so that no state is a "common" small value). */
const bigState = (): bigint =>
  (BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString("hex")}`) % P) | (1n << 200n);

type Secrets = { witnesses: bigint[][]; states: bigint[][] };

async function provePrivateCase(
  out: string,
  z0: bigint[],
  target: { chainId: bigint; market: Hex },
  hide: boolean,
  decider: 2 | 3 = 3,
  transcript: 1 | 2 = 1,
): Promise<{ r: ProvePrivateResult; secrets: Secrets }> {
  const secrets: Secrets = { witnesses: [], states: [z0] };
  const r = await provePrivate({
    circuit: CUBIC,
    steps: N,
    z0,
    out,
    cacheDir: CACHE,
    chainId: target.chainId,
    market: target.market,
    hideInput: hide,
    hideOutput: hide,
    decider,
    transcript,
    warn: () => {},
    observeLeaf: (_k, s) => {
      secrets.witnesses.push([...s.witness]);
      secrets.states.push([...s.zOut]);
    },
  });
  return { r, secrets };
}

describe("private mode: prove, verify, leak, submit", function () {
  // A clean cache makes the dev ptaus and D_F̂'s keys first: v3 seconds; v2 (the dev-15 ptau and the hashed
  // D_F̂'s snarkjs keys) 3 to 20 min here, then cached.
  this.timeout(2_400_000);
  let tmp: string;
  let pc: PrivateCircuit;
  let ptau: string;
  let m: Awaited<ReturnType<typeof privateMarket>>;
  let open: { dir: string; r: ProvePrivateResult; secrets: Secrets };
  let hiddenA: { dir: string; r: ProvePrivateResult; secrets: Secrets };
  let hiddenB: { dir: string; r: ProvePrivateResult; secrets: Secrets };

  let v2: { dir: string; r: ProvePrivateResult };
  let m2: Awaited<ReturnType<typeof privateMarket>>;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "novanet-private-"));
    TEST_PTAU12 = await testPtau12();
    pc = await compilePrivateCircuit(CUBIC, CACHE);
    // The first prove makes the dev ptau and the v3 keys if they are not cached; the market's verifier is
    // deployed with the same keys' words.
    const dir = join(tmp, "open");
    const target0 = { chainId: 31337n, market: zeroAddress as Hex };
    const warm = await provePrivateCase(join(tmp, "warm"), [3n], target0, false);
    ptau = warm.r.ptau;
    m = await privateMarket(pc, ptau, CACHE);
    const target = { chainId: m.chainId, market: m.market };
    open = { dir, ...(await provePrivateCase(dir, [bigState()], target, false)) };
    hiddenA = { dir: join(tmp, "hA"), ...(await provePrivateCase(join(tmp, "hA"), [bigState()], target, true)) };
    hiddenB = { dir: join(tmp, "hB"), ...(await provePrivateCase(join(tmp, "hB"), [bigState()], target, true)) };
    // A v2 private bundle, for a market whose F̂ is registered with a v2 verifier (over the v2 run's ptau).
    const v2dir = join(tmp, "v2");
    const v2warm = await provePrivateCase(join(tmp, "v2warm"), [5n], target0, false, 2);
    m2 = await privateMarket(pc, v2warm.r.ptau, CACHE, 2);
    v2 = {
      dir: v2dir,
      ...(await provePrivateCase(v2dir, [bigState()], { chainId: m2.chainId, market: m2.market }, true, 2)),
    };
  });

  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** What this test, as the verifier, trusts: the prover's own dev ptau and dev key, accepted as such. */
  const trusted = () => ({ ptau, vkey: open.r.vkey, insecureDevKeys: true });

  describe("verify through the trust store (nothing from the bundle)", () => {
    // Before: with no --ptau, verify loaded the dev ptau from its own cache and the decider key from its key
    // cache, whatever the bundle was made with, and called the SRS "insecure" on the caller's say-so only.
    it("without a trusted SRS (no --ptau, no pinned file in the caller's folders) it cannot check: UntrustedSrsError", async () => {
      await assert.rejects(
        verifyPrivateBundle(open.dir, {
          circuit: CUBIC,
          cacheDir: CACHE,
          vkey: open.r.vkey,
          insecureDevKeys: true,
          ptauDirs: [join(tmp, "empty")],
        }),
        UntrustedSrsError,
      );
    });

    it("a pinned dev ptau found by name in --ptau-dir is used and labelled insecure-dev; no pinned key: UntrustedDeciderKeyError", async () => {
      const store = join(tmp, "store.json");
      const pin = (key: { words: string[] } | null) => ({
        format: TRUST_FORMAT,
        ptau: [
          {
            label: "private test dev ptau",
            file: basename(ptau),
            power: Number(/(\d+)\.ptau$/.exec(ptau)![1]),
            blake2b: blake,
            kind: "insecure-dev",
          },
        ],
        decidersV3: key
          ? [
              {
                label: "F^ cubic dev key",
                stepR1csHash: readPrivateBundle(open.dir).json.circuit.r1csHash,
                vkHash: (readPrivateBundle(open.dir).json.decider as { keys: { vkHash: string } }).keys.vkHash,
                words: key.words,
                kind: "insecure-dev",
                contributions: 0,
                beacon: false,
              },
            ]
          : [],
      });
      const blake = await fileBlake2b(ptau);
      writeFileSync(store, JSON.stringify(pin(null)));
      const base = { circuit: CUBIC, cacheDir: CACHE, trust: [store], ptauDirs: [dirname(ptau)] };
      await assert.rejects(verifyPrivateBundle(open.dir, base), UntrustedDeciderKeyError);
      // With the key pinned (a dev key): refused without insecureDevKeys, then valid and labelled.
      writeFileSync(store, JSON.stringify(pin(JSON.parse(readFileSync(open.r.vkey, "utf8")))));
      await assert.rejects(verifyPrivateBundle(open.dir, base), DevKeysRefusedError);
      const v = await verifyPrivateBundle(open.dir, { ...base, insecureDevKeys: true });
      assert.equal(v.valid, true, v.reason);
      assert.equal(v.srs?.label, "private test dev ptau");
      assert.equal(v.srs?.trust, "insecure-dev");
      assert.equal(v.insecureDevSrs, true);
      assert.equal(v.keys?.label, "F^ cubic dev key");
    });

    it("corrupt one input: another SRS (--ptau) is INVALID with both digests; another key rejects the decider proof", async () => {
      const otherSrs = await verifyPrivateBundle(open.dir, {
        ...trusted(),
        circuit: CUBIC,
        cacheDir: CACHE,
        ptau: TEST_PTAU12,
      });
      assert.equal(otherSrs.valid, false);
      assert.match(otherSrs.reason!, /SRS digest 0x[0-9a-f]{64} is not the verifier's 0x[0-9a-f]{64} \(unpinned/);
      assert.equal(otherSrs.srs?.trust, "unpinned");
      // The bundle's own srs block is a claim: rewriting it to the other SRS's digest breaks the fold domain.
      const j = JSON.parse(readFileSync(join(open.dir, "bundle.json"), "utf8"));
      j.srs.digest = otherSrs.srs!.digest;
      const dir = mkdtempSync(join(tmp, "srs-"));
      writeFileSync(join(dir, "bundle.json"), JSON.stringify(j));
      const claimed = await verifyPrivateBundle(dir, {
        ...trusted(),
        circuit: CUBIC,
        cacheDir: CACHE,
        ptau: TEST_PTAU12,
      });
      assert.equal(claimed.valid, false);
      // A verification key of another setup of the same D_F̂ (the beacon-only v3 keys: other τ, α, β, δ, σ):
      // the decider proof is rejected.
      const shape = await loadR1cs(pc.wrapped.r1csPath);
      const other = (await deciderV3Keys(shape, { cacheDir: CACHE, kind: "beacon-only" })).vkeyPath;
      const wrongKey = await verifyPrivateBundle(open.dir, {
        ...trusted(),
        circuit: CUBIC,
        cacheDir: CACHE,
        vkey: other,
      });
      assert.equal(wrongKey.valid, false);
      assert.match(wrongKey.reason!, /decider proof rejected .*unpinned v3 key passed by --vkey/);
    });
  });

  describe("verify", () => {
    it("a private bundle verifies for F = cubic and names F, N, c_0, c_N and the opened z0, zN", async () => {
      const v = await verifyPrivateBundle(open.dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() });
      assert.equal(v.valid, true, v.reason);
      assert.equal(v.circuit, "cubic");
      assert.equal(v.steps, N);
      assert.deepEqual(v.z0, open.r.z0);
      assert.deepEqual(v.zN, open.r.zN);
      assert.equal(v.c0, open.r.c0);
      assert.equal(v.cN, stateCommitment(open.r.zN, BigInt(readPrivateBundle(open.dir).json.output!.salt)));
      // z_N is F^N(z_0): the chain the prover observed.
      let z = open.r.z0[0];
      for (let k = 0; k < N; k++) z = (z * z * z + z + 5n) % P;
      assert.deepEqual(v.zN, [z]);
    });

    it("a bundle with hidden input and output verifies and publishes only c_0 and c_N", async () => {
      const v = await verifyPrivateBundle(hiddenA.dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() });
      assert.equal(v.valid, true, v.reason);
      assert.equal(v.z0, null);
      assert.equal(v.zN, null);
    });

    // biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON.
    const tamper = async (edit: (j: Record<string, any>) => void): Promise<string | undefined> => {
      const j = JSON.parse(readFileSync(join(open.dir, "bundle.json"), "utf8"));
      edit(j);
      const dir = mkdtempSync(join(tmp, "t-"));
      writeFileSync(join(dir, "bundle.json"), JSON.stringify(j));
      const v = await verifyPrivateBundle(dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() });
      assert.equal(v.valid, false, "tampered bundle accepted");
      return v.reason;
    };

    it("rejects an interior commitment changed (the folds no longer reach the root)", async () => {
      const reason = await tamper((j) => {
        j.commitments[2] = String((BigInt(j.commitments[2]) + 1n) % P);
      });
      assert.match(reason!, /r is not the transcript challenge|do not reach/);
    });

    it("rejects a leaf commitment swapped with another", async () => {
      const reason = await tamper((j) => {
        [j.leaves[0], j.leaves[1]] = [j.leaves[1], j.leaves[0]];
      });
      assert.match(reason!, /transcript challenge|do not reach/);
    });

    it("rejects a false output opening (zN + 1 with the real salt)", async () => {
      const reason = await tamper((j) => {
        j.output.zN[0] = String((BigInt(j.output.zN[0]) + 1n) % P);
      });
      assert.match(reason!, /does not open c_N/);
    });

    it("the bundle carries a v3 proof (format novanet/decider/v3, blinded) and only a claim about its key", () => {
      const j = JSON.parse(readFileSync(join(open.dir, "bundle.json"), "utf8"));
      assert.equal(j.decider.format, "novanet/decider/v3");
      assert.equal(j.decider.variant, "commit-and-prove");
      assert.notEqual(j.decider.proof.blind, null, "hiding: a random instance is folded in");
      assert.equal(j.decider.keys.vkHash, readVkeyV3(open.r.vkey).vkHash);
      assert.equal(j.decider.vkey, undefined);
      assert.equal(j.decider.words, undefined);
    });

    it("corrupt one input of the decider proof: each element of the v3 proof is rejected", async () => {
      const bump = (v: string) => String((BigInt(v) + 1n) % P);
      // biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON.
      const edits: [string, (j: Record<string, any>) => void][] = [
        ["yo (the opening's value)", (j) => (j.decider.proof.yo = bump(j.decider.proof.yo))],
        ["d (the commitment that fixes ζ)", (j) => (j.decider.proof.d = j.decider.proof.pi)],
        ["pok", (j) => (j.decider.proof.pok = j.decider.proof.d)],
        ["a and c swapped", (j) => ([j.decider.proof.a, j.decider.proof.c] = [j.decider.proof.c, j.decider.proof.a])],
        ["cmT", (j) => (j.decider.proof.cmT = j.leaves[0])],
        ["blind.u (the blinding instance)", (j) => (j.decider.proof.blind.u = bump(j.decider.proof.blind.u))],
        ["blind dropped (decide U itself)", (j) => (j.decider.proof.blind = null)],
      ];
      for (const [what, edit] of edits) {
        const reason = await tamper(edit);
        assert.match(reason ?? "", /decider proof rejected/, what);
      }
    });

    it("corrupt one public input: the root (u, x) or a commitment the folds reach: rejected", async () => {
      for (const edit of [
        // biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON.
        (j: Record<string, any>) => (j.root.u = String((BigInt(j.root.u) + 1n) % P)),
        // biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON.
        (j: Record<string, any>) => (j.commitments[N] = String((BigInt(j.commitments[N]) + 1n) % P)),
      ]) {
        assert.match((await tamper(edit)) ?? "", /do not reach|transcript challenge|does not open/);
      }
    });

    it("flags in the bundle cannot make the verifier skip a check or choose its key", async () => {
      const base = { circuit: CUBIC, cacheDir: CACHE, ptau };
      // biome-ignore lint/suspicious/noExplicitAny: tampering edits arbitrary JSON.
      const write = (edit: (j: Record<string, any>) => void) => {
        const j = JSON.parse(readFileSync(join(open.dir, "bundle.json"), "utf8"));
        edit(j);
        const dir = mkdtempSync(join(tmp, "flag-"));
        writeFileSync(join(dir, "bundle.json"), JSON.stringify(j));
        return dir;
      };
      // "No dev keys here" (both claims): the dev key is still refused without insecureDevKeys.
      const calm = write((j) => {
        j.decider.keys.insecureDevKeys = false;
        j.srs.insecureDev = false;
      });
      await assert.rejects(verifyPrivateBundle(calm, { ...base, vkey: open.r.vkey }), DevKeysRefusedError);
      // A claimed key hash of another key: the verifier still uses the caller's key (valid with the right one).
      const shape = await loadR1cs(pc.wrapped.r1csPath);
      const beacon = await deciderV3Keys(shape, { cacheDir: CACHE, kind: "beacon-only" });
      const claim = write((j) => (j.decider.keys.vkHash = beacon.vkHash));
      const ok = await verifyPrivateBundle(claim, { ...trusted(), circuit: CUBIC, cacheDir: CACHE });
      assert.equal(ok.valid, true, ok.reason);
      const bad = await verifyPrivateBundle(claim, {
        ...trusted(),
        circuit: CUBIC,
        cacheDir: CACHE,
        vkey: beacon.vkeyPath,
      });
      assert.equal(bad.valid, false);
      // Without a key from the caller or its store, no key is taken from the bundle's claim.
      await assert.rejects(verifyPrivateBundle(claim, { ...base, insecureDevKeys: true }), UntrustedDeciderKeyError);
      // The format flag switched to the v2 format: the v3 proof does not parse as v2 (typed error, no verdict).
      const v2flag = write((j) => (j.decider.format = "novanet/private-decider/v1"));
      await assert.rejects(verifyPrivateBundle(v2flag, { ...trusted(), ...base }), PrivateBundleError);
      // An unknown format or variant: typed error / ignored, never a skipped check.
      const none = write((j) => (j.decider.format = "novanet/decider/none"));
      await assert.rejects(verifyPrivateBundle(none, { ...trusted(), ...base }), PrivateBundleError);
      const variant = write((j) => {
        j.decider.variant = "unhashed";
        j.decider.proof.yo = String((BigInt(j.decider.proof.yo) + 1n) % P);
      });
      const v = await verifyPrivateBundle(variant, { ...trusted(), ...base });
      assert.equal(v.valid, false);
      // The claimed circuit ids: F̂'s R1CS hash of another circuit is refused before any proof is checked.
      const other = write((j) => (j.circuit.r1csHash = `0x${"11".repeat(32)}`));
      assert.match((await verifyPrivateBundle(other, { ...trusted(), ...base })).reason ?? "", /F\^ is not the one/);
      const otherF = write((j) => (j.circuit.stepR1csHash = `0x${"22".repeat(32)}`));
      assert.match((await verifyPrivateBundle(otherF, { ...trusted(), ...base })).reason ?? "", /another step circuit/);
    });

    it("a v2 private bundle (decider: 2) verifies with the v2 key; a v3 key for it is refused", async () => {
      const j = JSON.parse(readFileSync(join(v2.dir, "bundle.json"), "utf8"));
      assert.equal(j.decider.format, "novanet/private-decider/v1");
      assert.deepEqual(Object.keys(j.decider), ["format", "variant", "deciderConstraints", "insecureDevKeys", "proof"]);
      const base = { circuit: CUBIC, cacheDir: CACHE, ptau: v2.r.ptau, insecureDevKeys: true };
      const ok = await verifyPrivateBundle(v2.dir, { ...base, vkey: v2.r.vkey });
      assert.equal(ok.valid, true, ok.reason);
      await assert.rejects(verifyPrivateBundle(v2.dir, { ...base, vkey: open.r.vkey }), UntrustedDeciderKeyError);
      const dir = mkdtempSync(join(tmp, "v2t-"));
      j.decider.proof.yW = String((BigInt(j.decider.proof.yW) + 1n) % P);
      writeFileSync(join(dir, "bundle.json"), JSON.stringify(j));
      const bad = await verifyPrivateBundle(dir, { ...base, vkey: v2.r.vkey });
      assert.equal(bad.valid, false);
      assert.match(bad.reason!, /decider proof rejected/);
    });

    it("rejects a claim about another step circuit (statement binding: F is the caller's)", async () => {
      const v = await verifyPrivateBundle(open.dir, {
        circuit: join("prover", "circuits", "vm_step.circom"),
        cacheDir: CACHE,
        ...trusted(),
      });
      assert.equal(v.valid, false);
      assert.match(v.reason!, /another step circuit/);
    });

    it("rejects a bundle for another market when the caller names one", async () => {
      const v = await verifyPrivateBundle(open.dir, {
        circuit: CUBIC,
        cacheDir: CACHE,
        ...trusted(),
        expect: { chainId: m.chainId, market: zeroAddress },
      });
      assert.equal(v.valid, false);
      assert.match(v.reason!, /targets chain/);
    });

    it("a malformed bundle is a typed error, not a verdict", async () => {
      const dir = mkdtempSync(join(tmp, "bad-"));
      writeFileSync(join(dir, "bundle.json"), '{"format":"novanet/private-bundle/v1","mode":"private"}');
      await assert.rejects(
        verifyPrivateBundle(dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() }),
        PrivateBundleError,
      );
      await assert.rejects(
        verifyPrivateBundle(join(tmp, "nope"), { circuit: CUBIC, cacheDir: CACHE, ...trusted() }),
        PrivateBundleError,
      );
    });

    it("an interrupted run leaves no bundle and no temporary folder (the bundle is renamed into place)", async () => {
      const out = join(tmp, "interrupted");
      await assert.rejects(
        provePrivate({
          circuit: CUBIC,
          steps: 4,
          z0: [2n],
          out,
          cacheDir: CACHE,
          warn: () => {},
          observeLeaf: (k) => {
            if (k === 2) throw new Error("killed");
          },
        }),
        /killed/,
      );
      assert.deepEqual(
        readdirSync(tmp).filter((f) => f.includes("interrupted")),
        [],
      );
    });

    it("--out naming a file is a typed error and leaves no bundle", async () => {
      const f = join(tmp, "a-file");
      writeFileSync(f, "x");
      await assert.rejects(
        provePrivate({ circuit: CUBIC, steps: 1, z0: [1n], out: f, cacheDir: CACHE, warn: () => {} }),
        PrivateBundleError,
      );
      assert.equal(readFileSync(f, "utf8"), "x");
    });
  });

  describe("leak test: an attacker with the published bundle, calldata and events", () => {
    /** Everything published: the bundle's tokens, the submitBundle calldata's words, the receipt's logs. */
    const published = (dir: string): Set<bigint> => {
      const text = readFileSync(join(dir, "bundle.json"), "utf8");
      const b = readPrivateBundle(dir);
      const calldata = encodeFunctionData({
        abi: PRIVATE_SUBMIT_ABI,
        functionName: "submitBundle",
        args: privateSubmitArgs(b, 1n),
      });
      // The optimistic path: proposeBundle's calldata and the BundleProposed event's data (the whole bundle data).
      const data = privateProposeData(b);
      const propose = encodeFunctionData({
        abi: MarketAbi,
        functionName: "proposeBundle",
        args: [1n, data as never, deciderProofMarketAbi(b.proof) as never],
      });
      const ev = MarketAbi.find((x) => x.type === "event" && x.name === "BundleProposed");
      assert.ok(ev && ev.type === "event");
      const eventData = encodeAbiParameters(
        ev.inputs.filter((i) => !i.indexed),
        [b.N, 1n << 40n, 10n ** 15n * BigInt(b.N), bundleDataHash(data), data] as never,
      );
      return new Set([...decimalTokens(text), ...abiWords(calldata), ...abiWords(propose), ...abiWords(eventData)]);
    };

    /** The secrets of a run: every state z_k and every wire of every leaf's F̂ witness except x. */
    const secretValues = (s: Secrets, except: bigint[] = []): bigint[] => {
      const all = new Set<bigint>();
      for (const z of s.states) for (const v of z) all.add(v);
      for (const w of s.witnesses) for (const v of w.slice(3)) all.add(v);
      for (const v of except) all.delete(v);
      return [...all];
    };

    it("finds no state z_k (0 < k < N), no salt, no witness value in an opened bundle or its calldata", () => {
      const b = readPrivateBundle(open.dir);
      const pub = published(open.dir);
      // What the app chose to publish: the openings of c_0 and c_N.
      const opened = [...open.r.z0, b.input!.salt, ...open.r.zN, b.output!.salt];
      const secrets = secretValues(open.secrets, opened);
      assert.ok(secrets.length > N * 240, `only ${secrets.length} secrets collected`);
      assert.deepEqual(leaked(secrets, pub), []);
      // Interior states, in particular, appear nowhere, not even as hex in the text.
      const text = readFileSync(join(open.dir, "bundle.json"), "utf8").toLowerCase();
      for (const z of open.secrets.states.slice(1, N)) {
        assert.ok(!text.includes(z[0].toString(10)), "decimal z_k in the bundle");
        assert.ok(!text.includes(z[0].toString(16)), "hex z_k in the bundle");
      }
    });

    it("with input and output hidden, nothing of either run is published, z0 and zN included", () => {
      for (const h of [hiddenA, hiddenB]) {
        const secrets = secretValues(h.secrets);
        assert.deepEqual(leaked(secrets, published(h.dir)), []);
      }
    });

    it("cannot tell two private inputs apart: same shape, no candidate's values, no unblinded commitment", async () => {
      const a = JSON.parse(readFileSync(join(hiddenA.dir, "bundle.json"), "utf8"));
      const b = JSON.parse(readFileSync(join(hiddenB.dir, "bundle.json"), "utf8"));
      // 1. Structure: the same keys and array lengths everywhere (only field elements differ).
      const shape = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(shape)
          : typeof v === "object" && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "createdAt" ? "" : shape(x)]))
            : typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v)
              ? "F"
              : typeof v === "string" && /^0x[0-9a-f]{64}$/.test(v)
                ? "H"
                : v;
      assert.deepEqual(shape(a), shape(b));
      // 2. The attacker knows both candidate inputs and F, so both candidate state chains: neither
      //    chain's states appear in either bundle (each bundle would "match" its own chain otherwise).
      const pubA = published(hiddenA.dir);
      const pubB = published(hiddenB.dir);
      for (const s of [hiddenA.secrets, hiddenB.secrets]) {
        const chain = s.states.flat();
        assert.deepEqual(leaked(chain, pubA), []);
        assert.deepEqual(leaked(chain, pubB), []);
      }
      // 3. Unsalted or unblinded guesses: Poseidon(z_k, 0) and the unblinded commitment to the true leaf
      //    witness (which the attacker could only guess) are not what was published.
      const srs = await loadSrsFromPtau(ptau, Math.max(a.circuit.nW, a.circuit.nConstraints) + 1);
      for (const [h, j] of [
        [hiddenA, a],
        [hiddenB, b],
      ] as const) {
        const cs = new Set(j.commitments.map(BigInt));
        for (const z of h.secrets.states) assert.ok(!cs.has(stateCommitment(z, 0n)));
        const W0 = h.secrets.witnesses[0].slice(3);
        const unblinded = await commit(srs, W0, 0n);
        assert.notDeepEqual({ x: String(unblinded.x), y: String(unblinded.y) }, j.leaves[0]);
      }
    });

    it("control: the same attacker finds the states in a bundle of the old local mode (--hiding)", async () => {
      const z0 = [bigState()];
      const dir = join(tmp, "local");
      const r = await proveLocal({
        circuit: CUBIC,
        steps: N,
        z0,
        out: dir,
        hiding: true,
        cacheDir: CACHE,
        warn: () => {},
      });
      let z = z0[0];
      const states: bigint[] = [];
      for (let k = 1; k < N; k++) {
        z = (z * z * z + z + 5n) % P;
        states.push(z);
      }
      const found = leaked(states, decimalTokens(readFileSync(join(r.bundle, "bundle.json"), "utf8")));
      assert.equal(found.length, N - 1, "the old local bundle publishes every z_k");
    });
  });

  describe("submit to a market (Hardhat in-process chain)", () => {
    it("the market verifies a private bundle: job Verified, the event carries only c_N; calldata and logs leak nothing", async () => {
      const b = readPrivateBundle(hiddenA.dir);
      const res = await submitPrivateBundle(m.userClients, { bundle: b, market: m.market, circuitId: m.circuitId });
      assert.ok(res.jobId >= 1n);
      assert.equal(res.cN, hiddenA.r.cN);
      const tx = await m.publicClient.getTransaction({ hash: res.txHash });
      const receipt = await m.publicClient.getTransactionReceipt({ hash: res.txHash });
      const pub = abiWords(tx.input);
      for (const log of receipt.logs) {
        for (const w of abiWords(log.data)) pub.add(w);
        for (const t of log.topics) pub.add(BigInt(t));
      }
      const secrets = new Set<bigint>();
      for (const z of hiddenA.secrets.states) for (const v of z) secrets.add(v);
      for (const w of hiddenA.secrets.witnesses) for (const v of w.slice(3)) secrets.add(v);
      assert.deepEqual(leaked(secrets, pub), []);
      process.stderr.write(`      submitBundle (private, ${N} leaves): ${res.gasUsed} gas\n`);
    });

    it("refuses a bundle proved for another market before sending", async () => {
      const dir = join(tmp, "warm");
      await assert.rejects(
        submitPrivateBundle(m.userClients, {
          bundle: readPrivateBundle(dir),
          market: m.market,
          circuitId: m.circuitId,
        }),
        (e: unknown) => e instanceof PrivateSubmitError && /another market/.test(e.message),
      );
    });

    it("the market rejects a forged decider proof (v3: yo, then d, each changed)", async () => {
      const b = readPrivateBundle(hiddenB.dir);
      assert.equal(b.proof.version, 3);
      if (b.proof.version !== 3) return;
      const p = b.proof.proof;
      for (const forged of [
        { ...p, yo: (p.yo + 1n) % P },
        { ...p, g16: { ...p.g16, d: p.pi } },
      ]) {
        await assert.rejects(
          submitPrivateBundle(m.userClients, {
            bundle: { ...b, proof: { version: 3, proof: forged } },
            market: m.market,
            circuitId: m.circuitId,
          }),
          (e: unknown) => e instanceof PrivateSubmitError && /rejected/.test(e.message),
        );
      }
    });

    it("a v2 private bundle is verified by a market whose F̂ is registered with a v2 verifier", async () => {
      const res = await submitPrivateBundle(m2.userClients, {
        bundle: readPrivateBundle(v2.dir),
        market: m2.market,
        circuitId: m2.circuitId,
      });
      assert.equal(res.cN, v2.r.cN);
      process.stderr.write(`      submitBundle (private, v2 decider, ${N} leaves): ${res.gasUsed} gas\n`);
    });

    it("registeredPrivateDecider reads the registered verifier as the node does: v3 with the prover's key, or v2", async () => {
      const shape = await loadR1cs(pc.wrapped.r1csPath);
      const r3 = await registeredPrivateDecider(m.publicClient as never, m.market, 1n, shape, CACHE);
      assert.equal(r3.version, 3);
      assert.equal(r3.version === 3 && r3.v3Kind, "random");
      assert.equal(r3.version === 3 && r3.vkeyHash, readVkeyV3(open.r.vkey).vkHash);
      assert.deepEqual(await registeredPrivateDecider(m2.publicClient as never, m2.market, 1n, shape, CACHE), {
        version: 2,
      });
      // Another circuit's shape (cubic's own F, not F̂): refused before anything is proved.
      await assert.rejects(
        registeredPrivateDecider(m.publicClient as never, m.market, 1n, await loadR1cs(pc.step.r1csPath), CACHE),
        (e: unknown) => e instanceof PrivateSubmitError && /not this circuit's private wrapper/.test(e.message),
      );
    });

    it("each version's bundle is refused before sending to a market registered with the other version", async () => {
      // Fresh in-process chains deploy the market at the same address, so each bundle targets both markets.
      assert.equal(m2.market, m.market);
      assert.equal(m2.chainId, m.chainId);
      await assert.rejects(
        submitPrivateBundle(m.userClients, { bundle: readPrivateBundle(v2.dir), market: m.market, circuitId: 1n }),
        (e: unknown) =>
          e instanceof PrivateSubmitError && /registered verifier is decider v3.*v2 proof/.test(e.message),
      );
      await assert.rejects(
        submitPrivateBundle(m2.userClients, {
          bundle: readPrivateBundle(hiddenB.dir),
          market: m2.market,
          circuitId: 1n,
        }),
        (e: unknown) =>
          e instanceof PrivateSubmitError && /registered verifier is decider v2.*v3 proof/.test(e.message),
      );
    });
  });

  describe("optimistic submit to market v2 (proposeBundle; transcript v2)", () => {
    let mv: Awaited<ReturnType<typeof privateMarket>>;
    let opt: { dir: string; r: ProvePrivateResult; secrets: Secrets };
    before(async () => {
      mv = await privateMarket(pc, ptau, CACHE, 3, { marketV2: true });
      const dir = join(tmp, "optimistic");
      opt = {
        dir,
        ...(await provePrivateCase(dir, [bigState()], { chainId: mv.chainId, market: mv.market }, true, 3, 2)),
      };
    });

    it("a transcript-v2 private bundle verifies; the market takes it with its bond; calldata and BundleProposed leak nothing", async () => {
      const b = readPrivateBundle(opt.dir);
      assert.equal(b.transcript, 2);
      const v = await verifyPrivateBundle(opt.dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() });
      assert.equal(v.valid, true, v.reason);
      const res = await proposePrivateBundle(mv.userClients, { bundle: b, market: mv.market, circuitId: mv.circuitId });
      assert.equal(res.cN, opt.r.cN);
      assert.equal(res.bond, 10n ** 15n * BigInt(N));
      const tx = await mv.publicClient.getTransaction({ hash: res.txHash });
      const receipt = await mv.publicClient.getTransactionReceipt({ hash: res.txHash });
      const pub = abiWords(tx.input);
      for (const log of receipt.logs) {
        for (const w of abiWords(log.data)) pub.add(w);
        for (const t of log.topics) pub.add(BigInt(t));
      }
      const secrets = new Set<bigint>();
      for (const z of opt.secrets.states) for (const v of z) secrets.add(v);
      for (const w of opt.secrets.witnesses) for (const v of w.slice(3)) secrets.add(v);
      assert.ok(secrets.size > N * 240);
      assert.deepEqual(leaked(secrets, pub), []);
      // The same words as submitBundle: beyond them only ABI offsets and lengths (< 2^64), the root, the bond and
      // window, the data hash and the event topics. (Aligned words here: calldata after its selector, log data from 0.)
      const aligned = (hex: Hex, start: number) => {
        const out: bigint[] = [];
        for (let o = 2 + 2 * start; o + 64 <= hex.length; o += 64) out.push(BigInt(`0x${hex.slice(o, o + 64)}`));
        return out;
      };
      const submitted = new Set(
        aligned(
          encodeFunctionData({ abi: PRIVATE_SUBMIT_ABI, functionName: "submitBundle", args: privateSubmitArgs(b, 1n) }),
          4,
        ),
      );
      const root = [b.root.cmW.x, b.root.cmW.y, b.root.cmE.x, b.root.cmE.y, b.root.u, ...b.root.x];
      const words = [...aligned(tx.input, 4), ...receipt.logs.flatMap((l) => aligned(l.data, 0))];
      const extra = words.filter((w) => !submitted.has(w) && !root.includes(w) && w >= 1n << 64n);
      const allowed = new Set([
        BigInt(bundleDataHash(privateProposeData(b))),
        ...receipt.logs.flatMap((l) => l.topics.map((t) => BigInt(t))),
      ]);
      assert.deepEqual(
        extra.filter((w) => !allowed.has(w)),
        [],
        "only the data hash and event topics (signatures, the proposer)",
      );
      process.stderr.write(`      proposeBundle (private, ${N} leaves): ${res.gasUsed} gas\n`);
      // Honest under the market's own re-execution: a challenge finds nothing; finalized after the window.
      const pc2 = mv.publicClient as unknown as PublicClient;
      const sim = await simulateChallenge(pc2, mv.market, mv.other.account.address, res.jobId, privateProposeData(b));
      assert.deepEqual(sim, { fraud: false, reason: "MarketBundleValid" });
      const { networkHelpers } = mv.conn;
      await networkHelpers.time.increase(3601);
      const fin = await finalizeBundle(mv.userClients, mv.market, res.jobId);
      assert.equal(fin.bond, res.bond);
    });

    it("the transcript is part of what verify checks: dropping it from a v2 bundle, or adding it to a v1 one, is rejected", async () => {
      for (const [src, edit] of [
        [opt.dir, (j: Record<string, unknown>) => delete j.transcript],
        [open.dir, (j: Record<string, unknown>) => (j.transcript = 2)],
      ] as const) {
        const j = JSON.parse(readFileSync(join(src, "bundle.json"), "utf8"));
        edit(j);
        const dir = mkdtempSync(join(tmp, "tr-"));
        writeFileSync(join(dir, "bundle.json"), JSON.stringify(j));
        const v = await verifyPrivateBundle(dir, { circuit: CUBIC, cacheDir: CACHE, ...trusted() });
        assert.equal(v.valid, false, "accepted under the other transcript");
        assert.match(v.reason ?? "", /transcript challenge/);
      }
    });

    it("the verified path takes the same bundle on market v2 (submitBundle under transcript v2)", async () => {
      const res = await submitPrivateBundle(mv.userClients, {
        bundle: readPrivateBundle(opt.dir),
        market: mv.market,
        circuitId: mv.circuitId,
      });
      assert.equal(res.cN, opt.r.cN);
      process.stderr.write(`      submitBundle (private, market v2, ${N} leaves): ${res.gasUsed} gas\n`);
    });

    it("a transcript-v1 bundle for market v2 is refused before sending (a challenge would take its bond)", async () => {
      const dir = join(tmp, "optimistic-v1");
      await provePrivateCase(dir, [bigState()], { chainId: mv.chainId, market: mv.market }, true, 3, 1);
      const b = readPrivateBundle(dir);
      assert.equal(b.transcript, 1);
      const before = await mv.publicClient.getTransactionCount({ address: mv.user.account.address });
      await assert.rejects(
        proposePrivateBundle(mv.userClients, { bundle: b, market: mv.market, circuitId: mv.circuitId }),
        (e: unknown) => e instanceof PrivateSubmitError && /challenge would take the bond/.test(e.message),
      );
      assert.equal(await mv.publicClient.getTransactionCount({ address: mv.user.account.address }), before);
    });
  });
});
