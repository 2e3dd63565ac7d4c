/**
 * Aggregates the handlers keep up to date: the network totals (one `network` row), money per fee
 * token (`token_total`), the governance parameters (`protocol`) and a prover's stake status.
 * Every write is an upsert that adds a delta, so the order in which handlers run within a block does not
 * matter and a re-indexed block (Ponder reverts unfinalized rows first) never counts twice.
 */
import type { Context } from "ponder:registry";
import { network, protocol, tokenTotal } from "ponder:schema";
import { hexToString } from "viem";

export type Db = Context["db"];
export type Hex = `0x${string}`;

export const NETWORK_ID = "network";
export const PARAMS_ID = "protocol";

type NetworkRow = typeof network.$inferSelect;
type NetworkCounter = Exclude<keyof NetworkRow, "id" | "updatedAt">;
export type NetworkDelta = { [key in NetworkCounter]?: NetworkRow[key] };

const NETWORK_ZERO: Omit<NetworkRow, "id" | "updatedAt"> = {
  provers: 0,
  stakedProvers: 0,
  totalStake: 0n,
  totalUnbonding: 0n,
  circuits: 0,
  jobs: 0,
  jobsOpen: 0,
  jobsVerified: 0,
  jobsCancelled: 0,
  jobsExpired: 0,
  jobsVoided: 0,
  jobsProposed: 0,
  bundlesFinalized: 0,
  bundlesChallenged: 0,
  tasksDone: 0,
  leavesDone: 0,
  foldsDone: 0,
  decisions: 0,
  attemptsMissed: 0,
  resets: 0,
  units: 0n,
  slashes: 0,
  slashedAmount: 0n,
  disputesOpened: 0,
  disputesOpen: 0,
  disputesChallengerWon: 0,
  disputesAnswered: 0,
  disputeBurned: 0n,
};

function addDelta<T extends Record<string, unknown>>(row: T, delta: Partial<T>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(delta)) {
    if (value === undefined) continue;
    const current = row[key];
    out[key] = typeof value === "bigint" ? (current as bigint) + value : (current as number) + (value as number);
  }
  return out as Partial<T>;
}

/** Adds `delta` to the network totals (creating the row on first use). */
export async function addNetwork(db: Db, timestamp: bigint, delta: NetworkDelta): Promise<void> {
  await db
    .insert(network)
    .values({ ...NETWORK_ZERO, ...delta, id: NETWORK_ID, updatedAt: timestamp })
    .onConflictDoUpdate((row) => ({ ...addDelta(row, delta as Partial<NetworkRow>), updatedAt: timestamp }));
}

type TokenRow = typeof tokenTotal.$inferSelect;
export type TokenDelta = Partial<Omit<TokenRow, "token">>;

/** Adds `delta` to the money totals of `token`. */
export async function addTokenTotal(db: Db, token: Hex, delta: TokenDelta): Promise<void> {
  await db
    .insert(tokenTotal)
    .values({ feesEscrowed: 0n, creditedTasks: 0n, creditedOther: 0n, claimed: 0n, ...delta, token })
    .onConflictDoUpdate((row) => addDelta(row, delta));
}

type ParamsRow = typeof protocol.$inferSelect;

/** Sets some governance parameters (the others keep their value). */
export async function setParams(db: Db, values: Partial<Omit<ParamsRow, "id">>): Promise<void> {
  await db
    .insert(protocol)
    .values({ ...values, id: PARAMS_ID })
    .onConflictDoUpdate(() => values);
}

export async function getParams(db: Db): Promise<ParamsRow | null> {
  return db.find(protocol, { id: PARAMS_ID });
}

/**
 * A prover's status from its balances (docs/events.md: "staked" means registered with stake ≥ minStake).
 * `minStake` is null until RegistryParametersSet was indexed; then any positive stake counts.
 */
export function proverStatus(stake: bigint, unbonding: bigint, minStake: bigint | null | undefined): string {
  if (stake > 0n && stake >= (minStake ?? 0n)) return "staked";
  if (stake > 0n) return "understaked";
  if (unbonding > 0n) return "unbonding";
  return "inactive";
}

/** A right-padded ASCII bytes32 tag ("liveness", "task", ...) as a string. */
export function decodeTag(tag: Hex): string {
  return hexToString(tag).replace(/\0+$/, "");
}

/** uint256[] as decimal strings (JSON has no bigint). */
export function decimals(values: readonly bigint[]): string[] {
  return values.map((value) => value.toString());
}
