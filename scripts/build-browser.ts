/**
 * `npm run build:browser [-- --out DIR]`: bundles the browser GPU page (prover/src/browser/page.ts: the
 * WebGPU MSM benchmark and the local proof, the WGSL kernels and their CPU references, the folding code)
 * into DIR/novanet-gpu.js (default prover/browser/dist, next to prover/browser/index.html). Serve
 * prover/browser/ over HTTP(S) and open it, or mount it in another page: `mountGpuPage(element)`.
 *
 * The folding code is shared with Node, so its Node-only imports are replaced by browser shims: the
 * native addon and files are absent (their loaders report so and the CPU paths take over),
 * `randomBytes` is `crypto.getRandomValues`, and `process.env` is empty.
 */
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";

const SHIMS: Record<string, string> = {
  crypto: `export function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(b.subarray(o, Math.min(n, o + 65536)));
  return b;
}
export function randomUUID() { return globalThis.crypto.randomUUID(); }
export default { randomBytes, randomUUID };`,
  module: `export function createRequire() { return () => { throw new Error("no native modules in a browser"); }; }
export default { createRequire };`,
  constants: `export const O_TRUNC = 512, O_CREAT = 64, O_RDWR = 2, O_EXCL = 128, O_RDONLY = 0;
export default { O_TRUNC, O_CREAT, O_RDWR, O_EXCL, O_RDONLY };`,
  url: `export function fileURLToPath(u) { return String(u); }
export function pathToFileURL(p) { return new URL("file://" + p); }
export default { fileURLToPath, pathToFileURL };`,
};
const absent = (name: string) => `const fail = () => { throw new Error("${name} is not available in a browser"); };
export const readFile = fail, writeFile = fail, readFileSync = fail, writeFileSync = fail, existsSync = () => false,
  mkdirSync = fail, renameSync = fail, rmSync = fail, statSync = fail, open = fail, openSync = fail, closeSync = fail,
  readSync = fail, writeSync = fail, fstatSync = fail, unlinkSync = fail, constants = {}, promises = {};
export default { readFile, writeFile, readFileSync, writeFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync,
  open, openSync, closeSync, readSync, writeSync, fstatSync, unlinkSync, constants, promises };`;

const nodeShims: Plugin = {
  name: "novanet-node-shims",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(crypto|module|url|fs|fs\/promises|constants)$/ }, (args) => ({
      path: args.path.replace(/^node:/, ""),
      namespace: "novanet-shim",
    }));
    b.onLoad({ filter: /.*/, namespace: "novanet-shim" }, (args) => ({
      contents: SHIMS[args.path] ?? absent(args.path),
      loader: "js",
    }));
  },
};

export async function buildBrowserBundle(outdir: string): Promise<string> {
  const outfile = `${outdir}/novanet-gpu.js`;
  await build({
    entryPoints: [new URL("../prover/src/browser/page.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile,
    plugins: [nodeShims],
    banner: { js: "globalThis.process ??= { env: {} };" },
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
