/**
 * A phase-2 ceremony for a step circuit's decider keys (`novanet ceremony`, docs/trust.md), over
 * snarkjs's zkey tools. A ceremony is a folder:
 *
 *   ceremony.json     the step circuit's r1csHash, D_F's variant and r1csHash, the ptau's blake2b
 *   decider.r1cs      D_F's constraint system (rebuilt from the step circuit by anyone who verifies)
 *   NNNN.zkey         the transcript: 0000 from `init` (δ = 1), one file per contribution or beacon
 *
 * Every `contribute` runs in its contributor's own process with its own entropy (each on its own
 * machine in a real ceremony: the folder travels between them). `verify` re-checks the latest zkey
 * against a D_F rebuilt from the step circuit and the `.ptau` (snarkjs `zkey verify`), and reads the
 * contribution list from the zkey itself. Keys are `ceremony` keys only if the transcript verifies and
 * holds at least {@link MIN_CONTRIBUTIONS} contributions followed by a beacon; anything less (a beacon
 * only, one contribution) is a dev key: δ is public or known to one party.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Hex } from "viem";
import { keccak256 } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import { compileCircuit } from "../circuits/compile.js";
import { loadSrsFromPtau } from "../commitment/srs.js";
import { compileVerifier } from "../decider/bundle.js";
import { buildDecider, DECIDER_CIRCUIT_VERSION, type DeciderVariant } from "../decider/circuit.js";
import { writeR1csBytes } from "../decider/r1csFile.js";
import { type SnarkjsVkey, snarkjs } from "../decider/snarkjs.js";
import { renderDeciderVerifier } from "../decider/solidity.js";
import { BaseError } from "../errors/base.js";
import { type DeciderPin, fileBlake2b, TRUST_FORMAT, vkHash } from "./store.js";

export const CEREMONY_FORMAT = "novanet/ceremony/v1";
/** Independent contributions (besides the beacon) a key needs to be a `ceremony` key. */
export const MIN_CONTRIBUTIONS = 2;
/** The contract name `ceremony export` renders under, and `circuit verify` compiles under by default. */
export const EXPORTED_VERIFIER_NAME = "CircuitDeciderVerifier";

/** A ceremony folder is missing, malformed, or a step failed (snarkjs refused). */
export class CeremonyError extends BaseError {
  override name = "CeremonyError";
}

export type CeremonyJson = {
  format: typeof CEREMONY_FORMAT;
  stepR1csHash: Hex;
  variant: DeciderVariant;
  deciderVersion: number;
  deciderR1csHash: Hex;
  ptauBlake2b: string;
  stateWidth: number;
};

export type Contribution = { index: number; type: "contribution" | "beacon"; name?: string; beaconHash?: string };

/** The step circuit's `.r1cs` path: the file itself, or a `.circom` compiled into the cache. */
async function stepR1cs(circuit: string, cacheDir?: string): Promise<string> {
  if (circuit.endsWith(".r1cs")) return circuit;
  return (await compileCircuit(circuit, { cacheDir: join(resolve(cacheDir ?? ".novanet"), "circuits") })).r1csPath;
}

/** D_F's `.r1cs` bytes for a step circuit (deterministic: anyone rebuilds the same bytes). */
async function deciderR1csBytes(stepPath: string, variant: DeciderVariant) {
  const shape = await loadR1cs(stepPath);
  const { cs, layout } = buildDecider(shape, variant);
  const bytes = writeR1csBytes({
    nVars: cs.nVars,
    nPubOut: 0,
    nPubIn: layout.nPublic,
    nPrvIn: shape.nW + 2,
    constraints: cs.constraints,
  });
  return { shape, bytes };
}

export function readCeremony(dir: string): CeremonyJson {
  const p = join(dir, "ceremony.json");
  try {
    const j = JSON.parse(readFileSync(p, "utf8")) as CeremonyJson;
    if (j.format !== CEREMONY_FORMAT) throw new Error(`format ${String(j.format)}`);
    return j;
  } catch (cause) {
    throw new CeremonyError("not a ceremony folder (ceremony.json missing or malformed)", { details: p, cause });
  }
}

/** The zkeys of the transcript in order, `0000.zkey` first. */
export function transcript(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^[0-9]{4}\.zkey$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function latest(dir: string): { path: string; index: number } {
  const t = transcript(dir);
  if (t.length === 0) throw new CeremonyError("the ceremony has no zkey (run ceremony init)", { details: dir });
  return { path: t[t.length - 1], index: t.length - 1 };
}

const next = (dir: string, index: number) => join(dir, `${String(index + 1).padStart(4, "0")}.zkey`);

/** `ceremony init`: D_F's `.r1cs` and the initial zkey (δ = 1: NOT a key anyone may use). */
export async function ceremonyInit(opts: {
  circuit: string;
  ptau: string;
  dir: string;
  variant?: DeciderVariant;
  cacheDir?: string;
}): Promise<CeremonyJson> {
  const variant = opts.variant ?? "hashed";
  const dir = resolve(opts.dir);
  if (existsSync(join(dir, "ceremony.json")))
    throw new CeremonyError("a ceremony already exists here", { details: dir });
  mkdirSync(dir, { recursive: true });
  const { shape, bytes } = await deciderR1csBytes(await stepR1cs(opts.circuit, opts.cacheDir), variant);
  writeFileSync(join(dir, "decider.r1cs"), bytes);
  const sj = await snarkjs();
  const z0 = join(dir, "0000.zkey");
  const ok = await sj.zKey.newZKey(join(dir, "decider.r1cs"), opts.ptau, `${z0}.tmp`);
  if (ok === false || ok === -1 || !existsSync(`${z0}.tmp`)) {
    throw new CeremonyError(
      "snarkjs could not start phase 2 with this .ptau (too small, or not prepared for phase 2?)",
      {
        details: opts.ptau,
      },
    );
  }
  renameSync(`${z0}.tmp`, z0);
  const c: CeremonyJson = {
    format: CEREMONY_FORMAT,
    stepR1csHash: shape.r1csHash as Hex,
    variant,
    deciderVersion: DECIDER_CIRCUIT_VERSION,
    deciderR1csHash: keccak256(bytes),
    ptauBlake2b: await fileBlake2b(opts.ptau),
    stateWidth: shape.s,
  };
  writeFileSync(join(dir, "ceremony.json"), `${JSON.stringify(c, null, 2)}\n`);
  return c;
}

/** `ceremony contribute`: one contribution on top of the latest zkey. Returns its hash (hex). */
export async function ceremonyContribute(dir: string, name: string, entropy?: string): Promise<string> {
  readCeremony(dir);
  const { path, index } = latest(dir);
  const out = next(dir, index);
  const sj = await snarkjs();
  const h = await sj.zKey.contribute(path, `${out}.tmp`, name, entropy ?? randomBytes(32).toString("hex"));
  if (!existsSync(`${out}.tmp`)) throw new CeremonyError("snarkjs refused the contribution", { details: path });
  renameSync(`${out}.tmp`, out);
  return h instanceof Uint8Array ? Buffer.from(h).toString("hex") : String(h);
}

/** `ceremony beacon`: the final public-randomness contribution. */
export async function ceremonyBeacon(dir: string, hashHex: string, iterationsExp = 10): Promise<void> {
  readCeremony(dir);
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(hashHex))
    throw new CeremonyError("the beacon must be hex", { details: hashHex });
  const { path, index } = latest(dir);
  const out = next(dir, index);
  const sj = await snarkjs();
  await sj.zKey.beacon(path, `${out}.tmp`, "beacon", hashHex, iterationsExp);
  if (!existsSync(`${out}.tmp`)) throw new CeremonyError("snarkjs refused the beacon", { details: path });
  renameSync(`${out}.tmp`, out);
}

/**
 * The contribution list of a zkey, read from its MPC section (10): csHash (64 bytes), u32 count, then
 * per contribution deltaAfter, g1_s, g1_sx (64 bytes each), g2_spx (128), transcript (64), u32 type
 * (0 contribution, 1 beacon), u32 paramLength and the parameters (1 name, 2 iterations, 3 beacon hash).
 */
export function zkeyContributions(bytes: Uint8Array): Contribution[] {
  const sec = zkeySection(bytes, 10);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  let o = sec.pos + 64;
  const n = dv.getUint32(o, true);
  o += 4;
  const out: Contribution[] = [];
  for (let i = 0; i < n; i++) {
    o += 64 * 3 + 128 + 64;
    const type = dv.getUint32(o, true);
    const len = dv.getUint32(o + 4, true);
    o += 8;
    const c: Contribution = { index: i + 1, type: type === 1 ? "beacon" : "contribution" };
    let p = o;
    while (p < o + len) {
      const t = bytes[p];
      if (t === 1) {
        c.name = new TextDecoder().decode(bytes.subarray(p + 2, p + 2 + bytes[p + 1]));
        p += 2 + bytes[p + 1];
      } else if (t === 2) p += 2;
      else if (t === 3) {
        c.beaconHash = Buffer.from(bytes.subarray(p + 2, p + 2 + bytes[p + 1])).toString("hex");
        p += 2 + bytes[p + 1];
      } else throw new CeremonyError("unknown contribution parameter in the zkey", { details: String(t) });
    }
    o += len;
    out.push(c);
  }
  if (o !== sec.pos + sec.size) throw new CeremonyError("the zkey's contribution section has trailing bytes");
  return out;
}

/** Position and size of a section of an iden3 binfile (zkey). */
export function zkeySection(bytes: Uint8Array, id: number): { pos: number; size: number; headerPos: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== "zkey") throw new CeremonyError("not a zkey file");
  const nSections = dv.getUint32(8, true);
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    const sid = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    if (sid === id) return { pos: pos + 12, size, headerPos: pos };
    pos += 12 + size;
  }
  throw new CeremonyError("the zkey has no such section", { details: String(id) });
}

export type CeremonyVerdict = {
  ok: boolean;
  /** `ceremony` only if the transcript verifies with ≥ MIN_CONTRIBUTIONS contributions and a final beacon. */
  kind: "ceremony" | "insecure-dev";
  contributions: Contribution[];
  zkey: string;
  reason?: string;
};

/**
 * Runs `f` with snarkjs's verdict lines (`INVALID(i): …`, which its zkey verification prints with `console.log`
 * whatever logger it is given) taken off stdout, where they would precede a command's JSON, and returns them.
 * Any other console output passes through.
 */
async function withSnarkjsVerdictLines(f: () => Promise<void>): Promise<string[]> {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...args: unknown[]) => {
    const text = args.map(String).join(" ").trim();
    if (/^INVALID\(\d+\)/.test(text)) lines.push(text);
    else log(...args);
  };
  try {
    await f();
  } finally {
    console.log = log;
  }
  return lines;
}

/**
 * `ceremony verify`: rebuilds D_F from the step circuit, checks it is the ceremony's, and re-verifies
 * the latest zkey against it and the `.ptau` (snarkjs: every contribution's proof of knowledge, the
 * chain of δ, and every key section against the ptau). The ptau must be the one the ceremony used.
 */
export async function ceremonyVerify(
  dir: string,
  opts: { circuit: string; ptau: string; cacheDir?: string; zkey?: string },
): Promise<CeremonyVerdict> {
  const c = readCeremony(dir);
  const zkey = opts.zkey ?? latest(dir).path;
  const fail = (reason: string): CeremonyVerdict => ({
    ok: false,
    kind: "insecure-dev",
    contributions: [],
    zkey,
    reason,
  });
  const { shape, bytes } = await deciderR1csBytes(await stepR1cs(opts.circuit, opts.cacheDir), c.variant);
  if (shape.r1csHash !== c.stepR1csHash) return fail("the ceremony is for another step circuit");
  if (keccak256(bytes) !== c.deciderR1csHash)
    return fail("the ceremony's D_F is not the one rebuilt from the step circuit");
  const rebuilt = join(dir, "decider.rebuilt.r1cs");
  writeFileSync(rebuilt, bytes);
  const sj = await snarkjs();
  const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
  let ok = false;
  const verdict = await withSnarkjsVerdictLines(async () => {
    try {
      ok = await sj.zKey.verifyFromR1cs(rebuilt, opts.ptau, zkey, quiet);
    } catch {
      ok = false;
    }
  });
  if (!ok)
    return fail(
      `snarkjs zkey verify rejects the transcript${verdict.length > 0 ? ` (${verdict.join("; ")})` : ""}: a contribution is missing, replaced or forged, or another ptau`,
    );
  const contributions = zkeyContributions(new Uint8Array(readFileSync(zkey)));
  const real = contributions.filter((x) => x.type === "contribution").length;
  const endsWithBeacon = contributions.length > 0 && contributions[contributions.length - 1].type === "beacon";
  const kind = real >= MIN_CONTRIBUTIONS && endsWithBeacon ? "ceremony" : "insecure-dev";
  return {
    ok: true,
    kind,
    contributions,
    zkey,
    ...(kind === "ceremony"
      ? {}
      : {
          reason: `dev keys: ${real} contribution(s)${endsWithBeacon ? " and a beacon" : ", no final beacon"}; need ${MIN_CONTRIBUTIONS} and a beacon`,
        }),
  };
}

/**
 * `ceremony export`: verifies, then writes `vkey.json`, the Solidity verifier rendered from it with the
 * ptau's `[τ]G2`, and a trust store file pinning the key (`--trust` for `novanet verify`). Refuses a
 * transcript that does not verify; a dev transcript is exported only labelled `insecure-dev`.
 */
export async function ceremonyExport(
  dir: string,
  opts: { circuit: string; ptau: string; out: string; name?: string; label?: string; cacheDir?: string },
): Promise<{ vkHash: Hex; codehash: Hex; name: string; kind: CeremonyVerdict["kind"]; files: string[] }> {
  const v = await ceremonyVerify(dir, opts);
  if (!v.ok)
    throw new CeremonyError("the ceremony transcript does not verify: nothing exported", { details: v.reason });
  const c = readCeremony(dir);
  const sj = await snarkjs();
  const vkey = (await sj.zKey.exportVerificationKey(v.zkey)) as SnarkjsVkey;
  const h = vkHash(vkey);
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const srs = await loadSrsFromPtau(opts.ptau, 2);
  const name = opts.name ?? EXPORTED_VERIFIER_NAME;
  const sol = renderDeciderVerifier(vkey, {
    name,
    stepR1csHash: c.stepR1csHash,
    variant: c.variant,
    stateWidth: c.stateWidth,
    tauG2: srs.tauG2,
  });
  const pin: DeciderPin = {
    label:
      opts.label ??
      `ceremony ${dir} (${v.contributions.filter((x) => x.type === "contribution").length} contributions + beacon)`,
    stepR1csHash: c.stepR1csHash,
    variant: c.variant,
    vkHash: h,
    vkey,
    kind: v.kind,
    contributions: v.contributions.filter((x) => x.type === "contribution").length,
    beacon: v.contributions.some((x) => x.type === "beacon"),
  };
  const files = [join(out, "vkey.json"), join(out, `${name}.sol`), join(out, "trust.json")];
  writeFileSync(files[0], JSON.stringify(vkey, null, 1));
  writeFileSync(files[1], sol);
  writeFileSync(files[2], `${JSON.stringify({ format: TRUST_FORMAT, ptau: [], deciders: [pin] }, null, 2)}\n`);
  // The runtime code hash of the verifier compiled as `novanet circuit verify` compiles it: a registrant
  // deploys exactly this compiler output, so that anyone's `circuit verify --ceremony` recognises it.
  const codehash = keccak256(compileVerifier(sol, name).runtime);
  return { vkHash: h, codehash, name, kind: v.kind, files };
}
