/**
 * Helpers of the private-mode tests: a market on Hardhat's in-process chain with `F̂` registered (its
 * decider verifier made from the prover's own keys: `DeciderVerifierV3` with the v3 key words, or the v2
 * verifier generated from the snarkjs keys and compiled with solc), a JSON-RPC bridge that
 * serves that chain over HTTP on 127.0.0.1 (for `novanet submit --rpc`), and the attacker's search for
 * secret values in published bytes.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { network } from "hardhat";
import { type Abi, type Address, type Hex, hexToBytes } from "viem";
import { loadR1cs } from "../../../prover/src/arith/r1cs.js";
import { deployNetwork } from "../../../prover/src/chain/deploy.js";
import { loadSrsFromPtau, srsRegistration } from "../../../prover/src/commitment/srs.js";
import { g2ToEvm } from "../../../prover/src/curve/bn254.js";
import { deciderV3Keys } from "../../../prover/src/decider/bundleV3.js";
import { buildDecider } from "../../../prover/src/decider/circuit.js";
import { setupDecider } from "../../../prover/src/decider/setup.js";
import { exportDeciderVerifier } from "../../../prover/src/decider/solidity.js";
import { deciderV3Circuit } from "../../../prover/src/decider/v3.js";
import type { SubmitClients } from "../../../prover/src/private/submit.js";
import type { PrivateCircuit } from "../../../prover/src/private/wrapper.js";
import { deployNovaNet } from "../../helpers/deployV1.js";

const require = createRequire(import.meta.url);

function compileSolidity(source: string, name: string): { abi: Abi; bytecode: Hex } {
  const solc = require("solc") as { compile(input: string, opts: { import: (p: string) => unknown }): string };
  const file = `contracts/decider/generated/${name}.sol`;
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { [file]: { content: source } },
        settings: {
          optimizer: { enabled: true, runs: 200 },
          evmVersion: "cancun",
          outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
        },
      }),
      {
        import: (p: string) => {
          try {
            return { contents: readFileSync(p, "utf8") };
          } catch {
            return { error: `not found: ${p}` };
          }
        },
      },
    ),
  );
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length) throw new Error(errors[0].formattedMessage);
  const c = out.contracts[file][name];
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

/**
 * A fresh in-process chain with NovaNet deployed and `F̂` of `pc` registered as circuit 1 over the SRS of
 * `ptau`, with a decider verifier of version `decider` made from the prover's own dev keys in `cacheRoot`:
 * v3 (default) `DeciderVerifierV3` deployed with the words of `deciderV3Keys` (the keys `prove --private`
 * made and cached), or with `opts.v3Words` (a ceremony's key, as `circuit register --keys` deploys it); v2
 * the verifier exported from `D_F̂`'s snarkjs keys over `ptau`. The market is the v1 ProofMarket, or with
 * `opts.marketV2` market v2 (`deployNetwork`; `market` is then its address).
 */
export async function privateMarket(
  pc: PrivateCircuit,
  ptau: string,
  cacheRoot: string,
  decider: 2 | 3 = 3,
  opts: { v3Words?: bigint[]; marketV2?: boolean } = {},
) {
  const conn = await network.connect();
  const { viem } = conn;
  const publicClient = await viem.getPublicClient();
  const [owner, user, other] = await viem.getWalletClients();
  // biome-ignore lint/suspicious/noExplicitAny: Hardhat's extended viem clients are structurally viem clients.
  const clients = { publicClient: publicClient as any, walletClient: owner as any };
  // The v1 ProofMarket (transcript v1), or market v2 (`marketV2`: submitBundle and the optimistic proposeBundle).
  const addrs = opts.marketV2
    ? await deployNetwork(clients).then((d) => ({
        proofMarket: d.addresses.market,
        circuitRegistry: d.addresses.circuitRegistry,
      }))
    : await deployNovaNet(clients);
  const shape = await loadR1cs(pc.wrapped.r1csPath);
  const n = Math.max(shape.nW, shape.m, 1) + 1;
  const srs = await loadSrsFromPtau(ptau, n);
  let verifier: Address;
  let deciderConstraints: bigint;
  if (decider === 3) {
    const words = opts.v3Words ?? (await deciderV3Keys(shape, { cacheDir: cacheRoot })).words;
    const tau = g2ToEvm(srs.tauG2).flat() as [bigint, bigint, bigint, bigint];
    const v = await viem.deployContract("DeciderVerifierV3", [words, tau]);
    verifier = v.address;
    deciderConstraints = BigInt(deciderV3Circuit(shape).constraints.length);
  } else {
    const keys = await setupDecider(shape, ptau, { cacheDir: join(cacheRoot, "keys"), log: () => {} });
    const { abi, bytecode } = compileSolidity(
      await exportDeciderVerifier(keys, srs.tauG2, "PrivateDeciderVerifier"),
      "PrivateDeciderVerifier",
    );
    const hash = await owner.deployContract({ abi, bytecode });
    verifier = (await publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
    deciderConstraints = BigInt(buildDecider(shape).layout.nConstraints);
  }
  const registry = await viem.getContractAt("CircuitRegistry", addrs.circuitRegistry);
  await registry.write.registerCircuit([
    shape.r1csHash,
    BigInt(shape.m),
    BigInt(shape.nW),
    1,
    srsRegistration(srs),
    verifier,
    deciderConstraints,
  ]);
  const chainId = BigInt(await publicClient.getChainId());
  // biome-ignore lint/suspicious/noExplicitAny: Hardhat's extended viem clients are structurally viem clients.
  const userClients: SubmitClients = { publicClient: publicClient as any, walletClient: user as any };
  return {
    userClients,
    conn,
    publicClient,
    owner,
    user,
    other,
    market: addrs.proofMarket,
    circuitId: 1n,
    chainId,
    verifier,
  };
}

/** Serves an EIP-1193 provider as JSON-RPC over HTTP on 127.0.0.1 (a random port). */
export async function rpcBridge(provider: {
  request(a: { method: string; params?: unknown[] }): Promise<unknown>;
}): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const one = async (m: { id: unknown; method: string; params?: unknown[] }) => {
      try {
        return { jsonrpc: "2.0", id: m.id, result: await provider.request({ method: m.method, params: m.params }) };
      } catch (e) {
        const err = e as { code?: number; message?: string; data?: unknown };
        return { jsonrpc: "2.0", id: m.id, error: { code: err.code ?? -32000, message: err.message, data: err.data } };
      }
    };
    const msg = JSON.parse(body);
    const reply = Array.isArray(msg) ? await Promise.all(msg.map(one)) : await one(msg);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(reply, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  if (typeof addr !== "object" || addr === null) throw new Error("no address");
  return { url: `http://127.0.0.1:${addr.port}`, server };
}

/** Every decimal-string token of a JSON text (as values). */
export function decimalTokens(json: string): Set<bigint> {
  const out = new Set<bigint>();
  for (const m of json.matchAll(/"(0|[1-9][0-9]*)"/g)) out.add(BigInt(m[1]));
  for (const m of json.matchAll(/[:[,]\s*(0|[1-9][0-9]*)\s*[,\]}]/g)) out.add(BigInt(m[1]));
  return out;
}

/** Every 32-byte-aligned big-endian word of ABI-encoded bytes (calldata, log data, topics). */
export function abiWords(hex: Hex): Set<bigint> {
  const b = hexToBytes(hex);
  const out = new Set<bigint>();
  // Calldata starts with a 4-byte selector; scan both alignments.
  for (const start of [0, 4]) {
    for (let o = start; o + 32 <= b.length; o += 32) {
      let v = 0n;
      for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(b[o + i]);
      out.add(v);
    }
  }
  return out;
}

/** The secrets found among `published` (values below 2^64 are too common to count: constants, lengths). */
export function leaked(secrets: Iterable<bigint>, published: Set<bigint>): bigint[] {
  const out: bigint[] = [];
  for (const v of secrets) if (v >= 1n << 64n && published.has(v)) out.push(v);
  return out;
}
