import { BaseError } from "./base.js";

/** The node's config file or environment is invalid (schema, unreadable file, missing key). */
export class NodeConfigError extends BaseError {
  override name = "NodeConfigError";
}

/** An artefact is malformed, too large, or does not match its content id or its on-chain instance. */
export class ArtefactError extends BaseError {
  override name = "ArtefactError";
}

/** No peer served an artefact (every source failed, or none was known). */
export class FetchError extends BaseError {
  override name = "FetchError";
}

/** A chain read or transaction failed in a way the node cannot retry past. */
export class ChainError extends BaseError {
  override name = "ChainError";
}

/**
 * An optimistic-bundle call (`proposeBundle`, `challengeBundle`, `finalizeBundle`: chain/bundles.ts) was
 * refused by the market: `reason` is the market's error name (`MarketChallengeOpen`, `MarketBundleValid`, …).
 */
export class BundleError extends BaseError {
  override name = "BundleError";
  readonly reason: string;
  constructor(shortMessage: string, parameters: { reason: string; details?: string; cause?: unknown }) {
    super(shortMessage, parameters);
    this.reason = parameters.reason;
  }
}
