/**
 * Test helper: runs the indexer (`ponder start --root indexer`) as a child process on 127.0.0.1, waits
 * until it serves, and until it has indexed a given block; stops it gracefully (SIGTERM, then SIGKILL
 * after a grace period). Every process started here is also killed when the test process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const ponderBin = path.join(repoRoot, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js");
export const indexerRoot = path.join(repoRoot, "indexer");

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A free TCP port on 127.0.0.1 (asks the kernel for one, then releases it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      server.close(() => resolve(address.port));
    });
  });
}

export type PonderOptions = {
  /** Database schema (`--schema`); reuse it to resume on the same database. */
  schema: string;
  /** Environment for `indexer/ponder.config.ts` (RPC URL, addresses, start block, database). */
  env: Record<string, string>;
  /** How long to wait for the HTTP server to answer `/health` (ms). */
  startTimeoutMs?: number;
  /** Ponder project root; default `indexer/`. */
  root?: string;
};

export type PonderProcess = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  logs: () => string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
  stop: (graceMs?: number) => Promise<number | string>;
};

/** Starts `ponder start --root indexer --schema <schema>` and waits until `/health` answers. */
export async function startPonder(options: PonderOptions): Promise<PonderProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const child = spawn(
    process.execPath,
    [
      ponderBin,
      "start",
      "--root",
      options.root ?? indexerRoot,
      "--schema",
      options.schema,
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
      "--log-format",
      "json",
    ],
    {
      cwd: options.root ?? indexerRoot,
      env: { ...process.env, PONDER_TELEMETRY_DISABLED: "true", NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line);
      if (lines.length > 400) lines.shift();
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  const logs = () => lines.slice(-80).join("\n");
  let exitStatus: number | string | undefined;
  void exited.then((status) => {
    exitStatus = status;
  });

  const stop = async (graceMs = 15_000): Promise<number | string> => {
    if (exitStatus !== undefined) return exitStatus;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };

  // Generous: a restart first waits out the previous run's schema lock (≤ 25 s, see docs/indexer.md).
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exitStatus !== undefined) {
      throw new Error(`ponder exited (${exitStatus}) before serving:\n${logs()}`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(2_000);
      throw new Error(`ponder did not answer /health within the timeout:\n${logs()}`);
    }
    await sleep(200);
  }
  return { url, logs, exited, stop };
}

/** Ponder's `/status`: the latest indexed block per chain. */
export async function indexedBlock(ponder: PonderProcess, chainName: string): Promise<number | undefined> {
  const response = await fetch(`${ponder.url}/status`);
  if (!response.ok) return undefined;
  const status = (await response.json()) as Record<string, { block?: { number?: number } }>;
  return status[chainName]?.block?.number;
}

/** Waits until the indexer is ready (backfill done) and has indexed `blockNumber` on `chainName`. */
export async function waitForIndexedBlock(
  ponder: PonderProcess,
  chainName: string,
  blockNumber: bigint | number,
  timeoutMs = 120_000,
): Promise<void> {
  const target = Number(blockNumber);
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  for (;;) {
    try {
      const ready = await fetch(`${ponder.url}/ready`);
      if (ready.ok) {
        last = await indexedBlock(ponder, chainName);
        if (last !== undefined && last >= target) return;
      }
    } catch {
      // server restarting or not yet up
    }
    if (Date.now() > deadline) {
      throw new Error(`indexer reached block ${last ?? "none"}, wanted ${target}:\n${ponder.logs()}`);
    }
    await sleep(200);
  }
}

/** POSTs a GraphQL query to `/graphql`; throws on transport or GraphQL errors. */
export async function graphql<T>(
  ponder: PonderProcess,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(`${ponder.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors !== undefined || body.data === undefined) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** GETs a JSON REST route; returns the status and the parsed body. */
export async function getJson<T>(ponder: PonderProcess, route: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${ponder.url}${route}`);
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Runs a read-only SQL query through the `/sql/db` route served by Ponder's `client()` middleware (the
 * wire format `@ponder/client` uses: `?sql=` a superjson document `{ json: { sql, params } }`).
 */
export async function sql<T>(ponder: PonderProcess, query: string, params: unknown[] = []): Promise<T> {
  const encoded = encodeURIComponent(JSON.stringify({ json: { sql: query, params } }));
  const response = await fetch(`${ponder.url}/sql/db?sql=${encoded}`);
  if (!response.ok) throw new Error(`SQL ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
