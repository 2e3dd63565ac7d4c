import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254.js";
import { main } from "../../../prover/src/cli/main.js";
import { SOFTWARE_ADAPTER } from "../../../prover/src/gpu/capacity.js";
import { defaultFoldBackend } from "../../../prover/src/gpu/select.js";
import {
  backendMatches,
  CALIBRATION_FILE,
  calibrationKey,
  gpuDeviceNodes,
  type ProvingSetup,
  prepareNodeProving,
  prepareProving,
} from "../../../prover/src/gpu/startup.js";
import { defaultMsmBackend, setDefaultMsmBackend } from "../../../prover/src/msm/default.js";
import { g1ToLem } from "../../../prover/src/msm/lem.js";
import { probeNodeGpu } from "../../../prover/src/msm/webgpu/node.js";
import { itIfAvailable } from "../../helpers/optional.js";

const probe = await probeNodeGpu();
const itGpu = itIfAvailable("reason" in probe ? probe.reason : undefined);

/** Back to the CPU default (a cache that says cpu, followed). */
async function adoptCpuForTheRest(): Promise<void> {
  const d = mkdtempSync(join(tmpdir(), "novanet-startup-cpu-"));
  writeFileSync(
    join(d, CALIBRATION_FILE),
    JSON.stringify({ v: 1, key: calibrationKey(undefined), use: "cpu", capacity: {} }),
  );
  await prepareProving({ cacheDir: d, choice: "" });
  rmSync(d, { recursive: true, force: true });
}

/** An MSM through whatever the process default is, against noble. */
async function checkDefaultMsm(): Promise<string> {
  const n = 40;
  const pts = new Uint8Array(64 * n);
  const sc = new Uint8Array(32 * n);
  let want = bn254.G1.Point.ZERO;
  for (let i = 0; i < n; i++) {
    const p = bn254.G1.Point.BASE.multiply(BigInt(i + 2));
    const a = p.toAffine();
    g1ToLem({ x: a.x, y: a.y }, pts, 64 * i);
    const s = BigInt(i * 7919 + 1) ** 3n;
    for (let j = 0; j < 32; j++) sc[32 * i + j] = Number((s >> BigInt(8 * j)) & 0xffn);
    want = want.add(p.multiply(s));
  }
  const b = await defaultMsmBackend();
  const got = await b.msm(pts, sc);
  const w = want.toAffine();
  assert.equal(got.x, w.x);
  assert.equal(got.y, w.y);
  return b.name;
}

describe("gpu/startup: the backends a node or `novanet prove` uses (NOVANET_MSM, cached calibration)", function () {
  this.timeout(900_000);
  const saved = { msm: process.env.NOVANET_MSM, fold: process.env.NOVANET_FOLD };
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "novanet-startup-"));
    delete process.env.NOVANET_FOLD;
  });
  afterEach(() => {
    if (saved.msm === undefined) delete process.env.NOVANET_MSM;
    else process.env.NOVANET_MSM = saved.msm;
  });
  after(() => {
    if (saved.fold !== undefined) process.env.NOVANET_FOLD = saved.fold;
    rmSync(dir, { recursive: true, force: true });
  });

  it("NOVANET_MSM=ffjavascript is made at start and used; an unknown value is a typed error", async () => {
    process.env.NOVANET_MSM = "ffjavascript";
    const s = await prepareProving({ cacheDir: dir });
    assert.equal(s.source, "env");
    assert.match(s.msm, /ffjavascript/);
    assert.equal(s.fold, "cpu");
    assert.match(await checkDefaultMsm(), /ffjavascript/);
    await assert.rejects(prepareProving({ cacheDir: dir, choice: "cuda" }), { name: "MsmBackendSelectionError" });
    setDefaultMsmBackend(await (await import("../../../prover/src/msm/default.js")).createSelectedMsmBackend(""));
  });

  it("backend names are matched exactly, not by prefix (a look-alike default is replaced)", async () => {
    assert.ok(backendMatches("native", "cpu-native"));
    assert.ok(!backendMatches("native", "cpu-native-debug"));
    assert.ok(backendMatches("ffjavascript", "cpu-ffjavascript-wasm"));
    assert.ok(!backendMatches("ffjavascript", "cpu-ffjavascript-wasm-1t"));
    assert.ok(backendMatches("webgpu", "webgpu"));
    assert.ok(backendMatches("webgpu", "webgpu (llvmpipe (Dawn opengles))"));
    assert.ok(!backendMatches("webgpu", "webgpu-sim"));
    assert.ok(!backendMatches("native", "cpu-noble-js"));
    // The process default is a backend whose name only starts like the chosen one's: it must be replaced.
    process.env.NOVANET_MSM = "ffjavascript";
    const lookAlike = {
      name: "cpu-ffjavascript-wasm-1t",
      msm: async () => ({ x: 0n, y: 0n }),
      terminate: async () => {},
    };
    setDefaultMsmBackend(lookAlike);
    const s = await prepareProving({ cacheDir: dir });
    assert.equal(s.msm, "cpu-ffjavascript-wasm");
    assert.notEqual(await defaultMsmBackend(), lookAlike);
    setDefaultMsmBackend(await (await import("../../../prover/src/msm/default.js")).createSelectedMsmBackend(""));
  });

  it("unset, for the node, no GPU device node: Dawn is not loaded and says nothing on stderr", async () => {
    const empty = mkdtempSync(join(tmpdir(), "novanet-dev-"));
    const fake = mkdtempSync(join(tmpdir(), "novanet-dev-"));
    mkdirSync(join(fake, "dri"));
    writeFileSync(join(fake, "dri", "renderD128"), "");
    writeFileSync(join(fake, "dri", "card0"), "");
    writeFileSync(join(fake, "nvidia0"), "");
    try {
      assert.deepEqual(gpuDeviceNodes(empty), []);
      assert.deepEqual(gpuDeviceNodes(fake).sort(), [join(fake, "dri", "renderD128"), join(fake, "nvidia0")].sort());
      const s = await prepareProving({ cacheDir: dir, choice: "", calibrate: "hardware", devDir: empty });
      assert.equal(s.source, "default");
      assert.match(s.reason ?? "", /no GPU device node/);
      assert.equal(s.adapter, undefined);
      // In a fresh process (nothing loaded yet): a node start with NOVANET_MSM unset on this machine's /dev
      // (when it has no GPU node) or an empty one loads no Dawn, so no "Couldn't load Vulkan" on stderr.
      const script = `
        const { prepareNodeProving } = await import("./prover/src/gpu/startup.ts");
        const { gpuDeviceNodes } = await import("./prover/src/gpu/startup.ts");
        const lines = [];
        await prepareNodeProving(process.argv[1], (e) => lines.push(e));
        const loaded = Object.keys(await import("node:module").then((m) => m.default._cache ?? {})).some((k) => k.includes("node_modules/webgpu"));
        console.log(JSON.stringify({ lines, nodes: gpuDeviceNodes(), loaded }));`;
      const env = { ...process.env };
      delete env.NOVANET_MSM;
      delete env.NOVANET_WEBGPU_BACKEND;
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, empty], {
        encoding: "utf8",
        env,
        timeout: 300_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
      if (got.nodes.length === 0) {
        assert.doesNotMatch(r.stderr, /Vulkan|Dawn|Warning/, "nothing from Dawn on stderr");
        assert.equal(got.loaded, false, "the webgpu package was not loaded");
        assert.match(got.lines[0].reason, /no GPU device node/);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it("unset, for the node: only a hardware adapter competes; without one nothing is timed or cached", async () => {
    // A (fake) render node, so that Dawn's default backend is probed even on this machine.
    const fake = mkdtempSync(join(tmpdir(), "novanet-dev-"));
    mkdirSync(join(fake, "dri"));
    writeFileSync(join(fake, "dri", "renderD128"), "");
    const s = await prepareProving({ cacheDir: dir, choice: "", calibrate: "hardware", devDir: fake });
    rmSync(fake, { recursive: true, force: true });
    // Only Dawn's default backend (Vulkan/Metal/D3D12) is probed for a node with NOVANET_MSM unset.
    const vk = await probeNodeGpu("default");
    const hardware = "adapter" in vk && !SOFTWARE_ADAPTER.test(vk.adapter);
    if (hardware) {
      assert.ok(s.source === "calibrated" || s.source === "cached");
      assert.ok(s.capacity && s.capacity.foldMs.cpu > 0 && (s.capacity.foldMs.webgpu ?? 0) > 0);
    } else {
      assert.equal(s.source, "default");
      assert.match(s.reason ?? "", "adapter" in vk ? /software adapter/ : /no WebGPU adapter \(default: /);
      assert.equal(s.capacity, undefined);
      assert.equal(s.fold, "cpu");
      assert.throws(() => readFileSync(join(dir, CALIBRATION_FILE)), /ENOENT/);
    }
    await checkDefaultMsm();
  });

  let calibrated: ProvingSetup;
  itGpu(
    "NOVANET_MSM=auto: fold step timed on both paths, the faster adopted, the result cached and reused",
    async () => {
      process.env.NOVANET_MSM = "auto";
      calibrated = await prepareProving({ cacheDir: dir, logN: 8 });
      assert.equal(calibrated.source, "calibrated");
      const cap = calibrated.capacity;
      assert.ok(cap && cap.foldMs.cpu > 0 && (cap.foldMs.webgpu ?? 0) > 0, "both paths measured");
      assert.equal(calibrated.adapter, (probe as { adapter: string }).adapter);
      const use = (cap.foldMs.webgpu as number) < cap.foldMs.cpu ? "webgpu" : "cpu";
      assert.equal(cap.use, use, "the faster path is the one used");
      assert.equal(calibrated.fold, use);
      assert.equal((await checkDefaultMsm()).startsWith("webgpu"), use === "webgpu");
      const file = JSON.parse(readFileSync(join(dir, CALIBRATION_FILE), "utf8"));
      assert.equal(file.use, use);
      assert.equal(file.capacity.maxConstraints, String(cap.maxConstraints));
      // A second start reuses it without timing anything.
      const again = await prepareProving({ cacheDir: dir, logN: 8 });
      assert.equal(again.source, "cached");
      assert.deepEqual(again.capacity?.foldMs, cap.foldMs);
      assert.equal(again.fold, use);
    },
  );

  itGpu(
    "unset, for prove: a cached GPU choice is followed (MSM and fold on the GPU, exact); NOVANET_FOLD=cpu wins",
    async () => {
      delete process.env.NOVANET_MSM;
      // The cache as a calibration that the GPU won would leave it (on llvmpipe the CPU wins: edited here).
      const p = join(dir, CALIBRATION_FILE);
      const file = JSON.parse(readFileSync(p, "utf8"));
      writeFileSync(p, JSON.stringify({ ...file, use: "webgpu" }));
      const s = await prepareProving({ cacheDir: dir, logN: 8 });
      assert.equal(s.source, "cached");
      assert.equal(s.fold, "webgpu");
      assert.match(s.msm, /^webgpu/);
      assert.match(await checkDefaultMsm(), /^webgpu/);
      process.env.NOVANET_FOLD = "cpu";
      try {
        assert.equal(await defaultFoldBackend(), undefined);
      } finally {
        delete process.env.NOVANET_FOLD;
      }
      // Another machine's cache (other CPUs) is not followed.
      writeFileSync(
        p,
        JSON.stringify({ ...file, use: "webgpu", key: file.key.replace(/"cpus":"[^"]*"/, '"cpus":"99× x"') }),
      );
      const other = await prepareProving({ cacheDir: dir, logN: 8 });
      assert.equal(other.source, "default");
      assert.equal(other.fold, "cpu");
      assert.doesNotMatch(await checkDefaultMsm(), /^webgpu/);
      // No cache: the CPU default, nothing probed.
      rmSync(p);
      const none = await prepareProving({ cacheDir: dir });
      assert.equal(none.source, "default");
      assert.match(none.reason ?? "", /no calibration cached/);
    },
  );

  itGpu("the node's start logs the backend and warns when its declared capacity exceeds the measured one", async () => {
    process.env.NOVANET_MSM = "auto";
    const logs: Record<string, unknown>[] = [];
    // The calibration cached above was removed: this one measures at the default 2^12.
    const s = await prepareNodeProving(dir, (e) => logs.push(e), { maxConstraints: 1n << 40n });
    const line = logs.find((l) => l.msg === "proving backend");
    assert.ok(line, JSON.stringify(logs));
    assert.equal(line.msm, s.msm);
    assert.equal(line.source, "calibrated");
    const measured = line.measured as { maxConstraints: string; gpu: boolean };
    assert.equal(measured.maxConstraints, String(s.capacity?.maxConstraints));
    const warn = logs.find((l) => l.level === "warn");
    assert.equal(warn?.declared, String(1n << 40n));
    assert.equal(warn?.measured, measured.maxConstraints);
    // Declared within the measured capacity: no warning.
    const quiet: Record<string, unknown>[] = [];
    await prepareNodeProving(dir, (e) => quiet.push(e), { maxConstraints: 1n });
    assert.equal(
      quiet.find((l) => l.level === "warn"),
      undefined,
    );
    assert.equal(quiet.find((l) => l.msg === "proving backend")?.source, "cached");
  });

  itGpu("novanet prove follows a cached GPU choice: its backend line says so, and the bundle verifies", async () => {
    delete process.env.NOVANET_MSM;
    const cache = join(dir, "prove-cache");
    const z0 = join(dir, "z0.json");
    writeFileSync(z0, JSON.stringify(["3"]));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(cache, { recursive: true });
    const capacity = { gpu: false, foldMs: { cpu: 2, webgpu: 1 }, use: "webgpu", maxConstraints: "4096" };
    writeFileSync(
      join(cache, CALIBRATION_FILE),
      JSON.stringify({ v: 1, key: calibrationKey(undefined), use: "webgpu", capacity }),
    );
    let err = "";
    let out = "";
    const io = { out: (x: string) => (out += x), err: (x: string) => (err += x) };
    const bundle = join(dir, "cubic.bundle");
    const args = ["--circuit", "prover/circuits/cubic.circom", "--steps", "3", "--input", z0, "--out", bundle];
    assert.equal(await main(["prove", ...args, "--cache", cache, "--no-decider"], io), 0, err);
    const line = JSON.parse(err.split("\n").find((l) => l.includes('"event":"backend"')) ?? "{}");
    assert.equal(line.source, "cached");
    assert.equal(line.fold, "webgpu");
    assert.match(line.msm, /^webgpu/);
    assert.equal(await main(["verify", bundle, "--ptau", join(cache, "ptau", "dev-3.ptau")], io), 0, err);
    assert.match(out, /VALID/);
    await adoptCpuForTheRest();
  });

  it("the node's start fails on an explicit backend that cannot start (typed), not silently on the CPU", async () => {
    process.env.NOVANET_MSM = "nonsense";
    await assert.rejects(
      prepareNodeProving(dir, () => {}),
      { name: "MsmBackendSelectionError" },
    );
  });
});
