/**
 * The Solidity Fold library against the shared test vectors (test/vectors/fold-challenge.json, written by
 * the TypeScript folding engine's generator) and against the engine itself on random instances; every
 * field the challenge absorbs changes r; the tree helpers of Tasks follow the split rule of §7.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { network } from "hardhat";
import type { Address, Hex } from "viem";
import type { RelaxedInstance } from "../../../prover/src/arith/relaxed.js";
import { randomScalar } from "../../../prover/src/curve/bn254.js";
import { instanceAbi } from "../../../prover/src/decider/abi.js";
import { P } from "../../../prover/src/field/fr.js";
import { foldInstances } from "../../../prover/src/folding/nifs.js";
import { domainSeparator, foldChallenge, instanceHash } from "../../../prover/src/folding/transcript.js";
import { nodeId, splitPoint } from "../../../prover/src/folding/tree.js";
import { randomPoint } from "../../helpers/instances.js";
import { revertsWith } from "../../helpers/market.js";

const { viem } = await network.connect();

type G = { x: string; y: string };
type VInst = { cmW: G; cmE: G; u: string; x: string[] };
type Case = {
  name: string;
  domainInputs: { chainId: string; market: Address; r1csHash: Hex; srsDigest: Hex };
  domain: Hex;
  jobId: string;
  nodeId: string;
  U1: VInst;
  U2: VInst;
  cmT: G;
  r: string;
  U: VInst;
  instanceHash: { U1: Hex; U2: Hex; U: Hex };
};

const g = (p: G) => ({ x: BigInt(p.x), y: BigInt(p.y) });
const inst = (v: VInst): RelaxedInstance => ({ cmW: g(v.cmW), cmE: g(v.cmE), u: BigInt(v.u), x: v.x.map(BigInt) });

function randomInstance(s: number, leaf: boolean): RelaxedInstance {
  return {
    cmW: randomPoint(),
    cmE: leaf ? { x: 0n, y: 0n } : randomPoint(),
    u: leaf ? 1n : randomScalar(),
    x: Array.from({ length: 2 * s }, randomScalar),
  };
}

describe("Fold library", function () {
  this.timeout(300_000);
  let h: Awaited<ReturnType<typeof viem.deployContract<"FoldHarness">>>;
  before(async () => {
    h = await viem.deployContract("FoldHarness");
  });

  const cases = (JSON.parse(readFileSync("test/vectors/fold-challenge.json", "utf8")) as { cases: Case[] }).cases;
  for (const c of cases) {
    it(`matches the shared vector: ${c.name}`, async () => {
      const d = c.domainInputs;
      assert.equal(await h.read.domain([BigInt(d.chainId), d.market, d.r1csHash, d.srsDigest]), c.domain);
      const [U1, U2, U] = [inst(c.U1), inst(c.U2), inst(c.U)];
      const r = await h.read.challenge([
        c.domain,
        BigInt(c.jobId),
        BigInt(c.nodeId),
        instanceAbi(U1),
        instanceAbi(U2),
        g(c.cmT),
      ]);
      assert.equal(r, BigInt(c.r));
      assert.deepEqual(await h.read.fold([instanceAbi(U1), instanceAbi(U2), g(c.cmT), r]), instanceAbi(U));
      assert.equal(await h.read.instanceHash([instanceAbi(U1)]), c.instanceHash.U1);
      assert.equal(await h.read.instanceHash([instanceAbi(U)]), c.instanceHash.U);
    });
  }

  it("agrees with the TypeScript engine on random instances (challenge, fold, hash)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.boolean(), async (s, leaf1, leaf2) => {
        const U1 = randomInstance(s, leaf1);
        const U2 = randomInstance(s, leaf2);
        const cmT = randomPoint();
        const domain = domainSeparator({
          chainId: 31337n,
          market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
          r1csHash: `0x${"ab".repeat(32)}`,
          srsDigest: `0x${"cd".repeat(32)}`,
        });
        const id = nodeId(4, 8);
        const r = foldChallenge(domain, 7n, id, U1, U2, cmT);
        assert.equal(await h.read.challenge([domain, 7n, id, instanceAbi(U1), instanceAbi(U2), cmT]), r);
        assert.deepEqual(
          await h.read.fold([instanceAbi(U1), instanceAbi(U2), cmT, r]),
          instanceAbi(foldInstances(U1, U2, cmT, r)),
        );
        assert.equal(await h.read.instanceHash([instanceAbi(U1)]), instanceHash(U1));
      }),
      { numRuns: 12 },
    );
  });

  it("r changes with every absorbed field", async () => {
    const dom = (chainId: bigint, market: Address, r1: Hex, srs: Hex) => h.read.domain([chainId, market, r1, srs]);
    const m: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const r1: Hex = `0x${"11".repeat(32)}`;
    const sd: Hex = `0x${"22".repeat(32)}`;
    const base = await dom(1n, m, r1, sd);
    const domains = [
      await dom(2n, m, r1, sd),
      await dom(1n, "0x5fbdb2315678afecb367f032d93f642f64180aa4", r1, sd),
      await dom(1n, m, `0x${"12".repeat(32)}`, sd),
      await dom(1n, m, r1, `0x${"23".repeat(32)}`),
    ];
    assert.equal(new Set([base, ...domains]).size, 5);
    const U1 = randomInstance(2, false);
    const U2 = randomInstance(2, true);
    const T = randomPoint();
    const r = (d: Hex, j: bigint, id: bigint, a: RelaxedInstance, b: RelaxedInstance, t: { x: bigint; y: bigint }) =>
      h.read.challenge([d, j, id, instanceAbi(a), instanceAbi(b), t]);
    const r0 = await r(base, 1n, 2n, U1, U2, T);
    const bump = (v: bigint) => (v + 1n) % P;
    const variants = [
      ...domains.map((d) => r(d, 1n, 2n, U1, U2, T)),
      r(base, 2n, 2n, U1, U2, T),
      r(base, 1n, 3n, U1, U2, T),
      r(base, 1n, 2n, { ...U1, cmW: randomPoint() }, U2, T),
      r(base, 1n, 2n, { ...U1, cmE: randomPoint() }, U2, T),
      r(base, 1n, 2n, { ...U1, u: bump(U1.u) }, U2, T),
      r(base, 1n, 2n, { ...U1, x: [bump(U1.x[0]), ...U1.x.slice(1)] }, U2, T),
      r(base, 1n, 2n, { ...U1, x: [...U1.x.slice(0, 3), bump(U1.x[3])] }, U2, T),
      r(base, 1n, 2n, U1, { ...U2, cmW: randomPoint() }, T),
      r(base, 1n, 2n, U1, { ...U2, u: 2n }, T),
      r(base, 1n, 2n, U1, { ...U2, x: [bump(U2.x[0]), ...U2.x.slice(1)] }, T),
      r(base, 1n, 2n, U1, U2, randomPoint()),
      r(base, 1n, 2n, U2, U1, T),
    ];
    for (const v of await Promise.all(variants)) assert.notEqual(v, r0);
  });

  it("rejects instances of different widths and points off the curve", async () => {
    const U1 = randomInstance(1, true);
    const U2 = randomInstance(2, true);
    await revertsWith(h.read.fold([instanceAbi(U1), instanceAbi(U2), randomPoint(), 5n]), "FoldLengthMismatch");
    const U3 = randomInstance(1, true);
    await revertsWith(h.read.fold([instanceAbi(U1), instanceAbi(U3), { x: 1n, y: 3n }, 5n]), "Bn254PrecompileFailed");
  });

  it("Tasks tree helpers follow the split rule (split, path, parent)", async () => {
    for (const n of [1, 2, 3, 5, 7, 8, 13, 16, 33]) {
      const walk = async (a: number, c: number, path: bigint[]): Promise<void> => {
        const id = nodeId(a, c);
        assert.deepEqual([...(await h.read.pathTo([BigInt(n), id]))], [...path, id]);
        if (path.length) assert.equal(await h.read.parent([BigInt(n), id]), path[path.length - 1]);
        if (c - a < 2) return;
        const b = splitPoint(a, c);
        assert.equal(await h.read.split([BigInt(a), BigInt(c)]), BigInt(b));
        await walk(a, b, [...path, id]);
        await walk(b, c, [...path, id]);
      };
      await walk(0, n, []);
      assert.equal(await h.read.parent([BigInt(n), nodeId(0, n)]), (1n << 256n) - 1n);
    }
  });
});
