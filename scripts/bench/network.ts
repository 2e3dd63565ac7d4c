/**
 * `npm run bench:network`: the prover network on this machine (tiny circuit, so the network and the chain
 * dominate). For 1, 2, 4 and 8 `novanet node run` processes on one `hardhat node` chain (market v2, the
 * cubic circuit, real decider keys), jobs of 16 and 64 leaves in chunks of 4: job wall time (request to
 * `JobVerified`), total CPU of the node processes, mean time from a task becoming available on-chain to
 * its submission (the nodes' own metric), and artefact bytes fetched per leaf. Then the artefact transfer
 * protocol (`/novanet/fetch/1.0.0`, length-prefixed frames) between two libp2p hosts on loopback for
 * 10–500 MiB. Prints tables, writes bench/results/network.json.
 *
 * Options (environment): NOVANET_BENCH_NODES="1,2,4,8", NOVANET_BENCH_LEAVES="16,64",
 * NOVANET_BENCH_MIB="10,100,500".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { Network } from "../../prover/src/net/network.js";
import { ArtefactStore } from "../../prover/src/net/store.js";
import { startNodeNet } from "../../test/e2e/nodeNet.js";

const list = (v: string | undefined, d: number[]) =>
  v === undefined ? d : v === "none" ? [] : v.split(",").map(Number);
const NODES = list(process.env.NOVANET_BENCH_NODES, [1, 2, 4, 8]);
const LEAVES = list(process.env.NOVANET_BENCH_LEAVES, [16, 64]);
const MIB = list(process.env.NOVANET_BENCH_MIB, [10, 100, 500]);
const CHUNK_LOG = 2;

type JobRow = {
  nodes: number;
  leaves: number;
  chunkLog: number;
  tasks: number;
  wallS: number;
  cpuS: number;
  availableToSubmitMeanS: number;
  bytesFetchedPerLeaf: number;
  artefactsFetched: number;
  artefactsRebuilt: number;
  workers: number;
};

async function jobs(): Promise<JobRow[]> {
  const rows: JobRow[] = [];
  for (const n of NODES) {
    const dir = mkdtempSync(join(tmpdir(), "novanet-bench-net-"));
    const net = await startNodeNet({ dir, nodes: n });
    try {
      await net.startAll();
      for (const leaves of LEAVES) {
        const before = await Promise.all(Array.from({ length: n }, (_, i) => net.metrics(i)));
        const cpu0 = Array.from({ length: n }, (_, i) => net.cpuSeconds(i)).reduce((a, b) => a + b, 0);
        const t0 = performance.now();
        const job = await net.request(leaves, CHUNK_LOG);
        await net.waitVerified(job, 900_000);
        const wallS = (performance.now() - t0) / 1000;
        const cpuS = Array.from({ length: n }, (_, i) => net.cpuSeconds(i)).reduce((a, b) => a + b, 0) - cpu0;
        const after = await Promise.all(Array.from({ length: n }, (_, i) => net.metrics(i)));
        const delta = (k: string) => after.reduce((s, m, i) => s + (m[k] ?? 0) - (before[i][k] ?? 0), 0);
        const submitted = delta("novanet_available_to_submit_seconds_count");
        const row: JobRow = {
          nodes: n,
          leaves,
          chunkLog: CHUNK_LOG,
          tasks: job.tasks.length,
          wallS: round(wallS),
          cpuS: round(cpuS),
          availableToSubmitMeanS: round(submitted ? delta("novanet_available_to_submit_seconds_sum") / submitted : 0),
          bytesFetchedPerLeaf: Math.round(delta("novanet_bytes_fetched_total") / leaves),
          artefactsFetched: delta("novanet_artefacts_fetched_total"),
          artefactsRebuilt: delta("novanet_artefacts_rebuilt_total"),
          workers: 1,
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    } finally {
      await net.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

type TransferRow = { protocol: string; mib: number; seconds: number; mibPerS: number };

async function transfers(): Promise<TransferRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "novanet-bench-xfer-"));
  const host = async (name: string, bootstrap: string[] = []) => {
    const store = new ArtefactStore(join(dir, name));
    const net = await Network.start({
      privateKey: await generateKeyPair("Ed25519"),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap,
      store,
      validate: async () => "accept",
      onMessage: () => {},
    });
    return { net, store };
  };
  const a = await host("a");
  const b = await host("b", [a.net.addrs()[0]]);
  const rows: TransferRow[] = [];
  try {
    for (const mib of MIB) {
      const blob = new Uint8Array(mib * 1024 * 1024);
      for (let i = 0; i < blob.length; i += 4096) blob[i] = (i * 31 + mib) & 255;
      const cid = a.store.put(blob);
      const t0 = performance.now();
      const got = await b.net.fetch(cid, [a.net.peerId], blob.length);
      const s = (performance.now() - t0) / 1000;
      if (got.length !== blob.length) throw new Error("short transfer");
      const row = { protocol: "/novanet/fetch/1.0.0", mib, seconds: round(s), mibPerS: round(mib / s) };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await a.net.stop();
    await b.net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function table(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]);
  const w = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(w[i])).join("  ");
  console.log(line(keys));
  for (const r of rows) console.log(line(keys.map((k) => String(r[k]))));
}

async function main(): Promise<void> {
  const jobRows = await jobs();
  const transferRows = await transfers();
  console.log("\nJobs (market v2, cubic circuit, chunks of 4 leaves, one worker per node)");
  table(jobRows);
  console.log("\nArtefact transfer on loopback (one stream, in-process hosts)");
  table(transferRows);
  const out = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    date: new Date().toISOString(),
    note: "Shared 2-core machine: nodes, the chain and other work compete for the CPUs, so wall times grow with the node count once the cores are busy; compare rows of one run.",
    jobs: jobRows,
    transfer: transferRows,
    helia: {
      measured: false,
      why: "Helia is not a dependency; earlier measurement (DEVELOPERS notes, 200 MiB on loopback): plain length-prefixed stream 83–87 MiB/s, Helia bitswap 10–48 MiB/s",
    },
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/network.json", `${JSON.stringify(out, null, 2)}\n`);
  console.log("\nwrote bench/results/network.json");
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
