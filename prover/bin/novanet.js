#!/usr/bin/env node
// The `novanet` command: registers tsx (TypeScript loader) and runs prover/src/cli/main.ts.
// Works as `npx novanet …` and `node prover/bin/novanet.js …` (Node ≥ 22).
import { register } from "tsx/esm/api";

register();
const { run } = await import("../src/cli/main.ts");
await run(process.argv.slice(2));
