/**
 * `novanet circuit verify` against a real chain (Hardhat EDR served over HTTP JSON-RPC): an honest
 * registration of cubic is trusted; the impersonation of issue 10 (an outsider registers cubic's real
 * r1csHash with an accept-all verifier that claims the SRS's [τ]G2) is a mismatch; so is a registration
 * with another SRS, and registering a verifier built for another SRS reverts on-chain; an
 * unreachable RPC is "could not check" (exit 2). With a trusted vkey (`--vkey`, a store pin's vkey) the
 * decider must be the verifier rendered from that key and compiled in-process (decider/bundle.ts
 * compileVerifier): the rendered cubic verifier is trusted; the impostor, a verifier rendered from mix2's
 * key under cubic's r1csHash, and the Hardhat-compiled committed test verifier (same executable code,
 * other solc metadata) are not.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Address, type Hex, keccak256 } from "viem";
import { loadSrsFromPtau, srsFromTau, srsRegistration } from "../../../prover/src/commitment/srs.js";
import type { G2Affine } from "../../../prover/src/curve/bn254.js";
import { compileVerifier } from "../../../prover/src/decider/bundle.js";
import type { SnarkjsVkey } from "../../../prover/src/decider/snarkjs.js";
import { renderDeciderVerifier } from "../../../prover/src/decider/solidity.js";
import { RENDERED_VERIFIER_NAME } from "../../../prover/src/trust/registration.js";
import { TRUST_FORMAT, vkHash } from "../../../prover/src/trust/store.js";
import { runCli as cli } from "../../helpers/cli.js";
import { testPtauPath } from "../../helpers/prover.js";
import { circuitVerifyArgs, writeTestTrustStore } from "../../helpers/trust.js";
import { type RpcNode, startRpcNode } from "../../indexer/helpers/rpc-node.js";
import { deciderFixture } from "../decider/fixtures.js";

const CUBIC = "test/fixtures/circuits/cubic.r1cs";
const DEV11 = "test/fixtures/ptau/dev-11.ptau";
const CUBIC_HASH = "0xdf078ff93427271c6e99b7dcfcca9858a3fe2a5f319aec7631076f3bf1e1d939" as Hex;
const N = 64;

describe("trust: novanet circuit verify (registry impersonation)", function () {
  this.timeout(120_000);
  let node: RpcNode;
  let registry: Address;
  let honestCodehash: Hex;
  let ptau: string;
  let tmp: string;
  let store: string;
  const ids = { honest: "1", impostor: "2", otherSrs: "3", rendered: "4", renderedMix2: "5" };
  let cubicVkey: SnarkjsVkey;
  let cubicVkeyFile: string;
  let knownVerifier: Address;
  let honestAddress: Address;
  let testSrs: ReturnType<typeof srsRegistration>;
  // biome-ignore lint/suspicious/noExplicitAny: the registry contract instance of the Hardhat viem plugin.
  let registryContract: any;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "novanet-circuit-verify-"));
    ptau = await testPtauPath();
    // As a registrant deploys a verifier rendered from the key (the same in-process compile as the check):
    // cubic's own key over an SRS nobody pinned (a known τ) and over the test SRS, and mix2's key rendered
    // under cubic's r1csHash and state width. Compiled before the chain starts: solc blocks this process for
    // seconds under load, and the chain's idle keep-alive connection was then reset under the next request.
    const cubic = await deciderFixture("cubic");
    const mix2 = await deciderFixture("mix2");
    cubicVkey = cubic.keys.vkey;
    const compile = (vkey: SnarkjsVkey, tauG2: G2Affine) =>
      compileVerifier(
        renderDeciderVerifier(vkey, {
          name: RENDERED_VERIFIER_NAME,
          stepR1csHash: CUBIC_HASH,
          variant: "hashed",
          stateWidth: 1,
          tauG2,
        }),
        RENDERED_VERIFIER_NAME,
      );
    const knownSrs = srsFromTau(5n, N);
    const tauG2 = (await loadSrsFromPtau(ptau, 2)).tauG2;
    const compiled = {
      known: compile(cubic.keys.vkey, knownSrs.tauG2),
      cubic: compile(cubic.keys.vkey, tauG2),
      mix2: compile(mix2.keys.vkey, tauG2),
    };
    node = await startRpcNode();
    const { viem } = node.connection;
    const [owner, outsider] = await viem.getWalletClients();
    const publicClient = await viem.getPublicClient();
    const reg = await viem.deployContract("CircuitRegistry");
    registry = reg.address;
    // The committed test verifier holds cubic's key over the dev-11 fixture SRS (pinned `insecure-dev`).
    const honest = await viem.deployContract("TestOnlyCubicDeciderVerifier");
    honestCodehash = keccak256((await publicClient.getCode({ address: honest.address })) as Hex);
    const dev11 = srsRegistration(await loadSrsFromPtau(DEV11, N));
    await reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, dev11, honest.address, 1000n], { account: owner.account });
    // The impersonation: cubic's real r1csHash, an accept-all verifier that does not decide cubic (and claims
    // the SRS's [τ]G2, which the registry's check cannot tell from the truth), the same real SRS.
    const impostor = await viem.deployContract("AcceptAllDeciderVerifier", [CUBIC_HASH, 1n, dev11.tauG2], {
      client: { wallet: outsider },
    });
    await reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, dev11, impostor.address, 1000n], {
      account: outsider.account,
    });
    const deploy = async (c: ReturnType<typeof compileVerifier>) => {
      const hash = await owner.deployContract({ abi: c.abi, bytecode: c.bytecode });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      return receipt.contractAddress as Address;
    };
    // cubic's decider over an SRS nobody pinned (a known τ), registered with that SRS.
    knownVerifier = await deploy(compiled.known);
    await reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, srsRegistration(knownSrs), knownVerifier, 1000n], {
      account: owner.account,
    });
    const srs = srsRegistration(await loadSrsFromPtau(ptau, N));
    testSrs = srs;
    const renderedCubic = await deploy(compiled.cubic);
    const renderedMix2 = await deploy(compiled.mix2);
    await reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, srs, renderedCubic, 1000n], { account: owner.account });
    await reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, srs, renderedMix2, 1000n], { account: owner.account });
    registryContract = reg;
    honestAddress = honest.address;
    cubicVkeyFile = join(tmp, "cubic-vkey.json");
    writeFileSync(cubicVkeyFile, JSON.stringify(cubic.keys.vkey));
    store = join(tmp, "store.json");
    await writeTestTrustStore(store, ptau, "test ptau (snarkjs, one contribution)");
  });
  after(async () => {
    await node?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const args = (id: string, extra: string[] = []) =>
    circuitVerifyArgs(
      { rpc: node.url, registry, circuit: CUBIC, trust: store, ptauDirs: [dirname(ptau), dirname(DEV11)] },
      id,
      extra,
    );

  it("trusts an honest registration (pinned SRS found in the caller's folder, trusted decider code)", async () => {
    const r = await cli(args(ids.honest, ["--decider-codehash", honestCodehash]));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^circuit 1: TRUSTED: r1csHash 0xdf07.*dev-11/);
    assert.equal(r.out.trim().split("\n").length, 1);
  });

  it("reports the impersonation (cubic's r1csHash, another verifier) as a mismatch", async () => {
    const r = await cli(args(ids.impostor, ["--decider-codehash", honestCodehash, "--json"]));
    assert.equal(r.code, 1, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.verdict, "mismatch");
    assert.equal(j.reasons.length, 1);
    assert.match(j.reasons[0], /is not a decider the caller trusts/);
    assert.equal(j.record.r1csHash, CUBIC_HASH); // the claim itself is "right": only the decider betrays it
  });

  it("reports a wrong SRS digest as a mismatch", async () => {
    const r = await cli(args(ids.otherSrs, ["--decider-codehash", honestCodehash]));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^circuit 3: MISMATCH: srsDigest 0x[0-9a-f]{64} \(n 64\) is the digest of no SRS pinned/);
  });

  it("registration refuses a verifier built for another SRS (its [τ]G2 is not the registered SRS's)", async () => {
    // Before: the registry never asked; the committed cubic verifier (dev-11's [τ]G2) registered with the test
    // ptau's SRS, and cubic's verifier for a known τ registered with a pinned SRS. Both now revert on-chain.
    await assert.rejects(
      registryContract.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, testSrs, honestAddress, 1000n]),
      /CircuitRegistryTauG2Mismatch/,
    );
    const dev11 = srsRegistration(await loadSrsFromPtau(DEV11, N));
    await assert.rejects(
      registryContract.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, dev11, knownVerifier, 1000n]),
      /CircuitRegistryTauG2Mismatch/,
    );
  });

  it("reports another circuit's r1cs as a mismatch", async () => {
    const a = args(ids.honest, ["--decider-codehash", honestCodehash]);
    a[8] = "test/fixtures/circuits/mix2.r1cs";
    const r = await cli(a);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /MISMATCH: r1csHash 0xdf07[0-9a-f]+ is not the caller's circuit/);
  });

  it("cannot say trusted without a trusted decider code hash (exit 2)", async () => {
    const r = await cli(args(ids.honest));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.out, /UNCHECKED: no trusted decider code hash/);
  });

  it("takes trusted decider code from a store pin of the caller's circuit, and only of that circuit", async () => {
    // The check uses only the pin's deciderCodehashes; the store format requires a vkey whose hash is its
    // vkHash, so the pin carries a placeholder key (never used to verify anything here).
    const vkey = {
      vk_alpha_1: ["1", "2"],
      vk_beta_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      vk_gamma_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      vk_delta_2: [
        ["1", "2"],
        ["3", "4"],
      ],
      IC: [["1", "2"]],
    };
    const pin = (stepR1csHash: Hex) => ({
      label: "cubic decider (test pin)",
      stepR1csHash,
      variant: "hashed",
      vkHash: vkHash(vkey as never),
      vkey,
      kind: "insecure-dev",
      contributions: 0,
      beacon: true,
      deciderCodehashes: [honestCodehash],
    });
    const write = (name: string, stepR1csHash: Hex) => {
      const f = join(tmp, name);
      writeFileSync(f, JSON.stringify({ format: TRUST_FORMAT, ptau: [], deciders: [pin(stepR1csHash)] }));
      return f;
    };
    const ok = await cli(args(ids.honest, ["--trust", write("cubic-pin.json", CUBIC_HASH)]));
    assert.equal(ok.code, 0, ok.out + ok.err);
    const impostor = await cli(args(ids.impostor, ["--trust", write("cubic-pin2.json", CUBIC_HASH)]));
    assert.equal(impostor.code, 1, impostor.out + impostor.err);
    const other = await cli(args(ids.honest, ["--trust", write("other-pin.json", `0x${"11".repeat(32)}`)]));
    assert.equal(other.code, 2, other.out + other.err);
  });

  it("trusts the verifier rendered from the caller's --vkey (and compiled in-process)", async () => {
    const r = await cli(args(ids.rendered, ["--vkey", cubicVkeyFile, "--json"]));
    assert.equal(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.verdict, "trusted");
    assert.match(
      j.deciderTrustedBy,
      /^verifier rendered from unpinned key passed by --vkey .* \(vkHash 0x[0-9a-f]{64}\)$/,
    );
    assert.equal(j.rendered.length, 1);
    assert.equal(j.rendered[0].codehash, j.record.deciderCodehash);
    assert.equal(j.rendered[0].vkHash, vkHash(cubicVkey));
  });

  it("with --vkey, the impersonation (accept-all verifier under cubic's r1csHash) is a mismatch", async () => {
    const r = await cli(args(ids.impostor, ["--vkey", cubicVkeyFile]));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^circuit 2: MISMATCH: decider 0x[0-9a-fA-F]{40} \(codehash 0x[0-9a-f]{64}\) is not a decider/);
    assert.match(r.out, /unpinned key passed by --vkey .* renders to 0x[0-9a-f]{64}/);
  });

  it("with --vkey, a verifier rendered from another key (mix2's) under cubic's r1csHash is a mismatch", async () => {
    const r = await cli(args(ids.renderedMix2, ["--vkey", cubicVkeyFile]));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^circuit 5: MISMATCH: decider .* is not a decider the caller trusts/);
  });

  it("with --vkey, the Hardhat-compiled committed verifier is a mismatch (same code, other solc metadata)", async () => {
    // TestOnlyCubicDeciderVerifier holds cubic's key, but was compiled from another file (a test-only
    // header, another contract name) by Hardhat: solc's metadata hash, part of the runtime code, differs.
    const r = await cli(args(ids.honest, ["--vkey", cubicVkeyFile]));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /MISMATCH: decider .* is not a decider the caller trusts/);
  });

  it("renders a store pin's vkey for the caller's circuit, and only for that circuit", async () => {
    const pin = (stepR1csHash: Hex) => ({
      label: "cubic decider (test pin, vkey only)",
      stepR1csHash,
      variant: "hashed",
      vkHash: vkHash(cubicVkey),
      vkey: cubicVkey,
      kind: "insecure-dev",
      contributions: 0,
      beacon: true,
    });
    const write = (name: string, stepR1csHash: Hex) => {
      const f = join(tmp, name);
      writeFileSync(f, JSON.stringify({ format: TRUST_FORMAT, ptau: [], deciders: [pin(stepR1csHash)] }));
      return f;
    };
    const ok = await cli(args(ids.rendered, ["--trust", write("cubic-vkey-pin.json", CUBIC_HASH)]));
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /TRUSTED: .*\(verifier rendered from store pin "cubic decider \(test pin, vkey only\)"/);
    const impostor = await cli(args(ids.impostor, ["--trust", write("cubic-vkey-pin2.json", CUBIC_HASH)]));
    assert.equal(impostor.code, 1, impostor.out + impostor.err);
    const other = await cli(args(ids.rendered, ["--trust", write("other-vkey-pin.json", `0x${"11".repeat(32)}`)]));
    assert.equal(other.code, 2, other.out + other.err);
  });

  it("an unreadable --vkey is exit 2 with a typed error", async () => {
    const r = await cli(args(ids.rendered, ["--vkey", join(tmp, "missing.json")]));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /UntrustedDeciderKeyError: cannot read the --vkey file/);
  });

  it("an unknown circuit id is a mismatch", async () => {
    const r = await cli(args("9", ["--decider-codehash", honestCodehash]));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /no circuit 9 is registered/);
  });

  it("an unreachable RPC is exit 2 with a typed error", async () => {
    const a = args(ids.honest, ["--decider-codehash", honestCodehash]);
    a[4] = "http://127.0.0.1:1";
    const r = await cli(a);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.out, /^circuit 1: UNCHECKED: RegistryReadError: cannot read the circuit registry/);
  });
});
