import assert from "node:assert/strict";
import { onPostgresUnavailable } from "./helpers/postgres.js";

describe("indexer PostgreSQL test: when PostgreSQL cannot start", () => {
  it("fails by default, and always in CI even when a skip is asked for", () => {
    assert.equal(onPostgresUnavailable({}), "fail");
    assert.equal(onPostgresUnavailable({ NOVANET_SKIP_POSTGRES: "true" }), "fail");
    for (const CI of ["true", "1", "yes"]) {
      assert.equal(onPostgresUnavailable({ CI, NOVANET_SKIP_POSTGRES: "1" }), "fail", `CI=${CI}`);
    }
  });

  it("skips only outside CI with NOVANET_SKIP_POSTGRES=1", () => {
    assert.equal(onPostgresUnavailable({ NOVANET_SKIP_POSTGRES: "1" }), "skip");
    assert.equal(onPostgresUnavailable({ CI: "false", NOVANET_SKIP_POSTGRES: "1" }), "skip");
    assert.equal(onPostgresUnavailable({ CI: "", NOVANET_SKIP_POSTGRES: "1" }), "skip");
  });
});
