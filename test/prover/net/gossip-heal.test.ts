/**
 * Dead gossip detected and repaired (Network.healGossip) between two real libp2p hosts on 127.0.0.1: the
 * gossipsub stream from A to B is reset under a live connection (gossipsub keeps the peer but never opens a
 * new stream on that connection, so nothing A publishes reaches B); healGossip sees the peer without a
 * stream, reconnects it, and A's messages reach B again. A topic nobody is known to follow is announced again.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { Network } from "../../../prover/src/net/network.js";
import { ArtefactStore } from "../../../prover/src/net/store.js";
import { waitFor } from "../../helpers/processes.js";

const TOPIC = "/novanet/test/heal";

describe("net: dead gossip subscriptions are detected and repaired", function () {
  this.timeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-heal-"));
  const nets: Network[] = [];
  const got: Record<string, string[]> = { a: [], b: [] };

  async function host(name: "a" | "b", bootstrap: string[] = []): Promise<Network> {
    const net = await Network.start({
      privateKey: await generateKeyPair("Ed25519"),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap,
      store: new ArtefactStore(join(dir, name)),
      validate: async () => "accept",
      onMessage: (_t, data) => got[name].push(new TextDecoder().decode(data)),
    });
    nets.push(net);
    return net;
  }
  after(async () => {
    await Promise.all(nets.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes `msg` from `from` every 500 ms until `to` received it (or `ms` passed); returns whether it did. */
  async function reaches(from: Network, to: "a" | "b", msg: string, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await from.publish(TOPIC, new TextEncoder().encode(msg)).catch(() => {});
      if (got[to].includes(msg)) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return got[to].includes(msg);
  }

  it("a reset gossipsub stream is found and reconnected; messages flow again", async () => {
    const a = await host("a");
    const b = await host("b", [a.addrs()[0]]);
    a.subscribe(TOPIC);
    b.subscribe(TOPIC);
    assert.ok(await reaches(a, "b", "before", 20_000), "gossip flows A → B");
    assert.deepEqual(await a.healGossip(0), { reconnected: [], resubscribed: [] }, "nothing to heal");

    // Reset A's outbound gossipsub stream to B (what a flaky link or a buggy peer leaves behind).
    const conn = a.libp2p.getConnections(b.peerId)[0];
    const s = conn.streams.find((x) => x.direction === "outbound" && x.protocol?.startsWith("/meshsub"));
    assert.ok(s, "A has an outbound gossipsub stream to B");
    s.abort(new Error("test: stream reset"));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await reaches(a, "b", "while dead", 3000), false, "the dead stream carries nothing");

    const first = await a.healGossip(1000);
    assert.deepEqual(first.reconnected, [], "within the grace period nothing is done");
    await new Promise((r) => setTimeout(r, 1100));
    const healed = await a.healGossip(1000);
    assert.deepEqual(healed.reconnected, [b.peerId.toString()]);
    await waitFor(() => (a.libp2p.getPeers().length > 0 ? true : undefined), 10_000, "reconnected");
    assert.ok(await reaches(a, "b", "after", 20_000), "gossip flows A → B again");
  });

  it("a followed topic that no connected peer subscribes to is announced again", async () => {
    const a = nets[0];
    const lonely = "/novanet/test/lonely";
    a.subscribe(lonely);
    assert.deepEqual((await a.healGossip(0)).resubscribed, [lonely]);
    assert.ok(a.pubsub.getTopics().includes(lonely), "still subscribed");
  });
});
