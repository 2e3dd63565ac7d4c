/**
 * Groth16 keys for a step circuit's decider `D_F`: generate the `.r1cs`, run snarkjs's phase 2 on a
 * prepared powers-of-tau (`zKey.newZKey`), add one contribution and a beacon, export the verification
 * key. Keys are cached under `.novanet/keys/<r1csHash>/v<D_F version>-<variant>-<srsTag>/` (r1csHash
 * of the step circuit, the version of D_F's constraint system, srsTag = first 16 hex digits of the SRS
 * digest of the ptau's first two powers and `[τ]G2`), so a later run reuses them and production keys
 * can be made once with real contributions (`novanet setup --entropy ...`).
 *
 * Cost: dominated by `newZKey` (one MSM per wire and per A/B/C section, B in both G1 and G2): seconds
 * for the test circuits, tens of minutes for `D_F` of a 2^12- or 2^14-constraint step circuit.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { R1csShape } from "../arith/r1cs.js";
import { loadSrsFromPtau, srsDigest } from "../commitment/srs.js";
import { DeciderKeysError } from "../errors/decider.js";
import { buildDecider, DECIDER_CIRCUIT_VERSION, type DeciderLayout, type DeciderVariant } from "./circuit.js";
import { writeR1csBytes } from "./r1csFile.js";
import { type SnarkjsVkey, snarkjs } from "./snarkjs.js";

export const KEYS_DIR = join(".novanet", "keys");

export type DeciderKeys = {
  readonly dir: string;
  readonly r1csPath: string;
  readonly zkeyPath: string;
  readonly vkey: SnarkjsVkey;
  readonly layout: DeciderLayout;
  /** The step circuit's r1csHash (what the on-chain verifier reports). */
  readonly stepR1csHash: string;
  readonly ptauPath: string;
};

export type SetupOptions = {
  variant?: DeciderVariant;
  cacheDir?: string;
  /** Entropy of the one phase-2 contribution (default: 32 random bytes). */
  entropy?: string;
  /** Beacon hash (hex, default: keccak-free fixed public value) and iterations exponent (default 10). */
  beacon?: { hashHex: string; iterationsExp: number };
  /**
   * Progress lines (default: JSON on stderr): one per step, and snarkjs's own progress during the long
   * steps as `{step, level, msg}` (its debug lines at most one per {@link SetupOptions.progressEveryMs}).
   */
  log?: (event: Record<string, unknown>) => void;
  /** Least interval between two of snarkjs's debug progress lines (default 10 s; 0 passes them all). */
  progressEveryMs?: number;
  /** Regenerate even if cached. */
  force?: boolean;
  /**
   * "random" (default): one contribution with `entropy` then the beacon. "beacon-only": no random
   * contribution, so the keys are a deterministic function of the `.r1cs`, the ptau and the beacon —
   * INSECURE: δ is public (snarkjs starts at δ = 1 and the beacon is public), so anyone can forge
   * proofs; used for the committed TestOnly* verifiers only (a clean clone
   * regenerates exactly the keys those verifiers were exported from).
   */
  contribution?: "random" | "beacon-only";
};

const DEFAULT_BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

function defaultLog(e: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ component: "decider/setup", ...e })}\n`);
}

/** A snarkjs logger that forwards to `log` as structured events, throttling the (many) debug lines. */
export function snarkjsProgressLogger(
  log: (event: Record<string, unknown>) => void,
  step: string,
  everyMs = 10_000,
): Record<"error" | "warn" | "info" | "debug", (msg: unknown) => void> {
  let last = Number.NEGATIVE_INFINITY;
  const emit = (level: string) => (msg: unknown) => {
    if (level === "debug") {
      const now = performance.now();
      if (now - last < everyMs) return;
      last = now;
    }
    log({ step, level, msg: String(msg) });
  };
  return { error: emit("error"), warn: emit("warn"), info: emit("info"), debug: emit("debug") };
}

/** A .ptau file's power (its header section's), or undefined when the file cannot be read that far. */
async function ptauPower(path: string): Promise<number | undefined> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, "r");
    const read = async (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      return (await fh!.read(b, 0, len, pos)).bytesRead === len ? b : undefined;
    };
    const head = await read(0, 12);
    if (head?.toString("latin1", 0, 4) !== "ptau") return undefined;
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const sh = await read(pos, 12);
      if (!sh) return undefined;
      // Section 1, the header: n8 (4 bytes), q (n8 bytes), power (4 bytes).
      if (sh.readUInt32LE(0) === 1) {
        const n8 = (await read(pos + 12, 4))?.readUInt32LE(0);
        return n8 === undefined ? undefined : (await read(pos + 16 + n8, 4))?.readUInt32LE(0);
      }
      pos += 12 + Number(sh.readBigUInt64LE(4));
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

/** The cache folder of the keys of `shape` with this ptau. */
export async function keysDir(shape: R1csShape, ptauPath: string, options: SetupOptions = {}): Promise<string> {
  const variant = options.variant ?? "hashed";
  const srs = await loadSrsFromPtau(ptauPath, 2);
  const tag = srsDigest(srs).slice(2, 18);
  const mode = options.contribution === "beacon-only" ? "-beacononly" : "";
  const name = `v${DECIDER_CIRCUIT_VERSION}-${variant}-${tag}${mode}`;
  return resolve(options.cacheDir ?? KEYS_DIR, shape.r1csHash.replace(/^0x/, ""), name);
}

/**
 * The decider keys of `shape` over `ptauPath`, from the cache or freshly made.
 *
 * @throws {DeciderKeysError} the ptau is too small for `D_F`, or snarkjs fails.
 * @example
 * const keys = await setupDecider(shape, await ensureDevPtau(12));
 */
export async function setupDecider(
  shape: R1csShape,
  ptauPath: string,
  options: SetupOptions = {},
): Promise<DeciderKeys> {
  const variant = options.variant ?? "hashed";
  const log = options.log ?? defaultLog;
  const dir = await keysDir(shape, ptauPath, options);
  const r1csPath = join(dir, "decider.r1cs");
  const zkeyPath = join(dir, "decider.zkey");
  const vkeyPath = join(dir, "vkey.json");
  const layoutPath = join(dir, "layout.json");
  const done = existsSync(zkeyPath) && existsSync(vkeyPath) && existsSync(layoutPath);
  if (done && !options.force) {
    const vkey = JSON.parse(readFileSync(vkeyPath, "utf8")) as SnarkjsVkey;
    const layout = JSON.parse(readFileSync(layoutPath, "utf8")) as DeciderLayout;
    return { dir, r1csPath, zkeyPath, vkey, layout, stepR1csHash: shape.r1csHash, ptauPath };
  }
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const { cs, layout } = buildDecider(shape, variant);
  // snarkjs's own test (a domain 2^power > constraints + public inputs), made here first: snarkjs would
  // log its refusal as an error and leave its file handles to the garbage collector (DEP0137 warnings).
  const power = await ptauPower(ptauPath);
  if (power !== undefined && 2 ** power <= layout.nConstraints + layout.nPublic) {
    throw new DeciderKeysError("snarkjs could not set up D_F with this powers of tau (too small?)", {
      details: `${layout.nConstraints} constraints + ${layout.nPublic} public > 2^${power}; ptau ${ptauPath}`,
    });
  }
  const bytes = writeR1csBytes({
    nVars: cs.nVars,
    nPubOut: 0,
    nPubIn: layout.nPublic,
    nPrvIn: shape.nW + 2,
    constraints: cs.constraints,
  });
  writeFileSync(`${r1csPath}.tmp`, bytes);
  renameSync(`${r1csPath}.tmp`, r1csPath);
  log({ step: "r1cs", constraints: layout.nConstraints, wires: layout.nVars, ms: Math.round(performance.now() - t0) });
  const sj = await snarkjs();
  const z0 = join(dir, "z0.tmp");
  const z1 = join(dir, "z1.tmp");
  try {
    const t1 = performance.now();
    const every = options.progressEveryMs;
    // snarkjs reports why it refuses (e.g. "circuit too big for this power of tau") on its logger's error
    // level and returns -1: kept for the typed error below (which a caller may catch and retry with a
    // larger ptau), not printed as a level:"error" line of its own.
    const refused: string[] = [];
    const ok = await sj.zKey.newZKey(r1csPath, ptauPath, z0, {
      ...snarkjsProgressLogger(log, "newZKey", every),
      error: (m: unknown) => refused.push(String(m)),
    });
    if (ok === false || ok === -1 || !existsSync(z0)) {
      throw new DeciderKeysError("snarkjs could not set up D_F with this powers of tau (too small?)", {
        details: `${refused[0] ?? "no reason given"}; ${layout.nConstraints} constraints + ${layout.nPublic} public; ptau ${ptauPath}`,
      });
    }
    log({ step: "newZKey", ms: Math.round(performance.now() - t1) });
    let beaconInput = z0;
    if (options.contribution !== "beacon-only") {
      const t2 = performance.now();
      const entropy = options.entropy ?? randomBytes(32).toString("hex");
      await sj.zKey.contribute(z0, z1, "novanet decider", entropy, snarkjsProgressLogger(log, "contribute", every));
      log({ step: "contribute", ms: Math.round(performance.now() - t2) });
      beaconInput = z1;
    }
    const beacon = options.beacon ?? { hashHex: DEFAULT_BEACON, iterationsExp: 10 };
    await sj.zKey.beacon(
      beaconInput,
      `${zkeyPath}.tmp`,
      "novanet beacon",
      beacon.hashHex,
      beacon.iterationsExp,
      snarkjsProgressLogger(log, "beacon", every),
    );
    renameSync(`${zkeyPath}.tmp`, zkeyPath);
    const vkey = await sj.zKey.exportVerificationKey(zkeyPath);
    writeFileSync(vkeyPath, JSON.stringify(vkey, null, 1));
    writeFileSync(layoutPath, JSON.stringify(layout, null, 1));
    log({ step: "keys", ms: Math.round(performance.now() - t0), dir });
    return { dir, r1csPath, zkeyPath, vkey, layout, stepR1csHash: shape.r1csHash, ptauPath };
  } catch (cause) {
    if (cause instanceof DeciderKeysError) throw cause;
    throw new DeciderKeysError("decider key generation failed", { details: String(cause), cause });
  } finally {
    rmSync(z0, { force: true });
    rmSync(z1, { force: true });
  }
}
