/**
 * A circuit registered with a decider v2 verifier from a phase-2 ceremony, proved by a `novanet node run`
 * process without `allowDevKeys` (test/e2e/nodeNet.ts: a `hardhat node` chain, Market v2). The node's config
 * names the ceremony's final `.zkey` as `deciderKey`, fetched from a URL at start and checked against the
 * registered verifier (node/circuitFiles.ts). Served a key with two proving points swapped (every point
 * valid, the verifying key genuine), the node refuses to start with one typed line and writes nothing;
 * served the genuine key, it starts, and decides a job that the market verifies.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import { compileVerifier } from "../../prover/src/decider/bundle.js";
import { type SnarkjsVkey, snarkjs } from "../../prover/src/decider/snarkjs.js";
import { renderDeciderVerifier } from "../../prover/src/decider/solidity.js";
import {
  ceremonyBeacon,
  ceremonyContribute,
  ceremonyInit,
  transcript,
  zkeySection,
} from "../../prover/src/trust/ceremony.js";
import { exited } from "../helpers/processes.js";
import { testCircuit } from "../helpers/prover.js";
import { deciderSrs, TEST_PTAU } from "../prover/decider/fixtures.js";
import { type NodeNet, startNodeNet } from "./nodeNet.js";

const CUBIC = join("test", "fixtures", "circuits", "cubic.r1cs");

describe("novanet node decides a v2 circuit with a ceremony key (no dev keys)", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-node-v2keys-"));
  let net: NodeNet;
  let server: Server;
  let served: Uint8Array;
  let good: Uint8Array;

  before(async () => {
    const cer = join(dir, "ceremony");
    await ceremonyInit({ circuit: CUBIC, ptau: TEST_PTAU, dir: cer });
    await ceremonyContribute(cer, "alice");
    await ceremonyContribute(cer, "bobby");
    await ceremonyBeacon(cer, "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0", 10);
    const final = transcript(cer).at(-1) as string;
    good = new Uint8Array(readFileSync(final));
    const vkey = (await (await snarkjs()).zKey.exportVerificationKey(final)) as SnarkjsVkey;
    const circuit = await testCircuit("cubic");
    const sol = renderDeciderVerifier(vkey, {
      name: "CubicCeremonyVerifier",
      stepR1csHash: circuit.shape.r1csHash,
      variant: "hashed",
      stateWidth: circuit.shape.s,
      tauG2: (await deciderSrs()).tauG2,
    });
    const compiled = compileVerifier(sol, "CubicCeremonyVerifier");
    // The attacker's key: two H points swapped (only a proof tells).
    served = new Uint8Array(good);
    const h = zkeySection(served, 9);
    const first = served.slice(h.pos, h.pos + 64);
    served.copyWithin(h.pos, h.pos + 64, h.pos + 128);
    served.set(first, h.pos + 64);
    server = createServer((_req, res) => {
      res.setHeader("content-length", String(served.length));
      res.end(served);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/decider.zkey`;
    net = await startNodeNet({
      dir,
      nodes: 1,
      decider: 2,
      verifierV2: { abi: compiled.abi, bytecode: compiled.bytecode as Hex },
      tweak: (_i, cfg) => {
        const [c] = cfg.circuits as Record<string, unknown>[];
        c.allowDevKeys = false;
        c.deciderKey = "keys/decider.zkey";
        c.fetch = { deciderKey: { url } };
      },
    });
  });
  after(async () => {
    server?.close();
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  it("served a key with swapped proving points, the node refuses to start with one typed line", async () => {
    const p = await net.startNode(0);
    await exited(p);
    assert.notEqual(p.child.exitCode, 0);
    const errs = p.out.filter((l) => l.startsWith("error:"));
    assert.equal(errs.length, 1, p.out.join("\n"));
    assert.match(errs[0], /TamperedArtefactError: fetched decider key's proving sections/);
    // No JavaScript stack frame (Dawn's own warning about Vulkan, from the GPU probe, is not ours).
    assert.ok(!p.out.some((l) => /^\s+at .*\.[cm]?[jt]s:\d+:\d+/.test(l)), `no stack trace:\n${p.out.join("\n")}`);
    assert.ok(!existsSync(join(net.dataDirs[0], "keys", "decider.zkey")), "nothing written");
  });

  it("served the ceremony key, it starts and decides a job the market verifies", async () => {
    served = good;
    await net.startAll();
    const out = net.procs[0]?.out ?? [];
    assert.ok(out.some((l) => l.includes('"msg":"decider key fetched and verified"')));
    assert.ok(out.some((l) => l.includes('"keys":"ceremony"')));
    assert.ok(!out.some((l) => l.includes("no decider key")));
    const job = await net.request(4, 1);
    await net.waitVerified(job, 300_000);
    assert.equal(await net.status(job.jobId), 2);
    // The decision was made with the checked key: nothing under the dev-key cache was needed or made.
    assert.deepEqual(new Uint8Array(readFileSync(join(net.dataDirs[0], "keys", "decider.zkey"))), good);
  });
});
