// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IProverRegistry
/// @notice Provers register a libp2p peer id and a capacity, stake an ERC-20, unbond with a delay and can be
///         slashed by the market. Stake-weighted sortition over the provers whose capacity fits a circuit
///         runs in O(log P) (one Fenwick tree per capacity class, see docs/contracts.md).
interface IProverRegistry {
    /// @notice A prover's public record.
    /// @param peerId The libp2p peer id (multihash bytes) the prover's node listens as.
    /// @param maxConstraints The largest circuit (in R1CS constraints) the prover accepts.
    /// @param gpu Whether the node advertises a GPU backend.
    /// @param stake Active stake (counts for sortition and slashing).
    /// @param unbonding Stake waiting for its unbonding delay (still slashable, no sortition weight).
    /// @param releaseAt When `unbonding` becomes withdrawable.
    struct Prover {
        bytes peerId;
        uint64 maxConstraints;
        bool gpu;
        bool registered;
        uint256 stake;
        uint256 unbonding;
        uint64 releaseAt;
    }

    /// @notice A prover registered. Emitted once per address.
    event ProverRegistered(address indexed prover, bytes peerId, uint64 maxConstraints, bool gpu);
    /// @notice A prover changed its peer id or capacity.
    event ProverUpdated(address indexed prover, bytes peerId, uint64 maxConstraints, bool gpu);
    /// @notice `amount` was added to `prover`'s active stake, which is now `totalStake`.
    event Staked(address indexed prover, uint256 amount, uint256 totalStake);
    /// @notice `amount` moved from active stake to unbonding; all unbonding stake (`totalUnbonding`) is
    ///         withdrawable at `releaseAt`. `totalStake` is the remaining active stake.
    event UnstakeRequested(
        address indexed prover, uint256 amount, uint256 totalStake, uint256 totalUnbonding, uint64 releaseAt
    );
    /// @notice `amount` of unbonded stake was paid out to `prover`.
    event Withdrawn(address indexed prover, uint256 amount);
    /// @notice The market slashed `amount` of `prover`'s stake (active first, then unbonding) and sent it
    ///         to `beneficiary`. `reason` is a short tag ("liveness", "dispute"). `totalStake` and
    ///         `totalUnbonding` are the prover's balances afterwards.
    event Slashed(
        address indexed prover,
        address indexed beneficiary,
        uint256 amount,
        bytes32 reason,
        uint256 totalStake,
        uint256 totalUnbonding
    );
    /// @notice The market locked `prover`'s stake (active and unbonding) until `until`: it has work that can
    ///         still be disputed, so {withdraw} waits for it.
    event StakeLocked(address indexed prover, uint64 until);
    /// @notice The market allowed to slash was set (once).
    event MarketSet(address indexed market);
    /// @notice The governance parameters changed.
    event RegistryParametersSet(uint64 unbondingDelay, uint256 minStake);

    /// @notice The caller is already registered.
    error ProverRegistryAlreadyRegistered(address prover);
    /// @notice The address is not registered.
    error ProverRegistryNotRegistered(address prover);
    /// @notice The peer id is empty or longer than 128 bytes.
    error ProverRegistryInvalidPeerId(uint256 length);
    /// @notice The capacity is below the smallest capacity class (2^10 constraints).
    error ProverRegistryCapacityTooSmall(uint64 maxConstraints, uint64 minimum);
    /// @notice A zero amount was given.
    error ProverRegistryZeroAmount();
    /// @notice The prover has less active stake than requested.
    error ProverRegistryInsufficientStake(address prover, uint256 available, uint256 requested);
    /// @notice There is no unbonding stake to withdraw.
    error ProverRegistryNothingToWithdraw(address prover);
    /// @notice The unbonding delay has not elapsed.
    error ProverRegistryStillUnbonding(address prover, uint64 releaseAt);
    /// @notice Only the market may call this.
    error ProverRegistryOnlyMarket(address caller);
    /// @notice The market was already set, or is the zero address.
    error ProverRegistryInvalidMarket(address market);
    /// @notice A snapshot was asked for a block that is not yet final (`blockNumber ≥ block.number`).
    error ProverRegistryFutureSnapshot(uint64 blockNumber);
    /// @notice A governance parameter outside its bounds (`minStake` 0, an unbonding delay outside [1 h, 180 days]).
    error ProverRegistryInvalidParameter();
    /// @notice No staked prover's capacity class fits a circuit of `constraints` constraints.
    error ProverRegistryNoEligibleProver(uint64 constraints);

    /// @notice Registers the caller. Emits a {ProverRegistered} event.
    function register(bytes calldata peerId, uint64 maxConstraints, bool gpu) external;
    /// @notice Changes the caller's peer id or capacity. Emits a {ProverUpdated} event.
    function update(bytes calldata peerId, uint64 maxConstraints, bool gpu) external;
    /// @notice Adds `amount` of the stake token (pulled with transferFrom). Emits a {Staked} event.
    function stake(uint256 amount) external;
    /// @notice Moves `amount` of active stake to unbonding and restarts the delay. Emits {UnstakeRequested}.
    function requestUnstake(uint256 amount) external;
    /// @notice Pays out all unbonding stake once its delay elapsed. Emits a {Withdrawn} event.
    function withdraw() external;
    /// @notice Slashes up to `amount` (active stake first, then unbonding) to `beneficiary`; only the
    ///         market. Returns what was actually slashed. Emits a {Slashed} event.
    function slash(address prover, uint256 amount, address beneficiary, bytes32 reason) external returns (uint256);

    /// @notice Keeps `prover`'s stake from being withdrawn before `until` (only raises the lock). Only the
    ///         market: called when the prover submits work that stays disputable until `until`. Emits {StakeLocked}.
    function lockStake(address prover, uint64 until) external;

    /// @notice The time before which {withdraw} reverts for `prover` because of disputable work.
    function lockedUntil(address prover) external view returns (uint64);

    /// @notice The minimum active stake to be drawn, to reclaim and to dispute.
    function minStake() external view returns (uint256);
    /// @notice Seconds between {requestUnstake} and {withdraw} for an unstake requested now (but see {releaseFloor}).
    function unbondingDelay() external view returns (uint64);
    /// @notice No unstake requested from now on is released before this time (raised by a decrease of the delay
    ///         to the decrease's time plus the old delay).
    function releaseFloor() external view returns (uint64);
    /// @notice The ERC-20 staked.
    function stakeToken() external view returns (address);
    /// @notice Whether `prover` is registered with at least the minimum active stake.
    function isStaked(address prover) external view returns (bool);
    /// @notice Whether `prover` is staked and its capacity class fits `constraints`.
    function isEligible(address prover, uint64 constraints) external view returns (bool);
    /// @notice A prover's record.
    function proverInfo(address prover) external view returns (Prover memory);
    /// @notice Stake-weighted draw among eligible provers for a circuit of `constraints` constraints.
    ///         Deterministic in `seed` and the current stakes; O(log P).
    function sample(uint256 seed, uint64 constraints) external view returns (address);
    /// @notice Total sortition weight eligible for a circuit of `constraints` constraints.
    function eligibleWeight(uint64 constraints) external view returns (uint256);
    /// @notice {sample} over the weights as they were at the end of block `blockNumber` (< the current block):
    ///         deterministic in `seed` and that snapshot, whatever changed since; O(log P) when the weights read
    ///         have not changed since `blockNumber` (a search of their history otherwise).
    function sampleAt(uint256 seed, uint64 constraints, uint64 blockNumber) external view returns (address);
    /// @notice {eligibleWeight} at the end of block `blockNumber` (< the current block).
    function eligibleWeightAt(uint64 constraints, uint64 blockNumber) external view returns (uint256);
}
