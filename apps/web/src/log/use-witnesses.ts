import { useEffect, useState } from 'react';
import { ApiError, fetchWitnesses, type ApiFailure } from '../api/client.ts';
import type { CheckpointView } from './verify.ts';
import { checkWitnesses, type WitnessCheck } from './witnesses.ts';

export type WitnessesState =
  | { status: 'loading' }
  | { status: 'error'; failure: ApiFailure }
  | { status: 'ready'; check: WitnessCheck };

/**
 * The witnesses of the checkpoint shown, checked again whenever the checkpoint (and so its
 * cosignatures) changes. Only a checkpoint whose log signature verified is looked at.
 */
export function useWitnesses(checkpoint: CheckpointView | undefined): WitnessesState {
  const [state, setState] = useState<WitnessesState>({ status: 'loading' });
  const note = checkpoint && !checkpoint.problem ? checkpoint.note : undefined;

  useEffect(() => {
    if (note === undefined) return;
    const controller = new AbortController();
    fetchWitnesses(controller.signal)
      .then((info) => checkWitnesses(note, info))
      .then(
        (check) => {
          if (!controller.signal.aborted) setState({ status: 'ready', check });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const failure = error instanceof ApiError ? error.failure : { kind: 'network' as const };
          setState((previous) =>
            previous.status === 'ready' ? previous : { status: 'error', failure },
          );
        },
      );
    return () => controller.abort();
  }, [note]);

  return state;
}
