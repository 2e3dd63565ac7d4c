/**
 * The artefact fetch protocol ({@link FETCH_PROTOCOL}) over one libp2p stream, length-prefixed frames:
 *
 *   request  : JSON `{"cid": string, "offset": number}` (≤ 512 bytes)
 *   response : status frame `[0, size(8 bytes BE)]` (found; `size` is the blob's full size) or `[1]` (not
 *              here) or `[2]` (rate limited), then data frames (≤ 256 KiB each) from `offset` to the end.
 *
 * The client caps the size it accepts, resumes from the bytes it already holds with the next source,
 * and checks the whole blob against its CID before returning it. The server never throws into the
 * transport: a malformed request is answered by closing the stream and reported to `onMisbehaviour`.
 */
import type { Connection, PeerId, Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import type { CID } from "multiformats/cid";
import { ArtefactError, FetchError } from "../errors/node.js";
import { MAX_FRAME_BYTES } from "./protocols.js";
import { type ArtefactStore, matchesCid, parseCid } from "./store.js";

const CHUNK = 256 * 1024;
const MAX_REQUEST = 512;

export type FetchServerOptions = {
  store: ArtefactStore;
  /** Requests allowed per peer per `windowMs` (default 200 per 10 s). */
  rateLimit?: number;
  windowMs?: number;
  onServed?: (bytes: number) => void;
  onMisbehaviour?: (peer: PeerId, why: string) => void;
};

/** A stream handler serving `store` (register with `libp2p.handle(FETCH_PROTOCOL, handler)`). */
export function fetchHandler(o: FetchServerOptions) {
  const limit = o.rateLimit ?? 200;
  const windowMs = o.windowMs ?? 10_000;
  const counts = new Map<string, { n: number; since: number }>();
  return async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer;
    const signal = AbortSignal.timeout(60_000);
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES });
      const now = Date.now();
      const c = counts.get(peer.toString());
      const entry = c && now - c.since < windowMs ? c : { n: 0, since: now };
      entry.n++;
      counts.set(peer.toString(), entry);
      const reqBytes = (await lp.read({ signal })).subarray();
      if (entry.n > limit) {
        o.onMisbehaviour?.(peer, "rate limit exceeded");
        await lp.write(Uint8Array.of(2), { signal });
        await stream.close({ signal });
        return;
      }
      if (reqBytes.length > MAX_REQUEST) throw new FetchError("request too large");
      const req = JSON.parse(new TextDecoder().decode(reqBytes)) as { cid?: unknown; offset?: unknown };
      if (typeof req.cid !== "string" || typeof req.offset !== "number" || !Number.isSafeInteger(req.offset)) {
        throw new FetchError("malformed request");
      }
      const bytes = o.store.get(parseCid(req.cid));
      if (!bytes || req.offset < 0 || req.offset > bytes.length) {
        await lp.write(Uint8Array.of(1), { signal });
        await stream.close({ signal });
        return;
      }
      const head = new Uint8Array(9);
      new DataView(head.buffer).setBigUint64(1, BigInt(bytes.length));
      await lp.write(head, { signal });
      for (let i = req.offset; i < bytes.length; i += CHUNK) {
        await lp.write(bytes.subarray(i, Math.min(bytes.length, i + CHUNK)), { signal });
      }
      o.onServed?.(bytes.length - req.offset);
      await stream.close({ signal });
    } catch (e) {
      o.onMisbehaviour?.(peer, (e as Error).message.split("\n")[0]);
      stream.abort(e as Error);
    }
  };
}

export type DialProtocol = (peer: PeerId, protocol: string, opts: { signal: AbortSignal }) => Promise<Stream>;

/**
 * Fetches `cid` from `sources` in turn, resuming each attempt from the bytes already received, accepting
 * at most `maxBytes`. Returns the blob after checking it against `cid`.
 *
 * @throws {FetchError} no source served it in full. @throws {ArtefactError} the assembled blob is not `cid`
 *   (the last source is reported through `onBadPeer` and the blob is discarded).
 */
export async function fetchArtefact(
  dial: DialProtocol,
  protocol: string,
  cid: CID,
  sources: readonly PeerId[],
  o: { maxBytes: number; timeoutMs?: number; onBadPeer?: (peer: PeerId, why: string) => void },
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let have = 0;
  let total = -1;
  const errors: string[] = [];
  // Each source gets four tries (a stream can be reset, a connection drop); later tries resume from the bytes
  // already held.
  const TRIES = 4;
  const tries = sources.flatMap((p) => Array.from({ length: TRIES }, () => p));
  for (let i = 0; i < tries.length && (total < 0 || have < total); i++) {
    const peer = tries[i];
    if (i % TRIES !== 0) await new Promise((r) => setTimeout(r, 150 * (i % TRIES)));
    // An idle timeout, not a total one: a large artefact on a slow link keeps going while frames arrive.
    const idle = new AbortController();
    const idleMs = o.timeoutMs ?? 30_000;
    let timer = setTimeout(() => idle.abort(new FetchError("idle timeout")), idleMs);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new FetchError("idle timeout")), idleMs);
    };
    const signal = idle.signal;
    try {
      const stream = await dial(peer, protocol, { signal });
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES });
      await lp.write(new TextEncoder().encode(JSON.stringify({ cid: cid.toString(), offset: have })), { signal });
      const head = (await lp.read({ signal })).subarray();
      if (head[0] !== 0 || head.length !== 9) {
        errors.push(`${peer}: status ${head[0]}`);
        await stream.close({ signal }).catch(() => {});
        i += TRIES - 1 - (i % TRIES); // a definite answer: no retry with this source
        continue;
      }
      const size = Number(new DataView(head.buffer, head.byteOffset).getBigUint64(1));
      if (size > o.maxBytes) {
        stream.abort(new FetchError("artefact over the size cap"));
        errors.push(`${peer}: size ${size} > cap ${o.maxBytes}`);
        i += TRIES - 1 - (i % TRIES);
        continue;
      }
      if (total >= 0 && size !== total) {
        o.onBadPeer?.(peer, "size differs from another source");
        stream.abort(new FetchError("inconsistent size"));
        i += TRIES - 1 - (i % TRIES);
        continue;
      }
      total = size;
      while (have < total) {
        const chunk = (await lp.read({ signal })).subarray();
        if (have + chunk.length > total) throw new FetchError("peer sent more than the announced size");
        parts.push(chunk);
        have += chunk.length;
        touch();
      }
      await stream.close({ signal }).catch(() => {});
    } catch (e) {
      errors.push(`${peer}: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (total < 0 || have !== total) {
    throw new FetchError("no source served the artefact", { details: `${cid} (${errors.join("; ") || "no sources"})` });
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  if (!matchesCid(cid, bytes)) {
    throw new ArtefactError("fetched bytes do not match their CID", { details: cid.toString() });
  }
  return bytes;
}
