/**
 * Test helper: the Chromium the browser tests drive (NOVANET_CHROMIUM, else Debian's `chromium`) and what
 * the indexer's dashboard page (/dashboard) shows, read from its DOM: for the dashboard's own test and for
 * any end-to-end test (the devnet's) that wants to assert the page showed a job's tree.
 */
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { itIfAvailable } from "./optional.js";

/** A Chromium to drive: NOVANET_CHROMIUM, else Debian's; undefined when there is none. */
export const chromiumPath = [process.env.NOVANET_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p): p is string => !!p && existsSync(p),
);

/** `it` when a Chromium is there; else skipped with the reason (a failure under CI: test/helpers/optional.ts). */
export function itIfChromium(): (title: string, fn: Mocha.Func) => void {
  return itIfAvailable(chromiumPath ? undefined : "no Chromium (set NOVANET_CHROMIUM or install Debian's chromium)");
}

export type NodeView = { id: string; task: string; state: string; prover: string; fill: string; label: string };

/** Runs in the page (a string: the test's own TypeScript has no DOM types). */
const READ_TREE = `(() => {
  const section = document.querySelector("#tree");
  const nodes = [...document.querySelectorAll("#tree g[data-node-id]")].map((g) => ({
    id: g.getAttribute("data-node-id"),
    task: g.getAttribute("data-task-id"),
    state: g.getAttribute("data-state"),
    prover: g.getAttribute("data-prover"),
    fill: g.querySelector("circle, rect")?.getAttribute("fill") ?? "",
    label: [...g.querySelectorAll("text")].map((t) => t.textContent).join(" "),
  }));
  return { job: section?.getAttribute("data-job") ?? "", status: section?.getAttribute("data-status") ?? "", nodes };
})()`;

/**
 * What the dashboard's tree shows: the selected job and its state, and every node (the decision included,
 * id "decision"): id, task id, state, prover (full address), fill colour and text.
 */
export async function treeOnPage(page: Page): Promise<{ job: string; status: string; nodes: NodeView[] }> {
  return (await page.evaluate(READ_TREE)) as { job: string; status: string; nodes: NodeView[] };
}
