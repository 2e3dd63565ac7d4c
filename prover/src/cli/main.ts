/**
 * The `novanet` command line (docs/cli.md), on `commander`: `--help` on every command, `--version`, typed
 * one-line errors. Each command's module is imported only when that command runs, so that the commands that
 * do not prove (deploy, request, job, circuit list, …) start without loading the prover.
 *
 * Exit codes: 0 valid / done, 1 invalid bundle (or a registration that does not match), 2 usage or input
 * error (including every typed error thrown while proving). Progress goes to stderr; results to stdout.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { BaseError } from "../errors/base.js";
import { UsageError } from "../errors/cli.js";

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export type Io = { out: (s: string) => void; err: (s: string) => void };

/** Set once a command has loaded the prover (its wasm worker threads must be released before exit). */
let proverLoaded = false;
/** Set once tsx is registered for the prover's sources (bundled runs only). */
let sourcesLoaded = false;

/**
 * Makes the prover's TypeScript sources importable. Run from the sources (tsx, mocha) this is a no-op;
 * run from the precompiled bundle (prover/bin/bundle.js), which leaves the prover out, it registers tsx
 * before the first command that needs the prover imports it.
 */
async function sourcesLoader(): Promise<void> {
  if (import.meta.url.endsWith(".ts") || sourcesLoaded) return;
  sourcesLoaded = true;
  const { register } = await import("tsx/esm/api");
  register();
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));
    return String(pkg.version);
  } catch {
    return "unknown";
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Options every command that talks to a chain takes. */
function chainOptions(c: Command, o: { deployment?: boolean; key?: boolean } = {}): Command {
  c.addOption(new Option("--rpc <url>", "JSON-RPC endpoint").env("NOVANET_RPC_URL").default("http://127.0.0.1:8545"));
  if (o.deployment !== false) {
    c.addOption(
      new Option("--deployment <file>", "deployment JSON written by `novanet deploy`")
        .env("NOVANET_DEPLOYMENT")
        .default("deployment.json"),
    );
  }
  if (o.key) {
    c.option("--key-file <file>", "file holding the 0x-hex private key (or set NOVANET_PRIVATE_KEY; never on argv)");
  }
  return c.option("--json", "print JSON instead of text");
}

/** Builds the command tree; `argv` is kept so that the older commands get their own arguments verbatim. */
function program(argv: string[], io: Io, setCode: (c: number) => void): Command {
  const p = new Command("novanet")
    .description("NovaNet: a peer-to-peer proving network on Nova folding (docs/quickstart.md)")
    .version(packageVersion(), "-V, --version", "print the version")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError(true);
  /** The words after the command path (`depth` words), as the older parseArgs-based handlers expect. */
  const rest = (depth: number) => argv.slice(depth);
  const withProver = async <T>(f: () => Promise<T>): Promise<T> => {
    await sourcesLoader();
    proverLoaded = true;
    return f();
  };
  /** `request` compiles the circuit (no prover): the sources, not the prover's worker threads. */
  const withSources = async <T>(f: () => Promise<T>): Promise<T> => {
    await sourcesLoader();
    return f();
  };
  const chain = () => import("./chain.js");

  // ---- local proving and verification
  p.command("prove")
    .description("fold N steps of a step circuit into a bundle (tree folding, then the succinct decider proof)")
    .requiredOption("--circuit <step.circom>", "the step circuit")
    .requiredOption("--steps <N>", "number of steps")
    .requiredOption("--input <z0.json>", "a JSON array of decimal strings: the initial state z_0")
    .requiredOption("--out <bundle-dir>", "where to write the bundle")
    .option("--ptau <file.ptau>", "powers of tau (default: a cached INSECURE dev SRS under .novanet/ptau)")
    .option("--hiding", "hiding commitments")
    .option("--cache <dir>", "cache folder (default .novanet)")
    .option("--quiet", "no progress lines")
    .option("--insecure-dev-keys", "make the decider proof with dev keys (one in-process contribution)")
    .option("--no-decider", "stop after folding (no succinct proof)")
    .option("--decider <v3|v2>", "v3: commit-and-prove Groth16 (default); v2: circuits registered with the v2 verifier")
    .option("--private", "private mode (docs/private.md)")
    .option("--chain-id <id>", "private mode: the chain the bundle is for")
    .option("--market <address>", "private mode: the market the bundle is for")
    .option("--hide-input", "private mode: hide z_0")
    .option("--hide-output", "private mode: hide z_N")
    .option("--rpc <url>", "private mode: read the decider of --circuit-id's registered verifier")
    .option("--circuit-id <id>", "private mode: prove with this registered circuit's decider version and key")
    .option("--decider-key <file.g16k>", "private mode: a v3 ceremony's final key of F^ (checked; no dev keys)")
    .option(
      "--transcript <v1|v2>",
      "private mode: v2 for market v2 (submit, submit --optimistic); default from --rpc, else v1",
    )
    .action(() => withProver(async () => setCode(await (await import("./local.js")).prove(rest(1), io))));

  p.command("verify")
    .description("verify a bundle off-chain (and with --onchain on an in-process EVM)")
    .argument("<bundle-dir>", "the bundle folder (or its bundle.json)")
    .option("--circuit <step.circom|.r1cs>", "require this circuit")
    .option("--r1cs-hash <0x…>", "require this R1CS hash")
    .option("--ptau <file.ptau>", "the SRS's powers of tau")
    .option("--ptau-dir <dir>", "where pinned .ptau files are (repeatable)", collect)
    .option("--trust <store.json>", "a trust store added to the committed one (repeatable)", collect)
    .option("--vkey <vkey.json>", "decider verification key to trust (v3 proofs: the vkey-v3.json prove printed)")
    .option("--cache <dir>", "cache folder (default .novanet)")
    .option("--insecure-dev-keys", "accept dev decider keys")
    .option("--json", "print JSON")
    .option("--quiet", "no progress lines")
    .option("--onchain", "also verify on an in-process EVM (prints the gas)")
    .action(() => withProver(async () => setCode(await (await import("./local.js")).verify(rest(1), io))));

  p.command("setup")
    .description("make (or find in the cache) a step circuit's DEV decider keys; real keys: novanet ceremony")
    .option("--circuit <step.circom|step.r1cs>", "the step circuit")
    .option("--ptau <file.ptau>", "powers of tau")
    .option("--entropy <text>", "contribution entropy")
    .option("--beacon <hex>", "beacon hash")
    .option("--out <Verifier.sol>", "export the Solidity verifier")
    .option("--name <Contract>", "the verifier's contract name")
    .option("--cache <dir>", "cache folder (default .novanet)")
    .option("--force", "remake the keys")
    .option("--insecure-dev-keys", "required: these are dev keys")
    .action(() => withProver(async () => setCode(await (await import("./setup.js")).setupCommand(rest(1), io))));

  const cer = p.command("ceremony").description("a phase-2 ceremony for a step circuit's decider keys (docs/trust.md)");
  const ceremonySub = (name: string, desc: string, opts: [string, string][]) => {
    const c = cer.command(name).description(desc).argument("<dir>", "the ceremony folder");
    for (const [flags, d] of opts) c.option(flags, d);
    c.option("--cache <dir>", "cache folder (default .novanet)");
    c.action(() => withProver(async () => setCode(await (await import("./ceremony.js")).ceremonyCommand(rest(1), io))));
  };
  const circuitPtau: [string, string][] = [
    ["--circuit <step.circom|.r1cs>", "the step circuit"],
    ["--ptau <file.ptau>", "powers of tau"],
  ];
  ceremonySub("init", "start a ceremony", [
    ...circuitPtau,
    ["--variant <hashed|unhashed>", "decider variant"],
    ["--decider <v3>", "a ceremony for the v3 (commit-and-prove) decider's keys"],
  ]);
  ceremonySub("contribute", "add one contribution (one per party, own machine)", [
    ["--name <who>", "contributor"],
    ["--entropy <text>", "entropy"],
  ]);
  ceremonySub("beacon", "close the ceremony with a public beacon", [
    ["--hash <hex>", "beacon hash"],
    ["--iterations <exp>", "iterations exponent"],
  ]);
  ceremonySub("verify", "re-check every contribution", circuitPtau);
  ceremonySub("export", "write the vkey, the verifier contract and a trust store pin", [
    ...circuitPtau,
    ["--out <dir>", "output folder"],
    ["--name <Contract>", "verifier contract name"],
  ]);

  p.command("submit")
    .description("private mode: submit a private bundle to the market (docs/private.md)")
    .argument("<private-bundle-dir>", "the bundle")
    .option("--rpc <url>", "JSON-RPC endpoint")
    .option("--market <address>", "the market")
    .option("--circuit-id <id>", "the registered circuit")
    .option("--from <address>", "an account the node holds (else NOVANET_PRIVATE_KEY signs)")
    .option("--optimistic", "propose with a bond (proposeBundle): cheaper, final after the challenge window")
    .option("--wait", "with --optimistic: wait past the window, then finalize")
    .action(() =>
      withProver(async () => setCode(await (await import("../private/cli.js")).submitCommand(rest(1), io))),
    );
  p.command("finalize")
    .description("finalize a proposed (optimistic) bundle after its challenge window (docs/private.md)")
    .argument("<jobId>", "the proposed bundle's job id")
    .option("--rpc <url>", "JSON-RPC endpoint")
    .option("--market <address>", "the market")
    .option("--from <address>", "an account the node holds (else NOVANET_PRIVATE_KEY signs)")
    .action(() =>
      withProver(async () => setCode(await (await import("../private/cli.js")).finalizeCommand(rest(1), io))),
    );

  // ---- the network
  chainOptions(
    p
      .command("deploy")
      .description("deploy the v2 contracts (tokens, registries, market) to any RPC; writes a deployment JSON"),
    { deployment: false, key: true },
  )
    .option("--out <file>", "where to write the deployment JSON", "deployment.json")
    .option("--window <seconds>", "task window (default 600)")
    .option("--dispute-window <seconds>", "dispute window (default 600)")
    .option("--min-stake <tokens>", "minimum prover stake in stake tokens (default 100)")
    .option("--fee-token <address>", "an existing ERC-20 for fees (default: a fresh test token)")
    .option("--stake-token <address>", "an existing ERC-20 to stake (default: a fresh test token)")
    .action(async (o) => setCode(await (await chain()).deployCommand(o, io)));

  const circuit = p.command("circuit").description("step circuits in the CircuitRegistry");
  chainOptions(
    circuit
      .command("register")
      .description("register a step circuit (compiles it, deploys its decider verifier, registers both)"),
    { key: true },
  )
    .requiredOption("--circuit <step.circom>", "the step circuit")
    .option("--ptau <file.ptau>", "powers of tau (default: a cached INSECURE dev SRS)")
    .option("--insecure-dev-keys", "decider keys without a ceremony (beacon-only): devnets and tests only")
    .option("--decider <v3|v2>", "decider version of the registered verifier (default v3; v2: the hashed D_F)", "v3")
    .option(
      "--keys <ceremony-dir>",
      "v3: deploy the final key of this `ceremony … --decider v3 --ptau` (with that --ptau)",
    )
    .option("--cache <dir>", "cache folder (default .novanet)")
    .action((o) => withProver(async () => setCode(await (await chain()).circuitRegisterCommand(o, io))));
  chainOptions(circuit.command("list").description("list the registered circuits")).action(async (o) =>
    setCode(await (await chain()).circuitListCommand(o, io)),
  );
  circuit
    .command("verify")
    .description("check a registration against your circuit, pinned SRS and trusted decider code")
    .argument("<circuitId>", "decimal circuit id")
    .option("--rpc <url>", "JSON-RPC endpoint")
    .option("--registry <address>", "the CircuitRegistry")
    .option("--circuit <step.circom|.r1cs>", "your circuit")
    .option("--ptau <file.ptau>", "powers of tau")
    .option("--ptau-dir <dir>", "where pinned .ptau files are (repeatable)", collect)
    .option("--trust <store.json>", "a trust store (repeatable)", collect)
    .option("--decider-codehash <0x…>", "a trusted decider runtime codehash (repeatable)", collect)
    .option("--vkey <vkey.json>", "a trusted decider vkey (repeatable)", collect)
    .option("--decider-name <Name>", "the rendered verifier's contract name")
    .option("--ceremony <dir>", "re-verify the ceremony's zkey transcript against D_F rebuilt from --circuit")
    .option("--insecure-dev-keys", "accept a ceremony folder holding only dev keys")
    .option("--cache <dir>", "cache folder (default .novanet)")
    .option("--json", "print JSON")
    .action(() => withProver(async () => setCode(await (await import("./circuit.js")).circuitCommand(rest(1), io))));

  chainOptions(
    p
      .command("request")
      .description("request a proof: pays the fee by contract call, prints the job id, follows it until Verified"),
    { key: true },
  )
    .requiredOption("--circuit-id <id>", "the registered circuit")
    .requiredOption("--circuit <step.circom>", "the step circuit (to compute the boundary states and manifest)")
    .requiredOption("--steps <N>", "number of steps")
    .requiredOption("--input <z0>", "z_0: a JSON array of decimal strings, or a file holding one")
    .option("--fee <eth>", "fee in ETH (or in --fee-token units with 18 decimals)", "0.01")
    .option("--fee-token <address>", "pay in this ERC-20 instead of ETH ('deployment': the deployment's fee token)")
    .option("--chunk-log <k>", "leaves per chunk = 2^k (default: 1 from 8 steps on, else 0)")
    .option("--deadline <seconds>", "seconds from now", "86400")
    .option("--no-follow", "print the job id and return")
    .option("--timeout <seconds>", "stop following after this long", "3600")
    .action((o) => withSources(async () => setCode(await (await chain()).requestCommand(o, io))));

  const job = p.command("job").description("jobs on the market");
  chainOptions(job.command("status").description("a job's state and its tasks").argument("<jobId>", "the job id"))
    .option("--follow", "keep printing until the job is settled")
    .action(async (id, o) => setCode(await (await chain()).jobStatusCommand(id, o, io)));

  p.command("node")
    .description("the prover daemon and its operator commands (docs/node.md, docs/operators.md)")
    .argument("<action>", "run | register | stake | unstake | withdraw | claim | status")
    .option("--config <node.json>", "the node's config")
    .option("--amount <tokens>", "stake / unstake amount")
    .option("--capacity <constraints>", "advertised capacity")
    .option("--gpu", "advertise a GPU")
    .option(
      "--auto-capacity",
      "register: measure the fold step on the GPU and the CPU to set capacity and the GPU flag",
    )
    .option("--token <address>", "fee token to claim")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => withProver(async () => setCode(await (await import("./node.js")).nodeCommand(rest(1)))));
  return p;
}

/** The known command words at the start of `argv` (for the help hint of an error). */
function commandPath(p: Command, argv: string[]): string[] {
  const path: string[] = [];
  let c: Command | undefined = p;
  for (const a of argv) {
    c = c?.commands.find((x) => x.name() === a);
    if (!c) break;
    path.push(a);
  }
  return path;
}

/** One line: `error: <Name>: <message> (<details>)`. */
function errorLine(name: string, short: string, d?: unknown): string {
  const details = typeof d === "string" && d.length > 0 ? ` (${d.split("\n")[0].slice(0, 300)})` : "";
  return `error: ${name}: ${short.split("\n")[0]}${details}\n`;
}

/** NovaNet's errors and viem's (RPC, reverts) carry a `shortMessage` (and maybe `details`). */
function hasShortMessage(err: unknown): err is Error & { shortMessage: string; details?: string } {
  return err instanceof Error && typeof (err as { shortMessage?: unknown }).shortMessage === "string";
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = EXIT_OK;
  const p = program(argv, io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    io.out(p.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await p.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT_OK;
      // `novanet help …` (exit 0), or a command group without its subcommand (help on stderr, exit 2).
      if (err.code === "commander.help") return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      const msg = err.message.replace(/^error: /, "");
      const where = err.code === "commander.unknownCommand" ? [] : commandPath(p, argv);
      io.err(`error: UsageError: ${msg} (see novanet ${[...where, "--help"].join(" ")})\n`);
      return EXIT_USAGE;
    }
    // Ours (BaseError) and viem's carry a `shortMessage`: one line with the error's own name. (Not
    // `instanceof`: a lazily imported module may see another copy of the class under a test loader.)
    if (err instanceof BaseError || hasShortMessage(err)) {
      io.err(errorLine(err.name, err.shortMessage, err.details));
      return EXIT_USAGE;
    }
    // parseArgs' own errors (unknown option, missing value) in the older handlers.
    if (err instanceof TypeError && String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      io.err(`error: UsageError: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export { UsageError };

/** Entry point for prover/bin/novanet.js: run, release the wasm worker threads, exit with the code. */
export async function run(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await main(argv);
  } catch (err) {
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    code = EXIT_USAGE;
  }
  if (proverLoaded) {
    const { terminateDefaultMsmBackend } = await import("../msm/default.js");
    await terminateDefaultMsmBackend().catch(() => {});
  }
  // stdout may be a pipe: let it drain before exiting.
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  process.exit(code);
}
