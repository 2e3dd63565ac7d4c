import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bigintKernels,
  defaultFieldKernels,
  type FieldKernels,
  type FrVec,
  frGet,
  loadNativeKernels,
  type PackedCsr,
  packCsr,
  packFr,
  setDefaultFieldKernels,
  unpackFr,
} from "../../../prover/src/arith/kernels.js";
import { multiply, shapeFromRows } from "../../../prover/src/arith/r1cs.js";
import { FieldKernelsUnavailableError, FrVectorLengthError } from "../../../prover/src/errors/arith.js";
import { FieldElementError } from "../../../prover/src/errors/curve.js";
import { P } from "../../../prover/src/field/fr.js";
import { itIfAvailable } from "../../helpers/optional.js";

const native = loadNativeKernels();
const fr = fc.bigInt({ min: 0n, max: P - 1n });
/** Random field elements biased to the edges: 0, 1, p − 1, p − 2, small, large. */
const edgy = fc.oneof(
  fr,
  fc.constantFrom(0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, 1n << 253n),
  fc.bigInt({ min: 0n, max: 255n }),
);
const vec = (n: number) => fc.array(edgy, { minLength: n, maxLength: n });

/** A packed vector whose element `i` is `v` (any 256-bit value, p and above included). */
function withRaw(n: number, i: number, v: bigint): FrVec {
  const out = packFr(new Array<bigint>(n).fill(1n));
  const dv = new DataView(out.buffer);
  for (let j = 0; j < 4; j++) dv.setBigUint64(32 * i + 8 * j, (v >> BigInt(64 * j)) & ((1n << 64n) - 1n), true);
  return out;
}

function randomCsr(m: number, nVars: number, seed: number, coeff: bigint[]): PackedCsr {
  const rows: Record<number, bigint>[] = [];
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  for (let i = 0; i < m; i++) {
    const row: Record<number, bigint> = {};
    const k = next() % 5;
    for (let j = 0; j < k; j++) row[next() % nVars] = coeff[next() % coeff.length];
    rows.push(row);
  }
  const shape = shapeFromRows({ nVars, nPubOut: 1, nPubIn: 1, A: rows, B: rows, C: rows });
  return packCsr(shape.A);
}

const impls: FieldKernels[] = native ? [bigintKernels, native] : [bigintKernels];

describe("arith/kernels", () => {
  it("packFr/unpackFr round-trip; values ≥ p and non-bigints are rejected with FieldElementError", () => {
    fc.assert(fc.property(vec(7), (v) => assert.deepEqual(unpackFr(packFr(v)), v)));
    assert.throws(
      () => packFr([0n, P]),
      (e) => e instanceof FieldElementError && /vector\[1\]/.test(e.message),
    );
    assert.throws(() => packFr([-1n]), FieldElementError);
    assert.throws(
      () => unpackFr(withRaw(3, 2, P)),
      (e) => e instanceof FieldElementError && /\[2\]/.test(e.message),
    );
    assert.throws(() => unpackFr(new Uint8Array(33)), FrVectorLengthError);
  });

  it("NOVANET_KERNELS selects the kernels: bigint, native (when built), anything else → FieldKernelsUnavailableError", () => {
    const saved = process.env.NOVANET_KERNELS;
    try {
      for (const [choice, want] of [
        ["bigint", "bigint"],
        ["native", native ? "native" : undefined],
        ["", native ? "native" : "bigint"],
        ["gpu", undefined],
      ] as const) {
        setDefaultFieldKernels(undefined);
        process.env.NOVANET_KERNELS = choice;
        if (want) assert.equal(defaultFieldKernels().name, want, choice);
        else assert.throws(() => defaultFieldKernels(), FieldKernelsUnavailableError, choice);
      }
    } finally {
      if (saved === undefined) delete process.env.NOVANET_KERNELS;
      else process.env.NOVANET_KERNELS = saved;
      setDefaultFieldKernels(undefined);
    }
  });

  it("the reference spmv agrees with arith/r1cs multiply on a real shape", () => {
    const rows = [{ 0: 3n, 2: 1n }, { 1: P - 1n }, {}];
    const shape = shapeFromRows({ nVars: 4, nPubOut: 1, nPubIn: 1, A: rows, B: rows, C: rows });
    const z = [1n, 5n, P - 2n, 9n];
    assert.deepEqual(unpackFr(bigintKernels.spmv(packCsr(shape.A), packFr(z))), multiply(shape, z).Az);
  });

  if (!native) {
    // The addon is optional (no g++: the bigint kernels above run): fails under CI, skipped elsewhere.
    itIfAvailable("the native addon is not built (scripts/build-native.sh)")("native kernels", () => {});
    return;
  }
  const k = native;

  it("native spmv = reference on random shapes with edge coefficients (0..4 non-zeros a row, coefficient 1 shortcut)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), vec(12), (m, seed, z) => {
        const M = randomCsr(m, 12, seed, [1n, 2n, P - 1n, 0n + 7n, (1n << 200n) + 3n]);
        assert.deepEqual(k.spmv(M, packFr(z)), bigintKernels.spmv(M, packFr(z)));
      }),
      { numRuns: 60 },
    );
  });

  it("native crossTerm, axpy, fold3 = reference on random and edge inputs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        edgy,
        edgy,
        edgy,
        edgy,
        fc.array(edgy, { minLength: 54, maxLength: 54 }),
        (n, u1, u2, r, s, pool) => {
          const v = (j: number) => packFr(pool.slice(j * 9, j * 9 + n));
          const abc1 = { Az: v(0), Bz: v(1), Cz: v(2) };
          const abc2 = { Az: v(3), Bz: v(4), Cz: v(5) };
          assert.deepEqual(k.crossTerm(abc1, u1, abc2, u2), bigintKernels.crossTerm(abc1, u1, abc2, u2));
          assert.deepEqual(k.axpy(v(0), r, v(1)), bigintKernels.axpy(v(0), r, v(1)));
          assert.deepEqual(k.fold3(v(0), r, v(1), s, v(2)), bigintKernels.fold3(v(0), r, v(1), s, v(2)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("native and reference relaxedFirstFailure agree: satisfied vectors, and the first corrupted row", () => {
    fc.assert(
      fc.property(
        vec(20),
        vec(20),
        vec(20),
        edgy,
        fc.integer({ min: 0, max: 19 }),
        fc.boolean(),
        (A, B, E, u, bad, withE) => {
          // Build C with Az∘Bz = u·Cz + E when u ≠ 0; otherwise pick E = Az∘Bz, C arbitrary.
          const uInv = u === 0n ? 0n : modPow(u, P - 2n);
          const Ev = withE ? E : new Array<bigint>(20).fill(0n);
          const C = A.map((a, i) => (u === 0n ? E[i] : ((((a * B[i] - Ev[i]) % P) + P) * uInv) % P));
          const Eok = u === 0n ? A.map((a, i) => (a * B[i]) % P) : Ev;
          const abc = { Az: packFr(A), Bz: packFr(B), Cz: packFr(C) };
          const Ep = u === 0n || withE ? packFr(Eok) : undefined;
          for (const impl of impls) assert.equal(impl.relaxedFirstFailure(abc, u, Ep), -1, impl.name);
          const Cbad = [...C];
          Cbad[bad] = (Cbad[bad] + 1n) % P;
          const abcBad = { ...abc, Cz: packFr(Cbad) };
          const want = u === 0n ? -1 : bad;
          assert.equal(bigintKernels.relaxedFirstFailure(abcBad, u, Ep), want);
          assert.equal(k.relaxedFirstFailure(abcBad, u, Ep), want);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("both reject an element ≥ p (p, p + 1, 2^256 − 1) in any vector argument with FieldElementError naming it", () => {
    for (const raw of [P, P + 1n, (1n << 256n) - 1n]) {
      const good = packFr([1n, 2n, 3n]);
      const bad = withRaw(3, 1, raw);
      for (const impl of impls) {
        const isBad = (name: string) => (e: unknown) =>
          e instanceof FieldElementError && e.message.includes(`${name}[1] is not a canonical element of F_p`);
        assert.throws(() => impl.axpy(good, 5n, bad), isBad("b"), impl.name);
        assert.throws(() => impl.fold3(bad, 5n, good, 6n, good), isBad("a"), impl.name);
        assert.throws(
          () => impl.crossTerm({ Az: good, Bz: good, Cz: bad }, 1n, { Az: good, Bz: good, Cz: good }, 1n),
          isBad("Cz1"),
          impl.name,
        );
        assert.throws(() => impl.relaxedFirstFailure({ Az: good, Bz: good, Cz: good }, 1n, bad), isBad("E"), impl.name);
        const M = randomCsr(3, 3, 1, [1n, 2n]);
        assert.throws(() => impl.spmv(M, bad), isBad("z"), impl.name);
        assert.throws(() => impl.axpy(good, P, good), FieldElementError, impl.name);
        assert.throws(() => impl.fold3(good, 1n, good, -1n, good), FieldElementError, impl.name);
      }
    }
  });

  it("both reject wrong lengths with FrVectorLengthError before any work", () => {
    const three = packFr([1n, 2n, 3n]);
    const two = packFr([1n, 2n]);
    for (const impl of impls) {
      assert.throws(() => impl.axpy(three, 1n, two), FrVectorLengthError, impl.name);
      assert.throws(() => impl.axpy(new Uint8Array(31), 1n, new Uint8Array(31)), FrVectorLengthError, impl.name);
      assert.throws(() => impl.fold3(three, 1n, three, 1n, two), FrVectorLengthError, impl.name);
      assert.throws(
        () => impl.crossTerm({ Az: three, Bz: three, Cz: three }, 1n, { Az: three, Bz: two, Cz: three }, 1n),
        FrVectorLengthError,
      );
      assert.throws(() => impl.relaxedFirstFailure({ Az: three, Bz: three, Cz: three }, 1n, two), FrVectorLengthError);
      const rows = [{ 0: 1n }, { 5: 2n }];
      const M = packCsr(shapeFromRows({ nVars: 8, nPubOut: 1, nPubIn: 1, A: rows, B: rows, C: rows }).A);
      assert.throws(() => impl.spmv(M, packFr([1n, 2n])), FrVectorLengthError, impl.name);
    }
  });

  it("native kernels on long vectors (multi-threaded split) = reference", () => {
    const n = 70_000;
    const a = new Array<bigint>(n);
    const b = new Array<bigint>(n);
    let x = 12345678901234567890n;
    for (let i = 0; i < n; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % P;
      a[i] = i % 97 === 0 ? P - 1n : x;
      b[i] = i % 89 === 0 ? 0n : (x * x) % P;
    }
    const [pa, pb] = [packFr(a), packFr(b)];
    const got = k.fold3(pa, P - 1n, pb, 3n, pa);
    for (const i of [0, 1, 97, 34_999, 35_000, 69_999])
      assert.equal(frGet(got, i), (a[i] + (P - 1n) * b[i] + 3n * a[i]) % P);
    assert.deepEqual(got, bigintKernels.fold3(pa, P - 1n, pb, 3n, pa));
  });
});

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = b % P;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
    k >>= 1n;
  }
  return r;
}
