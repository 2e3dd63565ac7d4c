/**
 * Real processes for the end-to-end tests: a `hardhat node` JSON-RPC chain and `novanet node run` daemons,
 * each in its own process group (killed by id when the test ends), their output collected.
 */
import { type ChildProcess, spawn } from "node:child_process";

export type Proc = { child: ChildProcess; out: string[]; name: string };

export function startProcess(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const out: string[] = [];
  const push = (d: Buffer) => {
    if (name === "chain") return; // hardhat logs every request
    for (const line of d.toString().split("\n")) if (line.trim()) out.push(line);
    if (process.env.NOVANET_TEST_VERBOSE) process.stderr.write(`[${name}] ${d}`);
  };
  child.stdout?.on("data", push);
  child.stderr?.on("data", push);
  return { child, out, name };
}

/** SIGKILLs (or sends `signal` to) the process group of `p`. */
export function killProcess(p: Proc, signal: NodeJS.Signals = "SIGKILL"): void {
  if (p.child.pid && p.child.exitCode === null) {
    try {
      process.kill(-p.child.pid, signal);
    } catch {
      // already gone
    }
  }
}

export function exited(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => p.child.once("exit", () => r()));
}

export async function waitFor<T>(
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts `hardhat node` on `port` and waits for its RPC. */
export async function startHardhatNode(port: number): Promise<Proc> {
  const p = startProcess("chain", "npx", ["hardhat", "node", "--port", String(port)]);
  await waitFor(
    async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        return r.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    90_000,
    "hardhat node",
  );
  return p;
}
