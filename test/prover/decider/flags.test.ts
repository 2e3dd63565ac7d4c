/**
 * A bundle's flags cannot choose the verifier's key or make it skip the decider check (decider/bundle.ts:
 * `decider.format` only selects the parser and the version of key the caller must supply; `keys` is a claim).
 * Corrupts one field of a v3 bundle at a time and runs `novanet verify` as a user would.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli as cli } from "../../helpers/cli.js";

describe("decider v3 bundle: flags cannot choose the key or skip the check", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-decider3-flags-"));
  const bundle = join(dir, "bundle");
  let own: string[] = [];

  before(async () => {
    const input = join(dir, "z0.json");
    writeFileSync(input, '["4"]');
    const r = await cli([
      "prove",
      "--circuit",
      "test/fixtures/circuits/cubic.circom",
      "--steps",
      "2",
      "--input",
      input,
      "--out",
      bundle,
      "--hiding",
      "--quiet",
      "--insecure-dev-keys",
    ]);
    assert.equal(r.code, 0, r.err);
    const printed = JSON.parse(r.out);
    own = ["--ptau", printed.ptau, "--vkey", printed.vkey];
  });

  it("format rewritten to v2, an unknown format, a 'no dev keys' claim, another claimed vkHash", async () => {
    const path = join(bundle, "bundle.json");
    const original = readFileSync(path, "utf8");
    const verify = (extra: string[] = ["--insecure-dev-keys"]) =>
      cli(["verify", bundle, "--json", "--quiet", ...own, ...extra]);
    try {
      let json = JSON.parse(original);
      json.decider.format = "novanet/decider/v1";
      writeFileSync(path, JSON.stringify(json));
      let r = await verify();
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /UntrustedDeciderKeyError: the --vkey file is a decider v3 key/);
      json.decider.format = "novanet/decider/v9";
      writeFileSync(path, JSON.stringify(json));
      r = await verify();
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /DeciderProofFormatError/);
      json = JSON.parse(original);
      json.decider.keys.insecureDevKeys = false;
      writeFileSync(path, JSON.stringify(json));
      r = await verify([]);
      assert.equal(r.code, 2);
      assert.match(r.err, /DevKeysRefusedError/);
      // The claimed key hash is only a hint: the caller's key decides (still valid), and with the proof's
      // pi changed it is rejected whatever the claim.
      json = JSON.parse(original);
      json.decider.keys.vkHash = `0x${"ab".repeat(32)}`;
      writeFileSync(path, JSON.stringify(json));
      r = await verify();
      assert.equal(r.code, 0, r.out + r.err);
      json.decider.proof.pi = json.decider.proof.cmT;
      writeFileSync(path, JSON.stringify(json));
      r = await verify();
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(JSON.parse(r.out).reason, /decider v3 proof rejected .*claims decider key vkHash 0xabab/);
    } finally {
      writeFileSync(path, original);
    }
  });
});
