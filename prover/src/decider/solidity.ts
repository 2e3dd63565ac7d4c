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
import { DeciderKeysError } from "../errors/decider.js";
import type { DeciderKeys } from "./setup.js";
import { type SnarkjsVkey, snarkjs } from "./snarkjs.js";

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "verifier.sol.ejs");

/**
 * The Solidity source of contract `name` verifying decider proofs made with `keys` over an SRS whose
 * `[τ]G2` is `tauG2`.
 * @example
 * writeFileSync("contracts/decider/generated/TestOnlyCubicDeciderVerifier.sol",
 *   await exportDeciderVerifier(keys, srs.tauG2, "TestOnlyCubicDeciderVerifier"));
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

/**
 * The Solidity source of a decider verifier rendered from a verification key (what a verifier trusts:
 * a pinned or ceremony-exported vkey), with the same template as {@link exportDeciderVerifier} but no
 * zkey. Every value is checked to be a decimal number before it is written into the source.
 */
export function renderDeciderVerifier(
  vkey: SnarkjsVkey,
  p: { name: string; stepR1csHash: string; variant: string; stateWidth: number; tauG2: G2Affine },
): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new RangeError(`not a Solidity identifier: ${p.name}`);
  if (!/^0x[0-9a-f]{64}$/.test(p.stepR1csHash)) throw new RangeError(`not an r1csHash: ${p.stepR1csHash}`);
  const num = (v: unknown): string => {
    if (typeof v !== "string" || !/^[0-9]{1,78}$/.test(v)) {
      throw new DeciderKeysError("the verification key holds a value that is not a decimal number", {
        details: JSON.stringify(v),
      });
    }
    return v;
  };
  const u = (v: bigint) => `uint256(${v})`;
  const v = vkey as unknown as Record<string, unknown>;
  const at = (key: string, i: number, j?: number): string => {
    const e = (v[key] as unknown[] | undefined)?.[i];
    return num(j === undefined ? e : (e as unknown[] | undefined)?.[j]);
  };
  const ic = (vkey.IC ?? []) as unknown as unknown[][];
  const nPublic = ic.length - 1;
  let src = readFileSync(TEMPLATE, "utf8")
    .replaceAll("__NAME__", p.name)
    .replaceAll("__R1CSHASH__", p.stepR1csHash)
    .replaceAll("__VARIANT__", p.variant)
    .replaceAll("__NPUBLIC__", String(nPublic))
    .replaceAll("__STATEWIDTH__", String(p.stateWidth))
    .replaceAll("__TAUG2X1__", u(p.tauG2.x.c1))
    .replaceAll("__TAUG2X0__", u(p.tauG2.x.c0))
    .replaceAll("__TAUG2Y1__", u(p.tauG2.y.c1))
    .replaceAll("__TAUG2Y0__", u(p.tauG2.y.c0));
  const loop = /<% for \(let i = 0; i < IC\.length; i\+\+\) \{ %>(.*?)<% \} %>/s;
  const body = loop.exec(src)?.[1];
  if (body === undefined) throw new DeciderKeysError("the verifier template has no IC loop");
  const lines = ic.map((_, i) =>
    body
      .replace("<%= i %>", String(i))
      .replace("<%= IC[i][0] %>", num(ic[i]?.[0]))
      .replace("<%= IC[i][1] %>", num(ic[i]?.[1])),
  );
  src = src.replace(loop, lines.join(""));
  src = src.replace(/<%= IC\.length %>/g, String(ic.length));
  src = src.replace(/<%= (vk_[a-z0-9_]+)\[(\d)\](?:\[(\d)\])? %>/g, (_, key: string, i: string, j?: string) =>
    at(key, Number(i), j === undefined ? undefined : Number(j)),
  );
  if (src.includes("<%")) throw new DeciderKeysError("the verifier template has a tag the renderer does not know");
  return src;
}
