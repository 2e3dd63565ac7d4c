/**
 * The artefact fetch protocol and gossip between real libp2p hosts on 127.0.0.1, and what hostile peers
 * send: truncated, oversized and garbage requests, bytes that do not match their CID, a blob over the
 * size cap, a request flood, oversized gossip. Each is rejected, and the honest path still works after.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import type { Connection, ConnectionGater } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import { ArtefactError, FetchError } from "../../../prover/src/errors/node.js";
import { fetchHandler } from "../../../prover/src/net/fetch.js";
import { Network } from "../../../prover/src/net/network.js";
import { FETCH_MAX_STREAMS, FETCH_PROTOCOL, MAX_GOSSIP_BYTES } from "../../../prover/src/net/protocols.js";
import { ArtefactStore, cidOf } from "../../../prover/src/net/store.js";

describe("net: fetch protocol and gossip on loopback", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-net-"));
  const nets: Network[] = [];
  const received: string[] = [];
  const misbehaviour: string[] = [];

  async function host(name: string, bootstrap: string[] = []): Promise<{ net: Network; store: ArtefactStore }> {
    const store = new ArtefactStore(join(dir, name));
    const net = await Network.start({
      privateKey: await generateKeyPair("Ed25519"),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap,
      store,
      validate: async (_t, data) => (new TextDecoder().decode(data).startsWith("ok") ? "accept" : "reject"),
      onMessage: (_t, data) => received.push(new TextDecoder().decode(data)),
      log: (e) => misbehaviour.push(String(e.why ?? e.msg)),
    });
    nets.push(net);
    return { net, store };
  }

  after(async () => {
    await Promise.all(nets.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a 3 MiB blob, resumes from a second source, and refuses one over the cap", async () => {
    const a = await host("a");
    const empty = await host("empty");
    const b = await host("b", [a.net.addrs()[0]]);
    const blob = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 255);
    const cid = a.store.put(blob);
    // The first source does not have it (status 1): the client moves on to the next.
    const got = await b.net.fetch(cid, [empty.net.peerId, a.net.peerId], 8 * 1024 * 1024);
    assert.deepEqual(got, blob);
    await assert.rejects(b.net.fetch(cid, [a.net.peerId], 1024 * 1024), FetchError);
  });

  /** Makes `net` slow to accept inbound connections: its gate answers after `ms`, as on a loaded machine. */
  function slowListener(net: Network, ms: number): void {
    const gater = (net.libp2p as unknown as { components: { connectionGater: ConnectionGater } }).components
      .connectionGater;
    const deny = gater.denyInboundEncryptedConnection?.bind(gater);
    gater.denyInboundEncryptedConnection = async (peer, conn) => {
      await new Promise((r) => setTimeout(r, ms));
      return (await deny?.(peer, conn)) ?? false;
    };
  }

  const muxerOf = (c: Connection) => (c as unknown as { muxer: { status: string; abort(e: Error): void } }).muxer;

  it("serves twelve, and up to FETCH_MAX_STREAMS, concurrent requests of one peer on a fresh connection the listener is still setting up", async () => {
    // With Noise the muxer is agreed inside the handshake: the dialler opens its streams as soon as it has sent its
    // last handshake message, and they queue at the listener until it has checked the peer. Past yamux's early
    // stream limit (libp2p's default 10; here 12 fetches plus identify, DHT and gossip streams) the listener aborted
    // the muxer: every stream was reset, and the dialler kept the connection listed as open with a closed muxer.
    for (const n of [12, FETCH_MAX_STREAMS]) {
      const a = await host(`conc-a${n}`);
      const b = await host(`conc-b${n}`);
      slowListener(a.net, 300);
      const cid = a.store.put(new Uint8Array([4, 5, 6]));
      const conn = await b.net.libp2p.dial(a.net.libp2p.getMultiaddrs()[0]);
      const before = misbehaviour.length;
      const got = await Promise.all(Array.from({ length: n }, () => b.net.fetch(cid, [a.net.peerId], 10)));
      for (const g of got) assert.deepEqual(g, new Uint8Array([4, 5, 6]));
      // Served on that connection, first try: it is still open, muxer included, and nothing was dropped.
      assert.equal(conn.status, "open", `${n}`);
      assert.equal(muxerOf(conn).status, "open", `${n}`);
      assert.deepEqual(
        b.net.libp2p.getConnections(a.net.peerId).map((c) => c.id),
        [conn.id],
      );
      assert.deepEqual(misbehaviour.slice(before), [], `${n}`);
    }
  });

  it("drops a connection whose muxer closed under it and fetches over a new one", async () => {
    const a = await host("dead-a");
    const b = await host("dead-b");
    const cid = a.store.put(new Uint8Array([7, 8]));
    const conn = await b.net.libp2p.dial(a.net.libp2p.getMultiaddrs()[0]);
    // The listener aborts its muxer (as on too many early streams): the dialler gets a yamux GoAway, its muxer
    // closes, and its TCP connection stays listed as open.
    await new Promise((r) => setTimeout(r, 200));
    for (const c of a.net.libp2p.getConnections(b.net.peerId)) muxerOf(c).abort(new Error("test: muxer aborted"));
    const until = Date.now() + 5000;
    while (muxerOf(conn).status === "open" && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(muxerOf(conn).status, "closed");
    assert.equal(conn.status, "open", "libp2p still lists the connection as open");
    assert.deepEqual(await b.net.fetch(cid, [a.net.peerId], 10), new Uint8Array([7, 8]));
    assert.notEqual(conn.status, "open", "the dead connection was dropped");
    assert.ok(misbehaviour.includes("connection with a closed muxer dropped"));
    // The periodic repair (healGossip) drops such a connection on either side without waiting for a fetch: here the
    // listener's, whose muxer is aborted (the dialler's then closes with the TCP connection).
    const c2 = await host("dead-c");
    const conn2 = await c2.net.libp2p.dial(a.net.libp2p.getMultiaddrs()[0]);
    await new Promise((r) => setTimeout(r, 200));
    const [inbound] = a.net.libp2p.getConnections(c2.net.peerId);
    muxerOf(inbound).abort(new Error("test: muxer aborted"));
    assert.equal(inbound.status, "open", "libp2p still lists the connection as open");
    await a.net.healGossip();
    assert.notEqual(inbound.status, "open");
    const end = Date.now() + 5000;
    while (conn2.status === "open" && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.notEqual(conn2.status, "open");
  });

  it("rejects bytes that do not hash to the requested CID", async () => {
    const honest = new Uint8Array(1000).fill(1);
    const cid = cidOf(honest);
    const liar = await host("liar");
    // A hostile peer answers every request with other bytes of the same length.
    await liar.net.libp2p.unhandle(FETCH_PROTOCOL);
    const forged = new Uint8Array(1000).fill(2);
    await liar.net.libp2p.handle(
      FETCH_PROTOCOL,
      fetchHandler({ store: { get: () => forged } as unknown as ArtefactStore }),
    );
    const c = await host("c", [liar.net.addrs()[0]]);
    await assert.rejects(c.net.fetch(cid, [liar.net.peerId], 1 << 20), ArtefactError);
  });

  it("survives truncated, oversized and garbage requests, then still serves", async () => {
    const a = await host("a2");
    const cid = a.store.put(new Uint8Array([1, 2, 3]));
    const evil = await host("evil");
    await evil.net.libp2p.dial(a.net.libp2p.getMultiaddrs()[0]);
    const attempts: Uint8Array[] = [
      new TextEncoder().encode("{not json"),
      new TextEncoder().encode(JSON.stringify({ cid: "bafy-not-a-cid", offset: 0 })),
      new TextEncoder().encode(JSON.stringify({ cid: cid.toString(), offset: -5 })),
      new Uint8Array(4096).fill(0x7b), // over the request cap
    ];
    for (const req of attempts) {
      const s = await evil.net.libp2p.dialProtocol(a.net.peerId, FETCH_PROTOCOL);
      const lp = lpStream(s);
      await lp.write(req);
      await lp.read({ signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      await s.close().catch(() => {});
    }
    // A truncated frame: a length prefix promising more than is sent, then the stream closes.
    const s = await evil.net.libp2p.dialProtocol(a.net.peerId, FETCH_PROTOCOL);
    s.send(Uint8Array.of(0x80, 0x01, 1, 2, 3));
    await s.close().catch(() => {});
    assert.deepEqual(await evil.net.fetch(cid, [a.net.peerId], 100), new Uint8Array([1, 2, 3]));
  });

  it("rate-limits a request flood from one peer and keeps serving others", async () => {
    const store = new ArtefactStore(join(dir, "flood"));
    const server = await host("server");
    await server.net.libp2p.unhandle(FETCH_PROTOCOL);
    const cid = store.put(new Uint8Array([9]));
    await server.net.libp2p.handle(
      FETCH_PROTOCOL,
      fetchHandler({ store, rateLimit: 5, windowMs: 60_000, onMisbehaviour: () => {} }),
      {
        maxInboundStreams: 64,
      },
    );
    const flooder = await host("flooder");
    await flooder.net.libp2p.dial(server.net.libp2p.getMultiaddrs()[0]);
    const results: PromiseSettledResult<Uint8Array>[] = [];
    for (let i = 0; i < 12; i++) {
      results.push(...(await Promise.allSettled([flooder.net.fetch(cid, [server.net.peerId], 10)])));
    }
    const ok = results.filter((r) => r.status === "fulfilled").length;
    assert.ok(ok >= 1 && ok <= 5, `between 1 and 5 served, got ${ok}`);
    assert.ok(results.some((r) => r.status === "rejected"));
    const other = await host("other");
    await other.net.libp2p.dial(server.net.libp2p.getMultiaddrs()[0]);
    assert.deepEqual(await other.net.fetch(cid, [server.net.peerId], 10), new Uint8Array([9]));
  });

  it("delivers valid gossip and drops rejected and oversized messages", async () => {
    const a = await host("ga");
    const b = await host("gb", [a.net.addrs()[0]]);
    a.net.subscribe("/t");
    b.net.subscribe("/t");
    const end = Date.now() + 10_000;
    while (!a.net.pubsub.getSubscribers("/t").length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500)); // mesh forms on the heartbeat
    await a.net.publish("/t", new TextEncoder().encode("bad: fails the validator"));
    await a.net.publish("/t", new TextEncoder().encode(`ok${"x".repeat(MAX_GOSSIP_BYTES + 10)}`));
    await a.net.publish("/t", new TextEncoder().encode("ok announce"));
    const until = Date.now() + 5000;
    while (!received.includes("ok announce") && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.ok(received.includes("ok announce"));
    assert.ok(!received.some((m) => m.startsWith("bad")), "rejected gossip not delivered");
    assert.ok(!received.some((m) => m.length > MAX_GOSSIP_BYTES), "oversized gossip not delivered");
  });
});
