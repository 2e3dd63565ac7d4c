#!/usr/bin/env node
// The `novanet` command. Works as `npx novanet …` and `node prover/bin/novanet.js …` (Node ≥ 22).
//
// It runs the precompiled bundle of prover/src/cli/main.ts (prover/bin/bundle.js; rebuilt here when a
// source changed), which starts in a fraction of the time the TypeScript sources take under tsx; the
// commands that prove load the prover's sources through tsx on demand. NOVANET_CLI_SOURCES=1, a run
// under `node --import tsx`, or a bundle that cannot be built runs the sources through tsx instead.
import module from "node:module";

// V8's compiled code cached on disk (os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE).
module.enableCompileCache?.();

// The node's state is in node:sqlite, which Node 22 flags as experimental on every start: a line that
// tells an operator nothing. Every other warning is printed as usual.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (type === "ExperimentalWarning" && /SQLite/.test(String(warning))) return;
  emitWarning(warning, ...rest);
};

const argv = process.argv.slice(2);
const underTsx = process.execArgv.some((a) => a.includes("tsx"));
let entry = null;
if (process.env.NOVANET_CLI_SOURCES !== "1" && !underTsx) {
  const { bundledMain } = await import("./bundle.js");
  entry = await bundledMain();
}
if (entry) {
  const { run } = await import(entry);
  await run(argv);
} else {
  if (!underTsx) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  const { run } = await import("../src/cli/main.ts");
  await run(argv);
}
