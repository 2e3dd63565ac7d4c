/** The job manifest for tests: prover/src/tree/manifest.ts (docs/contracts.md "Manifest"). */
export { buildManifest, type Manifest, segmentLeaf, segmentsRoot } from "../../prover/src/tree/manifest.js";
