/**
 * Gas of the v2 market (npm run bench:gas → bench/results/gas.json): per-leaf gas of a whole job (request,
 * every chunk and merge, the decision, the release of every task reward, divided by N) at 16, 64, 256 and 1024
 * leaves with one-leaf chunks and with the chunk size the bench picks (the largest the market accepts for the
 * state width, capped at N); bundle mode at 64 leaves; requestProof at N = 65,536; the largest transaction;
 * contract sizes with their headroom under 24,576 bytes. Beside them: one Groth16 verification per step and one
 * succinct proof per job (~300k).
 *
 * Commitments are random (the market checks folds, not satisfiability: test/contracts/market/v2/chunks.test.ts
 * pins the folds to the prover's engine) and the decider is the test-only MockDeciderVerifier; the real
 * decision's verification gas (bench/results/decider.json, state width 1, minus the 21,000 base) is added in the
 * "real decider" column (on top of the mock's own small check, so it slightly overstates).
 *
 *   node --import tsx scripts/bench/gas.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../prover/src/curve/bn254.js";
import { mockProof, v2Fixture } from "../../test/helpers/marketV2.js";

const STATE_WIDTH = 1;
/** The market's chunk cap (MarketExtension.requestProof): 2^k · (20,000 + 1,300·s) ≤ 12,000,000. */
const MAX_CHUNK_LOG = Math.floor(Math.log2(12_000_000 / (20_000 + 1_300 * STATE_WIDTH)));
const TX_CAP = 2 ** 24;

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}
const deciderJson = readJson<{ verify: { stateWidth: number; gas: number }[] }>("bench/results/decider.json");
const realDecider = (deciderJson?.verify.find((v) => v.stateWidth === STATE_WIDTH)?.gas ?? 401_744) - 21_000;
const v1Json = readJson<{ functions: Record<string, number> }>("bench/results/gas-v1.json");
const groth16PerStep = v1Json?.functions["groth16Verify (one step, baseline tx)"] ?? 224_480;
const SUCCINCT_PER_JOB = 300_000;

type Row = {
  mode: "network" | "bundle";
  leaves: number;
  chunkLeaves: number;
  request: number;
  chunks: number;
  merges: number;
  decisionMock: number;
  release: number;
  perLeaf: number;
  perLeafRealDecider: number;
  maxTx: number;
  transactions: number;
};

async function networkJob(n: number, k: number): Promise<Row> {
  const f = await v2Fixture();
  const job = await f.request(n, k);
  const request = job.receipt.gasUsed;
  let total = request;
  let maxTx = request;
  let txs = 1;
  const add = (g: bigint) => {
    total += g;
    txs++;
    if (g > maxTx) maxTx = g;
    return g;
  };
  let chunkGas = 0n;
  await f.mine();
  for (const r of await f.submitChunksBatched(job, job.chunks)) chunkGas += add(r.gasUsed);
  let mergeGas = 0n;
  for (const id of job.merges) {
    await f.mine();
    mergeGas += add((await f.submitMerge(job, id)).gasUsed);
  }
  await f.mine();
  const d = add((await f.submitDecision(job)).gasUsed);
  const rel = add((await f.wait(await f.market.write.release([job.jobId, [...job.chunks, ...job.merges]]))).gasUsed);
  const withReal = Number(total) + realDecider;
  return {
    mode: "network",
    leaves: n,
    chunkLeaves: Math.min(1 << k, n),
    request: Number(request),
    chunks: Number(chunkGas),
    merges: Number(mergeGas),
    decisionMock: Number(d),
    release: Number(rel),
    perLeaf: Math.round(Number(total) / n),
    perLeafRealDecider: Math.round(withReal / n),
    maxTx: Number(maxTx) + (Number(d) === Number(maxTx) ? realDecider : 0),
    transactions: txs,
  };
}

/** Bundle mode: the whole tree and its decision in one submitBundle (local mode, jobId 0 in the challenges). */
async function bundleJob(n: number): Promise<Row> {
  const f = await v2Fixture();
  const { foldInstances } = await import("../../prover/src/folding/nifs.js");
  const { foldChallenge } = await import("../../prover/src/folding/transcript.js");
  const { foldDepthFirst } = await import("../../prover/src/tree/shape.js");
  const point = () => {
    const p = g1Mul(G1_GENERATOR, randomScalar());
    return { x: p.x, y: p.y };
  };
  const states = Array.from({ length: n + 1 }, () => [randomScalar()]);
  const cmW = Array.from({ length: n }, point);
  const cmT = Array.from({ length: n - 1 }, point);
  // The bundle's domain: the circuit's, as the market derives it (read from a requested job's record).
  const probe = await f.request(1, 0);
  const dom = (await f.market.read.getJob([probe.jobId])).domain;
  let t = 0;
  // biome-ignore lint/suspicious/noExplicitAny: instance shape shared with the prover's RelaxedInstance
  const root: any = await foldDepthFirst(
    0,
    n,
    (k) => ({ cmW: cmW[k], cmE: { x: 0n, y: 0n }, u: 1n, x: [...states[k + 1], ...states[k]] }),
    (L, R, step) => {
      const T = cmT[t++];
      return foldInstances(L, R, T, foldChallenge(dom, 0n, step.id, L, R, T));
    },
  );
  const r = await f.wait(
    await f.market.write.submitBundle([1n, states.flat(), cmW, cmT, mockProof(root) as never], {
      account: f.provers[0],
    }),
  );
  if (r.status !== "success") throw new Error("bundle reverted");
  const g = Number(r.gasUsed);
  return {
    mode: "bundle",
    leaves: n,
    chunkLeaves: n,
    request: 0,
    chunks: g,
    merges: 0,
    decisionMock: 0,
    release: 0,
    perLeaf: Math.round(g / n),
    perLeafRealDecider: Math.round((g + realDecider) / n),
    maxTx: g + realDecider,
    transactions: 1,
  };
}

async function requestAt(n: number): Promise<number> {
  const f = await v2Fixture();
  const states = Array.from({ length: n + 1 }, (_, i) => [BigInt(i + 1)]);
  const job = await f.request(n, MAX_CHUNK_LOG, { states });
  return Number(job.receipt.gasUsed);
}

async function main() {
  const rows: Row[] = [];
  for (const n of [16, 64, 256, 1024]) {
    for (const k of [0, Math.min(MAX_CHUNK_LOG, Math.ceil(Math.log2(n)))]) {
      const row = await networkJob(n, k);
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  const bundle = await bundleJob(64);
  rows.push(bundle);
  const request65536 = await requestAt(65_536);
  const sizes: Record<string, { bytes: number; headroom: number }> = {};
  for (const [name, file] of [
    ["Market", "market/Market.sol/Market.json"],
    ["MarketExtension", "market/MarketExtension.sol/MarketExtension.json"],
    ["Chunks", "market/Chunks.sol/Chunks.json"],
  ]) {
    const a = JSON.parse(readFileSync(path.join("artifacts/contracts", file), "utf8")) as { deployedBytecode: string };
    const bytes = (a.deployedBytecode.length - 2) / 2;
    sizes[name] = { bytes, headroom: 24_576 - bytes };
  }
  const maxTx = Math.max(...rows.map((r) => r.maxTx), request65536);
  const pad = (v: unknown, w: number) => String(v).padStart(w);
  console.log(
    "mode    | leaves | chunk | request | per leaf (mock) | per leaf (real decider) | Groth16/step | succinct/job | max tx",
  );
  for (const r of rows) {
    console.log(
      `${r.mode.padEnd(7)} | ${pad(r.leaves, 6)} | ${pad(r.chunkLeaves, 5)} | ${pad(r.request, 7)} | ${pad(r.perLeaf, 15)} | ${pad(r.perLeafRealDecider, 23)} | ${pad(groth16PerStep, 12)} | ${pad(Math.round(SUCCINCT_PER_JOB / r.leaves), 12)} | ${pad(r.maxTx, 8)}`,
    );
  }
  const at = (n: number, one: boolean, mode = "network") =>
    rows.find((r) => r.mode === mode && r.leaves === n && (one ? r.chunkLeaves === 1 : r.chunkLeaves > 1));
  const targets = {
    "network ≤ 35k/leaf at 64 (picked chunk, real decider)": at(64, false)!.perLeafRealDecider <= 35_000,
    "network ≤ 25k/leaf at 1024 (picked chunk, real decider)": at(1024, false)!.perLeafRealDecider <= 25_000,
    "bundle ≤ 20k/leaf at 64 (real decider)": bundle.perLeafRealDecider <= 20_000,
    "requestProof ≤ 250k at N = 65,536": request65536 <= 250_000,
    "no transaction over 2^24": maxTx <= TX_CAP,
    "≥ 4 KB headroom on every market contract": Object.values(sizes).every((s) => s.headroom >= 4096),
  };
  console.log(`\nrequestProof at N = 65,536: ${request65536}; largest transaction: ${maxTx} (cap ${TX_CAP})`);
  console.log(
    `real decider verification added: ${realDecider} (bench/results/decider.json); chunk cap 2^${MAX_CHUNK_LOG}`,
  );
  for (const [k, v] of Object.entries(sizes)) console.log(`${k}: ${v.bytes} bytes, headroom ${v.headroom}`);
  for (const [k, v] of Object.entries(targets)) console.log(`${v ? "met    " : "NOT met"}  ${k}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/gas.json",
    `${JSON.stringify(
      {
        decider: "MockDeciderVerifier in the flow; perLeafRealDecider adds the real Groth16+KZG verification",
        realDeciderGas: realDecider,
        groth16PerStep,
        succinctPerJob: SUCCINCT_PER_JOB,
        maxChunkLog: MAX_CHUNK_LOG,
        rows,
        request65536,
        maxTx,
        sizes,
        targets,
      },
      null,
      2,
    )}\n`,
  );
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
