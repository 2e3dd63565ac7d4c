import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { gpuPageHtml } from "../../../prover/src/browser/html.js";
import type { BrowserMsmReport } from "../../../prover/src/browser/msm-bench.js";
import { type BrowserProofReport, cubicWitness } from "../../../prover/src/browser/proof.js";
import { buildBrowserBundle } from "../../../scripts/build-browser.js";
import { itIfAvailable } from "../../helpers/optional.js";

/** A Chromium to drive: NOVANET_CHROMIUM, else Debian's. Without one: fails under CI, skipped elsewhere. */
const chromiumPath = [process.env.NOVANET_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p): p is string => !!p && existsSync(p),
);
const itBrowser = itIfAvailable(
  chromiumPath ? undefined : "no Chromium (set NOVANET_CHROMIUM or install Debian's chromium)",
);

describe("browser: the WebGPU MSM page in headless Chromium", function () {
  // SwiftShader (Chromium's software WebGPU adapter) compiles the kernels for minutes on a busy machine.
  this.timeout(900_000);
  let dir: string;
  let server: http.Server;
  let base: string;

  before(async () => {
    if (!chromiumPath) return;
    dir = mkdtempSync(join(tmpdir(), "novanet-browser-"));
    await buildBrowserBundle(join(dir, "dist"));
    const page = readFileSync(new URL("../../../prover/browser/index.html", import.meta.url));
    const bundle = readFileSync(join(dir, "dist", "novanet-gpu.js"));
    server = http.createServer((req, res) => {
      if (req.url === "/" || req.url === "/index.html") {
        res.setHeader("content-type", "text/html");
        res.end(page);
      } else if (req.url === "/dashboard/gpu") {
        // How the indexer dashboard mounts it: gpuPageHtml + the same bundle under its own path.
        res.setHeader("content-type", "text/html");
        res.end(gpuPageHtml("/dashboard/gpu/novanet-gpu.js"));
      } else if (req.url === "/dist/novanet-gpu.js" || req.url === "/dashboard/gpu/novanet-gpu.js") {
        res.setHeader("content-type", "text/javascript");
        res.end(bundle);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function withPage<T>(fn: (page: Page) => Promise<T>, path = ""): Promise<T> {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--enable-unsafe-webgpu",
        "--enable-features=Vulkan",
        "--use-angle=swiftshader",
        "--use-webgpu-adapter=swiftshader",
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base}${path}`);
      await page.waitForFunction(() => "novanetGpu" in globalThis);
      const out = await fn(page);
      assert.deepEqual(errors, []);
      return out;
    } finally {
      await browser.close();
    }
  }

  itBrowser("runs the MSM on the browser's WebGPU adapter and it equals the in-page CPU MSM", async () => {
    const report = await withPage(
      async (page) => (await page.evaluate("window.novanetGpu.msm(256)")) as BrowserMsmReport,
    );
    assert.equal(report.points, 256);
    assert.ok(report.cpuMs > 0);
    if (report.adapter === null) {
      // No adapter in this browser: the page still ran its CPU path; say why the GPU part did not run.
      console.log(`      [GPU part skipped in the browser: ${report.reason}]`);
    } else {
      assert.equal(report.reason, undefined, report.reason);
      assert.equal(report.equal, true, `GPU ≠ CPU on ${report.adapter}`);
      console.log(
        `      [${report.adapter}: first ${report.gpuFirstMs?.toFixed(0)} ms, then ${report.gpuMs?.toFixed(0)} ms; CPU ${report.cpuMs.toFixed(0)} ms]`,
      );
    }
  });

  itBrowser(
    "at /dashboard/gpu (gpuPageHtml): proves 4 steps locally (hiding folds) and verifies them; a tampered root witness is rejected",
    async () => {
      const report = await withPage(
        async (page) => (await page.evaluate("window.novanetGpu.proof(4)")) as BrowserProofReport & { reason?: string },
        "dashboard/gpu",
      );
      let z = 3n;
      for (let k = 0; k < 4; k++) z = cubicWitness(z)[1];
      assert.equal(report.steps, 4);
      assert.equal(report.zN, z.toString());
      assert.equal(report.verified, true);
      assert.equal(report.tamperedRejected, true);
      // Where the proof ran: on WebGPU, or on the CPU with the reason the browser gave no adapter.
      console.log(
        `      [proof ran on ${report.ran}${report.reason ? ` (${report.reason})` : ""}: leaves ${report.leavesMs.toFixed(0)} ms, folds ${report.foldsMs.toFixed(0)} ms, verify ${report.verifyMs.toFixed(0)} ms]`,
      );
    },
  );
});
