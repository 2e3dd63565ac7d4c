/**
 * Fixtures for the prover-core tests: a small powers-of-tau file made with snarkjs's own API (cached
 * under the gitignored `.novanet/test/`), the test step circuits of test/fixtures/circuits, and
 * witness chains through them.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { loadR1cs, type R1csShape } from "../../prover/src/arith/r1cs.js";
import { computeWitness, type WitnessSource } from "../../prover/src/circuits/witness.js";
import { loadSrsFromPtau, type Srs } from "../../prover/src/commitment/srs.js";

const CACHE = join(".novanet", "test", "ptau");
export const TEST_PTAU_POWER = 10;

type SnarkjsPtau = {
  powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string): Promise<unknown>;
    contribute(oldFile: string, newFile: string, name: string, entropy: string): Promise<unknown>;
  };
};
type FfModule = { getCurveFromName(name: string, singleThread?: boolean): Promise<{ terminate(): Promise<void> }> };

let ptauPromise: Promise<string> | undefined;

/** Path of a 2^10 powers-of-tau file with one deterministic contribution (≈1.5 s the first time). */
export function testPtauPath(): Promise<string> {
  if (!ptauPromise) ptauPromise = makeTestPtau();
  return ptauPromise;
}

async function makeTestPtau(): Promise<string> {
  const file = join(CACHE, `pow${TEST_PTAU_POWER}.ptau`);
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  // Untyped packages: imported by a non-literal specifier so TypeScript does not ask for declarations.
  const snarkjs = (await import(String("snarkjs"))) as SnarkjsPtau;
  const ff = (await import(String("ffjavascript"))) as FfModule;
  const curve = await ff.getCurveFromName("bn128", true);
  const tmp0 = `${file}.${process.pid}.0.tmp`;
  const tmp1 = `${file}.${process.pid}.1.tmp`;
  await snarkjs.powersOfTau.newAccumulator(curve, TEST_PTAU_POWER, tmp0);
  await snarkjs.powersOfTau.contribute(tmp0, tmp1, "novanet test", "novanet test entropy (fixed)");
  renameSync(tmp1, file);
  return file;
}

/** The first `n` powers of the test ptau. */
export async function testSrs(n = 2 ** TEST_PTAU_POWER): Promise<Srs> {
  return loadSrsFromPtau(await testPtauPath(), n);
}

export type TestCircuit = { name: string; shape: R1csShape; source: WitnessSource };

/** A step circuit of test/fixtures/circuits (`cubic`: s = 1, `mix2`: s = 2). */
export async function testCircuit(name: "cubic" | "mix2"): Promise<TestCircuit> {
  const dir = join("test", "fixtures", "circuits");
  const shape = await loadR1cs(join(dir, `${name}.r1cs`));
  return { name, shape, source: { wasmPath: join(dir, `${name}.wasm`), stateWidth: shape.s } };
}

/** The full witnesses of `n` consecutive steps from `z0` (step k's z_in is step k−1's z_out). */
export async function witnessChain(source: WitnessSource, z0: readonly bigint[], n: number): Promise<bigint[][]> {
  const s = source.stateWidth;
  const out: bigint[][] = [];
  let z = [...z0];
  for (let k = 0; k < n; k++) {
    const w = await computeWitness(source, z);
    out.push(w);
    z = w.slice(1, 1 + s);
  }
  return out;
}

/**
 * Every step circuit the completeness tests run on: the two fixtures of test/fixtures/circuits, and
 * the project's example circuits (prover/circuits/*.circom, compiled by circuits/compile.ts and cached
 * under .novanet/circuits). Circuits whose W or E does not fit in the test SRS are skipped by the caller.
 */
export async function exampleCircuits(): Promise<TestCircuit[]> {
  const out: TestCircuit[] = [await testCircuit("cubic"), await testCircuit("mix2")];
  const { readdirSync, readFileSync } = await import("node:fs");
  const { compileCircuit } = await import("../../prover/src/circuits/compile.js");
  const dir = join("prover", "circuits");
  // Only files with a main component are step circuits; the others are template libraries.
  const files = existsSync(dir)
    ? readdirSync(dir).filter(
        (f) => f.endsWith(".circom") && /^\s*component\s+main\b/m.test(readFileSync(join(dir, f), "utf8")),
      )
    : [];
  for (const f of files.sort()) {
    const compiled = await compileCircuit(join(dir, f));
    out.push({
      name: `prover/circuits/${f}`,
      shape: await loadR1cs(compiled.r1csPath),
      source: { wasmPath: compiled.wasmPath, stateWidth: compiled.stateWidth },
    });
  }
  return out;
}
