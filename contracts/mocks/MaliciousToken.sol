// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MaliciousToken
/// @notice TEST ONLY: an ERC-20 whose `transfer` (and `transferFrom`), when armed, calls back into a target
///         (e.g. `ProofMarket.claim(token)`) before moving tokens, and records whether the re-entry succeeded.
contract MaliciousToken is ERC20 {
    address public target;
    bytes public payload;
    bool public armed;
    uint256 public attempts;
    uint256 public successes;
    bytes public lastError;

    constructor() ERC20("Malicious", "MAL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the hook: the next transfers call `target` with `payload`.
    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        _reenter();
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _reenter();
        return super.transferFrom(from, to, value);
    }

    function _reenter() private {
        if (!armed) return;
        armed = false; // one attempt per arming
        attempts++;
        (bool ok, bytes memory err) = target.call(payload);
        if (ok) successes++;
        else lastError = err;
    }
}
