/**
 * What an app needs to ask the market for a proof (docs/apps.md): the job's boundary states `z_0..z_N`
 * (the step circuit's witness chain), its manifest (tree/manifest.ts) and the `requestProof` argument, and
 * then to follow the job until `JobVerified`. Client-neutral: the request is plain data (viem, ethers or a
 * Solidity consumer can send it); {@link followJob} reads logs with a viem public client.
 *
 * @example
 * const req = await prepareRequest({ wasmPath, stateWidth: 2, z0: [0n, 1n], steps: 16, circuitId: 1n, fee: 10n ** 16n });
 * const hash = await wallet.writeContract({ address: market, abi: MarketAbi, functionName: "requestProof", args: [req.request], value: req.value });
 */
import type { Address, Hex, PublicClient } from "viem";
import { zeroAddress } from "viem";
import { MarketAbi } from "../chain/abi.js";
import { computeWitness, type WitnessSource } from "../circuits/witness.js";
import { JobFollowAbortedError, JobTimeoutError } from "../errors/app.js";
import { buildManifest, type Manifest } from "../tree/manifest.js";
import { jobTasks, type Task } from "../tree/shape.js";

/** The boundary states `z_0..z_n` of `n` steps of a step circuit from `z0` (step k's z_in is step k−1's z_out). */
export async function boundaryStates(source: WitnessSource, z0: readonly bigint[], n: number): Promise<bigint[][]> {
  const s = source.stateWidth;
  const states: bigint[][] = [[...z0]];
  for (let k = 0; k < n; k++) {
    const w = await computeWitness(source, states[k]);
    states.push(w.slice(1, 1 + s));
  }
  return states;
}

/** `requestProof`'s argument (`IMarketTypes.Request`). */
export type MarketRequest = {
  circuitId: bigint;
  nLeaves: number;
  chunkLog: number;
  manifestRoot: Hex;
  feeToken: Address;
  fee: bigint;
  deadline: bigint;
  z0: readonly bigint[];
  z1: readonly bigint[];
  z0Proof: readonly Hex[];
};

export type PrepareRequestParameters = {
  circuitId: bigint;
  /** The fee in wei of `feeToken` (ETH when `feeToken` is absent or the zero address). */
  fee: bigint;
  feeToken?: Address;
  /** Leaves per chunk = 2^chunkLog (default: 1 from 8 steps on, else 0). */
  chunkLog?: number;
  /** Absolute deadline (unix seconds); default: `now + deadlineIn`. */
  deadline?: bigint;
  /** Seconds from now (default 1 day). */
  deadlineIn?: bigint;
  /** The market's `requesterBondBps` (the bond escrowed beside the fee; default 1000 = 10 %). */
  requesterBondBps?: number;
} & ({ states: bigint[][] } | { source: WitnessSource; z0: readonly bigint[]; steps: number });

export type PreparedRequest = {
  request: MarketRequest;
  /** ETH to send with `requestProof` (fee + bond), 0 for a token fee (approve `fee + bond` instead). */
  value: bigint;
  /** What the market escrows: fee + bond, in the fee token. */
  total: bigint;
  states: bigint[][];
  manifest: Manifest;
  tasks: Task[];
};

/** Builds the request for a job: states, manifest and `requestProof`'s argument. */
export async function prepareRequest(p: PrepareRequestParameters): Promise<PreparedRequest> {
  const states = "states" in p ? p.states : await boundaryStates(p.source, p.z0, p.steps);
  const n = states.length - 1;
  const manifest = buildManifest(states);
  const chunkLog = p.chunkLog ?? (n >= 8 ? 1 : 0);
  const feeToken = p.feeToken ?? zeroAddress;
  const deadline = p.deadline ?? BigInt(Math.floor(Date.now() / 1000)) + (p.deadlineIn ?? 86_400n);
  const total = p.fee + (p.fee * BigInt(p.requesterBondBps ?? 1000)) / 10_000n;
  return {
    request: {
      circuitId: p.circuitId,
      nLeaves: n,
      chunkLog,
      manifestRoot: manifest.root,
      feeToken,
      fee: p.fee,
      deadline,
      z0: states[0],
      z1: states[1],
      z0Proof: manifest.proof(0),
    },
    value: feeToken === zeroAddress ? total : 0n,
    total,
    states,
    manifest,
    tasks: jobTasks(n, chunkLog),
  };
}

/** One thing that happened to a job, in chain order. */
export type JobEvent =
  | { kind: "submitted"; taskId: bigint; taskKind: "chunk" | "merge" | "decision"; prover: Address; block: bigint }
  | { kind: "missed"; taskId: bigint; prover: Address; attempt: number; block: bigint }
  | { kind: "verified"; prover: Address; zOut: readonly bigint[]; block: bigint }
  | { kind: "ended"; status: "cancelled" | "expired" | "voided"; block: bigint };

const KINDS = ["chunk", "merge", "decision"] as const;

/** The market's events about `jobId` in blocks `[fromBlock, toBlock]`, in chain order. */
export async function jobEvents(
  client: PublicClient,
  market: Address,
  jobId: bigint,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<JobEvent[]> {
  const logs = await client.getContractEvents({ address: market, abi: MarketAbi, fromBlock, toBlock });
  const out: { e: JobEvent; i: number; b: bigint }[] = [];
  for (const l of logs) {
    // biome-ignore lint/suspicious/noExplicitAny: one switch over the market's events
    const a = (l as any).args as Record<string, any>;
    if (a?.jobId !== jobId) continue;
    const block = l.blockNumber ?? 0n;
    let e: JobEvent | undefined;
    switch (l.eventName) {
      case "NodeSubmitted":
        e = { kind: "submitted", taskId: a.taskId, taskKind: KINDS[Number(a.kind)], prover: a.prover, block };
        break;
      case "AttemptMissed":
        e = { kind: "missed", taskId: a.taskId, prover: a.prover, attempt: Number(a.attempt), block };
        break;
      case "JobVerified":
        e = { kind: "verified", prover: a.prover, zOut: a.zOut, block };
        break;
      case "JobCancelled":
        e = { kind: "ended", status: "cancelled", block };
        break;
      case "JobExpired":
        e = { kind: "ended", status: "expired", block };
        break;
      case "JobVoided":
        e = { kind: "ended", status: "voided", block };
        break;
    }
    if (e) out.push({ e, i: l.logIndex ?? 0, b: block });
  }
  out.sort((x, y) => (x.b === y.b ? x.i - y.i : x.b < y.b ? -1 : 1));
  return out.map((x) => x.e);
}

/**
 * Follows `jobId` from `fromBlock`: calls `onEvent` for each of its events as blocks arrive and resolves
 * with the last one (verified or ended).
 *
 * @throws {JobTimeoutError} the job did not settle within `timeoutMs` (default an hour).
 * @throws {JobFollowAbortedError} `signal` was aborted.
 */
export async function followJob(
  client: PublicClient,
  market: Address,
  jobId: bigint,
  o: { fromBlock: bigint; onEvent?: (e: JobEvent) => void; pollMs?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<JobEvent> {
  let from = o.fromBlock;
  const end = Date.now() + (o.timeoutMs ?? 3_600_000);
  for (;;) {
    if (o.signal?.aborted) throw new JobFollowAbortedError(`stopped following job ${jobId}`);
    const head = await client.getBlockNumber();
    if (head >= from) {
      for (const e of await jobEvents(client, market, jobId, from, head)) {
        o.onEvent?.(e);
        if (e.kind === "verified" || e.kind === "ended") return e;
      }
      from = head + 1n;
    }
    if (Date.now() > end) {
      throw new JobTimeoutError(`job ${jobId} did not settle in the time allowed`, {
        details: `${Math.round((o.timeoutMs ?? 3_600_000) / 1000)} s from block ${o.fromBlock}; last block read ${from - 1n}`,
      });
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
