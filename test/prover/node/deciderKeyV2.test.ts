/**
 * A circuit registered with a decider v2 verifier decided with a ceremony key, without dev keys
 * (prover/src/node/circuitFiles.ts `ensureDeciderKeyV2`, `resolveDeciderKey`): a phase-2 ceremony for
 * cubic's `D_F` (two contributions and a beacon, trust/ceremony.ts), the verifier rendered from its final
 * key compiled and deployed on Hardhat's in-process EVM, the key served over HTTP. The genuine key is
 * checked (its words in the verifier's code, D_F's coefficients, its points, a self-test proof the
 * deployed verifier accepts by `eth_call`), written, and decides; the verifier accepts the decision.
 *
 * An attacker serving the node a key: one byte changed in a point, a verifying-key point swapped for
 * another valid point, proving points swapped (valid points, wrong key: only the self-test tells), another
 * circuit's key, a truncated file, a file over the size cap, a dev key (beacon only) for a verifier of
 * that very key: each is refused with its typed one-line error, and nothing is written.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { type Address, type Hex, keccak256 } from "viem";
import { type DeciderPinsV2, deciderPinsV2Of } from "../../../prover/src/chain/market.js";
import { srsDigest } from "../../../prover/src/commitment/srs.js";
import { instanceAbi } from "../../../prover/src/decider/abi.js";
import { compileVerifier } from "../../../prover/src/decider/bundle.js";
import { type SnarkjsVkey, snarkjs } from "../../../prover/src/decider/snarkjs.js";
import { renderDeciderVerifier } from "../../../prover/src/decider/solidity.js";
import { readZkey } from "../../../prover/src/decider/zkey.js";
import { FetchError } from "../../../prover/src/errors/node.js";
import { P } from "../../../prover/src/field/fr.js";
import { ensureDeciderKeyV2, resolveDeciderKey, TamperedArtefactError } from "../../../prover/src/node/circuitFiles.js";
import { decideInstance } from "../../../prover/src/node/decide.js";
import { CircuitRuntime } from "../../../prover/src/node/work.js";
import {
  ceremonyBeacon,
  ceremonyContribute,
  ceremonyInit,
  transcript,
  zkeySection,
} from "../../../prover/src/trust/ceremony.js";
import { testCircuit } from "../../helpers/prover.js";
import { deciderFixture, deciderSrs, TEST_PTAU, treeRoot } from "../decider/fixtures.js";

const { viem } = await network.connect();
const CUBIC = join("test", "fixtures", "circuits", "cubic.r1cs");
const BEACON = "b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0";

describe("node: decider v2 keys from a ceremony, checked against the registered verifier", function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-v2keys-"));
  const files = new Map<string, Uint8Array>();
  let server: Server;
  let url = "";
  let good: Uint8Array;
  let pins: DeciderPinsV2;
  let devPins: DeciderPinsV2;
  // biome-ignore lint/suspicious/noExplicitAny: the deployed contract's viem type
  let verifier: any;
  const logs: Record<string, unknown>[] = [];
  const log = (e: Record<string, unknown>) => logs.push(e);

  const pinsOf = async (address: Address): Promise<DeciderPinsV2> => {
    const pub = await viem.getPublicClient();
    const code = (await pub.getCode({ address })) ?? "0x";
    // The registry's deciderCodehash is the code hash of the verifier it was registered with.
    return deciderPinsV2Of(pub as never, address, keccak256(code));
  };

  before(async () => {
    const cer = join(dir, "ceremony");
    await ceremonyInit({ circuit: CUBIC, ptau: TEST_PTAU, dir: cer });
    await ceremonyContribute(cer, "alice");
    await ceremonyContribute(cer, "bobby");
    await ceremonyBeacon(cer, BEACON, 10);
    const final = transcript(cer).at(-1) as string;
    good = new Uint8Array(readFileSync(final));
    const sj = await snarkjs();
    const vkey = (await sj.zKey.exportVerificationKey(final)) as SnarkjsVkey;
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const sol = renderDeciderVerifier(vkey, {
      name: "CubicCeremonyVerifier",
      stepR1csHash: circuit.shape.r1csHash,
      variant: "hashed",
      stateWidth: circuit.shape.s,
      tauG2: srs.tauG2,
    });
    const compiled = compileVerifier(sol, "CubicCeremonyVerifier");
    const [wallet] = await viem.getWalletClients();
    const pub = await viem.getPublicClient();
    const hash = await wallet.deployContract({ abi: compiled.abi, bytecode: compiled.bytecode as Hex });
    const address = (await pub.waitForTransactionReceipt({ hash })).contractAddress as Address;
    verifier = await viem.getContractAt("TestOnlyCubicDeciderVerifier", address); // same ABI (IDeciderVerifier)
    pins = await pinsOf(address);
    // A dev key (beacon only) and the committed verifier exported from that very key.
    devPins = await pinsOf((await viem.deployContract("TestOnlyCubicDeciderVerifier")).address);

    files.set("/good.zkey", good);
    files.set("/dev.zkey", new Uint8Array(readFileSync((await deciderFixture("cubic")).keys.zkeyPath)));
    files.set("/mix2.zkey", new Uint8Array(readFileSync((await deciderFixture("mix2")).keys.zkeyPath)));
    server = createServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (!body) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader("content-length", String(body.length));
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });
  after(async () => {
    for (const l of logs) if (l.checkMs !== undefined) console.log(`      ${JSON.stringify(l)}`);
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cfg = (name: string, file = name, allowDevKeys = false) => ({
    id: 7n,
    r1cs: CUBIC,
    wasm: join("test", "fixtures", "circuits", "cubic.wasm"),
    allowDevKeys,
    deciderKey: join(dir, name, "decider.zkey"),
    fetch: { deciderKey: { url: `${url}/${file}.zkey` } },
  });
  const ensure = async (c: ReturnType<typeof cfg>, p = pins, max = 1 << 26) => {
    const circuit = await testCircuit("cubic");
    return ensureDeciderKeyV2(c, circuit.shape, await deciderSrs(), async () => p, undefined, max, log);
  };
  /** Serves `bytes` as `/<name>.zkey` and expects the key refused with `pattern`, nothing written. */
  const refused = async (name: string, bytes: Uint8Array, pattern: RegExp, type: new (...a: never[]) => Error) => {
    files.set(`/${name}.zkey`, bytes);
    const c = cfg(name);
    await assert.rejects(ensure(c), (e: Error) => {
      assert.ok(e instanceof type, `${name}: ${e.name}: ${e.message}`);
      assert.match(e.message, pattern, name);
      return true;
    });
    assert.ok(!existsSync(c.deciderKey), `${name}: nothing written`);
  };

  it("decides a v2 circuit with the ceremony key and no allowDevKeys: the registered verifier accepts", async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const record = {
      r1csHash: circuit.shape.r1csHash as Hex,
      srsDigest: srsDigest(srs),
      nConstraints: BigInt(circuit.shape.m),
      stateWidth: circuit.shape.s,
      deciderConstraints: 0n,
      decider: verifier.address as Address,
      deciderVersion: 2,
    };
    const base = {
      id: 7n,
      r1cs: CUBIC,
      wasm: join("test", "fixtures", "circuits", "cubic.wasm"),
      ptau: TEST_PTAU,
      srsPowers: 2 ** 11,
      allowDevKeys: false,
    };
    const root = await treeRoot(circuit, srs, 2, true);
    // No key and no allowDevKeys: the node says so at start and refuses to make dev keys.
    const bare = await CircuitRuntime.load(base, record);
    await resolveDeciderKey(bare, { deciderPins: never, deciderPinsV2: async () => pins }, undefined, 1 << 26, log);
    assert.equal(bare.hasVerifiedDeciderKey, false);
    assert.ok(logs.some((l) => l.level === "warn" && /no decider key/.test(String(l.msg))));
    await assert.rejects(decideInstance(bare, root.node.U, root.W), { name: "NodeConfigError" });

    // The ceremony key from a URL, resolved as the daemon resolves it at start.
    const c = cfg("genuine", "good");
    const rt = await CircuitRuntime.load({ ...base, deciderKey: c.deciderKey, fetch: c.fetch }, record);
    await resolveDeciderKey(rt, { deciderPins: never, deciderPinsV2: async () => pins }, undefined, 1 << 26, log);
    assert.ok(rt.hasVerifiedDeciderKey);
    assert.deepEqual(new Uint8Array(readFileSync(c.deciderKey)), good);
    assert.ok(logs.some((l) => l.keys === "ceremony" && l.contributions === 2));
    const proof = await decideInstance(rt, root.node.U, root.W);
    assert.equal(await verifier.read.verifyDecider([instanceAbi(root.node.U), proof]), true);
    // One input corrupted: the verifier refuses.
    await assert.rejects(
      verifier.read.verifyDecider([instanceAbi(root.node.U), { ...proof, yE: (proof.yE + 1n) % P }]),
    );

    // Next start: the marker matches, no fetch and no self-test; a byte changed on disk afterwards is caught.
    const again = await ensureDeciderKeyV2(
      { ...c, fetch: undefined },
      circuit.shape,
      srs,
      async () => pins,
      undefined,
      1,
      log,
    );
    assert.equal(again?.zkeyPath, c.deciderKey);
    const onDisk = new Uint8Array(good);
    const a = zkeySection(onDisk, 5);
    onDisk[a.pos + 64 * 5 + 3] ^= 1;
    writeFileSync(c.deciderKey, onDisk);
    await assert.rejects(
      ensureDeciderKeyV2({ ...c, fetch: undefined }, circuit.shape, srs, async () => pins, undefined, 1, log),
      TamperedArtefactError,
    );
  });

  it("refuses a key with one byte changed in a point, a changed verifying key, or swapped proving points", async () => {
    const z = readZkey(good);
    // One byte of an A point (its x coordinate): off the curve.
    const flipped = new Uint8Array(good);
    const a = zkeySection(flipped, 5);
    const idx = z.ic.length + 3; // a wire past the public ones: a non-zero point
    flipped[a.pos + 64 * idx + 7] ^= 0x40;
    await refused("flipped", flipped, /not on the curve/, TamperedArtefactError);

    // IC[0] replaced by IC[1] (a valid point): the key's verifying key is no longer the verifier's.
    const ic = new Uint8Array(good);
    const s3 = zkeySection(ic, 3);
    ic.copyWithin(s3.pos, s3.pos + 64, s3.pos + 128);
    await refused("ic", ic, /verifying key differs/, TamperedArtefactError);

    // Two H points swapped: every point valid, header and vk genuine, only a proof shows the key is wrong.
    const swapped = new Uint8Array(good);
    const h = zkeySection(swapped, 9);
    const first = swapped.slice(h.pos, h.pos + 64);
    swapped.copyWithin(h.pos, h.pos + 64, h.pos + 128);
    swapped.set(first, h.pos + 64);
    await refused("swapped", swapped, /proving sections/, TamperedArtefactError);

    // One coefficient of D_F changed: a key of another constraint system.
    const coef = new Uint8Array(good);
    const s4 = zkeySection(coef, 4);
    coef[s4.pos + 4 + 12] ^= 1;
    await refused("coef", coef, /another constraint system/, TamperedArtefactError);
  });

  it("refuses another circuit's key, a truncated key, a key over the size cap, and a dev key", async () => {
    await refused("mix2", files.get("/mix2.zkey") as Uint8Array, /another constraint system/, TamperedArtefactError);
    await refused("truncated", good.slice(0, good.length - 1000), /truncated/, TamperedArtefactError);
    await refused("extra", new Uint8Array([...good, 0]), /trailing bytes/, TamperedArtefactError);
    const big = cfg("big", "good");
    await assert.rejects(ensure(big, pins, 1 << 16), FetchError);
    assert.ok(!existsSync(big.deciderKey));
    // A verifier whose code is not the registered code.
    const other = cfg("othercode", "good");
    await assert.rejects(ensure(other, { ...pins, registeredCodehash: keccak256("0x00") }), TamperedArtefactError);

    // The committed dev verifier's own key (beacon only): refused without allowDevKeys, accepted with it.
    const dev = cfg("dev");
    await assert.rejects(ensure(dev, devPins), { name: "DevKeysRefusedError" });
    assert.ok(!existsSync(dev.deciderKey));
    assert.ok(await ensure(cfg("dev", "dev", true), devPins));
    // The ceremony key is not the dev verifier's key.
    await assert.rejects(ensure(cfg("mismatch", "good"), devPins), /verifying key differs/);
  });

  it("dev keys made under allowDevKeys are checked against the registered verifier's code", async () => {
    const circuit = await testCircuit("cubic");
    const srs = await deciderSrs();
    const record = {
      r1csHash: circuit.shape.r1csHash as Hex,
      srsDigest: srsDigest(srs),
      nConstraints: BigInt(circuit.shape.m),
      stateWidth: circuit.shape.s,
      deciderConstraints: 0n,
      deciderVersion: 2,
    };
    const base = {
      id: 7n,
      r1cs: CUBIC,
      wasm: join("test", "fixtures", "circuits", "cubic.wasm"),
      ptau: TEST_PTAU,
      srsPowers: 2 ** 11,
      allowDevKeys: true,
    };
    const root = await treeRoot(circuit, srs, 2, true);
    // Registered with the ceremony's verifier: the beacon-only dev keys are not its keys.
    const wrong = await CircuitRuntime.load(base, { ...record, decider: verifier.address });
    await resolveDeciderKey(wrong, { deciderPins: never, deciderPinsV2: async () => pins }, undefined, 1, log);
    await assert.rejects(decideInstance(wrong, root.node.U, root.W), /dev decider keys differ/);
    // Registered with the verifier of those dev keys: they decide.
    const dev = await CircuitRuntime.load(base, { ...record, decider: devPins.decider });
    await resolveDeciderKey(dev, { deciderPins: never, deciderPinsV2: async () => devPins }, undefined, 1, log);
    const proof = await decideInstance(dev, root.node.U, root.W);
    assert.equal(await devPins.verify(instanceAbi(root.node.U), proof), true);
  });
});

const never = async (): Promise<never> => {
  throw new Error("not a v3 circuit");
};
