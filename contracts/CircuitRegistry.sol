// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";
import {IDeciderVerifier} from "./interfaces/IDeciderVerifier.sol";

/// @title CircuitRegistry
/// @notice Registers step circuits `F` (R1CS hash, sizes, state width, SRS digest, decider verifier).
///         Registration is permissionless: a circuit id is just a handle for requesters; the decider
///         verifier must report the same R1CS hash and state width, so a circuit cannot be paired with
///         another circuit's decider by mistake.
contract CircuitRegistry is ICircuitRegistry {
    uint256 private _count;
    mapping(uint256 => Circuit) private _circuits;

    /// @notice Number of registered circuits (ids are `1..circuitCount`).
    function circuitCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc ICircuitRegistry
    function getCircuit(uint256 circuitId) external view returns (Circuit memory c) {
        c = _circuits[circuitId];
        if (c.decider == address(0)) revert CircuitRegistryUnknownCircuit(circuitId);
    }

    /// @inheritdoc ICircuitRegistry
    function registerCircuit(
        bytes32 r1csHash,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        bytes32 srsDigest,
        address decider,
        uint64 deciderConstraints
    ) external returns (uint256 circuitId) {
        if (nConstraints == 0 || nWitness == 0 || stateWidth == 0 || stateWidth > 64 || deciderConstraints == 0) {
            revert CircuitRegistryInvalidSize();
        }
        if (decider.code.length == 0) revert CircuitRegistryInvalidDecider(decider);
        bytes32 deciderHash = IDeciderVerifier(decider).r1csHash();
        if (deciderHash != r1csHash || IDeciderVerifier(decider).stateWidth() != stateWidth) {
            revert CircuitRegistryDeciderMismatch(r1csHash, deciderHash);
        }
        circuitId = ++_count;
        _circuits[circuitId] = Circuit({
            r1csHash: r1csHash,
            srsDigest: srsDigest,
            decider: decider,
            nConstraints: nConstraints,
            nWitness: nWitness,
            stateWidth: stateWidth,
            deciderConstraints: deciderConstraints,
            owner: msg.sender
        });
        emit CircuitRegistered(
            circuitId, msg.sender, r1csHash, srsDigest, decider, nConstraints, nWitness, stateWidth, deciderConstraints
        );
    }
}
