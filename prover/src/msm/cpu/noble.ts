/**
 * A pure-JavaScript MSM backend on @noble/curves' Pippenger (`G1.Point.msm`): no WebAssembly, no
 * threads. Several times slower than {@link createFfjavascriptBackend}; it is the independent reference
 * the other backends are tested against, and a fallback where WebAssembly threads are unavailable.
 */
import { pippenger } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { type G1Affine, g1FromAffine, g1ToAffine } from "../../curve/bn254.js";
import { assertMsmInput, type MsmBackend } from "../backend.js";
import { g1FromLem } from "../lem.js";

export function createNobleBackend(): MsmBackend {
  return {
    name: "cpu-noble-js",
    async msm(points: Uint8Array, scalars: Uint8Array, scalarBytes = 32): Promise<G1Affine> {
      const n = assertMsmInput(points, scalars, scalarBytes);
      const ps = [];
      const ss = [];
      for (let i = 0; i < n; i++) {
        let s = 0n;
        for (let j = scalarBytes - 1; j >= 0; j--) s = (s << 8n) | BigInt(scalars[scalarBytes * i + j]);
        if (s === 0n) continue;
        ps.push(g1FromAffine(g1FromLem(points, 64 * i)));
        ss.push(s);
      }
      if (ps.length === 0) return { x: 0n, y: 0n };
      return g1ToAffine(pippenger(bn254.G1.Point, ps, ss));
    },
    async terminate(): Promise<void> {},
  };
}
