// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DeciderProof, Instance} from "./INovaTypes.sol";

/// @title IDeciderVerifier
/// @notice Verifies the succinct decider proof that a relaxed R1CS instance of one step circuit is
///         satisfied (docs/protocol.md §2, "Decider"). One deployment per registered step circuit.
interface IDeciderVerifier {
    /// @notice Returns true if `proof` shows that `instance` is satisfied; reverts with a custom error
    ///         naming the failed check otherwise (it never returns false).
    function verifyDecider(Instance calldata instance, DeciderProof calldata proof) external view returns (bool);

    /// @notice The keccak256 of the step circuit's .r1cs this verifier decides.
    function r1csHash() external view returns (bytes32);

    /// @notice The state width `s` of the step circuit (`x` has length `2s`).
    function stateWidth() external view returns (uint256);

    /// @notice `[τ]G2` of the SRS whose KZG openings this verifier checks, EIP-197 order `[x1, x0, y1, y0]`.
    ///         {ICircuitRegistry.registerCircuit} refuses a decider whose `[τ]G2` is not the registered SRS's.
    function tauG2() external view returns (uint256[4] memory);
}
