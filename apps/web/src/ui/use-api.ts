import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';

export type ApiState<T> =
  { status: 'loading' } | { status: 'error'; failure: ApiFailure } | { status: 'ready'; data: T };

type Stored<T> = { key: string; state: ApiState<T> };

/**
 * Loads what a page shows. `key` names what is loaded (the address, say): a new key loads
 * afresh and never shows the old key's data meanwhile; `reload` loads again and keeps showing
 * the data it has until the new answer arrives, so that a page does not flicker after an action.
 */
export function useApi<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): { state: ApiState<T>; reload: () => void } {
  const [stored, setStored] = useState<Stored<T>>({ key, state: { status: 'loading' } });
  const [attempt, setAttempt] = useState(0);
  const run = useEffectEvent((signal: AbortSignal) => load(signal));

  useEffect(() => {
    const controller = new AbortController();
    run(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setStored({ key, state: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setStored((previous) =>
          previous.key === key && previous.state.status === 'ready'
            ? previous
            : { key, state: { status: 'error', failure: failureOf(error) } },
        );
      },
    );
    return () => controller.abort();
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state: stored.key === key ? stored.state : { status: 'loading' }, reload };
}
