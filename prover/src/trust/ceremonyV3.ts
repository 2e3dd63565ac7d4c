/**
 * The ceremony for decider v3 keys (`novanet ceremony … --decider v3`, docs/trust.md "Decider v3 keys"),
 * over decider's own key tools (groth16/keys.ts, groth16/phase2.ts, decider/v3.ts; their format `.g16k`
 * is not a snarkjs zkey). A v3 ceremony is a folder:
 *
 *   ceremony.json     format, `decider: 3`, the step circuit's r1csHash, D_F v3's circuit hash, and the
 *                     list of steps (contribution by <name> | beacon <hex>)
 *   NNNN.g16k         0000 from `init` (generateKeys), one file per contribution or beacon
 *
 * `verify` rebuilds D_F v3 from the step circuit and checks that `0000.g16k` is its key (circuit hash),
 * every step against the previous one (`verifyContribution`: same circuit and fixed sections, `δ` and
 * `σ` moved by one secret each, checked with pairings), and REDOES each beacon step from its public
 * value (byte-equal), so a "beacon" that was a private contribution is caught.
 *
 * Phase 1: with `--ptau` (`init` given a prepared ceremony `.ptau`) `0000.g16k` is derived from the
 * ptau's Lagrange and tau sections (groth16/keysFromPtau.ts: nobody learns τ, α, β; δ = σ = 1 until the
 * first contribution) and ceremony.json records the ptau (`phase1`: blake2b, power, its phase-1
 * contributions). `verify` then needs the same ptau: it checks its hash and REDERIVES `0000.g16k` from it
 * (deterministic, byte-equal), so an init key with a known τ is caught. Such a transcript is labelled
 * `ceremony` once it holds at least {@link MIN_V3_CONTRIBUTIONS} contribution (a beacon alone is public):
 * the key is then as trustworthy as the ptau (one honest phase-1 contributor) plus one honest phase-2
 * contributor. Without `--ptau` (the dev path, devnets and tests) `init` draws `τ, α, β` in its own
 * process, which can forge whatever follows (τ gives `[1/δ]₁ = Z(τ)⁻¹·H_0`): `insecure-dev` always.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { concat, type Hex, keccak256, toBytes } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import { compileCircuit } from "../circuits/compile.js";
import { type G1Affine, G2_GENERATOR, type G2Affine, g1Neg, g2Mul, pairingProductIsOne } from "../curve/bn254.js";
import { DECIDER_V3_VKEY_FORMAT } from "../decider/bundleV3.js";
import {
  DECIDER_V3_CIRCUIT_VERSION,
  deciderV3Circuit,
  setupDeciderV3,
  vkeyHashV3,
  vkeyWordsV3,
} from "../decider/v3.js";
import { P } from "../field/fr.js";
import { circuitHash, readKeys } from "../groth16/keys.js";
import { generateKeysFromPtau } from "../groth16/keysFromPtau.js";
import { contributeKeys, verifyContribution } from "../groth16/phase2.js";
import { CeremonyError } from "./ceremony.js";
import { fileBlake2b, TRUST_FORMAT } from "./store.js";
import type { DeciderV3Pin } from "./v3.js";

/** Phase-2 contributions (not beacons) a ptau-derived v3 transcript needs to be labelled `ceremony`. */
export const MIN_V3_CONTRIBUTIONS = 1;

/** The ptau a transcript's `0000.g16k` was derived from. */
export type Phase1Record = { ptauBlake2b: string; power: number; contributions: number };

export const CEREMONY_V3_FORMAT = "novanet/ceremony-v3/v1";

/**
 * One step of the transcript, with `rG2 = [r]₂` for the step's δ factor `r` (`[δ]₁' = r·[δ]₁`): it binds
 * the step to the key it was applied to, so a step taken out (the next key is then `r_b·r_c` away from
 * the one before, not `r_c`) or moved breaks `e([δ]₁', G2) = e([δ]₁, [r]₂)`, and `[r_b·r_c]₂` cannot be
 * made without the secrets.
 */
export type V3Step = ({ type: "contribution"; name: string } | { type: "beacon"; hash: string }) & {
  rG2: string[];
};

export type CeremonyV3Json = {
  format: typeof CEREMONY_V3_FORMAT;
  decider: 3;
  stepR1csHash: Hex;
  deciderVersion: number;
  deciderCircuitHash: string;
  stateWidth: number;
  /** Present when `0000.g16k` was derived from a ptau (`init --ptau`); absent for dev keys. */
  phase1?: Phase1Record;
  steps: V3Step[];
};

export type CeremonyV3Verdict = {
  ok: boolean;
  kind: "ceremony" | "insecure-dev";
  steps: V3Step[];
  keys: string;
  reason: string;
};

const V3_DEV_REASON =
  "v3 keys without a ptau: τ, α, β come from the one process that ran `ceremony init` (run init with --ptau), so that process can forge whatever the contributions";

export function isCeremonyV3(dir: string): boolean {
  try {
    return JSON.parse(readFileSync(join(dir, "ceremony.json"), "utf8")).format === CEREMONY_V3_FORMAT;
  } catch {
    return false;
  }
}

function readV3(dir: string): CeremonyV3Json {
  const p = join(dir, "ceremony.json");
  try {
    const j = JSON.parse(readFileSync(p, "utf8")) as CeremonyV3Json;
    if (j.format !== CEREMONY_V3_FORMAT || !Array.isArray(j.steps)) throw new Error(`format ${String(j.format)}`);
    return j;
  } catch (cause) {
    throw new CeremonyError("not a v3 ceremony folder (ceremony.json missing or malformed)", { details: p, cause });
  }
}

/** The key files of the transcript in order, `0000.g16k` first. */
export function transcriptV3(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^[0-9]{4}\.g16k$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The step circuit's shape for D_F v3 (compiled from `.circom` into the cache, or read from `.r1cs`). */
export async function stepShape(circuit: string, cacheDir?: string) {
  const path = circuit.endsWith(".r1cs")
    ? circuit
    : (await compileCircuit(circuit, { cacheDir: join(resolve(cacheDir ?? ".novanet"), "circuits") })).r1csPath;
  return loadR1cs(path);
}

/**
 * `ceremony init --decider v3`: D_F v3's first key, derived from `ptau` (phase 1 of a ceremony; the
 * production path) or, without one, from secrets drawn here and dropped (dev keys).
 */
export async function ceremonyInitV3(opts: {
  circuit: string;
  dir: string;
  cacheDir?: string;
  ptau?: string;
  onProgress?: (p: { step: string; ms: number }) => void;
}): Promise<CeremonyV3Json> {
  const dir = resolve(opts.dir);
  if (existsSync(join(dir, "ceremony.json")))
    throw new CeremonyError("a ceremony already exists here", { details: dir });
  mkdirSync(dir, { recursive: true });
  const shape = await stepShape(opts.circuit, opts.cacheDir);
  const c = deciderV3Circuit(shape);
  const tmp = join(dir, "0000.g16k.tmp");
  let phase1: Phase1Record | undefined;
  try {
    if (opts.ptau) {
      const h = await generateKeysFromPtau(c, opts.ptau, tmp, { onProgress: opts.onProgress });
      phase1 = { ptauBlake2b: await fileBlake2b(opts.ptau), ...h.phase1 };
    } else await setupDeciderV3(shape, tmp, { onProgress: opts.onProgress });
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, join(dir, "0000.g16k"));
  const j: CeremonyV3Json = {
    format: CEREMONY_V3_FORMAT,
    decider: 3,
    stepR1csHash: shape.r1csHash as Hex,
    deciderVersion: DECIDER_V3_CIRCUIT_VERSION,
    deciderCircuitHash: circuitHash(c),
    stateWidth: shape.s,
    ...(phase1 ? { phase1 } : {}),
    steps: [],
  };
  writeFileSync(join(dir, "ceremony.json"), `${JSON.stringify(j, null, 2)}\n`);
  return j;
}

/**
 * The δ factor `r` a contribution from `seed` applies. It mirrors groth16/phase2.ts's derivation (kept
 * private there); every step checks right away that the key it wrote moved δ by exactly this `r`.
 */
function deltaFactor(seed: Uint8Array): bigint {
  return BigInt(keccak256(concat([toBytes("NovaNet/g16k/phase2/delta"), seed]))) % P;
}

const g2Words = (p: G2Affine) => [p.x.c0, p.x.c1, p.y.c0, p.y.c1].map(String);
const g2From = (w: string[]): G2Affine => ({
  x: { c0: BigInt(w[0]), c1: BigInt(w[1]) },
  y: { c0: BigInt(w[2]), c1: BigInt(w[3]) },
});

/** `[δ]₁' = r·[δ]₁` for the recorded `[r]₂`. */
function movedBy(prev: G1Affine, next: G1Affine, rG2: G2Affine): boolean {
  return pairingProductIsOne([next, g1Neg(prev)], [G2_GENERATOR, rG2]);
}

async function step(
  dir: string,
  s: { type: "contribution"; name: string } | { type: "beacon"; hash: string },
  seed: Uint8Array,
  opts: { entropy?: Uint8Array; beacon?: Hex },
): Promise<string> {
  const j = readV3(dir);
  const t = transcriptV3(dir);
  if (t.length === 0) throw new CeremonyError("the ceremony has no key (run ceremony init)", { details: dir });
  if (t.length !== j.steps.length + 1) {
    throw new CeremonyError("ceremony.json's steps do not match the key files", { details: dir });
  }
  const out = join(dir, `${String(t.length).padStart(4, "0")}.g16k`);
  await contributeKeys(t[t.length - 1], `${out}.tmp`, opts);
  const rG2 = g2Mul(G2_GENERATOR, deltaFactor(seed));
  const [before, after] = [await readKeys(t[t.length - 1]), await readKeys(`${out}.tmp`)];
  if (!movedBy(before.delta1, after.delta1, rG2)) {
    rmSync(`${out}.tmp`, { force: true });
    throw new CeremonyError("the contribution's δ factor is not the one recorded (key tools changed?)");
  }
  renameSync(`${out}.tmp`, out);
  j.steps.push({ ...s, rG2: g2Words(rG2) });
  writeFileSync(join(dir, "ceremony.json"), `${JSON.stringify(j, null, 2)}\n`);
  return out;
}

/** `ceremony contribute` on a v3 ceremony: fresh entropy (random unless given), dropped afterwards. */
export async function ceremonyContributeV3(dir: string, name: string, entropy?: string): Promise<string> {
  const e = entropy !== undefined ? new TextEncoder().encode(entropy) : new Uint8Array(randomBytes(64));
  return step(dir, { type: "contribution", name }, e, { entropy: e });
}

/** `ceremony beacon` on a v3 ceremony: the public value's contribution, redone by every verifier. */
export async function ceremonyBeaconV3(dir: string, hashHex: string): Promise<string> {
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(hashHex))
    throw new CeremonyError("the beacon must be hex", { details: hashHex });
  const beacon = `0x${hashHex.toLowerCase()}` as Hex;
  return step(dir, { type: "beacon", hash: hashHex.toLowerCase() }, toBytes(beacon), { beacon });
}

/**
 * `ceremony verify` on a v3 ceremony: D_F v3 rebuilt from the step circuit, `0000.g16k` its key, every
 * step a valid contribution of the previous key, every beacon redone byte-equal. `keys` may name
 * another final file (a tampered copy) to check in place of the last one.
 */
export async function ceremonyVerifyV3(
  dir: string,
  opts: { circuit: string; cacheDir?: string; files?: string[]; ptau?: string },
): Promise<CeremonyV3Verdict> {
  const j = readV3(dir);
  const files = opts.files ?? transcriptV3(dir);
  const keys = files[files.length - 1] ?? join(dir, "0000.g16k");
  const fail = (reason: string): CeremonyV3Verdict => ({
    ok: false,
    kind: "insecure-dev",
    steps: j.steps,
    keys,
    reason,
  });
  const shape = await stepShape(opts.circuit, opts.cacheDir);
  if (shape.r1csHash !== j.stepR1csHash) return fail("the ceremony is for another step circuit");
  const expected = circuitHash(deciderV3Circuit(shape));
  if (j.deciderCircuitHash !== expected)
    return fail("the ceremony's D_F v3 is not the one rebuilt from the step circuit");
  if (files.length !== j.steps.length + 1)
    return fail(`${files.length} key files for ${j.steps.length} recorded steps`);
  let first: Awaited<ReturnType<typeof readKeys>>;
  try {
    first = await readKeys(files[0]);
  } catch (e) {
    return fail(`0000.g16k: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (first.circuitHash !== expected) return fail("0000.g16k is not a key of the rebuilt D_F v3");
  if (j.phase1) {
    // Phase 1 from a ptau: the same ptau, and 0000.g16k exactly what it derives (nobody knew τ, α, β).
    if (!opts.ptau) return fail("this transcript's keys come from a ptau: pass the same --ptau to verify it");
    if ((await fileBlake2b(opts.ptau)) !== j.phase1.ptauBlake2b)
      return fail("the --ptau given is not the one the ceremony's keys were derived from (blake2b differs)");
    const redo = join(dir, `0000.g16k.redo-${process.pid}`);
    try {
      await generateKeysFromPtau(deciderV3Circuit(shape), opts.ptau, redo);
      if (!Buffer.from(readFileSync(redo)).equals(readFileSync(files[0])))
        return fail("0000.g16k is not the key derived from the ptau (rederived, it differs)");
    } catch (e) {
      return fail(`the ptau does not derive the keys: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    } finally {
      rmSync(redo, { force: true });
    }
  }
  for (let i = 1; i < files.length; i++) {
    const s = j.steps[i - 1];
    let ok = false;
    try {
      ok =
        (await verifyContribution(files[i - 1], files[i])) &&
        Array.isArray(s.rG2) &&
        movedBy((await readKeys(files[i - 1])).delta1, (await readKeys(files[i])).delta1, g2From(s.rG2));
    } catch {
      ok = false;
    }
    if (!ok)
      return fail(`step ${i} (${s.type}) is not a valid contribution on step ${i - 1}: removed, replaced or forged`);
    if (s.type === "beacon") {
      const redo = `${files[i]}.redo-${process.pid}`;
      try {
        await contributeKeys(files[i - 1], redo, { beacon: `0x${s.hash}` });
        if (!Buffer.from(readFileSync(redo)).equals(readFileSync(files[i]))) {
          return fail(`step ${i} is not the beacon ${s.hash} it claims (redone from the public value, it differs)`);
        }
      } finally {
        rmSync(redo, { force: true });
      }
    }
  }
  const real = j.steps.filter((x) => x.type === "contribution").length;
  if (!j.phase1) return { ok: true, kind: "insecure-dev", steps: j.steps, keys, reason: V3_DEV_REASON };
  if (real < MIN_V3_CONTRIBUTIONS)
    return {
      ok: true,
      kind: "insecure-dev",
      steps: j.steps,
      keys,
      reason: `keys from a ptau with ${real} phase-2 contribution(s): δ and σ are public until one contribution (need ${MIN_V3_CONTRIBUTIONS})`,
    };
  return {
    ok: true,
    kind: "ceremony",
    steps: j.steps,
    keys,
    reason: `τ, α, β from the ptau (${j.phase1.contributions} phase-1 contribution(s) recorded in it), δ and σ from ${real} phase-2 contribution(s): sound if one contributor of each phase was honest and the ptau is the one the circuit's SRS comes from`,
  };
}

/**
 * `ceremony export` on a v3 ceremony: verifies, then writes `vkey-v3.json` (the words DeciderVerifierV3
 * is deployed with and their hash, what `vkeyHash()` returns) and prints the hash, labelled by `verify`'s verdict.
 */
export async function ceremonyExportV3(
  dir: string,
  opts: { circuit: string; out: string; cacheDir?: string; ptau?: string },
): Promise<{ vkeyHash: Hex; kind: CeremonyV3Verdict["kind"]; reason: string; files: string[] }> {
  const v = await ceremonyVerifyV3(dir, opts);
  if (!v.ok)
    throw new CeremonyError("the ceremony transcript does not verify: nothing exported", { details: v.reason });
  const j = readV3(dir);
  const pk = await readKeys(v.keys);
  const { nW } = await stepShape(opts.circuit, opts.cacheDir);
  const words = vkeyWordsV3(pk.vkey, j.stepR1csHash, j.stateWidth, nW);
  const vkeyHash = vkeyHashV3(pk.vkey, j.stepR1csHash, j.stateWidth, nW);
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const file = join(out, "vkey-v3.json");
  writeFileSync(
    file,
    `${JSON.stringify({ format: DECIDER_V3_VKEY_FORMAT, decider: 3, stepR1csHash: j.stepR1csHash, vkeyHash, kind: v.kind, words: words.map(String) }, null, 2)}\n`,
  );
  // A trust store file pinning the key with the verdict's label (`novanet verify --trust`, circuit verify).
  const pin: DeciderV3Pin = {
    label: `ceremony ${dir}`,
    stepR1csHash: j.stepR1csHash.toLowerCase() as Hex,
    vkHash: vkeyHash,
    words: words.map(String),
    kind: v.kind,
    contributions: j.steps.filter((x) => x.type === "contribution").length,
    beacon: j.steps.some((x) => x.type === "beacon"),
  };
  const trust = join(out, "trust-v3.json");
  writeFileSync(
    trust,
    `${JSON.stringify({ format: TRUST_FORMAT, ptau: [], deciders: [], decidersV3: [pin] }, null, 2)}\n`,
  );
  return { vkeyHash, kind: v.kind, reason: v.reason, files: [file, trust] };
}
