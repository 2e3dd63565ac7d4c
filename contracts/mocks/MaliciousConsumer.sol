// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProofConsumer} from "../interfaces/IProofConsumer.sol";

/// @title MaliciousConsumer
/// @notice TEST ONLY: a requester contract whose `onProofVerified` misbehaves in a chosen way:
///         0 revert, 1 burn all its gas, 2 re-enter the market with `payload`, 3 return a huge return
///         value (a return bomb), 4 behave (record the result).
contract MaliciousConsumer is IProofConsumer {
    address public immutable market;
    uint8 public mode;
    bytes public payload;
    bool public reentrySucceeded;
    uint256 public calls;
    uint256 public lastJobId;
    uint256[] public lastZOut;

    error MaliciousConsumerRevert();

    constructor(address market_) {
        market = market_;
    }

    /// @notice Refuses ETH in mode 5 (to test a failing ETH payout).
    receive() external payable {
        if (mode == 5) revert MaliciousConsumerRevert();
    }

    function setMode(uint8 mode_, bytes calldata payload_) external {
        mode = mode_;
        payload = payload_;
    }

    /// @notice Forwards any call to the market (requests, approvals through `target`), as the requester.
    function exec(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function onProofVerified(uint256 jobId, uint256[] calldata zOut) external {
        if (mode == 0) revert MaliciousConsumerRevert();
        if (mode == 1) {
            while (true) {
                calls++;
            }
        }
        if (mode == 2) {
            (bool ok,) = market.call(payload);
            reentrySucceeded = ok;
            calls++;
            return;
        }
        if (mode == 3) {
            assembly ("memory-safe") {
                return(0, 100000)
            }
        }
        calls++;
        lastJobId = jobId;
        lastZOut = zOut;
    }
}
