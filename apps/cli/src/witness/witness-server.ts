import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Witness } from './witness.ts';
import { WITNESS_HTTP_STATUS, WitnessError } from './witness-error.ts';

/**
 * Largest add-checkpoint body read: 63 proof lines and a checkpoint are a few KiB; this leaves
 * room for many signatures of other witnesses (ML-DSA ones are 3 KiB each).
 */
export const MAX_BODY_BYTES = 1 << 20;

export type WitnessServer = {
  /** http://host:port, as it listens. */
  url: string;
  server: Server;
  close(): Promise<void>;
};

export type Warn = (event: Record<string, unknown>) => void;

/**
 * Serves a witness over HTTP (C2SP tlog-witness): `POST /add-checkpoint`, and
 * `GET /<origin hash>/checkpoint` for monitors. Every other request gets a plain-text error.
 */
export async function serveWitness(
  witness: Witness,
  listen: { host: string; port: number },
  warn: Warn = () => {},
): Promise<WitnessServer> {
  const server = createServer((request, response) => {
    handle(witness, request, response, warn).catch((error: unknown) => {
      warn({ level: 'error', message: 'unhandled error', error: String(error) });
      if (!response.headersSent) reply(response, 500, 'internal error\n');
      else response.destroy();
    });
  });
  // Slow clients must not hold connections open: a request is small.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle(
  witness: Witness,
  request: IncomingMessage,
  response: ServerResponse,
  warn: Warn,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0]!;
  if (path === '/add-checkpoint') {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return refuse(response, new WitnessError('WITNESS_METHOD_NOT_ALLOWED', 'use POST'));
    }
    const body = await readBody(request);
    if (body instanceof WitnessError) return refuse(response, body);
    try {
      const cosignature = await witness.addCheckpoint(body);
      return reply(response, 200, cosignature);
    } catch (error) {
      if (!(error instanceof WitnessError)) throw error;
      if (error.code === 'WITNESS_INCONSISTENT') {
        warn({
          level: 'warn',
          message: 'refused an inconsistent checkpoint',
          reason: error.message,
        });
      }
      return refuse(response, error);
    }
  }
  const monitored = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (monitored) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return refuse(response, new WitnessError('WITNESS_METHOD_NOT_ALLOWED', 'use GET'));
    }
    request.resume();
    try {
      return reply(response, 200, witness.cosignedCheckpoint(monitored[1]!));
    } catch (error) {
      if (!(error instanceof WitnessError)) throw error;
      return refuse(response, error);
    }
  }
  request.resume();
  if (path === '/' && request.method === 'GET') {
    return reply(
      response,
      200,
      `This is the C2SP tlog-witness ${witness.key.name}.\nVerifier key: ${witness.key.verifierKey}\nPOST /add-checkpoint (c2sp.org/tlog-witness)\n`,
    );
  }
  return refuse(
    response,
    new WitnessError('WITNESS_NOT_FOUND', `no such path: ${path.slice(0, 200)}`),
  );
}

function refuse(response: ServerResponse, error: WitnessError): void {
  const status = WITNESS_HTTP_STATUS[error.code];
  // C2SP tlog-witness: a 409's body is the latest cosigned size, "text/x.tlog.size".
  if (error.code === 'WITNESS_CONFLICT' && error.latestSize !== undefined) {
    return reply(response, status, `${error.latestSize}\n`, 'text/x.tlog.size');
  }
  return reply(response, status, `${error.message}\n`);
}

function reply(
  response: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

/**
 * The body, or WITNESS_TOO_LARGE once it passes {@link MAX_BODY_BYTES}. The rest of a body too
 * large is read and dropped (see discardRest), so that the client gets to read the answer.
 */
function readBody(request: IncomingMessage): Promise<Uint8Array | WitnessError> {
  const tooLarge = new WitnessError(
    'WITNESS_TOO_LARGE',
    `an add-checkpoint request is at most ${MAX_BODY_BYTES} bytes`,
  );
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > MAX_BODY_BYTES) {
    discardRest(request);
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.off('data', onData);
        discardRest(request);
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    };
    let ended = false;
    request.on('data', onData);
    request.once('end', () => {
      ended = true;
      resolve(new Uint8Array(Buffer.concat(chunks, length)));
    });
    // A client that goes away mid-body gets no answer; nothing waits for it.
    request.once('close', () => {
      if (!ended) resolve(new WitnessError('WITNESS_BAD_REQUEST', 'the request ended early'));
    });
    request.once('error', reject);
  });
}

/** What a refused client may still send before the connection is cut. */
const MAX_DISCARDED_BYTES = 16 * MAX_BODY_BYTES;

/**
 * Reads and drops the rest of a refused body. Closing a socket with unread data makes the kernel
 * reset the connection, and the client may then lose the 413 before it reads it; past
 * {@link MAX_DISCARDED_BYTES} (or the server's request timeout) the connection is cut all the
 * same.
 */
function discardRest(request: IncomingMessage): void {
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) request.destroy();
  });
  request.resume();
}
