import {
  ConsistencyProof,
  EntriesPage,
  ErrorBody,
  InclusionProof,
  LogInfo,
  WitnessesInfo,
  type ErrorCode,
} from '@allmende/protocol';
import type { z } from 'zod';

/**
 * Why a request failed. `network` and `bad-reply` get a text in the member's language;
 * `http` carries the server's own message from `{ "error": { "code", "message", "rule"? } }`,
 * where `rule` names the cooperative's rule that refused a statement.
 */
export type ApiFailure =
  | { kind: 'network' }
  | { kind: 'bad-reply'; detail: string }
  | { kind: 'http'; status: number; code?: ErrorCode; message?: string; rule?: string };

export class ApiError extends Error {
  readonly failure: ApiFailure;
  /** The error's whole JSON body, for codes that carry more than a message (WIKI_CONFLICT). */
  readonly body: unknown;
  constructor(failure: ApiFailure, options?: ErrorOptions & { body?: unknown }) {
    super(`API request failed: ${failure.kind}`, options);
    this.name = 'ApiError';
    this.failure = failure;
    this.body = options?.body;
  }
}

export function failureOf(error: unknown): ApiFailure {
  return error instanceof ApiError ? error.failure : { kind: 'network' };
}

/** Whether the request failed with this error code from the server. */
export function hasCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof ApiError && error.failure.kind === 'http' && error.failure.code === code;
}

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Bytes sent as they are (an upload), instead of `body` as JSON. */
  bytes?: { data: Blob; type: string };
  signal?: AbortSignal | undefined;
};

/**
 * The session's CSRF token: a cookie alone must never be enough to change anything, so every
 * unsafe request carries it in a header (the contract's `X-CSRF-Token`). The session module
 * sets it whenever it learns the session.
 */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const { method = 'GET', body, bytes, signal } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bytes) headers['content-type'] = bytes.type;
  else if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      body: bytes ? bytes.data : body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError({ kind: 'network' }, { cause });
  }
}

async function failureFrom(response: Response, signal?: AbortSignal): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    if (signal?.aborted) throw cause;
    return new ApiError({ kind: 'http', status: response.status }, { cause });
  }
  const error = ErrorBody.safeParse(body);
  return new ApiError(
    error.success
      ? { kind: 'http', status: response.status, ...error.data.error }
      : { kind: 'http', status: response.status },
    { body },
  );
}

/**
 * Sends a request and parses the JSON answer with the schema: the server is not trusted to
 * send what it should. An unsafe request that the server refuses for a stale CSRF token is sent
 * once more after the token is fetched again (a session renewed in another tab).
 */
export async function requestJson<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  const response = await sendWithFreshToken(path, options);
  if (!response.ok) throw await failureFrom(response, options.signal);
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError({ kind: 'bad-reply', detail: 'not JSON' }, { cause });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError({ kind: 'bad-reply', detail: parsed.error.message });
  return parsed.data;
}

/** A request whose answer has no body worth reading (204, or one the caller ignores). */
export async function requestNothing(path: string, options: RequestOptions = {}): Promise<void> {
  const response = await sendWithFreshToken(path, options);
  if (!response.ok) throw await failureFrom(response, options.signal);
}

async function sendWithFreshToken(path: string, options: RequestOptions): Promise<Response> {
  const response = await send(path, options);
  if (response.ok || (options.method ?? 'GET') === 'GET') return response;
  const failure = await failureFrom(response.clone(), options.signal);
  if (failure.failure.kind !== 'http' || failure.failure.code !== 'AUTH_CSRF') return response;
  const session = await send('/api/auth/session', { signal: options.signal });
  if (!session.ok) return response;
  const token: unknown = ((await session.json()) as { csrfToken?: unknown }).csrfToken;
  if (typeof token !== 'string') return response;
  setCsrfToken(token);
  return send(path, options);
}

function getJson<S extends z.ZodType>(
  path: string,
  schema: S,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  return requestJson(path, schema, { signal });
}

export function fetchLogInfo(signal?: AbortSignal): Promise<LogInfo> {
  return getJson('/api/log/info', LogInfo, signal);
}

/** The policy's witnesses, as the server reports them; their cosignatures are checked here. */
export function fetchWitnesses(signal?: AbortSignal): Promise<WitnessesInfo> {
  return getJson('/api/log/witnesses', WitnessesInfo, signal);
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
