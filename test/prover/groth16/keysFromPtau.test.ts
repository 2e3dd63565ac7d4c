import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { Synth } from "../../../prover/src/decider/cs.js";
import { PtauFormatError, SrsTooSmallError } from "../../../prover/src/errors/commitment.js";
import { P, randomFr } from "../../../prover/src/field/fr.js";
import { domainPowerFor, type G16Circuit, generateKeys, qapRows, readKeys } from "../../../prover/src/groth16/keys.js";
import { generateKeysFromPtau } from "../../../prover/src/groth16/keysFromPtau.js";
import { contributeKeys } from "../../../prover/src/groth16/phase2.js";
import { proveG16 } from "../../../prover/src/groth16/prove.js";
import { verifyG16 } from "../../../prover/src/groth16/verify.js";

/**
 * A circuit with every coefficient kind the derivation handles: 1, −1 (p − 1), small, small negative,
 * full-width; a committed wire in B and C only, a wire in no constraint, public and committed blocks.
 */
function circuit(x: bigint, y: bigint, z: bigint): { circuit: G16Circuit; w: bigint[] } {
  const big = (P - 1n) / 3n + 12345n;
  const build = (cs: Synth) => {
    const xw = cs.alloc(() => x);
    const outw = cs.alloc();
    const yw = cs.alloc(() => y);
    const y2 = cs.alloc(() => (y * 7n) % P);
    const zw = cs.alloc(() => z);
    cs.alloc(() => 0n); // in no constraint
    const t = cs.mul(cs.axpy(cs.wire(xw), P - 5n, cs.wire(yw)), cs.wire(yw));
    const t2 = cs.mul(cs.axpy(cs.constant(0n), big, t), cs.axpy(cs.wire(zw), 3n, cs.wire(y2)));
    let acc = t2;
    for (let i = 0; i < 40; i++) acc = cs.add(cs.mul(acc, cs.wire(xw)), cs.constant(BigInt(i) * big));
    const o = cs.mul(acc, cs.sub(cs.wire(zw), cs.wire(y2)));
    cs.set(outw, o.value ?? 0n);
    cs.enforceEqualWire(o, outw);
  };
  const shape = new Synth("shape");
  build(shape);
  const wit = new Synth("witness");
  build(wit);
  return {
    circuit: { nVars: shape.nVars, nPublic: 2, nCommitted: 2, constraints: shape.constraints },
    w: wit.values.map((v) => ((v % P) + P) % P),
  };
}

/** Offset and size of a ptau section. */
async function section(path: string, id: number): Promise<{ pos: number; size: number }> {
  const b = readFileSync(path);
  const n = b.readUInt32LE(8);
  let pos = 12;
  for (let i = 0; i < n; i++) {
    const sid = b.readUInt32LE(pos);
    const size = Number(b.readBigUInt64LE(pos + 4));
    if (sid === id) return { pos: pos + 12, size };
    pos += 12 + size;
  }
  throw new Error(`no section ${id}`);
}

describe("v3 keys from a powers of tau (groth16/keysFromPtau.ts)", function () {
  this.timeout(300_000);
  let dir: string;
  const toxic = { tau: randomFr(), alpha: randomFr(), beta: randomFr() };
  let ptau: string;
  const { circuit: c, w } = circuit(3n, 11n, 5n);
  const k = domainPowerFor(qapRows(c));
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "g16ptau-"));
    ptau = join(dir, "known-9.ptau");
    // Test-only ptau from KNOWN τ, α, β (power 9 > the circuit's domain, so the blocks read are offset).
    await generateDevPtau(ptau, 9, toxic);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("equals, point for point, the dev key generated from the same τ, α, β (δ = σ = 1)", async () => {
    const a = join(dir, "ptau.g16k");
    const b = join(dir, "dev.g16k");
    const steps: string[] = [];
    const h = await generateKeysFromPtau(c, ptau, a, { onProgress: (p) => steps.push(p.step) });
    assert.ok(steps.includes("ptau-check"));
    assert.equal(h.phase1.power, 9);
    assert.equal(h.phase1.contributions, 0);
    await generateKeys(c, b, { toxic: { ...toxic, delta: 1n, sigma: 1n } });
    const [ka, kb] = [await readKeys(a), await readKeys(b)];
    for (const s of ["A", "B1", "B2", "K", "sigmaK", "L", "H"] as const) {
      assert.ok(ka[s].length > 0 || s === "K", s);
      assert.ok(Buffer.from(ka[s]).equals(Buffer.from(kb[s])), `section ${s}`);
    }
    const { A, B1, B2, K, sigmaK, L, H, ...ha } = ka;
    const { A: _a, B1: _b, B2: _c, K: _d, sigmaK: _e, L: _f, H: _g, ...hb } = kb;
    assert.deepEqual(ha, hb);
    // The whole file, byte for byte.
    assert.ok(readFileSync(a).equals(readFileSync(b)));
  });

  it("after one phase-2 contribution the key proves and verifies; a corrupted input or proof rejects", async () => {
    const k0 = join(dir, "p0.g16k");
    const k1 = join(dir, "p1.g16k");
    await generateKeysFromPtau(c, ptau, k0);
    await contributeKeys(k0, k1);
    const pk = await readKeys(k1);
    const proof = await proveG16(pk, c.constraints, w);
    const pub = w.slice(1, 3);
    assert.equal(verifyG16(pk.vkey, pub, proof), true);
    assert.equal(verifyG16(pk.vkey, [pub[0], (pub[1] + 1n) % P], proof), false);
    assert.equal(verifyG16(pk.vkey, pub, { ...proof, c: proof.a }), false);
  });

  const expectPtauError = async (path: string, re: RegExp, kind: typeof PtauFormatError = PtauFormatError) => {
    await assert.rejects(generateKeysFromPtau(c, path, join(dir, "x.g16k")), (e: Error) => {
      assert.ok(e instanceof kind, `${e.name}: ${e.message}`);
      assert.match((e as PtauFormatError).shortMessage, re);
      assert.ok(!(e as PtauFormatError).shortMessage.includes("\n"));
      return true;
    });
  };

  for (const [id, what, block] of [
    [12, "lagrange tauG1", 1],
    [13, "lagrange tauG2", 1],
    [14, "lagrange alphaTauG1", 1],
    [15, "lagrange betaTauG1", 1],
    [2, "tauG1", 0],
  ] as const) {
    it(`refuses a ptau with one tampered point in ${what} (section ${id})`, async () => {
      const bad = join(dir, `bad-${id}.ptau`);
      copyFileSync(ptau, bad);
      const s = await section(bad, id);
      const size = id === 13 ? 128 : 64;
      // A point the key reads: the domain-2^k block of a Lagrange section (2^k − 1 points before it),
      // or the tau power 100. Replaced by another valid point of the same section (on the curve).
      const at = block ? (2 ** k - 1 + 5) * size : 100 * size;
      const other = block ? (2 ** k - 1 + 9) * size : 101 * size;
      const fh = await open(bad, "r+");
      const buf = new Uint8Array(size);
      await fh.read(buf, 0, size, s.pos + other);
      await fh.write(buf, 0, size, s.pos + at);
      await fh.close();
      await expectPtauError(bad, /ptau/);
    });
  }

  it("refuses a point off the curve, a ptau of too small a power, a truncated or non-ptau file", async () => {
    const bad = join(dir, "offcurve.ptau");
    copyFileSync(ptau, bad);
    const s = await section(bad, 14);
    const fh = await open(bad, "r+");
    await fh.write(new Uint8Array([7]), 0, 1, s.pos + (2 ** k - 1 + 3) * 64);
    await fh.close();
    await expectPtauError(bad, /not in G1/);

    assert.equal(k, 6);
    const small = join(dir, "small-5.ptau");
    await generateDevPtau(small, 5);
    await expectPtauError(small, /power 5 is too small: D_F's domain needs power 6/, SrsTooSmallError);

    const cut = join(dir, "cut.ptau");
    copyFileSync(ptau, cut);
    truncateSync(cut, readFileSync(cut).length - 1000);
    await expectPtauError(cut, /truncated/);

    const junk = join(dir, "junk.ptau");
    writeFileSync(junk, "not a ptau at all");
    await expectPtauError(junk, /not a \.ptau file/);
    await expectPtauError(join(dir, "missing.ptau"), /cannot open/);
  });
});
