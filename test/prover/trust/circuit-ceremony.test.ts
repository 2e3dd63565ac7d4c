/**
 * `novanet circuit verify <id> --ceremony <dir>` against a real chain (Hardhat EDR over HTTP JSON-RPC):
 * the check rebuilds `D_F` from the caller's step circuit (as `setup` and `ceremony init` build it),
 * re-verifies the ceremony's zkey transcript against that `D_F` and the trusted SRS's `.ptau` (snarkjs
 * `zkey verify`), exports the key the transcript ends in and requires the registered decider to be
 * exactly the verifier rendered from that key (decider/solidity.ts) and compiled in-process.
 *
 * Before: `circuit verify` trusted a decider only by a pinned code hash or vkey; nothing tied the
 * deployed verifier to a ceremony transcript, so a verifier of a key from before the final beacon, of
 * another `D_F`, or of a transcript with a contribution taken out, could not be told from the real one
 * by checking the ceremony. Each tamper below must fail.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address } from "viem";
import { loadSrsFromPtau, srsRegistration } from "../../../prover/src/commitment/srs.js";
import { compileVerifier } from "../../../prover/src/decider/bundle.js";
import { type SnarkjsVkey, snarkjs } from "../../../prover/src/decider/snarkjs.js";
import { renderDeciderVerifier } from "../../../prover/src/decider/solidity.js";
import {
  ceremonyBeacon,
  ceremonyContribute,
  ceremonyExport,
  ceremonyInit,
  EXPORTED_VERIFIER_NAME,
  transcript,
  zkeySection,
} from "../../../prover/src/trust/ceremony.js";
import { runCli as cli } from "../../helpers/cli.js";
import { type RpcNode, startRpcNode } from "../../indexer/helpers/rpc-node.js";

const CUBIC = "test/fixtures/circuits/cubic.r1cs";
const CUBIC_HASH = "0xdf078ff93427271c6e99b7dcfcca9858a3fe2a5f319aec7631076f3bf1e1d939";
const PTAU = "test/fixtures/ptau/dev-11.ptau";
const BEACON = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0";
const N = 64;

/** The zkey with contribution `i` (0-based) of its MPC section (10) cut out, sizes fixed up: an attacker's edit. */
function withoutContribution(bytes: Uint8Array, i: number): Uint8Array {
  const { pos, size, headerPos } = zkeySection(bytes, 10);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const n = dv.getUint32(pos + 64, true);
  let o = pos + 68;
  const recs: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const start = o;
    o += 64 * 3 + 128 + 64 + 4;
    o += 4 + dv.getUint32(o, true);
    recs.push([start, o]);
  }
  const [start, end] = recs[i];
  const out = new Uint8Array(bytes.length - (end - start));
  out.set(bytes.subarray(0, start));
  out.set(bytes.subarray(end), start);
  const w = new DataView(out.buffer);
  w.setBigUint64(headerPos + 4, BigInt(size - (end - start)), true);
  w.setUint32(pos + 64, n - 1, true);
  return out;
}

describe("trust: circuit verify --ceremony (D_F rebuilt, zkey transcript, deployed verifier's key)", function () {
  this.timeout(600_000);
  const root = mkdtempSync(join(tmpdir(), "novanet-circuit-ceremony-"));
  const dir = join(root, "cubic");
  let node: RpcNode;
  let registry: Address;
  const ids = { honest: "1", beforeBeacon: "2", otherName: "3" };

  before(async () => {
    // A ceremony for cubic's D_F: two contributions and a beacon (the three-process version is ceremony.test.ts).
    await ceremonyInit({ circuit: CUBIC, ptau: PTAU, dir });
    await ceremonyContribute(dir, "alice");
    await ceremonyContribute(dir, "bobby");
    await ceremonyBeacon(dir, BEACON, 10);
    const exported = await ceremonyExport(dir, { circuit: CUBIC, ptau: PTAU, out: join(root, "export") });
    assert.equal(exported.kind, "ceremony");
    node = await startRpcNode();
    const { viem } = node.connection;
    const [owner] = await viem.getWalletClients();
    const publicClient = await viem.getPublicClient();
    const reg = await viem.deployContract("CircuitRegistry");
    registry = reg.address;
    const srs = await loadSrsFromPtau(PTAU, N);
    const deploy = async (source: string, name: string) => {
      const c = compileVerifier(source, name);
      const hash = await owner.deployContract({ abi: c.abi, bytecode: c.bytecode });
      return (await publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
    };
    const render = (vkey: SnarkjsVkey, name: string) =>
      renderDeciderVerifier(vkey, {
        name,
        stepR1csHash: CUBIC_HASH,
        variant: "hashed",
        stateWidth: 1,
        tauG2: srs.tauG2,
      });
    const register = async (decider: Address) =>
      reg.write.registerCircuit([CUBIC_HASH, 4n, 4n, 1, srsRegistration(srs), decider, 1000n], {
        account: owner.account,
      });
    // 1: the registrant deploys `ceremony export`'s verifier as exported (same render, same compile).
    const sol = readFileSync(join(root, "export", `${EXPORTED_VERIFIER_NAME}.sol`), "utf8");
    await register(await deploy(sol, EXPORTED_VERIFIER_NAME));
    // 2: a verifier of the key BEFORE the beacon (another δ: the vk differs from the transcript's final one).
    const sj = await snarkjs();
    const early = (await sj.zKey.exportVerificationKey(transcript(dir)[2])) as SnarkjsVkey;
    await register(await deploy(render(early, EXPORTED_VERIFIER_NAME), EXPORTED_VERIFIER_NAME));
    // 3: the final key, rendered under another contract name (other solc metadata, another code hash).
    const final = JSON.parse(readFileSync(join(root, "export", "vkey.json"), "utf8")) as SnarkjsVkey;
    await register(await deploy(render(final, "OtherDeciderVerifier"), "OtherDeciderVerifier"));
  });
  after(async () => {
    await node?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const args = (id: string, ceremony: string, extra: string[] = []) => [
    "circuit",
    "verify",
    id,
    "--rpc",
    node.url,
    "--registry",
    registry,
    "--circuit",
    CUBIC,
    "--ptau-dir",
    "test/fixtures/ptau",
    "--ceremony",
    ceremony,
    ...extra,
  ];

  /** A copy of the ceremony folder that the test may tamper with. */
  const copy = (name: string) => {
    const d = join(root, name);
    cpSync(dir, d, { recursive: true });
    return d;
  };

  it("trusts the registered verifier of the ceremony's final key (D_F rebuilt, transcript re-verified)", async () => {
    const r = await cli(args(ids.honest, dir, ["--json"]));
    assert.equal(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.verdict, "trusted");
    assert.equal(j.ceremony.ok, true);
    assert.equal(j.ceremony.kind, "ceremony");
    assert.equal(j.ceremony.contributions, 2);
    assert.equal(j.ceremony.codehash, j.record.deciderCodehash);
    assert.match(j.deciderTrustedBy, /ceremony .* \(2 contributions \+ beacon, ceremony, vkHash 0x[0-9a-f]{64}\)/);
    const line = await cli(args(ids.honest, dir));
    assert.match(line.out, /^circuit 1: TRUSTED: .*verifier rendered from ceremony/);
  });

  it("a deployed verifier with another vk (the key before the beacon) is a mismatch", async () => {
    const r = await cli(args(ids.beforeBeacon, dir));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^circuit 2: MISMATCH: decider .* is not the verifier of the ceremony's key \(vkHash 0x/);
  });

  it("a deployed verifier of the right key with other metadata (contract name) is a mismatch", async () => {
    const r = await cli(args(ids.otherName, dir));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /is not the verifier of the ceremony's key/);
    // ... unless the caller names the contract it was compiled under: the same key then renders to its code.
    const named = await cli(args(ids.otherName, dir, ["--decider-name", "OtherDeciderVerifier"]));
    assert.equal(named.code, 0, named.out + named.err);
  });

  it("a zkey with one contribution removed fails (snarkjs zkey verify against the rebuilt D_F and the ptau)", async () => {
    const d = copy("removed");
    const last = transcript(d).at(-1)!;
    writeFileSync(join(d, "0004.zkey"), withoutContribution(new Uint8Array(readFileSync(last)), 0));
    const r = await cli(args(ids.honest, d));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /MISMATCH: ceremony .*: snarkjs zkey verify rejects the transcript/);
  });

  it("a transcript for another D_F fails: the zkey of cubic's unhashed D_F, or a ceremony.json claiming it", async () => {
    // The attacker starts a ceremony on another D_F (the unhashed variant of the same F) ...
    const other = join(root, "unhashed");
    await ceremonyInit({ circuit: CUBIC, ptau: PTAU, dir: other, variant: "unhashed" });
    // ... and passes its zkey off as the latest of the real ceremony,
    const d1 = copy("other-zkey");
    cpSync(join(other, "0000.zkey"), join(d1, "0004.zkey"));
    const r1 = await cli(args(ids.honest, d1));
    assert.equal(r1.code, 1, r1.out + r1.err);
    assert.match(r1.out, /snarkjs zkey verify rejects the transcript/);
    // ... or relabels the real transcript as the other D_F's: rebuilt from the claim, D_F is not the zkey's.
    const d2 = copy("other-json");
    cpSync(join(other, "ceremony.json"), join(d2, "ceremony.json"));
    const r2 = await cli(args(ids.honest, d2));
    assert.equal(r2.code, 1, r2.out + r2.err);
    assert.match(r2.out, /snarkjs zkey verify rejects the transcript/);
    // A ceremony.json whose D_F hash is not the rebuilt one is caught before snarkjs runs.
    const d3 = copy("bad-hash");
    const j = JSON.parse(readFileSync(join(d3, "ceremony.json"), "utf8"));
    j.deciderR1csHash = `0x${"00".repeat(32)}`;
    writeFileSync(join(d3, "ceremony.json"), JSON.stringify(j));
    const r3 = await cli(args(ids.honest, d3));
    assert.equal(r3.code, 1, r3.out + r3.err);
    assert.match(r3.out, /the ceremony's D_F is not the one rebuilt from the step circuit/);
  });

  it("a ceremony for another step circuit is a mismatch", async () => {
    const d = copy("other-step");
    const j = JSON.parse(readFileSync(join(d, "ceremony.json"), "utf8"));
    j.stepR1csHash = `0x${"11".repeat(32)}`;
    writeFileSync(join(d, "ceremony.json"), JSON.stringify(j));
    const r = await cli(args(ids.honest, d));
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /the ceremony is for step circuit 0x1111.*, not the caller's/);
  });

  it("a dev transcript (no final beacon) is refused (exit 2) unless --insecure-dev-keys, then labelled", async () => {
    const d = copy("no-beacon");
    rmSync(join(d, "0003.zkey"));
    const r = await cli(args(ids.beforeBeacon, d));
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.out, /UNCHECKED: ceremony .*: dev keys \(dev keys: 2 contribution\(s\), no final beacon/);
    const ok = await cli(args(ids.beforeBeacon, d, ["--insecure-dev-keys"]));
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /TRUSTED: .*2 contributions, insecure-dev/);
    assert.match(ok.err, /INSECURE DEV KEYS/);
  });
});
