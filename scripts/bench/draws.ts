/**
 * Gas of the registry's sortition with stake snapshots (npm run bench:draws → bench/results/draws.json): for P
 * provers in one capacity class, the gas of a stake change (stake top-up, slash by the market: each the first
 * change of its tree nodes in its block, so each appends history) and of a draw, live (`sample`) and over a
 * snapshot (`sampleAt`) of a recent block (no change since) and of an old block (every prover's stake changed
 * since, so each node read searches its history). Draw gas is `eth_estimateGas` of the view call minus the
 * 21,000 base, averaged over 16 seeds.
 *
 *   node --import tsx scripts/bench/draws.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { getAddress, keccak256, toHex } from "viem";

const E18 = 10n ** 18n;
const SIZES = (process.env.BENCH_DRAW_SIZES ?? "4,64,256").split(",").map(Number);
const SEEDS = 16;

type Row = {
  provers: number;
  stake: number;
  slash: number;
  sample: number;
  sampleAtRecent: number;
  sampleAtOld: number;
};

async function measure(p: number): Promise<Row> {
  const { viem, networkHelpers } = await network.connect();
  const pub = await viem.getPublicClient();
  const [ownerW, marketW] = await viem.getWalletClients();
  const owner = getAddress(ownerW.account.address);
  const market = getAddress(marketW.account.address);
  const token = await viem.deployContract("TestToken", ["Stake", "STK"]);
  const reg = await viem.deployContract("ProverRegistry", [token.address, 100n * E18, 3600n, owner]);
  await reg.write.setMarket([market]);
  const provers: `0x${string}`[] = [];
  for (let i = 0; i < p; i++) {
    const pk = keccak256(toHex(`draw-bench-${i}`));
    const { privateKeyToAccount } = await import("viem/accounts");
    const acct = privateKeyToAccount(pk);
    await networkHelpers.setBalance(acct.address, 10n ** 20n);
    await token.write.mint([acct.address, 1_000_000n * E18]);
    const w = await viem.getWalletClient(acct.address, { account: acct } as never);
    const t = await viem.getContractAt("TestToken", token.address, { client: { wallet: w } });
    const r = await viem.getContractAt("ProverRegistry", reg.address, { client: { wallet: w } });
    await t.write.approve([reg.address, 2n ** 255n]);
    await r.write.register(["0x1220aa", 1n << 20n, false]);
    await r.write.stake([BigInt(100 + i) * E18]);
    provers.push(acct.address);
  }
  await networkHelpers.mine(1);
  const old = await pub.getBlockNumber();
  // Every prover's stake changes after `old` (each node then has history newer than it).
  const gasOf = async (hash: `0x${string}`) => Number((await pub.waitForTransactionReceipt({ hash })).gasUsed);
  let stakeGas = 0;
  for (let i = 0; i < p; i++) {
    const acct = (await import("viem/accounts")).privateKeyToAccount(keccak256(toHex(`draw-bench-${i}`)));
    const w = await viem.getWalletClient(acct.address, { account: acct } as never);
    const r = await viem.getContractAt("ProverRegistry", reg.address, { client: { wallet: w } });
    const g = await gasOf(await r.write.stake([E18]));
    if (i === p - 1) stakeGas = g;
  }
  const slashGas = await gasOf(
    await reg.write.slash([provers[0], E18, market, keccak256("0x01")], { account: marketW.account }),
  );
  await networkHelpers.mine(2);
  const recent = (await pub.getBlockNumber()) - 1n;
  const hasAt = reg.abi.some((f) => f.type === "function" && f.name === "sampleAt");
  const avg = async (f: (seed: bigint) => Promise<bigint>) => {
    let s = 0n;
    for (let k = 0; k < SEEDS; k++) s += (await f(BigInt(keccak256(toHex(`seed-${k}`))))) - 21_000n;
    return Number(s / BigInt(SEEDS));
  };
  const est = (fn: string, args: unknown[]) =>
    pub.estimateContractGas({ address: reg.address, abi: reg.abi, functionName: fn, args, account: owner } as never);
  const sample = await avg((seed) => est("sample", [seed, 4096n]));
  const sampleAtRecent = hasAt ? await avg((seed) => est("sampleAt", [seed, 4096n, recent])) : 0;
  const sampleAtOld = hasAt ? await avg((seed) => est("sampleAt", [seed, 4096n, old])) : 0;
  return { provers: p, stake: stakeGas, slash: slashGas, sample, sampleAtRecent, sampleAtOld };
}

async function main() {
  const rows: Row[] = [];
  for (const p of SIZES) rows.push(await measure(p));
  console.log("| provers | stake top-up | slash | sample (live) | sampleAt (recent) | sampleAt (old, all changed) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.provers} | ${r.stake} | ${r.slash} | ${r.sample} | ${r.sampleAtRecent} | ${r.sampleAtOld} |`);
  }
  mkdirSync("bench/results", { recursive: true });
  const out = process.env.BENCH_DRAW_OUT ?? "bench/results/draws.json";
  writeFileSync(out, `${JSON.stringify({ seeds: SEEDS, rows }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
