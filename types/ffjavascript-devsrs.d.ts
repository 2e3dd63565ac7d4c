// More of ffjavascript's surface, used by prover/src/commitment/devsrs.ts (the dev .ptau generator).
// Interfaces only: they merge with types/ffjavascript.d.ts.
declare module "ffjavascript" {
  export interface FfWasmG1 {
    /** The generator, affine little-endian Montgomery (64 bytes). */
    oneAffine: Uint8Array;
    /** `s·a` (a affine or Jacobian, s little-endian bytes): Jacobian result. */
    timesScalar(a: Uint8Array, s: Uint8Array): Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
  }
  export interface FfWasmG2 {
    F: { n8: number };
    /** The generator, affine little-endian Montgomery (128 bytes). */
    oneAffine: Uint8Array;
    timesScalar(a: Uint8Array, s: Uint8Array): Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    toAffine(a: Uint8Array): Uint8Array;
  }
  export interface FfWasmFr extends FfWasmField {
    /** `w[k]`: the primitive 2^k-th root of unity the FFTs use (Montgomery bytes). */
    w: Uint8Array[];
    s: number;
  }
  export type FfTaskCommand =
    | { cmd: "ALLOCSET"; var: number; buff: Uint8Array }
    | { cmd: "ALLOC"; var: number; len: number }
    | { cmd: "CALL"; fnName: string; params: ({ var: number; offset?: number } | { val: number })[] }
    | { cmd: "GET"; out: number; var: number; len: number };
  export interface FfThreadManager {
    concurrency: number;
    queueAction(task: FfTaskCommand[]): Promise<Uint8Array[]>;
  }
  export interface FfCurve {
    G2: FfWasmG2;
    Fr: FfWasmFr;
    tm: FfThreadManager;
    /** Base field modulus. */
    q: bigint;
    /** Scalar field modulus (group order). */
    r: bigint;
  }
}
