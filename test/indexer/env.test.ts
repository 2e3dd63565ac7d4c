import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadIndexerEnv } from "../../indexer/lib/env.js";
import { IndexerConfigError } from "../../prover/src/errors/indexer.js";

const ADDRESSES = {
  NOVANET_PROVER_REGISTRY: `0x${"11".repeat(20)}`,
  NOVANET_CIRCUIT_REGISTRY: `0x${"22".repeat(20)}`,
  NOVANET_PROOF_MARKET: `0x${"3A".repeat(20)}`,
};

describe("indexer/lib/env (the indexer's environment)", () => {
  it("defaults to a local chain and PGlite", () => {
    const env = loadIndexerEnv(ADDRESSES);
    assert.equal(env.rpcUrl, "http://127.0.0.1:8545");
    assert.equal(env.chainId, 31337);
    assert.equal(env.startBlock, 0);
    assert.equal(env.pollingMs, 1000);
    assert.equal(env.databaseUrl, undefined);
    assert.match(env.pgliteDir, /indexer\/\.ponder\/pglite$/);
    assert.equal(env.proofMarket, `0x${"3a".repeat(20)}`);
  });

  it("reads RPC, chain, start block, polling and DATABASE_URL", () => {
    const env = loadIndexerEnv({
      ...ADDRESSES,
      NOVANET_RPC_URL: "https://rpc.example:8545",
      NOVANET_CHAIN_ID: "11155111",
      NOVANET_START_BLOCK: "123",
      NOVANET_POLLING_MS: "250",
      DATABASE_URL: "postgresql://u@127.0.0.1:5432/db",
    });
    assert.deepEqual(
      [env.rpcUrl, env.chainId, env.startBlock, env.pollingMs, env.databaseUrl],
      ["https://rpc.example:8545", 11155111, 123, 250, "postgresql://u@127.0.0.1:5432/db"],
    );
  });

  it("takes addresses and the start block from a deployment file, the variables overriding it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "novanet-env-"));
    try {
      const file = path.join(dir, "deployment.json");
      writeFileSync(
        file,
        JSON.stringify({
          chainId: 31337,
          startBlock: 7,
          contracts: { ProverRegistry: `0x${"44".repeat(20)}`, CircuitRegistry: { address: `0x${"55".repeat(20)}` } },
          proofMarket: `0x${"66".repeat(20)}`,
        }),
      );
      const env = loadIndexerEnv({ NOVANET_DEPLOYMENT: file, NOVANET_PROOF_MARKET: `0x${"77".repeat(20)}` });
      assert.equal(env.proverRegistry, `0x${"44".repeat(20)}`);
      assert.equal(env.circuitRegistry, `0x${"55".repeat(20)}`);
      assert.equal(env.proofMarket, `0x${"77".repeat(20)}`);
      assert.equal(env.startBlock, 7);
      assert.throws(
        () => loadIndexerEnv({ NOVANET_DEPLOYMENT: file, NOVANET_CHAIN_ID: "1" }),
        (error: unknown) => error instanceof IndexerConfigError && /differs/.test(error.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the deployment file `novanet deploy` writes (v2: addresses.market, startBlock as a decimal string)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "novanet-env-"));
    try {
      const { DEFAULT_V2_PARAMS, writeDeployment } = await import("../../prover/src/chain/deploy.js");
      const file = path.join(dir, "deployment.json");
      const at = (b: string) => `0x${b.repeat(20)}` as `0x${string}`;
      writeDeployment(file, {
        version: 2,
        chainId: 31337,
        addresses: {
          market: at("11"),
          marketExtension: at("12"),
          proverRegistry: at("13"),
          circuitRegistry: at("14"),
          stakeToken: at("15"),
          chunksLibrary: at("16"),
        },
        startBlock: 42n,
        params: DEFAULT_V2_PARAMS,
        owner: at("17"),
      });
      const env = loadIndexerEnv({ NOVANET_DEPLOYMENT: file });
      assert.deepEqual(
        [env.proofMarket, env.proverRegistry, env.circuitRegistry, env.startBlock, env.chainId],
        [at("11"), at("13"), at("14"), 42, 31337],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves relative paths against INIT_CWD (where `npm run indexer` was started)", () => {
    const env = loadIndexerEnv({ ...ADDRESSES, INIT_CWD: "/srv/novanet", NOVANET_PGLITE_DIR: "data/pglite" });
    assert.equal(env.pgliteDir, "/srv/novanet/data/pglite");
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    [
      "a missing address",
      { NOVANET_PROVER_REGISTRY: ADDRESSES.NOVANET_PROVER_REGISTRY },
      /NOVANET_CIRCUIT_REGISTRY is not set/,
    ],
    [
      "a malformed address",
      { ...ADDRESSES, NOVANET_PROOF_MARKET: "0x1234" },
      /NOVANET_PROOF_MARKET must be a 20-byte hex address/,
    ],
    [
      "a non-integer start block",
      { ...ADDRESSES, NOVANET_START_BLOCK: "1e3" },
      /NOVANET_START_BLOCK must be an integer/,
    ],
    ["a negative chain id", { ...ADDRESSES, NOVANET_CHAIN_ID: "-1" }, /NOVANET_CHAIN_ID must be an integer/],
    ["a non-URL RPC", { ...ADDRESSES, NOVANET_RPC_URL: "localhost:8545" }, /NOVANET_RPC_URL must be/],
    ["a non-postgres DATABASE_URL", { ...ADDRESSES, DATABASE_URL: "mysql://x" }, /DATABASE_URL must be/],
    ["a missing deployment file", { NOVANET_DEPLOYMENT: "/nonexistent/deployment.json" }, /does not exist/],
  ];
  for (const [what, env, message] of bad) {
    it(`rejects ${what} with an IndexerConfigError`, () => {
      assert.throws(
        () => loadIndexerEnv(env),
        (error: unknown) => error instanceof IndexerConfigError && message.test(error.message),
      );
    });
  }
});
