pragma circom 2.1.0;

include "circomlib/circuits/sha256/sha256.circom";
include "circomlib/circuits/bitify.circom";

// SHA-256 hash chain, state width s = 2: the state is a 256-bit digest as two 128-bit halves
// (z[0] = the high 128 bits, z[1] = the low 128 bits, each bit string big-endian as SHA-256 writes it).
// One step: z_out = SHA-256(z_in) over the 32-byte message z_in[0] ‖ z_in[1] (circomlib's Sha256(256)).
// N steps compute the N-fold iterated SHA-256 of a 32-byte seed. Each half must be < 2^128
// (Num2Bits(128) rejects a larger one), so a valid state is exactly a 32-byte string.
// Public signals (circom order): x = (z_out[0], z_out[1], z_in[0], z_in[1]).
template Sha256ChainStep() {
    signal input z_in[2];
    signal output z_out[2];

    component inBits[2];
    component outNum[2];
    component h = Sha256(256);
    for (var half = 0; half < 2; half++) {
        inBits[half] = Num2Bits(128);
        inBits[half].in <== z_in[half];
        // Num2Bits is little-endian; SHA-256's message bit 0 is the most significant bit of byte 0.
        for (var i = 0; i < 128; i++) {
            h.in[half * 128 + i] <== inBits[half].out[127 - i];
        }
    }
    for (var half = 0; half < 2; half++) {
        outNum[half] = Bits2Num(128);
        for (var i = 0; i < 128; i++) {
            outNum[half].in[i] <== h.out[half * 128 + 127 - i];
        }
        z_out[half] <== outNum[half].out;
    }
}

component main { public [z_in] } = Sha256ChainStep();
