/**
 * Attacker tests for `novanet verify`'s trust boundary (issue 10, forgeries 1 and 3): each builds the
 * forgery through the project's own APIs and sees it rejected with a clear reason. (Forgery 2, the
 * public-δ Groth16 proof, is in ceremony.test.ts; forgery 4, registry impersonation, in registration.test.ts
 * and circuit-ceremony.test.ts; docs/trust.md "Where each forgery of issue 10 is tested".)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256 } from "viem";
import { verifyBundle } from "../../../prover/src/cli/verify.js";
import { generateDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { writeR1csBytes } from "../../../prover/src/decider/r1csFile.js";
import { UntrustedSrsError } from "../../../prover/src/errors/trust.js";
import { runCli as cli } from "../../helpers/cli.js";

describe("trust: forgeries that went around the cryptography", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-forge-"));
  const cache = join(dir, "cache");
  const z0 = join(dir, "z0.json");
  after(() => rmSync(dir, { recursive: true, force: true }));

  const prove = async (circuit: string, out: string, ptau: string) => {
    const r = await cli([
      "prove",
      "--circuit",
      circuit,
      "--steps",
      "3",
      "--input",
      z0,
      "--out",
      out,
      "--ptau",
      ptau,
      "--cache",
      cache,
      "--quiet",
      "--no-decider",
    ]);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };

  before(() => writeFileSync(z0, '["3"]'));

  describe("1. an SRS whose τ the prover knows", () => {
    // Before: verify loaded the .ptau at the bundle's srs.ptau and checked it only against the bundle's
    // own srs.digest, so an SRS with a known τ (false KZG openings) verified VALID.
    let bundle: string;
    let evil: string;

    before(async () => {
      evil = join(dir, "evil.ptau");
      await generateDevPtau(evil, 6, { tau: 424242n, alpha: 5n, beta: 7n });
      bundle = join(dir, "evil.bundle");
      await prove("prover/circuits/cubic.circom", bundle, evil);
      const p = join(bundle, "bundle.json");
      const j = JSON.parse(readFileSync(p, "utf8"));
      // The attacker points the bundle at its SRS and claims it is a ceremony file.
      j.srs.ptau = evil;
      j.srs.claim = { insecureDev: false, label: "Hermez power 11" };
      writeFileSync(p, JSON.stringify(j));
    });

    it("is not trusted: the bundle's path is not followed (UntrustedSrsError, exit 2)", async () => {
      await assert.rejects(verifyBundle(bundle, { ptauDirs: [join(dir, "empty")] }), UntrustedSrsError);
      const r = await cli(["verify", bundle, "--json", "--quiet"]);
      assert.equal(r.code, 2);
      assert.match(r.err, /UntrustedSrsError/);
      // On-chain too: --onchain never reaches an EVM with the bundle's SRS (the verifier it would render
      // carries the trusted SRS's [τ]G2, and there is no trusted SRS with this digest).
      const o = await cli(["verify", bundle, "--onchain", "--json", "--quiet"]);
      assert.equal(o.code, 2);
      assert.match(o.err, /UntrustedSrsError/);
    });

    it("is not trusted under a pinned ceremony file's name either (its blake2b is not the pin's)", async () => {
      const folder = join(dir, "ptau-dir");
      mkdirSync(folder, { recursive: true });
      copyFileSync(evil, join(folder, "powersOfTau28_hez_final_11.ptau"));
      copyFileSync(evil, join(folder, "dev-11.ptau"));
      await assert.rejects(verifyBundle(bundle, { ptauDirs: [folder] }), /no trusted SRS has the bundle's srs.digest/);
    });

    it("passed explicitly with --ptau it verifies only as 'unpinned', labelled insecure, never as a ceremony SRS", async () => {
      const r = await verifyBundle(bundle, { ptau: evil });
      assert.equal(r.valid, true, r.reason);
      assert.equal(r.srs?.trust, "unpinned");
      assert.equal(r.insecureDevSrs, true);
    });
  });

  describe("3. circuit substitution", () => {
    // Before: verify checked a bundle against the bundle's own circuit.r1cs and never said which F was
    // proved: a circuit computing z + 1, named "cubic", verified VALID.
    let bundle: string;

    before(async () => {
      const fake = join(dir, "fake", "cubic.circom");
      mkdirSync(join(dir, "fake"), { recursive: true });
      writeFileSync(
        fake,
        "pragma circom 2.1.0;\ntemplate Cubic() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] + 1; }\ncomponent main { public [z_in] } = Cubic();\n",
      );
      bundle = join(dir, "fake.bundle");
      const out = await prove(fake, bundle, "test/fixtures/ptau/dev-11.ptau");
      assert.deepEqual(out.zN, ["6"]);
    });

    const trust = ["--ptau-dir", "test/fixtures/ptau", "--json", "--quiet"];

    it("--circuit <the real cubic.circom> rejects it: INVALID, exit 1, naming both circuits", async () => {
      const r = await cli(["verify", bundle, "--circuit", "prover/circuits/cubic.circom", "--cache", cache, ...trust]);
      assert.equal(r.code, 1, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.valid, false);
      assert.equal(j.circuitExpected, false);
      assert.match(j.reason, /proves another circuit: cubic with r1csHash 0x[0-9a-f]{64}, not the expected/);
    });

    it("--r1cs-hash and --circuit <file.r1cs> reject it too; the right hash accepts", async () => {
      const real = keccak256(readFileSync("test/fixtures/circuits/cubic.r1cs"));
      let r = await cli(["verify", bundle, "--r1cs-hash", real, ...trust]);
      assert.equal(r.code, 1);
      r = await cli(["verify", bundle, "--circuit", "test/fixtures/circuits/cubic.r1cs", ...trust]);
      assert.equal(r.code, 1);
      const own = keccak256(readFileSync(join(bundle, "circuit.r1cs")));
      r = await cli(["verify", bundle, "--r1cs-hash", own, ...trust]);
      assert.equal(r.code, 0, r.out);
      assert.equal(JSON.parse(r.out).circuitExpected, true);
    });

    it("a bogus NOVANET_MSM is 'could not check' (exit 2), never valid:false", () => {
      const r = spawnSync(process.execPath, ["prover/bin/novanet.js", "verify", bundle, ...trust], {
        encoding: "utf8",
        env: { ...process.env, NOVANET_MSM: "bogus" },
        timeout: 300_000,
      });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /MsmBackendSelectionError/);
      assert.equal(r.stdout, "");
    });

    it("without an expectation, the output names the R1CS the statement is about", async () => {
      const r = await cli(["verify", bundle, "--ptau-dir", "test/fixtures/ptau", "--quiet"]);
      assert.equal(r.code, 0);
      assert.match(r.out, /F = cubic \(r1csHash 0x[0-9a-f]{64}\), N = 3/);
      assert.match(r.out, /the statement is about THIS R1CS/);
    });

    it("an R1CS with a private input (a non-deterministic F) is rejected at load, even with a consistent hash", async () => {
      const b = join(dir, "private-input.bundle");
      rmSync(b, { recursive: true, force: true });
      mkdirSync(b);
      for (const f of ["bundle.json", "circuit.r1cs"]) copyFileSync(join(bundle, f), join(b, f));
      // z_out = z_in + h, h a private input: the prover picks any next state.
      const bytes = writeR1csBytes({
        nVars: 4,
        nPubOut: 1,
        nPubIn: 1,
        nPrvIn: 1,
        constraints: [
          [
            new Map([
              [2, 1n],
              [3, 1n],
            ]),
            new Map([[0, 1n]]),
            new Map([[1, 1n]]),
          ],
        ],
      });
      writeFileSync(join(b, "circuit.r1cs"), bytes);
      const p = join(b, "bundle.json");
      const j = JSON.parse(readFileSync(p, "utf8"));
      j.circuit.r1csHash = keccak256(bytes);
      writeFileSync(p, JSON.stringify(j));
      const r = await verifyBundle(b, { ptauDirs: ["test/fixtures/ptau"] });
      assert.equal(r.valid, false);
      assert.match(r.reason ?? "", /private inputs/);
    });
  });
});
