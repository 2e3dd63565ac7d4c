/**
 * Test helper: a throwaway PostgreSQL cluster (scripts/postgres.sh) for the indexer's PostgreSQL test, and
 * the rule for when that test may be skipped. The test FAILS when PostgreSQL cannot start; it may skip
 * only when the developer asks for it explicitly (`NOVANET_SKIP_POSTGRES=1`) and never in CI (`CI` set to
 * anything but "" / "0" / "false"), where a skip would let a broken PostgreSQL path pass unseen.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SCRIPT = path.join(repoRoot, "scripts", "postgres.sh");

export type PgCluster = { url: string; dir: string };

const truthy = (v: string | undefined) => v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";

/** What to do when PostgreSQL cannot start: "fail" by default and always in CI, "skip" only on request outside CI. */
export function onPostgresUnavailable(env: NodeJS.ProcessEnv): "fail" | "skip" {
  if (truthy(env.CI)) return "fail";
  return env.NOVANET_SKIP_POSTGRES === "1" ? "skip" : "fail";
}

/** Starts a cluster; throws (with postgres.sh's stderr) when it cannot. */
export function startPostgres(): PgCluster {
  let out: string;
  try {
    out = execFileSync("bash", [SCRIPT, "start"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
  } catch (error) {
    const why = (error as { stderr?: string }).stderr || String(error);
    throw new Error(`scripts/postgres.sh start failed: ${why.trim()}`);
  }
  const url = /^DATABASE_URL=(.+)$/m.exec(out)?.[1];
  const dir = /^PGDATA_DIR=(.+)$/m.exec(out)?.[1];
  if (!url || !dir) throw new Error(`unexpected output of scripts/postgres.sh start: ${out}`);
  return { url, dir };
}

/** Stops and removes a cluster (ignores one already gone). */
export function stopPostgres(cluster: PgCluster): void {
  try {
    execFileSync("bash", [SCRIPT, "stop", cluster.dir], { stdio: "ignore" });
  } catch {
    // already gone
  }
}
