import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { compileCircuit, readR1csHeader } from "../../../prover/src/circuits/compile.js";
import { computeWitness, stepInput, stepOutput } from "../../../prover/src/circuits/witness.js";
import { P } from "../../../prover/src/curve/bn254.js";
import {
  CircuitCompileError,
  CircuitConventionError,
  CircuitNotFoundError,
  StepInputError,
  WitnessError,
} from "../../../prover/src/errors/circuits.js";

const CUBIC = "prover/circuits/cubic.circom";

describe("circuits/compile", () => {
  let dir: string;
  let cacheDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "novanet-compile-"));
    cacheDir = join(dir, "cache");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `pragma circom 2.1.0;\n${body}\n`);
    return p;
  };

  it("compiles the cubic step circuit and reads its header", async () => {
    const c = await compileCircuit(CUBIC, { cacheDir });
    assert.equal(c.stateWidth, 1);
    assert.equal(c.nConstraints, 2);
    assert.equal(c.nVars, 4);
    assert.equal(c.nWitness, 1);
    const bytes = readFileSync(c.r1csPath);
    assert.equal(c.r1csHash, `0x${bytesToHex(keccak_256(bytes))}`);
    const h = readR1csHeader(bytes);
    assert.equal(h.prime, P);
    assert.equal(h.nOutputs, 1);
    assert.equal(h.nPubInputs, 1);
  });

  it("serves the second compile from the cache, and recompiles when a source changes", async () => {
    const p = write("inc_main.circom", 'include "inc_lib.circom";\ncomponent main { public [z_in] } = Step();');
    const lib = join(dir, "inc_lib.circom");
    writeFileSync(
      lib,
      "pragma circom 2.1.0;\ntemplate Step() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] * z_in[0]; }\n",
    );
    const a = await compileCircuit(p, { cacheDir });
    assert.deepEqual(a.sources, [p, lib]);
    const t = performance.now();
    const b = await compileCircuit(p, { cacheDir });
    assert.ok(performance.now() - t < 100, "cache hit should not run circom");
    assert.equal(b.key, a.key);
    writeFileSync(
      lib,
      "pragma circom 2.1.0;\ntemplate Step() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] * z_in[0] + 1; }\n",
    );
    const c = await compileCircuit(p, { cacheDir });
    assert.notEqual(c.key, a.key);
    assert.notEqual(c.r1csHash, a.r1csHash);
    assert.deepEqual(stepOutput(await computeWitness(c, [4n]), 1), [17n]);
  });

  it("two concurrent compiles of one circuit agree (the cache entry is renamed into place)", async () => {
    const p = write(
      "conc.circom",
      "template C() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] * z_in[0] * 1; }\ncomponent main { public [z_in] } = C();",
    );
    const [a, b] = await Promise.all([compileCircuit(p, { cacheDir }), compileCircuit(p, { cacheDir })]);
    assert.equal(a.key, b.key);
    assert.equal(a.r1csHash, b.r1csHash);
    assert.deepEqual(stepOutput(await computeWitness(b, [7n]), 1), [49n]);
  });

  it("resolves circomlib includes from node_modules", async () => {
    const p = write(
      "poseidon_step.circom",
      'include "circomlib/circuits/poseidon.circom";\n' +
        "template S() { signal input z_in[1]; signal output z_out[1]; component h = Poseidon(1); h.inputs[0] <== z_in[0]; z_out[0] <== h.out; }\n" +
        "component main { public [z_in] } = S();",
    );
    const c = await compileCircuit(p, { cacheDir });
    assert.equal(c.stateWidth, 1);
    assert.ok(c.sources.some((s) => s.endsWith("circomlib/circuits/poseidon.circom")));
    // Poseidon([1]) from circomlibjs' reference vectors.
    const w = await computeWitness(c, [1n]);
    assert.equal(stepOutput(w, 1)[0], 18586133768512220936620570745912940619677854269274689475585506675881198879027n);
  });

  it("reports circom's message for a circuit that does not compile", async () => {
    const p = write(
      "bad.circom",
      "template B() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] * ; }\ncomponent main { public [z_in] } = B();",
    );
    await assert.rejects(compileCircuit(p, { cacheDir }), (e: unknown) => {
      assert.ok(e instanceof CircuitCompileError);
      assert.match(e.shortMessage, /circom failed to compile bad\.circom/);
      assert.match(e.details ?? "", /error/i);
      return true;
    });
  });

  it("rejects a missing file", async () => {
    await assert.rejects(compileCircuit(join(dir, "nope.circom"), { cacheDir }), CircuitNotFoundError);
  });

  const violations: [string, string, RegExp][] = [
    [
      "private z_in",
      "template V() { signal input z_in[1]; signal output z_out[1]; z_out[0] <== z_in[0] * z_in[0]; }\ncomponent main = V();",
      /1 outputs but 0 public inputs/,
    ],
    [
      "widths differ",
      "template V() { signal input z_in[2]; signal output z_out[1]; z_out[0] <== z_in[0] * z_in[1]; }\ncomponent main { public [z_in] } = V();",
      /1 outputs but 2 public inputs/,
    ],
    [
      "no output",
      "template V() { signal input z_in[1]; signal t; t <== z_in[0] * z_in[0]; }\ncomponent main { public [z_in] } = V();",
      /no outputs/,
    ],
    [
      "extra private input",
      "template V() { signal input z_in[1]; signal input k; signal output z_out[1]; z_out[0] <== z_in[0] * k; }\ncomponent main { public [z_in] } = V();",
      /1 private inputs/,
    ],
    [
      "other names",
      "template V() { signal input a[1]; signal output b[1]; b[0] <== a[0] * a[0]; }\ncomponent main { public [a] } = V();",
      /main\.b\[0\], expected main\.z_out\[0\]/,
    ],
  ];
  for (const [what, body, msg] of violations) {
    it(`rejects a circuit without the state convention: ${what}`, async () => {
      const p = write(`conv_${what.replace(/\W/g, "_")}.circom`, body);
      await assert.rejects(compileCircuit(p, { cacheDir }), (e: unknown) => {
        assert.ok(e instanceof CircuitConventionError, String(e));
        assert.match(e.message, msg);
        return true;
      });
    });
  }
});

describe("circuits/witness", () => {
  let cacheDir: string;
  before(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "novanet-witness-"));
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("computes the full witness w = (1, z_out, z_in, private wires)", async () => {
    const c = await compileCircuit(CUBIC, { cacheDir });
    const w = await computeWitness(c, [3n]);
    assert.deepEqual(w, [1n, 35n, 3n, 9n]);
    assert.deepEqual(stepOutput(w, 1), [35n]);
    assert.deepEqual(stepInput(w, 1), [3n]);
    // Reusing the instance gives independent results; values wrap mod p.
    const big = P - 1n;
    const w2 = await computeWitness(c, [big]);
    assert.equal(w2[1], (((big * big) % P) * big + big + 5n) % P);
    assert.deepEqual(await computeWitness(c, [3n]), w);
  });

  it("rejects z_in of the wrong length or outside the field", async () => {
    const c = await compileCircuit(CUBIC, { cacheDir });
    await assert.rejects(computeWitness(c, []), StepInputError);
    await assert.rejects(computeWitness(c, [1n, 2n]), StepInputError);
    await assert.rejects(computeWitness(c, [P]), StepInputError);
    await assert.rejects(computeWitness(c, [-1n]), StepInputError);
  });

  it("reports a failing assert as a WitnessError", async () => {
    const dir = mkdtempSync(join(tmpdir(), "novanet-witness-src-"));
    try {
      const p = join(dir, "assert.circom");
      writeFileSync(
        p,
        "pragma circom 2.1.0;\ntemplate A() { signal input z_in[1]; signal output z_out[1]; assert(z_in[0] != 7); z_out[0] <== z_in[0] * z_in[0]; }\ncomponent main { public [z_in] } = A();\n",
      );
      const c = await compileCircuit(p, { cacheDir });
      assert.deepEqual(stepOutput(await computeWitness(c, [2n]), 1), [4n]);
      await assert.rejects(
        computeWitness(c, [7n]),
        (e: unknown) => e instanceof WitnessError && /assert/.test(e.message),
      );
      // The calculator still works after a failure.
      assert.deepEqual(stepOutput(await computeWitness(c, [3n]), 1), [9n]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
