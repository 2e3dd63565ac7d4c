/**
 * Gas of the v2 market (contracts/market) per leaf: everything a job costs (request, every chunk and merge,
 * the decision, the release of all task rewards) divided by N, at several N with one-leaf chunks and with
 * 64-leaf chunks, beside the targets and beside one Groth16 verification per step (~224k) and one
 * succinct proof per job (~300k). Commitments are random (the market checks folds, not satisfiability) and
 * the decider is the test-only MockDeciderVerifier, so the decision row excludes a real Groth16+KZG check
 * (bench:gas's v1 rows measure that: add it per job). Prints a table, writes bench/results/gas-v2.json,
 * and the contract sizes with their headroom under 24,576 bytes.
 *
 *   node --import tsx scripts/bench/gas-v2.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { v2Fixture } from "../../test/helpers/marketV2.js";

const ROWS: [number, number][] = [
  [16, 0],
  [64, 0],
  [16, 4],
  [64, 6],
  [256, 6],
  [1024, 6],
];

async function main() {
  const rows = [];
  for (const [n, k] of ROWS) {
    const f = await v2Fixture();
    const job = await f.request(n, k);
    let total = job.receipt.gasUsed;
    const request = job.receipt.gasUsed;
    let maxTx = request;
    let chunkGas = 0n;
    await f.mine();
    for (const id of job.chunks) {
      const r = await f.submitChunk(job, id);
      total += r.gasUsed;
      chunkGas += r.gasUsed;
      if (r.gasUsed > maxTx) maxTx = r.gasUsed;
    }
    let mergeGas = 0n;
    for (const id of job.merges) {
      await f.mine();
      const r = await f.submitMerge(job, id);
      total += r.gasUsed;
      mergeGas += r.gasUsed;
      if (r.gasUsed > maxTx) maxTx = r.gasUsed;
    }
    await f.mine();
    const d = await f.submitDecision(job);
    total += d.gasUsed;
    const rel = await f.wait(await f.market.write.release([job.jobId, [...job.chunks, ...job.merges]]));
    total += rel.gasUsed;
    const row = {
      leaves: n,
      chunkLeaves: 1 << k,
      request: Number(request),
      chunks: Number(chunkGas),
      merges: Number(mergeGas),
      decisionMock: Number(d.gasUsed),
      release: Number(rel.gasUsed),
      perLeaf: Math.round(Number(total) / n),
      maxTx: Number(maxTx),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const sizes: Record<string, number> = {};
  for (const [name, file] of [
    ["Market", "market/Market.sol/Market.json"],
    ["MarketExtension", "market/MarketExtension.sol/MarketExtension.json"],
    ["Chunks", "market/Chunks.sol/Chunks.json"],
  ]) {
    const a = JSON.parse(readFileSync(path.join("artifacts/contracts", file), "utf8")) as { deployedBytecode: string };
    sizes[name] = (a.deployedBytecode.length - 2) / 2;
  }
  console.log("\nleaves | chunk | request | per leaf (mock decider) | max tx | target");
  for (const r of rows) {
    const target = r.leaves === 64 ? "≤ 35k at 64" : r.leaves === 1024 ? "≤ 25k at 1024" : "";
    console.log(
      `${String(r.leaves).padStart(6)} | ${String(r.chunkLeaves).padStart(5)} | ${String(r.request).padStart(7)} | ${String(r.perLeaf).padStart(23)} | ${String(r.maxTx).padStart(7)} | ${target}`,
    );
  }
  console.log(
    "incumbents per leaf: one Groth16 verification per step ≈ 224,000; one succinct proof per job ≈ 300,000 / N",
  );
  console.log("request target ≤ 250,000 for any N ≤ 65,536; no transaction over 2^24 = 16,777,216");
  for (const [k, v] of Object.entries(sizes)) console.log(`${k}: ${v} bytes, headroom ${24576 - v}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/gas-v2.json",
    `${JSON.stringify({ decider: "MockDeciderVerifier (real Groth16+KZG decision not included)", rows, sizes }, null, 2)}\n`,
  );
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
