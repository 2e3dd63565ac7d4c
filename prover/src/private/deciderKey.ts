/**
 * `prove --private --decider-key <file.g16k>` (docs/private.md "Ceremony keys"): the final key of a v3
 * ceremony for `F̂` (`novanet ceremony … --decider v3`), used instead of this machine's dev keys.
 *
 * Nothing in the file is trusted. It goes through the node's check of a decider v3 key
 * (node/circuitFiles.ts `verifyDeciderKeyV3`): it parses as a `.g16k` key, it is a key of `D_F̂` v3 (the
 * constraint-system hash rebuilt from `F̂`), its verifying key hashes (`vkeyHashV3` over the key, `F̂`'s
 * r1cs hash, state width and witness length) to the expected `vkeyHash`, and a self-test proof made with
 * its proving sections is accepted by its verifying key. The expected `vkeyHash` is the registered
 * verifier's `vkeyHash()` (with its code the registry pinned) when the circuit is registered
 * (`--rpc --circuit-id`); without a registered circuit there is nothing to compare it with, and it is the
 * key's own (every other check still holds). Any failure is one {@link PrivateDeciderKeyError} line.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import type { R1csShape } from "../arith/r1cs.js";
import type { Srs } from "../commitment/srs.js";
import { DECIDER_V3_VKEY_FORMAT, type DeciderV3Keys } from "../decider/bundleV3.js";
import { vkeyHashV3, vkeyWordsV3 } from "../decider/v3.js";
import { PrivateDeciderKeyError } from "../errors/private.js";
import { readKeys } from "../groth16/keys.js";
import { type DeciderPins, TamperedArtefactError, verifyDeciderKeyV3 } from "../node/circuitFiles.js";

/**
 * Reads and checks the v3 key `path` of `F̂` (`shape`, over `srs`). `pins`: the registered verifier's
 * (`registeredPrivateDecider` with a `deciderKey`); without them the key only has to be a working key of `F̂`.
 * @throws {PrivateDeciderKeyError} the file is missing, truncated, malformed, or fails a check.
 */
export async function loadPrivateDeciderKey(
  path: string,
  shape: R1csShape,
  srs: Srs,
  opts: { pins?: DeciderPins; cacheDir?: string } = {},
): Promise<DeciderV3Keys> {
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new PrivateDeciderKeyError("cannot read --decider-key", { details: `${file}: ${(e as Error).message}` });
  }
  const scratch = () => `${file}.${process.pid}.${Date.now()}.check`;
  let pins = opts.pins;
  if (!pins) {
    // No registered verifier: the key's own vkeyHash is the expected one (the other checks still apply).
    try {
      const own = await verifyPinsOf(bytes, shape, scratch());
      pins = { vkeyHash: own, codehash: "0x", registeredCodehash: "0x" };
    } catch (e) {
      throw refused(e, file);
    }
  }
  let pk: Awaited<ReturnType<typeof verifyDeciderKeyV3>>;
  try {
    pk = await verifyDeciderKeyV3(bytes, shape, srs, pins, scratch());
  } catch (e) {
    throw refused(e, file);
  }
  const words = vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  const vkHash = vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  // The verifying key file the prover's own `verify --vkey` reads, beside the dev keys of F̂.
  const dir = join(resolve(opts.cacheDir ?? ".novanet"), "keys-v3", shape.r1csHash);
  const vkeyPath = join(dir, `vkey-v3-${vkHash.slice(2, 18)}.json`);
  if (!existsSync(vkeyPath)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${vkeyPath}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      `${JSON.stringify({ format: DECIDER_V3_VKEY_FORMAT, words: words.map((w) => w.toString(10)) }, null, 2)}\n`,
    );
    renameSync(tmp, vkeyPath);
  }
  return { pk, path: file, vkeyPath, vkHash, words };
}

/** The vkeyHash the key's own header gives for `F̂` (the file parsed through a scratch copy). */
async function verifyPinsOf(bytes: Uint8Array, shape: R1csShape, scratch: string): Promise<Hex> {
  writeFileSync(scratch, bytes);
  try {
    const pk = await readKeys(scratch);
    return vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  } finally {
    rmSync(scratch, { force: true });
  }
}

function refused(e: unknown, file: string): PrivateDeciderKeyError {
  const why =
    e instanceof TamperedArtefactError
      ? e.shortMessage.replace(/^fetched decider key/, "the key")
      : (e as Error).message.split("\n")[0];
  const details = e instanceof TamperedArtefactError ? e.details : undefined;
  return new PrivateDeciderKeyError(`--decider-key is refused: ${why}`, {
    details: details ? `${file}: ${details}` : file,
    cause: e,
  });
}
