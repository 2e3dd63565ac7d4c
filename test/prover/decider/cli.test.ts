import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadSrsFromPtau } from "../../../prover/src/commitment/srs.js";
import { verifyBundleOnchain } from "../../../prover/src/decider/bundle.js";
import { OnchainCheckError } from "../../../prover/src/errors/decider.js";
import { runCli as cli, proveCubicDev } from "../../helpers/cli.js";

describe("decider v3 in the CLI (the default of novanet prove; verify off-chain and --onchain)", function () {
  this.timeout(600_000);
  let bundle: string;
  let printed: { ptau: string; vkey: string };
  let own: string[] = [];

  before(async () => {
    ({ bundle, printed } = await proveCubicDev("novanet-decider3-cli-"));
    own = ["--ptau", printed.ptau, "--vkey", printed.vkey];
  });

  it("prove writes a v3 proof and only a claim about its key; the printed key file is the v3 words", () => {
    const json = JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8"));
    assert.equal(json.decider.format, "novanet/decider/v3");
    assert.equal(json.decider.variant, "commit-and-prove");
    assert.notEqual(json.decider.proof.blind, null);
    assert.match(json.decider.keys.vkHash, /^0x[0-9a-f]{64}$/);
    assert.equal(json.decider.keys.insecureDevKeys, true);
    assert.equal(json.decider.vkey, undefined);
    const key = JSON.parse(readFileSync(printed.vkey, "utf8"));
    assert.equal(key.format, "novanet/decider/v3-vkey");
    assert.equal(key.words.length, 24);
  });

  it("verify --onchain --json accepts and reports the gas (DeciderVerifierV3 deployed with the trusted words)", async () => {
    const r = await cli(["verify", bundle, "--onchain", "--json", "--quiet", ...own, "--insecure-dev-keys"]);
    assert.equal(r.code, 0, r.out + r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.valid, true);
    assert.equal(o.succinct, true);
    assert.ok(Number.isInteger(o.gas) && o.gas > 100_000 && o.gas < 450_000, String(o.gas));
  });

  it("dev keys are refused without --insecure-dev-keys, and a v3 proof needs --vkey (exit 2)", async () => {
    const refused = await cli(["verify", bundle, "--json", "--quiet", ...own]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /DevKeysRefusedError/);
    const noKey = await cli(["verify", bundle, "--json", "--quiet", "--ptau", printed.ptau, "--insecure-dev-keys"]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.err, /--vkey/);
  });

  it("a tampered v3 proof is INVALID off-chain and on-chain (exit 1)", async () => {
    const path = join(bundle, "bundle.json");
    const original = readFileSync(path, "utf8");
    try {
      for (const field of ["yo", "d"] as const) {
        const json = JSON.parse(original);
        if (field === "yo") json.decider.proof.yo = String((BigInt(json.decider.proof.yo) + 1n) % 2n ** 200n);
        else json.decider.proof.d = json.decider.proof.pi;
        writeFileSync(path, JSON.stringify(json));
        const r = await cli(["verify", bundle, "--json", "--quiet", ...own, "--insecure-dev-keys"]);
        assert.equal(r.code, 1, field);
        assert.match(JSON.parse(r.out).reason, /decider v3 proof rejected/);
      }
      const json = JSON.parse(original);
      json.decider.proof.yo = String((BigInt(json.decider.proof.yo) + 1n) % 2n ** 200n);
      writeFileSync(path, JSON.stringify(json));
      const { readVkeyV3File } = await import("../../../prover/src/decider/bundleV3.js");
      const srs = await loadSrsFromPtau(printed.ptau, 8);
      const circuit = { r1csHash: json.circuit.r1csHash, stateWidth: json.circuit.stateWidth };
      const words = readVkeyV3File(printed.vkey).words;
      const o = await verifyBundleOnchain(bundle, { version: 3, words, tauG2: srs.tauG2, circuit });
      assert.equal(o.ok, false);
      assert.match(o.ok ? "" : o.reason, /DeciderVerifierV3ProofRejected/);
    } finally {
      writeFileSync(path, original);
    }
  });
});

describe("decider in the CLI (novanet prove / verify --onchain / setup)", function () {
  this.timeout(600_000);
  let dir: string;
  let bundle: string;
  /** The prover's own SRS and dev vkey (printed by prove): what its own verify passes. */
  let own: string[] = [];
  let printed: { ptau: string; vkey: string; r1csHash?: string };

  before(async () => {
    ({ dir, bundle, printed } = await proveCubicDev("novanet-decider-cli-", ["--decider", "v2"]));
    own = ["--ptau", printed.ptau, "--vkey", printed.vkey, "--insecure-dev-keys"];
  });

  it("prove writes the decider proof and only a claim about its key (no key, no verifier, no path)", () => {
    const json = JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8"));
    assert.equal(json.decider.format, "novanet/decider/v1");
    assert.notEqual(json.decider.proof.blind, null);
    assert.match(json.decider.keys.vkHash, /^0x[0-9a-f]{64}$/);
    assert.equal(json.decider.keys.insecureDevKeys, true);
    assert.equal(json.decider.vkey, undefined);
    assert.equal(json.decider.verifier, undefined);
    assert.equal(json.decider.ptau, undefined);
  });

  it("verify --onchain --json accepts and reports the gas (verifier rendered from the trusted key)", async () => {
    const r = await cli(["verify", bundle, "--onchain", "--json", "--quiet", ...own]);
    assert.equal(r.code, 0, r.out + r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.valid, true);
    assert.ok(Number.isInteger(o.gas) && o.gas > 100_000 && o.gas < 1_000_000, String(o.gas));
  });

  it("a tampered decider proof is INVALID off-chain and on-chain (exit 1)", async () => {
    const path = join(bundle, "bundle.json");
    const original = readFileSync(path, "utf8");
    try {
      const json = JSON.parse(original);
      json.decider.proof.yW = String((BigInt(json.decider.proof.yW) + 1n) % 2n ** 200n);
      writeFileSync(path, JSON.stringify(json));
      const r = await cli(["verify", bundle, "--json", "--quiet", ...own]);
      assert.equal(r.code, 1);
      assert.match(JSON.parse(r.out).reason, /decider proof rejected/);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("a v2 bundle in the on-disk format written before v3 still verifies (format, field names and order pinned)", async () => {
    const json = JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8"));
    // The exact shape v2 bundles on users' disks have (decider/bundle.ts before the v2/v3 merge).
    assert.deepEqual(Object.keys(json.decider), ["format", "variant", "deciderConstraints", "keys", "proof"]);
    assert.deepEqual(Object.keys(json.decider.proof), [
      "a",
      "b",
      "c",
      "zeta",
      "yW",
      "yE",
      "piW",
      "piE",
      "blind",
      "cmT",
    ]);
    assert.equal(json.decider.variant, "hashed");
    const r = await cli(["verify", bundle, "--json", "--quiet", ...own]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(JSON.parse(r.out).succinct, true);
  });

  it("corrupt one input of a v2 bundle: the format flag, the key claim, a proof element, the circuit's key", async () => {
    const path = join(bundle, "bundle.json");
    const original = readFileSync(path, "utf8");
    try {
      // The format flag rewritten to v3: the v2 proof is not a v3 proof (malformed: exit 2, never valid).
      let json = JSON.parse(original);
      json.decider.format = "novanet/decider/v3";
      writeFileSync(path, JSON.stringify(json));
      let r = await cli(["verify", bundle, "--json", "--quiet", ...own]);
      assert.notEqual(r.code, 0, r.out);
      // An unknown format: a typed error, never a skipped decider check.
      json.decider.format = "novanet/decider/none";
      writeFileSync(path, JSON.stringify(json));
      r = await cli(["verify", bundle, "--json", "--quiet", ...own]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /DeciderProofFormatError/);
      // The key claim says "not dev keys": dev keys are still refused without --insecure-dev-keys.
      json = JSON.parse(original);
      json.decider.keys.insecureDevKeys = false;
      writeFileSync(path, JSON.stringify(json));
      r = await cli(["verify", bundle, "--json", "--quiet", "--ptau", printed.ptau, "--vkey", printed.vkey]);
      assert.equal(r.code, 2);
      assert.match(r.err, /DevKeysRefusedError/);
      // A proof element (c) replaced by another valid point (a): rejected.
      json = JSON.parse(original);
      json.decider.proof.c = json.decider.proof.a;
      writeFileSync(path, JSON.stringify(json));
      r = await cli(["verify", bundle, "--json", "--quiet", ...own]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(JSON.parse(r.out).reason, /decider proof rejected/);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("an EVM/compiler failure is OnchainCheckError ('could not check', exit 2), not 'verifier reverted'", async () => {
    const vkey = JSON.parse(readFileSync(printed.vkey, "utf8"));
    const srs = await loadSrsFromPtau(printed.ptau, 2);
    const json = JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8"));
    // A verification key the renderer cannot write as Solidity (the compiler step fails).
    const broken = { ...vkey, vk_alpha_1: ["0x12", "1", "1"] };
    await assert.rejects(
      verifyBundleOnchain(bundle, {
        version: 2,
        vkey: broken,
        tauG2: srs.tauG2,
        circuit: { r1csHash: json.circuit.r1csHash, stateWidth: json.circuit.stateWidth },
      }),
      OnchainCheckError,
    );
  });

  it("setup refuses to make dev keys without --insecure-dev-keys", async () => {
    const r = await cli([
      "setup",
      "--circuit",
      "test/fixtures/circuits/cubic.r1cs",
      "--ptau",
      "test/fixtures/ptau/dev-11.ptau",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err, /DevKeysRefusedError/);
  });

  it("setup makes (cached) keys and exports a verifier, labelled dev keys", async () => {
    const out = join(dir, "V.sol");
    const r = await cli([
      "setup",
      "--insecure-dev-keys",
      "--circuit",
      "test/fixtures/circuits/cubic.r1cs",
      "--ptau",
      "test/fixtures/ptau/dev-11.ptau",
      "--out",
      out,
      "--name",
      "CubicV",
    ]);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.insecureDevKeys, true);
    assert.match(r.err, /INSECURE DEV KEYS/);
    assert.equal(o.deciderConstraints, 1394);
    // Another trusted key for the same circuit: the proof is rejected, and the reason names both keys.
    const v = await cli([
      "verify",
      bundle,
      "--json",
      "--quiet",
      ...own.slice(0, 2),
      "--vkey",
      join(o.keys, "vkey.json"),
      "--insecure-dev-keys",
    ]);
    assert.equal(v.code, 1, v.out + v.err);
    assert.match(
      JSON.parse(v.out).reason,
      /groth16 check failed\): the bundle claims decider key vkHash 0x[0-9a-f]{64}, the trusted key is 0x/,
    );
    assert.match(readFileSync(out, "utf8"), /contract CubicV is DeciderVerifier/);
  });
});
