// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";

/// @dev The one getter the registry calls on a decider (v2 {IDeciderVerifier} and `DeciderVerifierV3` both have it).
interface IDeciderVerifierTauG2 {
    function tauG2() external view returns (uint256[4] memory);
}

/// @title CircuitRegistry
/// @notice Registers step circuits `F` (R1CS hash, sizes, state width, SRS, decider verifier).
///         Registration is permissionless: a circuit id is just a handle for requesters. Nothing is taken from
///         the decider's self-reported claims (a contract can report any R1CS hash): the record binds what
///         the registrant states, the SRS digest computed here, and the decider's code hash (its verifying
///         key lives in its code). The decider's `[τ]G2` must be the registered SRS's. Apps pin circuit ids
///         (docs/protocol.md §8, docs/trust.md).
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
    function srsDigest(Srs calldata srs) public pure returns (bytes32) {
        return keccak256(abi.encode(srs.n, srs.powersHash, srs.tauG2));
    }

    /// @inheritdoc ICircuitRegistry
    function registerCircuit(
        bytes32 r1csHash,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        Srs calldata srs,
        address decider,
        uint64 deciderConstraints
    ) external returns (uint256 circuitId) {
        if (nConstraints == 0 || nWitness == 0 || stateWidth == 0 || stateWidth > 64 || deciderConstraints == 0) {
            revert CircuitRegistryInvalidSize();
        }
        if (srs.n == 0 || srs.powersHash == bytes32(0)) revert CircuitRegistryInvalidSrs();
        if (decider.code.length == 0) revert CircuitRegistryInvalidDecider(decider);
        _checkTauG2(decider, srs.tauG2);
        bytes32 digest = srsDigest(srs);
        bytes32 codehash = decider.codehash;
        circuitId = ++_count;
        _circuits[circuitId] = Circuit({
            r1csHash: r1csHash,
            srsDigest: digest,
            decider: decider,
            deciderCodehash: codehash,
            nConstraints: nConstraints,
            nWitness: nWitness,
            stateWidth: stateWidth,
            deciderConstraints: deciderConstraints,
            owner: msg.sender
        });
        _emitRegistered(circuitId, r1csHash, nConstraints, nWitness, stateWidth, srs, decider, deciderConstraints);
    }

    /// @dev The decider's KZG `[τ]G2` must be the registered SRS's (docs/trust.md "Registry"). A staticcall, so
    ///      a decider without `tauG2()` or with a malformed answer gets the typed error, never a bare revert.
    function _checkTauG2(address decider, uint256[4] calldata tauG2) private view {
        (bool ok, bytes memory ret) = decider.staticcall(abi.encodeCall(IDeciderVerifierTauG2.tauG2, ()));
        uint256[4] memory reported;
        ok = ok && ret.length == 128;
        if (ok) reported = abi.decode(ret, (uint256[4]));
        if (
            !ok || reported[0] != tauG2[0] || reported[1] != tauG2[1] || reported[2] != tauG2[2]
                || reported[3] != tauG2[3]
        ) revert CircuitRegistryTauG2Mismatch(decider, ok, reported);
    }

    function _emitRegistered(
        uint256 circuitId,
        bytes32 r1csHash,
        uint64 nConstraints,
        uint64 nWitness,
        uint32 stateWidth,
        Srs calldata srs,
        address decider,
        uint64 deciderConstraints
    ) private {
        Circuit storage c = _circuits[circuitId];
        emit CircuitRegistered(
            circuitId,
            msg.sender,
            r1csHash,
            c.srsDigest,
            decider,
            nConstraints,
            nWitness,
            stateWidth,
            deciderConstraints,
            c.deciderCodehash,
            srs
        );
    }
}
