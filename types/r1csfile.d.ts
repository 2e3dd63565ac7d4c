// Minimal typing of the parts of r1csfile (iden3) that prover/src/arith/r1cs.ts uses.
declare module "r1csfile" {
  export interface R1csFileField {
    p: bigint;
    fromRprLE(buff: Uint8Array, offset: number): unknown;
  }
  export interface R1csFileOptions {
    loadConstraints?: boolean;
    loadMap?: boolean;
    loadCustomGates?: boolean;
    F?: R1csFileField;
    singleThread?: boolean;
  }
  /** One linear combination: wire index → coefficient (a bigint when `F` is an `F1Field`). */
  export type R1csFileLc = Record<number, unknown>;
  export interface R1csFile {
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number;
    nConstraints: number;
    useCustomGates: boolean;
    constraints: [R1csFileLc, R1csFileLc, R1csFileLc][];
  }
  export function readR1cs(source: string | Uint8Array, options: R1csFileOptions): Promise<R1csFile>;
}
