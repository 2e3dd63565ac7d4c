pragma circom 2.1.0;

// Tiny step circuit: state width s = 1, z_out = z_in^3 + z_in + 5.
// Public signals (circom order): x = (z_out[0], z_in[0]).
template Cubic() {
    signal input z_in[1];
    signal output z_out[1];

    signal sq;
    signal cube;
    sq <== z_in[0] * z_in[0];
    cube <== sq * z_in[0];
    z_out[0] <== cube + z_in[0] + 5;
}

component main { public [z_in] } = Cubic();
