/**
 * The node's pieces without a chain: artefact checks against the market's record (what a hostile peer
 * could send), circuit loading against the on-chain registration, config validation, and the task state
 * machine's persistence across a reopen.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import { srsDigest } from "../../../prover/src/commitment/srs.js";
import { ArtefactError, NodeConfigError } from "../../../prover/src/errors/node.js";
import { loadConfig } from "../../../prover/src/node/config.js";
import { StateDb } from "../../../prover/src/node/state.js";
import { CircuitRuntime, checkArtefact, encodeArtefact, leafRecord } from "../../../prover/src/node/work.js";
import { testPtauPath, testSrs } from "../../helpers/prover.js";

const CUBIC = {
  id: 1n,
  r1cs: resolve("test/fixtures/circuits/cubic.r1cs"),
  wasm: resolve("test/fixtures/circuits/cubic.wasm"),
  srsPowers: 1024,
  allowDevKeys: false,
};

describe("node: artefact checks, circuit loading, config, state", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-node-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function runtime(): Promise<CircuitRuntime> {
    const ptau = await testPtauPath();
    const { loadR1cs } = await import("../../../prover/src/arith/r1cs.js");
    const shape = await loadR1cs(CUBIC.r1cs);
    return CircuitRuntime.load(
      { ...CUBIC, ptau },
      {
        r1csHash: shape.r1csHash as Hex,
        srsDigest: srsDigest(await testSrs()),
        nConstraints: 0n,
        stateWidth: 1,
        deciderConstraints: 1n,
      },
    );
  }

  it("accepts an honest leaf artefact and rejects tampered, mismatched and truncated ones", async () => {
    const rt = await runtime();
    const leaf = await rt.leaf([3n], 0);
    const record = leafRecord(leaf.node.U.cmW, leaf.node.U.x);
    const bytes = encodeArtefact(leaf);
    const ok = await checkArtefact(rt, bytes, record);
    assert.deepEqual(ok.node.U.x, leaf.node.U.x);

    // A witness that does not satisfy its instance.
    const bad = { ...leaf, W: { ...leaf.W, W: leaf.W.W.map((w, i) => (i === 0 ? w + 1n : w)) } };
    await assert.rejects(checkArtefact(rt, encodeArtefact(bad), record), ArtefactError);
    // A satisfied leaf, but not the node the market holds.
    const other = await rt.leaf([4n], 0);
    await assert.rejects(checkArtefact(rt, encodeArtefact(other), record), /differs from the market's record/);
    // Truncated, empty, garbage.
    await assert.rejects(checkArtefact(rt, bytes.subarray(0, bytes.length - 7), record), ArtefactError);
    await assert.rejects(checkArtefact(rt, new Uint8Array(0), record), ArtefactError);
    await assert.rejects(checkArtefact(rt, new Uint8Array(64).fill(0xff), record), ArtefactError);
  });

  it("refuses a circuit whose R1CS or SRS differs from its on-chain registration", async () => {
    const ptau = await testPtauPath();
    const digest = srsDigest(await testSrs());
    const rec = {
      r1csHash: `0x${"11".repeat(32)}` as Hex,
      srsDigest: digest,
      nConstraints: 0n,
      stateWidth: 1,
      deciderConstraints: 1n,
    };
    await assert.rejects(CircuitRuntime.load({ ...CUBIC, ptau }, rec), NodeConfigError);
    const rt = await runtime();
    await assert.rejects(
      CircuitRuntime.load(
        { ...CUBIC, ptau },
        { ...rec, r1csHash: rt.shape.r1csHash as Hex, srsDigest: `0x${"22".repeat(32)}` },
      ),
      /SRS digest differs/,
    );
    // Without allowDevKeys, no dev decider keys are made.
    assert.throws(() => rt.deciderKeys(), NodeConfigError);
  });

  it("validates the config file, takes the key from a file or the environment, never the config", () => {
    const file = join(dir, "node.json");
    const base = {
      rpcUrl: "http://127.0.0.1:8545",
      market: `0x${"ab".repeat(20)}`,
      dataDir: "data",
      circuits: [{ id: "1", r1cs: "a.r1cs", wasm: "a.wasm", ptau: "p.ptau", srsPowers: 1024 }],
    };
    writeFileSync(file, JSON.stringify(base));
    assert.throws(() => loadConfig(file, {}), /no valid private key/);
    const key = `0x${"01".repeat(32)}`;
    const c = loadConfig(file, { NOVANET_PRIVATE_KEY: key, NOVANET_RPC_URL: "http://10.0.0.1:8545" });
    assert.equal(c.rpcUrl, "http://10.0.0.1:8545");
    assert.equal(c.dataDir, join(dir, "data"));
    assert.equal(c.workers, 1);
    writeFileSync(join(dir, "key"), key);
    writeFileSync(file, JSON.stringify({ ...base, keyFile: "key" }));
    assert.equal(loadConfig(file, {}).privateKey, key);
    writeFileSync(file, JSON.stringify({ ...base, market: "0x1234" }));
    assert.throws(() => loadConfig(file, { NOVANET_PRIVATE_KEY: key }), /invalid node config[\s\S]*market/);
    writeFileSync(file, "{ not json");
    assert.throws(() => loadConfig(file, {}), NodeConfigError);
  });

  it("keeps task states across a reopen; a redrawn task is lost, a done task stays done, a reset waits again", () => {
    const d = join(dir, "state");
    let db = new StateDb(d);
    db.upsertJob({
      jobId: 1n,
      circuitId: 1n,
      nLeaves: 4,
      chunkLog: 0,
      deadline: 1000n,
      z0: [3n],
      domain: "0x01",
      manifestRoot: "0x02",
      open: true,
    });
    db.addTasks(1n, [
      { id: 1n, kind: "chunk" },
      { id: 2n, kind: "chunk" },
      { id: 3n, kind: "merge" },
    ]);
    assert.deepEqual(
      db.tasksIn(["waiting"]).map((t) => t.taskId),
      [1n, 2n, 3n],
    );
    db.drawn(1n, 1n, "0xme", 100n, true);
    db.drawn(1n, 2n, "0xme", 100n, true);
    db.drawn(1n, 3n, "0xother", 100n, false);
    db.setTx(1n, 1n, "0xabc");
    db.setMeta("cursor", "42");
    db.close();
    db = new StateDb(d);
    assert.equal(db.getMeta("cursor"), "42");
    assert.equal(db.task(1n, 1n)?.state, "submitted");
    assert.equal(db.task(1n, 3n)?.checkAt, 100n, "another's task is read again when its window ends");
    db.markDone(1n, 1n, "0xme");
    db.drawn(1n, 1n, "0xother", 200n, false); // a late read does not undo "done"
    assert.equal(db.task(1n, 1n)?.state, "done");
    db.drawn(1n, 2n, "0xother", 200n, false); // our window passed: redrawn to someone else
    assert.equal(db.task(1n, 2n)?.state, "lost");
    db.drawn(1n, 3n, "0xme", 300n, true); // redrawn to us
    assert.equal(db.task(1n, 3n)?.state, "assigned");
    assert.deepEqual(
      db.tasksIn(["assigned"]).map((t) => t.taskId),
      [3n],
    );
    db.putNode(1n, 1n, { x: 1n }, "0xme");
    db.reset(1n, 1n);
    assert.equal(db.task(1n, 1n)?.state, "waiting");
    assert.equal(db.node(1n, 1n), undefined);
    // A task given up in its window (maxAttempts failures) stays given up in that window; a later window's
    // draw to us starts it afresh (a drawn task the node skips is slashed), another's makes it `other`.
    db.drawn(1n, 2n, "0xme", 400n, true);
    db.failAttempt(1n, 2n, "boom");
    db.setTaskState(1n, 2n, "failed", "boom");
    db.drawn(1n, 2n, "0xme", 400n, true);
    assert.equal(db.task(1n, 2n)?.state, "failed");
    db.drawn(1n, 2n, "0xme", 500n, true);
    assert.deepEqual([db.task(1n, 2n)?.state, db.task(1n, 2n)?.attempts], ["assigned", 0]);
    db.setTaskState(1n, 2n, "failed", "boom");
    db.drawn(1n, 2n, "0xother", 600n, false);
    assert.equal(db.task(1n, 2n)?.state, "other");
    db.close();
  });

  it("counts each slash of the node once, by chain time, and keeps the breaker's decision across a reopen", () => {
    const d = join(dir, "slashes");
    let db = new StateDb(d);
    const missed = (task: bigint, attempt: number, at: bigint) => ({
      id: `missed/1/${task}/${attempt}`,
      reason: "missed" as const,
      jobId: 1n,
      taskId: task,
      amount: 10n ** 18n,
      block: 10n,
      at,
    });
    assert.equal(db.recordSlash(missed(1n, 0, 1000n)), true);
    assert.equal(db.recordSlash(missed(1n, 0, 1000n)), false, "the same event read again (reorg, lost cursor)");
    assert.equal(db.recordSlash(missed(1n, 1, 1090n)), true);
    assert.equal(db.recordSlash(missed(2n, 0, 5000n)), true);
    assert.equal(db.slashesSince(1000n), 3);
    assert.equal(db.slashesSince(1001n), 2);
    assert.equal(db.slashesSince(5001n), 0);
    assert.deepEqual(db.slashTotals(), { count: 3, wei: 3n * 10n ** 18n });
    assert.equal(db.autoUnstake(), undefined);
    db.setAutoUnstake({ state: "done", at: "5000", slashes: 3, amount: "5", tx: "0x01", releaseAt: "9000" });
    db.close();
    db = new StateDb(d);
    assert.equal(db.autoUnstake()?.state, "done");
    assert.equal(db.recordSlash(missed(1n, 1, 1090n)), false, "a reopened database still knows it");
    assert.equal(db.slashTotals().count, 3);
    db.close();
  });
});
