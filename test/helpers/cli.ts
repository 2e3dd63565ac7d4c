/** The `novanet` CLI run in-process by tests: what it prints, and a cubic proof made with it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../prover/src/cli/main.js";

/** Runs `novanet <argv>` in-process; its exit code and what it printed to stdout and stderr. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

/**
 * `novanet prove` of cubic.circom, 3 steps from z0 = [3], hiding, dev keys, plus `extra` (e.g. `--decider v2`),
 * into a fresh temporary folder `dir` (prefix `prefix`): the bundle folder and what prove printed (the ptau
 * and the dev vkey it used). Throws with prove's stderr when it fails.
 */
export async function proveCubicDev(
  prefix: string,
  extra: string[] = [],
): Promise<{ dir: string; bundle: string; printed: { ptau: string; vkey: string; r1csHash?: string } }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const bundle = join(dir, "bundle");
  const input = join(dir, "z0.json");
  writeFileSync(input, '["3"]');
  const r = await runCli([
    "prove",
    "--circuit",
    "test/fixtures/circuits/cubic.circom",
    "--steps",
    "3",
    "--input",
    input,
    "--out",
    bundle,
    "--hiding",
    "--quiet",
    "--insecure-dev-keys",
    ...extra,
  ]);
  if (r.code !== 0) throw new Error(`novanet prove failed (exit ${r.code}): ${r.err}`);
  return { dir, bundle, printed: JSON.parse(r.out) };
}
