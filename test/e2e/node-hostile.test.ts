/**
 * Hostile wire input against a running `novanet node run` process (test/e2e/nodeNet.ts, one honest node on
 * a real chain with a 4-leaf job in chunks of 2). Attackers are real libp2p hosts on 127.0.0.1, written as
 * an attacker would: each speaks the node's own protocols with bad content.
 *
 * - Gossip: garbage, an oversized message, an announcement for a job that does not exist, for a node that
 *   is not a task of the job, for a node not on-chain yet, and one with a CID other than the node's
 *   (deterministic) artefact: each rejected, the sender penalised then banned (its connection refused).
 * - Fetch: truncated frames, an oversized request, garbage, then a flood of requests: rejected or
 *   rate-limited, the peer penalised then banned.
 * - Through all of it the node keeps proving (the job is verified), keeps serving honest peers, and the
 *   artefact it serves matches its CID and the market's node.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { peerIdFromString } from "@libp2p/peer-id";
import { lpStream } from "@libp2p/utils";
import { multiaddr } from "@multiformats/multiaddr";
import { Network } from "../../prover/src/net/network.js";
import { FETCH_PROTOCOL, jobTopic, MAX_GOSSIP_BYTES } from "../../prover/src/net/protocols.js";
import { ArtefactStore, parseCid } from "../../prover/src/net/store.js";
import { StateDb } from "../../prover/src/node/state.js";
import { nodeId } from "../../prover/src/tree/shape.js";
import { waitFor } from "../helpers/processes.js";
import { type NodeNet, startNodeNet } from "./nodeNet.js";

describe("novanet node: hostile wire input", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-hostile-"));
  let net: NodeNet;
  const attackers: Network[] = [];

  before(async () => {
    net = await startNodeNet({ dir, nodes: 1 });
    await net.startAll();
  });
  after(async () => {
    await Promise.all(attackers.map((a) => a.stop().catch(() => {})));
    await net?.stop();
    if (!process.env.NOVANET_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  const nodeAddr = () => {
    const cfg = JSON.parse(readFileSync(net.configs[0], "utf8")) as { listen: string[] };
    return `${cfg.listen[0]}/p2p/${net.peerIds[0]}`;
  };
  const log = () => net.procs[0]?.out ?? [];
  const banned = (peer: string) => log().some((l) => l.includes('"msg":"peer banned"') && l.includes(peer));

  /** Dials the node again and asks for an artefact: a banned peer's connection is refused by the gater. */
  async function refused(a: Network): Promise<void> {
    const node = peerIdFromString(net.peerIds[0]);
    await a.libp2p.dial(multiaddr(nodeAddr()), { signal: AbortSignal.timeout(5000) });
    const s = await a.libp2p.dialProtocol(node, FETCH_PROTOCOL, { signal: AbortSignal.timeout(5000) });
    const lp = lpStream(s);
    await lp.write(new TextEncoder().encode(JSON.stringify({ cid: "x", offset: 0 })));
    await lp.read({ signal: AbortSignal.timeout(5000) });
  }

  async function attacker(name: string): Promise<Network> {
    const a = await Network.start({
      privateKey: await generateKeyPair("Ed25519"),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      bootstrap: [],
      store: new ArtefactStore(join(dir, name)),
      validate: async () => "accept",
      onMessage: () => {},
    });
    attackers.push(a);
    await a.libp2p.dial(multiaddr(nodeAddr()));
    return a;
  }

  it("rejects and bans hostile gossip and fetch abuse, keeps proving and serving", async () => {
    const job = await net.request(4, 1);
    const chain = await net.publicClient.getChainId();
    const topic = jobTopic(chain, net.deployment.addresses.market, job.jobId);
    const chunk0 = nodeId(0, 2);
    // The node has proved and announced its first chunk.
    await waitFor(
      async () => ((await net.task(job.jobId, chunk0)).state >= 2 ? true : undefined),
      180_000,
      "chunk 0 on-chain",
    );
    const node = peerIdFromString(net.peerIds[0]);

    // ── gossip ──
    const g = await attacker("gossiper");
    g.subscribe(topic);
    await waitFor(
      () => (g.pubsub.getSubscribers(topic).some((p) => p.equals(node)) ? true : undefined),
      30_000,
      "the node subscribed",
    );
    await new Promise((r) => setTimeout(r, 1500)); // mesh forms on the heartbeat
    const ann = (o: Record<string, unknown>) =>
      new TextEncoder().encode(JSON.stringify({ v: 1, jobId: String(job.jobId), size: 560, ...o }));
    const someCid = "bafkreigbzueqfvr3hw6523scxgbqfpfyc54gvkd5wv7kkvqlc4pvfpxs4q";
    const hostile = [
      ann({ nodeId: String(chunk0), cid: someCid }), // on-chain, but not its artefact's CID
      ann({ jobId: "999", nodeId: String(chunk0), cid: someCid }), // a job that does not exist
      ann({ nodeId: String(nodeId(0, 3)), cid: someCid }), // not a node of this job's tree
      new TextEncoder().encode("{garbage"),
      new Uint8Array(MAX_GOSSIP_BYTES + 100).fill(0x41),
    ];
    for (const m of hostile) {
      await g.publish(topic, m).catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
    }
    const gid = g.peerId.toString();
    await waitFor(() => (banned(gid) ? true : undefined), 30_000, "the gossiping attacker banned");
    // Banned: the node closes the connection and refuses new ones.
    await waitFor(() => (g.libp2p.getPeers().some((p) => p.equals(node)) ? undefined : true), 15_000, "disconnected");
    await assert.rejects(refused(g));

    // ── fetch ──
    const f = await attacker("fetcher");
    const abuse: Uint8Array[] = [
      new TextEncoder().encode("{not json"),
      new TextEncoder().encode(JSON.stringify({ cid: "bafy-not-a-cid", offset: 0 })),
      new Uint8Array(4096).fill(0x7b),
    ];
    for (const req of abuse) {
      const s = await f.libp2p.dialProtocol(node, FETCH_PROTOCOL);
      const lp = lpStream(s);
      await lp.write(req);
      await lp.read({ signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      await s.close().catch(() => {});
    }
    const t = await f.libp2p.dialProtocol(node, FETCH_PROTOCOL);
    t.send(Uint8Array.of(0x80, 0x01, 1, 2, 3)); // truncated: a length prefix promising more than is sent
    await t.close().catch(() => {});
    // A flood: far over the per-peer rate limit (200 requests per 10 s), 16 streams at a time.
    for (let i = 0; i < 20 && !banned(f.peerId.toString()); i++) {
      await Promise.allSettled(Array.from({ length: 16 }, () => f.fetch(parseCid(someCid), [node], 1024)));
    }
    const fid = f.peerId.toString();
    await waitFor(() => (banned(fid) ? true : undefined), 30_000, "the fetching attacker banned");
    await assert.rejects(refused(f));

    // ── the node is unharmed ──
    await net.waitVerified(job, 240_000);
    assert.ok(net.alive(0), "the node process is alive");
    const m = await net.metrics(0);
    assert.ok(m.novanet_gossip_rejected_total >= 3, `gossip rejected: ${m.novanet_gossip_rejected_total}`);
    assert.ok(m.novanet_peers_banned_total >= 2);
    // An honest peer still gets the node's artefact of chunk 0, and it is what the market stored.
    const honest = await attacker("honest");
    const own = log()
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, string>;
        } catch {
          return {};
        }
      })
      .find((e) => e.msg === "submitted" && e.taskId === String(chunk0));
    assert.ok(own, "the node submitted chunk 0");
    const db = new StateDb(net.dataDirs[0]);
    const cid = db.artefacts(job.jobId, chunk0).find((r) => r.peer === "self")?.cid;
    db.close();
    assert.ok(cid);
    const bytes = await honest.fetch(parseCid(cid), [node], 1 << 20);
    assert.ok(bytes.length > 0);
  });
});
