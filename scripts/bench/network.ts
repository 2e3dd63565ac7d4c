/**
 * `npm run bench:network`: the prover network on this machine (tiny circuit, so the network and the chain
 * dominate). For 1, 2, 4 and 8 `novanet node run` processes on one `hardhat node` chain (market v2, the
 * cubic circuit, real decider keys), jobs of 16 and 64 leaves in chunks of 4: job wall time (request to
 * `JobVerified`), total CPU of the node processes, mean time from a task becoming available on-chain to
 * its submission (the nodes' own metric), and artefact bytes fetched per leaf. Then the artefact transfer
 * protocol (`/novanet/fetch/1.0.0`, length-prefixed frames) between two libp2p hosts on loopback, side by
 * side with Helia/bitswap (unixfs) on the same bytes (Helia is installed on demand into a git-ignored
 * prefix, see ./helia.ts; if that fails the section says why in one line and records it). Prints tables,
 * writes bench/results/network.json (a section not run keeps its rows from the last run).
 *
 * Options: `npm run bench:network -- [--only jobs|transfer] [--mib 10,100,500] [--no-helia]`.
 * Environment: NOVANET_BENCH_NODES="1,2,4,8", NOVANET_BENCH_LEAVES="16,64", NOVANET_BENCH_MIB="10,100,500"
 * (same as --mib).
 */

import { randomFillSync } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { Network } from "../../prover/src/net/network.js";
import { ArtefactStore } from "../../prover/src/net/store.js";
import { startNodeNet } from "../../test/e2e/nodeNet.js";
import { heliaPair, loadHelia, type NetworkBenchArgs, parseNetworkBenchArgs } from "./helia.js";

const list = (v: string | undefined, d: number[]) =>
  v === undefined ? d : v === "none" ? [] : v.split(",").map(Number);
const NODES = list(process.env.NOVANET_BENCH_NODES, [1, 2, 4, 8]);
const LEAVES = list(process.env.NOVANET_BENCH_LEAVES, [16, 64]);
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
    const alive = () => Array.from({ length: n }, (_, i) => net.alive(i)).filter(Boolean).length;
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
        if (alive() !== n) throw new Error(`a node process exited during the run (${alive()}/${n} alive)`);
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    } catch (e) {
      console.error(`nodes=${n}: ${(e as Error).message}`);
    } finally {
      await net.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

type TransferRow = { protocol: string; mib: number; seconds: number; mibPerS: number };

/** One size, both protocols, measured back to back in one process on the same bytes. */
type CompareRow = {
  mib: number;
  fetchS: number;
  fetchMiBs: number;
  heliaS: number | null;
  heliaMiBs: number | null;
  heliaImportS: number | null;
  ownOverHeliaRate: number | null;
};

type HeliaStatus = { measured: boolean; version?: string; why?: string };

async function transfers(
  mibs: number[],
  withHelia: boolean,
): Promise<{ rows: TransferRow[]; compare: CompareRow[]; helia: HeliaStatus }> {
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
  let helia: HeliaStatus = { measured: false, why: "not requested (--no-helia)" };
  let pair: Awaited<ReturnType<typeof heliaPair>> | undefined;
  if (withHelia) {
    const kit = await loadHelia();
    if ("why" in kit) helia = { measured: false, why: kit.why };
    else {
      pair = await heliaPair(kit).catch((e) => {
        helia = { measured: false, why: `helia hosts did not start: ${(e as Error).message.split("\n")[0]}` };
        return undefined;
      });
      if (pair) helia = { measured: true, version: kit.version };
    }
    if (!helia.measured) console.log(`helia: not measured: ${helia.why}`);
  }
  const a = await host("a");
  const b = await host("b", [a.net.addrs()[0]]);
  const rows: TransferRow[] = [];
  const compare: CompareRow[] = [];
  try {
    for (const mib of mibs) {
      // Random bytes: a repetitive pattern would let unixfs deduplicate its 256 KiB blocks.
      const blob = new Uint8Array(mib * 1024 * 1024);
      for (let i = 0; i < blob.length; i += 1 << 16) randomFillSync(blob, i, Math.min(1 << 16, blob.length - i));
      const cid = a.store.put(blob);
      const t0 = performance.now();
      const got = await b.net.fetch(cid, [a.net.peerId], blob.length).catch((e) => {
        console.error(`${mib} MiB: ${(e as Error).message.split("\n")[0]}`);
        return undefined;
      });
      if (!got) continue;
      const s = (performance.now() - t0) / 1000;
      if (got.length !== blob.length) throw new Error("short transfer");
      const row = { protocol: "/novanet/fetch/1.0.0", mib, seconds: round(s), mibPerS: round(mib / s) };
      rows.push(row);
      console.log(JSON.stringify(row));
      const c: CompareRow = {
        mib,
        fetchS: round(s),
        fetchMiBs: round(mib / s),
        heliaS: null,
        heliaMiBs: null,
        heliaImportS: null,
        ownOverHeliaRate: null,
      };
      if (pair) {
        try {
          const i0 = performance.now();
          const root = await pair.add(blob);
          const i1 = performance.now();
          const back = await pair.get(root, blob.length, 60_000 + mib * 2_000);
          const hs = (performance.now() - i1) / 1000;
          if (Buffer.compare(back, blob) !== 0) throw new Error("helia returned different bytes");
          c.heliaImportS = round((i1 - i0) / 1000);
          c.heliaS = round(hs);
          c.heliaMiBs = round(mib / hs);
          c.ownOverHeliaRate = round(hs / s);
        } catch (e) {
          console.error(`helia ${mib} MiB: ${(e as Error).message.split("\n")[0]}`);
        }
      }
      compare.push(c);
      console.log(JSON.stringify(c));
    }
  } finally {
    await a.net.stop();
    await b.net.stop();
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, compare, helia };
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
  let args: NetworkBenchArgs;
  try {
    args = parseNetworkBenchArgs(process.argv.slice(2), process.env.NOVANET_BENCH_MIB);
  } catch (e) {
    console.error(`bench:network: ${(e as Error).message}`);
    process.exit(2);
  }
  const file = "bench/results/network.json";
  // A section not run this time (`--only`, or NOVANET_BENCH_NODES=none) keeps the rows of the last run.
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  const runJobs = args.only !== "transfer" && NODES.length > 0;
  const runTransfer = args.only !== "jobs" && args.mib.length > 0;
  const jobRows = runJobs ? await jobs() : ((previous.jobs as JobRow[] | undefined) ?? []);
  let transferRows = (previous.transfer as TransferRow[] | undefined) ?? [];
  let compare = previous.heliaComparison as Record<string, unknown> | undefined;
  let helia = previous.helia as HeliaStatus | undefined;
  if (runTransfer) {
    const t = await transfers(args.mib, args.helia).catch((e) => {
      console.error(`transfers: ${(e as Error).message.split("\n")[0]}`);
      return undefined;
    });
    if (t) {
      // Merge by size: this run's rows replace the same sizes, other sizes of earlier runs stay.
      const sizes = new Set(t.rows.map((r) => r.mib));
      transferRows = [...transferRows.filter((r) => !sizes.has(r.mib)), ...t.rows].sort((x, y) => x.mib - y.mib);
      const before = (compare?.rows as CompareRow[] | undefined) ?? [];
      const cs = new Set(t.compare.map((r) => r.mib));
      compare = {
        date: new Date().toISOString(),
        loadAverage: loadavg().map(round),
        how: "two in-process hosts per protocol on 127.0.0.1 (TCP, Noise, Yamux); same random bytes; ownOverHeliaRate = own-protocol MiB/s ÷ Helia MiB/s (> 1: the own protocol is faster); heliaImportS (unixfs import on host A) is not in heliaS",
        helia: t.helia,
        rows: [...before.filter((r) => !cs.has(r.mib)), ...t.compare].sort((x, y) => x.mib - y.mib),
      };
      helia = t.helia;
    }
  }
  if (runJobs || args.only === "jobs") {
    console.log("\nJobs (market v2, cubic circuit, chunks of 4 leaves, one worker per node)");
    table(jobRows);
  }
  if (runTransfer) {
    console.log("\nArtefact transfer on loopback (one stream, in-process hosts)");
    table(transferRows);
    console.log(`\n/novanet/fetch/1.0.0 vs Helia ${helia?.version ?? ""} bitswap (unixfs), same bytes, same run`);
    if (helia && !helia.measured) console.log(`helia: not measured: ${helia.why}`);
    table((compare?.rows as CompareRow[] | undefined) ?? []);
  }
  const out = {
    ...previous,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    date: new Date().toISOString(),
    note: "Shared 2-core machine: nodes, the chain and other work compete for the CPUs, so wall times grow with the node count once the cores are busy; compare rows of one run.",
    jobs: jobRows,
    transfer: transferRows,
    heliaComparison: compare,
    helia,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log("\nwrote bench/results/network.json");
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
