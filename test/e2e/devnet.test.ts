/**
 * The devnet end to end, headless (scripts/devnet.ts, what `npm run devnet` and scripts/run.sh run): a real
 * anvil chain, `novanet deploy`, `novanet circuit register` with dev keys, the indexer on PGlite, three
 * `novanet node run` processes, a job of 4 steps with one node SIGKILLed halfway. Asserts that the job is
 * verified on-chain (read back with `novanet job status`), that every prover that did a task — read from the
 * chain's own events, the killed node included — claimed its reward on-chain (a `Claimed` event, nothing
 * left claimable) and the whole fee went out, that the killed node's task was done by another, that the
 * dashboard (in a real Chromium) showed the job's tree verified with every node labelled by its prover, and
 * that Ctrl-C (SIGINT) stops every process the devnet started. The dashboard's screenshot is the CI
 * artefact test-artifacts/devnet-dashboard.png (NOVANET_ARTIFACTS overrides the folder), taken before the
 * page is asserted on, so that a failing run leaves it too.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { type Address, createPublicClient, getAddress, http, parseEventLogs, zeroAddress } from "viem";
import { MarketAbi } from "../../prover/src/chain/abi.js";
import { readDeployment } from "../../prover/src/chain/deploy.js";
import { main } from "../../prover/src/cli/main.js";
import { chromiumPath, itIfChromium, treeOnPage } from "../helpers/dashboard.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = process.env.NOVANET_ARTIFACTS ?? path.join(repoRoot, "test-artifacts");

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

type Summary = {
  jobId: string;
  verified: boolean;
  tasks: number;
  killed: string[];
  killedTask: string | null;
  killedTaskDoneBy: string | null;
  victimMissed: number;
  provers: { prover: string; address: string; tasks: number; earnedWei: string; killed: boolean }[];
  rpc: string;
  indexer: string | null;
  indexed: { nodes: number; verified: boolean; provers: string[] } | null;
  deployment: string;
};

describe("devnet: the whole network in one command (headless, 3 nodes, 4 steps, one killed)", function () {
  this.timeout(300_000);
  let dir: string;
  let devnet: ChildProcess;
  let output = "";
  let summary: Summary;
  let exited: Promise<number | null>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "novanet-devnet-"));
    const [port, indexerPort] = [await freePort(), await freePort()];
    devnet = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/devnet.ts",
        "--headless",
        "--keep",
        ...["--nodes", "3", "--steps", "4", "--kill", "1", "--fee", "0.1"],
        ...["--port", String(port), "--indexer-port", String(indexerPort), "--dir", dir, "--timeout", "200"],
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    devnet.stdout!.on("data", (d) => {
      output += d;
      if (process.env.NOVANET_TEST_VERBOSE) process.stderr.write(d);
    });
    devnet.stderr!.on("data", (d) => {
      output += d;
    });
    exited = new Promise((r) => devnet.once("exit", (code) => r(code)));
    const file = path.join(dir, "summary.json");
    const end = Date.now() + 270_000;
    while (!existsSync(file)) {
      if (devnet.exitCode !== null) throw new Error(`devnet exited ${devnet.exitCode}:\n${output}`);
      if (Date.now() > end) throw new Error(`devnet gave no summary in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    summary = JSON.parse(readFileSync(file, "utf8"));
  });

  after(async () => {
    if (devnet && devnet.exitCode === null && devnet.signalCode === null) {
      devnet.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("the job is verified on-chain, after a node was killed holding a task that another then did", async () => {
    assert.equal(summary.verified, true);
    assert.equal(summary.killed.length, 1);
    assert.ok(summary.killedTask, "a task was held by the killed node");
    // Its work picked up by another (unless its last submission landed just before the SIGKILL and it was
    // drawn nothing after: then the devnet says so, and there is nothing to pick up).
    if (summary.victimMissed > 0)
      assert.ok(summary.killedTaskDoneBy && summary.killedTaskDoneBy !== summary.killed[0], output);
    else assert.match(output, /landed before the kill/);
    // Read back independently, through the CLI against the devnet's chain.
    let out = "";
    const code = await main(
      ["job", "status", summary.jobId, "--rpc", summary.rpc, "--deployment", summary.deployment, "--json"],
      { out: (s) => (out += s), err: () => {} },
    );
    assert.equal(code, 0);
    const st = JSON.parse(out);
    assert.equal(st.status, "Verified");
    assert.equal(st.tasksDone, summary.tasks);
    assert.match(output, /VERIFIED on-chain/);
    assert.match(output, /killed prover/);
  });

  it("every prover that did a task (from the chain's events, the killed one included) claimed its reward on-chain", async () => {
    const pc = createPublicClient({ transport: http(summary.rpc) });
    const market = readDeployment(summary.deployment).addresses.market;
    const logs = await pc.getLogs({ address: market, fromBlock: 0n });
    const jobId = BigInt(summary.jobId);
    // Who worked, by the chain: every NodeSubmitted of the job and the decision's JobVerified.
    const workers = new Set<Address>();
    for (const e of parseEventLogs({ abi: MarketAbi, logs, eventName: ["NodeSubmitted", "JobVerified"] })) {
      if (e.args.jobId === jobId) workers.add(getAddress(e.args.prover));
    }
    assert.ok(workers.size >= 2, "the work was shared");
    const killed = summary.provers.find((p) => p.killed)!;
    const claimed = new Map<Address, bigint>();
    for (const e of parseEventLogs({ abi: MarketAbi, logs, eventName: "Claimed" })) {
      if (e.args.token === zeroAddress) {
        const a = getAddress(e.args.account);
        claimed.set(a, (claimed.get(a) ?? 0n) + e.args.amount);
      }
    }
    for (const w of workers) {
      const tag = `${w}${w === getAddress(killed.address) ? " (the killed node)" : ""}`;
      assert.ok((claimed.get(w) ?? 0n) > 0n, `${tag} did a task and claimed nothing`);
      const left = await pc.readContract({
        address: market,
        abi: MarketAbi,
        functionName: "claimable",
        args: [w, zeroAddress],
      });
      assert.equal(left, 0n, `${tag} left ${left} unclaimed`);
    }
    // Nobody who did nothing was paid; the devnet's table says what the chain says.
    for (const a of claimed.keys()) assert.ok(workers.has(a), `${a} claimed without a task`);
    for (const p of summary.provers) {
      assert.equal(BigInt(p.earnedWei), claimed.get(getAddress(p.address)) ?? 0n, `the table's ${p.prover}`);
      assert.equal(p.tasks > 0, workers.has(getAddress(p.address)), `the table's tasks of ${p.prover}`);
    }
    const total = [...claimed.values()].reduce((a, b) => a + b, 0n);
    const fee = 10n ** 17n;
    assert.ok(total <= fee && fee - total < 1000n, `paid ${total} of ${fee} (integer-division dust only)`);
    assert.match(output, /earned \(ETH\)/, "the table was printed");
  });

  it("the indexer followed the job: its tree verified, every node labelled with a prover", () => {
    assert.ok(summary.indexed, output);
    assert.equal(summary.indexed.verified, true);
    assert.equal(summary.indexed.nodes, 2 * 4 - 1);
    const addrs = new Set(summary.provers.filter((p) => p.tasks > 0).map((p) => p.address.toLowerCase()));
    for (const p of summary.indexed.provers) assert.ok(addrs.has(p.toLowerCase()), `${p} did a task`);
  });

  itIfChromium()("the dashboard shows the job's tree verified, with its provers", async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${summary.indexer}/dashboard`);
      const end = Date.now() + 30_000;
      let tree = await treeOnPage(page);
      while (tree.status !== "verified" && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 500));
        tree = await treeOnPage(page);
      }
      // The artefact first: a failing run leaves its screenshot too.
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "devnet-dashboard.png"), fullPage: true });
      assert.equal(tree.job, summary.jobId);
      assert.equal(tree.status, "verified");
      assert.equal(tree.nodes.length, 2 * 4 - 1 + 1, "2N − 1 nodes and the decision");
      const addrs = new Set(summary.provers.map((p) => p.address.toLowerCase()));
      for (const n of tree.nodes) {
        assert.equal(n.state, "verified", `node ${n.id}`);
        assert.ok(addrs.has(n.prover.toLowerCase()), `node ${n.id} labelled with a devnet prover (${n.prover})`);
        // Labelled on the page, not only in an attribute: 4 leaves leave room for every node's label.
        const shown = `${n.prover.slice(0, 6)}…${n.prover.slice(-4)}`;
        assert.ok(n.label.includes(shown), `node ${n.id} shows ${shown} (text: ${n.label})`);
      }
      assert.ok(existsSync(path.join(artifacts, "devnet-dashboard.png")));
    } finally {
      await browser.close();
    }
  });

  it("Ctrl-C stops every process the devnet started", async () => {
    devnet.kill("SIGINT");
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 20_000))]);
    assert.equal(code, 130, output.slice(-2000));
    // The chain and the indexer no longer answer.
    await assert.rejects(
      fetch(summary.rpc, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      }),
    );
    await assert.rejects(fetch(`${summary.indexer}/health`));
  });
});
