/**
 * Request a proof and await it, with viem (docs/apps.md). Against the devnet:
 *
 *   npm run devnet -- --keep        # prints the RPC URL and the deployment file
 *   NOVANET_PRIVATE_KEY=0x… node --import tsx examples/app/viem.ts
 *
 * The request (boundary states z_0..z_N, their manifest root, z_0's Merkle proof) is computed locally by
 * `prepareRequest` from the step circuit; the fee and the requester bond are paid in ETH with the call.
 */
import { createPublicClient, createWalletClient, type Hex, http, parseEther, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { prepareRequest } from "../../prover/src/app/request.js";
import { MarketAbi } from "../../prover/src/chain/abi.js";
import { readDeployment } from "../../prover/src/chain/deploy.js";
import { compileCircuit } from "../../prover/src/circuits/compile.js";

export type AppRequest = {
  rpc: string;
  /** The deployment JSON written by `novanet deploy` (the devnet's: .novanet/devnet/deployment.json). */
  deployment: string;
  privateKey: Hex;
  circuitId: bigint;
  /** The step circuit registered as `circuitId`. */
  circuit: string;
  z0: bigint[];
  steps: number;
  /** Fee in ETH, e.g. "0.01". */
  fee: string;
};

/** Requests a proof of `steps` steps from `z0`; resolves with the job id and z_N once the job is verified. */
export async function requestAndAwait(a: AppRequest): Promise<{ jobId: bigint; zN: readonly bigint[] }> {
  const d = readDeployment(a.deployment);
  const transport = http(a.rpc);
  const publicClient = createPublicClient({ transport, pollingInterval: 500 });
  const wallet = createWalletClient({ account: privateKeyToAccount(a.privateKey), transport });
  const compiled = await compileCircuit(a.circuit);
  const req = await prepareRequest({
    source: compiled,
    z0: a.z0,
    steps: a.steps,
    circuitId: a.circuitId,
    fee: parseEther(a.fee),
    requesterBondBps: d.params.requesterBondBps,
  });
  const hash = await wallet.writeContract({
    address: d.addresses.market,
    abi: MarketAbi,
    functionName: "requestProof",
    args: [req.request],
    value: req.value,
    chain: null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const [requested] = parseEventLogs({ abi: MarketAbi, logs: receipt.logs, eventName: "JobRequested" });
  const jobId = requested.args.jobId;
  // Await JobVerified for this job: from the request's block on, so that an early verification is not missed.
  const zN = await new Promise<readonly bigint[]>((resolve, reject) => {
    const unwatch = publicClient.watchContractEvent({
      address: d.addresses.market,
      abi: MarketAbi,
      eventName: "JobVerified",
      args: { jobId },
      fromBlock: receipt.blockNumber,
      onLogs: (logs) => {
        unwatch();
        resolve(logs[0].args.zOut!);
      },
      onError: (e) => {
        unwatch();
        reject(e);
      },
    });
  });
  return { jobId, zN };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await requestAndAwait({
    rpc: process.env.NOVANET_RPC_URL ?? "http://127.0.0.1:8545",
    deployment: process.env.NOVANET_DEPLOYMENT ?? ".novanet/devnet/deployment.json",
    privateKey: process.env.NOVANET_PRIVATE_KEY as Hex,
    circuitId: 1n,
    circuit: "prover/circuits/cubic.circom",
    z0: [1n],
    steps: 4,
    fee: "0.01",
  });
  console.log(`job ${r.jobId} verified: z_N = [${r.zN.join(", ")}]`);
}
