// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SumTree
/// @notice A Fenwick (binary indexed) tree of non-negative weights over slots `1..size`, growing by one
///         slot at a time, with weighted sampling in O(log size).
/// @dev The capacity is the smallest power of two ≥ size. When it doubles from `c` to `2c`, node `2c`
///      covers `(0, 2c]`, i.e. every existing slot, so it is set to the total; the other new nodes cover
///      only empty slots and stay zero. {find} descends from the top node, so it reads ⌈log2 size⌉+1 nodes.
library SumTree {
    struct Tree {
        uint256 size;
        uint256 cap;
        uint256 total;
        mapping(uint256 => uint256) node;
        mapping(uint256 => address) owner;
    }

    /// @notice Appends an empty slot owned by `who` and returns its index (1-based).
    function push(Tree storage t, address who) internal returns (uint256 index) {
        index = t.size + 1;
        t.size = index;
        uint256 cap = t.cap;
        if (index > cap) {
            cap = cap == 0 ? 1 : cap * 2;
            t.node[cap] = t.total;
            t.cap = cap;
        }
        t.owner[index] = who;
    }

    /// @notice Adds `amount` to slot `index`'s weight.
    function add(Tree storage t, uint256 index, uint256 amount) internal {
        uint256 cap = t.cap;
        for (uint256 i = index; i <= cap; i += i & (~i + 1)) {
            t.node[i] += amount;
        }
        t.total += amount;
    }

    /// @notice Subtracts `amount` from slot `index`'s weight (which must be at least `amount`).
    function sub(Tree storage t, uint256 index, uint256 amount) internal {
        uint256 cap = t.cap;
        for (uint256 i = index; i <= cap; i += i & (~i + 1)) {
            t.node[i] -= amount;
        }
        t.total -= amount;
    }

    /// @notice The owner of the slot whose cumulative weight range contains `value` (requires
    ///         `value < total`): slot `i` is returned with probability weight(i)/total for uniform `value`.
    function find(Tree storage t, uint256 value) internal view returns (address) {
        uint256 pos = 0;
        uint256 cap = t.cap;
        for (uint256 step = cap; step > 0; step >>= 1) {
            uint256 next = pos + step;
            if (next <= cap) {
                uint256 w = t.node[next];
                if (w <= value) {
                    pos = next;
                    value -= w;
                }
            }
        }
        return t.owner[pos + 1];
    }

    /// @notice The sum of the weights of slots `1..index`.
    function prefix(Tree storage t, uint256 index) internal view returns (uint256 s) {
        for (uint256 i = index; i > 0; i -= i & (~i + 1)) {
            s += t.node[i];
        }
    }
}
