/**
 * Optimistic bundles for the API and the dashboard (docs/indexer.md, "Optimistic bundles"): where a job of
 * mode "optimistic" stands in its challenge window. Pure: the API feeds it the job row and the chain head's
 * timestamp (the time the market compares `challengeEnd` with).
 */

/**
 * - `open`: proposed, its challenge window running (`challengeBundle` accepted until `end`, inclusive);
 * - `ended`: proposed, the window passed unchallenged; anyone may now call `finalizeBundle`;
 * - `finalized`: verified by `finalizeBundle` (the bond went back to the proposer);
 * - `challenged`: voided by a successful `challengeBundle` (the bond went to `challenger`).
 */
export type ChallengeState = "open" | "ended" | "finalized" | "challenged";

export type ChallengeWindow = {
  state: ChallengeState;
  /** The last second (block timestamp) a challenge is accepted. */
  end: bigint;
  /** The chain head's timestamp the state was computed at (null: the chain could not be read). */
  chainTime: bigint | null;
  /** Seconds of the window left at `chainTime` (0 once it ended; null when `chainTime` is). */
  secondsLeft: bigint | null;
  /** The proposer's bond (wei): the challenger's reward, or returned at finalization. */
  bond: bigint;
  dataHash: `0x${string}` | null;
  proposer: `0x${string}`;
  challenger: `0x${string}` | null;
  /** z_N as the proposal claims it (decimal strings). */
  zN: string[] | null;
};

type OptimisticJob = {
  mode: string;
  status: string;
  requester: `0x${string}`;
  challengeEnd: bigint | null;
  bond: bigint;
  dataHash: `0x${string}` | null;
  zN: string[] | null;
  voidedBy: `0x${string}` | null;
};

/** The challenge window of an optimistic bundle at `chainTime`; null for any other job. */
export function challengeWindow(job: OptimisticJob, chainTime: bigint | null): ChallengeWindow | null {
  if (job.mode !== "optimistic" || job.challengeEnd === null) return null;
  const end = job.challengeEnd;
  let state: ChallengeState;
  if (job.status === "verified") state = "finalized";
  else if (job.status === "voided") state = "challenged";
  else state = chainTime !== null && chainTime > end ? "ended" : "open";
  const secondsLeft =
    state !== "open" && state !== "ended" ? 0n : chainTime === null ? null : end >= chainTime ? end - chainTime : 0n;
  return {
    state,
    end,
    chainTime,
    secondsLeft,
    bond: job.bond,
    dataHash: job.dataHash,
    proposer: job.requester,
    challenger: job.status === "voided" ? job.voidedBy : null,
    zN: job.zN,
  };
}
