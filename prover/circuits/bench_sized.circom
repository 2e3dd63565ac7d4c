pragma circom 2.1.0;

// Size-parametrised step circuit for benchmarks, state width s = 1.
// A chain of N multiplications, one R1CS constraint each:
//   x_0 = z_in,  x_{i+1} = x_i * (x_i + i + 1),  z_out = x_N.
// Every constraint has a dense, pseudo-random witness value (no zeros, no repeats), like real work.
// Instantiate it with `component main { public [z_in] } = BenchSized(N);`
// (prover/src/circuits/sized.ts writes such a main file for N = 2^k − 3, which keeps
// snarkjs's Groth16 domain at exactly 2^k: nConstraints + nPublic < 2^k).
template BenchSized(N) {
    signal input z_in[1];
    signal output z_out[1];

    signal x[N + 1];
    x[0] <== z_in[0];
    for (var i = 0; i < N; i++) {
        x[i + 1] <== x[i] * (x[i] + i + 1);
    }
    z_out[0] <== x[N];
}
