/** ABI of Market, generated from artifacts/contracts/market/Market.sol/Market.json by `npm run abis`. Do not edit. */
export const MarketAbi = [
  {
    inputs: [
      { internalType: "contract IProverRegistry", name: "registry_", type: "address" },
      { internalType: "contract ICircuitRegistry", name: "circuits_", type: "address" },
      {
        components: [
          { internalType: "uint256", name: "minFee", type: "uint256" },
          { internalType: "uint16", name: "requesterBondBps", type: "uint16" },
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "window", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint64", name: "maxJobDuration", type: "uint64" },
          { internalType: "uint16", name: "burnBps", type: "uint16" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
        ],
        internalType: "struct IMarketTypes.Params",
        name: "params_",
        type: "tuple",
      },
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
      { internalType: "address", name: "owner_", type: "address" },
      { internalType: "address", name: "extension_", type: "address" },
    ],
    stateMutability: "nonpayable",
    type: "constructor",
  },
  {
    inputs: [{ internalType: "uint256", name: "precompile", type: "uint256" }],
    name: "Bn254PrecompileFailed",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "left", type: "uint256" },
      { internalType: "uint256", name: "right", type: "uint256" },
    ],
    name: "FoldLengthMismatch",
    type: "error",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "MarketBundleDataMismatch",
    type: "error",
  },
  { inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }], name: "MarketBundleValid", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "gasLeft", type: "uint256" },
      { internalType: "uint256", name: "needed", type: "uint256" },
    ],
    name: "MarketCallbackGas",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint64", name: "challengeEnd", type: "uint64" },
    ],
    name: "MarketChallengeClosed",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint64", name: "challengeEnd", type: "uint64" },
    ],
    name: "MarketChallengeOpen",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint64", name: "deadline", type: "uint64" },
      { internalType: "uint64", name: "unbondingEnd", type: "uint64" },
    ],
    name: "MarketDeadlineAfterUnbonding",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "MarketDeciderRejected",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "MarketDiscontinuity",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "MarketDisputeState",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint16", name: "openDisputes", type: "uint16" },
    ],
    name: "MarketDisputesPending",
    type: "error",
  },
  { inputs: [], name: "MarketInvalidBatch", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "required", type: "uint256" },
      { internalType: "uint256", name: "sent", type: "uint256" },
    ],
    name: "MarketInvalidBond",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint64", name: "deadline", type: "uint64" },
      { internalType: "uint64", name: "minimum", type: "uint64" },
      { internalType: "uint64", name: "maximum", type: "uint64" },
    ],
    name: "MarketInvalidDeadline",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "fee", type: "uint256" },
      { internalType: "uint256", name: "value", type: "uint256" },
    ],
    name: "MarketInvalidFee",
    type: "error",
  },
  { inputs: [], name: "MarketInvalidParams", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "nLeaves", type: "uint256" },
      { internalType: "uint256", name: "chunkLog", type: "uint256" },
    ],
    name: "MarketInvalidShape",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "length", type: "uint256" },
      { internalType: "uint256", name: "expected", type: "uint256" },
    ],
    name: "MarketInvalidStateLength",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "MarketInvalidTask",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "MarketJobNotExpired",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "enum IMarketTypes.JobStatus", name: "status", type: "uint8" },
    ],
    name: "MarketJobNotOpen",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "MarketManifestMismatch",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "MarketNoEligibleProver",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "MarketNodeMismatch",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      { internalType: "address", name: "caller", type: "address" },
      { internalType: "address", name: "assignee", type: "address" },
    ],
    name: "MarketNotAssignee",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
      { internalType: "uint64", name: "until", type: "uint64" },
    ],
    name: "MarketNotExpired",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint8", name: "reason", type: "uint8" },
      { internalType: "uint256", name: "index", type: "uint256" },
    ],
    name: "MarketNotImpossible",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "enum IMarketTypes.JobStatus", name: "status", type: "uint8" },
    ],
    name: "MarketNotProposed",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "address", name: "caller", type: "address" },
    ],
    name: "MarketNotRequester",
    type: "error",
  },
  { inputs: [{ internalType: "address", name: "caller", type: "address" }], name: "MarketNotStaked", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "MarketPastDeadline",
    type: "error",
  },
  { inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }], name: "MarketRootExists", type: "error" },
  {
    inputs: [{ internalType: "uint256", name: "value", type: "uint256" }],
    name: "MarketScalarNotInField",
    type: "error",
  },
  {
    inputs: [{ internalType: "uint256", name: "blockNumber", type: "uint256" }],
    name: "MarketSeedUnavailable",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      { internalType: "uint64", name: "snapshotBlock", type: "uint64" },
    ],
    name: "MarketSnapshotNotEmpty",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "MarketTaskDone",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "MarketTaskNotReady",
    type: "error",
  },
  { inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }], name: "MarketUnknownJob", type: "error" },
  { inputs: [], name: "MarketZ0Mismatch", type: "error" },
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
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "uint32", name: "attempt", type: "uint32" },
      { indexed: false, internalType: "uint256", name: "slashed", type: "uint256" },
      { indexed: false, internalType: "address", name: "beneficiary", type: "address" },
    ],
    name: "AttemptMissed",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "challenger", type: "address" },
      { indexed: true, internalType: "address", name: "proposer", type: "address" },
      { indexed: false, internalType: "uint256", name: "bond", type: "uint256" },
    ],
    name: "BundleChallenged",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "proposer", type: "address" },
      { indexed: false, internalType: "uint256", name: "bond", type: "uint256" },
    ],
    name: "BundleFinalized",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: false, internalType: "uint64", name: "challengeWindow", type: "uint64" },
      { indexed: false, internalType: "uint96", name: "bondPerLeaf", type: "uint96" },
    ],
    name: "BundleParamsSet",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "proposer", type: "address" },
      { indexed: true, internalType: "uint256", name: "circuitId", type: "uint256" },
      { indexed: false, internalType: "uint32", name: "nLeaves", type: "uint32" },
      { indexed: false, internalType: "uint64", name: "challengeEnd", type: "uint64" },
      { indexed: false, internalType: "uint256", name: "bond", type: "uint256" },
      { indexed: false, internalType: "bytes32", name: "dataHash", type: "bytes32" },
      {
        components: [
          { internalType: "uint256[]", name: "states", type: "uint256[]" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmW",
            type: "tuple[]",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmT",
            type: "tuple[]",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "root",
            type: "tuple",
          },
        ],
        indexed: false,
        internalType: "struct IMarketTypes.BundleData",
        name: "data",
        type: "tuple",
      },
    ],
    name: "BundleProposed",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "submitter", type: "address" },
      { indexed: true, internalType: "uint256", name: "circuitId", type: "uint256" },
      { indexed: false, internalType: "uint32", name: "nLeaves", type: "uint32" },
      { indexed: false, internalType: "bytes32", name: "statesHash", type: "bytes32" },
      { indexed: false, internalType: "uint256[]", name: "z0", type: "uint256[]" },
      { indexed: false, internalType: "uint256[]", name: "zN", type: "uint256[]" },
      { indexed: false, internalType: "bytes32", name: "domain", type: "bytes32" },
    ],
    name: "BundleVerified",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "requester", type: "address" },
      { indexed: false, internalType: "bool", name: "success", type: "bool" },
    ],
    name: "CallbackResult",
    type: "event",
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
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: true, internalType: "address", name: "challenger", type: "address" },
      { indexed: false, internalType: "address", name: "submitter", type: "address" },
      { indexed: false, internalType: "uint256", name: "bond", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "answerDeadline", type: "uint64" },
    ],
    name: "DisputeOpened",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: true, internalType: "address", name: "challenger", type: "address" },
      { indexed: false, internalType: "address", name: "submitter", type: "address" },
      { indexed: false, internalType: "bool", name: "challengerWon", type: "bool" },
      { indexed: false, internalType: "bool", name: "cancelled", type: "bool" },
      { indexed: false, internalType: "uint256", name: "slashed", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "burned", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "challengerReward", type: "uint256" },
    ],
    name: "DisputeResolved",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "refund", type: "uint256" },
    ],
    name: "JobCancelled",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "refund", type: "uint256" },
    ],
    name: "JobExpired",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "requester", type: "address" },
      { indexed: true, internalType: "uint256", name: "circuitId", type: "uint256" },
      { indexed: false, internalType: "uint32", name: "nLeaves", type: "uint32" },
      { indexed: false, internalType: "uint8", name: "chunkLog", type: "uint8" },
      { indexed: false, internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
      { indexed: false, internalType: "uint256[]", name: "z0", type: "uint256[]" },
      { indexed: false, internalType: "address", name: "feeToken", type: "address" },
      { indexed: false, internalType: "uint256", name: "fee", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "bond", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "deadline", type: "uint64" },
      { indexed: false, internalType: "bytes32", name: "domain", type: "bytes32" },
      { indexed: false, internalType: "uint32", name: "paramsId", type: "uint32" },
    ],
    name: "JobRequested",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "uint256[]", name: "zOut", type: "uint256[]" },
    ],
    name: "JobVerified",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "uint8", name: "reason", type: "uint8" },
      { indexed: false, internalType: "uint256", name: "index", type: "uint256" },
      { indexed: false, internalType: "uint256", name: "refund", type: "uint256" },
    ],
    name: "JobVoided",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: false, internalType: "address", name: "previousSubmitter", type: "address" },
      { indexed: false, internalType: "uint256", name: "compensation", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "availableBlock", type: "uint64" },
    ],
    name: "NodeReset",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "enum IMarketTypes.TaskKind", name: "kind", type: "uint8" },
      { indexed: false, internalType: "uint32", name: "attempt", type: "uint32" },
      {
        components: [
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmE",
            type: "tuple",
          },
          { internalType: "uint256", name: "u", type: "uint256" },
          { internalType: "uint256[]", name: "x", type: "uint256[]" },
        ],
        indexed: false,
        internalType: "struct Instance",
        name: "instance",
        type: "tuple",
      },
      { indexed: false, internalType: "uint256[]", name: "zIn", type: "uint256[]" },
      { indexed: false, internalType: "uint256[]", name: "zOut", type: "uint256[]" },
    ],
    name: "NodeSubmitted",
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
      { indexed: true, internalType: "uint32", name: "paramsId", type: "uint32" },
      {
        components: [
          { internalType: "uint256", name: "minFee", type: "uint256" },
          { internalType: "uint16", name: "requesterBondBps", type: "uint16" },
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "window", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint64", name: "maxJobDuration", type: "uint64" },
          { internalType: "uint16", name: "burnBps", type: "uint16" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
        ],
        indexed: false,
        internalType: "struct IMarketTypes.Params",
        name: "params",
        type: "tuple",
      },
    ],
    name: "ParamsSet",
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
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: true, internalType: "address", name: "caller", type: "address" },
      { indexed: false, internalType: "uint64", name: "availableBlock", type: "uint64" },
    ],
    name: "SnapshotRefreshed",
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
    inputs: [],
    name: "DECISION_TASK",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
      {
        components: [
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "instance",
            type: "tuple",
          },
          { internalType: "uint256[]", name: "zIn", type: "uint256[]" },
          { internalType: "uint256[]", name: "zOut", type: "uint256[]" },
        ],
        internalType: "struct IMarketTypes.NodeData",
        name: "",
        type: "tuple",
      },
      {
        components: [
          { internalType: "uint256[2]", name: "a", type: "uint256[2]" },
          { internalType: "uint256[2][2]", name: "b", type: "uint256[2][2]" },
          { internalType: "uint256[2]", name: "c", type: "uint256[2]" },
          { internalType: "uint256", name: "zeta", type: "uint256" },
          { internalType: "uint256", name: "yW", type: "uint256" },
          { internalType: "uint256", name: "yE", type: "uint256" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piE",
            type: "tuple",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "blind",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmT",
            type: "tuple",
          },
        ],
        internalType: "struct DeciderProof",
        name: "",
        type: "tuple",
      },
    ],
    name: "answerDispute",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "bundleOf",
    outputs: [
      { internalType: "bytes32", name: "", type: "bytes32" },
      { internalType: "bytes32", name: "", type: "bytes32" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [],
    name: "bundleParams",
    outputs: [
      { internalType: "uint64", name: "", type: "uint64" },
      { internalType: "uint96", name: "", type: "uint96" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    name: "cancel",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      {
        components: [
          { internalType: "uint256[]", name: "states", type: "uint256[]" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmW",
            type: "tuple[]",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmT",
            type: "tuple[]",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "root",
            type: "tuple",
          },
        ],
        internalType: "struct IMarketTypes.BundleData",
        name: "",
        type: "tuple",
      },
    ],
    name: "challengeBundle",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [],
    name: "circuits",
    outputs: [{ internalType: "contract ICircuitRegistry", name: "", type: "address" }],
    stateMutability: "view",
    type: "function",
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
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    name: "dispute",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    name: "expire",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [],
    name: "extension",
    outputs: [{ internalType: "address", name: "", type: "address" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256[]", name: "", type: "uint256[]" },
    ],
    name: "finalizeBundle",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "getDispute",
    outputs: [
      { internalType: "address", name: "", type: "address" },
      { internalType: "uint64", name: "", type: "uint64" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "getJob",
    outputs: [
      {
        components: [
          { internalType: "address", name: "requester", type: "address" },
          { internalType: "enum IMarketTypes.JobStatus", name: "status", type: "uint8" },
          { internalType: "uint8", name: "chunkLog", type: "uint8" },
          { internalType: "uint32", name: "nLeaves", type: "uint32" },
          { internalType: "uint16", name: "openDisputes", type: "uint16" },
          { internalType: "uint32", name: "paramsId", type: "uint32" },
          { internalType: "uint64", name: "circuitId", type: "uint64" },
          { internalType: "address", name: "feeToken", type: "address" },
          { internalType: "uint64", name: "createdAt", type: "uint64" },
          { internalType: "uint64", name: "deadline", type: "uint64" },
          { internalType: "uint64", name: "requestBlock", type: "uint64" },
          { internalType: "uint64", name: "disputeClearedAt", type: "uint64" },
          { internalType: "uint64", name: "disputeClearedBlock", type: "uint64" },
          { internalType: "address", name: "decider", type: "address" },
          { internalType: "uint128", name: "fee", type: "uint128" },
          { internalType: "uint128", name: "bond", type: "uint128" },
          { internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
          { internalType: "bytes32", name: "domain", type: "bytes32" },
        ],
        internalType: "struct IMarketTypes.Job",
        name: "",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "getTask",
    outputs: [
      {
        components: [
          { internalType: "enum IMarketTypes.TaskKind", name: "kind", type: "uint8" },
          { internalType: "enum IMarketTypes.TaskState", name: "state", type: "uint8" },
          { internalType: "uint64", name: "availableAt", type: "uint64" },
          { internalType: "uint64", name: "availableBlock", type: "uint64" },
          { internalType: "uint32", name: "attempt", type: "uint32" },
          { internalType: "address", name: "assignee", type: "address" },
          { internalType: "address", name: "submitter", type: "address" },
          { internalType: "uint64", name: "windowEnd", type: "uint64" },
        ],
        internalType: "struct IMarketTypes.TaskView",
        name: "v",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [],
    name: "jobCount",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "nodeDigest",
    outputs: [{ internalType: "bytes32", name: "", type: "bytes32" }],
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
    inputs: [{ internalType: "uint32", name: "paramsId", type: "uint32" }],
    name: "paramsAt",
    outputs: [
      {
        components: [
          { internalType: "uint256", name: "minFee", type: "uint256" },
          { internalType: "uint16", name: "requesterBondBps", type: "uint16" },
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "window", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint64", name: "maxJobDuration", type: "uint64" },
          { internalType: "uint16", name: "burnBps", type: "uint16" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
        ],
        internalType: "struct IMarketTypes.Params",
        name: "",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [],
    name: "paramsCount",
    outputs: [{ internalType: "uint32", name: "", type: "uint32" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      {
        components: [
          { internalType: "uint256[]", name: "states", type: "uint256[]" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmW",
            type: "tuple[]",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmT",
            type: "tuple[]",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "root",
            type: "tuple",
          },
        ],
        internalType: "struct IMarketTypes.BundleData",
        name: "",
        type: "tuple",
      },
      {
        components: [
          { internalType: "uint256[2]", name: "a", type: "uint256[2]" },
          { internalType: "uint256[2][2]", name: "b", type: "uint256[2][2]" },
          { internalType: "uint256[2]", name: "c", type: "uint256[2]" },
          { internalType: "uint256", name: "zeta", type: "uint256" },
          { internalType: "uint256", name: "yW", type: "uint256" },
          { internalType: "uint256", name: "yE", type: "uint256" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piE",
            type: "tuple",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "blind",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmT",
            type: "tuple",
          },
        ],
        internalType: "struct DeciderProof",
        name: "",
        type: "tuple",
      },
    ],
    name: "proposeBundle",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "payable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    name: "refreshSnapshot",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [],
    name: "registry",
    outputs: [{ internalType: "contract IProverRegistry", name: "", type: "address" }],
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
    inputs: [
      {
        components: [
          { internalType: "uint256", name: "circuitId", type: "uint256" },
          { internalType: "uint32", name: "nLeaves", type: "uint32" },
          { internalType: "uint8", name: "chunkLog", type: "uint8" },
          { internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
          { internalType: "address", name: "feeToken", type: "address" },
          { internalType: "uint256", name: "fee", type: "uint256" },
          { internalType: "uint64", name: "deadline", type: "uint64" },
          { internalType: "uint256[]", name: "z0", type: "uint256[]" },
          { internalType: "uint256[]", name: "z1", type: "uint256[]" },
          { internalType: "bytes32[]", name: "z0Proof", type: "bytes32[]" },
        ],
        internalType: "struct IMarketTypes.Request",
        name: "",
        type: "tuple",
      },
    ],
    name: "requestProof",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "payable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    name: "resolveDispute",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
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
      { internalType: "uint64", name: "", type: "uint64" },
      { internalType: "uint96", name: "", type: "uint96" },
    ],
    name: "setBundleParams",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      {
        components: [
          { internalType: "uint256", name: "minFee", type: "uint256" },
          { internalType: "uint16", name: "requesterBondBps", type: "uint16" },
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "window", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint64", name: "maxJobDuration", type: "uint64" },
          { internalType: "uint16", name: "burnBps", type: "uint16" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
        ],
        internalType: "struct IMarketTypes.Params",
        name: "",
        type: "tuple",
      },
    ],
    name: "setParams",
    outputs: [],
    stateMutability: "nonpayable",
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
        name: "",
        type: "tuple",
      },
    ],
    name: "setWeights",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256", name: "", type: "uint256" },
    ],
    name: "slashMissed",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint256[]", name: "", type: "uint256[]" },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        internalType: "struct Bn254.G1Point[]",
        name: "",
        type: "tuple[]",
      },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        internalType: "struct Bn254.G1Point[]",
        name: "",
        type: "tuple[]",
      },
      {
        components: [
          { internalType: "uint256[2]", name: "a", type: "uint256[2]" },
          { internalType: "uint256[2][2]", name: "b", type: "uint256[2][2]" },
          { internalType: "uint256[2]", name: "c", type: "uint256[2]" },
          { internalType: "uint256", name: "zeta", type: "uint256" },
          { internalType: "uint256", name: "yW", type: "uint256" },
          { internalType: "uint256", name: "yE", type: "uint256" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piE",
            type: "tuple",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "blind",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmT",
            type: "tuple",
          },
        ],
        internalType: "struct DeciderProof",
        name: "",
        type: "tuple",
      },
    ],
    name: "submitBundle",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      {
        components: [
          { internalType: "uint256[]", name: "states", type: "uint256[]" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmW",
            type: "tuple[]",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point[]",
            name: "cmT",
            type: "tuple[]",
          },
          { internalType: "bytes32[]", name: "proof", type: "bytes32[]" },
        ],
        internalType: "struct IMarketTypes.Chunk",
        name: "ch",
        type: "tuple",
      },
    ],
    name: "submitChunk",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      {
        components: [
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "instance",
            type: "tuple",
          },
          { internalType: "uint256[]", name: "zIn", type: "uint256[]" },
          { internalType: "uint256[]", name: "zOut", type: "uint256[]" },
        ],
        internalType: "struct IMarketTypes.NodeData",
        name: "root",
        type: "tuple",
      },
      {
        components: [
          { internalType: "uint256[2]", name: "a", type: "uint256[2]" },
          { internalType: "uint256[2][2]", name: "b", type: "uint256[2][2]" },
          { internalType: "uint256[2]", name: "c", type: "uint256[2]" },
          { internalType: "uint256", name: "zeta", type: "uint256" },
          { internalType: "uint256", name: "yW", type: "uint256" },
          { internalType: "uint256", name: "yE", type: "uint256" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piE",
            type: "tuple",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "blind",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmT",
            type: "tuple",
          },
        ],
        internalType: "struct DeciderProof",
        name: "proof",
        type: "tuple",
      },
    ],
    name: "submitDecision",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      {
        components: [
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "instance",
            type: "tuple",
          },
          { internalType: "uint256[]", name: "zIn", type: "uint256[]" },
          { internalType: "uint256[]", name: "zOut", type: "uint256[]" },
        ],
        internalType: "struct IMarketTypes.NodeData",
        name: "left",
        type: "tuple",
      },
      {
        components: [
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "instance",
            type: "tuple",
          },
          { internalType: "uint256[]", name: "zIn", type: "uint256[]" },
          { internalType: "uint256[]", name: "zOut", type: "uint256[]" },
        ],
        internalType: "struct IMarketTypes.NodeData",
        name: "right",
        type: "tuple",
      },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        internalType: "struct Bn254.G1Point",
        name: "cmT",
        type: "tuple",
      },
    ],
    name: "submitMerge",
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
    inputs: [
      { internalType: "uint256", name: "", type: "uint256" },
      { internalType: "uint8", name: "", type: "uint8" },
      { internalType: "uint256", name: "", type: "uint256" },
      {
        components: [
          { internalType: "uint256[]", name: "zIn", type: "uint256[]" },
          { internalType: "uint256[]", name: "zOut", type: "uint256[]" },
          { internalType: "bytes32[]", name: "proof", type: "bytes32[]" },
        ],
        internalType: "struct IMarketTypes.Segment[]",
        name: "",
        type: "tuple[]",
      },
      {
        components: [
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmE",
            type: "tuple",
          },
          { internalType: "uint256", name: "u", type: "uint256" },
          { internalType: "uint256[]", name: "x", type: "uint256[]" },
        ],
        internalType: "struct Instance",
        name: "",
        type: "tuple",
      },
      {
        components: [
          { internalType: "uint256[2]", name: "a", type: "uint256[2]" },
          { internalType: "uint256[2][2]", name: "b", type: "uint256[2][2]" },
          { internalType: "uint256[2]", name: "c", type: "uint256[2]" },
          { internalType: "uint256", name: "zeta", type: "uint256" },
          { internalType: "uint256", name: "yW", type: "uint256" },
          { internalType: "uint256", name: "yE", type: "uint256" },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piW",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "piE",
            type: "tuple",
          },
          {
            components: [
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmW",
                type: "tuple",
              },
              {
                components: [
                  { internalType: "uint256", name: "x", type: "uint256" },
                  { internalType: "uint256", name: "y", type: "uint256" },
                ],
                internalType: "struct Bn254.G1Point",
                name: "cmE",
                type: "tuple",
              },
              { internalType: "uint256", name: "u", type: "uint256" },
              { internalType: "uint256[]", name: "x", type: "uint256[]" },
            ],
            internalType: "struct Instance",
            name: "blind",
            type: "tuple",
          },
          {
            components: [
              { internalType: "uint256", name: "x", type: "uint256" },
              { internalType: "uint256", name: "y", type: "uint256" },
            ],
            internalType: "struct Bn254.G1Point",
            name: "cmT",
            type: "tuple",
          },
        ],
        internalType: "struct DeciderProof",
        name: "",
        type: "tuple",
      },
    ],
    name: "voidImpossible",
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
  {
    inputs: [{ internalType: "uint32", name: "paramsId", type: "uint32" }],
    name: "weightsAt",
    outputs: [
      {
        components: [
          { internalType: "uint64", name: "leaf", type: "uint64" },
          { internalType: "uint64", name: "fold", type: "uint64" },
          { internalType: "uint64", name: "decision", type: "uint64" },
        ],
        internalType: "struct IRewardSplitter.Weights",
        name: "",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
] as const;
