/**
 * The part of snarkjs's API that the circuit tooling, its tests and the benchmarks call, typed. snarkjs
 * ships no type declarations; it is loaded with a dynamic import and given these types here, once.
 */
export type Groth16Proof = {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
};

export type SnarkjsLogger = {
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
};

export type Snarkjs = {
  groth16: {
    /** Proves from a `.zkey` and a witness (a `.wtns` path or its bytes). */
    prove(zkeyFile: string, witness: string | Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    fullProve(
      input: Record<string, unknown>,
      wasmFile: string,
      zkeyFile: string,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: readonly string[], proof: Groth16Proof): Promise<boolean>;
  };
  zKey: {
    /** Groth16 setup (phase 2 without contributions). Returns the circuit hash, or −1 on failure. */
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: SnarkjsLogger): Promise<unknown>;
    exportVerificationKey(zkeyFile: string): Promise<unknown>;
  };
  powersOfTau: {
    preparePhase2(oldPtau: string, newPtau: string, logger?: SnarkjsLogger): Promise<void>;
  };
  wtns: {
    calculate(input: Record<string, unknown>, wasmFile: string, wtnsFile: string): Promise<void>;
  };
};

let loaded: Promise<Snarkjs> | undefined;

/** snarkjs (ESM build), loaded once. */
export function loadSnarkjs(): Promise<Snarkjs> {
  const name = "snarkjs";
  if (!loaded) loaded = import(name) as Promise<Snarkjs>;
  return loaded;
}
