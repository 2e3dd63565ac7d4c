import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { INDEXED_CONTRACTS, renderAbiFile } from "../../scripts/abis.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("indexer/abis (generated from the Hardhat artifacts by `npm run abis`)", () => {
  for (const name of INDEXED_CONTRACTS) {
    it(`indexer/abis/${name}.ts is current`, () => {
      const committed = readFileSync(path.join(root, "indexer", "abis", `${name}.ts`), "utf8");
      assert.ok(
        committed === renderAbiFile(name),
        `indexer/abis/${name}.ts differs from artifacts/contracts/${name}.sol/${name}.json: run \`npm run abis\``,
      );
    });
  }

  it("every event of the contracts' interfaces is in the indexed ABIs", async () => {
    const interfaces: Record<string, string> = {
      ProverRegistry: "IProverRegistry",
      CircuitRegistry: "ICircuitRegistry",
      ProofMarket: "IProofMarket",
      RewardSplitter: "IRewardSplitter",
    };
    for (const [name, iface] of Object.entries(interfaces)) {
      const artifact = JSON.parse(
        readFileSync(path.join(root, "artifacts", "contracts", "interfaces", `${iface}.sol`, `${iface}.json`), "utf8"),
      ) as { abi: { type: string; name?: string }[] };
      const module = (await import(`../../indexer/abis/${name}.js`)) as Record<
        string,
        { type: string; name?: string }[]
      >;
      const abi = module[`${name}Abi`]!;
      const events = new Set(abi.filter((item) => item.type === "event").map((item) => item.name));
      for (const item of artifact.abi.filter((entry) => entry.type === "event")) {
        assert.ok(events.has(item.name), `${name}Abi lacks the event ${item.name} of ${iface}`);
      }
    }
  });
});
