/** ABI of ProofMarket, generated from artifacts/contracts/ProofMarket.sol/ProofMarket.json by `npm run abis`. Do not edit. */
export const ProofMarketAbi = [
  {
    inputs: [
      { internalType: "contract IProverRegistry", name: "registry_", type: "address" },
      { internalType: "contract ICircuitRegistry", name: "circuits_", type: "address" },
      {
        components: [
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "taskWindow", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
          { internalType: "uint32", name: "maxLeaves", type: "uint32" },
        ],
        internalType: "struct IProofMarket.Params",
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
    ],
    stateMutability: "nonpayable",
    type: "constructor",
  },
  {
    inputs: [{ internalType: "uint256", name: "value", type: "uint256" }],
    name: "Bn254CoordinateNotInField",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "x", type: "uint256" },
      { internalType: "uint256", name: "y", type: "uint256" },
    ],
    name: "Bn254PointNotOnCurve",
    type: "error",
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
  { inputs: [{ internalType: "address", name: "owner", type: "address" }], name: "OwnableInvalidOwner", type: "error" },
  {
    inputs: [{ internalType: "address", name: "account", type: "address" }],
    name: "OwnableUnauthorizedAccount",
    type: "error",
  },
  {
    inputs: [{ internalType: "uint256", name: "nodeId", type: "uint256" }],
    name: "ProofMarketBatchChildMissing",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "gasLeft", type: "uint256" },
      { internalType: "uint256", name: "needed", type: "uint256" },
    ],
    name: "ProofMarketCallbackGas",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "ProofMarketDeciderRejected",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "ProofMarketDiscontinuity",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "ProofMarketDisputeState",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint32", name: "openDisputes", type: "uint32" },
    ],
    name: "ProofMarketDisputesPending",
    type: "error",
  },
  { inputs: [], name: "ProofMarketInvalidBundle", type: "error" },
  {
    inputs: [
      { internalType: "uint64", name: "deadline", type: "uint64" },
      { internalType: "uint64", name: "minimum", type: "uint64" },
    ],
    name: "ProofMarketInvalidDeadline",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "fee", type: "uint256" },
      { internalType: "uint256", name: "value", type: "uint256" },
    ],
    name: "ProofMarketInvalidFee",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "nLeaves", type: "uint256" },
      { internalType: "uint256", name: "maxLeaves", type: "uint256" },
    ],
    name: "ProofMarketInvalidLeafCount",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "ProofMarketInvalidNode",
    type: "error",
  },
  { inputs: [], name: "ProofMarketInvalidParams", type: "error" },
  {
    inputs: [
      { internalType: "uint256", name: "length", type: "uint256" },
      { internalType: "uint256", name: "expected", type: "uint256" },
    ],
    name: "ProofMarketInvalidStateLength",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "ProofMarketJobNotExpired",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "enum IProofMarket.JobStatus", name: "status", type: "uint8" },
    ],
    name: "ProofMarketJobNotOpen",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "index", type: "uint256" },
    ],
    name: "ProofMarketManifestMismatch",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "ProofMarketNodeMismatch",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      { internalType: "address", name: "caller", type: "address" },
      { internalType: "address", name: "assignee", type: "address" },
    ],
    name: "ProofMarketNotAssignee",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
      { internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "ProofMarketNotExpired",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "address", name: "caller", type: "address" },
    ],
    name: "ProofMarketNotRequester",
    type: "error",
  },
  {
    inputs: [{ internalType: "address", name: "caller", type: "address" }],
    name: "ProofMarketNotStaked",
    type: "error",
  },
  {
    inputs: [{ internalType: "uint256", name: "value", type: "uint256" }],
    name: "ProofMarketScalarNotInField",
    type: "error",
  },
  {
    inputs: [{ internalType: "address", name: "caller", type: "address" }],
    name: "ProofMarketSelfAction",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "ProofMarketTaskDone",
    type: "error",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "taskId", type: "uint256" },
    ],
    name: "ProofMarketTaskNotReady",
    type: "error",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "ProofMarketUnknownJob",
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
    ],
    name: "DisputeResolved",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        indexed: false,
        internalType: "struct Bn254.G1Point",
        name: "cmT",
        type: "tuple",
      },
      { indexed: false, internalType: "uint256", name: "r", type: "uint256" },
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
    name: "FoldSubmitted",
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
      { indexed: false, internalType: "enum IProofMarket.Mode", name: "mode", type: "uint8" },
      { indexed: false, internalType: "uint32", name: "nLeaves", type: "uint32" },
      { indexed: false, internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
      { indexed: false, internalType: "uint256[]", name: "z0", type: "uint256[]" },
      { indexed: false, internalType: "address", name: "feeToken", type: "address" },
      { indexed: false, internalType: "uint256", name: "fee", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "deadline", type: "uint64" },
      { indexed: false, internalType: "bytes32", name: "domain", type: "bytes32" },
      { indexed: false, internalType: "bytes32", name: "seed", type: "bytes32" },
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
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        indexed: false,
        internalType: "struct Bn254.G1Point",
        name: "cmW",
        type: "tuple",
      },
      { indexed: false, internalType: "uint256[]", name: "x", type: "uint256[]" },
    ],
    name: "LeafSubmitted",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "nodeId", type: "uint256" },
      { indexed: false, internalType: "address", name: "previousSubmitter", type: "address" },
    ],
    name: "NodeReset",
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
      {
        components: [
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "taskWindow", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
          { internalType: "uint32", name: "maxLeaves", type: "uint32" },
        ],
        indexed: false,
        internalType: "struct IProofMarket.Params",
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
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "enum IProofMarket.TaskKind", name: "kind", type: "uint8" },
      { indexed: false, internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "TaskAssigned",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "TaskDeadlineExtended",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "jobId", type: "uint256" },
      { indexed: true, internalType: "uint256", name: "taskId", type: "uint256" },
      { indexed: true, internalType: "address", name: "prover", type: "address" },
      { indexed: false, internalType: "address", name: "previous", type: "address" },
      { indexed: false, internalType: "uint256", name: "bondSlashed", type: "uint256" },
      { indexed: false, internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "TaskReclaimed",
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
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
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
        internalType: "struct IProofMarket.NodeData",
        name: "node",
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
    name: "answerDispute",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "cancel",
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
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
    ],
    name: "dispute",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    name: "expire",
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
      {
        components: [
          { internalType: "address", name: "challenger", type: "address" },
          { internalType: "uint64", name: "answerDeadline", type: "uint64" },
          { internalType: "uint256", name: "bond", type: "uint256" },
        ],
        internalType: "struct IProofMarket.Dispute",
        name: "",
        type: "tuple",
      },
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
          { internalType: "enum IProofMarket.JobStatus", name: "status", type: "uint8" },
          { internalType: "enum IProofMarket.Mode", name: "mode", type: "uint8" },
          { internalType: "uint32", name: "nLeaves", type: "uint32" },
          { internalType: "uint32", name: "openDisputes", type: "uint32" },
          { internalType: "uint64", name: "createdAt", type: "uint64" },
          { internalType: "uint64", name: "deadline", type: "uint64" },
          { internalType: "uint256", name: "circuitId", type: "uint256" },
          { internalType: "address", name: "feeToken", type: "address" },
          { internalType: "uint256", name: "fee", type: "uint256" },
          { internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
          { internalType: "bytes32", name: "domain", type: "bytes32" },
          { internalType: "bytes32", name: "seed", type: "bytes32" },
        ],
        internalType: "struct IProofMarket.Job",
        name: "j",
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
          { internalType: "address", name: "worker", type: "address" },
          { internalType: "uint64", name: "deadline", type: "uint64" },
          { internalType: "enum IProofMarket.TaskState", name: "state", type: "uint8" },
        ],
        internalType: "struct IProofMarket.Task",
        name: "t",
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
    inputs: [],
    name: "params",
    outputs: [
      {
        components: [
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "taskWindow", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
          { internalType: "uint32", name: "maxLeaves", type: "uint32" },
        ],
        internalType: "struct IProofMarket.Params",
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
    name: "reclaim",
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
      { internalType: "uint256", name: "circuitId", type: "uint256" },
      { internalType: "uint256[]", name: "z0", type: "uint256[]" },
      { internalType: "uint32", name: "nLeaves", type: "uint32" },
      { internalType: "bytes32", name: "manifestRoot", type: "bytes32" },
      { internalType: "address", name: "feeToken", type: "address" },
      { internalType: "uint256", name: "fee", type: "uint256" },
      { internalType: "uint64", name: "deadline", type: "uint64" },
    ],
    name: "requestProof",
    outputs: [{ internalType: "uint256", name: "jobId", type: "uint256" }],
    stateMutability: "payable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "nodeId", type: "uint256" },
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
      {
        components: [
          { internalType: "uint256", name: "livenessBond", type: "uint256" },
          { internalType: "uint256", name: "disputeBond", type: "uint256" },
          { internalType: "uint256", name: "disputeSlash", type: "uint256" },
          { internalType: "uint64", name: "taskWindow", type: "uint64" },
          { internalType: "uint64", name: "disputeWindow", type: "uint64" },
          { internalType: "uint32", name: "callbackGasLimit", type: "uint32" },
          { internalType: "uint32", name: "maxLeaves", type: "uint32" },
        ],
        internalType: "struct IProofMarket.Params",
        name: "p",
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
    inputs: [
      { internalType: "uint256", name: "circuitId", type: "uint256" },
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
    name: "submitBundle",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
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
        internalType: "struct IProofMarket.NodeData",
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
      { internalType: "uint256", name: "nodeId", type: "uint256" },
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
        internalType: "struct IProofMarket.NodeData",
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
        internalType: "struct IProofMarket.NodeData",
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
    name: "submitFold",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      {
        components: [
          { internalType: "uint256", name: "nodeId", type: "uint256" },
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
            internalType: "struct IProofMarket.NodeData",
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
            internalType: "struct IProofMarket.NodeData",
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
          { internalType: "uint8", name: "fromBatch", type: "uint8" },
        ],
        internalType: "struct IProofMarket.FoldStep[]",
        name: "steps",
        type: "tuple[]",
      },
    ],
    name: "submitFolds",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint256", name: "jobId", type: "uint256" },
      { internalType: "uint256", name: "k", type: "uint256" },
      {
        components: [
          { internalType: "uint256", name: "x", type: "uint256" },
          { internalType: "uint256", name: "y", type: "uint256" },
        ],
        internalType: "struct Bn254.G1Point",
        name: "cmW",
        type: "tuple",
      },
      { internalType: "uint256[]", name: "x", type: "uint256[]" },
      { internalType: "bytes32[]", name: "proof", type: "bytes32[]" },
    ],
    name: "submitLeaf",
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
