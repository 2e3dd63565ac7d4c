/**
 * The Poseidon permutation (width 17) and NovaNet's sponge as R1CS, for {@link Synth}.
 *
 * The permutation's linear algebra is the same in every call, so it is worked out once symbolically
 * into a *template*: a list of constraints `A·B = w_new` over local ids (0..16 = the 17 input LCs,
 * 17.. = the wires the permutation creates) and the 17 output LCs over local ids. An instance of the
 * permutation then costs one pass over the template's non-zeros (substituting the input LCs where ids
 * 0..16 appear), instead of redoing the MDS products with growing LCs.
 *
 * Constraints per permutation: 3 per S-box (x², x⁴, x⁵ as circomlib's Sigma) plus one whenever an S-box
 * input LC has more than {@link MATERIALIZE_ABOVE} terms (it is then copied into one wire first, which
 * keeps the non-zeros of A and B small). 204 S-boxes: 612 + ~90 constraints.
 */
import { P } from "../field/fr.js";
import { type Lc, productConstraint, type Synth } from "./cs.js";
import { poseidonParams, SPONGE_RATE, SPONGE_WIDTH } from "./poseidon.js";

const MATERIALIZE_ABOVE = 24;

type Terms = Map<number, bigint>;
type TemplateConstraint = { a: Terms; b: Terms };
type Template = { t: number; constraints: TemplateConstraint[]; outputs: Terms[] };

let template: Template | undefined;

function combineTerms(ks: readonly bigint[], lcs: readonly Terms[]): Terms {
  const out: Terms = new Map();
  for (let i = 0; i < lcs.length; i++) {
    const k = ks[i];
    if (k === 0n) continue;
    for (const [w, c] of lcs[i]) out.set(w, ((out.get(w) ?? 0n) + k * c) % P);
  }
  for (const [w, c] of out) if (c === 0n) out.delete(w);
  return out;
}

function buildTemplate(): Template {
  const { t, nRoundsF, nRoundsP, C, M } = poseidonParams(SPONGE_WIDTH);
  const constraints: TemplateConstraint[] = [];
  let next = t;
  // Local id −1 stands for the constant 1 inside templates.
  const ONE = -1;
  const newWire = (a: Terms, b: Terms): Terms => {
    constraints.push({ a, b });
    return new Map([[next++, 1n]]);
  };
  const sbox = (x: Terms): Terms => {
    let xin = x;
    if (x.size > MATERIALIZE_ABOVE) xin = newWire(x, new Map([[ONE, 1n]]));
    const x2 = newWire(xin, xin);
    const x4 = newWire(x2, x2);
    return newWire(x4, xin);
  };
  let s: Terms[] = [];
  for (let j = 0; j < t; j++) s.push(new Map([[j, 1n]]));
  const half = nRoundsF / 2;
  for (let r = 0; r < nRoundsF + nRoundsP; r++) {
    s = s.map((lc, j) => {
      const out = new Map(lc);
      const v = ((out.get(ONE) ?? 0n) + C[t * r + j]) % P;
      if (v === 0n) out.delete(ONE);
      else out.set(ONE, v);
      return out;
    });
    if (r < half || r >= half + nRoundsP) s = s.map(sbox);
    else s[0] = sbox(s[0]);
    s = M.map((row) => combineTerms(row, s));
  }
  return { t, constraints, outputs: s };
}

function getTemplate(): Template {
  template ??= buildTemplate();
  return template;
}

/** Number of constraints (= new wires) of one permutation. */
export function permutationConstraints(): number {
  return getTemplate().constraints.length;
}

/** The Poseidon permutation of 17 LCs, as constraints of `cs`. */
export function permuteGadget(cs: Synth, input: readonly Lc[]): Lc[] {
  const tpl = getTemplate();
  if (input.length !== tpl.t) throw new RangeError(`permutation takes ${tpl.t} LCs, got ${input.length}`);
  const base = cs.nVars - tpl.t; // local id k ≥ t ↦ wire base + k
  if (cs.shape) {
    const expand = (terms: Terms): Map<number, bigint> => {
      const out = new Map<number, bigint>();
      for (const [id, c] of terms) {
        if (id === -1) out.set(0, ((out.get(0) ?? 0n) + c) % P);
        else if (id < tpl.t) {
          for (const [w, d] of input[id].terms!) out.set(w, ((out.get(w) ?? 0n) + c * d) % P);
        } else out.set(base + id, ((out.get(base + id) ?? 0n) + c) % P);
      }
      for (const [w, c] of out) if (c === 0n) out.delete(w);
      return out;
    };
    for (const { a, b } of tpl.constraints) {
      const w = cs.alloc();
      cs.constraints.push(productConstraint(expand(a), expand(b), w));
    }
    return tpl.outputs.map((o) => ({ terms: expand(o) }));
  }
  const local = new Array<bigint>(tpl.t + tpl.constraints.length);
  for (let j = 0; j < tpl.t; j++) local[j] = input[j].value!;
  const evalTerms = (terms: Terms): bigint => {
    let acc = 0n;
    for (const [id, c] of terms) acc += id === -1 ? c : c * local[id];
    return acc % P;
  };
  for (let k = 0; k < tpl.constraints.length; k++) {
    const { a, b } = tpl.constraints[k];
    const v = (evalTerms(a) * evalTerms(b)) % P;
    local[tpl.t + k] = v;
    cs.alloc(() => v);
  }
  return tpl.outputs.map((o) => ({ value: evalTerms(o) }));
}

/** NovaNet's fixed-length sponge (poseidon.ts {@link import("./poseidon.js").sponge}) in-circuit. */
export function spongeGadget(cs: Synth, inputs: readonly Lc[]): Lc {
  let state: Lc[] = [cs.constant(BigInt(inputs.length))];
  for (let j = 1; j < SPONGE_WIDTH; j++) state.push(cs.constant(0n));
  const blocks = Math.max(1, Math.ceil(inputs.length / SPONGE_RATE));
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < SPONGE_RATE; j++) {
      const k = b * SPONGE_RATE + j;
      if (k < inputs.length) state[1 + j] = cs.add(state[1 + j], inputs[k]);
    }
    state = permuteGadget(cs, state);
  }
  return state[0];
}
