import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentHash, decodeRootWitness, encodeWitness } from "../../../prover/src/cli/bundle.js";
import { main } from "../../../prover/src/cli/main.js";
import { verifyBundle } from "../../../prover/src/cli/verify.js";
import { P } from "../../../prover/src/curve/bn254.js";

const NODE = process.execPath;
const BIN = "prover/bin/novanet.js";
const cubic = (z: bigint) => (z * z * z + z + 5n) % P;

/** Runs the real CLI in a child process. */
function cli(args: string[]) {
  const r = spawnSync(NODE, [BIN, ...args], { encoding: "utf8", timeout: 900_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in-process, capturing its output. */
async function cliIn(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe("cli: novanet prove / verify (local mode)", function () {
  // The first prove makes a dev SRS and dev decider keys in a child process: minutes on a loaded machine.
  this.timeout(900_000);
  let dir: string;
  let cache: string;
  let bundle: string;
  let z0File: string;
  const STEPS = 5;
  let zN: bigint;
  /** The prover's own SRS and (dev) decider vkey, as `prove` printed them. */
  let ptau: string;
  let vkey: string;
  /** verify's trust arguments for the prover's own dev files. */
  const own = () => ["--ptau", ptau, "--vkey", vkey, "--insecure-dev-keys"];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "novanet-cli-"));
    cache = join(dir, "cache");
    bundle = join(dir, "cubic.bundle");
    z0File = join(dir, "z0.json");
    writeFileSync(z0File, JSON.stringify(["3"]));
    zN = 3n;
    for (let i = 0; i < STEPS; i++) zN = cubic(zN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the good bundle to tamper with. */
  const copy = (name: string) => {
    const p = join(dir, name);
    cpSync(bundle, p, { recursive: true });
    return p;
  };
  // biome-ignore lint/suspicious/noExplicitAny: tampering writes arbitrary shapes into the JSON
  const editJson = (b: string, f: (j: Record<string, any>) => void) => {
    const p = join(b, "bundle.json");
    const j = JSON.parse(readFileSync(p, "utf8"));
    f(j);
    writeFileSync(p, JSON.stringify(j));
  };

  it("prove (child process, dev SRS) writes a bundle and warns that the SRS is insecure", () => {
    const r = cli([
      "prove",
      "--circuit",
      "prover/circuits/cubic.circom",
      "--steps",
      String(STEPS),
      "--input",
      z0File,
      "--out",
      bundle,
      "--cache",
      cache,
      "--insecure-dev-keys",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /INSECURE DEV SRS/);
    assert.match(r.stderr, /INSECURE DEV KEYS/);
    assert.match(r.stderr, /"event":"leaf"/);
    assert.match(r.stderr, /"event":"fold"/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.steps, STEPS);
    assert.deepEqual(out.zN, [zN.toString()]);
    ptau = out.ptau;
    vkey = out.vkey;
    const bj = readFileSync(join(bundle, "bundle.json"), "utf8");
    // Nothing a verifier trusts travels in the bundle: no ptau path, no key, no verifier contract.
    assert.doesNotMatch(bj, /\.ptau|vkey\.json|\.sol"/);
  });

  it("verify --json (child process) names F, N, z0, zN and the trust labels, exit 0", () => {
    const r = cli(["verify", bundle, "--json", ...own()]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.valid, true);
    assert.equal(j.succinct, true);
    assert.equal(j.steps, STEPS);
    assert.deepEqual([j.z0, j.zN], [["3"], [zN.toString()]]);
    assert.equal(j.circuit.name, "cubic");
    assert.match(j.circuit.r1csHash, /^0x[0-9a-f]{64}$/);
    assert.equal(j.srs.trust, "unpinned");
    assert.equal(j.insecureDevSrs, true);
    assert.equal(j.insecureDevKeys, true);
    const human = cli(["verify", bundle, ...own()]);
    assert.equal(human.code, 0);
    assert.match(
      human.stdout,
      new RegExp(`^VALID: F = cubic \\(r1csHash 0x[0-9a-f]{64}\\), N = ${STEPS}, z0 = \\[3\\], zN = \\[${zN}\\]`),
    );
    assert.match(human.stdout, /the statement is about THIS R1CS/);
    assert.match(human.stderr, /not a pinned ceremony file/);
  });

  it("dev decider keys are refused without --insecure-dev-keys, and an unknown circuit has no pinned key (exit 2)", async () => {
    let r = await cliIn(["verify", bundle, "--ptau", ptau, "--vkey", vkey, "--quiet"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /DevKeysRefusedError/);
    r = await cliIn(["verify", bundle, "--ptau", ptau, "--quiet"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UntrustedDeciderKeyError/);
    r = await cliIn(proveArgsFor(join(dir, "never-dev")));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /DevKeysRefusedError/);
  });

  /** prove arguments without a decider choice (prove must refuse to make dev keys silently). */
  const proveArgsFor = (out: string) => [
    "prove",
    "--circuit",
    "prover/circuits/cubic.circom",
    "--steps",
    "2",
    "--input",
    z0File,
    "--out",
    out,
    "--cache",
    cache,
  ];

  it("verify of a tampered bundle (child process) exits 1", () => {
    const b = copy("tampered-zn");
    editJson(b, (j) => {
      j.zN = [(zN + 1n).toString()];
      j.leaves[STEPS - 1].zOut = j.zN;
    });
    const r = cli(["verify", b, "--json", ...own()]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.deepEqual(out.zN, [(zN + 1n).toString()]);
  });

  const tamper: [string, (b: string) => void, RegExp][] = [
    [
      "a leaf's state (x and zOut together)",
      (b) =>
        editJson(b, (j) => {
          j.leaves[1].zOut = ["7"];
          j.leaves[1].U.x[0] = "7";
        }),
      /continuity|hash|zOut|zIn/i,
    ],
    ["a leaf's cmW", (b) => editJson(b, (j) => (j.leaves[2].U.cmW = j.leaves[3].U.cmW)), /hash|root|fold/i],
    ["a fold's cmT", (b) => editJson(b, (j) => (j.folds[0].cmT = { x: "1", y: "2" })), /challenge|fold|root/i],
    ["a fold's r", (b) => editJson(b, (j) => (j.folds[1].r = "12345")), /challenge/],
    ["the root instance's u", (b) => editJson(b, (j) => (j.root.U.u = "2")), /root/],
    ["a leaf removed", (b) => editJson(b, (j) => j.leaves.pop()), /leaf per step/],
    ["z0", (b) => editJson(b, (j) => (j.z0 = ["4"])), /z0/],
    ["the domain", (b) => editJson(b, (j) => (j.domain.value = `0x${"11".repeat(32)}`)), /domain/],
    ["the SRS digest", (b) => editJson(b, (j) => (j.srs.digest = `0x${"22".repeat(32)}`)), /digest/],
    [
      "the circuit's r1cs",
      (b) => writeFileSync(join(b, "circuit.r1cs"), readFileSync("test/fixtures/circuits/mix2.r1cs")),
      /r1csHash/,
    ],
    [
      "one byte of the root witness blob",
      (b) => {
        const j = JSON.parse(readFileSync(join(b, "bundle.json"), "utf8"));
        const p = join(b, j.rootWitness.blob);
        const w = readFileSync(p);
        w[w.length - 40] ^= 1;
        writeFileSync(p, w);
      },
      /content hash/,
    ],
    [
      "the root witness, re-addressed consistently",
      (b) => {
        const p = join(b, "bundle.json");
        const j = JSON.parse(readFileSync(p, "utf8"));
        const wit = decodeRootWitness(readFileSync(join(b, j.rootWitness.blob)), 1, 2);
        wit.W[0] = (wit.W[0] + 1n) % P;
        const bytes = encodeWitness(wit);
        const h = contentHash(bytes);
        j.rootWitness = { ...j.rootWitness, hash: h, blob: `blobs/${h.slice(2)}.wit` };
        writeFileSync(join(b, j.rootWitness.blob), bytes);
        writeFileSync(p, JSON.stringify(j));
      },
      /does not satisfy/,
    ],
    ["a non-canonical value", (b) => editJson(b, (j) => (j.leaves[0].U.x[1] = P.toString())), /≥ p|malformed/],
  ];
  for (const [what, f, reason] of tamper) {
    it(`verify rejects a bundle with a changed ${what}`, async () => {
      const b = copy(`t-${what.replace(/\W+/g, "-")}`);
      f(b);
      const r = await verifyBundle(b, { ptau });
      assert.equal(r.valid, false);
      assert.match(r.reason ?? "", reason);
      const c = await cliIn(["verify", b, "--json", "--quiet", ...own()]);
      assert.equal(c.code, 1);
      assert.equal(JSON.parse(c.stdout).valid, false);
    });
  }

  it("the untouched bundle still verifies in-process (the tamper tests start from a valid bundle)", async () => {
    const r = await verifyBundle(copy("untouched"), { ptau });
    assert.equal(r.valid, true, r.reason);
    assert.deepEqual(r.zN, [zN]);
  });

  it("prove with --ptau uses that SRS; verify finds the pinned file by its pin, not by the bundle", async () => {
    const z = join(dir, "vm.json");
    writeFileSync(z, JSON.stringify(["2", "0"]));
    const out = join(dir, "vm.bundle");
    const r = await cliIn([
      "prove",
      "--circuit",
      "prover/circuits/vm_step.circom",
      "--steps",
      "3",
      "--input",
      z,
      "--out",
      out,
      "--ptau",
      "test/fixtures/ptau/dev-11.ptau",
      "--cache",
      cache,
      "--quiet",
      "--hiding",
      "--no-decider",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /INSECURE DEV SRS: this powers/);
    // Not found without a folder that holds a pinned file: the bundle names none.
    const none = await cliIn(["verify", out, "--json", "--quiet"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /UntrustedSrsError/);
    const v = await cliIn(["verify", out, "--json", "--quiet", "--ptau-dir", "test/fixtures/ptau"]);
    assert.equal(v.code, 0, v.stdout);
    const j = JSON.parse(v.stdout);
    assert.equal(j.valid, true);
    assert.equal(j.succinct, false);
    assert.equal(j.zN[1], "3");
    // The label is the trust store's: the committed dev-11 fixture is pinned as insecure-dev.
    assert.equal(j.srs.trust, "insecure-dev");
    assert.match(j.srs.label, /dev-11/);
    // A bundle without a decider proof is "not succinct": exit 1 for --onchain.
    const oc = await cliIn(["verify", out, "--json", "--quiet", "--ptau-dir", "test/fixtures/ptau", "--onchain"]);
    assert.equal(oc.code, 1);
    assert.match(JSON.parse(oc.stdout).reason, /not succinct/);
    // Verifying against another SRS fails (digest mismatch).
    const other = await cliIn(["verify", out, "--json", "--quiet", "--ptau", join(cache, "ptau", "dev-3.ptau")]);
    assert.equal(other.code, 1);
  });

  describe("bad input: typed errors, exit 2", () => {
    const proveArgs = (over: Record<string, string>) => {
      const a: Record<string, string> = {
        "--circuit": "prover/circuits/cubic.circom",
        "--steps": "2",
        "--input": z0File,
        "--out": join(dir, "never"),
        "--cache": cache,
        ...over,
      };
      return ["prove", ...Object.entries(a).flat(), "--no-decider"];
    };

    it("malformed input JSON", async () => {
      const f = join(dir, "bad.json");
      for (const body of ["[3", '["3", 4]', '{"z":"3"}', "[]", '["-1"]', `["${P}"]`, '["0x10"]']) {
        writeFileSync(f, body);
        const r = await cliIn(proveArgs({ "--input": f }));
        assert.equal(r.code, 2, body);
        assert.match(r.stderr, /InputFileError/, body);
      }
    });

    it("an input whose length is not the state width", async () => {
      const f = join(dir, "two.json");
      writeFileSync(f, '["1", "2"]');
      const r = await cliIn(proveArgs({ "--input": f }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /state width is 1/);
    });

    it("a circuit without the state convention", async () => {
      const f = join(dir, "noconv.circom");
      writeFileSync(
        f,
        "pragma circom 2.1.0;\ntemplate T() { signal input a; signal output b; b <== a * a; }\ncomponent main { public [a] } = T();\n",
      );
      const r = await cliIn(proveArgs({ "--circuit": f }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /CircuitConventionError/);
    });

    it("a circuit that does not compile, a missing circuit", async () => {
      const f = join(dir, "broken.circom");
      writeFileSync(f, "pragma circom 2.1.0;\ntemplate T() { signal input z_in[1] }\n");
      let r = await cliIn(proveArgs({ "--circuit": f }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /CircuitCompileError/);
      r = await cliIn(proveArgs({ "--circuit": join(dir, "missing.circom") }));
      assert.equal(r.code, 2);
      assert.match(r.stderr, /CircuitNotFoundError/);
    });

    it("usage errors", async () => {
      for (const args of [
        ["prove"],
        proveArgs({ "--steps": "0" }),
        proveArgs({ "--steps": "two" }),
        ["prove", "--bogus"],
        ["verify"],
        ["fly"],
        [],
      ]) {
        const r = await cliIn(args);
        assert.equal(r.code, 2, args.join(" "));
      }
    });

    it("verify of something that is not a bundle", async () => {
      const r = await cliIn(["verify", join(dir, "nothing-here")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /BundleFormatError/);
      const notJson = join(dir, "notjson");
      cpSync(bundle, notJson, { recursive: true });
      writeFileSync(join(notJson, "bundle.json"), "{");
      assert.equal((await cliIn(["verify", notJson])).code, 2);
    });

    it("a path the bundle names is never followed: no trusted SRS → exit 2, not VALID", async () => {
      // Before: verify loaded the .ptau at the bundle's srs.ptau and took "insecure" from the bundle.
      const b = copy("nosrs");
      editJson(b, (j) => {
        j.srs.ptau = ptau;
        j.srs.insecureDev = false;
      });
      const r = await cliIn(["verify", b]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /UntrustedSrsError/);
      renameSync(b, `${b}-done`);
    });

    it("a truncated --ptau is 'could not check' (exit 2), never valid:false", async () => {
      const t = join(dir, "truncated.ptau");
      writeFileSync(t, readFileSync(ptau).subarray(0, 5000));
      const r = await cliIn(["verify", bundle, "--json", "--quiet", "--ptau", t]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /PtauFormatError/);
      assert.equal(r.stdout, "");
    });
  });
});
