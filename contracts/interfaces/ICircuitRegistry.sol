// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICircuitRegistry
/// @notice The registry of step circuits `F` that jobs can be requested for.
interface ICircuitRegistry {
    /// @notice A registered step circuit.
    /// @param r1csHash keccak256 of the circuit's .r1cs file bytes (docs/protocol.md §7).
    /// @param srsDigest The SRS digest (docs/protocol.md §7) the commitments use.
    /// @param decider The {IDeciderVerifier} for this circuit's decider `D_F`.
    /// @param nConstraints R1CS constraints of `F` (the unit of work of a leaf and of a fold).
    /// @param nWitness Witness length `n_w` committed in `cmW`.
    /// @param stateWidth State width `s` (`x` has length `2s`).
    /// @param deciderConstraints Constraints of `D_F` (the unit of work of a decision).
    /// @param owner Who registered it.
    struct Circuit {
        bytes32 r1csHash;
        bytes32 srsDigest;
        address decider;
        uint64 nConstraints;
        uint64 nWitness;
        uint32 stateWidth;
        uint64 deciderConstraints;
        address owner;
    }

    /// @notice A step circuit was registered under `circuitId` (ids start at 1).
    event CircuitRegistered(
        uint256 indexed circuitId,
        address indexed owner,
        bytes32 indexed r1csHash,
        bytes32 srsDigest,
        address decider,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        uint64 deciderConstraints
    );

    /// @notice No circuit has this id.
    error CircuitRegistryUnknownCircuit(uint256 circuitId);
    /// @notice A size (constraints, witness length, state width or decider constraints) is zero or too large.
    error CircuitRegistryInvalidSize();
    /// @notice The decider verifier address has no code.
    error CircuitRegistryInvalidDecider(address decider);
    /// @notice The decider verifier is for another circuit (its r1csHash or stateWidth differ).
    error CircuitRegistryDeciderMismatch(bytes32 expectedR1csHash, bytes32 deciderR1csHash);

    /// @notice Registers a step circuit and returns its id. Emits a {CircuitRegistered} event.
    function registerCircuit(
        bytes32 r1csHash,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        bytes32 srsDigest,
        address decider,
        uint64 deciderConstraints
    ) external returns (uint256 circuitId);

    /// @notice A circuit's record; reverts with {CircuitRegistryUnknownCircuit} for an unknown id.
    function getCircuit(uint256 circuitId) external view returns (Circuit memory);
}
