pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Poseidon hash chain, state width s = 1: z_out = Poseidon(z_in) (circomlib's Poseidon(1)).
// N steps compute the N-fold iterated hash of z_0.
// Public signals (circom order): x = (z_out[0], z_in[0]).
template PoseidonChainStep() {
    signal input z_in[1];
    signal output z_out[1];

    component h = Poseidon(1);
    h.inputs[0] <== z_in[0];
    z_out[0] <== h.out;
}

component main { public [z_in] } = PoseidonChainStep();
