/**
 * Decider v3's keys and the one call that decides with them (docs/decider.md "Decider v3 in the CLI and the
 * node"). The bundle code of both decider versions (formats, proving into a bundle, checking off-chain and
 * on-chain) is decider/bundle.ts; this file holds only what the node and that module share for v3:
 *
 * - {@link deciderV3Keys}: the v3 keys of a circuit, made once and cached (`random` or `beacon-only` dev keys);
 * - {@link decideV3}: keys, proof, self-check and the calldata of `DeciderVerifierV3.verifyDecider` (the
 *   node's decision task and dispute answers, `novanet prove`, private mode);
 * - {@link readVkeyV3File}: a verifier's v3 key file (`vkey-v3.json`: `{ format: "novanet/decider/v3-vkey",
 *   words: [...] }`, the words `DeciderVerifierV3` is deployed with).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { concatHex, type Hex, keccak256, toHex } from "viem";
import type { R1csShape } from "../arith/r1cs.js";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import type { Srs } from "../commitment/srs.js";
import { DeciderProofFormatError, DeciderSelfCheckError } from "../errors/decider.js";
import { P } from "../field/fr.js";
import { type G16ProvingKey, type G16Toxic, readKeys } from "../groth16/keys.js";
import { instanceAbi } from "./abi.js";
import {
  checkDeciderV3,
  DECIDER_V3_CIRCUIT_VERSION,
  type DeciderV3Proof,
  deciderProofV3Abi,
  deciderV3Circuit,
  proveDeciderV3,
  setupDeciderV3,
  vkeyFromWordsV3,
  vkeyHashV3,
  vkeyWordsV3,
} from "./v3.js";

export const DECIDER_V3_VKEY_FORMAT = "novanet/decider/v3-vkey";

function num(v: unknown, where: string): bigint {
  if (typeof v !== "string" || !/^[0-9]{1,78}$/.test(v)) {
    throw new DeciderProofFormatError("not a decimal string", { details: `${where}: ${JSON.stringify(v)}` });
  }
  return BigInt(v);
}

const str = (v: bigint) => v.toString(10);

/** Reads a v3 key file (`{ format, words }`) into the verifying key; typed error on anything else. */
export function readVkeyV3File(path: string): ReturnType<typeof vkeyFromWordsV3> & { vkHash: Hex; words: bigint[] } {
  let words: bigint[];
  try {
    const j = JSON.parse(readFileSync(path, "utf8")) as { format?: unknown; words?: unknown };
    if (j.format !== DECIDER_V3_VKEY_FORMAT || !Array.isArray(j.words))
      throw new Error(`not a ${DECIDER_V3_VKEY_FORMAT} file`);
    words = j.words.map((w, i) => num(w, `words[${i}]`));
  } catch (cause) {
    throw new DeciderProofFormatError("cannot read the v3 verifying key file", {
      details: `${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
  const k = vkeyFromWordsV3(words);
  return { ...k, vkHash: vkeyHashV3(k.vkey, k.r1csHash, k.s, k.nW), words };
}

export type DeciderV3Keys = {
  pk: G16ProvingKey;
  /** The `.g16k` key file. */
  path: string;
  /** `vkey-v3.json` beside it (what a verifier passes as `--vkey`). */
  vkeyPath: string;
  vkHash: Hex;
  words: bigint[];
};

/**
 * Which dev keys: `"random"` (`novanet prove`: secrets drawn in this process and dropped; that process
 * could forge) or `"beacon-only"` (devnets, tests and the node's decision task on a devnet: every secret
 * derived from a public label and the step's R1CS hash, so every machine derives the SAME keys as the
 * verifier `novanet circuit register` deployed, and ANYONE can forge — never for value).
 */
export type DevKeysKind = "random" | "beacon-only";

/** The public "secrets" of beacon-only v3 keys: `keccak256("NovaNet/decider-v3/beacon-only/<name>" ‖ r1csHash) mod p`. */
export function beaconOnlyToxicV3(r1csHash: string): G16Toxic {
  const f = (name: string) => {
    const v = BigInt(keccak256(concatHex([toHex(`NovaNet/decider-v3/beacon-only/${name}`), r1csHash as Hex]))) % P;
    return v === 0n ? 1n : v;
  };
  return { tau: f("tau"), alpha: f("alpha"), beta: f("beta"), delta: f("delta"), sigma: f("sigma") };
}

/**
 * The v3 keys of `shape`, made once and cached under `<cacheDir>/keys-v3/<r1csHash>/` (DEV keys: the
 * setup secrets were drawn in this process, or are public for `kind: "beacon-only"`; docs/decider.md
 * "Key generation and its trust").
 */
export async function deciderV3Keys(
  shape: R1csShape,
  opts: { cacheDir?: string; kind?: DevKeysKind; log?: (e: Record<string, unknown>) => void } = {},
): Promise<DeciderV3Keys> {
  const kind = opts.kind ?? "random";
  const dir = join(resolve(opts.cacheDir ?? ".novanet"), "keys-v3", shape.r1csHash);
  const suffix = kind === "random" ? "" : "-beacon-only";
  const path = join(dir, `decider-v${DECIDER_V3_CIRCUIT_VERSION}-dev${suffix}.g16k`);
  const vkeyPath = join(dir, `vkey-v3${suffix}.json`);
  if (!existsSync(path) || !existsSync(vkeyPath)) {
    mkdirSync(dir, { recursive: true });
    // A process-unique temporary name: two processes making the same (beacon-only) keys never mix files.
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    const header = await setupDeciderV3(shape, tmp, {
      onProgress: (p) => opts.log?.({ ...p }),
      toxic: kind === "beacon-only" ? beaconOnlyToxicV3(shape.r1csHash) : undefined,
    });
    const words = vkeyWordsV3(header.vkey, shape.r1csHash, shape.s, shape.nW);
    const { renameSync } = await import("node:fs");
    writeFileSync(
      `${vkeyPath}.${process.pid}.tmp`,
      `${JSON.stringify({ format: DECIDER_V3_VKEY_FORMAT, words: words.map(str) }, null, 2)}\n`,
    );
    renameSync(tmp, path);
    renameSync(`${vkeyPath}.${process.pid}.tmp`, vkeyPath);
  }
  const pk = await readKeys(path);
  const words = vkeyWordsV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
  return { pk, path, vkeyPath, vkHash: vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW), words };
}

export type DecideV3Result = {
  proof: DeciderV3Proof;
  /** `[instance, proof]` for `DeciderVerifierV3.verifyDecider` (viem ABI values). */
  calldata: readonly [ReturnType<typeof instanceAbi>, ReturnType<typeof deciderProofV3Abi>];
  vkHash: Hex;
  deciderConstraints: number;
};

/**
 * Decides `U` (witness `W`) of `shape` with decider v3: keys from the cache (made on first use), the
 * proof, a self-check with the proof's own verifier, and the calldata of
 * `DeciderVerifierV3.verifyDecider`. The node's decision task and dispute answers call this.
 *
 * @throws {DeciderUnsatisfiedError} `W` does not satisfy `U`.
 * @throws {DeciderSelfCheckError} the proof just made does not verify (corrupt key cache).
 */
export async function decideV3(
  shape: R1csShape,
  srs: Srs,
  U: RelaxedInstance,
  W: RelaxedWitness,
  opts: {
    hiding?: boolean;
    cacheDir?: string;
    keys?: DeciderV3Keys;
    progress?: (e: Record<string, unknown> & { event: string }) => void;
  } = {},
): Promise<DecideV3Result> {
  const progress = opts.progress ?? (() => {});
  const keys =
    opts.keys ??
    (await deciderV3Keys(shape, { cacheDir: opts.cacheDir, log: (e) => progress({ event: "decider-keys", ...e }) }));
  const proof = await proveDeciderV3(shape, srs, keys.pk, U, W, {
    hiding: opts.hiding ?? true,
    onTiming: (t) => progress({ event: "decider-prove", ...t }),
  });
  const self = (() => {
    try {
      return checkDeciderV3(keys.pk.vkey, srs, shape.s, shape.nW, U, proof);
    } catch (e) {
      return { ok: false as const, reason: e instanceof Error ? e.message : String(e) };
    }
  })();
  if (!self.ok) {
    throw new DeciderSelfCheckError("the decider v3 proof just made does not verify (corrupt key cache?)", {
      details: `${self.reason}; keys ${keys.path}`,
    });
  }
  return {
    proof,
    calldata: [instanceAbi(U), deciderProofV3Abi(proof)] as const,
    vkHash: keys.vkHash,
    deciderConstraints: deciderV3Circuit(shape).constraints.length,
  };
}
