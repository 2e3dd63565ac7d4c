// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICircuitRegistry
/// @notice The registry of step circuits `F` that jobs can be requested for.
interface ICircuitRegistry {
    /// @notice The SRS a circuit's commitments use: `n` G1 powers committed by `powersHash` (all of them, in the
    ///         encoding of docs/protocol.md §7) and `[τ]G2` (EIP-197 order). Its digest is
    ///         `srsDigest = keccak256(abi.encode(n, powersHash, tauG2))`, computed on-chain at registration.
    struct Srs {
        uint256 n;
        bytes32 powersHash;
        uint256[4] tauG2;
    }

    /// @notice A registered step circuit.
    /// @param r1csHash keccak256 of the circuit's .r1cs file bytes (docs/protocol.md §7).
    /// @param srsDigest The SRS digest (docs/protocol.md §7), computed from the registered {Srs}.
    /// @param decider The {IDeciderVerifier} for this circuit's decider `D_F`.
    /// @param deciderCodehash EXTCODEHASH of `decider` at registration (binds its verifying key, which is in its
    ///        code); apps pin circuit ids, explorers show this hash beside the registrant's claims.
    /// @param nConstraints R1CS constraints of `F` (the unit of work of a leaf and of a fold).
    /// @param nWitness Witness length `n_w` committed in `cmW`.
    /// @param stateWidth State width `s` (`x` has length `2s`).
    /// @param deciderConstraints Constraints of `D_F` (the unit of work of a decision).
    /// @param owner Who registered it.
    struct Circuit {
        bytes32 r1csHash;
        bytes32 srsDigest;
        address decider;
        bytes32 deciderCodehash;
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
        uint64 deciderConstraints,
        bytes32 deciderCodehash,
        Srs srs
    );

    /// @notice No circuit has this id.
    error CircuitRegistryUnknownCircuit(uint256 circuitId);
    /// @notice A size (constraints, witness length, state width or decider constraints) is zero or too large.
    error CircuitRegistryInvalidSize();
    /// @notice The decider verifier address has no code.
    error CircuitRegistryInvalidDecider(address decider);
    /// @notice The SRS has no powers (`n` = 0) or a zero powers hash.
    error CircuitRegistryInvalidSrs();
    /// @notice The decider's `[τ]G2` (its `tauG2()`, the constant its KZG check pairs with) is not the registered
    ///         SRS's `tauG2`: the verifier was built for another SRS (or has no `tauG2()`: `reported` is all zero and
    ///         `ok` false).
    error CircuitRegistryTauG2Mismatch(address decider, bool ok, uint256[4] reported);

    /// @notice Registers a step circuit and returns its id. Nothing is read back from the decider's own
    ///         claims (its `r1csHash()` is self-reported and proves nothing): the record holds what the registrant
    ///         states and the decider's code hash. The decider's `tauG2()` must equal `srs.tauG2`
    ///         ({CircuitRegistryTauG2Mismatch}): this refuses a verifier built for another SRS; a dishonest decider
    ///         can report any value, which the code hash and `novanet circuit verify` catch (docs/trust.md).
    ///         Emits a {CircuitRegistered} event.
    function registerCircuit(
        bytes32 r1csHash,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        Srs calldata srs,
        address decider,
        uint64 deciderConstraints
    ) external returns (uint256 circuitId);

    /// @notice `keccak256(abi.encode(srs.n, srs.powersHash, srs.tauG2))`.
    function srsDigest(Srs calldata srs) external pure returns (bytes32);

    /// @notice A circuit's record; reverts with {CircuitRegistryUnknownCircuit} for an unknown id.
    function getCircuit(uint256 circuitId) external view returns (Circuit memory);
}
