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
      Market: "IMarket",
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

  it("docs/events.md has a table row for every event of the indexed ABIs (the v2 market's in its section)", async () => {
    const doc = readFileSync(path.join(root, "docs", "events.md"), "utf8");
    const eventsOf = async (name: string) => {
      const module = (await import(`../../indexer/abis/${name}.js`)) as Record<
        string,
        { type: string; name?: string }[]
      >;
      return module[`${name}Abi`]!.filter((item) => item.type === "event").map((item) => item.name!);
    };
    const row = (text: string, event: string) => text.includes(`\n| \`${event}\` |`);
    for (const name of INDEXED_CONTRACTS) {
      for (const event of await eventsOf(name)) {
        assert.ok(row(doc, event), `docs/events.md lacks a row for ${name}'s event ${event}`);
      }
    }
    const start = doc.indexOf("\n## Market (v2)");
    assert.ok(start >= 0, "docs/events.md lacks its Market (v2) section");
    const end = doc.indexOf("\n## ", start + 1);
    const section = doc.slice(start, end < 0 ? undefined : end);
    const inherited = new Set([...(await eventsOf("RewardSplitter")), "OwnershipTransferred"]);
    for (const event of await eventsOf("Market")) {
      if (inherited.has(event)) continue;
      assert.ok(row(section, event), `docs/events.md's Market (v2) section lacks a row for ${event}`);
    }
  });
});
