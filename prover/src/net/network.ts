/**
 * The node's libp2p host (libp2p 3): TCP, Noise, Yamux, Identify, Ping, Gossipsub (signed messages,
 * topic validators, peer scoring) and the artefact fetch protocol. The peer key lives in the node's
 * data folder; its peer id is the one the operator registers on-chain.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { type GossipSub, gossipsub, type Message, TopicValidatorResult } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { PeerId, PrivateKey } from "@libp2p/interface";
import { type KadDHT, kadDHT, passthroughMapper } from "@libp2p/kad-dht";
import { noise } from "@libp2p/noise";
import { ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { webSockets } from "@libp2p/websockets";
import { yamux } from "@libp2p/yamux";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p, type Libp2p } from "libp2p";
import type { CID } from "multiformats/cid";
import { fetchArtefact, fetchHandler } from "./fetch.js";
import { DHT_PROTOCOL, FETCH_MAX_STREAMS, FETCH_PROTOCOL, MAX_EARLY_STREAMS, MAX_GOSSIP_BYTES } from "./protocols.js";
import type { ArtefactStore } from "./store.js";

/** The peer key of `file`, created (Ed25519) on first use. */
export async function loadOrCreatePeerKey(file: string): Promise<PrivateKey> {
  if (existsSync(file)) return privateKeyFromProtobuf(readFileSync(file));
  const key = await generateKeyPair("Ed25519");
  writeFileSync(`${file}.tmp`, privateKeyToProtobuf(key), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return key;
}

/** The bytes registered on-chain for a peer id (its multihash). */
export function peerIdBytes(peer: PeerId): Uint8Array {
  return peer.toMultihash().bytes;
}

export type GossipVerdict = "accept" | "ignore" | "reject";

export type NetworkOptions = {
  privateKey: PrivateKey;
  listen: string[];
  bootstrap: string[];
  store: ArtefactStore;
  /** Validates a gossip message's payload (already size-checked); `reject` scores the sender down. */
  validate: (topic: string, data: Uint8Array, from: PeerId) => Promise<GossipVerdict>;
  onMessage: (topic: string, data: Uint8Array, from: PeerId) => void;
  onServed?: (bytes: number) => void;
  /** A peer sent a malformed or excessive fetch request. */
  onMisbehaviour?: (peer: PeerId, why: string) => void;
  /** A gossip message failed the checks made before `validate` (unsigned, over the size cap). */
  onInvalidGossip?: (peer: PeerId, why: string) => void;
  /** Inbound connections accepted per second from one IP (libp2p's default 5). */
  inboundPerHostPerSecond?: number;
  /** File of denied peer ids (see {@link PeerGate}). */
  denyFile?: string;
  log?: (e: Record<string, unknown>) => void;
};

type Services = { pubsub: GossipSub; identify: unknown; ping: unknown; dht: KadDHT };

/**
 * Peers this node refuses to talk to: banned for misbehaviour (until a time) or denied by the operator
 * (`denyFile`, one peer id a line, re-read every few seconds: a partition can be made and healed at run
 * time). Consulted by the connection gater on every dial and every inbound connection.
 */
export class PeerGate {
  private banned = new Map<string, number>();
  private denied = new Set<string>();
  private fileStamp = "";

  constructor(private readonly denyFile?: string) {
    this.reload();
  }

  /** Re-reads the deny file; returns the peers newly denied. */
  reload(): string[] {
    if (!this.denyFile) return [];
    let text = "";
    try {
      text = existsSync(this.denyFile) ? readFileSync(this.denyFile, "utf8") : "";
    } catch {
      return [];
    }
    if (text === this.fileStamp) return [];
    this.fileStamp = text;
    const next = new Set(
      text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#")),
    );
    const added = [...next].filter((p) => !this.denied.has(p));
    this.denied = next;
    return added;
  }

  ban(peer: string, ms: number): void {
    this.banned.set(peer, Date.now() + ms);
  }

  isDenied(peer: string): boolean {
    if (this.denied.has(peer)) return true;
    const until = this.banned.get(peer);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.banned.delete(peer);
    return false;
  }
}

export class Network {
  readonly gate: PeerGate;
  private constructor(
    readonly libp2p: Libp2p<Services>,
    private readonly o: NetworkOptions,
    gate: PeerGate,
  ) {
    this.gate = gate;
  }

  static async start(o: NetworkOptions): Promise<Network> {
    const gate = new PeerGate(o.denyFile);
    const deny = (p: PeerId) => gate.isDenied(p.toString());
    const libp2p = await createLibp2p({
      privateKey: o.privateKey,
      connectionGater: {
        denyDialPeer: deny,
        denyInboundEncryptedConnection: deny,
        denyOutboundEncryptedConnection: deny,
      },
      addresses: { listen: o.listen },
      // libp2p refuses a host's inbound connections past this rate; on a single-IP network (a devnet, or
      // peers behind one NAT) every peer is one host.
      connectionManager: { inboundConnectionThreshold: o.inboundPerHostPerSecond ?? 5 },
      // TCP and WebSockets (listen on `/ip4/…/tcp/<port>/ws` for the latter).
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux({ maxEarlyStreams: MAX_EARLY_STREAMS })],
      services: {
        identify: identify(),
        // Kad-DHT under the network's own protocol name (never joins the public IPFS DHT), every node a
        // server; addresses are kept whatever their scope (devnets and LANs use private addresses). It is
        // the dialler's peer routing: a peer known only by its id (an announcer) is found through it.
        dht: kadDHT({ protocol: DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper }),
        ping: ping(),
        pubsub: gossipsub({
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
          // Every node of a devnet runs on one IP: colocation must not count against them.
          scoreParams: { IPColocationFactorWeight: 0 },
          maxInboundDataLength: MAX_GOSSIP_BYTES * 4,
        }),
      },
    });
    const net = new Network(libp2p as unknown as Libp2p<Services>, o, gate);
    await libp2p.handle(
      FETCH_PROTOCOL,
      fetchHandler({
        store: o.store,
        onServed: o.onServed,
        onMisbehaviour: (peer, why) => {
          o.log?.({ msg: "fetch: bad request", peer: peer.toString(), why });
          o.onMisbehaviour?.(peer, why);
        },
      }),
      { maxInboundStreams: FETCH_MAX_STREAMS, maxOutboundStreams: FETCH_MAX_STREAMS },
    );
    net.pubsub.addEventListener("message", (evt) => {
      const m = evt.detail;
      if (m.type !== "signed") return;
      o.onMessage(m.topic, m.data, m.from);
    });
    for (const addr of o.bootstrap) {
      libp2p.dial(multiaddr(addr)).catch((e) => o.log?.({ msg: "bootstrap dial failed", addr, err: String(e) }));
    }
    return net;
  }

  get pubsub(): GossipSub {
    return this.libp2p.services.pubsub;
  }

  get peerId(): PeerId {
    return this.libp2p.peerId;
  }

  addrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Subscribes to `topic` with a validator: size, signature policy (gossipsub StrictSign), then `validate`. */
  subscribe(topic: string): void {
    if (this.pubsub.getTopics().includes(topic)) return;
    this.pubsub.topicValidators.set(topic, async (peer: PeerId, msg: Message) => {
      if (msg.type !== "signed" || msg.data.length > MAX_GOSSIP_BYTES) {
        this.o.onInvalidGossip?.(peer, msg.type !== "signed" ? "unsigned gossip" : "oversized gossip");
        return TopicValidatorResult.Reject;
      }
      try {
        const v = await this.o.validate(topic, msg.data, msg.from);
        if (v !== "accept") this.o.log?.({ msg: "gossip not accepted", verdict: v, from: peer.toString() });
        return v === "accept"
          ? TopicValidatorResult.Accept
          : v === "ignore"
            ? TopicValidatorResult.Ignore
            : TopicValidatorResult.Reject;
      } catch {
        return TopicValidatorResult.Reject;
      }
    });
    this.pubsub.subscribe(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    await this.pubsub.publish(topic, data);
  }

  /** Fetches `cid` from `sources` (see {@link fetchArtefact}). */
  fetch(cid: CID, sources: PeerId[], maxBytes: number): Promise<Uint8Array> {
    return fetchArtefact(
      async (peer, protocol, opts) => {
        try {
          return await this.libp2p.dialProtocol(peer, protocol, opts);
        } catch (e) {
          this.dropDeadConnections(peer);
          throw e;
        }
      },
      FETCH_PROTOCOL,
      cid,
      sources,
      { maxBytes },
    );
  }

  /**
   * Aborts the connections to `peer` whose muxer has closed while the connection itself is still open. libp2p
   * 3.3 leaves such a connection listed as open when only the muxer was aborted (the remote sent a yamux
   * GoAway, or too many early streams; see {@link MAX_EARLY_STREAMS}), and hands it back to every dial, each
   * failing with `The connection muxer is "closed"`. Aborted, it is forgotten and the next try dials anew.
   * Called when a fetch's dial fails, and on every peer by {@link healGossip}.
   */
  private dropDeadConnections(peer: PeerId): void {
    for (const c of this.libp2p.getConnections(peer)) {
      const muxer = (c as unknown as { muxer?: { status: string } }).muxer;
      if (c.status !== "open" || muxer === undefined || muxer.status === "open") continue;
      this.o.log?.({ level: "warn", msg: "connection with a closed muxer dropped", peer: peer.toString() });
      c.abort(new Error("stream muxer closed"));
    }
  }

  /** Peers connected now. */
  peers(): PeerId[] {
    return this.libp2p.getPeers();
  }

  peerCount(): number {
    return this.libp2p.getPeers().length;
  }

  /** Bans `peer` for `ms` and closes its connections. */
  async ban(peer: PeerId, ms: number): Promise<void> {
    this.gate.ban(peer.toString(), ms);
    await this.libp2p.hangUp(peer).catch(() => {});
  }

  /** Re-dials bootstrap peers that are not connected (called periodically: dead peers come back), after
   * applying the deny file (closing connections to peers newly denied). */
  async redial(): Promise<void> {
    for (const p of this.gate.reload()) {
      const conn = this.libp2p.getPeers().find((x) => x.toString() === p);
      if (conn) await this.libp2p.hangUp(conn).catch(() => {});
    }
    const connected = new Set(this.libp2p.getPeers().map((p) => p.toString()));
    for (const addr of this.o.bootstrap) {
      const ma = multiaddr(addr);
      const pid = ma.getComponents().find((c) => c.name === "p2p")?.value;
      if (pid && (connected.has(pid) || this.gate.isDenied(pid))) continue;
      await this.libp2p.dial(ma, { signal: AbortSignal.timeout(3000) }).catch(() => {});
    }
  }

  private deadSince = new Map<string, number>();
  private lonelySince = new Map<string, number>();

  /**
   * Detects dead gossip and repairs it (called every few seconds):
   * - a connected gossipsub peer with no outbound gossipsub stream (it was reset: gossipsub does not open a
   *   new one on the same connection, so nothing we publish or subscribe reaches that peer) for `graceMs`:
   *   the connection is closed and the peer dialled again (a new connection gets a new stream, which
   *   re-sends our subscriptions);
   * - a topic we follow that no peer is known to subscribe to while peers are connected, for `graceMs`:
   *   our subscription is announced again (unsubscribe + subscribe; the topic validator is kept).
   * First, connections whose muxer has closed under them are dropped (see {@link dropDeadConnections}).
   */
  async healGossip(graceMs = 10_000, now = Date.now()): Promise<{ reconnected: string[]; resubscribed: string[] }> {
    const out = { reconnected: [] as string[], resubscribed: [] as string[] };
    for (const p of this.libp2p.getPeers()) this.dropDeadConnections(p);
    const connected = this.libp2p.getPeers();
    const live = new Set(connected.map((p) => p.toString()));
    for (const k of this.deadSince.keys()) if (!live.has(k)) this.deadSince.delete(k);
    // The router's outbound streams (a public field of the implementation, not of the exported interface).
    const outbound = (this.pubsub as unknown as { streamsOutbound?: Map<string, unknown> }).streamsOutbound;
    for (const peer of outbound ? this.pubsub.getPeers() : []) {
      const k = peer.toString();
      if (!live.has(k) || outbound?.has(k)) {
        this.deadSince.delete(k);
        continue;
      }
      const since = this.deadSince.get(k) ?? now;
      this.deadSince.set(k, since);
      if (now - since < graceMs) continue;
      this.deadSince.delete(k);
      out.reconnected.push(k);
      this.o.log?.({ level: "warn", msg: "dead gossip stream: reconnecting", peer: k });
      await this.libp2p.hangUp(peer).catch(() => {});
      await this.libp2p.dial(peer, { signal: AbortSignal.timeout(5000) }).catch(() => {});
    }
    for (const topic of this.pubsub.getTopics()) {
      if (connected.length === 0 || this.pubsub.getSubscribers(topic).length > 0) {
        this.lonelySince.delete(topic);
        continue;
      }
      const since = this.lonelySince.get(topic) ?? now;
      this.lonelySince.set(topic, since);
      if (now - since < graceMs) continue;
      this.lonelySince.set(topic, now);
      out.resubscribed.push(topic);
      this.o.log?.({ level: "warn", msg: "topic without subscribers: subscribing again", topic });
      this.pubsub.unsubscribe(topic);
      this.pubsub.subscribe(topic);
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.libp2p.stop();
  }
}
