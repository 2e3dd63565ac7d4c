/**
 * Witness generation for compiled step circuits, driving circom 2's witness-calculator WebAssembly
 * directly (the same protocol as circom_runtime's `WitnessCalculator`, without its 2 GiB memory
 * import or the `.wtns` file round-trip): write `z_in` into the input signals, let the module
 * compute, read the wires straight out of its exported memory.
 *
 * The witness is circom's full wire vector `w` with `w[0] = 1`, then the public signals
 * `x = (z_out[0..s), z_in[0..s))`, then the private wires. {@link stepOutput} reads `z_out` from it.
 *
 * One WebAssembly instance is kept per circuit and reused (circom's `init` resets it), so calls for
 * the same circuit must not interleave; they are synchronous, so within one thread they cannot.
 *
 * @example
 * const c = await compileCircuit("prover/circuits/cubic.circom");
 * const w = await computeWitness(c, [3n]);
 * stepOutput(w, 1); // [35n]
 */
import { readFileSync } from "node:fs";
import { P } from "../curve/bn254.js";
import { CircuitArtifactError, StepInputError, WitnessError } from "../errors/circuits.js";
import type { CompiledCircuit } from "./compile.js";
import { Wasm, type WasmMemory, type WasmModule } from "./wasm.js";

/** What {@link computeWitness} needs from a compiled circuit. */
export type WitnessSource = Pick<CompiledCircuit, "wasmPath" | "stateWidth">;

type CircomExports = {
  memory: WasmMemory;
  getVersion(): number;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  readSharedRWMemory(i: number): number;
  getSharedRWMemoryStart(): number;
  init(sanityCheck: number): void;
  setInputSignal(hMSB: number, hLSB: number, i: number): void;
  writeSharedRWMemory(i: number, v: number): void;
  getInputSignalSize(hMSB: number, hLSB: number): number;
  getWitnessSize(): number;
  getInputSize(): number;
  getWitness(i: number): void;
  getMessageChar(): number;
};

/** A loaded witness calculator for one circuit. */
export class WitnessCalculator {
  readonly witnessSize: number;
  readonly inputSize: number;
  private readonly ex: CircomExports;
  private readonly n32: number;
  private errors = "";

  private constructor(
    module: WasmModule,
    readonly wasmPath: string,
  ) {
    let self: WitnessCalculator | undefined;
    const message = (): string => {
      let s = "";
      for (let c = self!.ex.getMessageChar(); c !== 0; c = self!.ex.getMessageChar()) s += String.fromCharCode(c);
      return s;
    };
    let logLine = "";
    const instance = new Wasm.Instance(module, {
      runtime: {
        exceptionHandler(code: number) {
          const what =
            [
              "",
              "signal not found",
              "too many signals set",
              "signal already set",
              "assert failed",
              "not enough memory",
              "input signal array access exceeds the size",
            ][code] ?? `unknown error ${code}`;
          const detail = self!.errors.trim();
          self!.errors = "";
          throw new WitnessError(`witness calculation failed: ${what}`, { details: detail || undefined });
        },
        printErrorMessage() {
          self!.errors += `${message()}\n`;
        },
        writeBufferMessage() {
          // circom `log(...)`: forwarded to stderr so it never mixes with the CLI's JSON output.
          const m = message();
          if (m === "\n") {
            process.stderr.write(`[circuit log] ${logLine}\n`);
            logLine = "";
          } else logLine += logLine === "" ? m : ` ${m}`;
        },
        showSharedRWMemory() {},
      },
    });
    this.ex = instance.exports as unknown as CircomExports;
    self = this;
    if (this.ex.getVersion() !== 2) {
      throw new CircuitArtifactError("witness wasm is not from circom 2", { details: wasmPath });
    }
    this.n32 = this.ex.getFieldNumLen32();
    this.ex.getRawPrime();
    let prime = 0n;
    for (let i = this.n32 - 1; i >= 0; i--) prime = (prime << 32n) | BigInt(this.ex.readSharedRWMemory(i) >>> 0);
    if (prime !== P || this.n32 !== 8) {
      throw new CircuitArtifactError("witness wasm is not over BN254's scalar field", { details: `prime ${prime}` });
    }
    this.witnessSize = this.ex.getWitnessSize();
    this.inputSize = this.ex.getInputSize();
  }

  private static cache = new Map<string, WitnessCalculator>();

  /** Loads (once per path and process) the calculator for `wasmPath`. */
  static load(wasmPath: string): WitnessCalculator {
    let wc = WitnessCalculator.cache.get(wasmPath);
    if (!wc) {
      let module: WasmModule;
      try {
        module = new Wasm.Module(readFileSync(wasmPath));
      } catch (cause) {
        throw new CircuitArtifactError("cannot load witness wasm", { details: wasmPath, cause });
      }
      wc = new WitnessCalculator(module, wasmPath);
      WitnessCalculator.cache.set(wasmPath, wc);
    }
    return wc;
  }

  private setInput(name: string, values: readonly bigint[]): void {
    const h = fnv1a64(name);
    const hMSB = Number(h >> 32n);
    const hLSB = Number(h & 0xffffffffn);
    const size = this.ex.getInputSignalSize(hMSB, hLSB);
    if (size < 0) throw new WitnessError(`circuit has no input signal ${name}`);
    if (size !== values.length) {
      throw new StepInputError(`input ${name} has ${values.length} values, the circuit expects ${size}`);
    }
    for (let i = 0; i < values.length; i++) {
      let v = values[i];
      for (let j = 0; j < this.n32; j++) {
        this.ex.writeSharedRWMemory(j, Number(v & 0xffffffffn));
        v >>= 32n;
      }
      this.ex.setInputSignal(hMSB, hLSB, i);
    }
  }

  /**
   * Computes the witness for `inputs` (signal name → values) and returns it as little-endian 32-byte
   * words in normal (not Montgomery) form: `witnessSize · 32` bytes.
   */
  calculateRaw(inputs: Record<string, readonly bigint[]>): Uint8Array {
    this.errors = "";
    this.ex.init(0);
    let count = 0;
    for (const [name, values] of Object.entries(inputs)) {
      this.setInput(name, values);
      count += values.length;
    }
    if (count < this.inputSize) {
      throw new StepInputError(`the circuit has ${this.inputSize} input values, only ${count} given`);
    }
    const n8 = this.n32 * 4;
    const out = new Uint8Array(this.witnessSize * n8);
    const start = this.ex.getSharedRWMemoryStart();
    for (let i = 0; i < this.witnessSize; i++) {
      this.ex.getWitness(i);
      // The memory may grow during the computation, so take a fresh view each time it is detached.
      out.set(new Uint8Array(this.ex.memory.buffer, start, n8), i * n8);
    }
    return out;
  }
}

/** 64-bit FNV-1a of a signal name, as circom hashes input names. */
function fnv1a64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(s)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** Decodes little-endian 32-byte words into bigints. */
export function wordsToBigints(raw: Uint8Array): bigint[] {
  const n = raw.length / 32;
  const out = new Array<bigint>(n);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < n; i++) {
    const o = i * 32;
    out[i] =
      dv.getBigUint64(o, true) |
      (dv.getBigUint64(o + 8, true) << 64n) |
      (dv.getBigUint64(o + 16, true) << 128n) |
      (dv.getBigUint64(o + 24, true) << 192n);
  }
  return out;
}

/** Checks `zIn` against the circuit's state width and the field. Throws {@link StepInputError}. */
export function assertStepInput(zIn: readonly bigint[], stateWidth: number): void {
  if (!Array.isArray(zIn) || zIn.length !== stateWidth) {
    throw new StepInputError(`z_in must have ${stateWidth} entries (the circuit's state width)`, {
      details: `got ${Array.isArray(zIn) ? zIn.length : typeof zIn}`,
    });
  }
  zIn.forEach((v, i) => {
    if (typeof v !== "bigint" || v < 0n || v >= P) {
      throw new StepInputError(`z_in[${i}] is not a canonical field element (0 ≤ v < p)`, { details: String(v) });
    }
  });
}

/**
 * The step's full witness as little-endian 32-byte words (see {@link WitnessCalculator.calculateRaw}):
 * the fast form for commitment code that consumes bytes.
 */
export function computeWitnessRaw(compiled: WitnessSource, zIn: readonly bigint[]): Uint8Array {
  assertStepInput(zIn, compiled.stateWidth);
  return WitnessCalculator.load(compiled.wasmPath).calculateRaw({ z_in: zIn });
}

/**
 * The step's full circom witness `w` (`w[0] = 1`, then `z_out`, `z_in`, then private wires) for the
 * state `zIn`. Throws {@link StepInputError} for a bad `zIn` and {@link WitnessError} if the circuit
 * fails (e.g. an `assert`). Async for API stability (a worker-thread backend may replace it).
 */
export async function computeWitness(compiled: WitnessSource, zIn: readonly bigint[]): Promise<bigint[]> {
  return wordsToBigints(computeWitnessRaw(compiled, zIn));
}

/** `z_out`, read from a full witness: wires `1..s`. */
export function stepOutput(witness: readonly bigint[], s: number): bigint[] {
  return witness.slice(1, 1 + s);
}

/** `z_in`, read from a full witness: wires `s+1..2s`. */
export function stepInput(witness: readonly bigint[], s: number): bigint[] {
  return witness.slice(1 + s, 1 + 2 * s);
}
