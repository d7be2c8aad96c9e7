// @allmende/tlog: RFC 6962 Merkle trees and proofs, C2SP signed notes, checkpoints, tiles and
// cosignatures. Pure functions without I/O, for Node and the browser.

export { TLOG_ERROR_CODES, TlogError, type TlogErrorCode } from './errors.ts';
export { decodeBase64, encodeBase64 } from './bytes.ts';
export { sha256 } from '#sha256';
export {
  HASH_SIZE,
  consistencyProofNodes,
  emptyTreeHash,
  inclusionProofNodes,
  leafHash,
  nodeHash,
  proveConsistency,
  proveInclusion,
  rootFromNodes,
  subtreeNodes,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
  type NodeReader,
} from './merkle.ts';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  entryBundlesForSize,
  nodeFromTiles,
  parseTilePath,
  tileForNode,
  tileHashCount,
  tilePath,
  tilesForSize,
  type EntryBundle,
  type Tile,
  type TilePath,
} from './tile.ts';
export {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  noteKeyId,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type SignerKey,
  type VerifierKey,
} from './keys.ts';
export { ed25519PublicKey } from './ed25519.ts';
export {
  MAX_NOTE_SIGNATURES,
  ed25519VerifierKey,
  generateNoteKeys,
  openNote,
  parseSignerKey,
  parseNote,
  parseVerifierKey,
  signNote,
  type OpenedNote,
  type ParsedNote,
} from './note.ts';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
export {
  COSIGNATURE_SIZE,
  checkCosignatures,
  cosignatureKeyId,
  cosignatureMessage,
  cosignatureVerifier,
  cosignatureVerifierKey,
  generateCosignerKeys,
  parseCosignerKey,
  signCosignature,
  verifyCosignature,
  type Cosignature,
  type CosignatureCheck,
  type CosignerKey,
} from './cosignature.ts';
