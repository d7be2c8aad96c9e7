import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, fetchEntries, type ApiFailure } from '../api/client.ts';
import { decodeEntry, type DecodedEntry } from './verify.ts';

export const PAGE_SIZE = 20;

export type EntriesState = {
  status: 'loading' | 'ready' | 'error';
  failure?: ApiFailure;
  /** Newest first, without gaps. */
  entries: DecodedEntry[];
  /** How many entries the server says the log holds. */
  size: number;
  /** How many entries the last refresh added at the top, for the live announcement. */
  added: number;
  older: { loading: boolean; failure?: ApiFailure };
};

function failureOf(error: unknown): ApiFailure {
  return error instanceof ApiError ? error.failure : { kind: 'network' };
}

/** Puts newer entries in front of those loaded, unless a gap lies between them. */
export function mergeNewest(
  loaded: readonly DecodedEntry[],
  fresh: readonly DecodedEntry[],
): { entries: DecodedEntry[]; added: number } {
  const newest = loaded[0]?.index ?? -1;
  const oldestFresh = fresh.at(-1)?.index ?? Infinity;
  const added = fresh.filter((e) => e.index > newest).length;
  if (loaded.length === 0 || oldestFresh > newest + 1) return { entries: [...fresh], added };
  return { entries: [...fresh.filter((e) => e.index > newest), ...loaded], added };
}

/**
 * The latest entries, newest first: loaded again whenever the verified checkpoint grows past them, and
 * extended back in time page by page with `loadOlder`.
 */
export function useEntries(checkpointSize: number | undefined) {
  const [state, setState] = useState<EntriesState>({
    status: 'loading',
    entries: [],
    size: 0,
    added: 0,
    older: { loading: false },
  });
  const [attempt, setAttempt] = useState(0);
  const olderLoading = useRef(false);
  const newestLoaded = useRef(-1);

  useEffect(() => {
    // Load at once, then again only when the checkpoint covers entries not yet shown.
    if (checkpointSize !== undefined && newestLoaded.current + 1 >= checkpointSize) return;
    const controller = new AbortController();
    fetchEntries({ order: 'desc', limit: PAGE_SIZE }, controller.signal).then(
      (page) => {
        const fresh = page.entries.map(decodeEntry).sort((a, b) => b.index - a.index);
        newestLoaded.current = Math.max(newestLoaded.current, fresh[0]?.index ?? -1);
        setState((previous) => {
          const { entries, added } = mergeNewest(previous.entries, fresh);
          return {
            ...previous,
            status: 'ready',
            failure: undefined,
            entries,
            size: Math.max(page.size, checkpointSize ?? 0),
            added: previous.entries.length === 0 ? 0 : added,
          };
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((previous) =>
          previous.status === 'ready'
            ? previous
            : { ...previous, status: 'error', failure: failureOf(error) },
        );
      },
    );
    return () => controller.abort();
  }, [checkpointSize, attempt]);

  const retry = useCallback(() => {
    setState((previous) => ({ ...previous, status: 'loading' }));
    setAttempt((n) => n + 1);
  }, []);

  /** Loads the page before the oldest loaded entry; resolves to the first new index, if any. */
  const loadOlder = useCallback(async (before: number): Promise<number | undefined> => {
    if (olderLoading.current || before <= 0) return undefined;
    olderLoading.current = true;
    setState((previous) => ({ ...previous, older: { loading: true } }));
    try {
      const page = await fetchEntries({ order: 'desc', start: before - 1, limit: PAGE_SIZE });
      const older = page.entries
        .map(decodeEntry)
        .filter((e) => e.index < before)
        .sort((a, b) => b.index - a.index);
      setState((previous) => ({
        ...previous,
        entries: [...previous.entries.filter((e) => e.index >= before), ...older],
        added: 0,
        older: { loading: false },
      }));
      return older[0]?.index;
    } catch (error) {
      setState((previous) => ({
        ...previous,
        older: { loading: false, failure: failureOf(error) },
      }));
      return undefined;
    } finally {
      olderLoading.current = false;
    }
  }, []);

  return { state, retry, loadOlder };
}
