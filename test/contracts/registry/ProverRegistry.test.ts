/**
 * ProverRegistry: profiles, staking, unbonding, slashing by the market only, every revert path, and the
 * sortition checked EXACTLY against a TypeScript model of the capacity classes and Fenwick trees (the
 * prover drawn for a seed is the one whose cumulative stake range contains `seed mod total`).
 * CircuitRegistry's revert paths are at the end.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { network } from "hardhat";
import { type Address, encodeAbiParameters, getAddress, keccak256, toHex } from "viem";
import { revertsWith } from "../../helpers/market.js";

const E18 = 10n ** 18n;
const MIN = 100n * E18;

async function fixture() {
  const { viem, networkHelpers } = await network.connect();
  const wallets = await viem.getWalletClients();
  const owner = getAddress(wallets[0].account.address);
  const market = getAddress(wallets[1].account.address); // an EOA playing the market
  const provers = wallets.slice(2).map((w) => getAddress(w.account.address));
  const token = await viem.deployContract("TestToken", ["Stake", "STK"]);
  const reg = await viem.deployContract("ProverRegistry", [token.address, MIN, 3600n, owner]);
  await reg.write.setMarket([market]);
  for (const p of provers) {
    await token.write.mint([p, 1_000_000n * E18]);
    await token.write.approve([reg.address, 2n ** 255n], { account: p });
  }
  return { viem, networkHelpers, token, reg, owner, market, provers };
}

/** Class of a capacity: floor((log2(cap) − 10) / 2), capped at 7. */
const classOf = (cap: bigint) => Math.min(7, Math.floor((cap.toString(2).length - 1 - 10) / 2));
const classCap = (c: number) => 1n << BigInt(10 + 2 * c);

describe("ProverRegistry", function () {
  this.timeout(300_000);

  it("registers, updates, stakes, unbonds and withdraws, with events and balances", async () => {
    const { reg, token, provers, networkHelpers } = await fixture();
    const p = provers[0];
    await reg.write.register(["0x1220abcd", 1n << 16n, true], { account: p });
    await reg.write.stake([150n * E18], { account: p });
    assert.equal(await reg.read.isStaked([p]), true);
    assert.equal(await reg.read.isEligible([p, 1n << 16n]), true); // class 3 guarantees 2^16
    assert.equal(await reg.read.isEligible([p, (1n << 16n) + 1n]), false);
    await reg.write.update(["0x1220ef", 1n << 20n, false], { account: p });
    const info = await reg.read.proverInfo([p]);
    assert.equal(info.peerId, "0x1220ef");
    assert.equal(info.maxConstraints, 1n << 20n);
    assert.equal(await reg.read.eligibleWeight([1n << 20n]), 150n * E18);
    await reg.write.requestUnstake([60n * E18], { account: p });
    assert.equal(await reg.read.isStaked([p]), false, "below the minimum: no longer staked");
    assert.equal(await reg.read.eligibleWeight([1n]), 0n, "and no sortition weight");
    await revertsWith(reg.write.withdraw({ account: p }), "ProverRegistryStillUnbonding");
    await networkHelpers.time.increase(3601);
    const before = await token.read.balanceOf([p]);
    await reg.write.withdraw({ account: p });
    assert.equal((await token.read.balanceOf([p])) - before, 60n * E18);
  });

  it("reverts with its custom errors", async () => {
    const { reg, provers, market } = await fixture();
    const [p, q] = provers;
    await revertsWith(reg.write.update(["0x12", 1n << 12n, false], { account: p }), "ProverRegistryNotRegistered");
    await revertsWith(reg.write.stake([1n], { account: p }), "ProverRegistryNotRegistered");
    await revertsWith(reg.write.requestUnstake([1n], { account: p }), "ProverRegistryNotRegistered");
    await revertsWith(reg.write.register(["0x", 1n << 12n, false], { account: p }), "ProverRegistryInvalidPeerId");
    await revertsWith(
      reg.write.register([toHex(new Uint8Array(129)), 1n << 12n, false], { account: p }),
      "ProverRegistryInvalidPeerId",
    );
    await revertsWith(reg.write.register(["0x12", 1023n, false], { account: p }), "ProverRegistryCapacityTooSmall");
    await reg.write.register(["0x12", 1n << 12n, false], { account: p });
    await revertsWith(
      reg.write.register(["0x12", 1n << 12n, false], { account: p }),
      "ProverRegistryAlreadyRegistered",
    );
    await revertsWith(reg.write.stake([0n], { account: p }), "ProverRegistryZeroAmount");
    await revertsWith(reg.write.requestUnstake([0n], { account: p }), "ProverRegistryZeroAmount");
    await revertsWith(reg.write.requestUnstake([1n], { account: p }), "ProverRegistryInsufficientStake");
    await revertsWith(reg.write.withdraw({ account: p }), "ProverRegistryNothingToWithdraw");
    await revertsWith(reg.write.slash([p, 1n, q, keccak256("0x")], { account: q }), "ProverRegistryOnlyMarket");
    await revertsWith(reg.write.setMarket([q]), "ProverRegistryInvalidMarket");
    await revertsWith(reg.write.setUnbondingDelay([1n], { account: p }), "OwnableUnauthorizedAccount");
    await revertsWith(reg.read.sample([1n, 1n]), "ProverRegistryNoEligibleProver");
    await reg.write.stake([MIN], { account: p });
    await revertsWith(reg.read.sample([1n, (1n << 12n) + 1n]), "ProverRegistryNoEligibleProver");
    assert.equal(await reg.read.sample([12345n, 1n << 12n]), p);
    void market;
  });

  it("slashes active stake first, then unbonding, only as much as there is, to the beneficiary", async () => {
    const { reg, token, provers, market } = await fixture();
    const [p, b] = provers;
    await reg.write.register(["0x12", 1n << 12n, false], { account: p });
    await reg.write.stake([300n * E18], { account: p });
    await reg.write.requestUnstake([100n * E18], { account: p });
    const before = await token.read.balanceOf([b]);
    await reg.write.slash([p, 250n * E18, b, keccak256("0x01")], { account: market });
    let i = await reg.read.proverInfo([p]);
    assert.equal(i.stake, 0n);
    assert.equal(i.unbonding, 50n * E18);
    await reg.write.slash([p, 80n * E18, b, keccak256("0x01")], { account: market });
    i = await reg.read.proverInfo([p]);
    assert.equal(i.unbonding, 0n);
    assert.equal((await token.read.balanceOf([b])) - before, 300n * E18, "slashed exactly what was there");
    assert.equal(await token.read.balanceOf([reg.address]), 0n);
  });

  it("sortition is exactly stake-weighted over the capacity classes that fit (model check)", async () => {
    const { reg, provers } = await fixture();
    // A TypeScript model: per class, slots in registration order with their weights.
    const slots: { who: Address; cls: number }[][] = Array.from({ length: 8 }, () => []);
    const weight = new Map<Address, bigint>();
    const caps = [1n << 10n, 1n << 12n, 1n << 12n, 1n << 15n, 1n << 16n, 1n << 20n, 1n << 24n, 1n << 30n, 1n << 11n];
    const stakes = [100n, 250n, 130n, 400n, 110n, 900n, 175n, 333n, 50n].map((s) => s * E18 + 17n);
    for (let i = 0; i < caps.length; i++) {
      const p = provers[i];
      await reg.write.register([`0x12${i.toString(16).padStart(2, "0")}`, caps[i], i % 2 === 0], { account: p });
      await reg.write.stake([stakes[i]], { account: p });
      slots[classOf(caps[i])].push({ who: p, cls: classOf(caps[i]) });
      weight.set(p, stakes[i] >= MIN ? stakes[i] : 0n);
    }
    // A prover moving to another class keeps its weight there (old slot emptied).
    await reg.write.update(["0x12ff", 1n << 22n, true], { account: provers[1] });
    slots[classOf(1n << 12n)] = slots[classOf(1n << 12n)].map((s) =>
      s.who === provers[1] ? { ...s, who: "0x0" as Address } : s,
    );
    slots[classOf(1n << 22n)].push({ who: provers[1], cls: classOf(1n << 22n) });
    const model = (seed: bigint, constraints: bigint): Address => {
      const first = [0, 1, 2, 3, 4, 5, 6, 7].find((c) => classCap(c) >= constraints) ?? 8;
      const totals = slots.map((ss) => ss.reduce((a, s) => a + (s.who === "0x0" ? 0n : weight.get(s.who)!), 0n));
      let value = seed % totals.slice(first).reduce((a, b) => a + b, 0n);
      for (let c = first; c < 8; c++) {
        if (value >= totals[c]) {
          value -= totals[c];
          continue;
        }
        for (const s of slots[c]) {
          const w = s.who === "0x0" ? 0n : weight.get(s.who)!;
          if (value < w) return s.who;
          value -= w;
        }
      }
      throw new Error("model: unreachable");
    };
    const sizes = [1n, 1n << 10n, 2000n, 1n << 12n, 1n << 14n, 1n << 16n, 1n << 20n, 1n << 22n, 1n << 24n];
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), fc.constantFrom(...sizes), async (seed, m) => {
        const got = await reg.read.sample([seed, m]);
        const want = model(seed, m);
        assert.equal(got, want);
        const { maxConstraints } = await reg.read.proverInfo([got]);
        assert.ok(maxConstraints >= m, "a drawn prover's capacity always fits");
      }),
      { numRuns: 150 },
    );
    // Boundary seeds: the first and last unit of every prover's range in the all-classes draw.
    let acc = 0n;
    for (let c = 0; c < 8; c++) {
      for (const s of slots[c]) {
        const w = s.who === "0x0" ? 0n : weight.get(s.who)!;
        if (w === 0n) continue;
        assert.equal(await reg.read.sample([acc, 1n]), s.who);
        assert.equal(await reg.read.sample([acc + w - 1n, 1n]), s.who);
        acc += w;
      }
    }
    assert.equal(await reg.read.eligibleWeight([1n]), acc);
  });
});

describe("ProverRegistry: snapshots (sampleAt)", function () {
  this.timeout(600_000);

  it("a draw at a past block is exactly the draw over that block's weights, whatever changed since (model check)", async () => {
    const { reg, provers, market, networkHelpers, viem } = await fixture();
    const pub = await viem.getPublicClient();
    type Slot = { who: Address };
    type State = { slots: Slot[][]; weight: Map<Address, bigint> };
    const cur: State = { slots: Array.from({ length: 8 }, () => []), weight: new Map() };
    const stakeOf = new Map<Address, bigint>();
    const classOfP = new Map<Address, number>();
    const snaps: { block: bigint; state: State }[] = [];
    const copy = (st: State): State => ({
      slots: st.slots.map((c) => c.map((x) => ({ ...x }))),
      weight: new Map(st.weight),
    });
    const sync = (p: Address) => {
      const s = stakeOf.get(p) ?? 0n;
      cur.weight.set(p, s >= MIN ? s : 0n);
    };
    const record = async () => snaps.push({ block: await pub.getBlockNumber(), state: copy(cur) });
    const model = (st: State, seed: bigint, constraints: bigint): Address | undefined => {
      const first = [0, 1, 2, 3, 4, 5, 6, 7].find((c) => classCap(c) >= constraints) ?? 8;
      const w = (s: Slot) => (s.who === "0x0" ? 0n : (st.weight.get(s.who) ?? 0n));
      const totals = st.slots.map((ss) => ss.reduce((a, s) => a + w(s), 0n));
      const sum = totals.slice(first).reduce((a, b) => a + b, 0n);
      if (sum === 0n) return undefined;
      let value = seed % sum;
      for (let c = first; c < 8; c++) {
        if (value >= totals[c]) {
          value -= totals[c];
          continue;
        }
        for (const s of st.slots[c]) {
          if (value < w(s)) return s.who;
          value -= w(s);
        }
      }
      throw new Error("model: unreachable");
    };
    const caps = [1n << 12n, 1n << 12n, 1n << 16n, 1n << 12n, 1n << 20n, 1n << 12n, 1n << 12n, 1n << 16n];
    let rng = 0x9e3779b9n;
    const rand = (n: number) => {
      rng = (rng * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return Number((rng >> 33n) % BigInt(n));
    };
    let registered = 0;
    // 60 operations, one block each: registrations (the capacity doubles several times), stakes, unstakes,
    // slashes (by the market), class moves. Several also in one block (automine off) at the end.
    for (let op = 0; op < 60; op++) {
      const kind = registered < 2 ? 0 : rand(6);
      if (kind === 0 && registered < caps.length) {
        const p = provers[registered];
        await reg.write.register(["0x12", caps[registered], false], { account: p });
        const c = classOf(caps[registered]);
        cur.slots[c].push({ who: p });
        classOfP.set(p, c);
        registered++;
      } else {
        const p = provers[rand(registered)];
        const s = stakeOf.get(p) ?? 0n;
        if (kind <= 2 || s === 0n) {
          const amt = BigInt(50 + rand(900)) * E18 + BigInt(rand(1000));
          await reg.write.stake([amt], { account: p });
          stakeOf.set(p, s + amt);
        } else if (kind === 3) {
          const amt = s / 2n + 1n;
          await reg.write.requestUnstake([amt], { account: p });
          stakeOf.set(p, s - amt);
        } else if (kind === 4) {
          const amt = BigInt(1 + rand(200)) * E18;
          await reg.write.slash([p, amt, market, keccak256("0x01")], { account: market });
          stakeOf.set(p, s > amt ? s - amt : 0n); // the model ignores unbonding (no weight)
        } else {
          const c = classOfP.get(p)!;
          const to = c === classOf(1n << 12n) ? 1n << 18n : 1n << 12n;
          await reg.write.update(["0x12", to, false], { account: p });
          cur.slots[c] = cur.slots[c].map((x) => (x.who === p ? { who: "0x0" as Address } : x));
          cur.slots[classOf(to)].push({ who: p });
          classOfP.set(p, classOf(to));
        }
      }
      for (const p of classOfP.keys()) sync(p);
      await record();
    }
    await networkHelpers.mine(1);
    const sizes = [1n, 1n << 12n, 1n << 14n, 1n << 18n, 1n << 20n];
    let checked = 0;
    for (const { block, state } of snaps) {
      for (let k = 0; k < 6; k++) {
        const seed = BigInt(keccak256(toHex(`${block}:${k}`)));
        const m = sizes[k % sizes.length];
        const want = model(state, seed, m);
        if (want === undefined) {
          await revertsWith(reg.read.sampleAt([seed, m, block]), "ProverRegistryNoEligibleProver");
          continue;
        }
        assert.equal(await reg.read.sampleAt([seed, m, block]), want, `block ${block}, seed ${k}, m ${m}`);
        checked++;
      }
      const total = state.slots
        .flat()
        .reduce((a, s) => a + (s.who === "0x0" ? 0n : (state.weight.get(s.who) ?? 0n)), 0n);
      assert.equal(await reg.read.eligibleWeightAt([1n, block]), total, `total at block ${block}`);
    }
    assert.ok(checked > 150, `checked ${checked} draws`);
    // The live draw is the latest snapshot's; a block not yet final is refused.
    const last = snaps[snaps.length - 1].state;
    for (let k = 0; k < 20; k++) {
      const seed = BigInt(keccak256(toHex(`live:${k}`)));
      assert.equal(await reg.read.sample([seed, 1n]), model(last, seed, 1n));
    }
    const now = await pub.getBlockNumber();
    await revertsWith(reg.read.sampleAt([1n, 1n, now + 1n]), "ProverRegistryFutureSnapshot");
    // Blocks before the registry's first stake: nobody to draw.
    await revertsWith(reg.read.sampleAt([1n, 1n, 1n]), "ProverRegistryNoEligibleProver");
  });

  it("several changes in one block: the snapshot of that block sees all of them, the block before none", async () => {
    const { reg, provers, networkHelpers, viem } = await fixture();
    const pub = await viem.getPublicClient();
    const [p, q] = provers;
    await reg.write.register(["0x12", 1n << 12n, false], { account: p });
    await reg.write.register(["0x12", 1n << 12n, false], { account: q });
    await reg.write.stake([MIN], { account: p });
    const before = await pub.getBlockNumber();
    await networkHelpers.mine(1);
    await viem.getTestClient().then((t) => t.setAutomine(false));
    const h1 = await reg.write.stake([5n * MIN], { account: q });
    const h2 = await reg.write.requestUnstake([MIN], { account: p });
    const h3 = await reg.write.stake([2n * MIN], { account: p });
    await networkHelpers.mine(1);
    await viem.getTestClient().then((t) => t.setAutomine(true));
    for (const h of [h1, h2, h3]) assert.equal((await pub.getTransactionReceipt({ hash: h })).status, "success");
    const b = (await pub.getTransactionReceipt({ hash: h3 })).blockNumber;
    await networkHelpers.mine(1);
    assert.equal(await reg.read.eligibleWeightAt([1n, before]), MIN, "before: p's stake only");
    assert.equal(await reg.read.eligibleWeightAt([1n, b]), 7n * MIN, "that block: every change in it");
    assert.equal(await reg.read.sampleAt([0n, 1n, before]), p);
    assert.equal(await reg.read.sampleAt([0n, 1n, b]), p, "p's slot first, 2·MIN");
    assert.equal(await reg.read.sampleAt([2n * MIN, 1n, b]), q);
  });

  it("a stake that does not fit a tree node (2^192) is refused with a typed error, nothing changed", async () => {
    const { reg, token, provers } = await fixture();
    const [p] = provers;
    await reg.write.register(["0x12", 1n << 12n, false], { account: p });
    await token.write.mint([p, 1n << 193n]);
    await reg.write.stake([MIN], { account: p });
    await revertsWith(reg.write.stake([(1n << 192n) - MIN], { account: p }), "SumTreeOverflow");
    assert.equal((await reg.read.proverInfo([p])).stake, MIN);
    assert.equal(await reg.read.eligibleWeight([1n]), MIN);
  });

  it("the unbonding delay and the minimum stake are bounded", async () => {
    const { reg, token, owner, viem } = await fixture();
    await revertsWith(reg.write.setUnbondingDelay([3599n]), "ProverRegistryInvalidParameter");
    await revertsWith(reg.write.setUnbondingDelay([180n * 86400n + 1n]), "ProverRegistryInvalidParameter");
    await reg.write.setUnbondingDelay([3600n]);
    await reg.write.setUnbondingDelay([180n * 86400n]);
    assert.equal(await reg.read.unbondingDelay(), 180n * 86400n);
    await revertsWith(
      viem.deployContract("ProverRegistry", [token.address, 0n, 3600n, owner]),
      "ProverRegistryInvalidParameter",
    );
    await revertsWith(
      viem.deployContract("ProverRegistry", [token.address, MIN, 0n, owner]),
      "ProverRegistryInvalidParameter",
    );
  });
});

describe("CircuitRegistry", function () {
  this.timeout(120_000);
  it("registers circuits and reverts with its custom errors", async () => {
    const { viem } = await network.connect();
    const circuits = await viem.deployContract("CircuitRegistry");
    const h = keccak256("0x01");
    const v = await viem.deployContract("MockDeciderVerifier", [h, 2n]);
    const srs = {
      n: 1024n,
      powersHash: keccak256("0x02"),
      tauG2: [0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint],
    };
    const args = (o: Partial<Record<string, unknown>> = {}) =>
      [
        o.h ?? h,
        o.m ?? 1000n,
        o.nw ?? 10n,
        o.s ?? 2,
        o.srs ?? srs,
        o.v ?? v.address,
        o.d ?? 5000n,
      ] as unknown as readonly [`0x${string}`, bigint, bigint, number, typeof srs, `0x${string}`, bigint];
    await revertsWith(circuits.read.getCircuit([1n]), "CircuitRegistryUnknownCircuit");
    await revertsWith(circuits.write.registerCircuit(args({ m: 0n })), "CircuitRegistryInvalidSize");
    await revertsWith(circuits.write.registerCircuit(args({ nw: 0n })), "CircuitRegistryInvalidSize");
    await revertsWith(circuits.write.registerCircuit(args({ s: 0 })), "CircuitRegistryInvalidSize");
    await revertsWith(circuits.write.registerCircuit(args({ s: 65 })), "CircuitRegistryInvalidSize");
    await revertsWith(circuits.write.registerCircuit(args({ d: 0n })), "CircuitRegistryInvalidSize");
    await revertsWith(
      circuits.write.registerCircuit(args({ v: "0x000000000000000000000000000000000000dEaD" })),
      "CircuitRegistryInvalidDecider",
    );
    await revertsWith(circuits.write.registerCircuit(args({ srs: { ...srs, n: 0n } })), "CircuitRegistryInvalidSrs");
    // The decider's [τ]G2 (the mock claims all-zero) must be the SRS's; a contract without tauG2() is refused too.
    await revertsWith(
      circuits.write.registerCircuit(args({ srs: { ...srs, tauG2: [1n, 2n, 3n, 4n] } })),
      "CircuitRegistryTauG2Mismatch",
    );
    await revertsWith(circuits.write.registerCircuit(args({ v: circuits.address })), "CircuitRegistryTauG2Mismatch");
    await circuits.write.registerCircuit(args());
    const c = await circuits.read.getCircuit([1n]);
    assert.equal(c.r1csHash, h);
    // srsDigest = keccak256(abi.encode(n, powersHash, tauG2)), the digest "trust" computes in TypeScript.
    const digest = keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "bytes32" }, { type: "uint256[4]" }],
        [srs.n, srs.powersHash, srs.tauG2],
      ),
    );
    assert.equal(c.srsDigest, digest);
    assert.equal(await circuits.read.srsDigest([srs]), digest);
    const code = await (await viem.getPublicClient()).getCode({ address: v.address });
    assert.equal(c.deciderCodehash, keccak256(code as `0x${string}`));
    assert.equal(c.stateWidth, 2);
    assert.equal(c.decider.toLowerCase(), v.address.toLowerCase());
    assert.equal(await circuits.read.circuitCount(), 1n);
  });

  it("impersonation: a decider that reports another circuit's R1CS hash gains nothing from it", async () => {
    const { viem } = await network.connect();
    const circuits = await viem.deployContract("CircuitRegistry");
    const victim = keccak256("0x01");
    const srs = {
      n: 1024n,
      powersHash: keccak256("0x02"),
      tauG2: [0n, 0n, 0n, 0n] as [bigint, bigint, bigint, bigint],
    };
    const genuine = await viem.deployContract("MockDeciderVerifier", [victim, 1n]);
    // The attacker's verifier (other code, other key) claims the victim's R1CS hash.
    const fake = await viem.deployContract("RejectingDeciderVerifier", [victim, 1n]);
    await circuits.write.registerCircuit([victim, 10n, 10n, 1, srs, genuine.address, 10n]);
    await circuits.write.registerCircuit([victim, 10n, 10n, 1, srs, fake.address, 10n]);
    const a = await circuits.read.getCircuit([1n]);
    const b = await circuits.read.getCircuit([2n]);
    // The registry never asked the decider: each record carries its own decider's code hash, so an app pinning
    // circuit 1 (or the genuine code hash) cannot be served circuit 2's verifier.
    assert.notEqual(a.deciderCodehash, b.deciderCodehash);
    assert.notEqual(a.decider, b.decider);
  });
});
