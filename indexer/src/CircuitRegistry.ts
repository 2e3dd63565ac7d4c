/** CircuitRegistry events → `circuit` and the network's circuit count. */
import { ponder } from "ponder:registry";
import { circuit } from "ponder:schema";
import { addNetwork } from "../lib/aggregates.js";

ponder.on("CircuitRegistry:CircuitRegistered", async ({ event, context }) => {
  const { circuitId, owner, r1csHash, srsDigest, decider, nConstraints, nWitness, stateWidth, deciderConstraints } =
    event.args;
  await context.db.insert(circuit).values({
    id: circuitId,
    owner,
    r1csHash,
    srsDigest,
    decider,
    nConstraints,
    nWitness,
    stateWidth,
    deciderConstraints,
    jobCount: 0,
    registeredAt: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await addNetwork(context.db, event.block.timestamp, { circuits: 1 });
});
