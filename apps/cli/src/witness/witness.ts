import { bytesEqual, encodeHex } from '@allmende/bytes';
import {
  TlogError,
  emptyTreeHash,
  openNote,
  sha256,
  verifyConsistency,
  type CosignerKey,
  type NoteSignature,
  type VerifierKey,
} from '@allmende/tlog';
import { parseAddCheckpoint, type AddCheckpointRequest } from './add-checkpoint-request.ts';
import type { WitnessConfig } from './witness-config.ts';
import { WitnessError } from './witness-error.ts';
import type { CosignedCheckpoint, WitnessStore } from './witness-store.ts';

export type WitnessOptions = {
  key: CosignerKey;
  store: WitnessStore;
  /** The logs watched right now; called for every request, so edits take effect. */
  config: () => WitnessConfig;
  /** POSIX milliseconds. */
  now?: () => number;
};

/**
 * A C2SP tlog-witness for the logs of its configuration: cosigns a checkpoint only if the log
 * signed it and it is consistent with the latest one this witness cosigned for that log, and
 * remembers it before answering.
 */
export class Witness {
  readonly key: CosignerKey;
  readonly #store: WitnessStore;
  readonly #config: () => WitnessConfig;
  readonly #now: () => number;

  constructor(options: WitnessOptions) {
    this.key = options.key;
    this.#store = options.store;
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
  }

  /**
   * C2SP tlog-witness, "add-checkpoint".
   * @returns the cosignature line(s), to append to the checkpoint.
   * @throws {WitnessError} with the code of the spec's status for each refusal.
   */
  async addCheckpoint(body: Uint8Array): Promise<string> {
    const request = parseAddCheckpoint(body);
    const { checkpoint, oldSize } = request;
    const log = this.#config().logs.get(checkpoint.origin);
    if (log === undefined) {
      throw new WitnessError(
        'WITNESS_UNKNOWN_LOG',
        `this witness does not watch "${checkpoint.origin}"`,
      );
    }
    const logSignatures = await verifyLogSignature(request, log.keys);
    if (oldSize > checkpoint.size) {
      throw new WitnessError(
        'WITNESS_BAD_REQUEST',
        `the old size ${oldSize} exceeds the checkpoint's size ${checkpoint.size}`,
      );
    }
    // Cosigned before the check so that no await falls between check and store; the line is
    // given out only if the store below accepts the checkpoint.
    const timestamp = Math.max(1, Math.floor(this.#now() / 1000));
    const cosignature = await this.key.cosign(request.text, timestamp);
    const note = `${request.text}\n${logSignatures.join('')}${cosignature.line}`;

    try {
      this.#store.compareAndSwap(checkpoint.origin, (latest) => {
        checkConsistent(request, latest);
        return {
          origin: checkpoint.origin,
          size: checkpoint.size,
          rootHash: checkpoint.rootHash,
          note,
          cosignedAt: new Date(timestamp * 1000).toISOString(),
        };
      });
    } catch (error) {
      if (error instanceof WitnessError && error.code === 'WITNESS_INCONSISTENT') {
        this.#refuse(request, error);
      }
      throw error;
    }
    return cosignature.line;
  }

  /**
   * C2SP tlog-witness, "Monitor Retrieval Mechanism": the latest checkpoint cosigned for the
   * log whose origin hashes to `originHash` (lowercase hex SHA-256).
   * @throws {WitnessError} WITNESS_NOT_FOUND
   */
  cosignedCheckpoint(originHash: string): string {
    for (const origin of this.#config().logs.keys()) {
      if (encodeHex(sha256(new TextEncoder().encode(origin))) !== originHash) continue;
      const latest = this.#store.latest(origin);
      if (latest) return latest.note;
    }
    throw new WitnessError(
      'WITNESS_NOT_FOUND',
      'this witness has cosigned no checkpoint of that log',
    );
  }

  /**
   * The log signed this request, so its refusal is evidence against the log (C2SP
   * tlog-witness: "MAY log the request"): kept, then thrown.
   */
  #refuse(request: AddCheckpointRequest, error: WitnessError): never {
    this.#store.recordEvidence({
      origin: request.checkpoint.origin,
      receivedAt: new Date(this.#now()).toISOString(),
      reason: error.message,
      request: `old ${request.oldSize}\n${request.proof.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${request.note}`,
    });
    throw error;
  }
}

function inconsistent(reason: string, cause?: unknown): WitnessError {
  return new WitnessError('WITNESS_INCONSISTENT', reason, { cause });
}

/**
 * "The witness MUST verify the checkpoint signature against the public key(s) it trusts for
 * the checkpoint origin, and it MUST ignore signatures from unknown keys"; 403 if none
 * verifies, or one by a trusted key fails.
 * @returns the verified signature lines, for the stored checkpoint.
 */
async function verifyLogSignature(
  request: AddCheckpointRequest,
  keys: readonly VerifierKey[],
): Promise<string[]> {
  try {
    const opened = await openNote(request.note, keys);
    return opened.verified.map(signatureLine);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw new WitnessError(
      'WITNESS_BAD_SIGNATURE',
      error.code === 'TLOG_BAD_SIGNATURE'
        ? `the checkpoint is not signed by the log's key: ${error.message}`
        : `the checkpoint's signatures cannot be checked: ${error.message}`,
      { cause: error },
    );
  }
}

function signatureLine(signature: NoteSignature): string {
  const bytes = new Uint8Array(signature.keyId.length + signature.signature.length);
  bytes.set(signature.keyId);
  bytes.set(signature.signature, signature.keyId.length);
  return `\u2014 ${signature.name} ${Buffer.from(bytes).toString('base64')}\n`;
}

/** The checks of add-checkpoint against the latest cosigned checkpoint, in the spec's order. */
function checkConsistent(
  request: AddCheckpointRequest,
  latest: CosignedCheckpoint | undefined,
): void {
  const { oldSize, proof, checkpoint } = request;
  const latestSize = latest?.size ?? 0;
  if (oldSize !== latestSize) {
    throw new WitnessError(
      'WITNESS_CONFLICT',
      `the old size ${oldSize} is not ${latestSize}, the size this witness cosigned last`,
      { latestSize },
    );
  }
  // "A checkpoint of size zero MUST have the root hash of the empty tree."
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.rootHash, emptyTreeHash())) {
    throw inconsistent('a checkpoint of size 0 must have the root hash of the empty tree');
  }
  if (oldSize === 0) {
    // "If the old size is zero, the consistency proof MUST be empty."
    if (proof.length > 0) throw inconsistent('the consistency proof from size 0 must be empty');
    return;
  }
  // latest is defined: its size is oldSize > 0.
  const stored = latest!;
  if (oldSize === checkpoint.size && !bytesEqual(stored.rootHash, checkpoint.rootHash)) {
    throw inconsistent(
      `the checkpoint has size ${oldSize} like the one cosigned last, but another root hash`,
    );
  }
  try {
    verifyConsistency(oldSize, checkpoint.size, proof, stored.rootHash, checkpoint.rootHash);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    throw inconsistent(
      `the checkpoint of size ${checkpoint.size} is not consistent with the one of size ${oldSize} cosigned last: ${error.message}`,
      error,
    );
  }
}
