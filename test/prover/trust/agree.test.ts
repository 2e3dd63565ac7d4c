/**
 * Off-chain and on-chain decider checks agree: hiding off with a non-zero cmT was accepted off-chain
 * (cmT ignored) and reverted on-chain (DeciderVerifierBlindNotEmpty). Now off-chain rejects it too,
 * before any pairing.
 */
import assert from "node:assert/strict";
import { srsFromTau } from "../../../prover/src/commitment/srs.js";
import { G1_GENERATOR, G1_ZERO, G2_GENERATOR } from "../../../prover/src/curve/bn254.js";
import type { DeciderProof } from "../../../prover/src/decider/prove.js";
import type { SnarkjsVkey } from "../../../prover/src/decider/snarkjs.js";
import { checkDecider } from "../../../prover/src/decider/verify.js";

describe("trust: off-chain decider check agrees with DeciderVerifier.sol on blinding fields", () => {
  it("a proof with hiding off and cmT ≠ 0 is rejected ('blinding') off-chain, as the contract reverts", async () => {
    const g1 = [G1_GENERATOR.x, G1_GENERATOR.y] as const;
    const g2 = [
      [G2_GENERATOR.x.c1, G2_GENERATOR.x.c0],
      [G2_GENERATOR.y.c1, G2_GENERATOR.y.c0],
    ] as const;
    const proof: DeciderProof = {
      a: g1,
      b: g2,
      c: g1,
      zeta: 1n,
      yW: 0n,
      yE: 0n,
      piW: G1_GENERATOR,
      piE: G1_GENERATOR,
      blind: null,
      cmT: G1_GENERATOR,
    };
    const U = { cmW: G1_GENERATOR, cmE: G1_ZERO, u: 1n, x: [1n, 2n] };
    const r = await checkDecider({} as SnarkjsVkey, srsFromTau(5n, 2), 1, U, proof);
    assert.deepEqual(r, { ok: false, reason: "blinding" });
  });
});
