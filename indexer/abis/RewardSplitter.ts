/** ABI of RewardSplitter, generated from artifacts/contracts/RewardSplitter.sol/RewardSplitter.json by `npm run abis`. Do not edit. */
export const RewardSplitterAbi = [
  { inputs: [{ internalType: "address", name: "owner", type: "address" }], name: "OwnableInvalidOwner", type: "error" },
  {
    inputs: [{ internalType: "address", name: "account", type: "address" }],
    name: "OwnableUnauthorizedAccount",
    type: "error",
  },
  { inputs: [], name: "ReentrancyGuardReentrantCall", type: "error" },
  {
    inputs: [
      { internalType: "address", name: "to", type: "address" },
      { internalType: "uint256", name: "amount", type: "uint256" },
    ],
    name: "RewardSplitterEthTransferFailed",
    type: "error",
  },
  { inputs: [], name: "RewardSplitterInvalidWeights", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "RewardSplitterNotReleasable",
    type: "error",
  },
  {
    inputs: [
      { internalType: "address", name: "account", type: "address" },
      { internalType: "address", name: "token", type: "address" },
    ],
    name: "RewardSplitterNothingToClaim",
    type: "error",
  },
  {
    inputs: [{ internalType: "address", name: "token", type: "address" }],
    name: "SafeERC20FailedOperation",
    type: "error",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "address", name: "account", type: "address" },
      { indexed: true, internalType: "address", name: "token", type: "address" },
      { indexed: false, internalType: "uint256", name: "amount", type: "uint256" },
    ],
    name: "Claimed",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "address", name: "account", type: "address" },
      { indexed: true, internalType: "address", name: "token", type: "address" },
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "amount", type: "uint256" },
      { indexed: false, internalType: "bytes32", name: "reason", type: "bytes32" },
    ],
    name: "Credited",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "address", name: "previousOwner", type: "address" },
      { indexed: true, internalType: "address", name: "newOwner", type: "address" },
    ],
    name: "OwnershipTransferred",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "leafReward", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "foldReward", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "decisionReward", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "dust", type: "uint256" },
    ],
    name: "RewardsFixed",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: false, internalType: "uint64", name: "leaf", type: "uint64" },
      { indexed: false, internalType: "uint64", name: "fold", type: "uint64" },
      { indexed: false, internalType: "uint64", name: "decision", type: "uint64" },
    ],
    name: "WeightsSet",
    type: "event",
  },
  {
    inputs: [{ internalType: "address", name: "token", type: "address" }],
    name: "claim",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "address", name: "account", type: "address" },
      { internalType: "address", name: "token", type: "address" },
    ],
    name: "claimable",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [],
    name: "owner",
    outputs: [{ internalType: "address", name: "", type: "address" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256[]", name: "taskIds", type: "uint256[]" },
    ],
    name: "release",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  { inputs: [], name: "renounceOwnership", outputs: [], stateMutability: "nonpayable", type: "function" },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "rewardsOf",
    outputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      {
        components: [
          { internalType: "uint64", name: "leaf", type: "uint64" },
          { internalType: "uint64", name: "fold", type: "uint64" },
          { internalType: "uint64", name: "decision", type: "uint64" },
        ],
        internalType: "struct IRewardSplitter.Weights",
        name: "weights_",
        type: "tuple",
      },
    ],
    name: "setWeights",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [{ internalType: "address", name: "newOwner", type: "address" }],
    name: "transferOwnership",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [],
    name: "weights",
    outputs: [
      { internalType: "uint64", name: "leaf", type: "uint64" },
      { internalType: "uint64", name: "fold", type: "uint64" },
      { internalType: "uint64", name: "decision", type: "uint64" },
    ],
    stateMutability: "view",
    type: "function",
  },
] as const;
