/**
 * `npm run bench:cli [-- --reps 5] [-- --rpc URL --deployment FILE --job ID]`: start-up of the `novanet`
 * command, end to end as a user runs it (`node prover/bin/novanet.js …`, a fresh process each time), for
 * the commands that do not prove: `--version`, `--help`, `request --help`, and against a chain `circuit
 * list` and `job status`. Each runs both ways, alternating, in the same run: the precompiled bundle (the
 * default, prover/bin/bundle.js) and the TypeScript sources under tsx (NOVANET_CLI_SOURCES=1, what every
 * run cost before the bundle). `node -e 0` is the floor. Without --rpc it starts its own anvil and deploys
 * the contracts with `novanet deploy` (timed once, as a row); `job status` then asks for a job that does
 * not exist (one `getJob` call and the typed error; a running devnet's job: --rpc, --deployment, --job).
 * Prints a table (median and min of --reps runs) and writes bench/results/cli.json.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    rpc: { type: "string" },
    deployment: { type: "string" },
    job: { type: "string", default: "999999" },
    port: { type: "string", default: "8599" },
  },
});
const REPS = Number(values.reps);
const BIN = join("prover", "bin", "novanet.js");
const ANVIL_KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"; // anvil's account 0

/**
 * Wall time and CPU time (user + system, as bash's `times` reports for its child) of one fresh process, in
 * ms; throws when it exits with another code than `expect`. On a shared, loaded machine the CPU time is the
 * steadier of the two.
 */
function run(args: string[], env: Record<string, string>, expect: number[] = [0]): { wall: number; cpu: number } {
  const t = performance.now();
  const r = spawnSync("bash", ["-c", '"$0" "$@" >/dev/null 2>&1; rc=$?; times; exit $rc', process.execPath, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const wall = performance.now() - t;
  if (!expect.includes(r.status ?? -1)) {
    const again = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: "utf8" });
    throw new Error(`${args.join(" ")} exited ${r.status}: ${(again.stderr || again.stdout).trim().split("\n")[0]}`);
  }
  // `times`: the shell's own user/system times, then its children's ("0m0.330s 0m0.267s").
  const child = r.stdout.trim().split("\n").pop()!;
  const cpu = [...child.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (s, m) => s + (Number(m[1]) * 60 + Number(m[2])) * 1000,
    0,
  );
  return { wall, cpu };
}
const time = (args: string[], env: Record<string, string>, expect?: number[]) => run(args, env, expect).wall;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let anvil: ChildProcess | undefined;
const tmp = mkdtempSync(join(tmpdir(), "novanet-bench-cli-"));
try {
  let rpc = values.rpc;
  let deployment = values.deployment;
  let deployMs: number | undefined;
  // The bundle is built (or found current) once before timing: a first run after an edit pays the build.
  time([BIN, "--version"], {});
  if (!rpc) {
    const port = values.port!;
    const bin = join("node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
    anvil = spawn(existsSync(bin) ? bin : join("node_modules", ".bin", "anvil"), ["--port", port, "--silent"], {
      stdio: "ignore",
      detached: true, // its own process group (as the devnet starts it): attached, every timed process ran several times slower
    });
    rpc = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(rpc, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error("anvil did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    deployment = join(tmp, "deployment.json");
    mkdirSync(tmp, { recursive: true });
    deployMs = time([BIN, "deploy", "--rpc", rpc, "--out", deployment, "--json"], {
      NOVANET_PRIVATE_KEY: ANVIL_KEY0,
    });
  }
  const chainArgs = ["--rpc", rpc, "--deployment", deployment!];
  const cases: { name: string; args: string[]; expect?: number[] }[] = [
    { name: "--version", args: ["--version"] },
    { name: "--help", args: ["--help"] },
    { name: "request --help", args: ["request", "--help"] },
    { name: "job status --help", args: ["job", "status", "--help"] },
    { name: "circuit list (RPC)", args: ["circuit", "list", ...chainArgs] },
    // A job that does not exist is the typed one-line error, exit 2.
    { name: `job status ${values.job} (RPC)`, args: ["job", "status", values.job!, ...chainArgs], expect: [0, 2] },
  ];
  type Row = {
    command: string;
    bundleMs: number;
    bundleMinMs: number;
    bundleCpuMs: number;
    sourcesMs: number;
    sourcesCpuMs: number;
    ratio: number;
  };
  const rows: Row[] = [];
  const floor: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < REPS; i++) floor.push(run(["-e", "0"], {}));
  for (const c of cases) {
    const b: { wall: number; cpu: number }[] = [];
    const s: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < REPS; i++) {
      b.push(run([BIN, ...c.args], {}, c.expect));
      s.push(run([BIN, ...c.args], { NOVANET_CLI_SOURCES: "1" }, c.expect));
    }
    const m = (xs: { wall: number; cpu: number }[], k: "wall" | "cpu") => Math.round(median(xs.map((x) => x[k])));
    rows.push({
      command: c.name,
      bundleMs: m(b, "wall"),
      bundleMinMs: Math.round(Math.min(...b.map((x) => x.wall))),
      bundleCpuMs: m(b, "cpu"),
      sourcesMs: m(s, "wall"),
      sourcesCpuMs: m(s, "cpu"),
      ratio: Number((m(s, "wall") / m(b, "wall")).toFixed(2)),
    });
  }
  const pad = (x: unknown, n: number) => String(x).padStart(n);
  const fl = (k: "wall" | "cpu") => Math.round(median(floor.map((x) => x[k])));
  console.log(
    `novanet start-up, median of ${REPS} fresh processes (node -e 0: ${fl("wall")} ms wall, ${fl("cpu")} ms CPU)`,
  );
  console.log(
    `${"command".padEnd(26)}${pad("bundle ms", 11)}${pad("(min)", 7)}${pad("CPU ms", 8)}${pad("sources ms", 12)}${pad("CPU ms", 8)}${pad("×", 7)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.command.padEnd(26)}${pad(r.bundleMs, 11)}${pad(r.bundleMinMs, 7)}${pad(r.bundleCpuMs, 8)}${pad(r.sourcesMs, 12)}${pad(r.sourcesCpuMs, 8)}${pad(r.ratio, 7)}`,
    );
  }
  if (deployMs !== undefined) console.log(`(novanet deploy to a fresh anvil, once: ${Math.round(deployMs)} ms)`);
  mkdirSync(join("bench", "results"), { recursive: true });
  writeFileSync(
    join("bench", "results", "cli.json"),
    `${JSON.stringify(
      {
        bench: "cli",
        date: new Date().toISOString(),
        node: process.version,
        reps: REPS,
        nodeFloorMs: fl("wall"),
        nodeFloorCpuMs: fl("cpu"),
        deployMs: deployMs === undefined ? null : Math.round(deployMs),
        rows,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  anvil?.kill();
  rmSync(tmp, { recursive: true, force: true });
}
