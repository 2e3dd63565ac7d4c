/**
 * Tests of optional parts (the native addon, a WebGPU adapter, Chromium). The install step
 * (scripts/install.sh) provides all three on the project's machines, so under CI (`CI` set) a missing part
 * FAILS the test with its reason; elsewhere (a developer's machine without g++, a GPU stack or Chromium)
 * the test is skipped and its title says why, because the code it covers has a tested fallback
 * (bigint kernels, the CPU MSM backends) or is a browser-only path.
 */
export function itIfAvailable(missing: string | undefined): (title: string, fn: Mocha.Func) => void {
  if (!missing) return (title, fn) => it(title, fn);
  if (process.env.CI) {
    return (title) =>
      it(title, () => {
        throw new Error(`${missing} (CI installs it with scripts/install.sh; outside CI this test is skipped)`);
      });
  }
  // Skip reason: outside CI a developer's machine may lack the optional part (the native addon, a WebGPU
  // adapter, Chromium); the test cannot run without it, and `missing` (shown in the title) says which and why.
  // Under CI the branch above fails instead, so nothing is skipped where scripts/install.sh provides the part.
  return (title) => it.skip(`${title} [skipped: ${missing}]`);
}
