/**
 * Request a proof and await it, with ethers v6 (docs/apps.md). Against the devnet:
 *
 *   npm run devnet -- --keep
 *   NOVANET_PRIVATE_KEY=0x… node --import tsx examples/app/ethers.ts
 *
 * Same flow as examples/app/viem.ts: `prepareRequest` computes the request locally, `requestProof` pays the
 * fee and the bond in ETH, and the market's `JobVerified` event for the job carries z_N.
 */
import { Contract, JsonRpcProvider, parseEther, Wallet } from "ethers";
import { prepareRequest } from "../../prover/src/app/request.js";
import { MarketAbi } from "../../prover/src/chain/abi.js";
import { readDeployment } from "../../prover/src/chain/deploy.js";
import { compileCircuit } from "../../prover/src/circuits/compile.js";
import type { AppRequest } from "./viem.js";

/** Requests a proof of `steps` steps from `z0`; resolves with the job id and z_N once the job is verified. */
export async function requestAndAwait(a: AppRequest): Promise<{ jobId: bigint; zN: bigint[] }> {
  const d = readDeployment(a.deployment);
  const provider = new JsonRpcProvider(a.rpc, undefined, { pollingInterval: 500 });
  const wallet = new Wallet(a.privateKey, provider);
  const market = new Contract(d.addresses.market, MarketAbi, wallet);
  const compiled = await compileCircuit(a.circuit);
  const req = await prepareRequest({
    source: compiled,
    z0: a.z0,
    steps: a.steps,
    circuitId: a.circuitId,
    fee: parseEther(a.fee),
    requesterBondBps: d.params.requesterBondBps,
  });
  const tx = await market.requestProof(req.request, { value: req.value });
  const receipt = await tx.wait();
  const requested = receipt.logs
    .map((l: { topics: string[]; data: string }) => market.interface.parseLog(l))
    .find((e: { name: string } | null) => e?.name === "JobRequested");
  const jobId: bigint = requested.args.jobId;
  // Poll JobVerified logs for this job from the request's block (an early verification is not missed).
  const filter = market.filters.JobVerified(jobId);
  for (;;) {
    const logs = await market.queryFilter(filter, receipt.blockNumber);
    if (logs.length > 0) {
      const ev = market.interface.parseLog(logs[0])!;
      provider.destroy();
      return { jobId, zN: [...ev.args.zOut] };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await requestAndAwait({
    rpc: process.env.NOVANET_RPC_URL ?? "http://127.0.0.1:8545",
    deployment: process.env.NOVANET_DEPLOYMENT ?? ".novanet/devnet/deployment.json",
    privateKey: process.env.NOVANET_PRIVATE_KEY as `0x${string}`,
    circuitId: 1n,
    circuit: "prover/circuits/cubic.circom",
    z0: [1n],
    steps: 4,
    fee: "0.01",
  });
  console.log(`job ${r.jobId} verified: z_N = [${r.zN.join(", ")}]`);
}
