import { BaseError } from "./base.js";

/** A trust store file is missing, not JSON, or not a `novanet/trust/v1` store. */
export class TrustStoreError extends BaseError {
  override name = "TrustStoreError";
}

/**
 * No SRS the verifier trusts matches the bundle's claim: no `--ptau`, and no pinned `.ptau` file found
 * in the search folders whose first `n` powers have the bundle's `srs.digest`.
 */
export class UntrustedSrsError extends BaseError {
  override name = "UntrustedSrsError";
}

/** No decider verification key the verifier trusts is pinned for the bundle's circuit. */
export class UntrustedDeciderKeyError extends BaseError {
  override name = "UntrustedDeciderKeyError";
}

/**
 * The decider keys are dev keys (only a beacon, or a single in-process contribution: δ is known to
 * someone), refused unless `--insecure-dev-keys` is passed.
 */
export class DevKeysRefusedError extends BaseError {
  override name = "DevKeysRefusedError";
}

/** The circuit registry could not be read (RPC unreachable, no contract at the address, no registration event). */
export class RegistryReadError extends BaseError {
  override name = "RegistryReadError";
}
