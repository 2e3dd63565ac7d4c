import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileCircuit } from "../../../prover/src/circuits/compile.js";
import { loadSnarkjs } from "../../../prover/src/circuits/snarkjs.js";
import {
  devPowerFor,
  ensureDevPtau,
  generateDevPtau,
  INSECURE_DEV_SRS_WARNING,
} from "../../../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau, srsFromTau, srsG1 } from "../../../prover/src/commitment/srs.js";
import { G2_GENERATOR, g1Neg, pairingProductIsOne } from "../../../prover/src/curve/bn254.js";
import { DevSrsError } from "../../../prover/src/errors/devsrs.js";

describe("commitment/devsrs (INSECURE dev powers of tau)", () => {
  let dir: string;
  const TAU = 0x1234_5678_9abc_def0_1234_5678n;
  const POWER = 5;
  let ptau: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "novanet-devsrs-"));
    ptau = join(dir, `dev-${POWER}.ptau`);
    await generateDevPtau(ptau, POWER, { tau: TAU, alpha: 11n, beta: 13n });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes exactly the file snarkjs's own preparePhase2 produces from the same phase-1 sections", async () => {
    const snarkjs = await loadSnarkjs();
    const prepared = join(dir, "prepared.ptau");
    // preparePhase2 copies sections 1–7 and recomputes the Lagrange sections 12–15 with group FFTs.
    await snarkjs.powersOfTau.preparePhase2(ptau, prepared);
    const ours = readFileSync(ptau);
    const theirs = readFileSync(prepared);
    assert.equal(ours.length, theirs.length);
    assert.ok(ours.equals(theirs), "sections 12–15 differ from snarkjs's");
  });

  it("the fixed-base (windowed, native when built) and the direct multiplication write identical files", async () => {
    const direct = join(dir, "direct.ptau");
    await generateDevPtau(direct, POWER, { tau: TAU, alpha: 11n, beta: 13n, method: "direct" });
    assert.ok(readFileSync(direct).equals(readFileSync(ptau)));
    const windowed = join(dir, "windowed.ptau");
    await generateDevPtau(windowed, POWER, { tau: TAU, alpha: 11n, beta: 13n, method: "windowed" });
    assert.ok(readFileSync(windowed).equals(readFileSync(ptau)));
  });

  it("holds the powers of one τ: e(g_{i+1}, G2) = e(g_i, [τ]G2), and matches an SRS built from τ", async () => {
    const n = 2 ** (POWER + 1) - 1;
    const srs = await loadSrsFromPtau(ptau, n);
    for (const i of [0, 1, 7, n - 2]) {
      assert.ok(
        pairingProductIsOne([srsG1(srs, i + 1), g1Neg(srsG1(srs, i))], [G2_GENERATOR, srs.tauG2]),
        `power ${i}`,
      );
    }
    // A wrong pair fails the same check (the check can fail).
    assert.ok(!pairingProductIsOne([srsG1(srs, 3), g1Neg(srsG1(srs, 1))], [G2_GENERATOR, srs.tauG2]));
    const expected = srsFromTau(TAU, n);
    assert.deepEqual(srs.g1Lem, expected.g1Lem);
    assert.deepEqual(srs.tauG2, expected.tauG2);
  });

  it("is accepted by snarkjs: Groth16 setup, prove and verify of the cubic circuit", async () => {
    const snarkjs = await loadSnarkjs();
    const c = await compileCircuit("prover/circuits/cubic.circom", { cacheDir: join(dir, "circuits") });
    const zkey = join(dir, "cubic.zkey");
    const res = await snarkjs.zKey.newZKey(c.r1csPath, ptau, zkey);
    assert.notEqual(res, -1);
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ z_in: ["3"] }, c.wasmPath, zkey);
    assert.deepEqual(publicSignals, ["35", "3"]);
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
    assert.equal(await snarkjs.groth16.verify(vk, ["36", "3"], proof), false);
  });

  it("caches by power and warns loudly every time", async () => {
    const cacheDir = join(dir, "cache");
    const warnings: string[] = [];
    const p1 = await ensureDevPtau(3, { cacheDir, warn: (m) => warnings.push(m) });
    assert.match(p1, /dev-3\.ptau$/);
    const mtime = statSync(p1).mtimeMs;
    const p2 = await ensureDevPtau(3, { cacheDir, warn: (m) => warnings.push(m) });
    assert.equal(p2, p1);
    assert.equal(statSync(p2).mtimeMs, mtime, "the cached file is reused");
    assert.equal(warnings.length, 2);
    assert.ok(warnings.every((w) => w.startsWith(INSECURE_DEV_SRS_WARNING) && /INSECURE DEV SRS/.test(w)));
    // A random τ each time a file is generated: two generations differ.
    const other = join(dir, "other-3.ptau");
    await generateDevPtau(other, 3);
    assert.ok(!readFileSync(other).equals(readFileSync(p1)));
    // Without overwrite, a file that is already there wins (concurrent generators agree on one τ).
    const before = readFileSync(other);
    await generateDevPtau(other, 3, { overwrite: false });
    assert.ok(readFileSync(other).equals(before));
    await generateDevPtau(other, 3);
    assert.ok(!readFileSync(other).equals(before));
  });

  it("rejects bad parameters with DevSrsError", async () => {
    await assert.rejects(generateDevPtau(join(dir, "x.ptau"), 0), DevSrsError);
    await assert.rejects(generateDevPtau(join(dir, "x.ptau"), 28), DevSrsError);
    await assert.rejects(generateDevPtau(join(dir, "x.ptau"), 2.5), DevSrsError);
    await assert.rejects(generateDevPtau(join(dir, "x.ptau"), 3, { tau: 0n }), DevSrsError);
    // τ = 1 lies in every evaluation domain: the Lagrange form is undefined.
    await assert.rejects(generateDevPtau(join(dir, "x.ptau"), 3, { tau: 1n }), DevSrsError);
  });

  it("picks the smallest power for a size", () => {
    assert.equal(devPowerFor(3), 1);
    assert.equal(devPowerFor(4), 2);
    assert.equal(devPowerFor(2 ** 13 - 1), 12);
    assert.equal(devPowerFor(2 ** 13), 13);
    // Groth16 needs 2^k > nConstraints + nPublic.
    assert.equal(devPowerFor(10, 2 ** 12 - 3, 2), 12);
    assert.equal(devPowerFor(10, 2 ** 12 - 2, 2), 13);
  });

  it("the committed fixture is a valid dev ptau", async () => {
    const fixture = "test/fixtures/ptau/dev-11.ptau";
    const srs = await loadSrsFromPtau(fixture, 2 ** 12 - 1);
    assert.equal(srs.n, 2 ** 12 - 1);
    assert.ok(pairingProductIsOne([srsG1(srs, 100), g1Neg(srsG1(srs, 99))], [G2_GENERATOR, srs.tauG2]));
  });
});
