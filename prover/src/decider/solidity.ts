/**
 * Solidity export of a decider verifier: snarkjs's `zKey.exportSolidityVerifier` rendered with
 * NovaNet's template (verifier.sol.ejs beside this file), which emits a subclass of
 * contracts/decider/DeciderVerifier.sol holding `D_F`'s verifying key, `[τ]G2`, the step circuit's
 * r1csHash and state width as constants (no storage reads at verification time).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { G2Affine } from "../curve/bn254.js";
import type { DeciderKeys } from "./setup.js";
import { snarkjs } from "./snarkjs.js";

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "verifier.sol.ejs");

/**
 * The Solidity source of contract `name` verifying decider proofs made with `keys` over an SRS whose
 * `[τ]G2` is `tauG2`.
 * @example
 * writeFileSync("contracts/decider/generated/CubicDeciderVerifier.sol",
 *   await exportDeciderVerifier(keys, srs.tauG2, "CubicDeciderVerifier"));
 */
export async function exportDeciderVerifier(keys: DeciderKeys, tauG2: G2Affine, name: string): Promise<string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not a Solidity identifier: ${name}`);
  const u = (v: bigint) => `uint256(${v})`;
  const template = readFileSync(TEMPLATE, "utf8")
    .replaceAll("__NAME__", name)
    .replaceAll("__R1CSHASH__", keys.stepR1csHash)
    .replaceAll("__VARIANT__", keys.layout.variant)
    .replaceAll("__NPUBLIC__", String(keys.layout.nPublic))
    .replaceAll("__STATEWIDTH__", String(keys.layout.s))
    .replaceAll("__TAUG2X1__", u(tauG2.x.c1))
    .replaceAll("__TAUG2X0__", u(tauG2.x.c0))
    .replaceAll("__TAUG2Y1__", u(tauG2.y.c1))
    .replaceAll("__TAUG2Y0__", u(tauG2.y.c0));
  const sj = await snarkjs();
  return sj.zKey.exportSolidityVerifier(keys.zkeyPath, { groth16: template });
}
