import {
  encodeFrame,
  FRAME,
  FRAME_HEADER,
  ServerMessage,
  type AgentMessage,
} from '@allmende/protocol';
import WebSocket from 'ws';
import { z } from 'zod';
import { AgentError } from './agent-error.ts';
import { signAsHost, type HostKey } from './host-key.ts';

/** How long the server may take to accept the channel before the recorder gives up. */
const CONNECT_MS = 10_000;
/** A server that answers no ping for this long is gone: the recorder ends the shell. */
const PING_MS = 1_000;
const DEAD_MS = 3_500;

export type ChannelOptions = {
  server: string;
  host: string;
  origin: string;
  key: HostKey;
};

/**
 * The host's authenticated channel to the server (`/ws/agent`): the server's challenge is
 * answered with an SSHSIG by the host key. Everything the server sends is parsed before use.
 */
export class ServerChannel {
  readonly #socket: WebSocket;
  #onMessage: (message: ServerSays) => void = () => {};
  #onClose: (why: string) => void = () => {};
  #closed = false;
  #lastSeen = Date.now();
  #pinger: NodeJS.Timeout | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  /**
   * Connects and authenticates.
   * @throws {AgentError} AGENT_SERVER_UNREACHABLE, AGENT_SERVER_REFUSED, AGENT_BAD_REPLY
   */
  static async connect(options: ChannelOptions): Promise<ServerChannel> {
    const url = new URL('/ws/agent', options.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { handshakeTimeout: CONNECT_MS, maxPayload: 1024 * 1024 });
    const channel = new ServerChannel(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(
          new AgentError('AGENT_SERVER_UNREACHABLE', `${options.server} did not answer in time`),
        );
      }, CONNECT_MS);
      const fail = (error: AgentError) => {
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      socket.once('error', (error) =>
        fail(
          new AgentError(
            'AGENT_SERVER_UNREACHABLE',
            `cannot reach ${options.server}: ${error.message}`,
            {
              cause: error,
            },
          ),
        ),
      );
      socket.once('close', () =>
        fail(new AgentError('AGENT_SERVER_REFUSED', `${options.server} closed the channel`)),
      );
      socket.on('message', function first(data: Buffer, isBinary: boolean) {
        let message: ServerSays;
        try {
          message = parseServerMessage(data, isBinary);
        } catch (error) {
          fail(error as AgentError);
          return;
        }
        if (message.t === 'challenge') {
          if (message.origin !== options.origin) {
            fail(
              new AgentError(
                'AGENT_BAD_REPLY',
                `the server speaks for ${message.origin}, not for ${options.origin}`,
              ),
            );
            return;
          }
          void signAsHost(options.key, message.nonce, options.origin).then((signature) =>
            channel.send({ t: 'hello', host: options.host, signature }),
          );
        } else if (message.t === 'ready') {
          clearTimeout(timer);
          socket.off('message', first);
          socket.removeAllListeners('error');
          socket.removeAllListeners('close');
          channel.#listen();
          resolve();
        } else if (message.t === 'error') {
          fail(new AgentError('AGENT_SERVER_REFUSED', `${message.message} (${message.code})`));
        } else {
          fail(
            new AgentError('AGENT_BAD_REPLY', `unexpected ${message.t} before the channel is up`),
          );
        }
      });
    });
    return channel;
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#lastSeen = Date.now();
      let message: ServerSays;
      try {
        message = parseServerMessage(data, isBinary);
      } catch (error) {
        this.#close((error as Error).message);
        return;
      }
      this.#onMessage(message);
    });
    socket.on('pong', () => (this.#lastSeen = Date.now()));
    socket.on('ping', () => (this.#lastSeen = Date.now()));
    socket.on('close', () => this.#close('the server closed the channel'));
    socket.on('error', (error) => this.#close(error.message));
    this.#lastSeen = Date.now();
    this.#pinger = setInterval(() => {
      if (Date.now() - this.#lastSeen > DEAD_MS) this.#close('the server stopped answering');
      else if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, PING_MS);
  }

  #close(why: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    this.#socket.terminate();
    this.#onClose(why);
  }

  onMessage(handler: (message: ServerSays) => void): void {
    this.#onMessage = handler;
  }

  onClose(handler: (why: string) => void): void {
    this.#onClose = handler;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes handed to the socket that the kernel has not taken yet. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  send(message: AgentMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /**
   * A binary frame: type ‖ seq ‖ data (one piece, or several in a row); `sent` runs once the
   * socket has taken it.
   */
  sendFrame(
    type: number,
    seq: number,
    data: Uint8Array | readonly Uint8Array[],
    sent?: () => void,
  ): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    const parts = data instanceof Uint8Array ? [data] : data;
    this.#socket.send(encodeFrame(type, seq, parts), { binary: true }, sent);
  }

  /** Closes the channel and stops its pings. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#pinger);
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(1000, 'done');
    else this.#socket.terminate();
  }
}

/** What the server says: a message, or the binary acknowledgement of stored input. */
export type ServerSays = ServerMessage | { t: 'ack'; seq: number };

function parseServerMessage(data: Buffer, isBinary: boolean): ServerSays {
  if (isBinary) {
    if (data.length !== FRAME_HEADER || data[0] !== FRAME.ack) {
      throw new AgentError('AGENT_BAD_REPLY', 'the server sent bytes that are no acknowledgement');
    }
    return { t: 'ack', seq: data.readUInt32BE(1) };
  }
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    throw new AgentError('AGENT_BAD_REPLY', 'the server sent something that is not JSON');
  }
  const parsed = ServerMessage.safeParse(value);
  if (!parsed.success) {
    throw new AgentError(
      'AGENT_BAD_REPLY',
      `malformed message from the server: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
