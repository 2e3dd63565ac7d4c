/**
 * The slice of snarkjs (0.7) the decider uses, typed here. snarkjs ships no declarations; it is
 * imported by a non-literal specifier so TypeScript does not look for them.
 */
export type SnarkjsG1 = [string, string, string];
export type SnarkjsG2 = [[string, string], [string, string], [string, string]];
export type SnarkjsProof = { pi_a: SnarkjsG1; pi_b: SnarkjsG2; pi_c: SnarkjsG1; protocol: string; curve: string };
export type SnarkjsVkey = {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: SnarkjsG1;
  vk_beta_2: SnarkjsG2;
  vk_gamma_2: SnarkjsG2;
  vk_delta_2: SnarkjsG2;
  IC: SnarkjsG1[];
};
type MemFile = { type: "mem"; data: Uint8Array };
export type Snarkjs = {
  zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<unknown>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: unknown): Promise<unknown>;
    beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<unknown>;
    exportVerificationKey(zkey: string): Promise<SnarkjsVkey>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<boolean>;
    exportSolidityVerifier(zkey: string, templates: { groth16: string }): Promise<string>;
  };
  groth16: {
    prove(zkey: string, witness: string | MemFile): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    verify(vkey: SnarkjsVkey, publicSignals: string[], proof: SnarkjsProof): Promise<boolean>;
  };
};

let cached: Promise<Snarkjs> | undefined;

export function snarkjs(): Promise<Snarkjs> {
  cached ??= import(String("snarkjs")) as Promise<Snarkjs>;
  return cached;
}

/** Stops ffjavascript's worker threads that snarkjs started (lets a CLI process exit). */
export async function terminateSnarkjsCurve(): Promise<void> {
  const g = globalThis as unknown as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = undefined;
  }
}
