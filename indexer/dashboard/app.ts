/**
 * The dashboard's page (served by the indexer under /dashboard, see src/api/dashboard.ts): network totals,
 * the latest jobs, the selected job's live fold tree, the provers and two charts. Preact + htm for the
 * view, uPlot for the charts; every bit of data comes from the server-sent events of
 * /api/dashboard/events (the same JSON as /api/dashboard and /api/jobs/:id/tree).
 *
 * Hash routes: `#job=<id>` selects a job (default: the newest, followed as new jobs arrive); `#gpu` shows
 * the GPU page (/dashboard/gpu: the WebGPU MSM benchmark and a local proof, run in this browser) in a frame.
 */
import htm from "htm";
import { h, render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import type { DashState, JobTree, TreeNode, TreeTask } from "../lib/dashboard.js";
import type { ChallengeWindow } from "../lib/optimistic.js";

const html = htm.bind(h);

type Num = string;
type Overview = {
  network: Record<string, number | Num> | null;
  tokens: { token: string; feesEscrowed: Num; creditedTasks: Num; creditedOther: Num; claimed: Num }[];
  provers: {
    address: string;
    status: string;
    stake: Num;
    maxConstraints: Num;
    gpu: boolean;
    tasksDone: number;
    units: Num;
    earnings: Num;
    claimed: Num;
    slashCount: number;
    slashedAmount: Num;
    attemptsMissed: number;
  }[];
  jobs: {
    id: Num;
    status: string;
    mode: string;
    nLeaves: number;
    chunkLog: number;
    fee: Num;
    feeToken: string;
    requestedAt: Num;
    verifiedAt: Num | null;
    percent: number;
    tasks: { done: number; total: number };
    missedAttempts: number;
    resets: number;
    disputes: number;
    challenge: Challenge | null;
  }[];
  charts: {
    earnings: { x: number[]; series: { account: string; values: Num[] }[] };
    latency: { jobs: number[]; verifiedAfter: number[]; firstSubmissionAfter: (number | null)[] };
  };
};
/** An optimistic bundle's challenge window (lib/optimistic.ts, bigints as decimal strings). */
type Challenge = Omit<ChallengeWindow, "end" | "chainTime" | "secondsLeft" | "bond"> & {
  end: Num;
  chainTime: Num | null;
  secondsLeft: Num | null;
  bond: Num;
};
type Tree = JobTree & { jobId: Num; status: string; mode: string; challenge: Challenge | null };

const STATE_ORDER: DashState[] = [
  "waiting",
  "available",
  "assigned",
  "submitted",
  "verified",
  "disputed",
  "reset",
  "closed",
];
const COLORS: Record<DashState, string> = {
  waiting: "#d0d5dd",
  available: "#9ecae1",
  assigned: "#fdae6b",
  submitted: "#3182bd",
  verified: "#31a354",
  disputed: "#de2d26",
  reset: "#756bb1",
  closed: "#667085",
};
const SERIES_COLORS = ["#3182bd", "#e6550d", "#31a354", "#756bb1", "#de2d26", "#8c6d31", "#17becf", "#636363"];

/** `0x1234…abcd` */
const short = (address: string | null | undefined) => (address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "—");

/** A base-unit amount (18 decimals) as a decimal with at most 4 fraction digits. */
function amount(raw: Num | null | undefined, decimals = 18): string {
  if (raw === null || raw === undefined) return "—";
  const v = BigInt(raw);
  const unit = 10n ** BigInt(decimals);
  const whole = v / unit;
  const frac = ((v % unit) * 10_000n) / unit;
  return frac === 0n ? whole.toString() : `${whole}.${frac.toString().padStart(4, "0").replace(/0+$/, "")}`;
}
const toUnits = (raw: Num) => Number(BigInt(raw)) / 1e18;
const time = (unix: Num | number | null) => (unix === null ? "—" : new Date(Number(unix) * 1000).toLocaleTimeString());
const token = (address: string) => (/^0x0{40}$/.test(address) ? "ETH" : short(address));
const secs = (s: number) => (s < 120 ? `${s} s` : `${(s / 60).toFixed(1)} min`);

/** What an optimistic bundle's challenge window says: time left, or how it ended. */
function windowText(c: Challenge): string {
  if (c.state === "open")
    return c.secondsLeft === null ? "challenge window open" : `${secs(Number(c.secondsLeft))} left to challenge`;
  if (c.state === "ended") return "window ended, awaiting finalization";
  if (c.state === "finalized") return "finalized unchallenged";
  return `challenged by ${short(c.challenger)}`;
}

/** The challenge window beside a job's status (nothing for a job that is no optimistic bundle). */
function ChallengeNote({ c }: { c: Challenge | null }) {
  if (c === null) return null;
  return html` <span class="muted" data-challenge=${c.state} data-seconds-left=${c.secondsLeft ?? ""}
    title=${`proposed by ${c.proposer}; challenge window ends ${time(c.end)}; bond ${amount(c.bond)} ETH`}>${windowText(c)}</span>`;
}

function route(): { job: string; gpu: boolean } {
  const hash = location.hash.replace(/^#/, "");
  const m = /^job=(\d+)$/.exec(hash);
  return { job: m ? m[1]! : "latest", gpu: hash === "gpu" };
}

/** Subscribes to /api/dashboard/events for `job` ("latest" follows the newest job). */
function useLive(job: string) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [tree, setTree] = useState<Tree | { error: string } | null>(null);
  const [connected, setConnected] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    setTree(null);
    const source = new EventSource(`/api/dashboard/events?job=${job}`);
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("error", () => setConnected(false));
    source.addEventListener("failure", (e) => setFailure(JSON.parse((e as MessageEvent).data).error));
    source.addEventListener("overview", () => setFailure(null));
    source.addEventListener("overview", (e) => setOverview(JSON.parse((e as MessageEvent).data)));
    source.addEventListener("tree", (e) => setTree(JSON.parse((e as MessageEvent).data)));
    return () => source.close();
  }, [job]);
  return { overview, tree, connected, failure };
}

function Totals({ o }: { o: Overview }) {
  const n = o.network;
  if (n === null) return html`<section id="totals"><h2>Network</h2><p class="muted">Nothing indexed yet.</p></section>`;
  const eth = o.tokens.find((t) => /^0x0{40}$/.test(t.token));
  const cards: [string, string, string][] = [
    ["provers", `${n.stakedProvers} / ${n.provers}`, "provers staked / registered"],
    ["stake", amount(n.totalStake as Num), "total stake"],
    ["jobs", `${n.jobsVerified} / ${n.jobs}`, "jobs verified / requested"],
    ["open", String(n.jobsOpen), "jobs open"],
    ["tasks", String(n.tasksDone), "tasks done"],
    ["leaves", `${n.leavesDone} · ${n.foldsDone}`, "leaves · folds proved"],
    ["fees", eth ? amount(eth.feesEscrowed) : "0", "fees escrowed (ETH)"],
    ["earned", eth ? amount(eth.creditedTasks) : "0", "paid to provers (ETH)"],
    ["missed", String(n.attemptsMissed), "attempts missed"],
    ["slashes", `${n.slashes} · ${amount(n.slashedAmount as Num)}`, "slashes · amount"],
    ["disputes", `${n.disputesOpen} / ${n.disputesOpened}`, "disputes open / opened"],
    [
      "bundles",
      `${n.jobsProposed} · ${n.bundlesFinalized} · ${n.bundlesChallenged}`,
      "optimistic bundles proposed · finalized · challenged",
    ],
  ];
  return html`<section id="totals">
    <h2>Network</h2>
    <div class="totals">
      ${cards.map(
        ([key, v, k]) =>
          html`<div class="total" data-total=${key}><div class="v">${v}</div><div class="k">${k}</div></div>`,
      )}
    </div>
  </section>`;
}

function Jobs({ o, selected }: { o: Overview; selected: string | undefined }) {
  return html`<section id="jobs">
    <h2>Jobs <span class="muted">(newest ${o.jobs.length})</span></h2>
    ${
      o.jobs.length === 0
        ? html`<p class="muted">No job yet.</p>`
        : html`<table>
          <thead><tr><th>job</th><th>status</th><th class="num">leaves</th><th class="num">chunk</th>
            <th>progress</th><th class="num">tasks</th><th class="num">fee</th><th>requested</th><th class="num">latency</th>
            <th class="num">missed</th><th class="num">resets</th><th class="num">disputes</th></tr></thead>
          <tbody>
            ${o.jobs.map(
              (j) => html`<tr class=${`job${j.id === selected ? " selected" : ""}`} data-job=${j.id}
                onClick=${() => {
                  location.hash = `job=${j.id}`;
                }}>
                <td>#${j.id}</td>
                <td><span class=${`badge ${j.status}`} data-status>${j.status}</span><${ChallengeNote} c=${j.challenge} /></td>
                <td class="num">${j.nLeaves}</td>
                <td class="num">${j.mode === "bundle" || j.mode === "optimistic" ? j.mode : 2 ** j.chunkLog}</td>
                <td><span class="bar"><span style=${`width:${j.percent}%`}></span></span> ${j.percent}%</td>
                <td class="num">${j.tasks.done} / ${j.tasks.total}</td>
                <td class="num">${amount(j.fee)} ${token(j.feeToken)}</td>
                <td>${time(j.requestedAt)}</td>
                <td class="num">${j.verifiedAt === null ? "—" : secs(Number(j.verifiedAt) - Number(j.requestedAt))}</td>
                <td class="num">${j.missedAttempts}</td><td class="num">${j.resets}</td><td class="num">${j.disputes}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`;
}

const NODE_R = 13;
const LABEL_PX = 80;
const ROW = 64;

/** The fold tree as SVG: nodes placed by their leaf range, the decision above the root. */
function TreeView({ tree }: { tree: Tree }) {
  const n = tree.nLeaves;
  // A large job comes as its task tree only (chunk roots and merges): one column per chunk.
  const shown = tree.nodes;
  const columns = tree.complete ? n : shown.filter((node) => node.taskKind === "chunk").length;
  const width = Math.max(640, columns * 44);
  const top = 70;
  const height = top + tree.depth * ROW + 40;
  const x = (node: { a: number; c: number }) => 20 + ((node.a + node.c) / 2 / n) * (width - 40);
  const y = (depth: number) => top + depth * ROW;
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  const root = tree.nodes[0]!;
  const d = tree.decision;
  // A node is labelled with its prover where the label fits under it (else its tooltip says who).
  const label = (node: TreeNode) => node.prover !== null && ((node.c - node.a) / n) * (width - 40) >= LABEL_PX;
  return html`<svg viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label="fold tree">
    <line x1=${x(root)} y1=${y(0)} x2=${x(root)} y2=${24} stroke="#98a2b3" />
    ${shown
      .filter((node) => node.parent !== null)
      .map((node) => {
        const p = byId.get(node.parent!)!;
        return html`<line x1=${x(p)} y1=${y(p.depth)} x2=${x(node)} y2=${y(node.depth)} stroke="#98a2b3" />`;
      })}
    <g class="decision" data-node-id="decision" data-task-id="decision" data-state=${d.state} data-prover=${d.prover ?? ""}>
      <title>${`decision: ${d.state}${d.prover ? ` by ${d.prover}` : ""}`}</title>
      <rect x=${x(root) - 34} y=${6} width="68" height="22" rx="4" fill=${COLORS[d.state]} stroke="#344054" />
      <text x=${x(root)} y=${21} text-anchor="middle">decision</text>
      ${d.prover ? html`<text x=${x(root) + 40} y=${21}>${short(d.prover)}</text>` : null}
    </g>
    ${shown.map(
      (node) => html`<g class="node" data-node-id=${node.id} data-range=${`${node.a},${node.c}`}
        data-task-id=${node.taskId} data-state=${node.state} data-prover=${node.prover ?? ""}>
        <title>${`[${node.a}, ${node.c}) ${node.kind}, ${node.taskKind} task: ${node.state}${node.prover ? ` — ${node.prover}` : ""}`}</title>
        <circle cx=${x(node)} cy=${y(node.depth)} r=${node.taskRoot ? NODE_R : NODE_R - 4} fill=${COLORS[node.state]}
          stroke=${node.taskRoot ? "#344054" : "#98a2b3"} stroke-width=${node.taskRoot ? 2 : 1} />
        ${
          label(node)
            ? html`<text x=${x(node)} y=${y(node.depth) + NODE_R + 12} text-anchor="middle">${short(node.prover)}</text>`
            : null
        }
      </g>`,
    )}
  </svg>`;
}

function TaskTable({ tasks }: { tasks: TreeTask[] }) {
  return html`<table class="tasks">
    <thead><tr><th>task</th><th>leaves</th><th>state</th><th>prover</th><th class="num">attempt</th>
      <th class="num">missed</th><th class="num">resets</th><th class="num">disputes</th></tr></thead>
    <tbody>
      ${tasks.map(
        (t) => html`<tr data-task=${t.taskId} data-state=${t.state}>
          <td>${t.kind}</td><td>[${t.a}, ${t.c})</td>
          <td><i style=${`display:inline-block;width:10px;height:10px;border-radius:50%;background:${COLORS[t.state]}`}></i> ${t.state}</td>
          <td class="mono" title=${t.prover ?? ""}>${t.prover ? `${short(t.prover)}${t.submitter ? "" : " (drawn)"}` : "—"}</td>
          <td class="num">${t.attempt ?? "—"}</td><td class="num">${t.missedAttempts}</td>
          <td class="num">${t.resets}</td><td class="num">${t.disputes}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function JobTreeSection({ tree }: { tree: Tree | { error: string } | null }) {
  if (tree === null)
    return html`<section id="tree"><h2>Fold tree</h2><p class="muted">Waiting for a job…</p></section>`;
  if ("error" in tree)
    return html`<section id="tree"><h2>Fold tree</h2><p class="muted" data-error>${tree.error}</p></section>`;
  return html`<section id="tree" class="tree" data-job=${tree.jobId} data-status=${tree.status}>
    <h2>Fold tree of job #${tree.jobId} <span class="muted">${`— ${tree.nLeaves} leaves, ${tree.mode === "optimistic" ? "optimistic bundle" : `chunks of ${2 ** tree.chunkLog}`}, ${tree.status}`}</span><${ChallengeNote} c=${tree.challenge} /></h2>
    <div class="legend">
      ${STATE_ORDER.map(
        (s) =>
          html`<span data-legend=${s}><i style=${`background:${COLORS[s]}`}></i>${s} ${tree.counts[s] ? `(${tree.counts[s]})` : ""}</span>`,
      )}
    </div>
    <${TreeView} tree=${tree} />
    <details open=${tree.tasks.length <= 32}>
      <summary>${tree.tasks.length} tasks</summary>
      <${TaskTable} tasks=${tree.tasks} />
    </details>
  </section>`;
}

function Provers({ o }: { o: Overview }) {
  return html`<section id="provers">
    <h2>Provers</h2>
    <table>
      <thead><tr><th>prover</th><th>status</th><th class="num">stake</th><th class="num">capacity</th><th>GPU</th>
        <th class="num">tasks done</th><th class="num">units</th><th class="num">earnings (ETH)</th><th class="num">claimed</th>
        <th class="num">missed</th><th class="num">slashes</th><th class="num">slashed</th></tr></thead>
      <tbody>
        ${o.provers.map(
          (p) => html`<tr data-prover=${p.address}>
            <td class="mono" title=${p.address}>${short(p.address)}</td>
            <td>${p.status}</td>
            <td class="num" data-col="stake">${amount(p.stake)}</td>
            <td class="num" data-col="capacity">${Number(p.maxConstraints).toLocaleString("en-US")}</td>
            <td>${p.gpu ? "yes" : "no"}</td>
            <td class="num" data-col="tasks">${p.tasksDone}</td>
            <td class="num">${Number(p.units).toLocaleString("en-US")}</td>
            <td class="num" data-col="earnings">${amount(p.earnings)}</td>
            <td class="num" data-col="claimed">${amount(p.claimed)}</td>
            <td class="num">${p.attemptsMissed}</td>
            <td class="num" data-col="slashes">${p.slashCount}</td>
            <td class="num">${amount(p.slashedAmount)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** A uPlot chart: created once per series layout, updated in place with `setData`. */
function Chart({
  id,
  title,
  empty: emptyText,
  opts,
  data,
}: {
  id: string;
  title: string;
  /** Said while there is no point to draw. */
  empty: string;
  opts: uPlot.Options;
  data: uPlot.AlignedData;
}) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const empty = data[0].length === 0;
  // Re-created when its series change, and when its first points arrive (it is hidden while empty).
  const layout = `${opts.series.map((s) => s.label).join("|")}${empty ? "" : "+"}`;
  useEffect(() => {
    plot.current?.destroy();
    plot.current = new uPlot(
      { ...opts, width: Math.max(360, (el.current!.clientWidth || 480) - 8) },
      data,
      el.current!,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [layout]);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return html`<div id=${id} data-points=${data[0].length}>
    <h2>${title}</h2>
    ${empty ? html`<p class="muted">${emptyText}</p>` : null}
    <div ref=${el} style=${empty ? "display:none" : ""}></div>
  </div>`;
}

function Charts({ o }: { o: Overview }) {
  const e = o.charts.earnings;
  const earningsOpts: uPlot.Options = {
    width: 480,
    height: 240,
    scales: { x: { time: true } },
    axes: [{}, { label: "ETH" }],
    series: [
      {},
      ...e.series.map((s, i) => ({
        label: short(s.account),
        stroke: SERIES_COLORS[i % SERIES_COLORS.length],
        width: 2,
        paths: uPlot.paths.stepped!({ align: 1 }),
      })),
    ],
  };
  const earningsData = [e.x, ...e.series.map((s) => s.values.map(toUnits))] as uPlot.AlignedData;
  const l = o.charts.latency;
  const latencyOpts: uPlot.Options = {
    width: 480,
    height: 240,
    scales: { x: { time: false } },
    // Job ids are integers: no fractional ticks.
    axes: [{ label: "job", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { label: "seconds" }],
    series: [
      { label: "job" },
      {
        label: "request → verified",
        stroke: "#31a354",
        fill: "rgba(49,163,84,0.35)",
        paths: uPlot.paths.bars!({ size: [0.5, 60] }),
      },
      { label: "request → first submission", stroke: "#3182bd", width: 0, points: { show: true, size: 8 } },
    ],
  };
  const latencyData = [l.jobs, l.verifiedAfter, l.firstSubmissionAfter] as uPlot.AlignedData;
  return html`<section class="charts">
    <${Chart} id="chart-earnings" title="Earnings over time (cumulative, per prover, by submission)"
      empty="No task reward credited yet (rewards are credited when a job's tasks are released)." opts=${earningsOpts} data=${earningsData} />
    <${Chart} id="chart-latency" title="Job latency" empty="No verified job yet." opts=${latencyOpts} data=${latencyData} />
  </section>`;
}

/** The GPU page (served at /dashboard/gpu: the WebGPU MSM benchmark and a local proof, in this browser). */
function GpuSlot() {
  return html`<section id="gpu">
    <h2>Proving on this browser's GPU <span class="muted">(<a href="/dashboard/gpu">open on its own</a>)</span></h2>
    <iframe id="gpu-slot" src="/dashboard/gpu" title="GPU page" style="width:100%;height:900px;border:0"></iframe>
  </section>`;
}

function App() {
  const [r, setRoute] = useState(route());
  useEffect(() => {
    const on = () => setRoute(route());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const { overview, tree, connected, failure } = useLive(r.job);
  const selected = tree !== null && !("error" in tree) ? tree.jobId : undefined;
  return html`<header>
      <h1>NovaNet</h1>
      <nav><a href="#">Network</a><a href="#jobs-anchor" onClick=${(ev: Event) => {
        ev.preventDefault();
        document.getElementById("jobs")?.scrollIntoView();
      }}>Jobs</a><a href="#gpu">GPU</a></nav>
      <span class=${`live${connected ? " on" : ""}`} id="live">${connected ? "live" : "connecting…"}</span>
    </header>
    <main>
      ${failure === null ? null : html`<section id="failure" class="failure">The indexer could not answer: ${failure}</section>`}
      ${
        r.gpu
          ? html`<${GpuSlot} />`
          : overview === null
            ? html`<p class="muted">Connecting to the indexer…</p>`
            : html`<${Totals} o=${overview} />
              <${Jobs} o=${overview} selected=${selected} />
              <${JobTreeSection} tree=${tree} />
              <${Provers} o=${overview} />
              <${Charts} o=${overview} />`
      }
    </main>`;
}

const root = document.getElementById("app")!;
root.replaceChildren();
render(html`<${App} />`, root);
