/**
 * `novanet node <run|register|stake|unstake|withdraw|claim|status> --config <file>`: the prover daemon and
 * its operator commands. The key comes from the config's `keyFile` or NOVANET_PRIVATE_KEY.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bytesToHex, type Hex, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ViemMarketV2 } from "../chain/market.js";
import { NodeConfigError } from "../errors/node.js";
import { loadOrCreatePeerKey, peerIdBytes } from "../net/network.js";
import { loadConfig } from "../node/config.js";
import { NodeDaemon } from "../node/daemon.js";

export async function nodeCommand(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      amount: { type: "string" },
      capacity: { type: "string" },
      gpu: { type: "boolean" },
      "auto-capacity": { type: "boolean" },
      token: { type: "string" },
    },
  });
  const sub = positionals[0];
  if (!values.config) throw new NodeConfigError("--config <file> is required");
  const cfg = loadConfig(values.config);
  if (sub === "run") {
    const daemon = await NodeDaemon.start(cfg);
    await new Promise<void>((resolve) => {
      const stop = () => {
        daemon.stop().then(resolve, resolve);
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    return 0;
  }
  const chain = await ViemMarketV2.connect({
    rpcUrl: cfg.rpcUrl,
    market: cfg.market as Hex,
    account: privateKeyToAccount(cfg.privateKey),
  });
  const print = (o: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify(o, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\n`);
  const amount = () => {
    if (!values.amount) throw new NodeConfigError("--amount <tokens> is required");
    return parseUnits(values.amount, 18);
  };
  switch (sub) {
    case "register": {
      const key = await loadOrCreatePeerKey(join(cfg.dataDir, "peer.key"));
      const { peerIdFromPrivateKey } = await import("@libp2p/peer-id");
      const peer = peerIdFromPrivateKey(key);
      // --auto-capacity: measure the fold step on the GPU and the CPU (gpu/capacity.ts) for both fields.
      const measured = values["auto-capacity"] ? await (await import("../gpu/capacity.js")).gpuCapacity() : undefined;
      const capacity = BigInt(values.capacity ?? String(measured?.maxConstraints ?? 1n << 20n));
      print({
        tx: await chain.register(bytesToHex(peerIdBytes(peer)), capacity, values.gpu ?? measured?.gpu ?? false),
        peerId: peer.toString(),
        ...(measured ? { measured } : {}),
      });
      return 0;
    }
    case "stake":
      print({ tx: await chain.stake(amount()) });
      return 0;
    case "unstake":
      print({ tx: await chain.requestUnstake(amount()) });
      return 0;
    case "withdraw":
      print({ tx: await chain.withdraw() });
      return 0;
    case "claim": {
      const token = (values.token ?? cfg.feeToken) as Hex | undefined;
      if (!token) throw new NodeConfigError("--token <address> (or feeToken in the config) is required");
      print({ tx: await chain.claim(token) });
      return 0;
    }
    case "status": {
      const st = await chain.status(cfg.feeToken as Hex | undefined);
      // What the daemon is doing, from its state (readable while it runs: WAL).
      const { existsSync } = await import("node:fs");
      let local: Record<string, unknown> = {};
      if (existsSync(join(cfg.dataDir, "state.sqlite"))) {
        const { StateDb } = await import("../node/state.js");
        const db = new StateDb(cfg.dataDir);
        local = {
          cursor: db.getMeta("cursor"),
          tasks: db.countByState(),
          openJobs: db.openJobs().length,
          // The slash breaker (daemon.ts): slashes of this account seen, and its unstake decision if any.
          slashes: db.slashTotals(),
          autoUnstake: db.autoUnstake() ?? null,
        };
        db.close();
      }
      print({ account: chain.account, ...st, ...local });
      return 0;
    }
    default:
      throw new NodeConfigError("unknown node command", { details: String(sub) });
  }
}
