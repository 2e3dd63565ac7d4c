/**
 * `npm run build:browser [-- --out DIR]`: bundles the browser entry (prover/src/browser/msm-bench.ts,
 * the WebGPU MSM kernels and their CPU reference) into DIR/novanet-msm.js (default
 * prover/browser/dist, next to prover/browser/index.html). Serve prover/browser/ over HTTP(S) and open it.
 */
import { parseArgs } from "node:util";
import { build } from "esbuild";

export async function buildBrowserBundle(outdir: string): Promise<string> {
  const outfile = `${outdir}/novanet-msm.js`;
  await build({
    entryPoints: [new URL("../prover/src/browser/msm-bench.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: "string", default: "prover/browser/dist" } } });
  buildBrowserBundle(values.out).then(
    (f) => process.stdout.write(`wrote ${f}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
