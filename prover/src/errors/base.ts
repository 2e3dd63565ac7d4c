/**
 * The one error type of the prover. Every error NovaNet throws on purpose is a {@link BaseError}
 * subclass with a short message, optional details and the underlying cause, in the manner of viem's
 * `BaseError`. Callers branch on the subclass (or on `name`), never on message text.
 *
 * @example
 * throw new InvalidPointError("G1 point is not on the curve", { details: `x=${x}` });
 */
export type BaseErrorParameters = {
  /** Extra context (a value, a path, an index) printed after the message. */
  details?: string;
  /** The error that caused this one. */
  cause?: unknown;
};

export class BaseError extends Error {
  override name = "NovaNetError";
  /** The message without details: what went wrong. */
  readonly shortMessage: string;
  readonly details?: string;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const message = parameters.details ? `${shortMessage}\n\nDetails: ${parameters.details}` : shortMessage;
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }
}
