/**
 * Test helper: optimistic bundles for the indexer's tests. A second circuit (state width 1) is registered with
 * the test-only MockDeciderVerifier (it binds a "proof" to the exact root instance without proving
 * satisfiability: the market checks only the root's decider proof at a proposal, the folds on a challenge), and
 * bundles of random states and commitments are folded with the prover's own transcript-v2 code (jobId 0, as
 * `proposeBundle` and `challengeBundle` re-execute them), so that the posted root is the folds' root; a fraud
 * posts a different root (its own mock proof verifies, its folds do not give it).
 */
import type { Address, Hex } from "viem";
import { type BundleData, bundleRoot } from "../../../prover/src/chain/bundles.js";
import { G1_GENERATOR, g1Mul, randomScalar } from "../../../prover/src/curve/bn254.js";
import { domainSeparator } from "../../../prover/src/folding/transcript.js";
import { mockProof } from "../../helpers/mockProof.js";
import type { Network } from "./scenario-v2.js";

type G1 = { x: bigint; y: bigint };
export type Bundle = { n: number; data: BundleData; proof: ReturnType<typeof mockProof>; z0: bigint[]; zN: bigint[] };

const point = (): G1 => {
  const p = g1Mul(G1_GENERATOR, randomScalar());
  return { x: p.x, y: p.y };
};

/** Registers a circuit of state width 1 decided by MockDeciderVerifier; returns its id and fold domain. */
export async function registerMockCircuit(network: Network): Promise<{ circuitId: bigint; domain: Hex }> {
  const { viem } = network.connection;
  const owner = network.owner;
  const r1csHash = `0x${"0b".repeat(32)}` as Hex;
  const verifier = await viem.deployContract("MockDeciderVerifier", [r1csHash, 1n], { client: { wallet: owner } });
  const circuits = await viem.getContractAt("CircuitRegistry", network.addresses.circuitRegistry, {
    client: { wallet: owner },
  });
  // The registry checks the decider's [τ]G2 against the registered SRS's (the mock claims zeros).
  const srs = { n: 1n, powersHash: `0x${"02".repeat(32)}` as Hex, tauG2: await verifier.read.tauG2() };
  await network.wait(await circuits.write.registerCircuit([r1csHash, 4096n, 100n, 1, srs, verifier.address, 100_000n]));
  const circuitId = await circuits.read.circuitCount();
  const { srsDigest } = await circuits.read.getCircuit([circuitId]);
  const chainId = BigInt(await (await viem.getPublicClient()).getChainId());
  const domain = domainSeparator({ chainId, market: network.addresses.market as Address, r1csHash, srsDigest });
  return { circuitId, domain };
}

/**
 * A bundle of `n` leaves over random states and commitments, its root folded as the market re-executes it;
 * `fraud` posts a root whose `cmE` is not the folds' (the decider's mock proof is made for the posted root).
 */
export async function buildBundle(domain: Hex, n: number, fraud = false): Promise<Bundle> {
  const states = Array.from({ length: n + 1 }, () => randomScalar());
  const cmW = Array.from({ length: n }, point);
  const cmT = Array.from({ length: n - 1 }, point);
  const U = await bundleRoot({ states, cmW, cmT }, domain);
  const posted = {
    cmW: { x: U.cmW.x, y: U.cmW.y },
    cmE: fraud ? point() : { x: U.cmE.x, y: U.cmE.y },
    u: U.u,
    x: [...U.x],
  };
  const data: BundleData = { states, cmW, cmT, root: posted };
  return { n, data, proof: mockProof(posted), z0: [states[0]!], zN: [states[n]!] };
}
