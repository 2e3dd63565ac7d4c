// The `novanet` command's precompiled entry: prover/src/cli/main.ts and the commands that do not prove
// (deploy, request, job status, circuit list: prover/src/cli/chain.ts) bundled by esbuild with their
// dependencies (commander, viem, zod) into prover/dist/cli-<key>/, so that they start without the
// TypeScript loader (tsx) and without resolving viem's hundreds of modules one by one (docs/cli.md).
// The prover's modules stay out of the bundle: main.ts imports them from their .ts sources, after
// registering tsx, when a command needs them.
//
// The bundle is rebuilt by the first `novanet` run after a source or a dependency changed (its inputs'
// modification times are checked on every run: ~30 files); any failure falls back to the tsx path.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DIST = join(ROOT, "prover", "dist");
/** Where the current bundle is recorded: { dir, builtAt, inputs } (written atomically). */
const POINTER = join(DIST, "cli.json");
/** The sources inlined in the bundle besides main.ts's static imports (reached by dynamic import). */
const INLINED = new Set(["prover/src/cli/chain.ts", "prover/src/chain/deploy.ts"]);
/** Packages resolved by Node at run time (loaded only by the prover's commands, or by tsx itself). */
const EXTERNAL = ["tsx", "tsx/*", "snarkjs", "circom2", "ffjavascript", "r1csfile", "libp2p", "@libp2p/*", "webgpu"];

/** The bundle's main.mjs when it is newer than every input, else null. */
export function currentBundle() {
  let rec;
  try {
    rec = JSON.parse(readFileSync(POINTER, "utf8"));
  } catch {
    return null;
  }
  const main = join(DIST, rec.dir, "main.mjs");
  if (!existsSync(main)) return null;
  for (const f of rec.inputs) {
    try {
      if (statSync(join(ROOT, f)).mtimeMs >= rec.builtAt) return null;
    } catch {
      return null;
    }
  }
  return main;
}

/** Builds the bundle into a fresh folder and records it; returns its main.mjs. */
export async function buildBundle() {
  const esbuild = await import("esbuild");
  const builtAt = Date.now();
  const tmp = join(DIST, `cli.tmp-${process.pid}-${builtAt}`);
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: "prover/src/cli/main.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    splitting: true,
    outdir: tmp,
    outExtension: { ".js": ".mjs" },
    chunkNames: "[name]-[hash]",
    metafile: true,
    logLevel: "silent",
    external: EXTERNAL,
    // CommonJS dependencies (commander) call require(): give the ES module one.
    banner: {
      js: 'import { createRequire as __novanetRequire } from "node:module"; const require = __novanetRequire(import.meta.url);',
    },
    plugins: [
      {
        name: "prover-stays-out",
        setup(b) {
          // A dynamic import of one of our sources (not one of viem's own) stays a dynamic import of the
          // .ts file, except the command modules that are inlined.
          b.onResolve({ filter: /^\.\.?\// }, (a) => {
            if (a.kind !== "dynamic-import" || a.importer.includes("node_modules")) return undefined;
            const target = resolve(a.resolveDir, a.path).replace(/\.js$/, ".ts");
            if (INLINED.has(relative(ROOT, target))) return undefined;
            return { path: relative(join(DIST, "cli"), target), external: true };
          });
        },
      },
    ],
  });
  // The folder's name is the build's content: equal sources give the same folder.
  const h = createHash("sha256");
  for (const [f, o] of Object.entries(result.metafile.outputs).sort()) h.update(`${relative(tmp, f)}:${o.bytes}\n`);
  for (const f of readdirSync(tmp).sort()) h.update(readFileSync(join(tmp, f)));
  const dir = `cli-${h.digest("hex").slice(0, 16)}`;
  // Every chunk sits one folder below prover/dist, as the `external` paths above assume (prover/dist/cli).
  if (existsSync(join(DIST, dir))) rmSync(tmp, { recursive: true, force: true });
  else {
    try {
      renameSync(tmp, join(DIST, dir));
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // a concurrent run made the same folder
    }
  }
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/"));
  // A dependency changed: npm rewrites node_modules/.package-lock.json on every install.
  inputs.push("node_modules/.package-lock.json", "prover/bin/bundle.js");
  const ptr = `${POINTER}.${process.pid}`;
  writeFileSync(ptr, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(ptr, POINTER);
  pruneOld(dir);
  return join(DIST, dir, "main.mjs");
}

/** Removes earlier bundles older than an hour (a running command may still be loading one of its chunks). */
function pruneOld(keep) {
  const hour = Date.now() - 3600_000;
  for (const d of readdirSync(DIST)) {
    if (d === keep || !/^cli[-.]/.test(d) || d.endsWith(".json")) continue;
    try {
      if (statSync(join(DIST, d)).mtimeMs < hour) rmSync(join(DIST, d), { recursive: true, force: true });
    } catch {}
  }
}

/** The bundle's main.mjs, built first when missing or stale; null when it cannot be built. */
export async function bundledMain() {
  const cur = currentBundle();
  if (cur) return cur;
  try {
    mkdirSync(DIST, { recursive: true });
    return await buildBundle();
  } catch {
    return null;
  }
}
