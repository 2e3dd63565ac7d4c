// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SumTree
/// @notice A Fenwick (binary indexed) tree of non-negative weights over slots `1..size`, growing by one slot at
///         a time, with weighted sampling in O(log size), that keeps its history by block: a draw can read the
///         tree as it was at the end of any past block (a snapshot), so a weight change cannot move a draw
///         whose snapshot predates it.
/// @dev Every node (and the total, kept as node 0) is one word `block(40) | len(24) | value(192)`: its value
///      since `block`, and how many older values it has; each older value is one word `block(40) | value(216)`
///      in the node's history, in block order. The first change of a node in a block moves the word it replaces
///      to the history (one new storage slot); later changes in the same block overwrite it. Reading a node at
///      block `b` costs one read when it has not changed since `b`, else a search of its history from the end.
///      The capacity (the smallest power of two ≥ size) is read at `b` from the block at which each capacity
///      was reached: when it doubles from `c` to `2c`, node `2c` covers `(0, 2c]` (every existing slot), so it
///      is set to the total; the other new nodes cover only empty slots and stay zero. A draw at `b` descends
///      from the capacity of `b`, so it never reads a node created later.
library SumTree {
    /// @notice A value does not fit the 192 bits of a node, or a block number the 40 bits of a key.
    error SumTreeOverflow();

    uint256 private constant VALUE_BITS = 192;
    uint256 private constant VALUE_MASK = (uint256(1) << 192) - 1;
    uint256 private constant HIST_MASK = (uint256(1) << 216) - 1;

    struct Tree {
        uint256 size;
        uint256 cap; // capacity | block it was reached << 128 (one read for a draw)
        mapping(uint256 => uint256) node; // 0: the total; 1..cap: Fenwick nodes (current word)
        mapping(uint256 => mapping(uint256 => uint256)) hist; // node => k => older word
        mapping(uint256 => uint256) capSince; // capacity => block it was reached
        mapping(uint256 => address) owner;
    }

    /// @notice Appends an empty slot owned by `who` and returns its index (1-based).
    function push(Tree storage t, address who) internal returns (uint256 index) {
        index = t.size + 1;
        t.size = index;
        uint256 cap = uint128(t.cap);
        if (index > cap) {
            cap = cap == 0 ? 1 : cap * 2;
            _write(t, cap, valueAt(t, 0, block.number));
            t.cap = cap | (block.number << 128);
            t.capSince[cap] = block.number;
        }
        t.owner[index] = who;
    }

    /// @notice Adds `amount` to slot `index`'s weight.
    function add(Tree storage t, uint256 index, uint256 amount) internal {
        uint256 cap = uint128(t.cap);
        for (uint256 i = index; i <= cap; i += i & (~i + 1)) {
            _write(t, i, _current(t, i) + amount);
        }
        _write(t, 0, _current(t, 0) + amount);
    }

    /// @notice Subtracts `amount` from slot `index`'s weight (which must be at least `amount`).
    function sub(Tree storage t, uint256 index, uint256 amount) internal {
        uint256 cap = uint128(t.cap);
        for (uint256 i = index; i <= cap; i += i & (~i + 1)) {
            _write(t, i, _current(t, i) - amount);
        }
        _write(t, 0, _current(t, 0) - amount);
    }

    /// @notice The total weight at the end of block `b` (the current total for `b ≥ block.number`).
    function totalAt(Tree storage t, uint256 b) internal view returns (uint256) {
        return valueAt(t, 0, b);
    }

    /// @notice The owner of the slot whose cumulative weight range contains `value` in the tree as it was at the
    ///         end of block `b` (requires `value < totalAt(b)`): slot `i` is returned with probability
    ///         weight_b(i)/total_b for uniform `value`.
    function findAt(Tree storage t, uint256 value, uint256 b) internal view returns (address) {
        uint256 word = t.cap;
        uint256 cap = uint128(word);
        if (word >> 128 > b) {
            cap >>= 1;
            while (cap != 0 && t.capSince[cap] > b) cap >>= 1;
        }
        uint256 pos = 0;
        for (uint256 step = cap; step > 0; step >>= 1) {
            uint256 next = pos + step;
            if (next <= cap) {
                uint256 w = valueAt(t, next, b);
                if (w <= value) {
                    pos = next;
                    value -= w;
                }
            }
        }
        return t.owner[pos + 1];
    }

    /// @notice Node `i`'s value at the end of block `b`.
    function valueAt(Tree storage t, uint256 i, uint256 b) internal view returns (uint256) {
        uint256 word = t.node[i];
        if (word >> 216 <= b) return word & VALUE_MASK;
        uint256 len = (word >> VALUE_BITS) & 0xFFFFFF;
        if (len == 0) return 0;
        mapping(uint256 => uint256) storage h = t.hist[i];
        // Most reads are of a recent block: try the newest older value first, then search.
        uint256 last = h[len - 1];
        if (last >> 216 <= b) return last & HIST_MASK;
        uint256 lo = 0;
        uint256 hi = len - 1; // the answer is below hi: the last k < hi with key(k) ≤ b, or none
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (h[mid] >> 216 <= b) lo = mid + 1;
            else hi = mid;
        }
        return lo == 0 ? 0 : h[lo - 1] & HIST_MASK;
    }

    function _current(Tree storage t, uint256 i) private view returns (uint256) {
        return t.node[i] & VALUE_MASK;
    }

    function _write(Tree storage t, uint256 i, uint256 value) private {
        if (value > VALUE_MASK || block.number >> 40 != 0) revert SumTreeOverflow();
        uint256 word = t.node[i];
        uint256 len = (word >> VALUE_BITS) & 0xFFFFFF;
        if (word != 0 && word >> 216 != block.number) {
            t.hist[i][len] = (word & ~(uint256(0xFFFFFF) << VALUE_BITS));
            len++;
        }
        t.node[i] = (block.number << 216) | (len << VALUE_BITS) | value;
    }
}
