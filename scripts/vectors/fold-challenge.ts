/**
 * Regenerates test/vectors/fold-challenge.json: fold-challenge vectors shared by the TypeScript prover
 * (test/prover/folding/vectors.test.ts) and the Solidity `Fold` library's tests. Deterministic: every
 * value is derived from a fixed seed, so running it twice gives the same file.
 *
 * Usage: npx tsx scripts/vectors/fold-challenge.ts            (writes the file)
 *        npx tsx scripts/vectors/fold-challenge.ts --check    (exits 1 if the file differs)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Address, type Hex, keccak256, toHex } from "viem";
import type { RelaxedInstance } from "../../prover/src/arith/relaxed.js";
import { G1_GENERATOR, G1_ZERO, type G1Affine, g1Mul, P } from "../../prover/src/curve/bn254.js";
import { foldInstances } from "../../prover/src/folding/nifs.js";
import {
  DOMAIN_TAG,
  domainSeparator,
  foldChallenge,
  foldChallengeInput,
  instanceHash,
} from "../../prover/src/folding/transcript.js";
import { nodeId } from "../../prover/src/folding/tree.js";

export const VECTOR_FILE = "test/vectors/fold-challenge.json";
const SEED = "NovaNet fold-challenge vectors v1";

/** The i-th pseudo-random F_p element of the fixed seed: keccak256(seed ‖ i) mod p. */
function scalar(label: string): bigint {
  return BigInt(keccak256(toHex(`${SEED}/${label}`))) % P;
}

function point(label: string): G1Affine {
  return g1Mul(G1_GENERATOR, scalar(label));
}

function bytes32(label: string): Hex {
  return keccak256(toHex(`${SEED}/${label}`));
}

type JsonPoint = { x: string; y: string };
type JsonInstance = { cmW: JsonPoint; cmE: JsonPoint; u: string; x: string[] };

const pj = (p: G1Affine): JsonPoint => ({ x: p.x.toString(), y: p.y.toString() });
const ij = (U: RelaxedInstance): JsonInstance => ({
  cmW: pj(U.cmW),
  cmE: pj(U.cmE),
  u: U.u.toString(),
  x: U.x.map(String),
});

function leafInstance(label: string, xLen: number): RelaxedInstance {
  return {
    cmW: point(`${label}/cmW`),
    cmE: G1_ZERO,
    u: 1n,
    x: Array.from({ length: xLen }, (_, i) => scalar(`${label}/x/${i}`)),
  };
}

function runningInstance(label: string, xLen: number): RelaxedInstance {
  return { ...leafInstance(label, xLen), cmE: point(`${label}/cmE`), u: scalar(`${label}/u`) };
}

type CaseSpec = {
  name: string;
  chainId: bigint;
  market: Address;
  jobId: bigint;
  a: number;
  c: number;
  U1: RelaxedInstance;
  U2: RelaxedInstance;
};

function cases(): CaseSpec[] {
  return [
    {
      name: "two leaves, s = 1 (x of length 2), local bundle",
      chainId: 0n,
      market: "0x0000000000000000000000000000000000000000",
      jobId: 0n,
      a: 0,
      c: 2,
      U1: leafInstance("c0/U1", 2),
      U2: leafInstance("c0/U2", 2),
    },
    {
      name: "two running instances, s = 8 (x of length 16), on a market",
      chainId: 31337n,
      market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      jobId: 7n,
      a: 8,
      c: 13,
      U1: runningInstance("c1/U1", 16),
      U2: runningInstance("c1/U2", 16),
    },
    {
      name: "leaf and running instance, s = 2 (x of length 4), large ids",
      chainId: 11155111n,
      market: "0x00000000000000000000000000000000DeaDBeef",
      jobId: (1n << 255n) + 12345n,
      a: 1024,
      c: 1027,
      U1: runningInstance("c2/U1", 4),
      U2: leafInstance("c2/U2", 4),
    },
    {
      name: "x entries at the edges of the field (0, 1, p − 1), s = 1",
      chainId: 1n,
      market: "0xffffffffffffffffffffffffffffffffffffffff",
      jobId: 1n,
      a: 0,
      c: 3,
      U1: { ...leafInstance("c3/U1", 2), x: [0n, P - 1n] },
      U2: { ...runningInstance("c3/U2", 2), x: [1n, P - 1n], u: P - 1n },
    },
  ];
}

/** Builds the vector file's content from the fixed seed. */
export function buildFoldChallengeVectors() {
  return {
    description:
      "Fold challenge r = uint256(keccak256(abi.encode(bytes32 DOMAIN, uint256 jobId, uint256 nodeId, Instance U1, Instance U2, G1 cmT))) mod p and the folded instance U, per docs/protocol.md §7. All numbers are decimal strings; bytes are 0x-hex.",
    generator: "scripts/vectors/fold-challenge.ts (deterministic, fixed seed)",
    spec: "docs/protocol.md §7",
    p: P.toString(),
    domainTag: DOMAIN_TAG,
    domainAbi: "abi.encode(string tag, uint256 chainId, address market, bytes32 r1csHash, bytes32 srsDigest)",
    instanceAbi: "(uint256 cmWx, uint256 cmWy, uint256 cmEx, uint256 cmEy, uint256 u, uint256[] x)",
    cases: cases().map((k, i) => {
      const domainInputs = {
        tag: DOMAIN_TAG,
        chainId: k.chainId,
        market: k.market,
        r1csHash: bytes32(`c${i}/r1cs`),
        srsDigest: bytes32(`c${i}/srs`),
      };
      const domain = domainSeparator(domainInputs);
      const id = nodeId(k.a, k.c);
      const cmT = point(`c${i}/cmT`);
      const encoded = foldChallengeInput(domain, k.jobId, id, k.U1, k.U2, cmT);
      const r = foldChallenge(domain, k.jobId, id, k.U1, k.U2, cmT);
      const U = foldInstances(k.U1, k.U2, cmT, r);
      return {
        name: k.name,
        domainInputs: { ...domainInputs, chainId: k.chainId.toString() },
        domain,
        jobId: k.jobId.toString(),
        node: { a: k.a, c: k.c },
        nodeId: id.toString(),
        U1: ij(k.U1),
        U2: ij(k.U2),
        cmT: pj(cmT),
        encoded,
        challengeHash: keccak256(encoded),
        r: r.toString(),
        U: ij(U),
        instanceHash: { U1: instanceHash(k.U1), U2: instanceHash(k.U2), U: instanceHash(U) },
      };
    }),
  };
}

export function renderFoldChallengeVectors(): string {
  return `${JSON.stringify(buildFoldChallengeVectors(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = renderFoldChallengeVectors();
  if (process.argv.includes("--check")) {
    const current = readFileSync(VECTOR_FILE, "utf8");
    if (current !== text) {
      console.error(`${VECTOR_FILE} is out of date: run npx tsx scripts/vectors/fold-challenge.ts`);
      process.exit(1);
    }
    console.log(`${VECTOR_FILE} is up to date`);
  } else {
    writeFileSync(VECTOR_FILE, text);
    console.log(`wrote ${VECTOR_FILE}`);
  }
}
