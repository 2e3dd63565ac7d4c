/**
 * `novanet circuit verify <circuitId> --rpc <url> --registry <address> --circuit <step.circom|.r1cs>`:
 * checks a circuit's on-chain registration against what the caller trusts (trust/registration.ts) and
 * prints one typed verdict line. Exit 0 trusted, 1 mismatch, 2 could not check.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, type Hex, http, isAddress, keccak256, type PublicClient } from "viem";
import { loadR1cs } from "../arith/r1cs.js";
import { compileCircuit } from "../circuits/compile.js";
import { terminateSnarkjsCurve } from "../decider/snarkjs.js";
import { BaseError } from "../errors/base.js";
import { InputFileError, UsageError } from "../errors/cli.js";
import { type TrustedVkey, verifyRegistration } from "../trust/registration.js";
import { assertKeyAllowed, loadTrustStore, resolveDeciderKey } from "../trust/store.js";
import { isVkeyV3File, resolveDeciderKeyV3 } from "../trust/v3.js";

export const CIRCUIT_USAGE = `  novanet circuit verify <circuitId> --rpc <url> --registry <address> --circuit <step.circom|.r1cs>
                [--ptau <file.ptau>] [--ptau-dir <dir>]... [--trust <store.json>]... [--decider-codehash <0x…>]...
                [--vkey <vkey.json>]... [--ceremony <dir> [--insecure-dev-keys]] [--decider-name <Name>] [--json]
                (exit 0 trusted / 1 mismatch / 2 could not check; docs/trust.md)
`;

type Io = { out: (s: string) => void; err: (s: string) => void };

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** The caller's circuit: the keccak256 of its `.r1cs` and its state width. */
async function r1csOf(circuit: string, cache?: string): Promise<{ hash: Hex; stateWidth: number }> {
  const path = circuit.endsWith(".r1cs")
    ? circuit
    : (await compileCircuit(circuit, { cacheDir: join(resolve(cache ?? ".novanet"), "circuits") })).r1csPath;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new InputFileError("cannot read the --circuit .r1cs file", { details: path, cause });
  }
  try {
    return { hash: keccak256(bytes), stateWidth: (await loadR1cs(bytes)).s };
  } catch (cause) {
    throw new InputFileError("the --circuit .r1cs file is not a step circuit's R1CS", { details: path, cause });
  }
}

export async function circuitCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "verify") throw new UsageError(`unknown circuit subcommand ${sub ?? "(none)"}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      rpc: { type: "string" },
      registry: { type: "string" },
      circuit: { type: "string" },
      ptau: { type: "string" },
      "ptau-dir": { type: "string", multiple: true },
      trust: { type: "string", multiple: true },
      "decider-codehash": { type: "string", multiple: true },
      vkey: { type: "string", multiple: true },
      "decider-name": { type: "string" },
      ceremony: { type: "string" },
      "insecure-dev-keys": { type: "boolean", default: false },
      cache: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1 || !/^[0-9]+$/.test(positionals[0])) {
    throw new UsageError("circuit verify takes one decimal circuit id");
  }
  if (!values.rpc || !values.registry || !values.circuit) {
    throw new UsageError("circuit verify needs --rpc, --registry and --circuit");
  }
  if (!isAddress(values.registry)) throw new UsageError("--registry is not an address", { details: values.registry });
  const codehashes = values["decider-codehash"] ?? [];
  for (const h of codehashes) if (!HEX32.test(h)) throw new UsageError("--decider-codehash must be 32 bytes of 0x-hex");
  const name = values["decider-name"];
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError("--decider-name is not a Solidity identifier", { details: name });
  }
  const circuit = await r1csOf(values.circuit, values.cache);
  const expect = circuit.hash;
  const store = loadTrustStore({ stores: values.trust, ptauDirs: values["ptau-dir"] });
  // The caller's own keys (`--vkey`), taken as the hashed D_F variant (the one bundles use).
  // A v3 key file (`vkey-v3.json`) must be a pinned ceremony key unless --insecure-dev-keys.
  const vkeyFiles = values.vkey ?? [];
  const vkeysV3 = vkeyFiles.filter(isVkeyV3File).map((f) => {
    const k = resolveDeciderKeyV3(store.decidersV3 ?? [], expect, f);
    assertKeyAllowed(
      { vkey: undefined as never, vkHash: k.vkHash, label: k.label, trust: k.trust },
      values["insecure-dev-keys"] ?? false,
    );
    return k;
  });
  const vkeys: TrustedVkey[] = vkeyFiles
    .filter((f) => !isVkeyV3File(f))
    .map((f) => {
      const k = resolveDeciderKey(store, expect, "hashed", f);
      return { vkey: k.vkey, vkHash: k.vkHash, label: k.label, variant: "hashed" };
    });
  const client = createPublicClient({ transport: http(values.rpc, { retryCount: 0, timeout: 10_000 }) });
  let r: Awaited<ReturnType<typeof verifyRegistration>>;
  try {
    r = await verifyRegistration(client as PublicClient, {
      registry: values.registry,
      circuitId: BigInt(positionals[0]),
      expectR1csHash: expect,
      store,
      ptau: values.ptau,
      deciderCodehashes: codehashes as Hex[],
      deciderVkeys: vkeys,
      deciderVkeysV3: vkeysV3,
      insecureDevKeys: values["insecure-dev-keys"],
      stateWidth: circuit.stateWidth,
      deciderName: name,
      ceremony:
        values.ceremony === undefined
          ? undefined
          : {
              dir: values.ceremony,
              circuit: values.circuit,
              cacheDir: values.cache,
              insecureDevKeys: values["insecure-dev-keys"],
            },
    });
  } catch (e) {
    if (!(e instanceof BaseError)) throw e;
    await terminateSnarkjsCurve();
    if (values.json) {
      io.out(
        `${JSON.stringify({ verdict: "unchecked", circuitId: positionals[0], error: e.name, reason: e.message })}\n`,
      );
    } else
      io.out(`circuit ${positionals[0]}: UNCHECKED: ${e.name}: ${e.message}${e.details ? ` (${e.details})` : ""}\n`);
    return 2;
  }
  await terminateSnarkjsCurve();
  if (r.ceremony?.ok && r.ceremony.kind !== "ceremony" && !values.json) {
    io.err(`\n*** INSECURE DEV KEYS: the ceremony's keys are dev keys (${r.ceremony.reason}) ***\n\n`);
  }
  if (values.json) {
    io.out(`${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`);
  } else if (r.verdict === "trusted") {
    io.out(
      `circuit ${r.circuitId}: TRUSTED: r1csHash ${r.record?.r1csHash}, SRS ${r.srs?.label} (${r.srs?.trust}), decider ${r.record?.decider} codehash ${r.record?.deciderCodehash} (${r.deciderTrustedBy})\n`,
    );
  } else {
    io.out(`circuit ${r.circuitId}: ${r.verdict === "mismatch" ? "MISMATCH" : "UNCHECKED"}: ${r.reasons.join("; ")}\n`);
  }
  return r.verdict === "trusted" ? 0 : r.verdict === "mismatch" ? 1 : 2;
}
