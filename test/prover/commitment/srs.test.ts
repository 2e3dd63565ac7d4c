import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeAbiParameters, encodePacked, keccak256 } from "viem";
import {
  checkSrsStructure,
  loadSrsFromPtau,
  type Srs,
  srsDigest,
  srsDigestOf,
  srsFromTau,
  srsG1,
  srsPowersHash,
  truncateSrs,
} from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Mul } from "../../../prover/src/curve/bn254.js";
import { PtauFormatError, SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
import { g1ToLem } from "../../../prover/src/msm/lem.js";
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

describe("commitment/srs: structure and digest over every power (attacker tests)", () => {
  /** The SRS with power `i` replaced by `p` (a valid curve point, so only the structure check can see it). */
  const withPower = (srs: Srs, i: number, p: { x: bigint; y: bigint }): Srs => {
    const g1Lem = srs.g1Lem.slice();
    g1ToLem(p, g1Lem, 64 * i);
    return { n: srs.n, g1Lem, tauG2: srs.tauG2 };
  };

  it("the batched pairing check accepts a real SRS and rejects one wrong power anywhere", async () => {
    const srs = srsFromTau(987654321n, 40);
    await checkSrsStructure(srs);
    // Before: only e([τ]G1, G2) = e(G1, [τ]G2) was checked, so any power past index 1 could be anything.
    for (const i of [2, 17, 39]) {
      await assert.rejects(checkSrsStructure(withPower(srs, i, g1Mul(srsG1(srs, i), 2n))), PtauFormatError);
    }
    // A second τ' for the tail: powers 20.. are τ'-powers of power 19.
    const tail = withPower(srs, 25, g1Mul(srsG1(srs, 24), 5n));
    await assert.rejects(checkSrsStructure(tail), /successive powers/);
  });

  it("rejects a .ptau whose last requested power was replaced by another curve point", async () => {
    const path = await testPtauPath();
    const bytes = new Uint8Array(await readFile(path));
    const start = findSection(bytes, 2);
    const n = 50;
    const bad = bytes.slice();
    // power n−1 ← power n−2 (a valid point): the old loader validated only powers 0, 1 and n−1's curve membership.
    bad.copyWithin(start + 64 * (n - 1), start + 64 * (n - 2), start + 64 * (n - 1));
    const file = join(".novanet", "test", "ptau", "bad-last-power.ptau");
    await writeFile(file, bad);
    await loadSrsFromPtau(path, n);
    await assert.rejects(loadSrsFromPtau(file, n), /successive powers/);
    // Off the curve: y + 1.
    const off = bytes.slice();
    off[start + 64 * 30 + 32] ^= 1;
    await writeFile(file, off);
    await assert.rejects(loadSrsFromPtau(file, n), /not a point of G1/);
  });

  it("srsDigest = keccak256(abi.encode(n, powersHash, uint256[4] tauG2)), powersHash over every power", () => {
    const srs = srsFromTau(55555n, 9);
    const words: bigint[] = [];
    for (let i = 0; i < srs.n; i++) words.push(srsG1(srs, i).x, srsG1(srs, i).y);
    const powersHash = keccak256(encodePacked(Array(words.length).fill("uint256"), words));
    assert.equal(srsPowersHash(srs), powersHash);
    const t = srs.tauG2;
    const expected = keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "bytes32" }, { type: "uint256[4]" }],
        [9n, powersHash, [t.x.c1, t.x.c0, t.y.c1, t.y.c0]],
      ),
    );
    assert.equal(srsDigest(srs), expected);
    assert.equal(srsDigestOf(9, powersHash, t), expected);
    // Every power is bound: changing any one (here a middle one) changes the digest.
    for (const i of [0, 4, 8]) {
      assert.notEqual(srsDigest(withPower(srs, i, g1Mul(G1_GENERATOR, 7n))), expected, `power ${i}`);
    }
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
