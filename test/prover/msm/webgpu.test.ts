import assert from "node:assert/strict";
import { bn254 } from "@noble/curves/bn254.js";
import { packFr } from "../../../prover/src/arith/kernels.js";
import { commit, commitPacked } from "../../../prover/src/commitment/pedersen.js";
import { srsFromTau, srsG1 } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, type G1Affine, g1Add, g1Mul, g1Neg, Q, randomScalar } from "../../../prover/src/curve/bn254.js";
import { MsmInputError } from "../../../prover/src/errors/commitment.js";
import { WebGpuUnavailableError } from "../../../prover/src/errors/msm.js";
import { P } from "../../../prover/src/field/fr.js";
import { scalarsToLe } from "../../../prover/src/msm/backend.js";
import { createNobleBackend } from "../../../prover/src/msm/cpu/noble.js";
import {
  createSelectedMsmBackend,
  setDefaultMsmBackend,
  terminateDefaultMsmBackend,
} from "../../../prover/src/msm/default.js";
import { g1ToLem } from "../../../prover/src/msm/lem.js";
import {
  chooseWindow,
  GLV,
  glvScalars,
  glvSplit,
  hostBucketLists,
  partitionByBits,
  signedDigits,
  type WebGpuMsmBackend,
} from "../../../prover/src/msm/webgpu/msm.js";
import { createWebGpuBackend, webGpuUnavailableReason } from "../../../prover/src/msm/webgpu/node.js";
import { GLV_BETA } from "../../../prover/src/msm/webgpu/wgsl.js";
import { itIfAvailable } from "../../helpers/optional.js";
import { testSrs } from "../../helpers/prover.js";

/** Why the WGSL cannot run here (no `webgpu` package, no adapter): fails under CI, skipped elsewhere. */
const noGpu = await webGpuUnavailableReason();
const itGpu = itIfAvailable(noGpu);

function naive(points: G1Affine[], scalars: bigint[]): G1Affine {
  let acc: G1Affine = { x: 0n, y: 0n };
  scalars.forEach((s, i) => {
    acc = g1Add(acc, g1Mul(points[i], s));
  });
  return acc;
}

function lem(points: G1Affine[]): Uint8Array {
  const out = new Uint8Array(64 * points.length);
  for (let i = 0; i < points.length; i++) g1ToLem(points[i], out, 64 * i);
  return out;
}

describe("WebGPU MSM: host side (runs everywhere)", () => {
  it("signed digits recombine to the scalar, |digit| ≤ 2^(c−1), for every window width", () => {
    const scalars = [0n, 1n, 2n, P - 1n, (1n << 253n) + 12345n, ...Array.from({ length: 20 }, () => randomScalar())];
    const bytes = scalarsToLe(scalars);
    for (let c = 2; c <= 15; c++) {
      const windows = Math.ceil(255 / c);
      const { digits, active } = signedDigits(bytes, 32, scalars.length, c, windows);
      scalars.forEach((s, i) => {
        let v = 0n;
        for (let w = windows - 1; w >= 0; w--) {
          const d = digits[w * scalars.length + i];
          assert.ok(Math.abs(d) <= 2 ** (c - 1), `c=${c} digit ${d}`);
          v = (v << BigInt(c)) + BigInt(d);
        }
        assert.equal(v, s, `c=${c} scalar ${i}`);
      });
      assert.equal(active[0], true);
    }
  });

  it("zero scalars produce no digits; witness-like scalars touch the first window only", () => {
    const { active } = signedDigits(scalarsToLe([0n, 1n, 1n, 0n, 3n]), 32, 5, 13, 20);
    assert.deepEqual(
      active.map((a, w) => (a ? w : -1)).filter((w) => w >= 0),
      [0],
    );
    assert.equal(signedDigits(new Uint8Array(64), 32, 2, 13, 20).active.includes(true), false);
  });

  it("rejects 32-byte scalars ≥ p (p itself, p+1, 2^256−1) with a typed error", () => {
    for (const bad of [P, P + 1n, (1n << 256n) - 1n]) {
      const bytes = new Uint8Array(64);
      let v = bad;
      for (let j = 0; j < 32; j++, v >>= 8n) bytes[32 + j] = Number(v & 0xffn);
      assert.throws(() => signedDigits(bytes, 32, 2, 13, 20), MsmInputError);
    }
  });

  it("partitionByBits: every nonzero scalar in exactly one group at least as wide as it; zeros in none", () => {
    const n = 5000;
    const v = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? 0n : i % 97 === 0 ? randomScalar() : i % 13 === 0 ? BigInt(i * 1000) : BigInt(i % 2),
    );
    v[7] = P - 1n;
    const groups = partitionByBits(scalarsToLe(v), 32, n);
    const seen = new Uint8Array(n);
    for (const g of groups) {
      for (const i of g.idx) {
        seen[i]++;
        assert.ok(v[i] < 1n << BigInt(g.bits), `scalar ${i} (${v[i]}) fits ${g.bits} bits`);
      }
    }
    v.forEach((x, i) => {
      assert.equal(seen[i], x === 0n ? 0 : 1, `scalar ${i}`);
    });
    // Thousands of 0/1 scalars get a pass of their own, narrower than the full-width one.
    assert.ok(
      groups.length >= 2 && Math.min(...groups.map((g) => g.bits)) <= 8,
      JSON.stringify(groups.map((g) => g.bits)),
    );
    assert.deepEqual(partitionByBits(new Uint8Array(64), 32, 2), []);
  });

  it("the window width grows with n and shrinks with narrow scalars", () => {
    assert.ok(chooseWindow(1 << 20, 254) > chooseWindow(1 << 10, 254));
    assert.ok(chooseWindow(1 << 16, 8) <= chooseWindow(1 << 16, 254));
  });

  it("GLV: λ·P = (β·x, y); k ≡ k1 + λ·k2 (mod p) with |k1|, |k2| < 2^128 on random and edge scalars", () => {
    const G = bn254.G1.Point.BASE;
    const lg = G.multiply(GLV.lambda).toAffine();
    const ga = G.toAffine();
    assert.equal(lg.x, (GLV_BETA * ga.x) % Q);
    assert.equal(lg.y, ga.y);
    const edge = [0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, GLV.lambda, 1n << 128n, (1n << 253n) + 1n, GLV.a1, GLV.b2];
    for (const k of [...edge, ...Array.from({ length: 3000 }, () => randomScalar())]) {
      const { k1, k2 } = glvSplit(k);
      assert.equal((((k1 + GLV.lambda * k2 - k) % P) + P) % P, 0n, `k = ${k}`);
      assert.ok((k1 < 0n ? -k1 : k1) < 1n << 128n && (k2 < 0n ? -k2 : k2) < 1n << 128n, `k = ${k}`);
    }
    // The 16-byte halves, bases (φ flag) and signs recombine; a scalar ≥ p is a typed error.
    const ks = [P - 1n, 5n, randomScalar()];
    const h = glvScalars(scalarsToLe(ks), Uint32Array.from([0, 1, 2]));
    ks.forEach((k, j) => {
      const half = (t: number) => {
        let v = 0n;
        for (let b = 15; b >= 0; b--) v = (v << 8n) | BigInt(h.scalars[16 * t + b]);
        return h.neg[t] ? -v : v;
      };
      assert.equal(h.bases[2 * j], j);
      assert.equal(h.bases[2 * j + 1], (j | 0x40000000) >>> 0);
      assert.equal((((half(2 * j) + GLV.lambda * half(2 * j + 1) - k) % P) + P) % P, 0n);
    });
    const bad = scalarsToLe([1n]);
    let v = P;
    for (let j = 0; j < 32; j++, v >>= 8n) bad[j] = Number(v & 0xffn);
    assert.throws(() => glvScalars(bad, Uint32Array.from([0])), MsmInputError);
  });

  it("NOVANET_MSM=webgpu gives the WebGPU backend, or a typed error where no adapter exists", async () => {
    if (noGpu) {
      await assert.rejects(createSelectedMsmBackend("webgpu"), WebGpuUnavailableError);
      await assert.rejects(createWebGpuBackend(), WebGpuUnavailableError);
    }
  });
});

describe("WebGPU MSM: the WGSL kernels (on whatever adapter Dawn finds)", function () {
  // A software adapter (Mesa llvmpipe) compiles the three kernels in one to several minutes.
  this.timeout(900_000);
  const srs = srsFromTau(987654321n, 64);
  const g = Array.from({ length: 64 }, (_, i) => srsG1(srs, i));
  let gpu: WebGpuMsmBackend;
  const noble = createNobleBackend();

  before(async function () {
    // No adapter: skipped outside CI; under CI createWebGpuBackend's typed error fails the suite.
    if (noGpu && !process.env.CI) this.skip();
    gpu = await createWebGpuBackend();
    // Compiles the kernels once, so that each test's time is its own.
    await gpu.msm(srs.g1Lem.subarray(0, 64), scalarsToLe([1n]));
  });
  after(async () => {
    if (gpu) await gpu.terminate();
  });

  itGpu("equals the naive sum on random, zero, one, p−1, empty and all-zero inputs", async () => {
    const cases = [
      Array.from({ length: 64 }, () => randomScalar()),
      [0n, 1n, P - 1n, 2n, 0n, 0n, 5n],
      [P - 1n],
      [1n],
      Array.from({ length: 17 }, () => 0n),
      [],
    ];
    for (const scalars of cases) {
      const got = await gpu.msm(srs.g1Lem.subarray(0, 64 * scalars.length), scalarsToLe(scalars));
      assert.deepEqual(got, naive(g, scalars), `${scalars.length} scalars`);
    }
    assert.deepEqual(await gpu.msm(srs.g1Lem.subarray(0, 64), scalarsToLe([1n])), G1_GENERATOR);
  });

  itGpu("edge bases: points at infinity, repeated points (doubling), P and −P (cancelling)", async () => {
    const inf = { x: 0n, y: 0n };
    const pts = [g[1], inf, g[1], g1Neg(g[1]), g[2], g[2], g[2], inf, g[3]];
    const cases = [
      [5n, 7n, 5n, 5n, 1n, 1n, 1n, 9n, P - 1n],
      [1n, 1n, 1n, 1n, 0n, 0n, 0n, 0n, 0n],
      [3n, 0n, 0n, 3n, 0n, 0n, 0n, 0n, 0n],
      Array.from({ length: 9 }, () => randomScalar()),
    ];
    const bases = lem(pts);
    for (const s of cases) assert.deepEqual(await gpu.msm(bases, scalarsToLe(s)), naive(pts, s));
  });

  itGpu("small windows and chunks (many windows, a multi-level bucket tree) give the same sums", async () => {
    const scalars = [...Array.from({ length: 40 }, () => randomScalar()), ...Array.from({ length: 24 }, () => 1n)];
    const expected = naive(g, scalars);
    for (const [window, chunk] of [
      [2, 1],
      [3, 2],
      [5, 3],
      [15, 1],
    ]) {
      gpu.configure({ window, chunk });
      assert.deepEqual(await gpu.msm(srs.g1Lem, scalarsToLe(scalars)), expected, `c=${window} L=${chunk}`);
    }
    gpu.configure({ chunk: 32 });
  });

  itGpu(
    "on 1000 .ptau bases: uniform, witness-like (0/1/small) and narrow (1- and 8-byte) scalars equal noble's",
    async () => {
      const big = await testSrs(1000);
      const uniform = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? 0n : randomScalar()));
      const witness = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 0n : i % 5 === 0 ? BigInt(i) : 1n));
      for (const s of [uniform, witness]) {
        assert.deepEqual(await gpu.msm(big.g1Lem, scalarsToLe(s)), await noble.msm(big.g1Lem, scalarsToLe(s)));
      }
      const small = witness.map((v) => v & 0xffn);
      assert.deepEqual(
        await gpu.msm(big.g1Lem, scalarsToLe(small, 1), 1),
        await noble.msm(big.g1Lem, scalarsToLe(small, 1), 1),
      );
      const medium = Array.from({ length: 1000 }, (_, i) => (BigInt(i) << 40n) + 3n);
      assert.deepEqual(
        await gpu.msm(big.g1Lem, scalarsToLe(medium, 8), 8),
        await noble.msm(big.g1Lem, scalarsToLe(medium, 8), 8),
      );
    },
  );

  itGpu("partition by bit length on and off give the same sums (mixed widths, p−1, 8-byte scalars)", async () => {
    const big = await testSrs(1000);
    const mixed = Array.from({ length: 1000 }, (_, i) =>
      i % 3 === 0 ? 0n : i % 50 === 0 ? randomScalar() : i % 7 === 0 ? BigInt(i) << 30n : BigInt(i % 2),
    );
    mixed[1] = P - 1n;
    const expected = await noble.msm(big.g1Lem, scalarsToLe(mixed));
    try {
      for (const partition of [true, false]) {
        gpu.configure({ partition });
        assert.deepEqual(await gpu.msm(big.g1Lem, scalarsToLe(mixed)), expected, `partition ${partition}`);
        const eight = mixed.map((x) => x & ((1n << 64n) - 1n));
        assert.deepEqual(
          await gpu.msm(big.g1Lem, scalarsToLe(eight, 8), 8),
          await noble.msm(big.g1Lem, scalarsToLe(eight, 8), 8),
          `8-byte, partition ${partition}`,
        );
      }
    } finally {
      gpu.configure({ partition: true });
    }
  });

  itGpu(
    "GLV on and off equal noble: random, p−1, p−2, λ, edge bases (infinity, repeated, P and −P), mixed widths",
    async () => {
      const inf = { x: 0n, y: 0n };
      const pts = [g[1], inf, g[1], g1Neg(g[1]), g[2], g[2], g[2], inf, g[3], g[4], g[5], g[6]];
      const bases = lem(pts);
      const cases = [
        Array.from({ length: 12 }, () => randomScalar()),
        [P - 1n, P - 1n, P - 2n, P - 1n, GLV.lambda, GLV.lambda, P - GLV.lambda, 0n, (P - 1n) / 2n, 1n << 200n, 1n, 0n],
        [P - 1n, 0n, 1n, 1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
        // A few full-width scalars among small ones (the partition keeps them in their own GLV pass).
        Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? randomScalar() : BigInt(i % 3))),
      ];
      try {
        for (const s of cases) {
          const want = naive(pts, s);
          for (const glv of [true, false]) {
            gpu.configure({ glv });
            assert.deepEqual(await gpu.msm(bases, scalarsToLe(s)), want, `glv ${glv}`);
          }
        }
        const big = await testSrs(1000);
        const uniform = Array.from({ length: 1000 }, (_, i) => (i % 9 === 0 ? P - 1n : randomScalar()));
        const want = await noble.msm(big.g1Lem, scalarsToLe(uniform));
        for (const [glv, partition] of [
          [true, false],
          [false, false],
          [true, true],
        ]) {
          gpu.configure({ glv, partition });
          assert.deepEqual(await gpu.msm(big.g1Lem, scalarsToLe(uniform)), want, `glv ${glv} partition ${partition}`);
        }
      } finally {
        gpu.configure({ glv: false, partition: true });
      }
    },
  );

  /** The bucket lists with each bucket's entries in ascending order (the GPU's order is the atomics'). */
  function canonical(l: { offsets: Uint32Array; entries: Uint32Array }): number[][] {
    const out: number[][] = [];
    for (let k = 0; k + 1 < l.offsets.length; k++) {
      if (l.offsets[k] === l.offsets[k + 1]) continue;
      out.push([k, ...Array.from(l.entries.subarray(l.offsets[k], l.offsets[k + 1])).sort((a, b) => a - b)]);
    }
    return out;
  }

  itGpu("GPU digits + bucket sort equal the host's (random, witness, zero, p−1, all-equal; c = 2..15)", async () => {
    const n = 700;
    const inputs: [string, bigint[], number][] = [
      ["random", Array.from({ length: n }, () => randomScalar()), 32],
      ["witness", Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0n : i % 11 === 0 ? BigInt(i) * 977n : 1n)), 32],
      ["zero", Array.from({ length: n }, () => 0n), 32],
      [
        "p-1 and edges",
        Array.from({ length: n }, (_, i) => [P - 1n, P - 2n, (P - 1n) / 2n, 1n << 253n, 0n][i % 5]),
        32,
      ],
      ["all equal (one bucket a window)", Array.from({ length: n }, () => 0x1234567n), 32],
      ["1-byte", Array.from({ length: n }, (_, i) => BigInt((i * 37) % 256)), 1],
      ["8-byte", Array.from({ length: n }, (_, i) => (BigInt(i) << 45n) ^ 0xfedcba9876543n), 8],
      ["3-byte (rows not word-aligned)", Array.from({ length: n }, (_, i) => BigInt((i * 7919) % (1 << 24))), 3],
    ];
    for (const [name, values, bytes] of inputs) {
      const le = scalarsToLe(values, bytes);
      for (const c of [2, 5, 13, 15]) {
        const host = hostBucketLists(le, bytes, c);
        const dev = await gpu.bucketLists(le, bytes, c);
        assert.deepEqual(dev.offsets, host.offsets, `${name}, c=${c}: bucket offsets`);
        assert.deepEqual(canonical(dev), canonical(host), `${name}, c=${c}: bucket contents`);
        if (name === "zero") assert.equal(dev.entries.length, 0, "zero digits are skipped");
      }
    }
    // Witness-like: zero digits take no place in the lists (only the nonzero scalars' low digits).
    const bits = scalarsToLe(Array.from({ length: n }, (_, i) => BigInt(i % 2)));
    assert.equal((await gpu.bucketLists(bits, 32, 13)).entries.length, n / 2);
  });

  itGpu(
    "GPU sort and host sort: the same MSM as noble (uniform, witness, zero, all-equal, edge bases; GLV, partition)",
    async () => {
      const big = await testSrs(1000);
      const inf = { x: 0n, y: 0n };
      // Edge bases: infinity, a repeated point, P and −P among the SRS points.
      const pts = Array.from({ length: 1000 }, (_, i) => srsG1(big, i));
      pts[3] = inf;
      pts[10] = pts[11] = pts[12] = pts[5];
      pts[20] = g1Neg(pts[21]);
      const bases = lem(pts);
      const cases: [string, bigint[]][] = [
        ["uniform", Array.from({ length: 1000 }, () => randomScalar())],
        ["witness", Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 0n : i % 97 === 0 ? randomScalar() : 1n))],
        ["zero", Array.from({ length: 1000 }, () => 0n)],
        ["all p−1", Array.from({ length: 1000 }, () => P - 1n)],
        ["all equal", Array.from({ length: 1000 }, () => 5n)],
      ];
      try {
        for (const [name, s] of cases) {
          const want = await noble.msm(bases, scalarsToLe(s));
          for (const [sort, glv, partition] of [
            ["gpu", false, true],
            ["host", false, true],
            ["gpu", true, true],
            ["gpu", false, false],
            ["gpu", true, false],
          ] as const) {
            gpu.configure({ sort, glv, partition });
            assert.deepEqual(
              await gpu.msm(bases, scalarsToLe(s)),
              want,
              `${name}: ${sort} glv=${glv} part=${partition}`,
            );
          }
        }
      } finally {
        gpu.configure({ sort: "gpu", glv: false, partition: true });
      }
    },
  );

  itGpu("both sorts reject a scalar ≥ p with a typed error naming its index", async () => {
    const le = scalarsToLe([1n, 2n, 3n, 4n, 5n]);
    let v = P + 7n;
    for (let j = 0; j < 32; j++, v >>= 8n) le[3 * 32 + j] = Number(v & 0xffn);
    try {
      for (const sort of ["gpu", "host"] as const) {
        for (const partition of [true, false]) {
          gpu.configure({ sort, partition });
          await assert.rejects(gpu.msm(srs.g1Lem.subarray(0, 64 * 5), le), (e: Error) => {
            assert.ok(e instanceof MsmInputError, `${sort}: ${e.name}`);
            assert.match(String((e as MsmInputError).details), /index 3\b/);
            return true;
          });
        }
      }
      assert.throws(() => gpu.configure({ sort: "cuda" as "gpu" }), MsmInputError);
    } finally {
      gpu.configure({ sort: "gpu", partition: true });
    }
  });

  itGpu("2^22 bases (X and Y buffers of 128 MiB each: the binding limit) run, and are uploaded once", async () => {
    const n = 1 << 22;
    const limit = gpu.device.limits.maxStorageBufferBindingSize;
    const pattern = lem(g.slice(1, 9));
    const bases = new Uint8Array(64 * n);
    bases.set(pattern);
    for (let have = pattern.length; have < bases.length; have *= 2) bases.copyWithin(have, 0, have);
    const at = [0, 1, 7, 1 << 21, n - 2, n - 1];
    const run = async (vals: bigint[]) => {
      const scalars = new Uint8Array(32 * n);
      const le = scalarsToLe(vals);
      for (const [j, i] of at.entries()) scalars.set(le.subarray(32 * j, 32 * j + 32), 32 * i);
      return gpu.msm(bases, scalars);
    };
    const expect = (vals: bigint[]) =>
      naive(
        at.map((i) => g[1 + (i % 8)]),
        vals,
      );
    const queue = gpu.device.queue;
    const write = queue.writeBuffer.bind(queue);
    let bigWrites = 0;
    queue.writeBuffer = ((buf: GPUBuffer, off: number, data: ArrayBufferView | ArrayBuffer, ...rest: number[]) => {
      // Bases only (the GPU sort uploads the 128 MiB of raw scalars at every call, as it should).
      if (data.byteLength >= 1 << 26 && buf.label.startsWith("msm-bases")) bigWrites++;
      return write(buf, off, data, ...rest);
    }) as typeof queue.writeBuffer;
    try {
      const a = [P - 1n, 1n, randomScalar(), randomScalar(), 12345n, P - 1n];
      assert.deepEqual(await run(a), expect(a));
      assert.equal(bigWrites, 2, "X and Y uploaded once each");
      assert.ok(32 * n <= limit, `each coordinate buffer (${32 * n} bytes) within one binding (${limit})`);
      const b = [1n, 0n, P - 2n, 1n, randomScalar(), 3n];
      assert.deepEqual(await run(b), expect(b));
      assert.equal(bigWrites, 2, "resident: the second MSM uploaded no bases");
    } finally {
      queue.writeBuffer = write;
    }
  });

  itGpu("commitPacked hands it the whole vector over the SRS prefix (with and without a blind)", async () => {
    const big = await testSrs(600);
    const v = Array.from({ length: 599 }, (_, i) => (i % 5 === 0 ? randomScalar() : BigInt(i % 2)));
    for (const blind of [0n, randomScalar()]) {
      assert.deepEqual(await commitPacked(big, packFr(v), blind, gpu), await commit(big, v, blind, noble));
    }
    const bad = packFr(v);
    bad.fill(0xff, 32, 64);
    await assert.rejects(commitPacked(big, bad, 0n, gpu), MsmInputError);
  });

  itGpu("rejects scalars ≥ p and mismatched buffers; resident bases follow a changed buffer", async () => {
    const raw = new Uint8Array(32);
    let v = P;
    for (let j = 0; j < 32; j++, v >>= 8n) raw[j] = Number(v & 0xffn);
    await assert.rejects(gpu.msm(srs.g1Lem.subarray(0, 64), raw), MsmInputError);
    await assert.rejects(gpu.msm(srs.g1Lem.subarray(0, 128), scalarsToLe([1n])), MsmInputError);
    const bases = lem([g[1], g[2]]);
    assert.deepEqual(await gpu.msm(bases, scalarsToLe([1n, 1n])), g1Add(g[1], g[2]));
    g1ToLem(g[5], bases, 64);
    assert.deepEqual(await gpu.msm(bases, scalarsToLe([1n, 1n])), g1Add(g[1], g[5]));
  });

  itGpu("commitments use it through the default-backend seam (commit() equals the noble backend's)", async () => {
    const v = Array.from({ length: 50 }, (_, i) => (i % 4 === 0 ? randomScalar() : BigInt(i % 2)));
    const expected = await commit(srs, v, 0n, noble);
    setDefaultMsmBackend(gpu);
    try {
      assert.deepEqual(await commit(srs, v), expected);
    } finally {
      setDefaultMsmBackend(noble);
      await terminateDefaultMsmBackend();
    }
  });
});
