/**
 * The app developer kit against a running devnet (scripts/devnet.ts --keep, 2 nodes): three apps request
 * and await a proof at the same time, each from its own funded account — the viem snippet
 * (examples/app/viem.ts), the ethers v6 snippet (examples/app/ethers.ts) and `novanet request` (what
 * docs/apps.md tells a second terminal to run) — and each gets z_N, the circuit's output after its steps.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Hex, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { requestAndAwait as withEthers } from "../../examples/app/ethers.js";
import { requestAndAwait as withViem } from "../../examples/app/viem.js";
import { boundaryStates } from "../../prover/src/app/request.js";
import { compileCircuit } from "../../prover/src/circuits/compile.js";
import { main } from "../../prover/src/cli/main.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CIRCUIT = "prover/circuits/cubic.circom";
const key = (i: number): Hex =>
  toHex(
    mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: i }).getHdKey()
      .privateKey!,
  );

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

describe("app kit: viem, ethers v6 and `novanet request` against the devnet", function () {
  this.timeout(300_000);
  let dir: string;
  let devnet: ChildProcess;
  let output = "";
  let rpc: string;
  let deployment: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "novanet-appkit-"));
    const port = await freePort();
    devnet = spawn(
      process.execPath,
      [
        ...["--import", "tsx", "scripts/devnet.ts", "--headless", "--keep", "--no-indexer"],
        ...["--nodes", "2", "--steps", "2", "--no-kill", "--port", String(port), "--dir", dir],
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    devnet.stdout!.on("data", (d) => (output += d));
    devnet.stderr!.on("data", (d) => (output += d));
    const file = path.join(dir, "summary.json");
    const end = Date.now() + 200_000;
    while (!existsSync(file)) {
      if (devnet.exitCode !== null) throw new Error(`devnet exited ${devnet.exitCode}:\n${output}`);
      if (Date.now() > end) throw new Error(`devnet gave no summary in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const s = JSON.parse(readFileSync(file, "utf8"));
    rpc = s.rpc;
    deployment = s.deployment;
  });

  after(async () => {
    if (devnet && devnet.exitCode === null) {
      devnet.kill("SIGINT");
      await new Promise((r) => devnet.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("each app gets z_N of its own job, verified on-chain", async () => {
    const steps = 2;
    const expect = async (z0: bigint[]) => (await boundaryStates(await compileCircuit(CIRCUIT), z0, steps))[steps];
    const common = { rpc, deployment, circuitId: 1n, circuit: CIRCUIT, steps, fee: "0.01" };
    let cliOut = "";
    let cliErr = "";
    const prev = process.env.NOVANET_PRIVATE_KEY;
    process.env.NOVANET_PRIVATE_KEY = key(9);
    const cli = main(
      [
        ...["request", "--rpc", rpc, "--deployment", deployment, "--circuit-id", "1", "--circuit", CIRCUIT],
        ...["--steps", String(steps), "--input", '["5"]', "--fee", "0.01", "--timeout", "240"],
      ],
      { out: (s) => (cliOut += s), err: (s) => (cliErr += s) },
    );
    const [v, e, code] = await Promise.all([
      withViem({ ...common, privateKey: key(7), z0: [3n] }),
      withEthers({ ...common, privateKey: key(8), z0: [4n] }),
      cli,
    ]);
    if (prev === undefined) delete process.env.NOVANET_PRIVATE_KEY;
    else process.env.NOVANET_PRIVATE_KEY = prev;
    assert.deepEqual([...v.zN], await expect([3n]));
    assert.deepEqual(e.zN, await expect([4n]));
    assert.notEqual(v.jobId, e.jobId);
    assert.equal(code, 0, cliErr);
    assert.match(cliOut, /^job \d+$/m, "the job id on stdout");
    assert.match(cliErr, new RegExp(`VERIFIED: z_N = \\[${(await expect([5n])).join(", ")}\\]`));
  });
});
