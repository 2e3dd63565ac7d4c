/**
 * A joining node's circuit files, fetched and checked against the chain (prover/src/node/circuitFiles.ts):
 * a decider v3 verifier deployed on Hardhat's in-process EVM pins the key (`vkeyHash()`, code hash); the key
 * is served by a libp2p host on 127.0.0.1 (by CID) or over HTTP. The genuine key is accepted and written;
 * a key with swapped proving points, a key of another setup, a verifier whose code is not the registered
 * one, another circuit's R1CS, and a file over the size cap are each refused with a typed error, and
 * nothing is written.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { network } from "hardhat";
import { keccak256 } from "viem";
import { srsDigest } from "../../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { instanceAbi } from "../../../prover/src/decider/abi.js";
import { setupDeciderV3, vkeyWordsV3 } from "../../../prover/src/decider/v3.js";
import { FetchError } from "../../../prover/src/errors/node.js";
import { P } from "../../../prover/src/field/fr.js";
import { readKeys, sectionSizes } from "../../../prover/src/groth16/keys.js";
import { Network } from "../../../prover/src/net/network.js";
import { ArtefactStore, parseCid } from "../../../prover/src/net/store.js";
import {
  type DeciderPins,
  ensureCircuitFiles,
  ensureDeciderKey,
  type Fetcher,
  TamperedArtefactError,
} from "../../../prover/src/node/circuitFiles.js";
import { decideInstance } from "../../../prover/src/node/decide.js";
import { CircuitRuntime } from "../../../prover/src/node/work.js";
import { testCircuit } from "../../helpers/prover.js";
import { deciderSrs, TEST_PTAU, treeRoot } from "../decider/fixtures.js";

const { viem } = await network.connect();

describe("node: circuit files fetched from peers and checked against the chain", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-cfiles-"));
  const nets: Network[] = [];
  let server: Server;
  let url = "";
  let pins: DeciderPins;
  // biome-ignore lint/suspicious/noExplicitAny: the deployed contract's viem type
  let verifier: any;
  let good: Uint8Array;
  let other: Uint8Array;
  let serverStore: ArtefactStore;
  let via: Fetcher;
  const log = () => {};

  before(async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    await setupDeciderV3(circuit.shape, join(dir, "good.g16k"));
    await setupDeciderV3(circuit.shape, join(dir, "other.g16k")); // another setup: other secrets, other vkey
    good = readFileSync(join(dir, "good.g16k"));
    other = readFileSync(join(dir, "other.g16k"));
    const pk = await readKeys(join(dir, "good.g16k"));
    const words = vkeyWordsV3(pk.vkey, circuit.shape.r1csHash, circuit.shape.s, circuit.shape.nW);
    const v = await viem.deployContract("DeciderVerifierV3", [
      words,
      g2ToEvm(srs.tauG2).flat() as unknown as readonly [bigint, bigint, bigint, bigint],
    ]);
    const code = await (await viem.getPublicClient()).getCode({ address: v.address });
    const codehash = keccak256(code ?? "0x");
    verifier = v;
    pins = { vkeyHash: (await v.read.vkeyHash()) as `0x${string}`, codehash, registeredCodehash: codehash };

    serverStore = new ArtefactStore(join(dir, "server"));
    const host = async (name: string, bootstrap: string[]) => {
      const n = await Network.start({
        privateKey: await generateKeyPair("Ed25519"),
        listen: ["/ip4/127.0.0.1/tcp/0"],
        bootstrap,
        store: name === "server" ? serverStore : new ArtefactStore(join(dir, name)),
        validate: async () => "ignore",
        onMessage: () => {},
      });
      nets.push(n);
      return n;
    };
    const a = await host("server", []);
    const b = await host("client", [a.addrs()[0]]);
    via = { fetchCid: (cid, max) => b.fetch(parseCid(cid), [a.peerId], max) };
    server = createServer((req, res) => {
      const body = req.url === "/good.g16k" ? good : other;
      res.setHeader("content-length", String(body.length));
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });
  after(async () => {
    server?.close();
    await Promise.all(nets.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const cfg = (name: string, cid?: string, u?: string) => ({
    id: 1n,
    r1cs: join(dir, `${name}.r1cs`),
    wasm: join(dir, `${name}.wasm`),
    deciderKey: join(dir, name, "decider.g16k"),
    fetch: { deciderKey: { cid, url: u } },
  });

  it("a genuine decider key from a peer (by CID) is checked, written, and trusted on the next start", async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const c = cfg("genuine", serverStore.put(good).toString());
    const pk = await ensureDeciderKey(c, circuit.shape, srs, async () => pins, via, 1 << 26, log);
    assert.ok(pk);
    assert.deepEqual(new Uint8Array(readFileSync(c.deciderKey)), new Uint8Array(good));
    assert.ok(existsSync(`${c.deciderKey}.verified`));
    // Next start: the marker matches, no fetch (no source given) and no self-test.
    const again = await ensureDeciderKey(
      { ...c, fetch: undefined },
      circuit.shape,
      srs,
      async () => pins,
      undefined,
      1,
      log,
    );
    assert.equal(again?.circuitHash, pk.circuitHash);
  });

  it("the node decides with the checked key, without dev keys: the registered verifier accepts the decision", async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const c = cfg("decides", serverStore.put(good).toString());
    const pk = await ensureDeciderKey(c, circuit.shape, srs, async () => pins, via, 1 << 26, log);
    assert.ok(pk);
    const record = {
      r1csHash: circuit.shape.r1csHash as `0x${string}`,
      srsDigest: srsDigest(srs),
      nConstraints: BigInt(circuit.shape.m),
      stateWidth: circuit.shape.s,
      deciderConstraints: 0n,
      decider: verifier.address,
      deciderVersion: 3,
      deciderVkeyHash: pins.vkeyHash,
    };
    const base = {
      id: 1n,
      r1cs: join("test", "fixtures", "circuits", "cubic.r1cs"),
      wasm: join("test", "fixtures", "circuits", "cubic.wasm"),
      ptau: TEST_PTAU,
      srsPowers: 2 ** 11,
      allowDevKeys: false,
    };
    const root = await treeRoot(circuit, srs, 2, true);
    // Without a checked key and without allowDevKeys, the node refuses to make dev keys.
    const bare = await CircuitRuntime.load(base, record);
    await assert.rejects(async () => bare.deciderKeysV3(), { name: "NodeConfigError" });
    const rt = await CircuitRuntime.load({ ...base, deciderKey: c.deciderKey }, record);
    rt.verifiedDeciderKey = pk;
    const proof = await decideInstance(rt, root.node.U, root.W);
    assert.equal(await verifier.read.verifyDecider([instanceAbi(root.node.U), proof]), true);
    // A record naming another verifier's key: the checked key is refused before any proof is made.
    const elsewhere = await CircuitRuntime.load(
      { ...base, deciderKey: c.deciderKey },
      { ...record, deciderVkeyHash: `0x${"11".repeat(32)}` },
    );
    elsewhere.verifiedDeciderKey = pk;
    await assert.rejects(decideInstance(elsewhere, root.node.U, root.W), { name: "NodeConfigError" });
    // One input corrupted: the verifier refuses.
    const bad = { ...proof, yW: (proof.yW + 1n) % P };
    await assert.rejects(verifier.read.verifyDecider([instanceAbi(root.node.U), bad]));
  });

  it("refuses a key with swapped proving points, a key of another setup, and a verifier with other code", async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const pk = await readKeys(join(dir, "good.g16k"));
    const hPoints = 2 ** pk.domainPower - 1;
    assert.equal(sectionSizes(pk).at(-1)?.[0], "H");
    const bad = new Uint8Array(good);
    const h0 = bad.length - hPoints * 64;
    const first = bad.slice(h0, h0 + 64);
    bad.copyWithin(h0, h0 + 64, h0 + 128);
    bad.set(first, h0 + 64);
    const c1 = cfg("swapped", serverStore.put(bad).toString());
    await assert.rejects(
      ensureDeciderKey(c1, circuit.shape, srs, async () => pins, via, 1 << 26, log),
      (e: Error) => e instanceof TamperedArtefactError && /proving sections/.test(e.message),
    );
    assert.ok(!existsSync(c1.deciderKey), "nothing written");

    const c2 = cfg("othersetup", undefined, `${url}/other.g16k`);
    await assert.rejects(
      ensureDeciderKey(c2, circuit.shape, srs, async () => pins, undefined, 1 << 26, log),
      (e: Error) => e instanceof TamperedArtefactError && /verifying key differs/.test(e.message),
    );
    assert.ok(!existsSync(c2.deciderKey));

    const c3 = cfg("othercode", undefined, `${url}/good.g16k`);
    const wrongCode = { ...pins, codehash: keccak256("0x00") };
    await assert.rejects(
      ensureDeciderKey(c3, circuit.shape, srs, async () => wrongCode, undefined, 1 << 26, log),
      TamperedArtefactError,
    );
    // The genuine key over HTTP is accepted; over the size cap it is refused.
    await assert.rejects(
      ensureDeciderKey(c3, circuit.shape, srs, async () => pins, undefined, 1024, log),
      FetchError,
    );
    assert.ok(await ensureDeciderKey(c3, circuit.shape, srs, async () => pins, undefined, 1 << 26, log));
  });

  it("a fetched R1CS must hash to the registered r1csHash", async () => {
    const cubic = await testCircuit("cubic");
    const mix2 = readFileSync(join("test", "fixtures", "circuits", "mix2.r1cs"));
    const c = {
      ...cfg("r1cs-bad", serverStore.put(mix2).toString()),
      fetch: { r1cs: { cid: serverStore.put(mix2).toString() } },
    };
    await assert.rejects(
      ensureCircuitFiles(c, cubic.shape.r1csHash as `0x${string}`, via, 1 << 24, log),
      (e: Error) => e instanceof TamperedArtefactError && /R1CS hash differs/.test(e.message),
    );
    assert.ok(!existsSync(c.r1cs));
    const cub = readFileSync(join("test", "fixtures", "circuits", "cubic.r1cs"));
    const ok = { ...cfg("r1cs-good"), fetch: { r1cs: { cid: serverStore.put(cub).toString() } } };
    await ensureCircuitFiles(ok, cubic.shape.r1csHash as `0x${string}`, via, 1 << 24, log);
    assert.deepEqual(new Uint8Array(readFileSync(ok.r1cs)), new Uint8Array(cub));
  });
});
