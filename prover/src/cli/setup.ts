/**
 * `novanet setup --circuit <step.circom|step.r1cs> [--ptau <file>] [--entropy <text>] [--beacon <hex>]
 *  [--out <Verifier.sol>] [--name <Contract>] [--cache <dir>]`: makes (or finds in the cache) the
 * decider keys of a step circuit — D_F's `.r1cs`, a Groth16 zkey from snarkjs's phase 2 on the ptau with
 * one contribution (`--entropy`, random by default) and a beacon — under
 * `<cache>/keys/<r1csHash>/`, and optionally exports the Solidity verifier. Keys with one in-process
 * contribution are DEV keys (whoever ran the process could know δ and forge proofs): `setup` refuses
 * unless `--insecure-dev-keys` is passed, and labels its output. Production keys come from
 * `novanet ceremony` (cli/ceremony.ts, docs/trust.md).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadR1cs } from "../arith/r1cs.js";
import { compileCircuit } from "../circuits/compile.js";
import { devPowerFor, ensureDevPtau } from "../commitment/devsrs.js";
import { loadSrsFromPtau } from "../commitment/srs.js";
import { buildDecider } from "../decider/circuit.js";
import { setupDecider } from "../decider/setup.js";
import { terminateSnarkjsCurve } from "../decider/snarkjs.js";
import { exportDeciderVerifier } from "../decider/solidity.js";
import { UsageError } from "../errors/cli.js";
import { DevKeysRefusedError } from "../errors/trust.js";

type Io = { out: (s: string) => void; err: (s: string) => void };

export const SETUP_USAGE = `  novanet setup --circuit <step.circom|step.r1cs> [--ptau <file.ptau>] [--entropy <text>]
                [--beacon <hex>] [--out <Verifier.sol>] [--name <Contract>] [--cache <dir>] --insecure-dev-keys
                (dev keys only; real keys: novanet ceremony)
`;

/** Runs `novanet setup`; returns the exit code (0). Throws typed errors for bad input. */
export async function setupCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      circuit: { type: "string" },
      ptau: { type: "string" },
      entropy: { type: "string" },
      beacon: { type: "string" },
      out: { type: "string" },
      name: { type: "string", default: "StepDeciderVerifier" },
      cache: { type: "string" },
      force: { type: "boolean", default: false },
      "insecure-dev-keys": { type: "boolean", default: false },
    },
  });
  if (!values["insecure-dev-keys"]) {
    throw new DevKeysRefusedError(
      "setup makes dev keys (one in-process contribution: δ may be known): pass --insecure-dev-keys, or run novanet ceremony",
    );
  }
  if (positionals.length > 0) throw new UsageError("setup takes no positional arguments");
  if (!values.circuit) throw new UsageError("setup needs --circuit");
  if (values.beacon !== undefined && !/^[0-9a-fA-F]{2,128}$/.test(values.beacon)) {
    throw new UsageError("--beacon must be a hex string", { details: values.beacon });
  }
  const cacheRoot = resolve(values.cache ?? ".novanet");
  const r1csPath = values.circuit.endsWith(".r1cs")
    ? values.circuit
    : (await compileCircuit(values.circuit, { cacheDir: join(cacheRoot, "circuits") })).r1csPath;
  const shape = await loadR1cs(r1csPath);
  const { layout } = buildDecider(shape);
  const ptau =
    values.ptau ??
    (await ensureDevPtau(devPowerFor(Math.max(shape.nW, shape.m) + 2, layout.nConstraints, layout.nPublic), {
      cacheDir: join(cacheRoot, "ptau"),
      warn: (m) => io.err(`\n*** ${m} ***\n\n`),
    }));
  const keys = await setupDecider(shape, ptau, {
    cacheDir: join(cacheRoot, "keys"),
    entropy: values.entropy,
    beacon: values.beacon ? { hashHex: values.beacon, iterationsExp: 10 } : undefined,
    force: values.force,
    log: (e) => io.err(`${JSON.stringify({ event: "setup", ...e })}\n`),
  });
  let verifier: string | undefined;
  if (values.out) {
    const { writeFileSync } = await import("node:fs");
    const srs = await loadSrsFromPtau(ptau, 2);
    writeFileSync(values.out, await exportDeciderVerifier(keys, srs.tauG2, values.name!));
    verifier = resolve(values.out);
  }
  await terminateSnarkjsCurve();
  io.err(
    "\n*** INSECURE DEV KEYS: one in-process contribution; use novanet ceremony for keys anyone else can trust ***\n\n",
  );
  io.out(
    `${JSON.stringify({ insecureDevKeys: true, keys: keys.dir, r1csHash: shape.r1csHash, constraints: shape.m, deciderConstraints: layout.nConstraints, public: layout.nPublic, ...(verifier ? { verifier } : {}) })}\n`,
  );
  return 0;
}
