import { useCallback, useEffect, useState } from 'react';
import { ApiError, fetchLogInfo, type ApiFailure } from '../api/client.ts';
import { verifyCheckpoint, type CheckpointView } from './verify.ts';

export type CheckpointState =
  | { status: 'loading' }
  | { status: 'error'; failure: ApiFailure }
  | {
      status: 'ready';
      checkpoint: CheckpointView;
      checkedAt: Date;
      /** Set when the latest refresh failed; the checkpoint shown is the last good one. */
      refreshFailure?: ApiFailure;
    };

export const CHECKPOINT_REFRESH_MS = 4000;

function failureOf(error: unknown): ApiFailure {
  return error instanceof ApiError ? error.failure : { kind: 'network' };
}

/**
 * The log's current checkpoint, verified in this browser and refreshed every few seconds.
 * A note is verified again only when its text changes.
 */
export function useCheckpoint(): { state: CheckpointState; retry: () => void } {
  const [state, setState] = useState<CheckpointState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: CheckpointView | undefined;

    async function refresh() {
      try {
        const info = await fetchLogInfo(controller.signal);
        const checkpoint = last?.note === info.checkpoint ? last : await verifyCheckpoint(info);
        last = checkpoint;
        if (controller.signal.aborted) return;
        setState({ status: 'ready', checkpoint, checkedAt: new Date() });
      } catch (error) {
        if (controller.signal.aborted) return;
        const failure = failureOf(error);
        setState((previous) =>
          previous.status === 'ready'
            ? { ...previous, refreshFailure: failure }
            : { status: 'error', failure },
        );
      }
      timer = setTimeout(() => void refresh(), CHECKPOINT_REFRESH_MS);
    }

    void refresh();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
