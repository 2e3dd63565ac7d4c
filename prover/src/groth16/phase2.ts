/**
 * Phase-2 contributions to commit-and-prove Groth16 keys (docs/decider.md "Key generation and its
 * trust"). A contribution multiplies the two phase-2 trapdoors by fresh secrets: `δ ← δ·r` (`L_i`,
 * `H_j` scaled by `1/r`, `[δ]₁,₂` by `r`) and `σ ← σ·s` (`σK_i`, `[σ]₂` by `s`). The keys stay valid
 * for the same circuit, and they are sound as long as one contributor (or the setup) dropped its
 * secret. A beacon contribution derives `r, s` from a public value, so anyone can redo it.
 * {@link verifyContribution} checks a contribution from the two key files alone: every section that
 * must not change is byte-equal, and the changed ones are consistent with one `r` and one `s`
 * (pairing checks over random linear combinations).
 */
import { randomBytes } from "node:crypto";
import { buildBn128, type FfCurve } from "ffjavascript";
import { bytesToHex, concat, keccak256, toBytes } from "viem";
import {
  G1_GENERATOR,
  type G1Affine,
  G2_GENERATOR,
  g1Mul,
  g1Neg,
  g2Mul,
  pairingProductIsOne,
  randomScalar,
} from "../curve/bn254.js";
import { Groth16KeyError } from "../errors/groth16.js";
import { inv, P } from "../field/fr.js";
import { scalarsToLe } from "../msm/backend.js";
import { defaultMsmBackend } from "../msm/default.js";
import { type G16ProvingKey, readKeys, writeKeyFile } from "./keys.js";

async function curve(): Promise<FfCurve> {
  const shared = (globalThis as { curve_bn128?: FfCurve | null }).curve_bn128;
  return shared ?? buildBn128(false);
}

function secretsFrom(seed: Uint8Array): { r: bigint; s: bigint } {
  const r = BigInt(keccak256(concat([toBytes("NovaNet/g16k/phase2/delta"), seed]))) % P;
  const s = BigInt(keccak256(concat([toBytes("NovaNet/g16k/phase2/sigma"), seed]))) % P;
  if (r === 0n || s === 0n) throw new Groth16KeyError("degenerate contribution secret; use other entropy");
  return { r, s };
}

async function scaleG1(buff: Uint8Array, k: bigint): Promise<Uint8Array> {
  if (buff.length === 0) return buff;
  const c = await curve();
  return c.G1.batchApplyKey(buff, c.Fr.e(k), c.Fr.e(1n), "affine", "affine");
}

export type ContributeOptions = {
  /** Secret entropy (default: 64 random bytes, dropped afterwards). */
  entropy?: Uint8Array;
  /** A public beacon value instead of entropy: the contribution is reproducible by anyone. */
  beacon?: `0x${string}`;
};

/** Applies one contribution to the keys at `inPath` and writes them to `outPath`. */
export async function contributeKeys(inPath: string, outPath: string, options: ContributeOptions = {}): Promise<void> {
  const pk = await readKeys(inPath);
  const seed = options.beacon ? toBytes(options.beacon) : (options.entropy ?? new Uint8Array(randomBytes(64)));
  const { r, s } = secretsFrom(seed);
  const rInv = inv(r);
  const next: G16ProvingKey = {
    ...pk,
    delta1: g1Mul(pk.delta1, r),
    vkey: { ...pk.vkey, delta2: g2Mul(pk.vkey.delta2, r), sigma2: g2Mul(pk.vkey.sigma2, s) },
    L: await scaleG1(pk.L, rInv),
    H: await scaleG1(pk.H, rInv),
    sigmaK: await scaleG1(pk.sigmaK, s),
  };
  await writeKeyFile(outPath, next);
}

async function combo(buff: Uint8Array, rho: readonly bigint[]): Promise<G1Affine> {
  if (buff.length === 0) return { x: 0n, y: 0n };
  return (await defaultMsmBackend()).msm(buff, scalarsToLe(rho));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}

/**
 * Whether `nextPath` is `prevPath` after one valid contribution: same circuit, same unchanged
 * sections and verifying-key parts, and `L, H, [δ]` / `σK, [σ]₂` consistent with one `r` / one `s`.
 */
export async function verifyContribution(prevPath: string, nextPath: string): Promise<boolean> {
  const a = await readKeys(prevPath);
  const b = await readKeys(nextPath);
  const headerOf = (k: G16ProvingKey) =>
    JSON.stringify(
      [
        k.nVars,
        k.nPublic,
        k.nCommitted,
        k.nConstraints,
        k.domainPower,
        k.circuitHash,
        k.beta1,
        k.vkey.alpha1,
        k.vkey.beta2,
        k.vkey.ic,
      ],
      (_, x) => (typeof x === "bigint" ? x.toString() : x),
    );
  if (headerOf(a) !== headerOf(b)) return false;
  for (const k of ["A", "B1", "B2", "K"] as const) if (!same(a[k], b[k])) return false;
  if (b.delta1.x === 0n && b.delta1.y === 0n) return false;
  // [δ]₁ and [δ]₂ agree, and moved by the same r: e(δ₁', G2) = e(G1, δ₂'), e(δ₁', δ₂) = e(δ₁, δ₂').
  if (!pairingProductIsOne([b.delta1, g1Neg(G1_GENERATOR)], [G2_GENERATOR, b.vkey.delta2])) return false;
  if (!pairingProductIsOne([b.delta1, g1Neg(a.delta1)], [a.vkey.delta2, b.vkey.delta2])) return false;
  // L' = L/r and H' = H/r: e(Σρ_i L'_i, δ₂') = e(Σρ_i L_i, δ₂) for random ρ.
  for (const k of ["L", "H"] as const) {
    const n = a[k].length / 64;
    const rho = Array.from({ length: n }, randomScalar);
    const [x, y] = [await combo(b[k], rho), await combo(a[k], rho)];
    if (!pairingProductIsOne([x, g1Neg(y)], [b.vkey.delta2, a.vkey.delta2])) return false;
  }
  // σK' = s·σK and [σ]₂' = s·[σ]₂: e(Σρ_i σK'_i, σ₂) = e(Σρ_i σK_i, σ₂').
  const n = a.sigmaK.length / 64;
  const rho = Array.from({ length: n }, randomScalar);
  const [x, y] = [await combo(b.sigmaK, rho), await combo(a.sigmaK, rho)];
  if (n > 0 && !pairingProductIsOne([x, g1Neg(y)], [a.vkey.sigma2, b.vkey.sigma2])) return false;
  return true;
}

/** A fresh beacon-like value for tests: `0x` + 32 random bytes. */
export function randomBeacon(): `0x${string}` {
  return bytesToHex(randomBytes(32));
}
