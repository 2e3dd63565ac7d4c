import { BaseError } from "./base.js";

/** The command line is wrong: unknown command or option, a missing or malformed option value. */
export class UsageError extends BaseError {
  override name = "UsageError";
}

/** The `--input` file cannot be read or is not a JSON array of decimal field elements. */
export class InputFileError extends BaseError {
  override name = "InputFileError";
}

/** The bundle cannot be read, is not a NovaNet bundle, or its content is malformed. */
export class BundleFormatError extends BaseError {
  override name = "BundleFormatError";
}

/** `--out` cannot hold a bundle: it names a file, a non-empty folder that is not a bundle, or an unwritable place. */
export class OutputPathError extends BaseError {
  override name = "OutputPathError";
}
