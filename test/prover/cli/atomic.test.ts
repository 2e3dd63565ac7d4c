/**
 * Honest failure of `novanet prove`: the bundle is written atomically (a temporary folder renamed at
 * the end), so an interrupted run leaves no bundle; bad output paths are typed errors (exit 2).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBundleAtomically } from "../../../prover/src/cli/prove.js";
import { runCli as cli } from "../../helpers/cli.js";

describe("cli: prove writes its bundle atomically", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), "novanet-atomic-"));
  const z0 = join(dir, "z0.json");
  before(() => writeFileSync(z0, '["3"]'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const args = (out: string, steps = "2") => [
    "prove",
    "--circuit",
    "prover/circuits/cubic.circom",
    "--steps",
    steps,
    "--input",
    z0,
    "--out",
    out,
    "--ptau",
    "test/fixtures/ptau/dev-11.ptau",
    "--cache",
    join(dir, "cache"),
    "--no-decider",
    "--quiet",
  ];

  it("--out naming a file, or a non-empty folder that is not a bundle: OutputPathError, exit 2, nothing touched", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "keep me");
    let r = await cli(args(file));
    assert.equal(r.code, 2);
    assert.match(r.err, /OutputPathError: --out names a file/);
    const folder = join(dir, "photos");
    mkdirSync(folder);
    writeFileSync(join(folder, "cat.jpg"), "meow");
    r = await cli(args(folder));
    assert.equal(r.code, 2);
    assert.match(r.err, /OutputPathError: --out is a non-empty folder/);
    assert.deepEqual(readdirSync(folder), ["cat.jpg"]);
  });

  it("a run killed mid-way leaves no bundle at --out", async () => {
    const out = join(dir, "killed.bundle");
    const child = spawn(process.execPath, ["prover/bin/novanet.js", ...args(out, "64").filter((a) => a !== "--quiet")]);
    await new Promise<void>((res) => {
      child.stderr.on("data", (d: Buffer) => {
        if (/"event":"fold"/.test(d.toString())) {
          child.kill("SIGKILL");
          res();
        }
      });
      child.on("exit", () => res());
    });
    await new Promise((r) => child.on("close", r));
    assert.equal(existsSync(out), false, "no bundle after an interrupted run");
    assert.equal(existsSync(join(out, "bundle.json")), false);
  });

  it("a failure inside the run removes the temporary folder and leaves an earlier bundle in place", async () => {
    const out = join(dir, "kept.bundle");
    assert.equal((await cli(args(out))).code, 0);
    await assert.rejects(
      writeBundleAtomically(out, async (tmp) => {
        mkdirSync(tmp);
        writeFileSync(join(tmp, "bundle.json"), "{half");
        throw new Error("disk full");
      }),
      /disk full/,
    );
    assert.ok(existsSync(join(out, "bundle.json")));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes(".partial-")),
      [],
    );
    // Re-proving over an existing bundle replaces it.
    assert.equal((await cli(args(out))).code, 0);
  });
});
