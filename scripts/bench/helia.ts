/**
 * The Helia/bitswap side of `npm run bench:network`'s transfer section. Helia is not a project dependency
 * (its default libp2p stack adds thousands of lock-file entries and moves existing ones), so the bench
 * installs it on demand, at exact versions, into a git-ignored prefix (`.novanet/bench-deps/`) and loads
 * it from there by absolute path. If the install or the load fails, `loadHelia` says why in one line and the
 * section records that instead of a number.
 *
 * What is measured: two Helia nodes in this process, each with its own libp2p (TCP on 127.0.0.1, Noise,
 * Yamux, Identify: the same transport stack as the node's own protocol, nothing that reaches outside);
 * host A imports the artefact with `@helia/unixfs` (256 KiB raw leaves, the default layout), host B dials
 * A and reads the file by its root CID over bitswap (every block checked against its CID on arrival).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Exact versions installed into the prefix (helia 7.1.15 is the release that runs on libp2p 3). */
export const HELIA_DEPS: Record<string, string> = {
  helia: "7.1.15",
  "@helia/unixfs": "8.0.5",
  "@helia/libp2p": "2.1.4",
  "@helia/bitswap": "4.0.19",
  libp2p: "3.3.11",
  "@libp2p/tcp": "11.0.28",
  "@libp2p/noise": "17.0.3",
  "@libp2p/yamux": "8.0.3",
  "@libp2p/identify": "4.1.14",
};

export const HELIA_PREFIX = ".novanet/bench-deps";

export type NetworkBenchArgs = {
  /** Run only this section (`--only jobs|transfer`); both when absent. */
  only?: "jobs" | "transfer";
  /** Artefact sizes in MiB for the transfer section (`--mib 10,100`). */
  mib: number[];
  /** Whether to measure Helia next to the node's own protocol (`--no-helia` turns it off). */
  helia: boolean;
};

/**
 * Default transfer sizes. 500 MiB is in by default: both protocols together took under 30 s for it on the
 * shared 2-core machine (load ≈ 2–4); `--mib 10,100` leaves it out.
 */
export const DEFAULT_MIB = [10, 100, 500];

/**
 * Parses `npm run bench:network -- [--only jobs|transfer] [--mib 10,100] [--no-helia]`.
 * `envMib` (NOVANET_BENCH_MIB) is the older way to set the sizes and is used when `--mib` is absent.
 * Throws a one-line Error on anything else.
 */
export function parseNetworkBenchArgs(argv: string[], envMib?: string): NetworkBenchArgs {
  const out: NetworkBenchArgs = { mib: [], helia: true };
  let mib: number[] | undefined;
  const sizes = (v: string | undefined, flag: string): number[] => {
    if (v === undefined || v === "") throw new Error(`${flag} needs a comma-separated list of MiB, e.g. 10,100`);
    if (v === "none") return [];
    return v.split(",").map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n <= 0 || n > 4096) throw new Error(`${flag}: "${s}" is not a size in MiB (1–4096)`);
      return n;
    });
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") {
      const v = argv[++i];
      if (v !== "jobs" && v !== "transfer") throw new Error(`--only takes "jobs" or "transfer", got ${v ?? "nothing"}`);
      out.only = v;
    } else if (a === "--mib") mib = sizes(argv[++i], "--mib");
    else if (a === "--no-helia") out.helia = false;
    else throw new Error(`unknown option ${a} (options: --only jobs|transfer, --mib 10,100, --no-helia)`);
  }
  out.mib = mib ?? (envMib !== undefined ? sizes(envMib, "NOVANET_BENCH_MIB") : [...DEFAULT_MIB]);
  return out;
}

// The few shapes of the Helia/libp2p API this bench uses (the packages are not installed for tsc).
type Libp2pLike = { getMultiaddrs(): unknown[]; dial(addr: unknown): Promise<unknown> };
type HeliaLike = { libp2p: Libp2pLike; start(): Promise<void>; stop(): Promise<void> };
type UnixFsLike = {
  addBytes(bytes: Uint8Array): Promise<{ toString(): string }>;
  cat(cid: unknown, o?: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
};
type Mods = {
  createHeliaLight(init?: object): HeliaLike;
  withLibp2pLight(h: HeliaLike, opts: object): HeliaLike;
  withBitswap(h: HeliaLike, opts?: object): HeliaLike;
  unixfs(h: HeliaLike): UnixFsLike;
  tcp(): unknown;
  noise(): unknown;
  yamux(): unknown;
  identify(): unknown;
};
export type HeliaKit = { version: string; mods: Mods };

function entry(root: string, pkg: string): string {
  const dir = join(root, "node_modules", pkg);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports?: Record<string, { import?: string; default?: string } | string>;
    main?: string;
  };
  const dot = meta.exports?.["."];
  const rel = typeof dot === "string" ? dot : (dot?.import ?? dot?.default ?? meta.main ?? "index.js");
  return pathToFileURL(join(dir, rel)).href;
}

function installed(root: string): boolean {
  return Object.entries(HELIA_DEPS).every(([pkg, v]) => {
    const f = join(root, "node_modules", pkg, "package.json");
    return existsSync(f) && (JSON.parse(readFileSync(f, "utf8")) as { version: string }).version === v;
  });
}

/** Installs (if needed) and loads Helia from the prefix; `{ why }` in one line when it cannot. */
export async function loadHelia(prefix = HELIA_PREFIX): Promise<HeliaKit | { why: string }> {
  const root = resolve(prefix);
  try {
    if (!installed(root)) {
      mkdirSync(root, { recursive: true });
      writeFileSync(
        join(root, "package.json"),
        `${JSON.stringify({ name: "novanet-bench-deps", private: true, dependencies: HELIA_DEPS }, null, 2)}\n`,
      );
      console.log(`installing helia ${HELIA_DEPS.helia} into ${prefix} (once; not a project dependency)`);
      const r = spawnSync(
        "npm",
        ["install", "--prefix", root, "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"],
        { encoding: "utf8", timeout: 600_000 },
      );
      if (r.error) return { why: `npm install failed: ${r.error.message}` };
      if (r.status !== 0) {
        const line = `${r.stderr}`.split("\n").find((l) => l.trim()) ?? `exit ${r.status}`;
        return { why: `npm install failed: ${line.trim()}` };
      }
      if (!installed(root)) return { why: "npm install finished but the pinned versions are not in the prefix" };
    }
    const imp = async (pkg: string) => (await import(entry(root, pkg))) as Record<string, unknown>;
    const [h, l, b, u, t, n, y, i] = await Promise.all(
      [
        "helia",
        "@helia/libp2p",
        "@helia/bitswap",
        "@helia/unixfs",
        "@libp2p/tcp",
        "@libp2p/noise",
        "@libp2p/yamux",
        "@libp2p/identify",
      ].map(imp),
    );
    const mods = {
      createHeliaLight: h.createHeliaLight,
      withLibp2pLight: l.withLibp2pLight,
      withBitswap: b.withBitswap,
      unixfs: u.unixfs,
      tcp: t.tcp,
      noise: n.noise,
      yamux: y.yamux,
      identify: i.identify,
    } as Mods;
    const missing = Object.entries(mods).find(([, f]) => typeof f !== "function");
    if (missing) return { why: `helia ${HELIA_DEPS.helia}: export ${missing[0]} not found` };
    return { version: HELIA_DEPS.helia, mods };
  } catch (e) {
    return { why: `helia could not be loaded: ${(e as Error).message.split("\n")[0]}` };
  }
}

/** Two Helia hosts on 127.0.0.1, B connected to A. */
export async function heliaPair(kit: HeliaKit): Promise<{
  add(bytes: Uint8Array): Promise<unknown>;
  get(cid: unknown, size: number, timeoutMs: number): Promise<Uint8Array>;
  stop(): Promise<void>;
}> {
  const m = kit.mods;
  const node = async () => {
    const h = m.withBitswap(
      m.withLibp2pLight(m.createHeliaLight(), {
        addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
        transports: [m.tcp()],
        connectionEncrypters: [m.noise()],
        streamMuxers: [m.yamux()],
        services: { identify: m.identify() },
      }),
    );
    await h.start();
    return h;
  };
  const a = await node();
  const b = await node();
  try {
    await b.libp2p.dial(a.libp2p.getMultiaddrs()[0]);
  } catch (e) {
    await Promise.allSettled([a.stop(), b.stop()]);
    throw e;
  }
  const fsA = m.unixfs(a);
  const fsB = m.unixfs(b);
  return {
    add: (bytes) => fsA.addBytes(bytes),
    async get(cid, size, timeoutMs) {
      const out = new Uint8Array(size);
      let at = 0;
      for await (const chunk of fsB.cat(cid, { signal: AbortSignal.timeout(timeoutMs) })) {
        if (at + chunk.length > size) throw new Error("helia returned more bytes than were added");
        out.set(chunk, at);
        at += chunk.length;
      }
      if (at !== size) throw new Error(`helia returned ${at} of ${size} bytes`);
      return out;
    },
    async stop() {
      await Promise.allSettled([a.stop(), b.stop()]);
    },
  };
}
