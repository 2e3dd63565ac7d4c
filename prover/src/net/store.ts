/**
 * Content-addressed artefact store on disk: each blob is a file named by its CID (v1, raw codec,
 * sha2-256). Writes go to a unique temporary file and are renamed into place, so concurrent processes
 * sharing the folder never see half a blob; every read re-hashes the bytes and rejects a mismatch.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";
import { ArtefactError } from "../errors/node.js";

/** The CID (v1, raw, sha2-256) of `bytes`. Cost: one SHA-256 pass. */
export function cidOf(bytes: Uint8Array): CID {
  const digest = createDigest(sha256.code, createHash("sha256").update(bytes).digest());
  return CID.createV1(raw.code, digest);
}

/** Parses a CID string, accepting only v1 raw sha2-256 (what this store produces). */
export function parseCid(s: string): CID {
  let cid: CID;
  try {
    cid = CID.parse(s);
  } catch (e) {
    throw new ArtefactError("malformed CID", { details: s.slice(0, 100), cause: e });
  }
  if (cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256.code) {
    throw new ArtefactError("unsupported CID (want v1 raw sha2-256)", { details: s.slice(0, 100) });
  }
  return cid;
}

/** Whether `bytes` hash to `cid`. */
export function matchesCid(cid: CID, bytes: Uint8Array): boolean {
  return cidOf(bytes).equals(cid);
}

export class ArtefactStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(cid: CID): string {
    return join(this.dir, cid.toString());
  }

  has(cid: CID): boolean {
    return existsSync(this.path(cid));
  }

  size(cid: CID): number | undefined {
    try {
      return statSync(this.path(cid)).size;
    } catch {
      return undefined;
    }
  }

  /** Stores `bytes` and returns their CID (idempotent). */
  put(bytes: Uint8Array): CID {
    const cid = cidOf(bytes);
    if (this.has(cid)) return cid;
    const tmp = `${this.path(cid)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, this.path(cid));
    return cid;
  }

  /** The bytes of `cid`, re-hashed; a corrupt file is deleted and reported as missing. */
  get(cid: CID): Uint8Array | undefined {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.path(cid));
    } catch {
      return undefined;
    }
    if (!matchesCid(cid, bytes)) {
      unlinkSync(this.path(cid));
      return undefined;
    }
    return bytes;
  }
}
