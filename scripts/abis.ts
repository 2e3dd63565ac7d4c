/**
 * Exports the ABIs of the contracts the indexer reads from the Hardhat artifacts to
 * `indexer/abis/<Contract>.ts`, as `export const <Contract>Abi = [...] as const;` (Ponder needs `as const`
 * ABIs to type event arguments). The files are formatted with Biome so that they pass `npm run check`.
 *
 *   npm run abis         (re)write indexer/abis/*.ts from artifacts/ (run `npx hardhat build` first)
 *   npm run abis:check   exit 1 if any committed file differs from what the artifacts give
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The contracts whose events the indexer subscribes to. */
export const INDEXED_CONTRACTS = [
  "ProverRegistry",
  "CircuitRegistry",
  "ProofMarket",
  "RewardSplitter",
  "Market",
] as const;

/** Contracts whose source lives in a subfolder of contracts/ (the v2 market). */
const SUBFOLDER: Record<string, string> = { Market: "market" };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "indexer", "abis");

function artifactPath(name: string): string {
  return path.join(
    root,
    "artifacts",
    "contracts",
    ...(SUBFOLDER[name] ? [SUBFOLDER[name]] : []),
    `${name}.sol`,
    `${name}.json`,
  );
}

function readAbi(name: string): unknown[] {
  const file = artifactPath(name);
  if (!existsSync(file)) {
    throw new Error(`missing artifact ${path.relative(root, file)}: run \`npx hardhat build\` first`);
  }
  const artifact = JSON.parse(readFileSync(file, "utf8")) as { contractName?: string; abi?: unknown };
  if (!Array.isArray(artifact.abi)) throw new Error(`${path.relative(root, file)} has no abi array`);
  return artifact.abi;
}

function format(file: string, source: string): string {
  const biome = path.join(root, "node_modules", ".bin", "biome");
  const result = spawnSync(biome, ["format", `--stdin-file-path=${path.relative(root, file)}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`biome format failed for ${file}: ${result.stderr}`);
  return result.stdout;
}

/** The exact text of `indexer/abis/<name>.ts` for the current artifacts. */
export function renderAbiFile(name: string): string {
  const abi = readAbi(name);
  const file = path.join(outDir, `${name}.ts`);
  const source =
    `/** ABI of ${name}, generated from ${path.relative(root, artifactPath(name))} by \`npm run abis\`. Do not edit. */\n` +
    `export const ${name}Abi = ${JSON.stringify(abi)} as const;\n`;
  return format(file, source);
}

function main(): void {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const name of INDEXED_CONTRACTS) {
    const file = path.join(outDir, `${name}.ts`);
    const expected = renderAbiFile(name);
    const actual = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (actual === expected) continue;
    if (check) {
      stale.push(path.relative(root, file));
    } else {
      writeFileSync(file, expected);
      process.stderr.write(`${JSON.stringify({ msg: "wrote ABI", file: path.relative(root, file) })}\n`);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`ABIs out of date (run \`npm run abis\`): ${stale.join(", ")}\n`);
    process.exit(1);
  }
  if (check) process.stderr.write(`${JSON.stringify({ msg: "ABIs current", count: INDEXED_CONTRACTS.length })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
