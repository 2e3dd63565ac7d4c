/**
 * Private mode end to end (docs/private.md): `provePrivate` through the wrapper F̂ of cubic.circom,
 * `verifyPrivateBundle` and its rejections, the leak test (an attacker holding the published bundle, the
 * submitBundle calldata and the events searches them for every secret the prover held, and tries to tell
 * two private inputs apart), and `submitPrivateBundle` on a market on Hardhat's in-process chain. The same
 * attacker, run against a bundle of the old local mode (`novanet prove --hiding`), finds the states: the
 * test can fail.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { encodeFunctionData, type Hex, zeroAddress } from "viem";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { proveLocal } from "../../../prover/src/cli/prove.js";
import { devPowerFor, devPtauPath } from "../../../prover/src/commitment/devsrs.js";
import { commit } from "../../../prover/src/commitment/pedersen.js";
import { loadSrsFromPtau } from "../../../prover/src/commitment/srs.js";
import { buildDecider } from "../../../prover/src/decider/circuit.js";
import type { SnarkjsVkey } from "../../../prover/src/decider/snarkjs.js";
import { PrivateBundleError, PrivateSubmitError } from "../../../prover/src/errors/private.js";
import { DevKeysRefusedError, UntrustedDeciderKeyError, UntrustedSrsError } from "../../../prover/src/errors/trust.js";
import { P } from "../../../prover/src/field/fr.js";
import { type ProvePrivateResult, provePrivate } from "../../../prover/src/private/prove.js";
import { PRIVATE_SUBMIT_ABI, privateSubmitArgs, submitPrivateBundle } from "../../../prover/src/private/submit.js";
import { readPrivateBundle, verifyPrivateBundle } from "../../../prover/src/private/verify.js";
import { compilePrivateCircuit, type PrivateCircuit, stateCommitment } from "../../../prover/src/private/wrapper.js";
import { fileBlake2b, TRUST_FORMAT, vkHash } from "../../../prover/src/trust/store.js";
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
    warn: () => {},
    observeLeaf: (_k, s) => {
      secrets.witnesses.push([...s.witness]);
      secrets.states.push([...s.zOut]);
    },
  });
  return { r, secrets };
}

describe("private mode: prove, verify, leak, submit", function () {
  this.timeout(2_400_000); // a clean cache makes the dev-15 ptau and D_F̂'s keys first (~20 min here)
  let tmp: string;
  let pc: PrivateCircuit;
  let ptau: string;
  let m: Awaited<ReturnType<typeof privateMarket>>;
  let open: { dir: string; r: ProvePrivateResult; secrets: Secrets };
  let hiddenA: { dir: string; r: ProvePrivateResult; secrets: Secrets };
  let hiddenB: { dir: string; r: ProvePrivateResult; secrets: Secrets };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "novanet-private-"));
    TEST_PTAU12 = await testPtau12();
    pc = await compilePrivateCircuit(CUBIC, CACHE);
    const shape = await loadR1cs(pc.wrapped.r1csPath);
    const { layout } = buildDecider(shape);
    ptau = devPtauPath(
      devPowerFor(Math.max(shape.nW, shape.m) + 1, layout.nConstraints, layout.nPublic),
      join(CACHE, "ptau"),
    );
    // The first prove makes the dev ptau and the keys if they are not cached; the market's verifier is
    // exported from the same keys.
    const dir = join(tmp, "open");
    const target0 = { chainId: 31337n, market: zeroAddress as Hex };
    await provePrivateCase(join(tmp, "warm"), [3n], target0, false);
    m = await privateMarket(pc, ptau, CACHE);
    const target = { chainId: m.chainId, market: m.market };
    open = { dir, ...(await provePrivateCase(dir, [bigState()], target, false)) };
    hiddenA = { dir: join(tmp, "hA"), ...(await provePrivateCase(join(tmp, "hA"), [bigState()], target, true)) };
    hiddenB = { dir: join(tmp, "hB"), ...(await provePrivateCase(join(tmp, "hB"), [bigState()], target, true)) };
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
      const pin = (vkey: SnarkjsVkey | null) => ({
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
        deciders: vkey
          ? [
              {
                label: "F^ cubic dev key",
                stepR1csHash: readPrivateBundle(open.dir).json.circuit.r1csHash,
                variant: "hashed",
                vkHash: vkHash(vkey),
                vkey,
                kind: "insecure-dev",
                contributions: 1,
                beacon: true,
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
      // A verification key of another setup of the same D_F (other α, β, δ): the decider proof is rejected.
      const other = join(tmp, "other-vkey.json");
      const k = JSON.parse(readFileSync(open.r.vkey, "utf8"));
      [k.vk_alpha_1, k.IC[0]] = [k.IC[0], k.vk_alpha_1];
      writeFileSync(other, JSON.stringify(k));
      const wrongKey = await verifyPrivateBundle(open.dir, {
        ...trusted(),
        circuit: CUBIC,
        cacheDir: CACHE,
        vkey: other,
      });
      assert.equal(wrongKey.valid, false);
      assert.match(wrongKey.reason!, /decider proof rejected .*unpinned key passed by --vkey/);
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

    it("rejects a consistent re-fold with a forged decider proof (yW changed)", async () => {
      const reason = await tamper((j) => {
        j.decider.proof.yW = String((BigInt(j.decider.proof.yW) + 1n) % P);
      });
      assert.match(reason!, /decider proof rejected/);
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
      return new Set([...decimalTokens(text), ...abiWords(calldata)]);
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

    it("the market rejects a forged decider proof", async () => {
      const b = readPrivateBundle(hiddenB.dir);
      b.proof = { ...b.proof, yE: (b.proof.yE + 1n) % P };
      await assert.rejects(
        submitPrivateBundle(m.userClients, { bundle: b, market: m.market, circuitId: m.circuitId }),
        (e: unknown) => e instanceof PrivateSubmitError && /rejected/.test(e.message),
      );
    });
  });
});
