import assert from "node:assert/strict";
import { srsFromTau, srsG1 } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, g1Add, g1Mul, randomScalar } from "../../../prover/src/curve/bn254.js";
import { MsmInputError } from "../../../prover/src/errors/commitment.js";
import { P } from "../../../prover/src/field/fr.js";
import { type MsmBackend, scalarsToLe } from "../../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../../prover/src/msm/cpu/ffjavascript.js";
import { createNobleBackend } from "../../../prover/src/msm/cpu/noble.js";
import { testSrs } from "../../helpers/prover.js";

describe("msm backends", () => {
  const srs = srsFromTau(987654321n, 40);
  const backends: MsmBackend[] = [];
  before(async () => {
    backends.push(await createFfjavascriptBackend({ singleThread: true }));
    backends.push(await createFfjavascriptBackend());
    backends.push(createNobleBackend());
  });
  after(async () => {
    for (const b of backends) await b.terminate();
  });

  function naive(scalars: bigint[]) {
    let acc = { x: 0n, y: 0n };
    scalars.forEach((s, i) => {
      acc = g1Add(acc, g1Mul(srsG1(srs, i), s));
    });
    return acc;
  }

  it("every backend equals the naive sum Σ s_i·g_i (random, zero, one, p−1 scalars)", async () => {
    const cases = [
      Array.from({ length: 40 }, () => randomScalar()),
      [0n, 1n, P - 1n, 2n, 0n, 0n, 5n],
      [P - 1n],
      Array.from({ length: 17 }, () => 0n),
      [],
    ];
    for (const scalars of cases) {
      const expected = naive(scalars);
      for (const b of backends) {
        const got = await b.msm(srs.g1Lem.subarray(0, 64 * scalars.length), scalarsToLe(scalars));
        assert.deepEqual(got, expected, `${b.name} on ${scalars.length} scalars`);
      }
    }
  });

  it("on 1000 points of a snarkjs .ptau, the wasm backends agree with the pure-JS one", async () => {
    const big = await testSrs(1000);
    const scalars = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? 0n : randomScalar()));
    const le = scalarsToLe(scalars);
    const results = await Promise.all(backends.map((b) => b.msm(big.g1Lem, le)));
    for (const r of results) assert.deepEqual(r, results[2]);
  });

  it("narrow scalar encodings (1 and 8 bytes) give the same sums", async () => {
    const small = [1n, 0n, 255n, 17n, 200n];
    const medium = [(1n << 64n) - 1n, 1n, 0n, 1n << 40n];
    for (const b of backends) {
      assert.deepEqual(await b.msm(srs.g1Lem.subarray(0, 64 * small.length), scalarsToLe(small, 1), 1), naive(small));
      assert.deepEqual(
        await b.msm(srs.g1Lem.subarray(0, 64 * medium.length), scalarsToLe(medium, 8), 8),
        naive(medium),
      );
    }
    assert.throws(() => scalarsToLe([256n], 1), /does not fit in 1 bytes/);
    assert.throws(() => scalarsToLe([1n], 0), MsmInputError);
    await assert.rejects(backends[0].msm(srs.g1Lem.subarray(0, 128), scalarsToLe([1n, 2n], 1), 8), MsmInputError);
  });

  it("the sum of g·1 is the generator", async () => {
    for (const b of backends) assert.deepEqual(await b.msm(srs.g1Lem.subarray(0, 64), scalarsToLe([1n])), G1_GENERATOR);
  });

  it("rejects mismatched lengths and non-canonical scalars", async () => {
    for (const b of backends) {
      await assert.rejects(b.msm(srs.g1Lem.subarray(0, 128), scalarsToLe([1n])), MsmInputError);
    }
    assert.throws(() => scalarsToLe([P]), MsmInputError);
    assert.throws(() => scalarsToLe([-1n]), MsmInputError);
  });
});
