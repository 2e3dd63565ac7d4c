// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarket, IMarketTypes} from "../interfaces/IMarket.sol";
import {IProofConsumer} from "../interfaces/IProofConsumer.sol";

/// @title ProofConsumerExample
/// @notice An app contract that asks the NovaNet market for a proof and acts on the verified result
///         (docs/apps.md). It is the job's requester, so the market calls its {onProofVerified} — with a gas
///         cap (`Params.callbackGasLimit`), after the decider proof was checked on-chain — with `z_N`.
///         The request itself (boundary-state manifest, `z_0`, `z_1`) is built off-chain by
///         `prepareRequest` (prover/src/app/request.ts) and passed in; the fee and the requester bond are
///         paid in ETH with the call (`msg.value = fee + bond`).
contract ProofConsumerExample is IProofConsumer {
    /// @notice The market this contract trusts to report verified jobs.
    IMarket public immutable market;
    address public immutable owner;

    /// @notice Jobs this contract requested (and has not yet seen verified).
    mapping(uint256 jobId => bool) public pending;
    /// @notice `z_N` of each verified job.
    mapping(uint256 jobId => uint256[]) internal _results;

    event ProofRequested(uint256 indexed jobId, uint256 nLeaves);
    event ProofReceived(uint256 indexed jobId, uint256[] zOut);

    error NotOwner(address caller);
    error NotMarket(address caller);
    error UnknownJob(uint256 jobId);

    constructor(IMarket market_) {
        market = market_;
        owner = msg.sender;
    }

    /// @notice Requests a proof of `request` from the market, paying `msg.value` (fee + bond, in ETH).
    function requestProof(IMarketTypes.Request calldata request) external payable returns (uint256 jobId) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        jobId = market.requestProof{value: msg.value}(request);
        pending[jobId] = true;
        emit ProofRequested(jobId, request.nLeaves);
    }

    /// @inheritdoc IProofConsumer
    /// @dev Only the market may report; keep this cheap (it runs under the market's gas cap, and a revert
    ///      here never undoes the verification: the result would then have to be read with `market.getJob`).
    function onProofVerified(uint256 jobId, uint256[] calldata zOut) external {
        if (msg.sender != address(market)) revert NotMarket(msg.sender);
        if (!pending[jobId]) revert UnknownJob(jobId);
        pending[jobId] = false;
        _results[jobId] = zOut;
        emit ProofReceived(jobId, zOut);
    }

    /// @notice `z_N` of a verified job (empty before).
    function result(uint256 jobId) external view returns (uint256[] memory) {
        return _results[jobId];
    }

    /// @notice Refunds (a cancelled or expired job's fee and bond) come back here.
    receive() external payable {}

    /// @notice Sends this contract's ETH (refunds) to the owner.
    function withdraw() external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        (bool ok,) = owner.call{value: address(this).balance}("");
        require(ok);
    }
}
