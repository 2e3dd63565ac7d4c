/**
 * The node's side of the market's `refreshSnapshot` fallback (docs/contracts.md "Draws over stake
 * snapshots"): a task whose stake snapshot holds no fitting prover makes `getTask` revert with the registry's
 * `ProverRegistryNoEligibleProver`; a node whose own stake fits the task moves it to the previous block's
 * snapshot, once.
 */
import { toFunctionSelector } from "viem";

/** `ProverRegistryNoEligibleProver(uint64)`: the registry's error, which the Market ABI does not declare. */
export const NO_ELIGIBLE_SELECTOR = toFunctionSelector("ProverRegistryNoEligibleProver(uint64)");

/**
 * Whether `e` (a failed `getTask` read) is the registry's `ProverRegistryNoEligibleProver`: by the decoded
 * error name where viem decoded it, else by the 4-byte selector of the revert data.
 */
export function isNoEligibleProver(e: unknown): boolean {
  // biome-ignore lint/suspicious/noExplicitAny: walking viem's error chain.
  let cur: any = e;
  for (let i = 0; cur && i < 8; i++, cur = cur.cause) {
    if (cur.data?.errorName === "ProverRegistryNoEligibleProver") return true;
    if (cur.signature === NO_ELIGIBLE_SELECTOR) return true;
    for (const raw of [cur.raw, cur.data]) {
      if (typeof raw === "string" && raw.toLowerCase().startsWith(NO_ELIGIBLE_SELECTOR)) return true;
    }
  }
  return false;
}

/**
 * Whether a prover that declared `maxConstraints` is eligible for a task of `need` constraints: the registry
 * puts it in class `c = min(⌊(⌊log2 max⌋ − 10) / 2⌋, 7)`, which serves tasks up to `2^(10+2c)` (ProverRegistry
 * `_classOf`, `_firstClass`).
 */
export function capacityFits(maxConstraints: bigint, need: bigint): boolean {
  if (maxConstraints < 1024n) return false;
  const log2 = BigInt(maxConstraints.toString(2).length - 1);
  let c = (log2 - 10n) / 2n;
  if (c > 7n) c = 7n;
  return 1n << (10n + 2n * c) >= need;
}
