import { BaseError } from "./base.js";

/** A followed job did not settle (verified or ended) in the time allowed (`followJob`'s `timeoutMs`). */
export class JobTimeoutError extends BaseError {
  override name = "JobTimeoutError";
}

/** Following a job was stopped by its caller (`followJob`'s `signal`). */
export class JobFollowAbortedError extends BaseError {
  override name = "JobFollowAbortedError";
}
