/**
 * Regenerates test/vectors/kzg-batch.json: KZG opening vectors (docs/protocol.md §7) for the Solidity
 * `Kzg` library and the TypeScript verifier (test/prover/commitment/vectors.test.ts). Deterministic:
 * the SRS comes from a fixed, PUBLIC τ (fine for test vectors, never for proofs) and every vector from a
 * fixed seed.
 *
 * Each case: two commitments `cm1`, `cm2`, a point `ζ`, claimed values `y1`, `y2`, proofs `π1`, `π2`,
 * the batching scalar `ρ = keccak256(abi.encode(cm1, cm2, ζ, y1, y2, π1, π2)) mod p`, the two G1
 * arguments `L`, `R` of `e(L, G2) · e(−R, [τ]G2) = 1`, and whether the batch must be accepted.
 *
 * Usage: npx tsx scripts/vectors/kzg-batch.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { keccak256, toHex } from "viem";
import { type BatchOpening, batchChallenge, batchVerify, open } from "../../prover/src/commitment/kzg.js";
import { commit } from "../../prover/src/commitment/pedersen.js";
import { srsFromTau } from "../../prover/src/commitment/srs.js";
import { G1_GENERATOR, type G1Affine, g1Add, g1Mul, g1Neg, g2ToEvm, P } from "../../prover/src/curve/bn254.js";
import { createNobleBackend } from "../../prover/src/msm/cpu/noble.js";

export const KZG_VECTOR_FILE = "test/vectors/kzg-batch.json";
const SEED = "NovaNet kzg-batch vectors v1";
/** Public test τ: anyone can forge openings against this SRS. */
const TEST_TAU = BigInt(keccak256(toHex(`${SEED}/tau`))) % P;
const N = 16;

function scalar(label: string): bigint {
  return BigInt(keccak256(toHex(`${SEED}/${label}`))) % P;
}

const pj = (p: G1Affine) => ({ x: p.x.toString(), y: p.y.toString() });

function terms(b: BatchOpening) {
  const rho = batchChallenge(b);
  const li = (cm: G1Affine, y: bigint, pi: G1Affine) =>
    g1Add(g1Add(cm, g1Neg(g1Mul(G1_GENERATOR, y))), g1Mul(pi, b.zeta));
  return {
    rho,
    L: g1Add(li(b.cm1, b.y1, b.pi1), g1Mul(li(b.cm2, b.y2, b.pi2), rho)),
    R: g1Add(b.pi1, g1Mul(b.pi2, rho)),
  };
}

export async function buildKzgBatchVectors() {
  const srs = srsFromTau(TEST_TAU, N);
  const backend = createNobleBackend();
  const vec = (label: string, len: number) => Array.from({ length: len }, (_, i) => scalar(`${label}/${i}`));
  const cases = [];
  const specs = [
    {
      name: "W (length 10, hiding) and E (length 12)",
      v1: vec("c0/v1", 10),
      b1: scalar("c0/b1"),
      v2: vec("c0/v2", 12),
      b2: 0n,
    },
    {
      name: "E = 0 (a leaf): cm2 = (0, 0), y2 = 0, π2 = (0, 0)",
      v1: vec("c1/v1", 7),
      b1: 0n,
      v2: [0n, 0n, 0n],
      b2: 0n,
    },
    {
      name: "both hiding, lengths 15 and 1",
      v1: vec("c2/v1", 14),
      b1: scalar("c2/b1"),
      v2: vec("c2/v2", 1),
      b2: scalar("c2/b2"),
    },
  ];
  for (const [i, s] of specs.entries()) {
    const zeta = scalar(`c${i}/zeta`);
    const o1 = await open(srs, s.v1, zeta, s.b1, backend);
    const o2 = await open(srs, s.v2, zeta, s.b2, backend);
    const honest: BatchOpening = {
      cm1: await commit(srs, s.v1, s.b1, backend),
      cm2: await commit(srs, s.v2, s.b2, backend),
      zeta,
      y1: o1.y,
      y2: o2.y,
      pi1: o1.pi,
      pi2: o2.pi,
    };
    const variants: [string, BatchOpening][] = [
      ["honest", honest],
      ["y1 + 1", { ...honest, y1: (honest.y1 + 1n) % P }],
      ["y2 + 1", { ...honest, y2: (honest.y2 + 1n) % P }],
      ["π1 + G1", { ...honest, pi1: g1Add(honest.pi1, G1_GENERATOR) }],
      ["ζ + 1", { ...honest, zeta: (honest.zeta + 1n) % P }],
    ];
    for (const [what, b] of variants) {
      const t = terms(b);
      cases.push({
        name: `${s.name}: ${what}`,
        cm1: pj(b.cm1),
        cm2: pj(b.cm2),
        zeta: b.zeta.toString(),
        y1: b.y1.toString(),
        y2: b.y2.toString(),
        pi1: pj(b.pi1),
        pi2: pj(b.pi2),
        rho: t.rho.toString(),
        L: pj(t.L),
        R: pj(t.R),
        valid: batchVerify(srs, b),
      });
    }
  }
  const [[x1, x0], [y1, y0]] = g2ToEvm(srs.tauG2);
  return {
    description:
      "Batched KZG openings per docs/protocol.md §7: rho = uint256(keccak256(abi.encode(G1 cm1, G1 cm2, uint256 zeta, uint256 y1, uint256 y2, G1 pi1, G1 pi2))) mod p; accept iff e(L, G2)·e(-R, [tau]G2) = 1 with L = (cm1 - y1·G1 + zeta·pi1) + rho·(cm2 - y2·G1 + zeta·pi2), R = pi1 + rho·pi2. Decimal strings.",
    generator: "scripts/vectors/kzg-batch.ts (deterministic; PUBLIC test tau, never use this SRS for proofs)",
    spec: "docs/protocol.md §7",
    tauG2: {
      x: [x1.toString(), x0.toString()],
      y: [y1.toString(), y0.toString()],
      order: "EIP-197 [[x1, x0], [y1, y0]]",
    },
    cases,
  };
}

export async function renderKzgBatchVectors(): Promise<string> {
  return `${JSON.stringify(await buildKzgBatchVectors(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await renderKzgBatchVectors();
  if (process.argv.includes("--check")) {
    if (readFileSync(KZG_VECTOR_FILE, "utf8") !== text) {
      console.error(`${KZG_VECTOR_FILE} is out of date: run npx tsx scripts/vectors/kzg-batch.ts`);
      process.exit(1);
    }
    console.log(`${KZG_VECTOR_FILE} is up to date`);
  } else {
    writeFileSync(KZG_VECTOR_FILE, text);
    console.log(`wrote ${KZG_VECTOR_FILE}`);
  }
}
