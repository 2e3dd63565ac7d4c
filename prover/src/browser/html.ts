/**
 * The GPU page as an HTML document, for a server that mounts it (the indexer dashboard at
 * `/dashboard/gpu`): it loads the bundle that scripts/build-browser.ts writes (`novanet-gpu.js`) from
 * `bundleUrl` and calls `mountGpuPage`. `window.novanetGpu` exposes the two runners (`msm(n)`,
 * `proof(steps)`) for headless tests.
 *
 * @example
 * // server: GET /dashboard/gpu → gpuPageHtml("/dashboard/gpu/novanet-gpu.js"),
 * //         GET /dashboard/gpu/novanet-gpu.js → the file buildBrowserBundle(dir) returned
 */
export function gpuPageHtml(bundleUrl: string, title = "NovaNet — proving on your GPU"): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>body{max-width:48rem;margin:2rem auto;padding:0 1rem}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div id="gpu"></div>
<script type="module">
import { mountGpuPage } from ${JSON.stringify(bundleUrl).replace(/</g, "\\u003c")};
window.novanetGpu = mountGpuPage(document.getElementById("gpu"));
</script>
</body>
</html>
`;
}
