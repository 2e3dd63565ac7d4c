/**
 * `novanet circuit verify` (docs/trust.md "Registry impersonation"): checks a circuit's on-chain
 * registration in CircuitRegistry against what the CALLER trusts, taking nothing from the registrant:
 *
 * 1. `r1csHash` equals the hash of the caller's own circuit (`--circuit`);
 * 2. `srsDigest` (computed by the registry from the registered `Srs`) equals the digest of an SRS the
 *    caller trusts: a ptau file pinned in the trust store (found in the caller's own folders) or the
 *    caller's `--ptau`; `n` is read from the `CircuitRegistered` event and the digest recomputed;
 * 3. the decider's live code hash equals the registry's `deciderCodehash`, and that code hash is one the
 *    caller trusts: a code hash the caller pins (`--decider-codehash`, or a trust store decider pin's
 *    `deciderCodehashes` for this circuit), or the keccak256 of the runtime code of the verifier RENDERED
 *    from a verification key the caller trusts (`--vkey`, or the vkey of a store decider pin for this
 *    circuit) with the project's own renderer (decider/solidity.ts `renderDeciderVerifier`, the one
 *    `verify --onchain` uses), the trusted SRS's `[τ]G2` and the caller's circuit's state width, compiled
 *    in-process by decider/bundle.ts `compileVerifier` (pinned solc, optimizer 200 runs, cancun, contract
 *    name {@link RENDERED_VERIFIER_NAME} unless told otherwise). The comparison is exact: solc's metadata
 *    hash at the end of the runtime code covers the source, file and contract names and the settings, so
 *    the deployed decider must be that very compiler output. The decider's own getters (`r1csHash()`,
 *    `vkeyHash()`) are self-reported and never used.
 *
 * 4. with a phase-2 ceremony (`--ceremony <dir>`): `D_F` is rebuilt from the caller's circuit (the way
 *    `setup` and `ceremony init` build it), the ceremony's latest zkey is re-verified against that `D_F`
 *    and the trusted SRS's `.ptau` (trust/ceremony.ts `ceremonyVerify`: snarkjs `zkey verify`, every
 *    contribution), its verification key is exported, and the decider must be exactly the verifier
 *    rendered from THAT key (only the ceremony's rendering trusts the decider then). A transcript that
 *    verifies but is a dev transcript (beacon only, one contribution) is refused unless `insecureDevKeys`.
 *
 * Verdict: `trusted` (all hold), `mismatch` (one fails), `unchecked` (the chain could not be read, the
 * caller trusts no decider code for this circuit, or the ceremony's keys are dev keys).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Address, type Hex, keccak256, type PublicClient } from "viem";
import { CircuitRegistryAbi } from "../../../indexer/abis/CircuitRegistry.js";
import { srsDigestOf } from "../commitment/srs.js";
import type { G2Affine } from "../curve/bn254.js";
import { compileVerifier } from "../decider/bundle.js";
import type { SnarkjsVkey } from "../decider/snarkjs.js";
import { snarkjs } from "../decider/snarkjs.js";
import { renderDeciderVerifier } from "../decider/solidity.js";
import { RegistryReadError, UntrustedSrsError } from "../errors/trust.js";
import { ceremonyVerify, EXPORTED_VERIFIER_NAME, readCeremony } from "./ceremony.js";
import { resolveSrs, type TrustStore, vkHash } from "./store.js";
import { checkDeployedV3, type TrustedDeciderKeyV3 } from "./v3.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export type RegistrationVerdict = "trusted" | "mismatch" | "unchecked";

export type RegistrationResult = {
  verdict: RegistrationVerdict;
  circuitId: bigint;
  /** One line per failed (mismatch) or impossible (unchecked) check. */
  reasons: string[];
  record?: { r1csHash: Hex; srsDigest: Hex; decider: Address; deciderCodehash: Hex; owner: Address; n?: bigint };
  /** The trusted SRS that matched (its store label, or the caller's `--ptau`). */
  srs?: { label: string; trust: string };
  /** What made the decider's code trusted: a pinned code hash, or the verifier rendered from a trusted vkey. */
  deciderTrustedBy?: string;
  /** keccak256 of the runtime code rendered and compiled from each trusted vkey (`--vkey`, store pins). */
  rendered?: { label: string; vkHash: Hex; codehash: Hex }[];
  /** The ceremony check (`--ceremony`). */
  ceremony?: CeremonyCheck;
};

/** The contract name under which `circuit verify` renders and compiles a trusted vkey's verifier by default. */
export const RENDERED_VERIFIER_NAME = EXPORTED_VERIFIER_NAME;

/** A verification key the caller trusts for this circuit, and the D_F variant it was made for. */
export type TrustedVkey = { vkey: SnarkjsVkey; vkHash: Hex; label: string; variant: "hashed" | "unhashed" };

export type RegistrationOptions = {
  registry: Address;
  circuitId: bigint;
  /** keccak256 of the caller's own `.r1cs`. */
  expectR1csHash: Hex;
  store: TrustStore;
  /** The caller's own `.ptau` (otherwise the store's pinned files). */
  ptau?: string;
  /** Decider runtime-code hashes the caller trusts (besides the store's pins for this circuit). */
  deciderCodehashes?: Hex[];
  /**
   * Decider verification keys the caller trusts (`--vkey`; the store's pins for this circuit are added
   * here): the verifier rendered from each is compiled and its runtime code hash trusted.
   */
  deciderVkeys?: TrustedVkey[];
  /** The caller's circuit's state width (rendered into the verifier); required with trusted vkeys. */
  stateWidth?: number;
  /** Contract name to render and compile under (default {@link RENDERED_VERIFIER_NAME}). */
  deciderName?: string;
  /**
   * A phase-2 ceremony folder (`novanet ceremony`) and the caller's own step circuit (`.circom`/`.r1cs`):
   * the decider must be the verifier of the key this transcript verifiably ends in.
   */
  ceremony?: { dir: string; circuit: string; cacheDir?: string; insecureDevKeys?: boolean };
  /**
   * Decider v3 keys the caller trusts (`--vkey <vkey-v3.json>`; the store's v3 pins for this circuit are
   * added, dev pins only with {@link insecureDevKeys}): a decider that is `DeciderVerifierV3`'s code with
   * one of these keys (trust/v3.ts `checkDeployedV3`) is trusted.
   */
  deciderVkeysV3?: TrustedDeciderKeyV3[];
  /** Accept the store's v3 pins of dev keys (`--insecure-dev-keys`). */
  insecureDevKeys?: boolean;
};

/** The compiled `DeciderVerifierV3` (Hardhat artifact): what `circuit register` deploys. */
function v3Artifact(): {
  deployedBytecode: Hex;
  immutableReferences: Record<string, { start: number; length: number }[]>;
} {
  const path = join(REPO, "artifacts", "contracts", "decider", "DeciderVerifierV3.sol", "DeciderVerifierV3.json");
  if (!existsSync(path)) {
    throw new RegistryReadError("DeciderVerifierV3's artifact is missing: run `npx hardhat build`", { details: path });
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

/** What the ceremony check found (`--ceremony`). */
export type CeremonyCheck = {
  dir: string;
  ok: boolean;
  kind?: "ceremony" | "insecure-dev";
  contributions?: number;
  beacon?: boolean;
  vkHash?: Hex;
  codehash?: Hex;
  reason?: string;
};

function firstLine(e: unknown): string {
  return (e instanceof Error ? ((e as { shortMessage?: string }).shortMessage ?? e.message) : String(e)).split("\n")[0];
}

/** Checks circuit `circuitId`'s registration; throws {@link RegistryReadError} when the chain cannot be read. */
export async function verifyRegistration(client: PublicClient, o: RegistrationOptions): Promise<RegistrationResult> {
  const reasons: string[] = [];
  let c: {
    r1csHash: Hex;
    srsDigest: Hex;
    decider: Address;
    deciderCodehash: Hex;
    owner: Address;
  };
  try {
    const code = await client.getCode({ address: o.registry });
    if (!code || code === "0x") throw new Error(`no contract at ${o.registry}`);
  } catch (cause) {
    throw new RegistryReadError("cannot read the circuit registry", { details: firstLine(cause), cause });
  }
  try {
    c = (await client.readContract({
      address: o.registry,
      abi: CircuitRegistryAbi,
      functionName: "getCircuit",
      args: [o.circuitId],
    })) as typeof c;
  } catch (cause) {
    if (/CircuitRegistryUnknownCircuit/.test(String(cause))) {
      return { verdict: "mismatch", circuitId: o.circuitId, reasons: [`no circuit ${o.circuitId} is registered`] };
    }
    throw new RegistryReadError("cannot read the circuit's registration", { details: firstLine(cause), cause });
  }
  const record: NonNullable<RegistrationResult["record"]> = {
    r1csHash: c.r1csHash,
    srsDigest: c.srsDigest,
    decider: c.decider,
    deciderCodehash: c.deciderCodehash,
    owner: c.owner,
  };
  // 1. The statement: the caller's F.
  if (c.r1csHash.toLowerCase() !== o.expectR1csHash.toLowerCase()) {
    reasons.push(`r1csHash ${c.r1csHash} is not the caller's circuit (${o.expectR1csHash})`);
  }
  // 2. The SRS: n from the registration event, the digest recomputed and matched to a trusted SRS.
  let srs: RegistrationResult["srs"];
  let srsPath: string | undefined;
  let logs: { args: { srs?: { n: bigint; powersHash: Hex; tauG2: readonly bigint[] } } }[];
  try {
    logs = (await client.getContractEvents({
      address: o.registry,
      abi: CircuitRegistryAbi,
      eventName: "CircuitRegistered",
      args: { circuitId: o.circuitId },
      fromBlock: 0n,
    })) as unknown as typeof logs;
  } catch (cause) {
    throw new RegistryReadError("cannot read the registration event", { details: firstLine(cause), cause });
  }
  const ev = logs[0]?.args.srs;
  if (!ev) throw new RegistryReadError("no CircuitRegistered event for this circuit (pruned node?)");
  record.n = ev.n;
  const [x1, x0, y1, y0] = ev.tauG2;
  // The registered [τ]G2 (the trusted SRS's own once the digests match) is rendered into the verifier.
  let tauG2 = { x: { c0: x0, c1: x1 }, y: { c0: y0, c1: y1 } } as G2Affine;
  const recomputed = srsDigestOf(ev.n, ev.powersHash, tauG2);
  if (recomputed !== c.srsDigest) {
    reasons.push(`srsDigest ${c.srsDigest} is not the digest of the registered Srs (${recomputed})`);
  } else if (ev.n > BigInt(Number.MAX_SAFE_INTEGER)) {
    reasons.push(`the registered SRS size n = ${ev.n} is absurd`);
  } else {
    try {
      const t = await resolveSrs(o.store, { n: Number(ev.n), digest: c.srsDigest }, o.ptau);
      if (t.digest !== c.srsDigest) {
        reasons.push(`srsDigest ${c.srsDigest} is not the digest of the caller's SRS (${t.digest}, ${t.label})`);
      } else {
        srs = { label: t.label, trust: t.trust };
        srsPath = t.path;
        tauG2 = t.srs.tauG2;
      }
    } catch (e) {
      if (!(e instanceof UntrustedSrsError)) throw e;
      reasons.push(`srsDigest ${c.srsDigest} (n ${ev.n}) is the digest of no SRS pinned in the trust store`);
    }
  }
  // 3. The decider: its live code is the registered code, and that code is one the caller trusts.
  let live: Hex;
  try {
    const code = await client.getCode({ address: c.decider });
    live = keccak256(code ?? "0x");
  } catch (cause) {
    throw new RegistryReadError("cannot read the decider's code", { details: firstLine(cause), cause });
  }
  const mine = (h: Hex) => h.toLowerCase() === o.expectR1csHash.toLowerCase();
  const pinned = new Map<string, string>();
  for (const h of o.deciderCodehashes ?? []) pinned.set(h.toLowerCase(), "--decider-codehash");
  for (const d of o.store.deciders.filter((d) => mine(d.stepR1csHash))) {
    for (const h of d.deciderCodehashes ?? []) pinned.set(h.toLowerCase(), `store pin "${d.label}"`);
  }
  // The verifier rendered from each trusted vkey, compiled in-process: its runtime code hash is trusted.
  const vkeys: TrustedVkey[] = [
    ...(o.deciderVkeys ?? []),
    ...o.store.deciders
      .filter((d) => mine(d.stepR1csHash))
      .map((d) => ({ vkey: d.vkey, vkHash: d.vkHash, label: `store pin "${d.label}"`, variant: d.variant })),
  ];
  const rendered: NonNullable<RegistrationResult["rendered"]> = [];
  if (vkeys.length > 0 && !/^0x[0-9a-fA-F]{64}$/.test(o.expectR1csHash)) {
    throw new RangeError(`not an r1csHash: ${o.expectR1csHash}`);
  }
  for (const k of vkeys) {
    if (o.stateWidth === undefined) throw new RangeError("a trusted vkey needs the circuit's stateWidth");
    const name = o.deciderName ?? RENDERED_VERIFIER_NAME;
    const source = renderDeciderVerifier(k.vkey, {
      name,
      stepR1csHash: o.expectR1csHash.toLowerCase(),
      variant: k.variant,
      stateWidth: o.stateWidth,
      tauG2,
    });
    const codehash = keccak256(compileVerifier(source, name).runtime);
    rendered.push({ label: k.label, vkHash: k.vkHash, codehash });
    if (!pinned.has(codehash)) pinned.set(codehash, `verifier rendered from ${k.label} (vkHash ${k.vkHash})`);
  }
  // Decider v3: the live code is DeciderVerifierV3's, with a trusted v3 key's immutables and key data.
  const v3why: string[] = [];
  for (const d of (o.store.decidersV3 ?? []).filter((d) => mine(d.stepR1csHash))) {
    for (const h of d.deciderCodehashes ?? []) pinned.set(h.toLowerCase(), `store v3 pin "${d.label}"`);
  }
  const v3keys: TrustedDeciderKeyV3[] = [
    ...(o.deciderVkeysV3 ?? []),
    ...(o.store.decidersV3 ?? [])
      .filter((d) => mine(d.stepR1csHash) && (d.kind === "ceremony" || o.insecureDevKeys))
      .map((d) => ({
        words: d.words.map(BigInt),
        vkHash: d.vkHash,
        label: `store v3 pin "${d.label}"`,
        trust: d.kind,
      })),
  ];
  if (v3keys.length > 0 && !o.ceremony) {
    const artifact = v3Artifact();
    for (const k of v3keys) {
      let chk: Awaited<ReturnType<typeof checkDeployedV3>>;
      try {
        chk = await checkDeployedV3(client, c.decider, k.words, tauG2, artifact);
      } catch (cause) {
        throw new RegistryReadError("cannot read the decider v3 verifier", { details: firstLine(cause), cause });
      }
      if (chk.ok) {
        if (!pinned.has(live)) pinned.set(live, `DeciderVerifierV3 of ${k.label} (vkHash ${k.vkHash})`);
        break;
      }
      v3why.push(`not the DeciderVerifierV3 of ${k.label}: ${chk.reason}`);
      if (!pinned.size) pinned.set(`v3:${k.vkHash}`, k.label);
    }
  }
  // 4. The ceremony: its transcript re-verified against D_F rebuilt from the caller's circuit and the
  // trusted SRS's ptau; the decider must be the verifier rendered from the key it ends in.
  let ceremony: CeremonyCheck | undefined;
  let devCeremony = false;
  if (o.ceremony) {
    ceremony = await checkCeremony(o, srsPath, tauG2);
    if (!ceremony.ok) reasons.push(`ceremony ${o.ceremony.dir}: ${ceremony.reason}`);
    else if (ceremony.kind !== "ceremony" && !o.ceremony.insecureDevKeys) {
      devCeremony = true;
      reasons.push(
        `ceremony ${o.ceremony.dir}: dev keys (${ceremony.reason}): its δ may be known; pass --insecure-dev-keys to accept them`,
      );
    }
  }
  let unchecked = false;
  let deciderTrustedBy: string | undefined;
  if (live !== c.deciderCodehash) {
    reasons.push(`the decider's code ${live} is not the code registered (${c.deciderCodehash})`);
  } else if (o.ceremony) {
    // With a ceremony, only the verifier of the ceremony's key is the decider the caller trusts (a
    // ceremony that did not verify has its reason above and trusts nothing).
    if (ceremony?.codehash !== undefined) {
      rendered.push({ label: `ceremony ${o.ceremony.dir}`, vkHash: ceremony.vkHash!, codehash: ceremony.codehash });
      if (live === ceremony.codehash) {
        deciderTrustedBy = `verifier rendered from ceremony ${o.ceremony.dir} (${ceremony.contributions} contributions${ceremony.beacon ? " + beacon" : ""}, ${ceremony.kind}, vkHash ${ceremony.vkHash})`;
      } else {
        reasons.push(
          `decider ${c.decider} (codehash ${live}) is not the verifier of the ceremony's key (vkHash ${ceremony.vkHash} renders to ${ceremony.codehash})`,
        );
      }
    }
  } else if (pinned.size === 0) {
    unchecked = true;
    reasons.push(
      `no trusted decider code hash or vkey for this circuit (decider codehash ${live}): pass --decider-codehash, --vkey, --ceremony or --trust`,
    );
  } else if (!pinned.has(live)) {
    const r = rendered.map((x) => `${x.label} renders to ${x.codehash}`).join(", ");
    const why = [r, ...v3why].filter(Boolean).join("; ");
    reasons.push(`decider ${c.decider} (codehash ${live}) is not a decider the caller trusts${why ? ` (${why})` : ""}`);
  } else deciderTrustedBy = pinned.get(live);
  const soft = (unchecked ? 1 : 0) + (devCeremony ? 1 : 0);
  const mismatch = reasons.length > soft;
  const verdict: RegistrationVerdict = mismatch ? "mismatch" : soft > 0 ? "unchecked" : "trusted";
  return { verdict, circuitId: o.circuitId, reasons, record, srs, deciderTrustedBy, rendered, ceremony };
}

/**
 * Re-verifies a ceremony against `D_F` rebuilt from the caller's circuit and the trusted SRS's ptau, then
 * renders and compiles the verifier of the key its transcript ends in (with the trusted `[τ]G2`).
 */
async function checkCeremony(
  o: RegistrationOptions,
  ptau: string | undefined,
  tauG2: G2Affine,
): Promise<CeremonyCheck> {
  const cer = o.ceremony!;
  const fail = (reason: string): CeremonyCheck => ({ dir: cer.dir, ok: false, reason });
  if (ptau === undefined) return fail("not checked: the registration's SRS is not one the caller trusts");
  let c: ReturnType<typeof readCeremony>;
  try {
    c = readCeremony(cer.dir);
  } catch (e) {
    return fail(firstLine(e));
  }
  if (c.stepR1csHash.toLowerCase() !== o.expectR1csHash.toLowerCase()) {
    return fail(`the ceremony is for step circuit ${c.stepR1csHash}, not the caller's ${o.expectR1csHash}`);
  }
  const v = await ceremonyVerify(cer.dir, { circuit: cer.circuit, ptau, cacheDir: cer.cacheDir });
  if (!v.ok) return fail(v.reason ?? "the transcript does not verify");
  const sj = await snarkjs();
  const vkey = (await sj.zKey.exportVerificationKey(v.zkey)) as SnarkjsVkey;
  const name = o.deciderName ?? RENDERED_VERIFIER_NAME;
  const source = renderDeciderVerifier(vkey, {
    name,
    stepR1csHash: o.expectR1csHash.toLowerCase(),
    variant: c.variant,
    stateWidth: o.stateWidth ?? c.stateWidth,
    tauG2,
  });
  const contributions = v.contributions.filter((x) => x.type === "contribution").length;
  return {
    dir: cer.dir,
    ok: true,
    kind: v.kind,
    contributions,
    beacon: v.contributions.at(-1)?.type === "beacon",
    vkHash: vkHash(vkey),
    codehash: keccak256(compileVerifier(source, name).runtime),
    ...(v.kind === "ceremony" ? {} : { reason: v.reason }),
  };
}
