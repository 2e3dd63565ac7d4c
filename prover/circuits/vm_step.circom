pragma circom 2.1.0;

// A two-word "VM step", state width s = 2: z = (acc, pc).
// One instruction of a toy VM whose only instruction is a MiMC-style round keyed by the program
// counter:  acc <- (acc + pc + 7)^5,  pc <- pc + 1.
// N steps from (a, 0) end at pc = N, so the counter proves how many steps were run.
// Public signals (circom order): x = (z_out[0], z_out[1], z_in[0], z_in[1]).
template VmStep() {
    signal input z_in[2];
    signal output z_out[2];

    signal t;
    signal t2;
    signal t4;
    t <== z_in[0] + z_in[1] + 7;
    t2 <== t * t;
    t4 <== t2 * t2;
    z_out[0] <== t4 * t;
    z_out[1] <== z_in[1] + 1;
}

component main { public [z_in] } = VmStep();
