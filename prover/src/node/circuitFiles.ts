/**
 * A circuit's files fetched from the network and verified against the chain, never trusted: a node that
 * joins a network gets the compiled circuit (`.r1cs`, `.wasm`) and the decider proving key (`.g16k`, decider
 * v3) from its peers (by CID over the fetch protocol, which checks the bytes against the CID) or from a
 * URL (size-capped), then checks each against what the chain records before it is written into place:
 *
 * - `.r1cs`: its hash equals `CircuitRegistry.r1csHash`;
 * - decider key (one check, {@link checkDeciderKey}, with version-specific parts): the registered verifier's
 *   runtime code hash is the registry's `deciderCodehash`; the key is a key of this circuit's `D_F`; its
 *   verifying key is the registered verifier's; and its proving sections match its verifying key: a decider
 *   proof of a satisfied instance made with it passes the verifier's check (a key whose header is genuine
 *   but whose sections were altered would make every decision revert, and cost the node its window).
 *   v3 (`.g16k`): `D_F` v3's constraint-system hash, the verifier's `vkeyHash()`, the check against the
 *   pinned key. v2 (the snarkjs `.zkey` a phase-2 ceremony ends in; the verifier has no key hash): every
 *   section sized and every point on the curve (decider/zkey.ts), the coefficient section equal to the
 *   one `newZKey` writes for `D_F`, the key words constants of the verifier's code in the verifier's order,
 *   a ceremony transcript (else a dev key, only under `allowDevKeys`), and the self-test proof accepted by
 *   the registered verifier itself (`eth_call`);
 * - `.wasm`: no hash is on-chain; it is checked by use: the job's boundary states it computes must hash to
 *   the job's on-chain manifest root, and every leaf witness must satisfy the (verified) R1CS.
 *
 * A file that fails is refused with {@link TamperedArtefactError} (one line) and never stored. Nodes that
 * hold a circuit's files serve them: they are put in the artefact store at start (their CIDs are logged).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Hex } from "viem";
import { loadR1cs, type R1csShape } from "../arith/r1cs.js";
import type { RelaxedInstance, RelaxedWitness } from "../arith/relaxed.js";
import type { DeciderPinsV2, MarketAdapter } from "../chain/market.js";
import { commit } from "../commitment/pedersen.js";
import type { Srs } from "../commitment/srs.js";
import { deciderProofAbi, instanceAbi } from "../decider/abi.js";
import { buildDecider, type DeciderLayout } from "../decider/circuit.js";
import { type DeciderProof, proveDecider } from "../decider/prove.js";
import { writeR1csBytes } from "../decider/r1csFile.js";
import type { DeciderKeys } from "../decider/setup.js";
import type { SnarkjsVkey } from "../decider/snarkjs.js";
import { checkDeciderV3, deciderV3Circuit, proveDeciderV3, vkeyHashV3 } from "../decider/v3.js";
import { expectedZkeyCoefficients, readZkey, vkeyWordsV2, type Zkey } from "../decider/zkey.js";
import { ArtefactError, FetchError } from "../errors/node.js";
import { DevKeysRefusedError } from "../errors/trust.js";
import { randomFr } from "../field/fr.js";
import { circuitHash, type G16ProvingKey, readKeys } from "../groth16/keys.js";
import { parseCid } from "../net/store.js";
import { type Contribution, MIN_CONTRIBUTIONS, zkeyContributions } from "../trust/ceremony.js";
import type { CircuitRuntime } from "./work.js";

export type { DeciderPinsV2 } from "../chain/market.js";

/** Where a file can be had: a CID served by peers, and/or a URL. */
export type FileSource = { cid?: string; url?: string };

/** A fetched circuit or decider file that does not match what the chain records. */
export class TamperedArtefactError extends ArtefactError {
  override name = "TamperedArtefactError";
}

export type Fetcher = {
  /** Fetches `cid` from peers (bytes checked against the CID). */
  fetchCid(cid: string, maxBytes: number): Promise<Uint8Array>;
};

/** Fetches a file from its CID (peers) first, then its URL; size-capped. */
export async function fetchFile(src: FileSource, via: Fetcher | undefined, maxBytes: number): Promise<Uint8Array> {
  const errs: string[] = [];
  if (src.cid && via) {
    try {
      parseCid(src.cid);
      return await via.fetchCid(src.cid, maxBytes);
    } catch (e) {
      errs.push(`cid: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (src.url) {
    try {
      return await fetchUrl(src.url, maxBytes);
    } catch (e) {
      errs.push(`url: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new FetchError("no source served the file", { details: errs.join("; ") || "no source given" });
}

async function fetchUrl(url: string, maxBytes: number): Promise<Uint8Array> {
  const r = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!r.ok || !r.body) throw new FetchError(`HTTP ${r.status}`, { details: url });
  const len = Number(r.headers.get("content-length") ?? "0");
  if (len > maxBytes) throw new FetchError("file over the size cap", { details: `${len} > ${maxBytes}` });
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of r.body as AsyncIterable<Uint8Array>) {
    n += chunk.length;
    if (n > maxBytes) throw new FetchError("file over the size cap", { details: `> ${maxBytes}` });
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Writes `bytes` to `path` through a temporary file and a rename (a concurrent reader never sees half). */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Checks fetched `.r1cs` bytes against the registered hash; returns the shape. */
export async function verifyR1cs(bytes: Uint8Array, onChainHash: Hex, scratch: string): Promise<R1csShape> {
  writeAtomic(scratch, bytes);
  try {
    let shape: R1csShape;
    try {
      shape = await loadR1cs(scratch);
    } catch (e) {
      throw new TamperedArtefactError("fetched circuit is not an .r1cs file", {
        details: (e as Error).message.split("\n")[0],
      });
    }
    if (shape.r1csHash.toLowerCase() !== onChainHash.toLowerCase()) {
      throw new TamperedArtefactError("fetched circuit's R1CS hash differs from the registered one", {
        details: `${shape.r1csHash} ≠ ${onChainHash}`,
      });
    }
    return shape;
  } finally {
    rmSync(scratch, { force: true });
  }
}

/** What the chain records about a circuit's decider verifier (v3). */
export type DeciderPins = { vkeyHash: Hex; codehash: Hex; registeredCodehash: Hex };

/**
 * The one check of a decider proving key, whatever its version: the verifier's code is the registered
 * code; the file parses as a key of its version (size and structure, and for v2 every point on the curve);
 * it is a key of this circuit's `D_F`; its verifying key is the registered verifier's; the version's
 * policy holds (v2: a dev key only under `allowDevKeys`); and a self-test proof made with its proving
 * sections is accepted (v3: by the pinned verifying key; v2: by the registered verifier itself, `eth_call`).
 * Each failure is one {@link TamperedArtefactError} line (a dev key: {@link DevKeysRefusedError}).
 */
type KeyCheck<K> = {
  /** What the file must be ("a .g16k key"). */
  format: string;
  parse(bytes: Uint8Array): Promise<K>;
  /** Why `k` is not a key of this circuit's `D_F` (undefined: it is). */
  circuit(k: K): string | undefined;
  /** Why `k`'s verifying key is not the registered verifier's (undefined: it is). */
  vkey(k: K): string | undefined;
  policy?(k: K): void;
  /** A proof of a satisfied instance made with `k` is accepted (false: rejected, or proving failed). */
  selfTest(k: K): Promise<boolean>;
};

function checkCode(p: { codehash: Hex; registeredCodehash: Hex }): void {
  if (p.codehash.toLowerCase() !== p.registeredCodehash.toLowerCase()) {
    throw new TamperedArtefactError("the decider verifier's code differs from the registered code hash", {
      details: `${p.codehash} ≠ ${p.registeredCodehash}`,
    });
  }
}

async function checkDeciderKey<K>(
  bytes: Uint8Array,
  code: { codehash: Hex; registeredCodehash: Hex },
  v: KeyCheck<K>,
): Promise<K> {
  checkCode(code);
  let k: K;
  try {
    k = await v.parse(bytes);
  } catch (e) {
    throw new TamperedArtefactError(`fetched decider key is not ${v.format}`, {
      details: (e as Error).message.split("\n")[0],
    });
  }
  const circuit = v.circuit(k);
  if (circuit)
    throw new TamperedArtefactError("fetched decider key is for another constraint system", { details: circuit });
  const vk = v.vkey(k);
  if (vk)
    throw new TamperedArtefactError("fetched decider key's verifying key differs from the registered verifier's", {
      details: vk,
    });
  v.policy?.(k);
  if (!(await v.selfTest(k))) {
    throw new TamperedArtefactError("fetched decider key's proving sections do not match its verifying key", {
      details: "a self-test proof was rejected",
    });
  }
  return k;
}

/**
 * A satisfied relaxed instance of `shape` for a self-test proof: the zero witness with random blinds (the
 * hiding decider then folds a random satisfied instance in, so the proof is of a random instance).
 */
async function selfTestInstance(shape: R1csShape, srs: Srs): Promise<{ U: RelaxedInstance; W: RelaxedWitness }> {
  const rW = randomFr();
  const rE = randomFr();
  const W = { W: new Array<bigint>(shape.nW).fill(0n), E: new Array<bigint>(shape.m).fill(0n), rW, rE };
  const U = {
    cmW: await commit(srs, W.W, rW),
    cmE: await commit(srs, W.E, rE),
    u: 0n,
    x: new Array<bigint>(2 * shape.s).fill(0n),
  };
  return { U, W };
}

/**
 * Checks a decider v3 proving key (`.g16k` bytes) for `shape` against the registered verifier. Throws
 * {@link TamperedArtefactError} on any mismatch; returns the key.
 */
export async function verifyDeciderKeyV3(
  bytes: Uint8Array,
  shape: R1csShape,
  srs: Srs,
  pins: DeciderPins,
  scratch: string,
): Promise<G16ProvingKey> {
  const want = circuitHash(deciderV3Circuit(shape));
  return checkDeciderKey<G16ProvingKey>(bytes, pins, {
    format: "a .g16k key",
    parse: async (b) => {
      writeAtomic(scratch, b);
      try {
        return await readKeys(scratch);
      } finally {
        rmSync(scratch, { force: true });
      }
    },
    circuit: (pk) => (pk.circuitHash !== want ? `${pk.circuitHash} ≠ ${want}` : undefined),
    vkey: (pk) => {
      const vh = vkeyHashV3(pk.vkey, shape.r1csHash, shape.s, shape.nW);
      return vh.toLowerCase() !== pins.vkeyHash.toLowerCase() ? `vkeyHash ${vh} ≠ ${pins.vkeyHash}` : undefined;
    },
    selfTest: async (pk) => {
      const { U, W } = await selfTestInstance(shape, srs);
      try {
        const proof = await proveDeciderV3(shape, srs, pk, U, W, { hiding: true });
        return checkDeciderV3(pk.vkey, srs, shape.s, shape.nW, U, proof).ok;
      } catch {
        return false;
      }
    },
  });
}

/** The push immediates of EVM runtime code, in order (the constants a compiled verifier holds). */
export function codeConstants(code: Hex): bigint[] {
  const b = Buffer.from(code.replace(/^0x/, ""), "hex");
  const out: bigint[] = [];
  for (let i = 0; i < b.length; i++) {
    const op = b[i];
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      out.push(BigInt(`0x${b.subarray(i + 1, i + 1 + n).toString("hex") || "0"}`));
      i += n;
    }
  }
  return out;
}

/**
 * Why the v2 verifying key `vk` is not the one of the verifier whose runtime code is `pins.code` (undefined:
 * it is): its words must be constants of that code in the order the verifier template holds them, and so
 * must the step circuit's `r1csHash`.
 */
export function vkeyNotInVerifierV2(
  vk: SnarkjsVkey,
  r1csHash: string,
  pins: Pick<DeciderPinsV2, "code" | "decider">,
): string | undefined {
  const consts = codeConstants(pins.code);
  if (!consts.includes(BigInt(r1csHash))) return `the verifier at ${pins.decider} is not for r1csHash ${r1csHash}`;
  let at = 0;
  for (const [i, w] of vkeyWordsV2(vk).entries()) {
    while (at < consts.length && consts[at] !== w) at++;
    if (at === consts.length) return `key word ${i} is not in the code of the verifier at ${pins.decider}`;
    at++;
  }
  return undefined;
}

/**
 * The `D_F` of `shape` whose wire and public-input counts are the key's (variant hashed, the default, first),
 * with (`coefficients`) the zkey coefficient section and domain size snarkjs's `newZKey` gives it.
 */
function deciderV2Circuit(
  shape: R1csShape,
  z: Zkey,
  coefficients: boolean,
): { layout: DeciderLayout; coefficients?: Uint8Array; domainSize?: number } | undefined {
  for (const variant of ["hashed", "unhashed"] as const) {
    const { cs, layout } = buildDecider(shape, variant);
    if (layout.nVars !== z.nVars || layout.nPublic !== z.nPublic) continue;
    if (!coefficients) return { layout };
    const r1cs = writeR1csBytes({
      nVars: cs.nVars,
      nPubOut: 0,
      nPubIn: layout.nPublic,
      nPrvIn: shape.nW + 2,
      constraints: cs.constraints,
    });
    return { layout, ...expectedZkeyCoefficients(r1cs) };
  }
  return undefined;
}

/**
 * Checks a decider v2 proving key (a snarkjs `.zkey`, the final key of a phase-2 ceremony) for `shape`
 * against the registered v2 verifier, which has no key hash to read: its verifying key words must be
 * constants of the verifier's (registered) code in the order the verifier template holds them, and so must
 * the step circuit's r1csHash; the key's coefficient section must be the one `newZKey` writes for this
 * circuit's `D_F` (its A and B matrices, so another circuit's key is refused) with the domain size `D_F`
 * needs; every point must be on the curve; a key whose contribution list is not a ceremony's (at least
 * {@link MIN_CONTRIBUTIONS} contributions and a beacon) is a dev key, refused unless `allowDevKeys`; and a
 * hiding decider proof made with it must be accepted by the registered verifier (`eth_call`). The key is
 * written to `scratch` for the self-test (snarkjs proves from a file) and removed after.
 */
export async function verifyDeciderKeyV2(
  bytes: Uint8Array,
  shape: R1csShape,
  srs: Srs,
  pins: DeciderPinsV2,
  scratch: string,
  opts: { allowDevKeys?: boolean; log?: Log } = {},
): Promise<DeciderKeys> {
  let layout: DeciderLayout | undefined;
  const { z } = await checkDeciderKey<{ z: Zkey; transcript: Contribution[] }>(bytes, pins, {
    format: "a Groth16 .zkey over BN254",
    parse: async (b) => ({ z: readZkey(b, { points: true }), transcript: zkeyContributions(b) }),
    circuit: ({ z: k }) => {
      const want = deciderV2Circuit(shape, k, true);
      if (!want?.coefficients) return `${k.nVars} wires, ${k.nPublic} public inputs: not D_F of ${shape.r1csHash}`;
      layout = want.layout;
      if (k.domainSize !== want.domainSize) return `domain ${k.domainSize} ≠ ${want.domainSize}`;
      if (!Buffer.from(k.coefficients).equals(Buffer.from(want.coefficients)))
        return `its A, B coefficients are not D_F's (${layout.variant}) of ${shape.r1csHash}`;
      return undefined;
    },
    vkey: ({ z: k }) => vkeyNotInVerifierV2(k.vkey, shape.r1csHash, pins),
    policy: ({ transcript: cs }) => {
      const real = cs.filter((x) => x.type === "contribution").length;
      const beacon = cs.length > 0 && cs[cs.length - 1].type === "beacon";
      const kind = real >= MIN_CONTRIBUTIONS && beacon ? "ceremony" : "insecure-dev";
      opts.log?.({ msg: "decider v2 key transcript", keys: kind, contributions: real, beacon });
      if (kind !== "ceremony" && !opts.allowDevKeys) {
        throw new DevKeysRefusedError("fetched decider key is a dev key: set allowDevKeys for a devnet", {
          details: `${real} contribution(s)${beacon ? " and a beacon" : ", no final beacon"}; need ${MIN_CONTRIBUTIONS} and a beacon`,
        });
      }
    },
    selfTest: async ({ z: k }) => {
      const { U, W } = await selfTestInstance(shape, srs);
      writeAtomic(scratch, bytes);
      let proof: DeciderProof;
      try {
        proof = await proveDecider(shape, srs, v2Keys(scratch, k.vkey, layout!, shape), U, W, { hiding: true });
      } catch {
        return false;
      } finally {
        rmSync(scratch, { force: true });
      }
      return pins.verify(instanceAbi(U), deciderProofAbi(proof));
    },
  });
  return v2Keys("", z.vkey, layout!, shape);
}

function v2Keys(zkeyPath: string, vkey: SnarkjsVkey, layout: DeciderLayout, shape: R1csShape): DeciderKeys {
  return { dir: "", r1csPath: "", zkeyPath, vkey, layout, stepR1csHash: shape.r1csHash, ptauPath: "" };
}

/** Reads a local file for serving, or undefined when absent. */
export function readIfExists(path: string | undefined): Uint8Array | undefined {
  return path && existsSync(path) ? readFileSync(path) : undefined;
}

type CircuitCfg = {
  id: bigint;
  allowDevKeys?: boolean;
  r1cs: string;
  wasm: string;
  deciderKey?: string;
  fetch?: { r1cs?: FileSource; wasm?: FileSource; deciderKey?: FileSource };
};
type Log = (e: Record<string, unknown>) => void;

/** Fetches the circuit's `.r1cs` (checked against `r1csHash`) and `.wasm` when they are not on disk. */
export async function ensureCircuitFiles(
  c: CircuitCfg,
  r1csHash: Hex,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<void> {
  if (!existsSync(c.r1cs) && c.fetch?.r1cs) {
    const bytes = await fetchFile(c.fetch.r1cs, via, maxBytes);
    await verifyR1cs(bytes, r1csHash, `${c.r1cs}.check`);
    writeAtomic(c.r1cs, bytes);
    log({ msg: "circuit fetched and verified", circuit: String(c.id), file: "r1cs", bytes: bytes.length });
  }
  if (!existsSync(c.wasm) && c.fetch?.wasm) {
    const bytes = await fetchFile(c.fetch.wasm, via, maxBytes);
    if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
      throw new TamperedArtefactError("fetched witness calculator is not WebAssembly", { details: String(c.id) });
    writeAtomic(c.wasm, bytes);
    log({ msg: "circuit fetched (wasm: checked by use)", circuit: String(c.id), file: "wasm", bytes: bytes.length });
  }
}

/**
 * A decider key of either version checked against the registered verifier: fetched when missing (size-capped)
 * and written atomically once it passes; a key on disk is re-checked unless its `.verified` marker (sha256 of
 * the file and the pin it was checked against: the v3 `vkeyHash`, the v2 verifier's registered code hash)
 * still matches. Returns undefined when the circuit has no `deciderKey` configured, or it is missing and no
 * source is given.
 */
async function ensureKey<K>(
  c: CircuitCfg,
  pinned: { pin: string; codehash: Hex; registeredCodehash: Hex },
  check: (bytes: Uint8Array, scratch: string) => Promise<K>,
  load: (path: string) => Promise<K>,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<K | undefined> {
  if (!c.deciderKey) return undefined;
  const marker = `${c.deciderKey}.verified`;
  let bytes = readIfExists(c.deciderKey);
  const fetched = !bytes;
  if (bytes) {
    const sha = createHash("sha256").update(bytes).digest("hex");
    try {
      const m = JSON.parse(readFileSync(marker, "utf8")) as { sha256?: string; pin?: string; vkeyHash?: string };
      if (m.sha256 === sha && (m.pin ?? m.vkeyHash)?.toLowerCase() === pinned.pin.toLowerCase()) {
        checkCode(pinned);
        return await load(c.deciderKey);
      }
    } catch (e) {
      if (e instanceof TamperedArtefactError) throw e;
    }
  } else {
    if (!c.fetch?.deciderKey) return undefined;
    bytes = await fetchFile(c.fetch.deciderKey, via, maxBytes);
  }
  // A scratch file of this process's own: concurrent processes sharing the cache never remove each other's.
  const t0 = performance.now();
  const k = await check(bytes, `${c.deciderKey}.${process.pid}.${randomBytes(6).toString("hex")}.check`);
  if (fetched) writeAtomic(c.deciderKey, bytes);
  writeAtomic(
    marker,
    new TextEncoder().encode(
      JSON.stringify({ sha256: createHash("sha256").update(bytes).digest("hex"), pin: pinned.pin }),
    ),
  );
  log({
    msg: fetched ? "decider key fetched and verified" : "decider key verified",
    circuit: String(c.id),
    bytes: bytes.length,
    checkMs: Math.round(performance.now() - t0),
  });
  return k;
}

/**
 * The circuit's decider v3 proving key (`.g16k`), checked against the registered verifier ({@link ensureKey}).
 */
export async function ensureDeciderKey(
  c: CircuitCfg,
  shape: R1csShape,
  srs: Srs,
  pins: () => Promise<DeciderPins>,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<G16ProvingKey | undefined> {
  if (!c.deciderKey) return undefined;
  const p = await pins();
  return ensureKey(
    c,
    { pin: p.vkeyHash, ...p },
    (bytes, scratch) => verifyDeciderKeyV3(bytes, shape, srs, p, scratch),
    readKeys,
    via,
    maxBytes,
    log,
  );
}

/**
 * The circuit's decider v2 proving key (the `.zkey` a phase-2 ceremony ends in), checked against the
 * registered v2 verifier ({@link verifyDeciderKeyV2}, {@link ensureKey}); the returned keys prove from the
 * configured path.
 */
export async function ensureDeciderKeyV2(
  c: CircuitCfg,
  shape: R1csShape,
  srs: Srs,
  pins: () => Promise<DeciderPinsV2>,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<DeciderKeys | undefined> {
  if (!c.deciderKey) return undefined;
  const path = c.deciderKey;
  const p = await pins();
  return ensureKey(
    c,
    { pin: p.registeredCodehash, ...p },
    async (bytes, scratch) => ({
      ...(await verifyDeciderKeyV2(bytes, shape, srs, p, scratch, { allowDevKeys: c.allowDevKeys, log })),
      zkeyPath: path,
    }),
    async (file) => {
      const z = readZkey(new Uint8Array(readFileSync(file)));
      const d = deciderV2Circuit(shape, z, false);
      if (!d) throw new TamperedArtefactError("the decider key on disk is not this circuit's", { details: file });
      return v2Keys(file, z.vkey, d.layout, shape);
    },
    via,
    maxBytes,
    log,
  );
}

/**
 * Resolves a circuit's decider key at start, by the registered verifier's version: v3 `.g16k` or v2 `.zkey`,
 * each checked against the chain (a key that fails throws: the node refuses to start, as for any circuit
 * file that does not match the chain). Without a key, decisions of the circuit need `allowDevKeys`: a
 * warning says so.
 */
export async function resolveDeciderKey(
  rt: CircuitRuntime,
  chain: Pick<MarketAdapter, "deciderPins" | "deciderPinsV2">,
  via: Fetcher | undefined,
  maxBytes: number,
  log: Log,
): Promise<void> {
  const c = rt.cfg;
  if (rt.deciderVersion === 3)
    rt.verifiedDeciderKey = await ensureDeciderKey(
      c,
      rt.shape,
      rt.srs,
      () => chain.deciderPins(c.id),
      via,
      maxBytes,
      log,
    );
  else {
    rt.verifiedDeciderKeysV2 = await ensureDeciderKeyV2(
      c,
      rt.shape,
      rt.srs,
      () => chain.deciderPinsV2(c.id),
      via,
      maxBytes,
      log,
    );
    // Dev keys made later (allowDevKeys) are checked against the registered verifier's code too.
    if (!rt.verifiedDeciderKeysV2 && c.allowDevKeys) rt.deciderPinsV2 = await chain.deciderPinsV2(c.id);
  }
  if (!rt.hasVerifiedDeciderKey && !c.allowDevKeys)
    log({
      level: "warn",
      msg: "no decider key: this circuit's decisions and dispute answers are refused (configure deciderKey)",
      circuit: String(c.id),
      deciderVersion: rt.deciderVersion,
    });
}
