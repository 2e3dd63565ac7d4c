import { randomBytes } from "node:crypto";
import type { FfCurve } from "ffjavascript";

/** The slice of ffjavascript's curve this helper uses (`batchApplyKey` is untyped in types/ffjavascript.d.ts). */
type KeyCurve = {
  G1: {
    oneAffine: Uint8Array;
    batchApplyKey(buff: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
  };
  Fr: { e(v: bigint): Uint8Array };
};

/**
 * `n` distinct random-looking affine LEM points a·b^i·G (a, b random), made by ffjavascript's batched
 * key application: thousands per second, unlike one scalar multiplication per point.
 */
export async function geometricLemPoints(curve: FfCurve, n: number): Promise<Uint8Array> {
  const c = curve as unknown as KeyCurve;
  const buf = new Uint8Array(64 * n);
  for (let i = 0; i < n; i++) buf.set(c.G1.oneAffine, 64 * i);
  const rnd = () => c.Fr.e(BigInt(`0x${randomBytes(31).toString("hex")}`) + 2n);
  return new Uint8Array(await c.G1.batchApplyKey(buf, rnd(), rnd()));
}
