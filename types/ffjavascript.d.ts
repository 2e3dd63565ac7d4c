// Minimal typing of the parts of ffjavascript (iden3) that prover/src uses. Interfaces only, so that
// other declaration files for the same module merge with this one.
declare module "ffjavascript" {
  export interface FfWasmField {
    n8: number;
    toObject(a: Uint8Array): bigint;
    fromObject(a: bigint): Uint8Array;
  }
  export interface FfWasmG1 {
    F: FfWasmField;
    zero: Uint8Array;
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array, logger?: unknown, logText?: string): Promise<Uint8Array>;
    toAffine(p: Uint8Array): Uint8Array;
    toObject(p: Uint8Array): [bigint, bigint, bigint];
    isZero(p: Uint8Array): boolean;
  }
  export interface FfCurve {
    name: string;
    G1: FfWasmG1;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<FfCurve>;
  export interface FfF1Field {
    p: bigint;
    fromRprLE(buff: Uint8Array, offset: number): bigint;
  }
  export interface FfF1FieldConstructor {
    new (p: bigint): FfF1Field;
  }
  export const F1Field: FfF1FieldConstructor;
}
