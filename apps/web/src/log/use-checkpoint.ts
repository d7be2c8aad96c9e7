import type { LogInfo } from '@allmende/protocol';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, fetchConsistencyProof, fetchLogInfo, type ApiFailure } from '../api/client.ts';
import { browserStorage, pinKey, readTrust, writeTrust } from './trust-store.ts';
import { checkHistory, checkPinnedKey, verifyCheckpoint, type CheckpointView } from './verify.ts';

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
 * The log's current checkpoint, verified in this browser against the key pinned here and the
 * history seen here, and refreshed every few seconds. A note is verified again only when it or
 * its key changes. A newer checkpoint whose consistency cannot be checked yet is not shown.
 */
export function useCheckpoint(): {
  state: CheckpointState;
  retry: () => void;
  trustNewKey: (checkpoint: CheckpointView) => void;
} {
  const [state, setState] = useState<CheckpointState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const storage = browserStorage();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: CheckpointView | undefined;

    async function verify(info: LogInfo) {
      const view = checkPinnedKey(await verifyCheckpoint(info), storage);
      return checkHistory(view, {
        storage,
        fetchProof: (from, to) => fetchConsistencyProof(from, to, controller.signal),
      });
    }

    async function refresh() {
      try {
        const info = await fetchLogInfo(controller.signal);
        const checkpoint =
          last?.note === info.checkpoint && last.verifierKey === info.verifierKey
            ? last
            : await verify(info);
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

  /** Pins the key the checkpoint was signed with, after the member chose to trust it. */
  const trustNewKey = useCallback(
    (checkpoint: CheckpointView) => {
      const storage = browserStorage();
      writeTrust(
        storage,
        pinKey(readTrust(storage), checkpoint.origin, checkpoint.verifierKey, new Date()),
      );
      retry();
    },
    [retry],
  );

  return { state, retry, trustNewKey };
}
