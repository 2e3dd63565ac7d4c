import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { buildBn128, type FfCurve } from "ffjavascript";
import { srsFromTau, srsG1 } from "../../../prover/src/commitment/srs.js";
import { type G1Affine, g1Add, g1Mul, g1Neg, randomScalar } from "../../../prover/src/curve/bn254.js";
import { MsmInputError } from "../../../prover/src/errors/commitment.js";
import { MsmBackendSelectionError, NativeMsmUnavailableError } from "../../../prover/src/errors/msm.js";
import { P } from "../../../prover/src/field/fr.js";
import { type MsmBackend, scalarsToLe } from "../../../prover/src/msm/backend.js";
import { createFfjavascriptBackend } from "../../../prover/src/msm/cpu/ffjavascript.js";
import {
  createNativeBackend,
  fixedBasesInfo,
  loadNativeMsm,
  nativeMsmLoadError,
} from "../../../prover/src/msm/cpu/native.js";
import { createSelectedMsmBackend } from "../../../prover/src/msm/default.js";
import { g1FromLem, g1ToLem } from "../../../prover/src/msm/lem.js";
import { geometricLemPoints } from "../../helpers/msm.js";
import { itIfAvailable } from "../../helpers/optional.js";

const addon = loadNativeMsm();
/** Where the optional addon is not built (no g++ or Node headers): fails under CI, skipped elsewhere. */
const itNative = itIfAvailable(
  addon ? undefined : `native MSM addon not built — run scripts/build-native.sh (${String(nativeMsmLoadError())})`,
);

describe("native MSM backend (prover/native/msm)", () => {
  const srs = srsFromTau(1234567n, 64);
  let curve: FfCurve;
  let ff: MsmBackend;
  let native: MsmBackend;
  let native1: MsmBackend;

  before(async function () {
    if (!addon) return;
    this.timeout(60_000);
    curve = await buildBn128(true);
    ff = await createFfjavascriptBackend({ singleThread: true });
    native = createNativeBackend();
    native1 = createNativeBackend({ threads: 1 });
  });
  after(async () => {
    if (!addon) return;
    await ff.terminate();
    await curve.terminate();
  });

  function naive(points: Uint8Array, scalars: readonly bigint[]): G1Affine {
    let acc: G1Affine = { x: 0n, y: 0n };
    scalars.forEach((s, i) => {
      acc = g1Add(acc, g1Mul(g1FromLem(points, 64 * i), s));
    });
    return acc;
  }

  itNative("equals the naive sum on small random inputs and on 0, 1, p−1 scalars", async () => {
    const cases = [
      [randomScalar()],
      [P - 1n],
      [0n],
      [1n, 0n, P - 1n, 2n, 0n, 0n, 5n],
      Array.from({ length: 21 }, () => randomScalar()),
      Array.from({ length: 22 }, () => randomScalar()),
      Array.from({ length: 61 }, () => randomScalar()),
      Array.from({ length: 64 }, () => P - 1n),
      Array.from({ length: 30 }, () => 0n),
    ];
    for (const scalars of cases) {
      const points = srs.g1Lem.subarray(0, 64 * scalars.length);
      const expected = naive(points, scalars);
      assert.deepEqual(await native.msm(points, scalarsToLe(scalars)), expected, `${scalars.length} scalars`);
      assert.deepEqual(
        await native1.msm(points, scalarsToLe(scalars)),
        expected,
        `${scalars.length} scalars, 1 thread`,
      );
    }
    assert.deepEqual(await native.msm(new Uint8Array(0), new Uint8Array(0)), { x: 0n, y: 0n });
  });

  itNative(
    "handles points at infinity, repeated points (bucket doubling) and P + (−P) (bucket cancellation)",
    async () => {
      const g0 = srsG1(srs, 1);
      const g1 = srsG1(srs, 2);
      const pts = [g0, { x: 0n, y: 0n }, g0, g0, g1Neg(g0), g1, { x: 0n, y: 0n }, g1, g1Neg(g1)];
      const lem = new Uint8Array(64 * pts.length);
      for (const [i, p] of pts.entries()) g1ToLem(p, lem, 64 * i);
      const cases = [
        [3n, 7n, 3n, 3n, 3n, 5n, 9n, 5n, 5n], // same digit everywhere: every addition hits one bucket
        [1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n],
        [P - 1n, 4n, P - 1n, 0n, 1n, 2n, P - 1n, 2n, 4n],
        Array.from({ length: pts.length }, () => randomScalar()),
      ];
      for (const scalars of cases) {
        const expected = naive(lem, scalars);
        assert.deepEqual(await native.msm(lem, scalarsToLe(scalars)), expected);
        assert.deepEqual(await native1.msm(lem, scalarsToLe(scalars)), expected);
      }
      // Σ = 0 exactly: P·s + (−P)·s.
      const cancel = new Uint8Array(128);
      g1ToLem(g0, cancel, 0);
      g1ToLem(g1Neg(g0), cancel, 64);
      const s = randomScalar();
      assert.deepEqual(await native.msm(cancel, scalarsToLe([s, s])), { x: 0n, y: 0n });
      // All points at infinity.
      assert.deepEqual(await native.msm(new Uint8Array(64 * 5), scalarsToLe([1n, 2n, 3n, 4n, P - 1n])), {
        x: 0n,
        y: 0n,
      });
    },
  );

  itNative(
    "4096 points from three distinct ones (many points a bucket): repeated points, doublings and P + (−P)",
    async function () {
      this.timeout(60_000);
      const g0 = srsG1(srs, 1);
      const g1 = srsG1(srs, 2);
      const pts = [g0, g1Neg(g0), g1, g0, { x: 0n, y: 0n }];
      const n = 4096;
      const lem = new Uint8Array(64 * n);
      for (let i = 0; i < n; i++) g1ToLem(pts[i % pts.length], lem, 64 * i);
      for (const mode of ["random", "same", "few"] as const) {
        const scalars = Array.from({ length: n }, (_, i) =>
          mode === "random" ? randomScalar() : mode === "same" ? 12345n : BigInt(1 + (i % 3)),
        );
        // Expected: Σ over the three distinct points, each with its summed scalar.
        const sum = [0n, 0n, 0n];
        scalars.forEach((s, i) => {
          const which = i % pts.length;
          if (which === 0 || which === 3) sum[0] += s;
          else if (which === 1) sum[0] += P - s;
          else if (which === 2) sum[1] += s;
        });
        const expected = g1Add(g1Mul(g0, sum[0] % P), g1Mul(g1, sum[1] % P));
        const le = scalarsToLe(scalars);
        assert.deepEqual(await native.msm(lem, le), expected, mode);
        assert.deepEqual(await native1.msm(lem, le), expected, `${mode}, 1 thread`);
      }
    },
  );

  itNative(
    "equals ffjavascript on random inputs at sizes around every window-width change up to 2^12",
    async function () {
      this.timeout(120_000);
      const sizes = [182, 183, 429, 430, 898, 899, 2884, 2885, 4096];
      const all = await geometricLemPoints(curve, 4096);
      for (const n of sizes) {
        const points = all.subarray(0, 64 * n);
        const scalars = Array.from({ length: n }, (_, i) =>
          i % 11 === 0 ? 0n : i % 13 === 0 ? P - 1n : randomScalar(),
        );
        const le = scalarsToLe(scalars);
        const expected = await ff.msm(points, le);
        assert.deepEqual(await native.msm(points, le), expected, `n = ${n}`);
        assert.deepEqual(await native1.msm(points, le), expected, `n = ${n}, 1 thread`);
      }
    },
  );

  itNative("narrow scalars (1 and 8 bytes, and widths in between) equal the 32-byte encoding", async function () {
    this.timeout(60_000);
    const points = await geometricLemPoints(curve, 3000);
    const n = 3000;
    for (const bytes of [1, 2, 8, 16]) {
      const bound = 1n << BigInt(8 * bytes);
      const scalars = Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? bound - 1n : BigInt(`0x${randomBytes(bytes).toString("hex")}`),
      );
      const expected = await ff.msm(points, scalarsToLe(scalars));
      assert.deepEqual(await native.msm(points, scalarsToLe(scalars, bytes), bytes), expected, `${bytes} bytes`);
      assert.deepEqual(await native1.msm(points, scalarsToLe(scalars, bytes), bytes), expected, `${bytes} bytes, 1 t`);
    }
    const small = [1n, 0n, 255n, 17n, 200n];
    const pts = srs.g1Lem.subarray(0, 64 * small.length);
    assert.deepEqual(await native.msm(pts, scalarsToLe(small, 1), 1), naive(pts, small));
  });

  itNative("the synchronous entry point and thread counts 1..3 agree", async () => {
    if (!addon) return;
    const points = srs.g1Lem.subarray(0, 64 * 60);
    const scalars = scalarsToLe(Array.from({ length: 60 }, () => randomScalar()));
    const a = addon.msmSync(points, scalars, 32, 1);
    for (const t of [2, 3]) assert.deepEqual(addon.msmSync(points, scalars, 32, t), a);
    assert.deepEqual(await addon.msm(points, scalars, 32), a);
  });

  itNative(
    "rejects mismatched buffers and bad widths with MsmInputError (and the addon itself with RangeError)",
    async () => {
      if (!addon) return;
      const points = srs.g1Lem.subarray(0, 64 * 4);
      const scalars = scalarsToLe([1n, 2n, 3n, 4n]);
      await assert.rejects(native.msm(points, scalars.subarray(0, 96)), MsmInputError);
      await assert.rejects(native.msm(points.subarray(0, 63 * 4), scalars), MsmInputError);
      await assert.rejects(native.msm(points, scalars, 0), MsmInputError);
      await assert.rejects(native.msm(points, scalars, 33), MsmInputError);
      await assert.rejects(native.msm(points, scalars, 5), MsmInputError);
      assert.throws(() => createNativeBackend({ threads: 0 }), MsmInputError);
      assert.throws(() => addon.msmSync(points, scalars.subarray(0, 96), 32), RangeError);
      assert.throws(() => addon.msmSync(points, scalars, 0), RangeError);
      assert.throws(() => addon.msmSync(points.subarray(0, 100), scalars, 32), RangeError);
      assert.throws(() => addon.msmSync([] as unknown as Uint8Array, scalars, 32), TypeError);
      // Nothing was lost: the same buffers still work.
      assert.deepEqual(await native.msm(points, scalars), naive(points, [1n, 2n, 3n, 4n]));
    },
  );

  /** Scalars of one kind: uniform, witness-like (bits, small words), zero, p − 1, all equal. */
  function scalarsOf(kind: string, n: number): bigint[] {
    return Array.from({ length: n }, (_, i) => {
      switch (kind) {
        case "uniform":
          return randomScalar();
        case "bits":
          return BigInt(i % 3 === 0 ? 0 : (i * 7) % 2);
        case "witness":
          // A SHA-256-like witness: mostly bits, some 32-bit words, a few field elements.
          return i % 10 < 7
            ? BigInt(i % 2)
            : i % 10 < 9
              ? BigInt(`0x${randomBytes(4).toString("hex")}`)
              : randomScalar();
        case "zero":
          return 0n;
        case "p-1":
          return P - 1n;
        case "same":
          return 0x1234567890abcdef1234567890abcdefn;
        case "small":
          return BigInt(i % 5 === 0 ? 0 : (i * 2654435761) % 65536);
        case "edge":
          // Around the limb, GLV-half and window boundaries.
          return [
            0n,
            1n,
            2n,
            P - 1n,
            P - 2n,
            (1n << 64n) - 1n,
            1n << 64n,
            (1n << 128n) - 1n,
            1n << 128n,
            (P - 1n) / 2n,
            1n << 253n,
            (1n << 16n) - 1n,
            1n << 15n,
          ][i % 13];
        default:
          throw new Error(kind);
      }
    });
  }

  itNative(
    "msmFixed (prepared bases) equals ffjavascript on uniform, witness-like, zero, p−1 and equal scalars, prefixes, infinity and repeated bases",
    async function () {
      this.timeout(900_000);
      const all = await geometricLemPoints(curve, 3000);
      assert.ok(native.msmFixed, "the native backend has msmFixed");
      const fixed = native.msmFixed.bind(native);
      for (const kind of ["uniform", "bits", "witness", "zero", "p-1", "same"]) {
        for (const n of [1, 7, 1000, 3000]) {
          const scalars = scalarsOf(kind, n);
          const le = scalarsToLe(scalars);
          const expected = n === 1 ? naive(all.subarray(0, 64), scalars) : await ff.msm(all.subarray(0, 64 * n), le);
          assert.deepEqual(await fixed(all, le), expected, `${kind}, n = ${n}`);
          assert.deepEqual(await native1.msmFixed?.(all, le), expected, `${kind}, n = ${n}, 1 thread`);
          // The plain entry point (bases prepared per call) agrees.
          assert.deepEqual(await native.msm(all.subarray(0, 64 * n), le), expected, `${kind}, n = ${n}, msm`);
        }
      }
      // Points at infinity and repeated bases (P, −P, φ-related multiples: every bucket case).
      const g0 = srsG1(srs, 1);
      const g1 = srsG1(srs, 2);
      const pts = [g0, { x: 0n, y: 0n }, g0, g1Neg(g0), g1, g1, g1Neg(g1), g0];
      const lem = new Uint8Array(64 * 400);
      for (let i = 0; i < 400; i++) g1ToLem(pts[i % pts.length], lem, 64 * i);
      for (const kind of ["uniform", "bits", "witness", "p-1", "same"]) {
        const scalars = scalarsOf(kind, 400);
        assert.deepEqual(await fixed(lem, scalarsToLe(scalars)), naive(lem, scalars), `repeated bases, ${kind}`);
      }
    },
  );

  itNative(
    "precomputed window tables of fixed bases equal ffjavascript (random, witness-like, small, zero, p−1, edge; windows 3..16; 1 and 2 threads; a capped table covering a prefix; repeated bases and infinity)",
    async function () {
      this.timeout(1_800_000);
      const n = 1500;
      const all = await geometricLemPoints(curve, n);
      const names = [
        "NOVANET_MSM_TABLE",
        "NOVANET_MSM_TABLE_AFTER",
        "NOVANET_MSM_TABLE_WINDOW",
        "NOVANET_MSM_TABLE_MB",
      ];
      const saved = names.map((k) => process.env[k]);
      const set = (vals: (string | undefined)[]) =>
        names.forEach((k, i) => {
          if (vals[i] === undefined) delete process.env[k];
          else process.env[k] = vals[i];
        });
      try {
        const kinds = ["uniform", "bits", "witness", "small", "zero", "p-1", "same", "edge"];
        const expected = new Map<string, G1Affine>();
        const vectors = new Map<string, Uint8Array>();
        for (const kind of kinds) {
          const le = scalarsToLe(scalarsOf(kind, n));
          vectors.set(kind, le);
          expected.set(kind, await ff.msm(all, le));
        }
        for (const [window, capMb] of [
          ["16", "384"],
          ["13", "384"],
          ["8", "384"],
          ["3", "384"],
          ["16", "1"],
        ]) {
          // A fresh buffer per configuration: tables are made per prepared buffer, at its first MSM here.
          set(["1", "0", window, capMb]);
          const bases = new Uint8Array(all);
          for (const kind of kinds) {
            const le = vectors.get(kind) as Uint8Array;
            const want = expected.get(kind);
            assert.deepEqual(await native.msmFixed?.(bases, le), want, `c = ${window}, cap ${capMb} MiB, ${kind}`);
            assert.deepEqual(await native1.msmFixed?.(bases, le), want, `c = ${window}, ${kind}, 1 thread`);
            // A prefix of the bases.
            const part = le.subarray(0, 32 * 777);
            assert.deepEqual(await native.msmFixed?.(bases, part), await ff.msm(all.subarray(0, 64 * 777), part));
          }
          const info = fixedBasesInfo(bases);
          assert.ok(info, "the handle reports its table");
          const c = Number(window);
          const perPoint = 2 * Math.ceil(129 / c) * 64;
          const covered = Math.min(n, Math.floor((Number(capMb) * 2 ** 20) / perPoint));
          assert.equal(info.tableWindow, c);
          assert.equal(info.tablePoints, covered, `c = ${window}, cap ${capMb} MiB`);
          assert.equal(info.tableBytes, covered * perPoint);
          assert.ok(info.tableBytes <= Number(capMb) * 2 ** 20);
          if (capMb === "1") assert.ok(covered < n, "the 1 MiB cap covers only a prefix");
        }
        // Points at infinity and repeated bases (P, −P: bucket doubling and cancellation within the
        // shared bucket set, across windows of one point and across points).
        set(["1", "0", "5", "384"]);
        const g0 = srsG1(srs, 1);
        const g1 = srsG1(srs, 2);
        const pts = [g0, { x: 0n, y: 0n }, g0, g1Neg(g0), g1, g1, g1Neg(g1), g0];
        const lem = new Uint8Array(64 * 200);
        for (let i = 0; i < 200; i++) g1ToLem(pts[i % pts.length], lem, 64 * i);
        for (const kind of ["uniform", "witness", "p-1", "same", "edge"]) {
          const scalars = scalarsOf(kind, 200);
          assert.deepEqual(
            await native.msmFixed?.(lem, scalarsToLe(scalars)),
            naive(lem, scalars),
            `repeated, ${kind}`,
          );
        }
        // The table waits for NOVANET_MSM_TABLE_AFTER MSMs; none with NOVANET_MSM_TABLE_MB=0.
        set([undefined, "2", undefined, undefined]);
        const late = new Uint8Array(all.subarray(0, 64 * 300));
        const le = scalarsToLe(scalarsOf("uniform", 300));
        const want = await ff.msm(late, le);
        for (let i = 0; i < 3; i++) {
          assert.equal(fixedBasesInfo(late)?.tablePoints ?? 0, 0, `no table before MSM ${i + 1}`);
          assert.deepEqual(await native.msmFixed?.(late, le), want);
        }
        assert.equal(fixedBasesInfo(late)?.tablePoints, 300, "built at the third MSM");
        set(["1", "0", undefined, "0"]);
        const none = new Uint8Array(all.subarray(0, 64 * 300));
        assert.deepEqual(await native.msmFixed?.(none, le), want);
        assert.equal(fixedBasesInfo(none)?.tableBytes, 0);
      } finally {
        set(saved);
      }
    },
  );

  itNative(
    "msmFixed rejects a scalar ≥ p, a vector longer than the bases or not 32 bytes an element (MsmInputError)",
    async () => {
      const bases = srs.g1Lem.subarray(0, 64 * 8);
      const fixed = native.msmFixed?.bind(native);
      assert.ok(fixed);
      const good = scalarsToLe([1n, 2n, 3n]);
      for (const bad of [P, P + 1n, (1n << 256n) - 1n]) {
        const v = new Uint8Array(good);
        for (let j = 0; j < 32; j++) v[32 + j] = Number((bad >> BigInt(8 * j)) & 0xffn);
        await assert.rejects(fixed(bases, v), MsmInputError, `scalar ${bad}`);
      }
      await assert.rejects(fixed(bases, new Uint8Array(32 * 9)), MsmInputError);
      await assert.rejects(fixed(bases, new Uint8Array(33)), MsmInputError);
      assert.deepEqual(await fixed(bases, new Uint8Array(0)), { x: 0n, y: 0n });
      assert.deepEqual(await fixed(bases, good), naive(bases, [1n, 2n, 3n]));
    },
  );

  itNative(
    "batch-affine buckets (NOVANET_MSM_BATCH, opt-in) equal ffjavascript: uniform, equal scalars (one bucket), repeated bases",
    async function () {
      this.timeout(900_000);
      const n = 4096;
      const all = await geometricLemPoints(curve, n);
      const g0 = srsG1(srs, 1);
      const rep = new Uint8Array(64 * n);
      for (let i = 0; i < n; i++) g1ToLem(i % 5 === 4 ? g1Neg(g0) : g0, rep, 64 * i);
      const saved = [process.env.NOVANET_MSM_BATCH, process.env.NOVANET_MSM_WINDOW];
      try {
        for (const [batch, window] of [
          ["64", "11"],
          ["300", "12"],
          ["2", "10"],
        ]) {
          process.env.NOVANET_MSM_BATCH = batch;
          process.env.NOVANET_MSM_WINDOW = window;
          for (const kind of ["uniform", "same", "witness", "p-1"]) {
            const le = scalarsToLe(scalarsOf(kind, n));
            delete process.env.NOVANET_MSM_BATCH;
            delete process.env.NOVANET_MSM_WINDOW;
            const expected = await ff.msm(all, le);
            const expectedRep = await native1.msm(rep, le);
            process.env.NOVANET_MSM_BATCH = batch;
            process.env.NOVANET_MSM_WINDOW = window;
            assert.deepEqual(await native.msm(all, le), expected, `batch ${batch}, c ${window}, ${kind}`);
            assert.deepEqual(
              await native1.msmFixed?.(all, le),
              expected,
              `batch ${batch}, c ${window}, ${kind}, fixed`,
            );
            assert.deepEqual(await native.msm(rep, le), expectedRep, `batch ${batch}, c ${window}, ${kind}, repeated`);
          }
        }
      } finally {
        if (saved[0] === undefined) delete process.env.NOVANET_MSM_BATCH;
        else process.env.NOVANET_MSM_BATCH = saved[0];
        if (saved[1] === undefined) delete process.env.NOVANET_MSM_WINDOW;
        else process.env.NOVANET_MSM_WINDOW = saved[1];
      }
    },
  );

  it("NOVANET_MSM selects the backend; an unknown value is a typed error", async () => {
    await assert.rejects(createSelectedMsmBackend("gpu-someday"), MsmBackendSelectionError);
    const ffb = await createSelectedMsmBackend("ffjavascript");
    assert.equal(ffb.name, "cpu-ffjavascript-wasm");
    await ffb.terminate();
    if (addon) {
      assert.equal((await createSelectedMsmBackend("native")).name, "cpu-native");
      assert.equal((await createSelectedMsmBackend("")).name, "cpu-native");
    } else {
      await assert.rejects(createSelectedMsmBackend("native"), NativeMsmUnavailableError);
    }
  });
});
