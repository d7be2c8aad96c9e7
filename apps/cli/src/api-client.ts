import { ErrorBody } from '@allmende/protocol';
import { z } from 'zod';
import { badInput, CliError, shown } from './cli.ts';

// The cooperative's JSON API as the CLI speaks it. Every answer comes from a server that may be
// misconfigured or hostile: bodies are capped in size and parsed by the protocol's schemas
// before anything uses them.

/** The largest answer read; lists of members and proposals stay far below. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The server refused; `apiCode` and `rule` are what it said (packages/protocol/src/errors.ts). */
export class ApiError extends CliError {
  readonly status: number;
  readonly apiCode: string | undefined;
  readonly rule: string | undefined;

  constructor(status: number, message: string, apiCode?: string, rule?: string) {
    super('CLI_SERVER_REFUSED', message);
    this.name = 'ApiError';
    this.status = status;
    this.apiCode = apiCode;
    this.rule = rule;
  }
}

/**
 * The server's base URL (scheme, host, port) from what a member types: a URL, or a bare host
 * name, which means https.
 * @throws {CliError} CLI_BAD_INPUT for anything that is not an http(s) address.
 */
export function normalizeServerUrl(input: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(`${JSON.stringify(input)} is not a server address (e.g. https://coop.example)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`${input}: a server address is http:// or https://`);
  }
  return url.origin;
}

export class ApiClient {
  readonly server: string;
  readonly #token: string | undefined;

  constructor(server: string, token?: string) {
    this.server = normalizeServerUrl(server);
    this.#token = token;
  }

  get signedIn(): boolean {
    return this.#token !== undefined;
  }

  get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.#request('GET', path, undefined, schema);
  }

  post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.#request('POST', path, body, schema);
  }

  patch<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.#request('PATCH', path, body, schema);
  }

  delete(path: string): Promise<unknown>;
  delete<T>(path: string, schema: z.ZodType<T>): Promise<T>;
  delete(path: string, schema: z.ZodType = z.unknown()): Promise<unknown> {
    return this.#request('DELETE', path, undefined, schema);
  }

  async #request<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(path, this.server);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string; code?: string } }).cause;
      throw new CliError(
        'CLI_NETWORK',
        `cannot reach ${this.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        { cause: error },
      );
    }
    const text = await readBody(response, `${method} ${url.pathname}`);
    const value = parseJson(text);
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(value);
      if (!parsed.success) {
        throw new ApiError(
          response.status,
          `${this.server} answered ${response.status} ${response.statusText} to ${method} ${url.pathname}`,
        );
      }
      const { code, message, rule } = parsed.data.error;
      const label = [String(response.status), code, rule && `rule ${rule}`].filter(Boolean);
      throw new ApiError(response.status, `${shown(message)} (${label.join(', ')})`, code, rule);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new CliError(
        'CLI_BAD_REPLY',
        `${this.server} gave an unexpected answer to ${method} ${url.pathname}: ${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

async function readBody(response: Response, what: string): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new CliError(
        'CLI_BAD_REPLY',
        `the answer to ${what} is larger than ${MAX_RESPONSE_BYTES} bytes`,
      );
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** A path segment from what a member typed. */
export function segment(text: string): string {
  return encodeURIComponent(text);
}
