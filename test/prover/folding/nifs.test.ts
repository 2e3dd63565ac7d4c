import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bigintKernels,
  loadNativeKernels,
  packProducts,
  unpackFr,
  unpackProducts,
} from "../../../prover/src/arith/kernels.js";
import { multiply } from "../../../prover/src/arith/r1cs.js";
import { assembleZ, isRelaxedSatisfied, type RelaxedWitness } from "../../../prover/src/arith/relaxed.js";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, type G1Affine, g1Add, g1Mul, g1Neg, randomScalar } from "../../../prover/src/curve/bn254.js";
import { InvalidPointError } from "../../../prover/src/errors/curve.js";
import { P } from "../../../prover/src/field/fr.js";
import {
  crossTerm,
  foldInstances,
  foldInstancesReference,
  foldProducts,
  foldWitnesses,
  proveFold,
  type RunningPair,
  verifyFold,
} from "../../../prover/src/folding/nifs.js";
import { makeLeaf } from "../../../prover/src/folding/tree.js";
import { loadNativeMsm, nativeMsmLoadError } from "../../../prover/src/msm/cpu/native.js";
import { createNobleBackend } from "../../../prover/src/msm/cpu/noble.js";
import { itIfAvailable } from "../../helpers/optional.js";
import { type TestCircuit, testCircuit, witnessChain } from "../../helpers/prover.js";

const fr = fc.bigInt({ min: 0n, max: P - 1n });
const backend = createNobleBackend();
const srs = srsFromTau(0xabcdefn, 32);
const domain = `0x${"11".repeat(32)}` as const;

async function pairs(c: TestCircuit): Promise<RunningPair[]> {
  const ws = await witnessChain(c.source, [5n, 6n], 4);
  const leaves = await Promise.all(ws.map((w, k) => makeLeaf(c.shape, srs, w, { k, backend })));
  return leaves.map((l) => ({ U: l.node.U, W: l.W, abc: l.abc }));
}

describe("folding/nifs", () => {
  let c: TestCircuit;
  let leaves: RunningPair[];
  let running: RunningPair;
  before(async () => {
    c = await testCircuit("mix2");
    leaves = await pairs(c);
    running = (await proveFold({ shape: c.shape, srs, domain, jobId: 0n, backend }, 7n, leaves[0], leaves[1])).folded;
  });

  it("property: for any r, the fold of two satisfied pairs is satisfied and its products are A·z etc.", () => {
    fc.assert(
      fc.property(fr, (r) => {
        const [L, R] = [running, leaves[2]];
        const T = crossTerm(unpackProducts(L.abc), L.U.u, unpackProducts(R.abc), R.U.u);
        const U = foldInstances(L.U, R.U, { x: 0n, y: 0n }, r);
        const W = foldWitnesses(L.W, R.W, T, 0n, r);
        assert.ok(isRelaxedSatisfied(c.shape, U, W));
        assert.deepEqual(
          foldProducts(unpackProducts(L.abc), unpackProducts(R.abc), r),
          multiply(c.shape, assembleZ(c.shape, U.u, U.x, W.W)),
        );
      }),
      { numRuns: 25 },
    );
  });

  it("property: if either input is unsatisfied (one E or W entry off), the fold is unsatisfied", () => {
    fc.assert(
      fc.property(fr, fc.boolean(), fc.boolean(), fc.nat(), (r, leftBad, inE, at) => {
        fc.pre(r !== 0n);
        const bad = (p: RunningPair): RunningPair => {
          const W: RelaxedWitness = { ...p.W, W: [...p.W.W], E: [...p.W.E] };
          if (inE) W.E[at % W.E.length] = (W.E[at % W.E.length] + 1n) % P;
          else W.W[at % W.W.length] = (W.W[at % W.W.length] + 1n) % P;
          return { ...p, W, abc: packProducts(multiply(c.shape, assembleZ(c.shape, p.U.u, p.U.x, W.W))) };
        };
        const L = leftBad ? bad(running) : running;
        const R = leftBad ? leaves[2] : bad(leaves[2]);
        fc.pre(!isRelaxedSatisfied(c.shape, L.U, L.W) || !isRelaxedSatisfied(c.shape, R.U, R.W));
        const T = crossTerm(unpackProducts(L.abc), L.U.u, unpackProducts(R.abc), R.U.u);
        const U = foldInstances(L.U, R.U, { x: 0n, y: 0n }, r);
        const W = foldWitnesses(L.W, R.W, T, 0n, r);
        assert.equal(isRelaxedSatisfied(c.shape, U, W), false);
      }),
      { numRuns: 25 },
    );
  });

  it("T is the middle coefficient: Az∘Bz − u·Cz of the fold = E1 + r·T + r²·E2 (checked at r = 1, 2, 3)", () => {
    const [L, R] = [running, leaves[3]];
    const T = crossTerm(unpackProducts(L.abc), L.U.u, unpackProducts(R.abc), R.U.u);
    for (const r of [1n, 2n, 3n]) {
      const { Az, Bz, Cz } = foldProducts(unpackProducts(L.abc), unpackProducts(R.abc), r);
      const u = (L.U.u + r * R.U.u) % P;
      const slack = Az.map((a, i) => (((a * Bz[i] - u * Cz[i]) % P) + P) % P);
      const expected = T.map((t, i) => (L.W.E[i] + r * t + r * r * R.W.E[i]) % P);
      assert.deepEqual(slack, expected);
    }
  });

  it("the prover's and the verifier's folded instances agree, with the committed cmT", async () => {
    const proof = await proveFold({ shape: c.shape, srs, domain, jobId: 3n, backend }, 9n, running, leaves[2]);
    const v = verifyFold(domain, 3n, 9n, running.U, leaves[2].U, proof.cmT);
    assert.equal(v.r, proof.r);
    assert.deepEqual(v.U, proof.folded.U);
    assert.notDeepEqual(verifyFold(domain, 3n, 10n, running.U, leaves[2].U, proof.cmT).U, proof.folded.U);
  });

  it("proveFold through the native kernels = through the bigint reference = the bigint fold functions", async () => {
    const native = loadNativeKernels();
    const ctx = { shape: c.shape, srs, domain, jobId: 3n, backend };
    const ref = await proveFold({ ...ctx, kernels: bigintKernels }, 9n, running, leaves[2]);
    const T = crossTerm(unpackProducts(running.abc), running.U.u, unpackProducts(leaves[2].abc), leaves[2].U.u);
    assert.deepEqual(unpackFr(ref.T), T);
    const W = foldWitnesses(running.W, leaves[2].W, T, 0n, ref.r);
    assert.deepEqual([ref.folded.W.W, ref.folded.W.E, ref.folded.W.rW, ref.folded.W.rE], [W.W, W.E, W.rW, W.rE]);
    assert.deepEqual(
      unpackProducts(ref.folded.abc),
      foldProducts(unpackProducts(running.abc), unpackProducts(leaves[2].abc), ref.r),
    );
    if (!native) return;
    const nat = await proveFold({ ...ctx, kernels: native }, 9n, running, leaves[2]);
    assert.deepEqual(nat.T, ref.T);
    assert.deepEqual(nat.folded.U, ref.folded.U);
    assert.deepEqual(nat.folded.abc, ref.folded.abc);
    assert.deepEqual(nat.folded.W.E, ref.folded.W.E);
    assert.deepEqual(nat.folded.W.W, ref.folded.W.W);
  });

  itIfAvailable(loadNativeMsm() ? undefined : `native addon not built (${String(nativeMsmLoadError())})`)(
    "the instance fold on the native MSM = the noble reference (random, r ∈ {0, 1, p−1}, infinity, cancellation, cmE2 = 0); bad points rejected alike",
    () => {
      const G = G1_GENERATOR;
      const pt = (k: bigint): G1Affine => g1Mul(G, k);
      const inf: G1Affine = { x: 0n, y: 0n };
      const U = (cmW: G1Affine, cmE: G1Affine, u: bigint, x: bigint[]) => ({ cmW, cmE, u, x });
      const cases: [ReturnType<typeof U>, ReturnType<typeof U>, G1Affine, bigint][] = [];
      for (let i = 0; i < 6; i++) {
        const r = [randomScalar(), 0n, 1n, P - 1n, 2n, randomScalar()][i];
        cases.push([
          U(pt(randomScalar()), pt(randomScalar()), randomScalar(), [randomScalar(), P - 1n]),
          U(pt(randomScalar()), i % 2 ? inf : pt(randomScalar()), 1n, [0n, randomScalar()]),
          i === 4 ? inf : pt(randomScalar()),
          r,
        ]);
      }
      // cmW1 = −r·cmW2 and cmE1 = −(r·cmT + r²·cmE2): both folds are the identity.
      const r = randomScalar();
      const W2 = pt(randomScalar());
      const T = pt(randomScalar());
      const E2 = pt(randomScalar());
      const E1 = g1Neg(g1Add(g1Mul(T, r), g1Mul(E2, (r * r) % P)));
      cases.push([U(g1Neg(g1Mul(W2, r)), E1, 5n, [1n]), U(W2, E2, 7n, [2n]), T, r]);
      // Equal points (doubling inside the sum): cmW1 = r·cmW2.
      cases.push([U(g1Mul(W2, r), inf, 1n, []), U(W2, inf, 1n, []), inf, r]);
      for (const [U1, U2, cmT, rr] of cases) {
        assert.deepEqual(foldInstances(U1, U2, cmT, rr), foldInstancesReference(U1, U2, cmT, rr), `r = ${rr}`);
      }
      const last = cases[cases.length - 1];
      assert.deepEqual(foldInstances(last[0], last[1], last[2], last[3]).cmW, g1Mul(W2, (2n * r) % P));
      assert.deepEqual(foldInstances(cases[6][0], cases[6][1], cases[6][2], cases[6][3]).cmE, inf);
      // An off-curve point or a non-canonical scalar: the same typed errors as the reference.
      const bad = { x: 1n, y: 1n };
      const [U1, U2, cmT] = cases[0];
      assert.throws(() => foldInstances(U1, U2, bad, 3n), InvalidPointError);
      assert.throws(() => foldInstances({ ...U1, cmW: bad }, U2, cmT, 3n), InvalidPointError);
      assert.throws(() => foldInstancesReference(U1, U2, bad, 3n), InvalidPointError);
      assert.throws(() => foldInstances(U1, U2, cmT, P));
    },
  );
});
