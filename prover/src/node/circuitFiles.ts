/**
 * A circuit's files fetched from the network and verified against the chain, never trusted: a node that
 * joins a network gets the compiled circuit (`.r1cs`, `.wasm`) and the decider proving key (`.g16k`, decider
 * v3) from its peers (by CID over the fetch protocol, which checks the bytes against the CID) or from a
 * URL (size-capped), then checks each against what the chain records before it is written into place:
 *
 * - `.r1cs`: its hash equals `CircuitRegistry.r1csHash`;
 * - decider key: it is a key of `D_F` v3 for that R1CS (its constraint-system hash), the hash of its
 *   verifying key equals the registered verifier's `vkeyHash()` (and that verifier's runtime code hash the
 *   registry's `deciderCodehash`), and its proving sections match its verifying key: a decider proof of a
 *   satisfied instance made with it passes the verifier's check (a key whose header is genuine but whose
 *   sections were altered would make every decision revert, and cost the node its window);
 * - `.wasm`: no hash is on-chain; it is checked by use: the job's boundary states it computes must hash to
 *   the job's on-chain manifest root, and every leaf witness must satisfy the (verified) R1CS.
 *
 * A file that fails is refused with {@link TamperedArtefactError} (one line) and never stored. Nodes that
 * hold a circuit's files serve them: they are put in the artefact store at start (their CIDs are logged).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Hex } from "viem";
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import { commit } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import { checkDeciderV3, deciderV3Circuit, proveDeciderV3, vkeyHashV3 } from "../decider/v3.js";
import { ArtefactError, FetchError } from "../errors/node.js";
import { randomFr } from "../field/fr.js";
import { circuitHash, type G16ProvingKey, readKeys } from "../groth16/keys.js";
import { parseCid } from "../net/store.js";

/** Where a file can be had: a CID served by peers, and/or a URL. */
export type FileSource = { cid?: string; url?: string };

/** A fetched circuit or decider file that does not match what the chain records. */
export class TamperedArtefactError extends ArtefactError {
  override name = "TamperedArtefactError";
}

export type Fetcher = {
  /** Fetches `cid` from peers (bytes checked against the CID). */
  fetchCid(cid: string, maxBytes: number): Promise<Uint8Array>;
};

/** Fetches a file from its CID (peers) first, then its URL; size-capped. */
export async function fetchFile(src: FileSource, via: Fetcher | undefined, maxBytes: number): Promise<Uint8Array> {
  const errs: string[] = [];
  if (src.cid && via) {
    try {
      parseCid(src.cid);
      return await via.fetchCid(src.cid, maxBytes);
    } catch (e) {
      errs.push(`cid: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (src.url) {
    try {
      return await fetchUrl(src.url, maxBytes);
    } catch (e) {
      errs.push(`url: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new FetchError("no source served the file", { details: errs.join("; ") || "no source given" });
}

async function fetchUrl(url: string, maxBytes: number): Promise<Uint8Array> {
  const r = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!r.ok || !r.body) throw new FetchError(`HTTP ${r.status}`, { details: url });
  const len = Number(r.headers.get("content-length") ?? "0");
  if (len > maxBytes) throw new FetchError("file over the size cap", { details: `${len} > ${maxBytes}` });
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of r.body as AsyncIterable<Uint8Array>) {
    n += chunk.length;
    if (n > maxBytes) throw new FetchError("file over the size cap", { details: `> ${maxBytes}` });
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Writes `bytes` to `path` through a temporary file and a rename (a concurrent reader never sees half). */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Checks fetched `.r1cs` bytes against the registered hash; returns the shape. */
export async function verifyR1cs(bytes: Uint8Array, onChainHash: Hex, scratch: string): Promise<R1csShape> {
  writeAtomic(scratch, bytes);
  try {
    let shape: R1csShape;
    try {
      shape = await loadR1cs(scratch);
    } catch (e) {
      throw new TamperedArtefactError("fetched circuit is not an .r1cs file", {
        details: (e as Error).message.split("\n")[0],
      });
    }
    if (shape.r1csHash.toLowerCase() !== onChainHash.toLowerCase()) {
      throw new TamperedArtefactError("fetched circuit's R1CS hash differs from the registered one", {
        details: `${shape.r1csHash} ≠ ${onChainHash}`,
      });
    }
    return shape;
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** What the chain records about a circuit's decider verifier (v3). */
export type DeciderPins = { vkeyHash: Hex; codehash: Hex; registeredCodehash: Hex };

/**
 * Checks a decider v3 proving key (`.g16k` bytes) for `shape` against the registered verifier. Throws
 * {@link TamperedArtefactError} on any mismatch; returns the key.
 */
export async function verifyDeciderKeyV3(
  bytes: Uint8Array,
  shape: R1csShape,
  srs: Srs,
  pins: DeciderPins,
  scratch: string,
): Promise<G16ProvingKey> {
  if (pins.codehash.toLowerCase() !== pins.registeredCodehash.toLowerCase()) {
    throw new TamperedArtefactError("the decider verifier's code differs from the registered code hash", {
      details: `${pins.codehash} ≠ ${pins.registeredCodehash}`,
    });
  }
  writeAtomic(scratch, bytes);
  let pk: G16ProvingKey;
  try {
    pk = await readKeys(scratch);
  } catch (e) {
    throw new TamperedArtefactError("fetched decider key is not a .g16k key", {
      details: (e as Error).message.split("\n")[0],
    });
  } finally {
    rmSync(scratch, { force: true });
  }
  const want = circuitHash(deciderV3Circuit(shape));
  if (pk.circuitHash !== want) {
    throw new TamperedArtefactError("fetched decider key is for another constraint system", {
      details: `${pk.circuitHash} ≠ ${want}`,
    });
  }
  const vh = vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  if (vh.toLowerCase() !== pins.vkeyHash.toLowerCase()) {
    throw new TamperedArtefactError("fetched decider key's verifying key differs from the registered verifier's", {
      details: `vkeyHash ${vh} ≠ ${pins.vkeyHash}`,
    });
  }
  // The proving sections: a proof of a satisfied instance (the zero witness with random blinds; hiding folds
  // a random satisfied instance in) must pass the check against the verifying key just pinned.
  const rW = randomFr();
  const rE = randomFr();
  const W = { W: new Array<bigint>(shape.nW).fill(0n), E: new Array<bigint>(shape.m).fill(0n), rW, rE };
  const U = {
    cmW: await commit(srs, W.W, rW),
    cmE: await commit(srs, W.E, rE),
    u: 0n,
    x: new Array<bigint>(2 * shape.s).fill(0n),
  };
  let ok = false;
  try {
    const proof = await proveDeciderV3(shape, srs, pk, U, W, { hiding: true });
    ok = checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, U, proof).ok;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new TamperedArtefactError("fetched decider key's proving sections do not match its verifying key", {
      details: "a self-test proof was rejected",
    });
  }
  return pk;
}

/** Reads a local file for serving, or undefined when absent. */
export function readIfExists(path: string | undefined): Uint8Array | undefined {
  return path && existsSync(path) ? readFileSync(path) : undefined;
}

type CircuitCfg = {
  id: bigint;
  r1cs: string;
  wasm: string;
  deciderKey?: string;
  fetch?: { r1cs?: FileSource; wasm?: FileSource; deciderKey?: FileSource };
};
type Log = (e: Record<string, unknown>) => void;

/** Fetches the circuit's `.r1cs` (checked against `r1csHash`) and `.wasm` when they are not on disk. */
export async function ensureCircuitFiles(
  c: CircuitCfg,
  r1csHash: Hex,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<void> {
  if (!existsSync(c.r1cs) && c.fetch?.r1cs) {
    const bytes = await fetchFile(c.fetch.r1cs, via, maxBytes);
    await verifyR1cs(bytes, r1csHash, `${c.r1cs}.check`);
    writeAtomic(c.r1cs, bytes);
    log({ msg: "circuit fetched and verified", circuit: String(c.id), file: "r1cs", bytes: bytes.length });
  }
  if (!existsSync(c.wasm) && c.fetch?.wasm) {
    const bytes = await fetchFile(c.fetch.wasm, via, maxBytes);
    if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
      throw new TamperedArtefactError("fetched witness calculator is not WebAssembly", { details: String(c.id) });
    writeAtomic(c.wasm, bytes);
    log({ msg: "circuit fetched (wasm: checked by use)", circuit: String(c.id), file: "wasm", bytes: bytes.length });
  }
}

/**
 * The circuit's decider v3 proving key, checked against the registered verifier: fetched when missing; a
 * key on disk is re-checked unless its `.verified` marker (sha256 of the file and the vkeyHash it was checked
 * against) still matches. Returns undefined when the circuit has no `deciderKey` configured.
 */
export async function ensureDeciderKey(
  c: CircuitCfg,
  shape: R1csShape,
  srs: Srs,
  pins: () => Promise<DeciderPins>,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<G16ProvingKey | undefined> {
  if (!c.deciderKey) return undefined;
  const marker = `${c.deciderKey}.verified`;
  const p = await pins();
  let bytes = readIfExists(c.deciderKey);
  const fetched = !bytes;
  if (bytes) {
    const sha = createHash("sha256").update(bytes).digest("hex");
    try {
      const m = JSON.parse(readFileSync(marker, "utf8")) as { sha256?: string; vkeyHash?: string };
      if (m.sha256 === sha && m.vkeyHash?.toLowerCase() === p.vkeyHash.toLowerCase()) {
        if (p.codehash.toLowerCase() !== p.registeredCodehash.toLowerCase())
          throw new TamperedArtefactError("the decider verifier's code differs from the registered code hash");
        return await readKeys(c.deciderKey);
      }
    } catch (e) {
      if (e instanceof TamperedArtefactError) throw e;
    }
  } else {
    if (!c.fetch?.deciderKey) return undefined;
    bytes = await fetchFile(c.fetch.deciderKey, via, maxBytes);
  }
  const pk = await verifyDeciderKeyV3(bytes, shape, srs, p, `${c.deciderKey}.check`);
  if (fetched) writeAtomic(c.deciderKey, bytes);
  writeAtomic(
    marker,
    new TextEncoder().encode(
      JSON.stringify({ sha256: createHash("sha256").update(bytes).digest("hex"), vkeyHash: p.vkeyHash }),
    ),
  );
  log({ msg: fetched ? "decider key fetched and verified" : "decider key verified", circuit: String(c.id) });
  return pk;
}
