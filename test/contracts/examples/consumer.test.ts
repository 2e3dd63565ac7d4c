/**
 * The app kit's Solidity consumer (contracts/examples/ProofConsumerExample.sol) on the real v2 market: it
 * requests a job (ETH fee, request built by prover/src/app/request.ts), the job runs to verification
 * (test/helpers/marketV2.ts drives the provers), and the market's callback delivers z_N to it. An attacker
 * cannot deliver a result itself, nor request on the owner's behalf.
 */
import assert from "node:assert/strict";
import { parseEventLogs } from "viem";
import { prepareRequest } from "../../../prover/src/app/request.js";
import { randomScalar } from "../../../prover/src/curve/bn254.js";
import { revertsExactly, v2Fixture } from "../../helpers/marketV2.js";

describe("ProofConsumerExample (app kit)", () => {
  it("requests a proof paying ETH, and receives z_N through onProofVerified when the job is verified", async () => {
    const f = await v2Fixture({ provers: 4 });
    const consumer = await f.viem.deployContract("ProofConsumerExample", [f.market.address]);
    const n = 4;
    const states = Array.from({ length: n + 1 }, () => [randomScalar()]);
    const prep = await prepareRequest({ states, circuitId: 1n, fee: 10n ** 16n, chunkLog: 1, requesterBondBps: 1000 });
    assert.equal(prep.value, 11n * 10n ** 15n, "fee + 10 % bond, in ETH");
    const receipt = await f.wait(await consumer.write.requestProof([prep.request], { value: prep.value }));
    const req = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "JobRequested" })[0];
    const jobId = req.args.jobId;
    assert.equal(req.args.requester.toLowerCase(), consumer.address.toLowerCase(), "the consumer is the requester");
    assert.equal(await consumer.read.pending([jobId]), true);
    assert.deepEqual(await consumer.read.result([jobId]), []);
    const ids = (kind: string) => prep.tasks.filter((t) => t.kind === kind).map((t) => t.id);
    const job = {
      jobId,
      states,
      manifest: prep.manifest,
      req: prep.request,
      receipt,
      chunks: ids("chunk"),
      merges: ids("merge"),
      chunkLog: 1,
      n,
    };
    // biome-ignore lint/suspicious/noExplicitAny: the fixture's job type is its own request()'s
    const done = await f.runAll(job as any);
    const cb = parseEventLogs({ abi: f.market.abi, logs: done.logs, eventName: "CallbackResult" });
    assert.equal(cb.length, 1);
    assert.equal(cb[0].args.success, true, "the callback ran within the market's gas cap");
    const got = parseEventLogs({ abi: consumer.abi, logs: done.logs, eventName: "ProofReceived" });
    assert.deepEqual(got[0].args.zOut, states[n]);
    assert.deepEqual(await consumer.read.result([jobId]), states[n]);
    assert.equal(await consumer.read.pending([jobId]), false);
  });

  it("an attacker cannot hand it a result, nor spend its owner's requests", async () => {
    const f = await v2Fixture({ provers: 2 });
    const consumer = await f.viem.deployContract("ProofConsumerExample", [f.market.address]);
    const attacker = f.outsiders[0];
    await revertsExactly(consumer.write.onProofVerified([1n, [42n]], { account: attacker }), "NotMarket");
    const states = Array.from({ length: 3 }, () => [randomScalar()]);
    const prep = await prepareRequest({ states, circuitId: 1n, fee: 10n ** 16n, chunkLog: 0 });
    await revertsExactly(
      consumer.write.requestProof([prep.request], { value: prep.value, account: attacker }),
      "NotOwner",
    );
    assert.deepEqual(await consumer.read.result([1n]), []);
  });
});
