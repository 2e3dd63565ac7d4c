/**
 * Regenerates the committed TEST-ONLY decider verifiers (TestOnly*, never to be deployed) of the test step circuits
 * (contracts/decider/generated/*.sol) from test/fixtures/circuits and the committed dev ptau
 * test/fixtures/ptau/dev-11.ptau, with deterministic ("beacon-only") keys, so a clean clone's tests
 * rebuild exactly the keys these verifiers hold. Run: `npx tsx scripts/gen-verifier.ts`.
 * Also usable for any circuit: `npx tsx scripts/gen-verifier.ts <step.r1cs> <ptau> <ContractName> [out.sol]`.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadR1cs } from "../prover/src/arith/r1cs.js";
import { generateDevPtau } from "../prover/src/commitment/devsrs.js";
import { loadSrsFromPtau } from "../prover/src/commitment/srs.js";
import type { DeciderVariant } from "../prover/src/decider/circuit.js";
import { writeR1csBytes } from "../prover/src/decider/r1csFile.js";
import { setupDecider } from "../prover/src/decider/setup.js";
import { terminateSnarkjsCurve } from "../prover/src/decider/snarkjs.js";
import { exportDeciderVerifier } from "../prover/src/decider/solidity.js";
import { P } from "../prover/src/field/fr.js";

/** Prepended to every verifier this script writes: beacon-only keys have a public δ. */
export const TEST_ONLY_WARNING = `// TEST ONLY — NEVER DEPLOY. Its keys are beacon-only over an INSECURE dev ptau: δ is public (snarkjs
// starts phase 2 at δ = 1 and the beacon is public), so anyone can forge a proof for any statement
// (test/prover/trust/ceremony.test.ts builds such a forgery). Real verifiers: novanet ceremony export.
`;

export const TEST_PTAU = join("test", "fixtures", "ptau", "dev-11.ptau");
/** A power-12 INSECURE dev ptau from fixed toxic waste, so it (and the keys over it) is reproducible. */
export const TEST_PTAU_12 = join(".novanet", "test", "ptau", "decider-fixed-12.ptau");

/** {@link TEST_PTAU_12}, generated on first use (seconds). */
export async function testPtau12(): Promise<string> {
  if (!existsSync(TEST_PTAU_12)) {
    mkdirSync(join(".novanet", "test", "ptau"), { recursive: true });
    await generateDevPtau(TEST_PTAU_12, 12, { tau: 1234567891011n, alpha: 1213141516n, beta: 1718192021n });
  }
  return TEST_PTAU_12;
}

export const TEST_VERIFIERS: { circuit: string; variant: DeciderVariant; name: string; power: 11 | 12 }[] = [
  { circuit: "test/fixtures/circuits/cubic.r1cs", variant: "hashed", name: "TestOnlyCubicDeciderVerifier", power: 11 },
  { circuit: "test/fixtures/circuits/mix2.r1cs", variant: "hashed", name: "TestOnlyMix2DeciderVerifier", power: 11 },
  {
    circuit: "test/fixtures/circuits/mix2.r1cs",
    variant: "unhashed",
    name: "TestOnlyMix2UnhashedDeciderVerifier",
    power: 11,
  },
  { circuit: "test/fixtures/decider/width8.r1cs", variant: "hashed", name: "TestOnlyWidth8DeciderVerifier", power: 12 },
];

/** State width of the `width8` fixture. */
export const WIDTH8_S = 8;

/**
 * A state-width-8 step circuit written directly as R1CS (for the gas of wide states):
 * private `t_i = z_in[i]²`, public `z_out[i] = t_i + z_in[(i+1) mod 8]`. Wires: 0 one, 1..8 z_out,
 * 9..16 z_in, 17..24 t.
 */
export function width8R1cs(): Uint8Array {
  const s = WIDTH8_S;
  const constraints: [Map<number, bigint>, Map<number, bigint>, Map<number, bigint>][] = [];
  for (let i = 0; i < s; i++) {
    const zin = 1 + s + i;
    constraints.push([new Map([[zin, 1n]]), new Map([[zin, 1n]]), new Map([[1 + 2 * s + i, 1n]])]);
  }
  for (let i = 0; i < s; i++) {
    const a = new Map([
      [1 + 2 * s + i, 1n],
      [1 + s + ((i + 1) % s), 1n],
    ]);
    constraints.push([a, new Map([[0, 1n]]), new Map([[1 + i, 1n]])]);
  }
  return writeR1csBytes({ nVars: 1 + 3 * s, nPubOut: s, nPubIn: s, nPrvIn: 0, constraints });
}

/** The full witness of the `width8` fixture at `zIn`. */
export function width8Witness(zIn: readonly bigint[]): bigint[] {
  const s = WIDTH8_S;
  const t = zIn.map((z) => (z * z) % P);
  const zOut = t.map((ti, i) => (ti + zIn[(i + 1) % s]) % P);
  return [1n, ...zOut, ...zIn, ...t];
}

async function generate(r1cs: string, ptau: string, name: string, out: string, variant: DeciderVariant) {
  const shape = await loadR1cs(r1cs);
  const keys = await setupDecider(shape, ptau, { variant, contribution: "beacon-only" });
  const srs = await loadSrsFromPtau(ptau, 2);
  const source = await exportDeciderVerifier(keys, srs.tauG2, name);
  writeFileSync(
    out,
    source.replace("// SPDX-License-Identifier: MIT\n", `// SPDX-License-Identifier: MIT\n${TEST_ONLY_WARNING}`),
  );
  process.stderr.write(`${JSON.stringify({ wrote: out, constraints: keys.layout.nConstraints })}\n`);
}

async function main() {
  const [r1cs, ptau, name, out] = process.argv.slice(2);
  if (r1cs) {
    await generate(r1cs, ptau, name, out ?? join("contracts", "decider", "generated", `${name}.sol`), "hashed");
  } else {
    mkdirSync(join("test", "fixtures", "decider"), { recursive: true });
    writeFileSync(join("test", "fixtures", "decider", "width8.r1cs"), width8R1cs());
    for (const v of TEST_VERIFIERS) {
      const ptau = v.power === 11 ? TEST_PTAU : await testPtau12();
      await generate(v.circuit, ptau, v.name, join("contracts", "decider", "generated", `${v.name}.sol`), v.variant);
    }
  }
  await terminateSnarkjsCurve();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
