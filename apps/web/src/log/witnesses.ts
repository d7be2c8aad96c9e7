import type { WitnessesInfo } from '@allmende/protocol';
import {
  ALG_COSIGNATURE_V1,
  TlogError,
  checkCosignatures,
  parseVerifierKey,
  type VerifierKey,
} from '@allmende/tlog';

/**
 * The witnesses' cosignatures on the checkpoint, checked in this browser (C2SP
 * tlog-cosignature): the server names the witnesses (from the policy in the log) and serves the
 * cosigned note; whether each witness really cosigned it is computed here from the note's bytes.
 */

export type WitnessStatus =
  | { kind: 'cosigned'; at: Date }
  | { kind: 'missing' }
  | { kind: 'invalid' }
  /** The key the server named cannot be a witness key: nothing it signs can count. */
  | { kind: 'bad-key' };

export type WitnessView = {
  name: string;
  url: string;
  /** The witness's key name and ID, `<name>+<hex>`. */
  keyLabel: string;
  status: WitnessStatus;
  /** What the server reports of its last failed attempt, for people; unverified. */
  problem: string | null;
};

export type WitnessCheck = {
  witnesses: WitnessView[];
  /** Witnesses whose valid cosignature is on the checkpoint. */
  confirmed: number;
  quorum: number;
};

/**
 * Checks each witness's cosignature on `note`, the signed checkpoint whose log signature the
 * caller has verified already.
 */
export async function checkWitnesses(note: string, info: WitnessesInfo): Promise<WitnessCheck> {
  const parsed = info.witnesses.map((witness) => {
    try {
      const key = parseVerifierKey(witness.key);
      return key.algorithm === ALG_COSIGNATURE_V1 ? key : undefined;
    } catch {
      return undefined;
    }
  });
  const keys = parsed.filter((key): key is VerifierKey => key !== undefined);
  let checks: Awaited<ReturnType<typeof checkCosignatures>> = [];
  try {
    checks = await checkCosignatures(note, keys);
  } catch (error) {
    if (!(error instanceof TlogError)) throw error;
    // A note that does not parse carries no cosignature anyone can count.
  }
  const byKey = new Map(checks.map((check) => [check.cosigner, check]));
  const witnesses = info.witnesses.map((witness, i): WitnessView => {
    const key = parsed[i];
    const check = key && byKey.get(key);
    const status: WitnessStatus =
      key === undefined
        ? { kind: 'bad-key' }
        : check?.status === 'valid'
          ? { kind: 'cosigned', at: new Date(check.timestamp * 1000) }
          : check?.status === 'invalid'
            ? { kind: 'invalid' }
            : { kind: 'missing' };
    return {
      name: witness.name,
      url: witness.url,
      keyLabel: witness.key.split('+').slice(0, 2).join('+'),
      status,
      problem: witness.problem,
    };
  });
  return {
    witnesses,
    confirmed: witnesses.filter((w) => w.status.kind === 'cosigned').length,
    quorum: info.quorum,
  };
}
