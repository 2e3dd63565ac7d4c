import { BaseError } from "./base.js";

/** A dev SRS was requested with invalid parameters (power out of range, a τ that is not usable). */
export class DevSrsError extends BaseError {
  override name = "DevSrsError";
}
