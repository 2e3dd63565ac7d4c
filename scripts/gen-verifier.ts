/**
 * Regenerates the committed decider verifiers of the test step circuits
 * (contracts/decider/generated/*.sol) from test/fixtures/circuits and the committed dev ptau
 * test/fixtures/ptau/dev-11.ptau, with deterministic ("beacon-only") keys, so a clean clone's tests
 * rebuild exactly the keys these verifiers hold. Run: `npx tsx scripts/gen-verifier.ts`.
 * Also usable for any circuit: `npx tsx scripts/gen-verifier.ts <step.r1cs> <ptau> <ContractName> [out.sol]`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadR1cs } from "../prover/src/arith/r1cs.js";
import { loadSrsFromPtau } from "../prover/src/commitment/srs.js";
import type { DeciderVariant } from "../prover/src/decider/circuit.js";
import { setupDecider } from "../prover/src/decider/setup.js";
import { terminateSnarkjsCurve } from "../prover/src/decider/snarkjs.js";
import { exportDeciderVerifier } from "../prover/src/decider/solidity.js";

export const TEST_PTAU = join("test", "fixtures", "ptau", "dev-11.ptau");
export const TEST_VERIFIERS: { circuit: "cubic" | "mix2"; variant: DeciderVariant; name: string }[] = [
  { circuit: "cubic", variant: "hashed", name: "CubicDeciderVerifier" },
  { circuit: "mix2", variant: "hashed", name: "Mix2DeciderVerifier" },
  { circuit: "mix2", variant: "unhashed", name: "Mix2UnhashedDeciderVerifier" },
];

async function generate(r1cs: string, ptau: string, name: string, out: string, variant: DeciderVariant) {
  const shape = await loadR1cs(r1cs);
  const keys = await setupDecider(shape, ptau, { variant, contribution: "beacon-only" });
  const srs = await loadSrsFromPtau(ptau, 2);
  writeFileSync(out, await exportDeciderVerifier(keys, srs.tauG2, name));
  process.stderr.write(`${JSON.stringify({ wrote: out, constraints: keys.layout.nConstraints })}\n`);
}

async function main() {
  const [r1cs, ptau, name, out] = process.argv.slice(2);
  if (r1cs) {
    await generate(r1cs, ptau, name, out ?? join("contracts", "decider", "generated", `${name}.sol`), "hashed");
  } else {
    for (const v of TEST_VERIFIERS) {
      const file = join("test", "fixtures", "circuits", `${v.circuit}.r1cs`);
      await generate(file, TEST_PTAU, v.name, join("contracts", "decider", "generated", `${v.name}.sol`), v.variant);
    }
  }
  await terminateSnarkjsCurve();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
