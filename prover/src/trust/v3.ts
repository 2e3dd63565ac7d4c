/**
 * Decider v3 keys in the trust store, and the check that a deployed contract IS a `DeciderVerifierV3` of a
 * trusted key (docs/decider.md "Pinning the v3 key").
 *
 * A store's `decidersV3` entries: `{ label, stepR1csHash, vkHash, words, kind, contributions, beacon,
 * deciderCodehashes? }` with `words` the 24 key words (`vkeyWordsV3`, decimal strings) and `vkHash` their
 * `vkeyHashV3`; a pin whose words do not hash to its `vkHash`, or name another circuit, is refused.
 * `kind: "ceremony"` only for keys whose every setup secret came from a ceremony: `τ, α, β` from a ptau
 * (groth16/keysFromPtau.ts) and `δ, σ` from at least one phase-2 contribution, as `ceremony verify`
 * finds for a transcript initialised with `--ptau` (trust/ceremonyV3.ts; `ceremony export` writes the
 * pin). Keys from `generateKeys` (τ, α, β drawn by one process) are `insecure-dev`.
 */
import { readFileSync } from "node:fs";
import { encodeAbiParameters, getAddress, type Hex, keccak256, type PublicClient } from "viem";
import type { G2Affine } from "../curve/bn254.js";
import { g2ToEvm } from "../curve/bn254.js";
import { DECIDER_V3_VKEY_FORMAT, readVkeyV3File } from "../decider/bundleV3.js";
import { VKEY_WORDS, vkeyFromWordsV3, vkeyHashV3 } from "../decider/v3.js";
import { TrustStoreError, UntrustedDeciderKeyError } from "../errors/trust.js";
import type { TrustKind } from "./store.js";

export type DeciderV3Pin = {
  label: string;
  stepR1csHash: Hex;
  vkHash: Hex;
  /** The 24 key words, decimal strings. */
  words: string[];
  kind: TrustKind;
  contributions: number;
  beacon: boolean;
  deciderCodehashes?: Hex[];
};

/** A v3 key a verifier trusts (`trust: "unpinned"` for a `--vkey` file no pin names). */
export type TrustedDeciderKeyV3 = { words: bigint[]; vkHash: Hex; label: string; trust: TrustKind | "unpinned" };

const HEX32 = /^0x[0-9a-f]{64}$/;

/** Validates the `decidersV3` entries of a store file. @throws {TrustStoreError} */
export function parseV3Pins(raw: unknown, path: string): DeciderV3Pin[] {
  const pins = (Array.isArray(raw) ? raw : []) as DeciderV3Pin[];
  for (const [i, d] of pins.entries()) {
    const bad = (why: string) =>
      new TrustStoreError(`malformed decider v3 pin: ${why}`, { details: `${path}: decidersV3[${i}]` });
    if (
      typeof d !== "object" ||
      d === null ||
      typeof d.label !== "string" ||
      !HEX32.test(String(d.stepR1csHash)) ||
      !HEX32.test(String(d.vkHash)) ||
      (d.kind !== "ceremony" && d.kind !== "insecure-dev") ||
      !Array.isArray(d.words) ||
      d.words.length !== VKEY_WORDS ||
      !d.words.every((w) => typeof w === "string" && /^[0-9]{1,78}$/.test(w))
    ) {
      throw bad("label, stepR1csHash, vkHash, 24 decimal words, kind");
    }
    let k: ReturnType<typeof vkeyFromWordsV3>;
    try {
      k = vkeyFromWordsV3(d.words.map(BigInt));
    } catch (cause) {
      throw bad(`its words are not a v3 key (${cause instanceof Error ? cause.message : String(cause)})`);
    }
    if (vkeyHashV3(k.vkey, k.r1csHash, k.s, k.nW) !== d.vkHash) throw bad("its words do not hash to its vkHash");
    if (k.r1csHash.toLowerCase() !== d.stepR1csHash) throw bad("its words name another step circuit");
  }
  return pins;
}

/** Whether a `--vkey` file is a v3 key file (`vkey-v3.json`, format `novanet/decider/v3-vkey`). */
export function isVkeyV3File(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { format?: unknown }).format === DECIDER_V3_VKEY_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The v3 key a verifier uses for `stepR1csHash`: the caller's `--vkey` file (labelled by a pin of its
 * hash, `unpinned` otherwise; it must be this circuit's), or the store's pin (a ceremony pin first).
 * @throws {UntrustedDeciderKeyError} an unreadable key file, another circuit's key, or no key at all.
 */
export function resolveDeciderKeyV3(
  pins: readonly DeciderV3Pin[],
  stepR1csHash: Hex,
  explicitVkey?: string,
): TrustedDeciderKeyV3 {
  const mine = pins.filter((d) => d.stepR1csHash === stepR1csHash.toLowerCase());
  if (explicitVkey !== undefined) {
    let k: ReturnType<typeof readVkeyV3File>;
    try {
      k = readVkeyV3File(explicitVkey);
    } catch (cause) {
      throw new UntrustedDeciderKeyError("cannot read the --vkey file as a decider v3 key", {
        details: explicitVkey,
        cause,
      });
    }
    if (k.r1csHash.toLowerCase() !== stepR1csHash.toLowerCase()) {
      throw new UntrustedDeciderKeyError("the --vkey file is the v3 key of another step circuit", {
        details: `${explicitVkey}: ${k.r1csHash}, expected ${stepR1csHash}`,
      });
    }
    const pin = mine.find((d) => d.vkHash === k.vkHash);
    return {
      words: k.words,
      vkHash: k.vkHash,
      label: pin?.label ?? `unpinned v3 key passed by --vkey (${explicitVkey})`,
      trust: pin?.kind ?? "unpinned",
    };
  }
  const pin = mine.find((d) => d.kind === "ceremony") ?? mine[0];
  if (!pin) {
    throw new UntrustedDeciderKeyError("no decider v3 key is pinned for this circuit: pass --vkey or --trust", {
      details: `step r1csHash ${stepR1csHash}`,
    });
  }
  return { words: pin.words.map(BigInt), vkHash: pin.vkHash, label: pin.label, trust: pin.kind };
}

const V3_GETTERS = [
  { type: "function", name: "deciderVersion", stateMutability: "pure", inputs: [], outputs: [{ type: "uint256" }] },
] as const;

export type DeployedV3Check = { ok: true; vkHash: Hex } | { ok: false; reason: string };

/**
 * Whether `decider` is a `DeciderVerifierV3` (the repository's compiled runtime code, `artifact`) whose
 * immutables are `vkeyHashV3(words)`, the words' `r1csHash`, `s`, `nW`, `[τ]G2` = `tauG2`, and whose key
 * data contract holds exactly `words`. Each immutable is compared at EVERY place the code reads it, so
 * runtime code assembled with a trusted `vkeyHash()` but other values elsewhere is refused.
 */
export async function checkDeployedV3(
  client: PublicClient,
  decider: Hex,
  words: readonly bigint[],
  tauG2: G2Affine,
  artifact: { deployedBytecode: Hex; immutableReferences: Record<string, { start: number; length: number }[]> },
): Promise<DeployedV3Check> {
  const code = ((await client.getCode({ address: getAddress(decider) })) ?? "0x").toLowerCase();
  const want = artifact.deployedBytecode.toLowerCase();
  if (code.length !== want.length) return { ok: false, reason: "its code is not DeciderVerifierV3's (length)" };
  // The immutables in declaration order (AST ids grow with the source order): _keyData, _keyWords,
  // _vkeyHash, _r1csHash, _s, _nW, _t0.._t3.
  const ids = Object.keys(artifact.immutableReferences).sort((a, b) => Number(a) - Number(b));
  if (ids.length !== 10) return { ok: false, reason: "unexpected DeciderVerifierV3 artifact (immutables)" };
  const masked = code.split("");
  const values: string[] = [];
  for (const id of ids) {
    let v: string | undefined;
    for (const { start, length } of artifact.immutableReferences[id]) {
      const a = 2 + 2 * start;
      const b = a + 2 * length;
      const here = code.slice(a, b);
      if (v !== undefined && here !== v) return { ok: false, reason: `immutable ${id} differs between its uses` };
      v = here;
      for (let i = a; i < b; i++) masked[i] = want[i];
    }
    values.push(v ?? "");
  }
  if (masked.join("") !== want) return { ok: false, reason: "its code is not DeciderVerifierV3's" };
  const w = (i: number) => BigInt(`0x${values[i]}`);
  const k = vkeyFromWordsV3(words);
  const vkHash = vkeyHashV3(k.vkey, k.r1csHash, k.s, k.nW);
  const t = g2ToEvm(tauG2).flat();
  const expected: [string, bigint, bigint][] = [
    ["key word count", w(1), BigInt(words.length)],
    ["vkeyHash", w(2), BigInt(vkHash)],
    ["r1csHash", w(3), BigInt(k.r1csHash)],
    ["state width", w(4), BigInt(k.s)],
    ["witness length", w(5), BigInt(k.nW)],
    ["[τ]G2", w(6), t[0]],
    ["[τ]G2", w(7), t[1]],
    ["[τ]G2", w(8), t[2]],
    ["[τ]G2", w(9), t[3]],
  ];
  for (const [what, got, exp] of expected)
    if (got !== exp) return { ok: false, reason: `its ${what} is not the key's` };
  const keyData = getAddress(`0x${values[0].slice(24)}`);
  const data = ((await client.getCode({ address: keyData })) ?? "0x").toLowerCase();
  const packed = `0x${words.map((x) => x.toString(16).padStart(64, "0")).join("")}`;
  if (data !== packed) return { ok: false, reason: "its key data contract does not hold the key's words" };
  if (keccak256(encodeAbiParameters([{ type: "uint256[]" }], [[...words]])) !== vkHash) {
    return { ok: false, reason: "the key words do not hash to their vkeyHash" };
  }
  const version = await client.readContract({
    address: getAddress(decider),
    abi: V3_GETTERS,
    functionName: "deciderVersion",
  });
  if (version !== 3n) return { ok: false, reason: "deciderVersion() is not 3" };
  return { ok: true, vkHash };
}
