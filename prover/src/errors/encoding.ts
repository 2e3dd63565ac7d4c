import { BaseError } from "./base.js";

/**
 * Every decoding failure is an {@link EncodingError}; the subclass says which rule the bytes broke.
 * Decoders never return a partial value.
 */
export class EncodingError extends BaseError {
  override name = "EncodingError";
}

/** The bytes end before the value does. */
export class TruncatedEncodingError extends EncodingError {
  override name = "TruncatedEncodingError";
}

/** Bytes remain after a complete value. */
export class TrailingBytesError extends EncodingError {
  override name = "TrailingBytesError";
}

/** The first bytes are not the NovaNet magic. */
export class BadMagicError extends EncodingError {
  override name = "BadMagicError";
}

/** The version byte is not one this code reads. */
export class UnsupportedVersionError extends EncodingError {
  override name = "UnsupportedVersionError";
}

/** The kind byte names another type than the one asked for (or none). */
export class WrongKindError extends EncodingError {
  override name = "WrongKindError";
}

/** A 32-byte field element is ≥ p. */
export class NonCanonicalFieldElementError extends EncodingError {
  override name = "NonCanonicalFieldElementError";
}

/** A 64-byte G1 point has a coordinate ≥ q or is not on the curve. */
export class InvalidPointEncodingError extends EncodingError {
  override name = "InvalidPointEncodingError";
}

/** A length prefix is above its maximum, or two lengths that must agree do not. */
export class LengthError extends EncodingError {
  override name = "LengthError";
}
