// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Instance} from "../interfaces/INovaTypes.sol";
import {Bn254} from "./Bn254.sol";

/// @title Fold
/// @notice The verifier side of Nova's folding scheme for two relaxed R1CS instances (Nova paper §4,
///         "NIFS"), exactly as docs/protocol.md §7 specifies, byte for byte with the TypeScript engine:
///         `DOMAIN = keccak256(abi.encode("NovaNet/fold/v1", chainId, market, r1csHash, srsDigest))`,
///         `r = keccak256(abi.encode(DOMAIN, jobId, nodeId, U1, U2, cmT)) mod p`,
///         `U = (cmW1 + r·cmW2, cmE1 + r·cmT + r²·cmE2, u1 + r·u2, x1 + r·x2)`.
/// @dev Guarantee (Nova, Lemma 2): if the folded instance is satisfied then, except with probability
///      about `2m/p` over `r`, both inputs were. The verifier never sees witnesses: it only recomputes `U`.
///      Cost: 2 ecMul when `cmE2 = 0` (a leaf on the right), else 3; plus up to 3 ecAdd. Points are not
///      validated here: the precompiles reject points off the curve or with coordinates ≥ q. Scalars
///      (`u`, `x`) are assumed canonical (< p); callers check values that come from outside.
library Fold {
    /// @notice The protocol tag absorbed by the domain separator.
    string internal constant TAG = "NovaNet/fold/v1";

    /// @notice The two instances' `x` have different lengths.
    error FoldLengthMismatch(uint256 left, uint256 right);

    /// @notice The domain separator binding the public parameters (chain, market, circuit, SRS).
    function domain(uint256 chainId, address market, bytes32 r1csHash, bytes32 srsDigest)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(TAG, chainId, market, r1csHash, srsDigest));
    }

    /// @notice The fold challenge `r` for folding `U1` (left) with `U2` (right) into node `nodeId` of `jobId`.
    function challenge(
        bytes32 domain_,
        uint256 jobId,
        uint256 nodeId,
        Instance memory U1,
        Instance memory U2,
        Bn254.G1Point memory cmT
    ) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(domain_, jobId, nodeId, U1, U2, cmT))) % Bn254.P;
    }

    /// @notice The folded instance `U1 + r·U2` with cross-term commitment `cmT` (see the contract notice).
    function fold(Instance memory U1, Instance memory U2, Bn254.G1Point memory cmT, uint256 r)
        internal
        view
        returns (Instance memory U)
    {
        uint256 n = U1.x.length;
        if (n != U2.x.length) revert FoldLengthMismatch(n, U2.x.length);
        uint256 p = Bn254.P;
        // cmW = cmW1 + r·cmW2
        U.cmW = Bn254.addUnchecked(U1.cmW, Bn254.mulUnchecked(U2.cmW, r));
        // cmE = cmE1 + r·(cmT + r·cmE2)   (= cmE1 + r·cmT + r²·cmE2)
        Bn254.G1Point memory t = cmT;
        if (U2.cmE.x != 0 || U2.cmE.y != 0) t = Bn254.addUnchecked(t, Bn254.mulUnchecked(U2.cmE, r));
        t = Bn254.mulUnchecked(t, r);
        U.cmE = (U1.cmE.x == 0 && U1.cmE.y == 0) ? t : Bn254.addUnchecked(U1.cmE, t);
        // u = u1 + r·u2, x = x1 + r·x2
        U.u = addmod(U1.u, mulmod(r, U2.u, p), p);
        uint256[] memory x = new uint256[](n);
        uint256[] memory x1 = U1.x;
        uint256[] memory x2 = U2.x;
        for (uint256 i = 0; i < n; ++i) {
            x[i] = addmod(x1[i], mulmod(r, x2[i], p), p);
        }
        U.x = x;
    }
}
