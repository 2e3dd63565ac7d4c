/**
 * circomlib's Poseidon permutation over BN254's F_p (the unoptimised "poseidon_old" form: add round
 * constants, S-box x⁵ on every element in full rounds and on element 0 in partial rounds, then the
 * MDS mix), with the round constants read from circomlib's own `poseidon_constants_old.circom`, so the
 * permutation is exactly circomlib's `Poseidon(t − 1)` (a test pins a known circomlib vector).
 *
 * {@link sponge} is NovaNet's fixed-length sponge on top of the width-17 permutation
 * (docs/protocol.md §7, "Decider transcript"):
 * - state `s[0..17)`, capacity `s[0]`, rate `s[1..17)` (16 elements);
 * - initial state: `s[0] = L` (the number of absorbed elements), everything else 0;
 * - absorb the input in blocks of 16 in order, the last block zero-padded: `s[1 + j] += block[j]`,
 *   then permute, block after block;
 * - output `s[0]` after the last permutation.
 * With the length in the capacity the zero padding is unambiguous. Cost: `⌈L/16⌉` permutations
 * (204 S-boxes each); not constant-time (all inputs here are public or hashed anyway).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { P } from "../field/fr.js";

export const SPONGE_WIDTH = 17;
export const SPONGE_RATE = 16;
export const FULL_ROUNDS = 8;
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

export type PoseidonParams = {
  readonly t: number;
  readonly nRoundsF: number;
  readonly nRoundsP: number;
  /** Round constants, `t · (nRoundsF + nRoundsP)`. */
  readonly C: readonly bigint[];
  /** MDS matrix `t × t`: `out[i] = Σ_j M[i][j]·in[j]`. */
  readonly M: readonly (readonly bigint[])[];
};

const cache = new Map<number, PoseidonParams>();
let sourceText: string | undefined;

function constantsSource(): string {
  if (sourceText === undefined) {
    const require = createRequire(import.meta.url);
    sourceText = readFileSync(require.resolve("circomlib/circuits/poseidon_constants_old.circom"), "utf8");
  }
  return sourceText;
}

/** The `return [...]` body of `function NAME(t)`'s branch for this `t`. */
function branch(src: string, fn: string, t: number): string {
  const start = src.indexOf(`function ${fn}(t)`);
  if (start < 0) throw new Error(`circomlib constants: ${fn} not found`);
  const marker = `(t == ${t})`;
  const at = src.indexOf(marker, start);
  if (at < 0) throw new Error(`circomlib constants: ${fn} has no branch for t = ${t}`);
  const open = src.indexOf("return", at);
  const end = src.indexOf(";", open);
  return src.slice(open + "return".length, end);
}

function parseNumbers(body: string): bigint[] {
  return (body.match(/0x[0-9a-fA-F]+|\d+/g) ?? []).map((s) => BigInt(s) % P);
}

/** circomlib's Poseidon parameters for width `t` (2 ≤ t ≤ 17), parsed once and cached. */
export function poseidonParams(t: number): PoseidonParams {
  const hit = cache.get(t);
  if (hit) return hit;
  if (!Number.isInteger(t) || t < 2 || t > 17) throw new RangeError(`Poseidon width must be 2..17, got ${t}`);
  const src = constantsSource();
  const nRoundsP = PARTIAL_ROUNDS[t - 2];
  const C = parseNumbers(branch(src, "POSEIDON_C", t));
  if (C.length !== t * (FULL_ROUNDS + nRoundsP)) throw new Error(`circomlib constants: bad C length for t = ${t}`);
  const flat = parseNumbers(branch(src, "POSEIDON_M", t));
  if (flat.length !== t * t) throw new Error(`circomlib constants: bad M size for t = ${t}`);
  const M: bigint[][] = [];
  for (let i = 0; i < t; i++) M.push(flat.slice(i * t, (i + 1) * t));
  const params = { t, nRoundsF: FULL_ROUNDS, nRoundsP, C, M };
  cache.set(t, params);
  return params;
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % P;
  const x4 = (x2 * x2) % P;
  return (x4 * x) % P;
}

/** The Poseidon permutation of circomlib, in place-free form. */
export function permute(state: readonly bigint[]): bigint[] {
  const { t, nRoundsF, nRoundsP, C, M } = poseidonParams(state.length);
  let s = [...state];
  const half = nRoundsF / 2;
  for (let r = 0; r < nRoundsF + nRoundsP; r++) {
    for (let j = 0; j < t; j++) s[j] = (s[j] + C[t * r + j]) % P;
    if (r < half || r >= half + nRoundsP) {
      for (let j = 0; j < t; j++) s[j] = pow5(s[j]);
    } else {
      s[0] = pow5(s[0]);
    }
    const out = new Array<bigint>(t);
    for (let i = 0; i < t; i++) {
      let acc = 0n;
      const row = M[i];
      for (let j = 0; j < t; j++) acc += row[j] * s[j];
      out[i] = acc % P;
    }
    s = out;
  }
  return s;
}

/** circomlib `Poseidon(n)` (n ≤ 16): `permute([0, ...inputs])[0]`. */
export function poseidon(inputs: readonly bigint[]): bigint {
  return permute([0n, ...inputs])[0];
}

/** NovaNet's fixed-length sponge (see the file comment). */
export function sponge(inputs: readonly bigint[]): bigint {
  let state = new Array<bigint>(SPONGE_WIDTH).fill(0n);
  state[0] = BigInt(inputs.length) % P;
  const blocks = Math.max(1, Math.ceil(inputs.length / SPONGE_RATE));
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < SPONGE_RATE; j++) {
      const k = b * SPONGE_RATE + j;
      if (k < inputs.length) state[1 + j] = (state[1 + j] + inputs[k]) % P;
    }
    state = permute(state);
  }
  return state[0];
}
