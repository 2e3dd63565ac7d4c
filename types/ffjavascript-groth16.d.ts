// ffjavascript's G2 multi-exponentiation, used by prover/src/groth16/prove.ts. Interfaces only: they
// merge with types/ffjavascript.d.ts and types/ffjavascript-devsrs.d.ts.
declare module "ffjavascript" {
  export interface FfWasmG2 {
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array, logger?: unknown, logText?: string): Promise<Uint8Array>;
    isZero(p: Uint8Array): boolean;
  }
  export interface FfWasmG1 {
    /** Point i times `first·inc^i` (Fr elements in ffjavascript's internal form, {@link FfWasmFr.e}). */
    batchApplyKey(
      buff: Uint8Array,
      first: Uint8Array,
      inc: Uint8Array,
      inType?: string,
      outType?: string,
    ): Promise<Uint8Array>;
  }
  export interface FfWasmG2 {
    batchApplyKey(
      buff: Uint8Array,
      first: Uint8Array,
      inc: Uint8Array,
      inType?: string,
      outType?: string,
    ): Promise<Uint8Array>;
  }
  export interface FfWasmFr {
    /** A bigint in the field's internal (Montgomery) form. */
    e(v: bigint): Uint8Array;
    /** Forward / inverse FFT of 32-byte little-endian elements over ffjavascript's `w[k]` (= 5^((p−1)/2^k)). */
    fft(buff: Uint8Array, inType?: string, outType?: string): Promise<Uint8Array>;
    ifft(buff: Uint8Array, inType?: string, outType?: string): Promise<Uint8Array>;
  }
}
