import {
  ConsistencyProof,
  EntriesPage,
  ErrorBody,
  InclusionProof,
  LogInfo,
} from '@allmende/protocol';
import type { z } from 'zod';

/**
 * Why a request failed. `network` and `bad-reply` get a text in the member's language;
 * `http` carries the server's own message from `{ "error": { "code", "message" } }`.
 */
export type ApiFailure =
  | { kind: 'network' }
  | { kind: 'bad-reply'; detail: string }
  | { kind: 'http'; status: number; code?: string; message?: string };

export class ApiError extends Error {
  readonly failure: ApiFailure;
  constructor(failure: ApiFailure, options?: ErrorOptions) {
    super(`API request failed: ${failure.kind}`, options);
    this.name = 'ApiError';
    this.failure = failure;
  }
}

/** Fetches JSON and parses it with the schema: the server is not trusted to send what it should. */
async function getJson<S extends z.ZodType>(
  path: string,
  schema: S,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { accept: 'application/json' },
      signal: signal ?? null,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError({ kind: 'network' }, { cause });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw response.ok
      ? new ApiError({ kind: 'bad-reply', detail: 'not JSON' }, { cause })
      : new ApiError({ kind: 'http', status: response.status }, { cause });
  }
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    throw new ApiError(
      error.success
        ? { kind: 'http', status: response.status, ...error.data.error }
        : { kind: 'http', status: response.status },
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError({ kind: 'bad-reply', detail: parsed.error.message });
  return parsed.data;
}

export function fetchLogInfo(signal?: AbortSignal): Promise<LogInfo> {
  return getJson('/api/log/info', LogInfo, signal);
}

export type EntriesQuery = { start?: number; limit: number; order: 'asc' | 'desc' };

export function fetchEntries(query: EntriesQuery, signal?: AbortSignal): Promise<EntriesPage> {
  const params = new URLSearchParams({ limit: String(query.limit), order: query.order });
  if (query.start !== undefined) params.set('start', String(query.start));
  return getJson(`/api/log/entries?${params}`, EntriesPage, signal);
}

export function fetchInclusionProof(
  index: number,
  size: number,
  signal?: AbortSignal,
): Promise<InclusionProof> {
  const params = new URLSearchParams({ index: String(index), size: String(size) });
  return getJson(`/api/log/proof/inclusion?${params}`, InclusionProof, signal);
}

export function fetchConsistencyProof(
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<ConsistencyProof> {
  const params = new URLSearchParams({ from: String(from), to: String(to) });
  return getJson(`/api/log/proof/consistency?${params}`, ConsistencyProof, signal);
}
