/** Protocol ids and gossip topics of the NovaNet network, versioned (docs/node.md "Network"). */

/** Artefact fetch: a length-prefixed request `{cid, offset}`, a status frame, then data frames. */
export const FETCH_PROTOCOL = "/novanet/fetch/1.0.0";

/** Gossip topic of one job of one market: announcements of finished tree nodes and their artefacts. */
export function jobTopic(chainId: number, market: string, jobId: bigint): string {
  return `/novanet/1/${chainId}/${market.toLowerCase()}/job/${jobId}`;
}

/** Largest gossip message accepted (an announcement is a few hundred bytes). */
export const MAX_GOSSIP_BYTES = 2048;
/** Fetch streams one connection may carry at once, each way (libp2p's per-protocol stream limits). */
export const FETCH_MAX_STREAMS = 64;
/**
 * Streams a peer may open on a new connection before our side has finished setting it up (yamux's
 * `maxEarlyStreams`, libp2p's default 10). With Noise the muxer is agreed inside the handshake, so the dialler
 * opens streams as soon as it has sent its last handshake message, while the listener is still checking it:
 * those streams queue, and past the limit the listener aborts the muxer (the dialler's streams are reset and,
 * in libp2p 3.3, the TCP connection stays listed as open with a closed muxer). A dialler may open up to
 * {@link FETCH_MAX_STREAMS} fetches plus identify, DHT, gossip and ping streams at once.
 */
export const MAX_EARLY_STREAMS = FETCH_MAX_STREAMS + 32;
/** Largest frame of the fetch protocol. */
export const MAX_FRAME_BYTES = 1 << 20;

/** Kad-DHT protocol of the NovaNet network (a private DHT beside the public IPFS one). */
export const DHT_PROTOCOL = "/novanet/kad/1.0.0";
