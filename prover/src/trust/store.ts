/**
 * The trust store (docs/trust.md): what a verifier trusts, configured on the verifier's side and never
 * taken from a bundle.
 *
 * - `ptau`: pinned powers-of-tau files, each by the blake2b-512 of the whole file as the ceremony
 *   published it (the Hermez/Polygon `powersOfTau28_hez_final_*.ptau` family) or as we made it (our
 *   INSECURE dev fixture, labelled `insecure-dev`). A file is looked up by its pinned NAME in the
 *   verifier's own search folders and used only if its blake2b matches.
 * - `decidersV3`: pinned decider v3 keys (their 24 key words and `vkeyHashV3`; trust/v3.ts).
 * - `deciders`: pinned decider verification keys per step circuit (`stepR1csHash`, variant), each with
 *   its {@link vkHash} and whether it came from a ceremony (`keys: "ceremony"`, at least two independent
 *   contributions and a beacon, re-verified by `novanet ceremony verify`) or is a dev key.
 *
 * The committed store is prover/trust/store.json; `--trust <file>` (repeatable) or `NOVANET_TRUST`
 * (colon-separated) add stores; `--ptau-dir` or `NOVANET_PTAU_DIR` add search folders (default
 * `.novanet/ptau`).
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import { loadSrsFromPtau, type Srs, srsDigest } from "../commitment/srs.js";
import type { SnarkjsVkey } from "../decider/snarkjs.js";
import { DevKeysRefusedError, TrustStoreError, UntrustedDeciderKeyError, UntrustedSrsError } from "../errors/trust.js";
import { type DeciderV3Pin, parseV3Pins } from "./v3.js";

export const TRUST_FORMAT = "novanet/trust/v1";
export const COMMITTED_STORE = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "trust", "store.json");
export const DEFAULT_PTAU_DIR = join(".novanet", "ptau");

export type TrustKind = "ceremony" | "insecure-dev";
export type PtauPin = {
  label: string;
  file: string;
  power: number;
  /** blake2b-512 of the whole file, 128 lower-case hex digits. */
  blake2b: string;
  kind: TrustKind;
  source?: string;
};
export type DeciderPin = {
  label: string;
  stepR1csHash: Hex;
  variant: "hashed" | "unhashed";
  vkHash: Hex;
  vkey: SnarkjsVkey;
  kind: TrustKind;
  /** Non-beacon phase-2 contributions in the transcript the key was exported from. */
  contributions: number;
  beacon: boolean;
  /** Runtime-code hashes of deployed decider verifiers of this key that the store trusts (`novanet circuit verify`). */
  deciderCodehashes?: Hex[];
};
export type TrustStore = {
  ptau: PtauPin[];
  deciders: DeciderPin[];
  /** Decider v3 key pins (trust/v3.ts; a store file's `decidersV3`). */
  decidersV3?: DeciderV3Pin[];
  ptauDirs: string[];
  sources: string[];
};

export type TrustOptions = {
  /** Extra store files (`--trust`). */
  stores?: string[];
  /** Extra `.ptau` search folders (`--ptau-dir`). */
  ptauDirs?: string[];
  /** Leave out the committed store (tests of the store itself). */
  noCommitted?: boolean;
};

const HEX128 = /^[0-9a-f]{128}$/;
const HEX32 = /^0x[0-9a-f]{64}$/;

function parseStore(path: string): { ptau: PtauPin[]; deciders: DeciderPin[]; decidersV3: DeciderV3Pin[] } {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new TrustStoreError("cannot read the trust store (missing or not JSON)", { details: path, cause });
  }
  const o = j as { format?: unknown; ptau?: unknown; deciders?: unknown; decidersV3?: unknown };
  if (typeof o !== "object" || o === null || o.format !== TRUST_FORMAT) {
    throw new TrustStoreError(`not a ${TRUST_FORMAT} trust store`, { details: path });
  }
  const ptau = (Array.isArray(o.ptau) ? o.ptau : []) as PtauPin[];
  const deciders = (Array.isArray(o.deciders) ? o.deciders : []) as DeciderPin[];
  for (const [i, p] of ptau.entries()) {
    if (
      typeof p.label !== "string" ||
      typeof p.file !== "string" ||
      p.file.includes("/") ||
      p.file.includes("\\") ||
      !HEX128.test(p.blake2b) ||
      (p.kind !== "ceremony" && p.kind !== "insecure-dev")
    ) {
      throw new TrustStoreError("malformed ptau pin (label, bare file name, blake2b, kind)", {
        details: `${path}: ptau[${i}]`,
      });
    }
  }
  for (const [i, d] of deciders.entries()) {
    const ok =
      typeof d.label === "string" &&
      HEX32.test(d.stepR1csHash) &&
      HEX32.test(d.vkHash) &&
      (d.kind === "ceremony" || d.kind === "insecure-dev") &&
      typeof d.vkey === "object" &&
      d.vkey !== null &&
      (d.deciderCodehashes === undefined ||
        (Array.isArray(d.deciderCodehashes) && d.deciderCodehashes.every((h) => HEX32.test(h))));
    if (!ok || vkHash(d.vkey) !== d.vkHash) {
      throw new TrustStoreError("malformed decider pin (or its vkey does not hash to its vkHash)", {
        details: `${path}: deciders[${i}]`,
      });
    }
  }
  return { ptau, deciders, decidersV3: parseV3Pins(o.decidersV3, path) };
}

/** The committed store plus the caller's. */
export function loadTrustStore(opts: TrustOptions = {}): TrustStore {
  const env = (process.env.NOVANET_TRUST ?? "").split(":").filter(Boolean);
  const sources = [...(opts.noCommitted ? [] : [COMMITTED_STORE]), ...env, ...(opts.stores ?? [])];
  const decidersV3: DeciderV3Pin[] = [];
  const store: TrustStore = { ptau: [], deciders: [], decidersV3, ptauDirs: [], sources };
  for (const s of sources) {
    const p = parseStore(s);
    store.ptau.push(...p.ptau);
    store.deciders.push(...p.deciders);
    decidersV3.push(...p.decidersV3);
  }
  const envDirs = (process.env.NOVANET_PTAU_DIR ?? "").split(":").filter(Boolean);
  store.ptauDirs = [...(opts.ptauDirs ?? []), ...envDirs, DEFAULT_PTAU_DIR].map((d) => resolve(d));
  return store;
}

/**
 * blake2b-512 of a whole file (what `b2sum` prints and the Hermez ceremony publishes), streamed through
 * Node's native `blake2b512` (OpenSSL; ~10× the pure-JS hash, which took seconds on a 38 MB ptau).
 */
export async function fileBlake2b(path: string): Promise<string> {
  const h = createHash("blake2b512");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Uint8Array);
  return h.digest("hex");
}

/**
 * `vkHash = keccak256(abi.encode(uint256[2] alpha1, uint256[4] beta2, uint256[4] gamma2,
 * uint256[4] delta2, uint256[2][] IC))`, G2 in EIP-197 order `[x1, x0, y1, y0]`: what a registrant
 * pins for a decider verifier and what `novanet ceremony export` prints.
 */
export function vkHash(vkey: SnarkjsVkey): Hex {
  const g1 = (p: readonly (string | bigint)[]): [bigint, bigint] => [BigInt(p[0]), BigInt(p[1])];
  const g2 = (p: readonly (readonly (string | bigint)[])[]): [bigint, bigint, bigint, bigint] => [
    BigInt(p[0][1]),
    BigInt(p[0][0]),
    BigInt(p[1][1]),
    BigInt(p[1][0]),
  ];
  const v = vkey as unknown as {
    vk_alpha_1: string[];
    vk_beta_2: string[][];
    vk_gamma_2: string[][];
    vk_delta_2: string[][];
    IC: string[][];
  };
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256[2]" },
        { type: "uint256[4]" },
        { type: "uint256[4]" },
        { type: "uint256[4]" },
        { type: "uint256[2][]" },
      ],
      [g1(v.vk_alpha_1), g2(v.vk_beta_2), g2(v.vk_gamma_2), g2(v.vk_delta_2), v.IC.map(g1)],
    ),
  );
}

/** How an SRS came to be trusted. `unpinned`: a file the caller passed whose hash no store pins. */
export type SrsTrust = TrustKind | "unpinned";
export type TrustedSrs = { srs: Srs; digest: Hex; label: string; trust: SrsTrust; path: string; blake2b: string };

/** The pin of a file with this blake2b, if any. */
export function pinOf(store: TrustStore, b2: string): PtauPin | undefined {
  return store.ptau.find((p) => p.blake2b === b2);
}

/**
 * The SRS a verifier uses for a bundle that claims `{ n, digest }`:
 * - with `explicitPtau` (the caller's own `--ptau`): that file, labelled by its pin or `unpinned`;
 * - otherwise: the pinned files found (by their pinned names) in the store's search folders, hash
 *   checked, whose first `n` powers have the claimed digest.
 * The claim is checked, never followed: the bundle contributes no path.
 * @throws {UntrustedSrsError} no trusted SRS has the claimed digest.
 */
export async function resolveSrs(
  store: TrustStore,
  claim: { n: number; digest: Hex },
  explicitPtau?: string,
): Promise<TrustedSrs> {
  const candidates: string[] = [];
  if (explicitPtau !== undefined) candidates.push(resolve(explicitPtau));
  else {
    for (const pin of store.ptau) {
      if (2 ** (pin.power + 1) - 1 < claim.n) continue;
      for (const d of store.ptauDirs) {
        const f = join(d, pin.file);
        if (existsSync(f) && !candidates.includes(f)) candidates.push(f);
      }
    }
  }
  for (const path of candidates) {
    const b2 = await fileBlake2b(path);
    const pin = pinOf(store, b2);
    if (explicitPtau === undefined && !pin) continue; // a file with a pinned name but other bytes
    const srs = await loadSrsFromPtau(path, claim.n);
    const digest = srsDigest(srs);
    if (explicitPtau === undefined && digest !== claim.digest) continue;
    return {
      srs,
      digest,
      path,
      blake2b: b2,
      label: pin?.label ?? `unpinned file passed by --ptau (${path})`,
      trust: pin?.kind ?? "unpinned",
    };
  }
  throw new UntrustedSrsError("no trusted SRS has the bundle's srs.digest: pass --ptau, --ptau-dir or --trust", {
    details: `claimed digest ${claim.digest}, n ${claim.n}; searched ${store.ptauDirs.join(", ")}`,
  });
}

export type TrustedDeciderKey = { vkey: SnarkjsVkey; vkHash: Hex; label: string; trust: TrustKind | "unpinned" };

/**
 * The decider verification key a verifier uses for step circuit `stepR1csHash`: the caller's own
 * `--vkey` file (labelled by its pin, `unpinned` otherwise), or the store's pin for that circuit
 * (a ceremony key preferred over a dev key).
 * @throws {UntrustedDeciderKeyError} none.
 */
export function resolveDeciderKey(
  store: TrustStore,
  stepR1csHash: Hex,
  variant: "hashed" | "unhashed",
  explicitVkey?: string,
): TrustedDeciderKey {
  if (explicitVkey !== undefined) {
    let vkey: SnarkjsVkey;
    try {
      vkey = JSON.parse(readFileSync(explicitVkey, "utf8")) as SnarkjsVkey;
    } catch (cause) {
      throw new UntrustedDeciderKeyError("cannot read the --vkey file", { details: explicitVkey, cause });
    }
    const h = vkHash(vkey);
    const pin = store.deciders.find((d) => d.vkHash === h && d.stepR1csHash === stepR1csHash);
    return {
      vkey,
      vkHash: h,
      label: pin?.label ?? `unpinned key passed by --vkey (${explicitVkey})`,
      trust: pin?.kind ?? "unpinned",
    };
  }
  const pins = store.deciders.filter((d) => d.stepR1csHash === stepR1csHash && d.variant === variant);
  const pin = pins.find((d) => d.kind === "ceremony") ?? pins[0];
  if (!pin) {
    throw new UntrustedDeciderKeyError(
      "no decider verification key is pinned for this circuit: pass --vkey or --trust",
      {
        details: `step r1csHash ${stepR1csHash}, variant ${variant}`,
      },
    );
  }
  return { vkey: pin.vkey, vkHash: pin.vkHash, label: pin.label, trust: pin.kind };
}

/**
 * Refuses a decider key that is not a pinned ceremony key (a dev key: only a beacon, one in-process
 * contribution, or an unpinned `--vkey`, so δ may be known and Groth16 proofs forged) unless the
 * caller passed `--insecure-dev-keys`.
 * @throws {DevKeysRefusedError}
 */
export function assertKeyAllowed(key: TrustedDeciderKey, allowDevKeys: boolean): void {
  if (key.trust === "ceremony" || allowDevKeys) return;
  throw new DevKeysRefusedError(
    "the decider key is a dev key (no verified multi-party ceremony): its δ may be known, so proofs can be forged; pass --insecure-dev-keys to accept it",
    { details: key.label },
  );
}
