import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadSrsFromPtau, srsDigest, srsFromTau, srsG1, truncateSrs } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Mul } from "../../../prover/src/curve/bn254.js";
import { PtauFormatError, SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
import { TEST_PTAU_POWER, testPtauPath } from "../../helpers/prover.js";

describe("commitment/srs", () => {
  it("loads the tauG1 powers and [τ]G2 of a snarkjs .ptau", async () => {
    const path = await testPtauPath();
    const srs = await loadSrsFromPtau(path, 64);
    assert.equal(srs.n, 64);
    assert.deepEqual(srsG1(srs, 0), G1_GENERATOR);
    assert.notDeepEqual(srsG1(srs, 1), G1_GENERATOR);
  });

  it("agrees with an SRS from a known τ on the point conversions", () => {
    const tau = 123456789n;
    const srs = srsFromTau(tau, 4);
    assert.deepEqual(srsG1(srs, 3), g1Mul(G1_GENERATOR, tau ** 3n));
  });

  it("rejects a request larger than the file with SrsTooSmallError", async () => {
    const path = await testPtauPath();
    const max = 2 ** (TEST_PTAU_POWER + 1) - 1;
    await loadSrsFromPtau(path, max);
    await assert.rejects(loadSrsFromPtau(path, max + 1), (e: unknown) => {
      assert.ok(e instanceof SrsTooSmallError);
      assert.match(e.message, /fewer G1 powers than requested/);
      return true;
    });
  });

  it("rejects a file that is not a ptau, and a ptau whose tauG2 disagrees with tauG1", async () => {
    const path = await testPtauPath();
    const bytes = new Uint8Array(await readFile(path));
    const bad = join(".novanet", "test", "ptau", "bad-magic.ptau");
    const copy = bytes.slice();
    copy[0] = 0x50;
    await writeFile(bad, copy);
    await assert.rejects(loadSrsFromPtau(bad, 8), PtauFormatError);
    // Swap the second tauG1 point for the third: τ no longer agrees with [τ]G2.
    const flipped = bytes.slice();
    const tauG1Start = findSection(flipped, 2);
    flipped.copyWithin(tauG1Start + 64, tauG1Start + 128, tauG1Start + 192);
    const bad2 = join(".novanet", "test", "ptau", "inconsistent.ptau");
    await writeFile(bad2, flipped);
    await assert.rejects(loadSrsFromPtau(bad2, 8), PtauFormatError);
    await assert.rejects(loadSrsFromPtau(join(".novanet", "test", "ptau", "missing.ptau"), 8), PtauFormatError);
  });

  it("digest binds n and the points, and truncation keeps the same τ", async () => {
    const srs = await loadSrsFromPtau(await testPtauPath(), 32);
    const d = srsDigest(srs);
    assert.match(d, /^0x[0-9a-f]{64}$/);
    assert.notEqual(srsDigest(truncateSrs(srs, 31)), d);
    assert.equal(srsDigest(truncateSrs(srs, 32)), d);
    assert.throws(() => truncateSrs(srs, 33), SrsTooSmallError);
  });
});

function findSection(bytes: Uint8Array, id: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const n = dv.getUint32(8, true);
  let pos = 12;
  for (let i = 0; i < n; i++) {
    const sid = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    if (sid === id) return pos + 12;
    pos += 12 + size;
  }
  throw new Error(`no section ${id}`);
}
