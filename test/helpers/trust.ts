/** Trust stores and `novanet circuit verify` command lines of the trust tests. */
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileBlake2b, TRUST_FORMAT } from "../../prover/src/trust/store.js";

/**
 * Writes a trust store at `file` pinning the test ptau `ptau` (power 10, `insecure-dev`, under `label`), no
 * v2 decider pins, and the other top-level fields of `extra` (e.g. `decidersV3`).
 */
export async function writeTestTrustStore(
  file: string,
  ptau: string,
  label: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const pin = { label, file: basename(ptau), power: 10, blake2b: await fileBlake2b(ptau), kind: "insecure-dev" };
  writeFileSync(file, JSON.stringify({ format: TRUST_FORMAT, ptau: [pin], deciders: [], ...extra }));
}

export type CircuitVerifyTarget = { rpc: string; registry: string; circuit: string; trust: string; ptauDirs: string[] };

/**
 * `circuit verify <id> --rpc … --registry … --circuit … --trust … --ptau-dir …` then `extra`. Positions are
 * fixed (tests replace them): argv[4] is the RPC URL, argv[8] the circuit file.
 */
export function circuitVerifyArgs(t: CircuitVerifyTarget, id: string, extra: string[] = []): string[] {
  return [
    "circuit",
    "verify",
    id,
    "--rpc",
    t.rpc,
    "--registry",
    t.registry,
    "--circuit",
    t.circuit,
    "--trust",
    t.trust,
    ...t.ptauDirs.flatMap((d) => ["--ptau-dir", d]),
    ...extra,
  ];
}
