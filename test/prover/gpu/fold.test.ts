import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { bigintKernels, type FrVec, packCsr, packFr, unpackFr } from "../../../prover/src/arith/kernels.js";
import { shapeFromRows } from "../../../prover/src/arith/r1cs.js";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { FrVectorLengthError } from "../../../prover/src/errors/arith.js";
import { FieldElementError } from "../../../prover/src/errors/curve.js";
import { MsmBackendSelectionError } from "../../../prover/src/errors/msm.js";
import { P } from "../../../prover/src/field/fr.js";
import { proveFold, type RunningPair } from "../../../prover/src/folding/nifs.js";
import { makeLeaf } from "../../../prover/src/folding/tree.js";
import { createWebGpuFold, firstNonCanonicalFast, type GpuFoldBackend } from "../../../prover/src/gpu/fold.js";
import { defaultFoldBackend, foldChoice, setDefaultFoldBackend } from "../../../prover/src/gpu/select.js";
import { createNobleBackend } from "../../../prover/src/msm/cpu/noble.js";
import { requestNodeGpuDevice, webGpuUnavailableReason } from "../../../prover/src/msm/webgpu/node.js";
import { itIfAvailable } from "../../helpers/optional.js";
import { type TestCircuit, testCircuit, witnessChain } from "../../helpers/prover.js";

const noGpu = await webGpuUnavailableReason();
const itGpu = itIfAvailable(noGpu);

const rand = (): bigint => BigInt(`0x${randomBytes(32).toString("hex")}`) % P;
/** Witness-like: mostly 0 and 1, some small, a few full-width (hash outputs). */
const witnessLike = (i: number): bigint =>
  i % 3 === 0 ? 0n : i % 17 === 0 ? BigInt(randomBytes(2).readUInt16LE()) : i % 101 === 0 ? rand() : 1n;
const edge = [0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, (1n << 253n) - 1n, 1n << 128n];

/** Vectors of length n of each kind: random, witness-like, zero, edge values (cycled). */
function kinds(n: number): Record<string, bigint[]> {
  return {
    random: Array.from({ length: n }, rand),
    witness: Array.from({ length: n }, (_, i) => witnessLike(i)),
    zero: Array.from({ length: n }, () => 0n),
    edge: Array.from({ length: n }, (_, i) => edge[i % edge.length]),
  };
}

function products(v: () => bigint[]) {
  return { Az: packFr(v()), Bz: packFr(v()), Cz: packFr(v()) };
}

const hex = (v: FrVec) => Buffer.from(v).toString("hex");

describe("GPU fold step: host side (runs everywhere)", () => {
  it("firstNonCanonicalFast finds the first element ≥ p (p, p+1, 2^256−1) and passes p−1", () => {
    const v = packFr([0n, P - 1n, 5n]);
    assert.equal(firstNonCanonicalFast(v), -1);
    for (const bad of [P, P + 1n, (1n << 256n) - 1n, P + (1n << 200n)]) {
      const w = new Uint8Array(v);
      let x = bad;
      for (let j = 0; j < 32; j++) {
        w[64 + j] = Number(x & 0xffn);
        x >>= 8n;
      }
      assert.equal(firstNonCanonicalFast(w), 2, `value ${bad}`);
    }
  });

  it("NOVANET_FOLD selects the fold backend; unset it follows NOVANET_MSM; a bad value is a typed error", () => {
    assert.equal(foldChoice(undefined, undefined), "cpu");
    assert.equal(foldChoice(undefined, "native"), "cpu");
    assert.equal(foldChoice(undefined, "webgpu"), "webgpu");
    assert.equal(foldChoice(undefined, "auto"), "auto");
    assert.equal(foldChoice("cpu", "webgpu"), "cpu");
    assert.equal(foldChoice("webgpu", undefined), "webgpu");
    assert.throws(() => foldChoice("cuda", undefined), MsmBackendSelectionError);
  });
});

describe("GPU fold step: the WGSL kernels against the bigint reference (on whatever adapter Dawn finds)", function () {
  this.timeout(600_000);
  let gpu: GpuFoldBackend;
  let device: GPUDevice;
  before(async () => {
    if (noGpu) return;
    const got = await requestNodeGpuDevice();
    if ("reason" in got) throw new Error(got.reason);
    device = got.device;
    gpu = await createWebGpuFold(got.device, got.adapter);
  });

  itGpu("crossTerm equals the reference on random, witness-like, zero and edge (p−1) inputs, any u", async () => {
    const n = 333;
    for (const [kind, _] of Object.entries(kinds(1))) {
      const gen = () => kinds(n)[kind];
      const abc1 = products(gen);
      const abc2 = products(gen);
      for (const [u1, u2] of [
        [1n, 1n],
        [rand(), rand()],
        [0n, P - 1n],
      ]) {
        const want = bigintKernels.crossTerm(abc1, u1, abc2, u2);
        assert.equal(hex(await gpu.crossTerm(abc1, u1, abc2, u2)), hex(want), `${kind} u=(${u1}, ${u2})`);
      }
    }
  });

  itGpu("axpy and fold3 equal the reference (r random, 0, 1, p−1; every input kind)", async () => {
    const n = 517;
    const all = kinds(n);
    for (const [kind, a] of Object.entries(all)) {
      const b = kinds(n).edge.map((x, i) => (i % 2 ? x : all.random[i]));
      const t = kinds(n)[kind];
      for (const r of [rand(), 0n, 1n, P - 1n]) {
        const r2 = (r * r) % P;
        const [pa, pb, pt] = [packFr(a), packFr(b), packFr(t)];
        assert.equal(hex(await gpu.axpy(pa, r, pb)), hex(bigintKernels.axpy(pa, r, pb)), `axpy ${kind} r=${r}`);
        assert.equal(
          hex(await gpu.fold3(pa, r, pt, r2, pb)),
          hex(bigintKernels.fold3(pa, r, pt, r2, pb)),
          `fold3 ${kind} r=${r}`,
        );
      }
    }
  });

  itGpu("products (stacked CSR, uploaded once) equal the reference spmv on a random shape and z", async () => {
    const m = 300;
    const nVars = 211;
    const coef = () => [1n, P - 1n, 2n, rand()][Math.floor(Math.random() * 4)];
    const row = () => {
      const r: Record<number, bigint> = {};
      const k = Math.floor(Math.random() * 5);
      for (let j = 0; j < k; j++) r[Math.floor(Math.random() * nVars)] = coef();
      return r;
    };
    const shape = shapeFromRows({
      nVars,
      nPubOut: 1,
      nPubIn: 1,
      A: Array.from({ length: m }, row),
      B: Array.from({ length: m }, row),
      C: Array.from({ length: m }, row),
    });
    for (const [kind, z] of Object.entries(kinds(nVars))) {
      const zp = packFr(z);
      const got = await gpu.products(shape, zp);
      for (const [k, M] of [
        ["Az", shape.A],
        ["Bz", shape.B],
        ["Cz", shape.C],
      ] as const) {
        assert.equal(hex(got[k]), hex(bigintKernels.spmv(packCsr(M), zp)), `${k} ${kind}`);
      }
    }
    // Past one binding (forced here with a 1 KiB limit: ≤ 32 coefficients a part, parts straddling A, B
    // and C): the stacked CSR is uploaded in row ranges, one dispatch each, with the same products.
    const small = await createWebGpuFold(device, gpu.adapter, { csrBinding: 1024 });
    try {
      const zp = packFr(kinds(nVars).random);
      const want = await gpu.products(shape, zp);
      const got = await small.products(shape, zp);
      for (const k of ["Az", "Bz", "Cz"] as const) assert.equal(hex(got[k]), hex(want[k]), `split ${k}`);
    } finally {
      small.release();
    }
  });

  itGpu("rejects non-canonical inputs and wrong lengths with typed errors naming the vector", async () => {
    const good = packFr([1n, 2n, 3n]);
    const bad = new Uint8Array(good);
    bad.fill(0xff, 32, 64);
    await assert.rejects(
      gpu.axpy(good, 1n, bad),
      (e: Error) => e instanceof FieldElementError && /b\[1\]/.test(e.message),
    );
    await assert.rejects(gpu.axpy(good, 1n, packFr([1n])), FrVectorLengthError);
    await assert.rejects(gpu.axpy(good, P, good), FieldElementError);
    const abc = { Az: good, Bz: good, Cz: bad };
    await assert.rejects(
      gpu.crossTerm({ Az: good, Bz: good, Cz: good }, 1n, abc, 1n),
      (e: Error) => e instanceof FieldElementError && /Cz2\[1\]/.test(e.message),
    );
  });

  describe("a whole fold step on a real circuit (mix2): the GPU path equals the CPU path", () => {
    const backend = createNobleBackend();
    const srs = srsFromTau(0x5eedn, 64);
    const domain = `0x${"22".repeat(32)}` as const;
    let c: TestCircuit;
    let leaves: RunningPair[];
    let cpuLeaves: RunningPair[];
    before(async () => {
      if (noGpu) return;
      c = await testCircuit("mix2");
      const ws = await witnessChain(c.source, [5n, 6n], 3);
      const mk = (fold: GpuFoldBackend | "cpu") =>
        Promise.all(ws.map((w, k) => makeLeaf(c.shape, srs, w, { k, backend, fold })));
      leaves = (await mk(gpu)).map((l) => ({ U: l.node.U, W: l.W, abc: l.abc }));
      cpuLeaves = (await mk("cpu")).map((l) => ({ U: l.node.U, W: l.W, abc: l.abc }));
    });

    itGpu("leaf products on the GPU equal the CPU's; two folds give the same T, cmT, r, U, W, E, abc", async () => {
      for (let k = 0; k < leaves.length; k++) {
        for (const p of ["Az", "Bz", "Cz"] as const) assert.equal(hex(leaves[k].abc[p]), hex(cpuLeaves[k].abc[p]));
      }
      const ctx = { shape: c.shape, srs, domain, jobId: 4n, backend };
      const g1 = await proveFold({ ...ctx, fold: gpu }, 7n, leaves[0], leaves[1]);
      const c1 = await proveFold({ ...ctx, fold: "cpu", kernels: bigintKernels }, 7n, cpuLeaves[0], cpuLeaves[1]);
      const g2 = await proveFold({ ...ctx, fold: gpu }, 9n, g1.folded, leaves[2]);
      const c2 = await proveFold({ ...ctx, fold: "cpu", kernels: bigintKernels }, 9n, c1.folded, cpuLeaves[2]);
      for (const [g, cp] of [
        [g1, c1],
        [g2, c2],
      ]) {
        assert.equal(hex(g.T), hex(cp.T));
        assert.deepEqual(g.cmT, cp.cmT);
        assert.equal(g.r, cp.r);
        assert.deepEqual(g.folded.U, cp.folded.U);
        assert.deepEqual(g.folded.W.W, cp.folded.W.W);
        assert.deepEqual(g.folded.W.E, cp.folded.W.E);
        assert.equal(g.folded.W.rE, cp.folded.W.rE);
        for (const p of ["Az", "Bz", "Cz"] as const) assert.equal(hex(g.folded.abc[p]), hex(cp.folded.abc[p]));
      }
      // The second fold's E is non-zero (a real relaxed instance), so the error fold was exercised.
      assert.ok(unpackFr(packFr(g2.folded.W.E)).some((e) => e !== 0n));
    });

    itGpu("NOVANET_FOLD=webgpu: proveFold without fold/kernels takes the default GPU backend; =cpu: none", async () => {
      const saved = process.env.NOVANET_FOLD;
      try {
        process.env.NOVANET_FOLD = "cpu";
        assert.equal(await defaultFoldBackend(), undefined);
        process.env.NOVANET_FOLD = "webgpu";
        const made = await defaultFoldBackend();
        assert.match(made?.name ?? "", /^webgpu-fold/);
        let begun = 0;
        setDefaultFoldBackend({
          ...gpu,
          begin: (input) => {
            begun++;
            return gpu.begin(input);
          },
        });
        const ctx = { shape: c.shape, srs, domain, jobId: 4n, backend };
        const g = await proveFold(ctx, 7n, leaves[0], leaves[1]);
        const cpu = await proveFold({ ...ctx, fold: "cpu" }, 7n, cpuLeaves[0], cpuLeaves[1]);
        assert.equal(begun, 1);
        assert.equal(hex(g.T), hex(cpu.T));
        assert.deepEqual(g.folded.U, cpu.folded.U);
      } finally {
        setDefaultFoldBackend(undefined);
        if (saved === undefined) delete process.env.NOVANET_FOLD;
        else process.env.NOVANET_FOLD = saved;
      }
    });
  });
});
