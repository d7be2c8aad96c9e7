import { STATUS_CODES } from 'node:http';

/** Longest answer read from a witness: a few signature lines. */
const MAX_REPLY_BYTES = 64 * 1024;

/** What a witness answered to add-checkpoint (C2SP tlog-witness). */
export type AddCheckpointReply =
  | { kind: 'cosigned'; lines: string }
  /** 409: the witness's latest cosigned size, from its text/x.tlog.size body. */
  | { kind: 'conflict'; size: number }
  | { kind: 'refused'; status: number; message: string };

/**
 * POSTs `old <size>`, the proof lines, an empty line and the signed checkpoint to
 * `<url>/add-checkpoint`. The answer is the witness's and untrusted: read bounded, parsed
 * strictly; the caller verifies any cosignature.
 * @throws Error when the witness cannot be reached or its answer is malformed.
 */
export async function addCheckpoint(
  fetchImpl: typeof fetch,
  url: string,
  request: { oldSize: number; proof: readonly Uint8Array[]; note: string },
  signal: AbortSignal,
): Promise<AddCheckpointReply> {
  const body = [
    `old ${request.oldSize}\n`,
    ...request.proof.map((hash) => `${Buffer.from(hash).toString('base64')}\n`),
    '\n',
    request.note,
  ].join('');
  const response = await fetchImpl(`${url.replace(/\/+$/, '')}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body,
    signal,
    redirect: 'error',
  });
  const text = await readText(response);
  if (response.status === 200) return { kind: 'cosigned', lines: text };
  if (response.status === 409) {
    const type = response.headers.get('content-type') ?? '';
    const match = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
    if (!type.startsWith('text/x.tlog.size') || !match || !Number.isSafeInteger(Number(match[1]))) {
      throw new Error('answered 409 without its latest size as text/x.tlog.size');
    }
    return { kind: 'conflict', size: Number(match[1]) };
  }
  const message = text
    .trim()
    .slice(0, 300)
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ');
  return {
    kind: 'refused',
    status: response.status,
    message: message || (STATUS_CODES[response.status] ?? ''),
  };
}

async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_REPLY_BYTES || response.body === null) {
    await response.body?.cancel();
    if (declared > MAX_REPLY_BYTES)
      throw new Error(`answered with more than ${MAX_REPLY_BYTES} bytes`);
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > MAX_REPLY_BYTES) {
      await reader.cancel();
      throw new Error(`answered with more than ${MAX_REPLY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, length));
  } catch {
    throw new Error('answered with a body that is not UTF-8');
  }
}
