import { BaseError } from "./base.js";

/** The indexer's environment is invalid: a malformed URL, number or address, or an unreadable deployment file. */
export class IndexerConfigError extends BaseError {
  override name = "IndexerConfigError";
}

/** A request to the indexer's REST API has an invalid parameter (a job id, an address, a limit). */
export class IndexerQueryError extends BaseError {
  override name = "IndexerQueryError";
}
