/**
 * Peer discovery beyond bootstrap and the WebSockets transport, with real libp2p hosts on 127.0.0.1:
 * A listens on TCP and WebSockets; B and C know only A (TCP); W listens on WebSockets only and knows only
 * A's WebSocket address. The DHT runs under the network's own protocol name. C, never told B's address,
 * finds B through the DHT and fetches an artefact B holds (B's peer id is all it has, as from a gossip
 * announcement); W fetches from A over a WebSocket connection and B finds W through the DHT.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { Network } from "../../../prover/src/net/network.js";
import { DHT_PROTOCOL } from "../../../prover/src/net/protocols.js";
import { ArtefactStore } from "../../../prover/src/net/store.js";
import { waitFor } from "../../helpers/processes.js";

describe("net: Kad-DHT (private protocol) and WebSockets beside TCP", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-dht-"));
  const nets: Network[] = [];

  async function host(name: string, listen: string[], bootstrap: string[] = []) {
    const store = new ArtefactStore(join(dir, name));
    const net = await Network.start({
      privateKey: await generateKeyPair("Ed25519"),
      listen,
      bootstrap,
      store,
      validate: async () => "accept",
      onMessage: () => {},
    });
    nets.push(net);
    return { net, store };
  }
  after(async () => {
    await Promise.all(nets.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds a peer known only by its id through the DHT; a WebSocket-only peer takes part", async () => {
    const a = await host("a", ["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0/ws"]);
    const aTcp = a.net.addrs().find((x) => !x.includes("/ws"));
    const aWs = a.net.addrs().find((x) => x.includes("/ws"));
    assert.ok(aTcp && aWs, `A listens on TCP and WebSockets: ${a.net.addrs().join(" ")}`);
    assert.ok(a.net.libp2p.getProtocols().includes(DHT_PROTOCOL), "the DHT speaks the private protocol");
    assert.ok(!a.net.libp2p.getProtocols().includes("/ipfs/kad/1.0.0"), "not the public IPFS DHT");

    const b = await host("b", ["/ip4/127.0.0.1/tcp/0"], [aTcp]);
    const c = await host("c", ["/ip4/127.0.0.1/tcp/0"], [aTcp]);
    const w = await host("w", ["/ip4/127.0.0.1/tcp/0/ws"], [aWs]);
    assert.ok(
      w.net.addrs().every((x) => x.includes("/ws")),
      "W listens on WebSockets only",
    );
    await waitFor(
      () => ([b, c, w].every((h) => h.net.peers().some((p) => p.equals(a.net.peerId))) ? true : undefined),
      20_000,
      "bootstrap connections",
    );
    const cid = b.store.put(new TextEncoder().encode("held by B only"));
    assert.equal(c.net.libp2p.getConnections(b.net.peerId).length, 0, "C is not connected to B");

    // C has B's peer id only: the dialler's peer routing (the DHT, through A) finds B's address.
    const found = await waitFor(
      async () => {
        const info = await c.net.libp2p.peerRouting
          .findPeer(b.net.peerId, { signal: AbortSignal.timeout(5000) })
          .catch(() => undefined);
        return info && info.multiaddrs.length > 0 ? info : undefined;
      },
      40_000,
      "B found through the DHT",
    );
    assert.ok(found.multiaddrs.some((m) => m.toString().includes("/tcp/")));
    const got = await c.net.fetch(cid, [b.net.peerId], 1024);
    assert.equal(new TextDecoder().decode(got), "held by B only");

    // W (WebSockets only) fetches from A over its WebSocket connection.
    const aBlob = a.store.put(new TextEncoder().encode("held by A"));
    assert.equal(new TextDecoder().decode(await w.net.fetch(aBlob, [a.net.peerId], 1024)), "held by A");
    const conn = w.net.libp2p.getConnections(a.net.peerId)[0];
    assert.ok(conn.remoteAddr.toString().includes("/ws"), `over WebSockets: ${conn.remoteAddr}`);
    // B finds W through the DHT and fetches from it (B dials W's WebSocket address).
    const wBlob = w.store.put(new TextEncoder().encode("held by W"));
    const fromW = await waitFor(
      () =>
        b.net
          .fetch(wBlob, [w.net.peerId], 1024)
          .then((x) => new TextDecoder().decode(x))
          .catch(() => undefined),
      40_000,
      "B fetches from W",
    );
    assert.equal(fromW, "held by W");
  });
});
