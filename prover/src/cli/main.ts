/**
 * The `novanet` command line (docs/cli.md). Exit codes: 0 valid / done, 1 invalid bundle, 2 usage or
 * input error (including every typed error thrown while proving). Progress goes to stderr as JSON lines;
 * results go to stdout.
 */
import { parseArgs } from "node:util";
import { addDeciderToBundle, bundleHasDecider, verifyBundleDecider, verifyBundleOnchain } from "../decider/bundle.js";
import { terminateSnarkjsCurve } from "../decider/snarkjs.js";
import { BaseError } from "../errors/base.js";
import { UsageError } from "../errors/cli.js";
import { terminateDefaultMsmBackend } from "../msm/default.js";
import { decodeRootWitness } from "./bundle.js";
import { type ProgressEvent, proveLocal, readStateFile } from "./prove.js";
import { SETUP_USAGE, setupCommand } from "./setup.js";
import { verifyBundle } from "./verify.js";

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

const USAGE = `usage:
  novanet prove --circuit <step.circom> --steps <N> --input <z0.json> --out <bundle-dir>
                [--ptau <file.ptau>] [--hiding] [--cache <dir>] [--quiet] [--no-decider]
  novanet verify <bundle-dir> [--ptau <file.ptau>] [--json] [--quiet] [--onchain]
${SETUP_USAGE}
  novanet node <run|register|stake|unstake|withdraw|claim|status> --config <node.json>
                [--amount <tokens>] [--capacity <constraints>] [--token <address>]   (docs/node.md)
  --input   a JSON array of decimal strings: the initial state z_0 (length = the circuit's state width)
  --ptau    a powers-of-tau file; without it prove uses a cached INSECURE dev SRS (.novanet/ptau)
  exit codes: 0 ok / valid, 1 invalid bundle, 2 usage or input error
`;

type Io = { out: (s: string) => void; err: (s: string) => void };

function progressPrinter(io: Io, quiet: boolean): (e: ProgressEvent) => void {
  if (quiet) return () => {};
  const last = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    const total = typeof e.total === "number" ? e.total : 0;
    // Per-item events: at most ~2 lines a second per kind, plus the last leaf and the last fold.
    if (typeof e.done === "number") {
      const final = e.done === total && e.event !== "dev-srs";
      if (!final && now - (last.get(e.event) ?? 0) < 500) return;
      last.set(e.event, now);
    }
    io.err(`${JSON.stringify(e)}\n`);
  };
}

async function prove(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      circuit: { type: "string" },
      steps: { type: "string" },
      input: { type: "string" },
      out: { type: "string" },
      ptau: { type: "string" },
      cache: { type: "string" },
      hiding: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      "no-decider": { type: "boolean", default: false },
    },
  });
  if (positionals.length > 0)
    throw new UsageError("prove takes no positional arguments", { details: positionals.join(" ") });
  for (const k of ["circuit", "steps", "input", "out"] as const) {
    if (values[k] === undefined) throw new UsageError(`prove needs --${k}`);
  }
  const steps = Number(values.steps);
  if (!Number.isSafeInteger(steps) || steps < 1 || !/^[0-9]+$/.test(values.steps!)) {
    throw new UsageError("--steps must be a positive integer", { details: values.steps });
  }
  const z0 = readStateFile(values.input!);
  const r = await proveLocal({
    circuit: values.circuit!,
    steps,
    z0,
    out: values.out!,
    ptau: values.ptau,
    hiding: values.hiding,
    cacheDir: values.cache,
    onProgress: progressPrinter(io, values.quiet!),
    warn: (m) => io.err(`\n*** ${m} ***\n\n`),
  });
  if (!values["no-decider"]) {
    // The succinct proof of the root (decider/bundle.ts): keys cached by circuit under <cache>/keys.
    await addDeciderToBundle(r.bundle, {
      cacheDir: values.cache,
      srsPtau: values.ptau,
      progress: progressPrinter(io, values.quiet!),
      warn: (m) => io.err(`\n*** ${m} ***\n\n`),
      decodeWitness: decodeRootWitness,
    });
    await terminateSnarkjsCurve();
  }
  io.out(
    `${JSON.stringify({ bundle: r.bundle, steps: r.steps, z0: r.z0.map(String), zN: r.zN.map(String), root: r.rootHash, ms: Math.round(r.ms) })}\n`,
  );
  return EXIT_OK;
}

async function verify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ptau: { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      onchain: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError("verify takes exactly one bundle path");
  const r = await verifyBundle(positionals[0], {
    ptau: values.ptau,
    onProgress: progressPrinter(io, values.quiet! || values.json!),
  });
  // The decider proof (decider/bundle.ts): off-chain, then with --onchain on an in-process EVM.
  let gas: bigint | undefined;
  if (r.valid && !bundleHasDecider(positionals[0])) {
    if (values.onchain)
      throw new UsageError("--onchain needs a bundle with a decider proof (made without --no-decider)");
  } else if (r.valid) {
    const d = await verifyBundleDecider(positionals[0], values.ptau);
    await terminateSnarkjsCurve();
    if (!d.ok) Object.assign(r, { valid: false, reason: `decider proof rejected (${d.reason} check failed)` });
    else if (values.onchain) {
      const o = await verifyBundleOnchain(positionals[0]);
      if (o.ok) gas = o.gas;
      else Object.assign(r, { valid: false, reason: o.reason });
    }
  }
  if (r.insecureDevSrs && !values.quiet) {
    io.err("\n*** warning: this bundle was made with an INSECURE DEV SRS: it proves nothing to anyone else ***\n\n");
  }
  if (values.json) {
    io.out(
      `${JSON.stringify({ valid: r.valid, steps: r.steps, z0: r.z0.map(String), zN: r.zN.map(String), ...(r.valid ? {} : { reason: r.reason }), ...(gas === undefined ? {} : { gas: Number(gas) }) })}\n`,
    );
  } else if (r.valid) {
    io.out(`VALID: ${r.steps} steps, z0 = [${r.z0.join(", ")}], zN = [${r.zN.join(", ")}]\n`);
    if (gas !== undefined) io.out(`on-chain verification: ${gas} gas\n`);
  } else {
    io.out(`INVALID: ${r.reason}\n`);
  }
  return r.valid ? EXIT_OK : EXIT_INVALID;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "prove":
        return await prove(rest, io);
      case "verify":
        return await verify(rest, io);
      case "setup":
        return await setupCommand(rest, io);
      case "node":
        return await (await import("./node.js")).nodeCommand(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return cmd === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new UsageError(`unknown command ${cmd}`);
    }
  } catch (err) {
    if (err instanceof BaseError) {
      io.err(`error: ${err.name}: ${err.message}\n`);
      if (err instanceof UsageError) io.err(USAGE);
      return EXIT_USAGE;
    }
    // parseArgs' own errors (unknown option, missing value).
    if (
      err instanceof TypeError &&
      "code" in err &&
      String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")
    ) {
      io.err(`error: UsageError: ${err.message}\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** Entry point for prover/bin/novanet.js: run, release the wasm worker threads, exit with the code. */
export async function run(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await main(argv);
  } catch (err) {
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    code = EXIT_USAGE;
  }
  await terminateDefaultMsmBackend().catch(() => {});
  // stdout may be a pipe: let it drain before exiting.
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  process.exit(code);
}
