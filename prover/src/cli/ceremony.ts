/**
 * `novanet ceremony init | contribute | beacon | verify | export` (trust/ceremony.ts, docs/trust.md):
 * a phase-2 ceremony for a step circuit's decider keys. Each contributor runs `contribute` in its own
 * process on its own machine with its own entropy; anyone re-runs `verify` against the step circuit
 * and the `.ptau`; `export` writes the verification key, the verifier contract and a trust store pin,
 * and prints the vk hash a registrant pins on-chain.
 */
import { parseArgs } from "node:util";
import { terminateSnarkjsCurve } from "../decider/snarkjs.js";
import { UsageError } from "../errors/cli.js";
import { ceremonyBeacon, ceremonyContribute, ceremonyExport, ceremonyInit, ceremonyVerify } from "../trust/ceremony.js";
import {
  ceremonyBeaconV3,
  ceremonyContributeV3,
  ceremonyExportV3,
  ceremonyInitV3,
  ceremonyVerifyV3,
  isCeremonyV3,
} from "../trust/ceremonyV3.js";

type Io = { out: (s: string) => void; err: (s: string) => void };

export const CEREMONY_USAGE = `  novanet ceremony init <dir> --circuit <step.circom|.r1cs> --ptau <file.ptau> [--variant hashed|unhashed]
  novanet ceremony init <dir> --circuit <step.circom|.r1cs> --decider v3 --ptau <file.ptau>   (v3 keys from a ceremony ptau: docs/decider.md)
  novanet ceremony init <dir> --circuit <step.circom|.r1cs> --decider v3      (no --ptau: v3 dev keys, always insecure-dev)
  novanet ceremony contribute <dir> --name <who> [--entropy <text>]     (one per party, own machine)
  novanet ceremony beacon <dir> --hash <hex> [--iterations <exp>]
  novanet ceremony verify <dir> --circuit <step.circom|.r1cs> --ptau <file.ptau>
  novanet ceremony export <dir> --circuit <step.circom|.r1cs> --ptau <file.ptau> --out <dir> [--name <Contract>]
`;

/** Runs `novanet ceremony …`; returns the exit code (0 ok, 1 a transcript that does not verify). */
export async function ceremonyCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      circuit: { type: "string" },
      ptau: { type: "string" },
      variant: { type: "string" },
      name: { type: "string" },
      entropy: { type: "string" },
      hash: { type: "string" },
      iterations: { type: "string" },
      out: { type: "string" },
      cache: { type: "string" },
      decider: { type: "string" },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError("ceremony needs exactly one folder", { details: positionals.join(" ") });
  const dir = positionals[0];
  const need = (k: "circuit" | "ptau" | "name" | "hash" | "out"): string => {
    const v = values[k];
    if (v === undefined) throw new UsageError(`ceremony ${sub} needs --${k}`);
    return v;
  };
  try {
    if (sub === "init" ? values.decider !== undefined : isCeremonyV3(dir)) {
      return await ceremonyV3Command(sub, dir, values, need, io);
    }
    switch (sub) {
      case "init": {
        if (values.variant !== undefined && values.variant !== "hashed" && values.variant !== "unhashed") {
          throw new UsageError("--variant must be hashed or unhashed", { details: values.variant });
        }
        const c = await ceremonyInit({
          circuit: need("circuit"),
          ptau: need("ptau"),
          dir,
          variant: values.variant as "hashed" | "unhashed" | undefined,
          cacheDir: values.cache,
        });
        io.out(`${JSON.stringify({ ceremony: dir, ...c })}\n`);
        return 0;
      }
      case "contribute": {
        const h = await ceremonyContribute(dir, need("name"), values.entropy);
        io.out(`${JSON.stringify({ contributed: need("name"), hash: h })}\n`);
        return 0;
      }
      case "beacon": {
        const it = values.iterations === undefined ? 10 : Number(values.iterations);
        if (!Number.isInteger(it) || it < 10 || it > 63) throw new UsageError("--iterations must be 10..63");
        await ceremonyBeacon(dir, need("hash"), it);
        io.out(`${JSON.stringify({ beacon: values.hash, iterationsExp: it })}\n`);
        return 0;
      }
      case "verify": {
        const v = await ceremonyVerify(dir, { circuit: need("circuit"), ptau: need("ptau"), cacheDir: values.cache });
        io.out(`${JSON.stringify(v)}\n`);
        if (v.ok && v.kind !== "ceremony") io.err(`\n*** INSECURE DEV KEYS: ${v.reason} ***\n\n`);
        return v.ok ? 0 : 1;
      }
      case "export": {
        const r = await ceremonyExport(dir, {
          circuit: need("circuit"),
          ptau: need("ptau"),
          out: need("out"),
          name: values.name,
          cacheDir: values.cache,
        });
        if (r.kind !== "ceremony") io.err("\n*** INSECURE DEV KEYS: exported labelled insecure-dev ***\n\n");
        io.out(`${JSON.stringify(r)}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown ceremony step ${String(sub)} (init, contribute, beacon, verify, export)`);
    }
  } finally {
    await terminateSnarkjsCurve();
  }
}

/**
 * The same steps on a decider v3 ceremony (trust/ceremonyV3.ts): keys derived from `--ptau` when one is
 * given (labelled `ceremony` after a contribution), dev keys (insecure-dev) without.
 */
async function ceremonyV3Command(
  sub: string | undefined,
  dir: string,
  values: { decider?: string; cache?: string; entropy?: string; ptau?: string },
  need: (k: "circuit" | "ptau" | "name" | "hash" | "out") => string,
  io: Io,
): Promise<number> {
  switch (sub) {
    case "init": {
      if (values.decider !== "v3") throw new UsageError("--decider must be v3", { details: values.decider });
      const c = await ceremonyInitV3({
        circuit: need("circuit"),
        dir,
        cacheDir: values.cache,
        ptau: values.ptau,
        onProgress: (p) => io.err(`${JSON.stringify(p)}\n`),
      });
      if (!values.ptau) io.err("\n*** INSECURE DEV KEYS: no --ptau, so τ, α, β were drawn in this process ***\n\n");
      io.out(`${JSON.stringify({ ceremony: dir, ...c })}\n`);
      return 0;
    }
    case "contribute": {
      const f = await ceremonyContributeV3(dir, need("name"), values.entropy);
      io.out(`${JSON.stringify({ contributed: need("name"), keys: f })}\n`);
      return 0;
    }
    case "beacon": {
      const f = await ceremonyBeaconV3(dir, need("hash"));
      io.out(`${JSON.stringify({ beacon: need("hash"), keys: f })}\n`);
      return 0;
    }
    case "verify": {
      const v = await ceremonyVerifyV3(dir, { circuit: need("circuit"), cacheDir: values.cache, ptau: values.ptau });
      io.out(`${JSON.stringify(v)}\n`);
      if (v.ok && v.kind !== "ceremony") io.err(`\n*** INSECURE DEV KEYS: ${v.reason} ***\n\n`);
      return v.ok ? 0 : 1;
    }
    case "export": {
      const r = await ceremonyExportV3(dir, {
        circuit: need("circuit"),
        out: need("out"),
        cacheDir: values.cache,
        ptau: values.ptau,
      });
      if (r.kind !== "ceremony") io.err(`\n*** INSECURE DEV KEYS: ${r.reason} ***\n\n`);
      io.out(`${JSON.stringify(r)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown ceremony step ${String(sub)} (init, contribute, beacon, verify, export)`);
  }
}
