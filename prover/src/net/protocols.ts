/** Protocol ids and gossip topics of the NovaNet network, versioned (docs/node.md "Network"). */

/** Artefact fetch: a length-prefixed request `{cid, offset}`, a status frame, then data frames. */
export const FETCH_PROTOCOL = "/novanet/fetch/1.0.0";

/** Gossip topic of one job of one market: announcements of finished tree nodes and their artefacts. */
export function jobTopic(chainId: number, market: string, jobId: bigint): string {
  return `/novanet/1/${chainId}/${market.toLowerCase()}/job/${jobId}`;
}

/** Largest gossip message accepted (an announcement is a few hundred bytes). */
export const MAX_GOSSIP_BYTES = 2048;
/** Largest frame of the fetch protocol. */
export const MAX_FRAME_BYTES = 1 << 20;

/** Kad-DHT protocol of the NovaNet network (a private DHT beside the public IPFS one). */
export const DHT_PROTOCOL = "/novanet/kad/1.0.0";
