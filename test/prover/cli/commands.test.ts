/**
 * The command line's framework (prover/src/cli/main.ts, on commander): `--help` on every command and
 * subcommand, `--version`, and typed one-line errors — for unknown commands and options, a missing key, a
 * key passed on argv (refused: keys come from a file or the environment), an unreachable RPC.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http, type PublicClient, zeroAddress } from "viem";
import { followJob } from "../../../prover/src/app/request.js";
import { DEFAULT_V2_PARAMS, writeDeployment } from "../../../prover/src/chain/deploy.js";
import { main } from "../../../prover/src/cli/main.js";
import { JobFollowAbortedError, JobTimeoutError } from "../../../prover/src/errors/app.js";

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let out = "";
  let err = "";
  try {
    const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const COMMANDS = [
  ["prove"],
  ["verify"],
  ["setup"],
  ["ceremony", "init"],
  ["ceremony", "contribute"],
  ["ceremony", "beacon"],
  ["ceremony", "verify"],
  ["ceremony", "export"],
  ["submit"],
  ["deploy"],
  ["circuit", "register"],
  ["circuit", "list"],
  ["circuit", "verify"],
  ["request"],
  ["job", "status"],
  ["node"],
];

describe("cli: the command framework", () => {
  it("--help on every command prints its usage and options, exit 0", async () => {
    for (const c of COMMANDS) {
      const r = await cli([...c, "--help"]);
      assert.equal(r.code, 0, c.join(" "));
      assert.match(r.out, new RegExp(`^Usage: novanet ${c.join(" ")} `), c.join(" "));
      assert.match(r.out, /--help/);
    }
    const top = await cli(["--help"]);
    for (const c of ["prove", "verify", "deploy", "circuit", "request", "job", "node", "submit"]) {
      assert.match(top.out, new RegExp(`\\n  ${c}\\b`), c);
    }
  });

  it("--version prints the package's version", async () => {
    const r = await cli(["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("usage errors are one typed line, exit 2", async () => {
    for (const argv of [["fly"], ["deploy", "--bogus"], ["job", "status"], ["request", "--steps", "2"], ["circuit"]]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(" "));
      if (argv[0] !== "circuit") {
        assert.match(r.err, /^error: UsageError: .+\n$/, argv.join(" "));
        assert.equal(r.err.split("\n").length, 2, "one line");
      }
    }
  });

  it("a private key is never taken from argv; without a key file or NOVANET_PRIVATE_KEY, deploy refuses", async () => {
    const k = `0x${"11".repeat(32)}`;
    const onArgv = await cli(["deploy", "--private-key", k], { NOVANET_PRIVATE_KEY: undefined });
    assert.equal(onArgv.code, 2);
    assert.match(onArgv.err, /UsageError: unknown option '--private-key'/);
    const none = await cli(["deploy", "--rpc", "http://127.0.0.1:1"], { NOVANET_PRIVATE_KEY: undefined });
    assert.equal(none.code, 2);
    assert.match(none.err, /UsageError: no key: pass --key-file/);
    const bad = await cli(["deploy", "--rpc", "http://127.0.0.1:1"], { NOVANET_PRIVATE_KEY: "0x1234" });
    assert.match(bad.err, /InputFileError: the private key is not 0x \+ 64 hex digits/);
  });

  it("an RPC that does not answer is a one-line ChainError, not a stack trace", async () => {
    const r = await cli(["circuit", "list", "--rpc", "http://127.0.0.1:1", "--deployment", "nowhere.json"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error: ChainError: no JSON-RPC answers at --rpc \(http:\/\/127\.0\.0\.1:1\)\n$/);
    const w = await cli(["deploy", "--window", "30"], { NOVANET_PRIVATE_KEY: `0x${"11".repeat(32)}` });
    assert.equal(w.code, 2);
  });
});

/** The command as a user's shell runs it (not under tsx): the precompiled bundle. */
function bin(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["prover/bin/novanet.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("cli: the precompiled entry (prover/bin/novanet.js runs prover/bin/bundle.js's bundle)", () => {
  const pointer = () => JSON.parse(readFileSync(join("prover", "dist", "cli.json"), "utf8"));

  it("runs the bundle, prints what the sources print, and is rebuilt when one of its sources changes", function () {
    this.timeout(180_000);
    const v = bin(["--version"]);
    assert.equal(v.code, 0, v.err);
    const first = pointer();
    assert.ok(existsSync(join("prover", "dist", first.dir, "main.mjs")));
    assert.ok(first.inputs.includes("prover/src/cli/chain.ts") && first.inputs.includes("prover/src/cli/main.ts"));
    // The same typed line and exit code both ways, for a network command (bundled) and a prover one (tsx).
    for (const argv of [
      ["job", "status", "1", "--rpc", "http://127.0.0.1:1"],
      ["verify", "/nonexistent-bundle"],
      ["fly"],
    ]) {
      const b = bin(argv);
      const s = bin(argv, { NOVANET_CLI_SOURCES: "1" });
      assert.equal(b.code, 2, argv.join(" "));
      assert.equal(b.code, s.code, argv.join(" "));
      assert.match(b.err, /^error: \w+Error: .+\n$/, argv.join(" "));
      assert.equal(b.err, s.err, argv.join(" "));
    }
    // An input newer than the bundle: the next run rebuilds it.
    const later = new Date();
    utimesSync(join("prover", "src", "cli", "chain.ts"), later, later);
    assert.equal(bin(["--version"]).code, 0);
    assert.ok(pointer().builtAt > first.builtAt, "rebuilt");
  });
});

describe("cli: typed one-line errors against a live chain (anvil)", function () {
  this.timeout(60_000);
  let anvil: ChildProcess;
  let rpc: string;
  let dir: string;
  before(async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const bin = join("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
    anvil = spawn(existsSync(bin) ? bin : join("node_modules", ".bin", "anvil"), ["--port", String(port), "--silent"], {
      stdio: "ignore",
    });
    rpc = `http://127.0.0.1:${port}`;
    const pc = createPublicClient({ transport: http(rpc, { retryCount: 0 }) });
    for (let i = 0; ; i++) {
      if (
        await pc.getChainId().then(
          () => true,
          () => false,
        )
      )
        break;
      if (i > 100) throw new Error("anvil did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    dir = mkdtempSync(join(tmpdir(), "novanet-cli-errors-"));
  });
  after(() => {
    anvil?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("followJob: a job that does not settle in time is a JobTimeoutError, an abort a JobFollowAbortedError", async () => {
    const pc = createPublicClient({ transport: http(rpc), pollingInterval: 50 }) as PublicClient;
    await assert.rejects(
      followJob(pc, zeroAddress, 7n, { fromBlock: 0n, timeoutMs: 200, pollMs: 50 }),
      (e: unknown) => {
        assert.ok(e instanceof JobTimeoutError, String(e));
        assert.equal(e.shortMessage, "job 7 did not settle in the time allowed");
        assert.match(e.details ?? "", /^0 s from block 0; last block read \d+$/);
        return true;
      },
    );
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      followJob(pc, zeroAddress, 7n, { fromBlock: 0n, signal: ac.signal }),
      (e: unknown) => e instanceof JobFollowAbortedError,
    );
  });

  it("from the bundle: deploy, circuit list, and request loading the circuit compiler's sources (a typed error after it)", () => {
    const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // anvil's account 0
    const dep = join(dir, "deployment.json");
    const d = bin(["deploy", "--rpc", rpc, "--out", dep, "--json"], { NOVANET_PRIVATE_KEY: key });
    assert.equal(d.code, 0, d.err);
    const list = bin(["circuit", "list", "--rpc", rpc, "--deployment", dep, "--json"]);
    assert.equal(list.code, 0, list.err);
    const args = ["request", "--rpc", rpc, "--deployment", dep, "--circuit-id", "1"];
    const r = bin([...args, "--circuit", "prover/circuits/cubic.circom", "--steps", "2", "--input", '["1","2"]'], {
      NOVANET_PRIVATE_KEY: key,
    });
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err, "error: InputFileError: --input has 2 values; the circuit's state width is 1\n");
  });

  it("job status: a bad id, a deployment of another chain, an unreadable deployment: one typed line each", async () => {
    const other = join(dir, "other-chain.json");
    const a = zeroAddress;
    writeDeployment(other, {
      version: 2,
      chainId: 5,
      addresses: {
        market: a,
        marketExtension: a,
        proverRegistry: a,
        circuitRegistry: a,
        stakeToken: a,
        chunksLibrary: a,
      },
      startBlock: 0n,
      params: DEFAULT_V2_PARAMS,
      owner: a,
    });
    const cases: [string[], RegExp][] = [
      [
        ["job", "status", "seven", "--rpc", rpc],
        /^error: UsageError: --jobId must be a non-negative integer \(seven\)\n$/,
      ],
      [
        ["job", "status", "1", "--rpc", rpc, "--deployment", other],
        /^error: ChainError: the deployment is for another chain \(.+chainId 5, --rpc serves 31337\)\n$/,
      ],
      [["job", "status", "1", "--rpc", rpc, "--deployment", join(dir, "none.json")], /^error: \w+Error: .+\n$/],
    ];
    for (const [argv, want] of cases) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.err, want, argv.join(" "));
    }
  });
});
