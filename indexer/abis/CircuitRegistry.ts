/** ABI of CircuitRegistry, generated from artifacts/contracts/CircuitRegistry.sol/CircuitRegistry.json by `npm run abis`. Do not edit. */
export const CircuitRegistryAbi = [
  {
    inputs: [
      { internalType: "bytes32", name: "expectedR1csHash", type: "bytes32" },
      { internalType: "bytes32", name: "deciderR1csHash", type: "bytes32" },
    ],
    name: "CircuitRegistryDeciderMismatch",
    type: "error",
  },
  {
    inputs: [{ internalType: "address", name: "decider", type: "address" }],
    name: "CircuitRegistryInvalidDecider",
    type: "error",
  },
  { inputs: [], name: "CircuitRegistryInvalidSize", type: "error" },
  {
    inputs: [{ internalType: "uint256", name: "circuitId", type: "uint256" }],
    name: "CircuitRegistryUnknownCircuit",
    type: "error",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint256", name: "circuitId", type: "uint256" },
      { indexed: true, internalType: "address", name: "owner", type: "address" },
      { indexed: true, internalType: "bytes32", name: "r1csHash", type: "bytes32" },
      { indexed: false, internalType: "bytes32", name: "srsDigest", type: "bytes32" },
      { indexed: false, internalType: "address", name: "decider", type: "address" },
      { indexed: false, internalType: "uint64", name: "nConstraints", type: "uint64" },
      { indexed: false, internalType: "uint64", name: "nWitness", type: "uint64" },
      { indexed: false, internalType: "uint32", name: "stateWidth", type: "uint32" },
      { indexed: false, internalType: "uint64", name: "deciderConstraints", type: "uint64" },
    ],
    name: "CircuitRegistered",
    type: "event",
  },
  {
    inputs: [],
    name: "circuitCount",
    outputs: [{ internalType: "uint256", name: "", type: "uint256" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint256", name: "circuitId", type: "uint256" }],
    name: "getCircuit",
    outputs: [
      {
        components: [
          { internalType: "bytes32", name: "r1csHash", type: "bytes32" },
          { internalType: "bytes32", name: "srsDigest", type: "bytes32" },
          { internalType: "address", name: "decider", type: "address" },
          { internalType: "uint64", name: "nConstraints", type: "uint64" },
          { internalType: "uint64", name: "nWitness", type: "uint64" },
          { internalType: "uint32", name: "stateWidth", type: "uint32" },
          { internalType: "uint64", name: "deciderConstraints", type: "uint64" },
          { internalType: "address", name: "owner", type: "address" },
        ],
        internalType: "struct ICircuitRegistry.Circuit",
        name: "c",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "bytes32", name: "r1csHash", type: "bytes32" },
      { internalType: "uint64", name: "nConstraints", type: "uint64" },
      { internalType: "uint64", name: "nWitness", type: "uint64" },
      { internalType: "uint32", name: "stateWidth", type: "uint32" },
      { internalType: "bytes32", name: "srsDigest", type: "bytes32" },
      { internalType: "address", name: "decider", type: "address" },
      { internalType: "uint64", name: "deciderConstraints", type: "uint64" },
    ],
    name: "registerCircuit",
    outputs: [{ internalType: "uint256", name: "circuitId", type: "uint256" }],
    stateMutability: "nonpayable",
    type: "function",
  },
] as const;
