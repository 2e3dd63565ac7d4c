// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IProverRegistry} from "./interfaces/IProverRegistry.sol";
import {SumTree} from "./libraries/SumTree.sol";

/// @title ProverRegistry
/// @notice Prover identities, capacities and ERC-20 stakes; unbonding with a delay; slashing by the market;
///         stake-weighted sortition restricted to provers whose capacity fits a circuit, in O(log P), over the
///         current weights ({sample}) or over the weights at the end of a past block ({sampleAt}, a snapshot).
/// @dev Capacity classes: class `c ∈ [0, 8)` holds provers with `maxConstraints ≥ 2^(10+2c)` (rounded down
///      to the class), one {SumTree} per class. A circuit of `m` constraints is served by the classes with
///      `2^(10+2c) ≥ m`, a suffix of the classes: {sample} picks a class by its total, then descends its
///      tree. So eligibility is conservative: a prover never gets a circuit above its declared capacity,
///      but one declaring 2^15 is only drawn for circuits up to 2^14. A prover's sortition weight is its
///      active stake when that is at least `minStake`, else 0. The trees keep their history by block
///      ({SumTree}): the market draws every attempt of a task over the weights at the end of the block before the
///      task became available, fixed before the seed (a later block's hash) is known, so no stake change after
///      it (a stake, an unstake, a slash) moves that task's draws.
contract ProverRegistry is IProverRegistry, Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using SumTree for SumTree.Tree;

    /// @notice Number of capacity classes.
    uint256 public constant CLASSES = 8;
    /// @notice Smallest declarable capacity (class 0).
    uint64 public constant MIN_CAPACITY = 1 << 10;

    /// @notice Bounds of {unbondingDelay}.
    uint64 public constant MIN_UNBONDING_DELAY = 1 hours;
    uint64 public constant MAX_UNBONDING_DELAY = 180 days;

    IERC20 private immutable _stakeToken;
    /// @notice Minimum active stake to be drawn, to reclaim and to dispute.
    uint256 public immutable minStake;
    /// @notice Seconds between {requestUnstake} and {withdraw}.
    uint64 public unbondingDelay;
    /// @notice The market allowed to slash.
    address public market;
    /// @notice No unstake is released before this time: a decrease of {unbondingDelay} from `old` at time `T` raises
    ///         it to `T + old`, so that a prover who unstakes after the decrease stays slashable as long as under the
    ///         old delay (the market caps a job's deadline by the delay in force at its request).
    uint64 public releaseFloor;

    mapping(address => Prover) private _provers;
    mapping(address => uint256) private _slot; // index in its class's tree (0: none)
    mapping(address => uint256) private _class;
    mapping(address => uint256) private _weight; // weight currently in the tree
    SumTree.Tree[CLASSES] private _trees;
    mapping(address => uint64) private _lockedUntil; // disputable work (lockStake)

    constructor(IERC20 stakeToken_, uint256 minStake_, uint64 unbondingDelay_, address owner_) Ownable(owner_) {
        if (minStake_ == 0) revert ProverRegistryInvalidParameter();
        _checkDelay(unbondingDelay_);
        _stakeToken = stakeToken_;
        minStake = minStake_;
        unbondingDelay = unbondingDelay_;
        emit RegistryParametersSet(unbondingDelay_, minStake_);
    }

    modifier onlyMarket() {
        if (msg.sender != market) revert ProverRegistryOnlyMarket(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IProverRegistry
    function stakeToken() external view returns (address) {
        return address(_stakeToken);
    }

    /// @inheritdoc IProverRegistry
    function isStaked(address prover) public view returns (bool) {
        Prover storage p = _provers[prover];
        return p.registered && p.stake >= minStake && p.stake > 0;
    }

    /// @inheritdoc IProverRegistry
    function isEligible(address prover, uint64 constraints) external view returns (bool) {
        return isStaked(prover) && _classCap(_class[prover]) >= constraints;
    }

    /// @inheritdoc IProverRegistry
    function proverInfo(address prover) external view returns (Prover memory) {
        return _provers[prover];
    }

    /// @inheritdoc IProverRegistry
    function eligibleWeight(uint64 constraints) external view returns (uint256) {
        return _eligibleWeight(constraints, block.number);
    }

    /// @inheritdoc IProverRegistry
    function eligibleWeightAt(uint64 constraints, uint64 blockNumber) external view returns (uint256) {
        if (blockNumber >= block.number) revert ProverRegistryFutureSnapshot(blockNumber);
        return _eligibleWeight(constraints, blockNumber);
    }

    /// @inheritdoc IProverRegistry
    function sample(uint256 seed, uint64 constraints) external view returns (address) {
        return _sample(seed, constraints, block.number);
    }

    /// @inheritdoc IProverRegistry
    function sampleAt(uint256 seed, uint64 constraints, uint64 blockNumber) external view returns (address) {
        if (blockNumber >= block.number) revert ProverRegistryFutureSnapshot(blockNumber);
        return _sample(seed, constraints, blockNumber);
    }

    function _eligibleWeight(uint64 constraints, uint256 b) private view returns (uint256 w) {
        for (uint256 c = _firstClass(constraints); c < CLASSES; c++) {
            w += _trees[c].totalAt(b);
        }
    }

    /// @dev The draw over the weights at the end of block `b` (`b = block.number`: the current weights).
    function _sample(uint256 seed, uint64 constraints, uint256 b) private view returns (address) {
        uint256 first = _firstClass(constraints);
        uint256[CLASSES] memory totals;
        uint256 sum;
        for (uint256 c = first; c < CLASSES; c++) {
            totals[c] = _trees[c].totalAt(b);
            sum += totals[c];
        }
        if (sum == 0) revert ProverRegistryNoEligibleProver(constraints);
        uint256 value = seed % sum;
        for (uint256 c = first; c < CLASSES; c++) {
            if (value < totals[c]) return _trees[c].findAt(value, b);
            value -= totals[c];
        }
        revert ProverRegistryNoEligibleProver(constraints); // unreachable
    }

    // ---------------------------------------------------------------- provers

    /// @inheritdoc IProverRegistry
    function register(bytes calldata peerId, uint64 maxConstraints, bool gpu) external {
        Prover storage p = _provers[msg.sender];
        if (p.registered) revert ProverRegistryAlreadyRegistered(msg.sender);
        _checkProfile(peerId, maxConstraints);
        p.registered = true;
        p.peerId = peerId;
        p.maxConstraints = maxConstraints;
        p.gpu = gpu;
        uint256 c = _classOf(maxConstraints);
        _class[msg.sender] = c;
        _slot[msg.sender] = _trees[c].push(msg.sender);
        emit ProverRegistered(msg.sender, peerId, maxConstraints, gpu);
    }

    /// @inheritdoc IProverRegistry
    function update(bytes calldata peerId, uint64 maxConstraints, bool gpu) external {
        Prover storage p = _provers[msg.sender];
        if (!p.registered) revert ProverRegistryNotRegistered(msg.sender);
        _checkProfile(peerId, maxConstraints);
        p.peerId = peerId;
        p.maxConstraints = maxConstraints;
        p.gpu = gpu;
        uint256 c = _classOf(maxConstraints);
        if (c != _class[msg.sender]) {
            uint256 w = _weight[msg.sender];
            _setWeight(msg.sender, 0);
            _class[msg.sender] = c;
            _slot[msg.sender] = _trees[c].push(msg.sender);
            _setWeight(msg.sender, w);
        }
        emit ProverUpdated(msg.sender, peerId, maxConstraints, gpu);
    }

    /// @inheritdoc IProverRegistry
    function stake(uint256 amount) external nonReentrant {
        Prover storage p = _provers[msg.sender];
        if (!p.registered) revert ProverRegistryNotRegistered(msg.sender);
        if (amount == 0) revert ProverRegistryZeroAmount();
        uint256 before = _stakeToken.balanceOf(address(this));
        _stakeToken.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _stakeToken.balanceOf(address(this)) - before;
        p.stake += received;
        _syncWeight(msg.sender);
        emit Staked(msg.sender, received, p.stake);
    }

    /// @inheritdoc IProverRegistry
    function requestUnstake(uint256 amount) external {
        Prover storage p = _provers[msg.sender];
        if (!p.registered) revert ProverRegistryNotRegistered(msg.sender);
        if (amount == 0) revert ProverRegistryZeroAmount();
        if (amount > p.stake) revert ProverRegistryInsufficientStake(msg.sender, p.stake, amount);
        p.stake -= amount;
        p.unbonding += amount;
        uint64 releaseAt = uint64(block.timestamp) + unbondingDelay;
        if (releaseAt < releaseFloor) releaseAt = releaseFloor;
        p.releaseAt = releaseAt;
        _syncWeight(msg.sender);
        emit UnstakeRequested(msg.sender, amount, p.stake, p.unbonding, releaseAt);
    }

    /// @inheritdoc IProverRegistry
    function withdraw() external nonReentrant {
        Prover storage p = _provers[msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert ProverRegistryNothingToWithdraw(msg.sender);
        uint64 until = p.releaseAt > _lockedUntil[msg.sender] ? p.releaseAt : _lockedUntil[msg.sender];
        if (block.timestamp < until) revert ProverRegistryStillUnbonding(msg.sender, until);
        p.unbonding = 0;
        _stakeToken.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- market

    /// @inheritdoc IProverRegistry
    function slash(address prover, uint256 amount, address beneficiary, bytes32 reason)
        external
        onlyMarket
        nonReentrant
        returns (uint256 slashed)
    {
        Prover storage p = _provers[prover];
        uint256 fromStake = amount < p.stake ? amount : p.stake;
        p.stake -= fromStake;
        uint256 rest = amount - fromStake;
        uint256 fromUnbonding = rest < p.unbonding ? rest : p.unbonding;
        p.unbonding -= fromUnbonding;
        slashed = fromStake + fromUnbonding;
        _syncWeight(prover);
        if (slashed > 0) _stakeToken.safeTransfer(beneficiary, slashed);
        emit Slashed(prover, beneficiary, slashed, reason, p.stake, p.unbonding);
    }

    /// @inheritdoc IProverRegistry
    function lockStake(address prover, uint64 until) external onlyMarket {
        if (until <= _lockedUntil[prover]) return;
        _lockedUntil[prover] = until;
        emit StakeLocked(prover, until);
    }

    /// @inheritdoc IProverRegistry
    function lockedUntil(address prover) external view returns (uint64) {
        return _lockedUntil[prover];
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the market allowed to slash; once. Emits a {MarketSet} event.
    function setMarket(address market_) external onlyOwner {
        if (market != address(0) || market_ == address(0)) revert ProverRegistryInvalidMarket(market_);
        market = market_;
        emit MarketSet(market_);
    }

    /// @notice Sets the unbonding delay (applies to later requests), within `[MIN_UNBONDING_DELAY,
    ///         MAX_UNBONDING_DELAY]`. A decrease shortens no release before the old delay has passed since it
    ///         ({releaseFloor}): open jobs were requested with deadlines under the old delay, and every prover in
    ///         their stake snapshots must stay slashable until they close. Emits a {RegistryParametersSet} event.
    function setUnbondingDelay(uint64 delay) external onlyOwner {
        _checkDelay(delay);
        uint64 old = unbondingDelay;
        if (delay < old) {
            uint64 floor = uint64(block.timestamp) + old;
            if (floor > releaseFloor) releaseFloor = floor;
        }
        unbondingDelay = delay;
        emit RegistryParametersSet(delay, minStake);
    }

    // ---------------------------------------------------------------- internal

    function _checkDelay(uint64 delay) private pure {
        if (delay < MIN_UNBONDING_DELAY || delay > MAX_UNBONDING_DELAY) revert ProverRegistryInvalidParameter();
    }

    function _checkProfile(bytes calldata peerId, uint64 maxConstraints) private pure {
        if (peerId.length == 0 || peerId.length > 128) revert ProverRegistryInvalidPeerId(peerId.length);
        if (maxConstraints < MIN_CAPACITY) revert ProverRegistryCapacityTooSmall(maxConstraints, MIN_CAPACITY);
    }

    function _syncWeight(address prover) private {
        uint256 s = _provers[prover].stake;
        _setWeight(prover, s >= minStake ? s : 0);
    }

    function _setWeight(address prover, uint256 w) private {
        uint256 old = _weight[prover];
        if (w == old) return;
        SumTree.Tree storage t = _trees[_class[prover]];
        uint256 slot = _slot[prover];
        if (w > old) t.add(slot, w - old);
        else t.sub(slot, old - w);
        _weight[prover] = w;
    }

    /// @dev Class `c` guarantees `maxConstraints ≥ 2^(10+2c)`.
    function _classOf(uint64 maxConstraints) private pure returns (uint256 c) {
        uint256 log2 = 0;
        for (uint256 v = maxConstraints; v > 1; v >>= 1) log2++;
        c = (log2 - 10) / 2;
        if (c >= CLASSES) c = CLASSES - 1;
    }

    function _classCap(uint256 c) private pure returns (uint256) {
        return uint256(1) << (10 + 2 * c);
    }

    /// @dev The first class whose guaranteed capacity fits `constraints` (CLASSES when none does).
    function _firstClass(uint64 constraints) private pure returns (uint256 c) {
        while (c < CLASSES && _classCap(c) < constraints) c++;
    }
}
