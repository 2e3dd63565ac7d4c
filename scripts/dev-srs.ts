/**
 * `npm run dev-srs -- --power <k> [--out <file>] [--force]`: writes an INSECURE development `.ptau`
 * (see prover/src/commitment/devsrs.ts). Without `--out` it goes to the cache the CLI uses,
 * `.novanet/ptau/dev-<k>.ptau`. Progress is logged as JSON lines on stderr.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildBn128 } from "ffjavascript";
import { devPtauPath, generateDevPtau, INSECURE_DEV_SRS_WARNING } from "../prover/src/commitment/devsrs.js";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      power: { type: "string", short: "p" },
      out: { type: "string", short: "o" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || values.power === undefined) {
    process.stderr.write("usage: npm run dev-srs -- --power <k> [--out <file.ptau>] [--force]\n");
    return values.help ? 0 : 2;
  }
  const power = Number(values.power);
  const out = values.out ?? devPtauPath(power);
  process.stderr.write(`\n*** ${INSECURE_DEV_SRS_WARNING} ***\n\n`);
  if (existsSync(out) && !values.force) {
    process.stderr.write(`${out} exists (use --force to regenerate)\n`);
    return 0;
  }
  let last = 0;
  const r = await generateDevPtau(out, power, {
    onProgress: ({ phase, done, total }) => {
      const now = Date.now();
      if (done === total || now - last > 1000) {
        last = now;
        process.stderr.write(`${JSON.stringify({ event: "dev-srs", phase, done, total })}\n`);
      }
    },
  });
  process.stdout.write(`${JSON.stringify({ path: r.path, power: r.power, nTauG1: r.nTauG1, ms: Math.round(r.ms) })}\n`);
  return 0;
}

main()
  .then(async (code) => {
    await (await buildBn128()).terminate();
    process.exit(code);
  })
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
