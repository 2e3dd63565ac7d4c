/**
 * Compiles circom 2 step circuits in-process with the `circom2` package (circom compiled to WASI),
 * giving the `.r1cs`, the `.sym` and the witness-calculator `.wasm`, and checks the step-circuit
 * convention of docs/protocol.md §2: the main component declares `signal input z_in[s]` (public) and
 * `signal output z_out[s]`, so its public signals are `x = (z_out[0..s), z_in[0..s))`.
 *
 * Results are cached on disk under `<cacheDir>/<key>/`, where the key hashes the compiler version,
 * the options and the bytes of the main file and of every file it includes (transitively, as resolved).
 * A cache entry is written to a temporary folder and renamed into place, so concurrent compiles of the
 * same circuit are safe. `include` paths resolve like circom's: against the including file's folder,
 * then the library folders (the circuit's folder, every `node_modules` above it, and this repository's
 * `node_modules`, so `include "circomlib/circuits/poseidon.circom";` works).
 *
 * @example
 * const c = await compileCircuit("prover/circuits/cubic.circom");
 * c.stateWidth; // 1
 * c.nConstraints; // 3
 */

import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { P } from "../curve/bn254.js";
import {
  CircuitArtifactError,
  CircuitCompileError,
  CircuitConventionError,
  CircuitNotFoundError,
} from "../errors/circuits.js";
import { Wasm, type WasmImports, type WasmInstance, type WasmModule } from "./wasm.js";

const require = createRequire(import.meta.url);

/** circom's simplification level: `O0` none, `O1` removes equalities, `O2` full linear simplification. */
export type Optimisation = "O0" | "O1" | "O2";

export type CompileOptions = {
  /** Cache folder; default `.novanet/circuits` under the current directory. */
  cacheDir?: string;
  /** Extra library folders for `include` resolution (searched after the default ones). */
  includePaths?: string[];
  /** circom's simplification level; default `O2`. */
  optimisation?: Optimisation;
  /** Ignore (and overwrite) a cached entry. */
  force?: boolean;
  /**
   * How many private inputs main may declare (default 0, the step convention). Only the private-mode
   * wrapper `F̂` (prover/src/private/wrapper.ts) sets it: its state and salts are private inputs.
   */
  privateInputs?: number;
};

/** Header fields of an `.r1cs` file (iden3 binary format, section 1). */
export type R1csHeader = {
  /** Bytes per field element (32 for BN254). */
  n8: number;
  prime: bigint;
  /** Number of wires (circom "signals" kept in the witness), including the constant wire 0. */
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
  nConstraints: number;
};

export type CompiledCircuit = {
  /** Absolute path of the source file compiled. */
  circomPath: string;
  /** The circuit's name (the main file's base name without `.circom`). */
  name: string;
  /** Cache key (hex, no 0x) and the folder holding the artefacts. */
  key: string;
  dir: string;
  r1csPath: string;
  wasmPath: string;
  symPath: string;
  /** keccak256 of the `.r1cs` bytes, 0x-prefixed hex: the protocol's `r1csHash`. */
  r1csHash: `0x${string}`;
  /** State width `s`: the main component's `z_in`/`z_out` length. */
  stateWidth: number;
  nConstraints: number;
  /** Witness length (circom wires, wire 0 = 1 included). */
  nVars: number;
  /** Private witness length `n_w = nVars − 1 − 2s` (what is committed as `W`). */
  nWitness: number;
  compiler: string;
  optimisation: Optimisation;
  /** Every source file that went into the key, main first. */
  sources: string[];
};

const CIRCOM2_VERSION: string = require("circom2/package.json").version;
/** The compiler identity that goes into the cache key (circom2 0.2.23 bundles circom 2.2.x). */
export const COMPILER_ID = `circom2@${CIRCOM2_VERSION}`;
const META_FILE = "meta.json";
/** Bumped when the layout of a cache entry changes. */
const CACHE_FORMAT = 1;

let circomModule: Promise<WasmModule> | undefined;
function loadCircomWasm(): Promise<WasmModule> {
  if (!circomModule) circomModule = Wasm.compile(readFileSync(require.resolve("circom2/circom.wasm")));
  return circomModule;
}

/** The library folders searched for `include`s of a circuit in `circuitDir`. */
export function defaultIncludePaths(circuitDir: string): string[] {
  const paths = [circuitDir];
  let d = circuitDir;
  for (;;) {
    const nm = join(d, "node_modules");
    if (existsSync(nm)) paths.push(nm);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  // This repository's node_modules (where circomlib is installed), wherever the circuit lives.
  const repoNm = dirname(dirname(require.resolve("circomlib/package.json")));
  if (!paths.includes(repoNm)) paths.push(repoNm);
  return paths;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
}

/**
 * Finds the main file and every file it includes, transitively, resolved as circom does. Returns the
 * files in depth-first order (main first) with the include strings that led to them.
 */
export function collectSources(circomPath: string, includePaths: string[]): { path: string; spec: string }[] {
  const seen = new Set<string>();
  const out: { path: string; spec: string }[] = [];
  const visit = (file: string, spec: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    out.push({ path: file, spec });
    let src: string;
    try {
      src = readFileSync(file, "utf8");
    } catch (cause) {
      throw new CircuitNotFoundError("cannot read circuit source", { details: file, cause });
    }
    for (const m of stripComments(src).matchAll(/include\s+"([^"]+)"\s*;/g)) {
      const inc = m[1];
      const candidates = isAbsolute(inc)
        ? [inc]
        : [resolve(dirname(file), inc), ...includePaths.map((p) => resolve(p, inc))];
      const found = candidates.find((c) => existsSync(c));
      // Let circom report an unresolvable include with its own message.
      if (found) visit(found, inc);
    }
  };
  visit(resolve(circomPath), basename(circomPath));
  return out;
}

function cacheKey(sources: { path: string; spec: string }[], optimisation: Optimisation): string {
  const h = keccak_256.create();
  const enc = new TextEncoder();
  h.update(enc.encode(`novanet-circuit-cache/${CACHE_FORMAT}\0${COMPILER_ID}\0${optimisation}\0`));
  for (const s of sources) {
    h.update(enc.encode(`${s.spec}\0`));
    h.update(keccak_256(readFileSync(s.path)));
  }
  return bytesToHex(h.digest());
}

/** Parses the header section of an `.r1cs` file. */
export function readR1csHeader(bytes: Uint8Array): R1csHeader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== "r1cs") throw new CircuitArtifactError("not an .r1cs file", { details: `magic ${magic}` });
  const nSections = dv.getUint32(8, true);
  let off = 12;
  for (let i = 0; i < nSections; i++) {
    const type = dv.getUint32(off, true);
    const size = Number(dv.getBigUint64(off + 4, true));
    off += 12;
    if (type === 1) {
      const n8 = dv.getUint32(off, true);
      let prime = 0n;
      for (let j = n8 - 1; j >= 0; j--) prime = (prime << 8n) | BigInt(bytes[off + 4 + j]);
      let o = off + 4 + n8;
      const nVars = dv.getUint32(o, true);
      const nOutputs = dv.getUint32(o + 4, true);
      const nPubInputs = dv.getUint32(o + 8, true);
      const nPrvInputs = dv.getUint32(o + 12, true);
      const nLabels = Number(dv.getBigUint64(o + 16, true));
      o += 24;
      const nConstraints = dv.getUint32(o, true);
      return { n8, prime, nVars, nOutputs, nPubInputs, nPrvInputs, nLabels, nConstraints };
    }
    off += size;
  }
  throw new CircuitArtifactError(".r1cs file has no header section");
}

/** Reads the names of wires 1..2s from a circom `.sym` file (`label,wire,component,name` lines). */
function wireNames(symPath: string, upTo: number): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of readFileSync(symPath, "utf8").split("\n")) {
    const parts = line.split(",");
    if (parts.length < 4) continue;
    const wire = Number(parts[1]);
    if (wire >= 1 && wire <= upTo && !names.has(wire)) names.set(wire, parts.slice(3).join(","));
  }
  return names;
}

/**
 * Checks the step-circuit convention on compiled artefacts and returns the state width `s`.
 * Throws {@link CircuitConventionError} naming what is wrong.
 */
export function checkStepConvention(header: R1csHeader, symPath: string, circuit = "", privateInputs = 0): number {
  const s = header.nOutputs;
  const fail = (what: string) =>
    new CircuitConventionError(
      "circuit does not follow the step convention (main: `signal input z_in[s]` public, `signal output z_out[s]`)",
      { details: `${circuit}: ${what}` },
    );
  if (header.prime !== P) throw fail(`field is not BN254's scalar field (prime ${header.prime})`);
  if (s < 1) throw fail("main has no outputs (z_out missing)");
  if (header.nPubInputs !== s) {
    throw fail(
      `main has ${s} outputs but ${header.nPubInputs} public inputs (z_in must be public and as long as z_out)`,
    );
  }
  if (header.nPrvInputs !== privateInputs) {
    throw fail(`main has ${header.nPrvInputs} private inputs; a step's only input is z_in`);
  }
  const names = wireNames(symPath, 2 * s);
  for (let i = 0; i < s; i++) {
    const out = names.get(1 + i);
    const inp = names.get(1 + s + i);
    if (out !== `main.z_out[${i}]`)
      throw fail(`public signal ${1 + i} is ${out ?? "unnamed"}, expected main.z_out[${i}]`);
    if (inp !== `main.z_in[${i}]`)
      throw fail(`public signal ${1 + s + i} is ${inp ?? "unnamed"}, expected main.z_in[${i}]`);
  }
  return s;
}

function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes in circom's output
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}

/** Runs circom (WASI) with `args`, capturing its stdout/stderr. Resolves with the output, or throws. */
async function runCircom(args: string[]): Promise<{ code: number; output: string }> {
  const { CircomRunner, bindings } = require("circom2") as {
    CircomRunner: new (
      o: unknown,
    ) => { wasi: { getImports(m: WasmModule): WasmImports; start(i: WasmInstance): void } };
    bindings: Record<string, unknown>;
  };
  let output = "";
  const capture = {
    ...fs,
    writeSync(fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number | null): number {
      if (fd === 1 || fd === 2) {
        const o = off ?? 0;
        const l = len ?? buf.byteLength - o;
        output += Buffer.from(buf.buffer, buf.byteOffset + o, l).toString("utf8");
        return l;
      }
      return fs.writeSync(fd, buf, off, len, pos);
    },
  };
  class Exit extends Error {
    constructor(readonly code: number) {
      super(`circom exited with ${code}`);
    }
  }
  const runner = new CircomRunner({
    args,
    env: {},
    preopens: { "/": "/" },
    bindings: {
      ...bindings,
      fs: capture,
      exit(code: number) {
        throw new Exit(code);
      },
    },
  });
  const mod = await loadCircomWasm();
  const instance = await Wasm.instantiate(mod, runner.wasi.getImports(mod));
  try {
    runner.wasi.start(instance);
  } catch (err) {
    if (err instanceof Exit) return { code: err.code, output: stripAnsi(output) };
    throw new CircuitCompileError("circom crashed", { details: stripAnsi(output), cause: err });
  }
  return { code: 0, output: stripAnsi(output) };
}

function readMeta(dir: string): CompiledCircuit | undefined {
  const metaPath = join(dir, META_FILE);
  if (!existsSync(metaPath)) return undefined;
  try {
    const m = JSON.parse(readFileSync(metaPath, "utf8")) as CompiledCircuit;
    // Paths are re-rooted at `dir`, so a moved cache folder still works.
    const entry = {
      ...m,
      dir,
      r1csPath: join(dir, "circuit.r1cs"),
      wasmPath: join(dir, "circuit.wasm"),
      symPath: join(dir, "circuit.sym"),
    };
    if (!existsSync(entry.r1csPath) || !existsSync(entry.wasmPath)) return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * Compiles `circomPath` (or returns the cached result), checks the step convention and returns the
 * artefacts. Throws {@link CircuitNotFoundError}, {@link CircuitCompileError} (with circom's message in
 * `details`) or {@link CircuitConventionError}.
 */
export async function compileCircuit(circomPath: string, options: CompileOptions = {}): Promise<CompiledCircuit> {
  const main = resolve(circomPath);
  if (!existsSync(main)) throw new CircuitNotFoundError("circuit file not found", { details: main });
  const optimisation = options.optimisation ?? "O2";
  const includePaths = [...defaultIncludePaths(dirname(main)), ...(options.includePaths ?? []).map((p) => resolve(p))];
  const sources = collectSources(main, includePaths);
  const key = cacheKey(sources, optimisation);
  const cacheDir = resolve(options.cacheDir ?? join(".novanet", "circuits"));
  const dir = join(cacheDir, key);
  if (!options.force) {
    const hit = readMeta(dir);
    if (hit) return hit;
  }

  const name = basename(main).replace(/\.circom$/, "");
  // pid + a random id: two compiles in one process may start in the same millisecond.
  const tmp = `${dir}.tmp-${process.pid}-${randomUUID()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const args = [main, "--r1cs", "--wasm", "--sym", `--${optimisation}`, "-o", tmp];
    for (const p of includePaths) args.push("-l", p);
    const { code, output } = await runCircom(args);
    if (code !== 0) {
      throw new CircuitCompileError(`circom failed to compile ${basename(main)}`, { details: output.trim() });
    }
    const r1csPath = join(tmp, `${name}.r1cs`);
    const symPath = join(tmp, `${name}.sym`);
    const wasmPath = join(tmp, `${name}_js`, `${name}.wasm`);
    for (const f of [r1csPath, symPath, wasmPath]) {
      if (!existsSync(f)) throw new CircuitCompileError("circom did not write an expected output", { details: f });
    }
    const r1cs = readFileSync(r1csPath);
    const header = readR1csHeader(r1cs);
    const stateWidth = checkStepConvention(header, symPath, basename(main), options.privateInputs ?? 0);

    // Keep only what we use, with stable names.
    renameSync(r1csPath, join(tmp, "circuit.r1cs"));
    renameSync(symPath, join(tmp, "circuit.sym"));
    renameSync(wasmPath, join(tmp, "circuit.wasm"));
    rmSync(join(tmp, `${name}_js`), { recursive: true, force: true });

    const compiled: CompiledCircuit = {
      circomPath: main,
      name,
      key,
      dir,
      r1csPath: join(dir, "circuit.r1cs"),
      wasmPath: join(dir, "circuit.wasm"),
      symPath: join(dir, "circuit.sym"),
      r1csHash: `0x${bytesToHex(keccak_256(r1cs))}`,
      stateWidth,
      nConstraints: header.nConstraints,
      nVars: header.nVars,
      nWitness: header.nVars - 1 - 2 * stateWidth,
      compiler: COMPILER_ID,
      optimisation,
      sources: sources.map((s) => s.path),
    };
    writeFileSync(join(tmp, META_FILE), JSON.stringify(compiled, null, 2));
    if (options.force) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process finished the same compile first: use its entry.
      const other = readMeta(dir);
      if (!other) throw err;
      return other;
    }
    return compiled;
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Lists the cache entries (keys) under `cacheDir`. */
export function listCompiled(cacheDir = join(".novanet", "circuits")): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir).filter((d) => /^[0-9a-f]{64}$/.test(d));
}
