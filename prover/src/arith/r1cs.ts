/**
 * R1CS shapes of circom step circuits (Nova paper §2 notation: `A, B, C`, `z`, `m`).
 *
 * A shape is read from a circom 2 `.r1cs` file (via npm `r1csfile`) into three sparse matrices in CSR
 * form. `z` uses circom's wire order: `z[0]` is the constant 1 (`u` in relaxed R1CS), then the public
 * outputs, then the public inputs, then everything private. NovaNet step circuits follow the state
 * convention of docs/protocol.md §2: `s` outputs `z_out`, `s` public inputs `z_in`, so `x = z[1..1+2s)`
 * and the committed witness is `W = z[1+2s..nVars)`.
 *
 * {@link multiply} is the only kernel that touches the matrices: one bigint multiply per non-zero
 * (skipped for coefficient 1) and one `%` per row. Its products `Az, Bz, Cz` are what folding reuses
 * (by linearity, `A(z1 + r·z2) = Az1 + r·Az2`).
 */
import { readFile } from "node:fs/promises";
import { F1Field } from "ffjavascript";
import { readR1cs } from "r1csfile";
import { type Hex, keccak256 } from "viem";
import { R1csFormatError, StateConventionError, WitnessLengthError } from "../errors/arith.js";
import { P } from "../field/fr.js";
import {
  defaultFieldKernels,
  type FieldKernels,
  type FrVec,
  frLength,
  type PackedProducts,
  packCsr,
} from "./kernels.js";

/** A sparse matrix in compressed sparse row form: row `i` is `cols/vals[rowPtr[i] .. rowPtr[i+1])`. */
export type CsrMatrix = {
  readonly rowPtr: Uint32Array;
  readonly cols: Uint32Array;
  readonly vals: readonly bigint[];
};

export type R1csShape = {
  /** Number of constraints (rows); also the length of `E` and `T`. */
  readonly m: number;
  /** Number of wires, constant slot included: the length of `z`. */
  readonly nVars: number;
  readonly nPubOut: number;
  readonly nPubIn: number;
  /** State width: `nPubOut === nPubIn === s`. */
  readonly s: number;
  /** Length of the committed witness `W`: `nVars − 1 − 2s`. */
  readonly nW: number;
  readonly A: CsrMatrix;
  readonly B: CsrMatrix;
  readonly C: CsrMatrix;
  /** `keccak256` of the `.r1cs` file bytes (docs/protocol.md §7), when loaded from a file. */
  readonly r1csHash: Hex;
};

export type AbcProducts = { Az: bigint[]; Bz: bigint[]; Cz: bigint[] };

type SparseRow = Record<number, unknown>;

function toCsr(rows: readonly SparseRow[], nVars: number, which: string): CsrMatrix {
  const rowPtr = new Uint32Array(rows.length + 1);
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    nnz += Object.keys(rows[i]).length;
    rowPtr[i + 1] = nnz;
  }
  const cols = new Uint32Array(nnz);
  const vals = new Array<bigint>(nnz);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const entries = Object.entries(rows[i])
      .map(([col, val]) => [Number(col), val] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [col, val] of entries) {
      if (!Number.isInteger(col) || col < 0 || col >= nVars) {
        throw new R1csFormatError(`constraint ${i} of ${which} names a wire outside the circuit`, {
          details: `wire ${col}, nVars ${nVars}`,
        });
      }
      if (typeof val !== "bigint" || val < 0n || val >= P) {
        throw new R1csFormatError(`constraint ${i} of ${which} has a coefficient that is not in F_p`, {
          details: String(val),
        });
      }
      cols[k] = col;
      vals[k] = val;
      k++;
    }
  }
  return { rowPtr, cols, vals };
}

/**
 * Builds a shape from explicit sparse rows (tests and generated circuits). Each row maps a wire index
 * to its coefficient. Checks the state convention like {@link loadR1cs}.
 */
export function shapeFromRows(params: {
  nVars: number;
  nPubOut: number;
  nPubIn: number;
  A: readonly SparseRow[];
  B: readonly SparseRow[];
  C: readonly SparseRow[];
  r1csHash?: Hex;
}): R1csShape {
  const { nVars, nPubOut, nPubIn } = params;
  const m = params.A.length;
  if (params.B.length !== m || params.C.length !== m) {
    throw new R1csFormatError("A, B and C have different numbers of rows", {
      details: `${params.A.length}, ${params.B.length}, ${params.C.length}`,
    });
  }
  if (nPubOut !== nPubIn || nPubOut < 1) {
    throw new StateConventionError("circuit does not follow the state convention", {
      details: `expected nOutputs === nPubInputs === s ≥ 1 (x = (z_out[0..s), z_in[0..s))), got nOutputs=${nPubOut}, nPubInputs=${nPubIn}`,
    });
  }
  const s = nPubOut;
  const nW = nVars - 1 - 2 * s;
  if (nW < 0) {
    throw new R1csFormatError("circuit has fewer wires than public signals", { details: `nVars ${nVars}, s ${s}` });
  }
  return {
    m,
    nVars,
    nPubOut,
    nPubIn,
    s,
    nW,
    A: toCsr(params.A, nVars, "A"),
    B: toCsr(params.B, nVars, "B"),
    C: toCsr(params.C, nVars, "C"),
    r1csHash: params.r1csHash ?? `0x${"00".repeat(32)}`,
  };
}

/** Checks the iden3 binary container: magic `r1cs`, version 1, sections that exactly fill the file. */
function checkSectionTable(bytes: Uint8Array): void {
  const fail = (why: string, details?: string) => {
    throw new R1csFormatError(`malformed .r1cs file: ${why}`, { details });
  };
  if (bytes.length < 12) fail("shorter than its header");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== "r1cs") fail("bad magic");
  if (dv.getUint32(4, true) !== 1) fail("unsupported version", String(dv.getUint32(4, true)));
  const nSections = dv.getUint32(8, true);
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) fail("truncated section table", `section ${i}`);
    const size = dv.getBigUint64(pos + 4, true);
    if (BigInt(pos + 12) + size > BigInt(bytes.length)) fail("truncated section", `section ${i}`);
    pos += 12 + Number(size);
  }
  if (pos !== bytes.length) fail("trailing bytes after the last section", `${bytes.length - pos} bytes`);
}

/**
 * Reads a circom 2 `.r1cs` file (a path or its bytes) into a shape.
 *
 * @throws {R1csFormatError} unreadable file, another prime than BN254's p, custom gates, bad wire index.
 * @throws {StateConventionError} "circuit does not follow the state convention" unless
 *   `nOutputs === nPubInputs === s ≥ 1`.
 * @example
 * const shape = await loadR1cs("build/cubic.r1cs");
 * const { Az, Bz, Cz } = multiply(shape, z);
 */
export async function loadR1cs(pathOrBytes: string | Uint8Array): Promise<R1csShape> {
  let bytes: Uint8Array;
  try {
    bytes = typeof pathOrBytes === "string" ? new Uint8Array(await readFile(pathOrBytes)) : pathOrBytes;
  } catch (cause) {
    throw new R1csFormatError("cannot read the .r1cs file", { details: String(pathOrBytes), cause });
  }
  checkSectionTable(bytes);
  const r1csHash = keccak256(bytes);
  let file: Awaited<ReturnType<typeof readR1cs>>;
  try {
    file = await readR1cs(bytes, { loadConstraints: true, loadMap: false, loadCustomGates: true, F: new F1Field(P) });
  } catch (cause) {
    throw new R1csFormatError("malformed .r1cs file (or a field other than BN254's scalar field)", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  if (file.prime !== P) {
    throw new R1csFormatError("the .r1cs file is over another prime than BN254's p", { details: String(file.prime) });
  }
  if (file.useCustomGates) throw new R1csFormatError("circuits with custom gates are not supported");
  if (file.nOutputs !== file.nPubInputs || file.nOutputs < 1) {
    throw new StateConventionError("circuit does not follow the state convention", {
      details: `expected nOutputs === nPubInputs === s ≥ 1 (x = (z_out[0..s), z_in[0..s))), got nOutputs=${file.nOutputs}, nPubInputs=${file.nPubInputs}`,
    });
  }
  return shapeFromRows({
    nVars: file.nVars,
    nPubOut: file.nOutputs,
    nPubIn: file.nPubInputs,
    A: file.constraints.map((c) => c[0]),
    B: file.constraints.map((c) => c[1]),
    C: file.constraints.map((c) => c[2]),
    r1csHash,
  });
}

function spmv(M: CsrMatrix, z: readonly bigint[], m: number): bigint[] {
  const { rowPtr, cols, vals } = M;
  const out = new Array<bigint>(m);
  for (let i = 0; i < m; i++) {
    let acc = 0n;
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) {
      const v = vals[k];
      acc += v === 1n ? z[cols[k]] : v * z[cols[k]];
    }
    out[i] = acc % P;
  }
  return out;
}

/**
 * `Az, Bz, Cz` for a full assignment `z` (length `nVars`, canonical entries: not re-checked here).
 * Cost: one bigint multiply per non-zero of A, B, C and one `%` per row.
 */
export function multiply(shape: R1csShape, z: readonly bigint[]): AbcProducts {
  if (z.length !== shape.nVars) {
    throw new WitnessLengthError("z has the wrong length for this R1CS", {
      details: `got ${z.length}, expected nVars = ${shape.nVars}`,
    });
  }
  return { Az: spmv(shape.A, z, shape.m), Bz: spmv(shape.B, z, shape.m), Cz: spmv(shape.C, z, shape.m) };
}

/** Whether `z` (with `z[0] = 1`) satisfies `Az ∘ Bz = Cz`. Throws only on a wrong length. */
export function isSatisfied(shape: R1csShape, z: readonly bigint[]): boolean {
  if (z.length !== shape.nVars) {
    throw new WitnessLengthError("z has the wrong length for this R1CS", {
      details: `got ${z.length}, expected nVars = ${shape.nVars}`,
    });
  }
  if (z[0] !== 1n) return false;
  for (const v of z) if (typeof v !== "bigint" || v < 0n || v >= P) return false;
  const { Az, Bz, Cz } = multiply(shape, z);
  for (let i = 0; i < shape.m; i++) if ((Az[i] * Bz[i]) % P !== Cz[i]) return false;
  return true;
}

/**
 * `Az, Bz, Cz` of a packed `z` (length `nVars`) through the field kernels (default: native when built).
 * Every element of `z` is checked `< p` by the kernel. Cost: one product per non-zero ≠ 1.
 *
 * @throws {WitnessLengthError} `z` has the wrong length. @throws {FieldElementError} an element ≥ p.
 */
export function multiplyPacked(
  shape: R1csShape,
  z: FrVec,
  kernels: FieldKernels = defaultFieldKernels(),
): PackedProducts {
  if (frLength(z, "z") !== shape.nVars) {
    throw new WitnessLengthError("z has the wrong length for this R1CS", {
      details: `got ${z.length / 32}, expected nVars = ${shape.nVars}`,
    });
  }
  return {
    Az: kernels.spmv(packCsr(shape.A), z),
    Bz: kernels.spmv(packCsr(shape.B), z),
    Cz: kernels.spmv(packCsr(shape.C), z),
  };
}
