/**
 * setupDecider with a powers of tau too small for D_F: a typed DeciderKeysError that says by how much,
 * raised before snarkjs runs — so that no `level:"error"` line ("circuit too big for this power of tau")
 * and no DEP0137 warning (snarkjs leaves its file handles to the garbage collector when it refuses) reach
 * the user; `novanet prove --decider v2` catches it and retries with a large enough dev ptau.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDevPtau } from "../../../prover/src/commitment/devsrs.js";
import { setupDecider } from "../../../prover/src/decider/setup.js";
import { DeciderKeysError } from "../../../prover/src/errors/decider.js";
import { testCircuit } from "../../helpers/prover.js";

describe("decider setup: a powers of tau too small for D_F", () => {
  it("is a typed error naming the sizes, with no error logged (snarkjs is not asked)", async () => {
    const { shape } = await testCircuit("cubic");
    const dir = mkdtempSync(join(tmpdir(), "novanet-setup-ptau-"));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const ptau = await ensureDevPtau(3, { cacheDir: join(".novanet", "ptau"), warn: () => {} });
      const logged: Record<string, unknown>[] = [];
      await assert.rejects(
        setupDecider(shape, ptau, {
          cacheDir: dir,
          log: (e) => logged.push(e),
        }),
        (e: unknown) =>
          e instanceof DeciderKeysError && /constraints \+ \d+ public > 2\^3/.test(e.details ?? "") && !!e.shortMessage,
      );
      assert.deepEqual(
        logged.filter((e) => e.level === "error"),
        [],
      );
      assert.deepEqual(warnings, []);
    } finally {
      process.off("warning", onWarning);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
