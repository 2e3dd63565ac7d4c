import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../prover/src/cli/main.js";

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("decider in the CLI (novanet prove / verify --onchain / setup)", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-decider-cli-"));
  const bundle = join(dir, "bundle");
  const input = join(dir, "z0.json");

  before(async () => {
    writeFileSync(input, '["3"]');
    const r = await cli([
      "prove",
      "--circuit",
      "test/fixtures/circuits/cubic.circom",
      "--steps",
      "3",
      "--input",
      input,
      "--out",
      bundle,
      "--hiding",
      "--quiet",
    ]);
    assert.equal(r.code, 0, r.err);
  });

  it("prove writes the decider proof, its verification key and verifier into the bundle", () => {
    const json = JSON.parse(readFileSync(join(bundle, "bundle.json"), "utf8"));
    assert.equal(json.decider.format, "novanet/decider/v1");
    assert.notEqual(json.decider.proof.blind, null);
    assert.match(readFileSync(join(bundle, json.decider.verifier), "utf8"), /contract BundleDeciderVerifier is/);
  });

  it("verify --onchain --json accepts and reports the gas", async () => {
    const r = await cli(["verify", bundle, "--onchain", "--json", "--quiet"]);
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
      const r = await cli(["verify", bundle, "--json", "--quiet"]);
      assert.equal(r.code, 1);
      assert.match(JSON.parse(r.out).reason, /decider proof rejected/);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("setup makes (cached) keys and exports a verifier", async () => {
    const out = join(dir, "V.sol");
    const r = await cli([
      "setup",
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
    assert.equal(o.deciderConstraints, 1394);
    assert.match(readFileSync(out, "utf8"), /contract CubicV is DeciderVerifier/);
  });
});
