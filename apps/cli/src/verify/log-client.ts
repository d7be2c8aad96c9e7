import { STATUS_CODES } from 'node:http';
import { VerifyError } from './verify-error.ts';

/** Longest response read: a full entry bundle is 256 × (2 + 65535) bytes. */
const MAX_RESPONSE_BYTES = 256 * (2 + 0xffff);
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;
const TIMEOUT_MS = 60_000;

/**
 * Reads a log served per C2SP tlog-tiles below `baseUrl`. Every response is untrusted: this only
 * fetches bytes, with retries for transient failures and a size limit, and counts them.
 */
export class LogClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #signal: AbortSignal | undefined;
  requests = 0;
  bytes = 0;

  constructor(baseUrl: string, fetchImpl: typeof fetch, signal?: AbortSignal) {
    this.baseUrl = baseUrl;
    this.#fetch = fetchImpl;
    this.#signal = signal;
  }

  /**
   * GETs `path` below the base URL.
   * @throws VerifyError VERIFY_NETWORK if the server cannot be reached, answers with an error
   *   status (after retries for 5xx and 429) or sends more than `maxBytes`.
   */
  async get(path: string, what: string, maxBytes = MAX_RESPONSE_BYTES): Promise<Uint8Array> {
    const url = `${this.baseUrl}/${path}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(TIMEOUT_MS);
        const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
        response = await this.#fetch(url, { signal });
      } catch (error) {
        if (attempt < ATTEMPTS && this.#signal?.aborted !== true) {
          await delay(attempt);
          continue;
        }
        throw new VerifyError('VERIFY_NETWORK', `${what}: cannot GET ${url}: ${describe(error)}`, {
          cause: error,
        });
      }
      if (!response.ok) {
        await response.body?.cancel();
        if ((response.status >= 500 || response.status === 429) && attempt < ATTEMPTS) {
          await delay(attempt);
          continue;
        }
        throw new VerifyError(
          'VERIFY_NETWORK',
          `${what}: GET ${url} answered ${response.status} ${response.statusText || (STATUS_CODES[response.status] ?? '')}`.trimEnd(),
        );
      }
      const body = await readBody(response, url, what, maxBytes);
      this.requests++;
      this.bytes += body.length;
      return body;
    }
  }
}

async function readBody(
  response: Response,
  url: string,
  what: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, what, maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        await reader.cancel();
        throw tooLarge(url, what, maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    throw new VerifyError('VERIFY_NETWORK', `${what}: reading ${url} failed: ${describe(error)}`, {
      cause: error,
    });
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, length);
}

function tooLarge(url: string, what: string, maxBytes: number): VerifyError {
  return new VerifyError('VERIFY_NETWORK', `${what}: ${url} sent more than ${maxBytes} bytes`);
}

function delay(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
}

/** undici reports "fetch failed" and keeps the reason (ECONNREFUSED, …) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code !== undefined && !cause.message.includes(code)
      ? `${cause.message} (${code})`
      : cause.message;
  }
  return error.message;
}
