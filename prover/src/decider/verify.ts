/**
 * Off-chain verification of a decider proof: the same checks as DeciderVerifier.sol (the on-chain
 * version also folds the two pairing products into one with a random linear combination).
 * 1. shape checks: `|x| = 2s`, scalars canonical, points on the curve;
 * 2. `U' = decidedInstance(U, blind, cmT)`, `cmDigest = keccak(cmW', cmE') mod p`;
 * 3. Groth16 of `D_F` on `[u', x', cmDigest, ζ, yW, yE]` (snarkjs);
 * 4. KZG: `cmW' → yW`, `cmE' → yE` at `ζ`, batched with `ρ` (commitment/kzg.ts `batchVerify`).
 */
import type { RelaxedInstance } from "../arith/relaxed.js";
import { batchVerify } from "../commitment/kzg.js";
import type { Srs } from "../commitment/srs.js";
import { g1FromAffine, g2FromEvm } from "../curve/bn254.js";
import { DeciderProofFormatError, DeciderVerificationError } from "../errors/decider.js";
import { assertFr } from "../field/fr.js";
import { publicSignals } from "./circuit.js";
import { type DeciderProof, decidedInstance } from "./prove.js";
import type { SnarkjsVkey } from "./snarkjs.js";
import { snarkjs } from "./snarkjs.js";
import { cmDigest } from "./transcript.js";

export type VerifyDeciderResult = { ok: true } | { ok: false; reason: "blinding" | "groth16" | "kzg" };

function checkInstance(U: RelaxedInstance, s: number, what: string): void {
  if (U.x.length !== 2 * s) {
    throw new DeciderProofFormatError(`${what}: x has the wrong length`, { details: `${U.x.length} ≠ 2s = ${2 * s}` });
  }
  assertFr(U.u, `${what}.u`);
  for (const v of U.x) assertFr(v, `${what}.x`);
  g1FromAffine(U.cmW);
  g1FromAffine(U.cmE);
}

/**
 * Checks `proof` for `U` off-chain. Returns `{ ok: false, reason }` for a proof that is well formed but
 * false; throws {@link DeciderProofFormatError} (or the curve module's errors) for malformed input.
 */
export async function checkDecider(
  vkey: SnarkjsVkey,
  srs: Srs,
  stateWidth: number,
  U: RelaxedInstance,
  proof: DeciderProof,
): Promise<VerifyDeciderResult> {
  try {
    checkInstance(U, stateWidth, "instance");
    if (proof.blind) checkInstance(proof.blind, stateWidth, "blind");
    for (const [v, w] of [
      [proof.zeta, "zeta"],
      [proof.yW, "yW"],
      [proof.yE, "yE"],
    ] as const)
      assertFr(v, w);
    for (const p of [
      proof.piW,
      proof.piE,
      proof.cmT,
      { x: proof.a[0], y: proof.a[1] },
      { x: proof.c[0], y: proof.c[1] },
    ])
      g1FromAffine(p);
    g2FromEvm(proof.b);
  } catch (cause) {
    if (cause instanceof DeciderProofFormatError) throw cause;
    throw new DeciderProofFormatError("malformed decider proof or instance", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  // As DeciderVerifier.sol (BlindingNotZero): hiding off means no blinding fields at all, so off-chain
  // and on-chain agree (a non-hiding proof with cmT ≠ 0 used to pass here and revert there).
  if (!proof.blind && (proof.cmT.x !== 0n || proof.cmT.y !== 0n)) return { ok: false, reason: "blinding" };
  const Ud = decidedInstance(U, proof.blind, proof.cmT);
  const digest = cmDigest(Ud.cmW, Ud.cmE);
  const signals = publicSignals(Ud.u, Ud.x, digest, proof).map(String);
  const sj = await snarkjs();
  const ok = await sj.groth16.verify(vkey, signals, {
    pi_a: [String(proof.a[0]), String(proof.a[1]), "1"],
    pi_b: [
      [String(proof.b[0][1]), String(proof.b[0][0])],
      [String(proof.b[1][1]), String(proof.b[1][0])],
      ["1", "0"],
    ],
    pi_c: [String(proof.c[0]), String(proof.c[1]), "1"],
    protocol: "groth16",
    curve: "bn128",
  });
  if (!ok) return { ok: false, reason: "groth16" };
  const kzgOk = batchVerify(srs, {
    cm1: Ud.cmW,
    cm2: Ud.cmE,
    zeta: proof.zeta,
    y1: proof.yW,
    y2: proof.yE,
    pi1: proof.piW,
    pi2: proof.piE,
  });
  return kzgOk ? { ok: true } : { ok: false, reason: "kzg" };
}

/** {@link checkDecider}, throwing {@link DeciderVerificationError} instead of returning false. */
export async function verifyDecider(
  vkey: SnarkjsVkey,
  srs: Srs,
  stateWidth: number,
  U: RelaxedInstance,
  proof: DeciderProof,
): Promise<void> {
  const r = await checkDecider(vkey, srs, stateWidth, U, proof);
  if (!r.ok) throw new DeciderVerificationError(`decider proof rejected: ${r.reason} check failed`);
}
