import { randomBytes } from 'node:crypto';
import {
  AgentMessage,
  encodeFrame,
  FRAME,
  FRAME_HEADER,
  MAX_FRAME_DATA,
  type ServerMessage,
} from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { EnrolledHost, HostService } from '../hosts/host.service.ts';
import type { LiveSession } from './live-session.ts';
import type { SessionService } from './session.service.ts';

/** A host that does not answer the challenge in time is dropped. */
const HELLO_MS = 10_000;
/** Pings keep the channel honest: a recorder whose server stops answering ends the shell. */
const PING_MS = 2_000;
const DEAD_MS = 6_000;

export type AgentChannelDependencies = {
  hosts: HostService;
  sessions: SessionService;
  origin: string;
  onError: (error: unknown) => void;
};

/**
 * `/ws/agent`: the channel of a host's agent. The server sends a challenge; the agent answers
 * with an SSHSIG of it by its enrolled host key; then it opens one session (the recorder) or
 * reports an attestation. Every message is parsed before use: a malformed one closes the
 * channel, and with it the session.
 */
export function agentChannel(app: FastifyInstance, deps: AgentChannelDependencies): void {
  app.get('/ws/agent', { websocket: true, schema: { hide: true } }, (socket) => {
    new AgentConnection(socket, deps).start();
  });
}

class AgentConnection {
  readonly #socket: WebSocket;
  readonly #deps: AgentChannelDependencies;
  readonly #nonce = randomBytes(32).toString('base64url');
  #host: EnrolledHost | undefined;
  #session: LiveSession | undefined;
  #busy = false;
  #lastSeen = Date.now();
  #timers: NodeJS.Timeout[] = [];

  constructor(socket: WebSocket, deps: AgentChannelDependencies) {
    this.#socket = socket;
    this.#deps = deps;
  }

  start(): void {
    this.#send({ t: 'challenge', nonce: this.#nonce, origin: this.#deps.origin });
    this.#timers.push(
      setTimeout(() => {
        if (!this.#host) this.#fail('AGENT_AUTH_FAILED', 'no answer to the challenge');
      }, HELLO_MS),
      setInterval(() => {
        if (Date.now() - this.#lastSeen > DEAD_MS) this.#socket.terminate();
        else this.#socket.ping();
      }, PING_MS),
    );
    this.#socket.on('pong', () => (this.#lastSeen = Date.now()));
    this.#socket.on('ping', () => (this.#lastSeen = Date.now()));
    this.#socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#lastSeen = Date.now();
      try {
        if (isBinary) this.#frame(data);
        else this.#message(data.toString('utf8'));
      } catch (error) {
        this.#failWith(error);
      }
    });
    this.#socket.on('close', () => {
      for (const timer of this.#timers) clearTimeout(timer);
      if (this.#session) void this.#session.end('channel-lost', null);
    });
    this.#socket.on('error', () => this.#socket.terminate());
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #fail(code: string, message: string): void {
    this.#send({ t: 'error', code, message });
    this.#socket.close(1008, code);
  }

  #failWith(error: unknown): void {
    if (error instanceof AppError) this.#fail(error.code, error.message);
    else {
      this.#deps.onError(error);
      this.#fail('INTERNAL', 'internal error');
    }
  }

  #frame(data: Buffer): void {
    const session = this.#session;
    if (!session) throw new AppError('AGENT_BAD_MESSAGE', 'bytes before a session is open');
    if (data.length < FRAME_HEADER || data.length - FRAME_HEADER > MAX_FRAME_DATA) {
      throw new AppError('AGENT_BAD_MESSAGE', 'a frame is 5 bytes of header and at most 64 KiB');
    }
    const type = data[0];
    // A view, not a copy: output passes through here at the recorder's full rate.
    const bytes = data.subarray(FRAME_HEADER);
    if (type === FRAME.input) session.input(data.readUInt32BE(1), bytes);
    else if (type === FRAME.output) session.output(bytes, 'output');
    else if (type === FRAME.error) session.output(bytes, 'error');
    else throw new AppError('AGENT_BAD_MESSAGE', `unknown frame type ${type}`);
  }

  #message(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError('AGENT_BAD_MESSAGE', 'a text message is JSON');
    }
    const parsed = AgentMessage.safeParse(value);
    if (!parsed.success) {
      throw new AppError(
        'AGENT_BAD_MESSAGE',
        `malformed message: ${z.prettifyError(parsed.error)}`,
      );
    }
    const message = parsed.data;
    if (message.t === 'hello') return this.#async(() => this.#hello(message));
    const host = this.#host;
    if (!host) throw new AppError('AGENT_AUTH_FAILED', 'answer the challenge first');
    switch (message.t) {
      case 'open':
        return this.#async(() => this.#open(host, message));
      case 'attest':
        return this.#async(() => this.#attest(host, message));
      case 'resize':
        return this.#requireSession().resize(message.cols, message.rows);
      case 'exit':
        void this.#requireSession().end('exit', null, message.code);
        return;
    }
  }

  #requireSession(): LiveSession {
    if (!this.#session) throw new AppError('AGENT_BAD_MESSAGE', 'no session is open');
    return this.#session;
  }

  /** One request at a time: a second one while the first is answered is a protocol error. */
  #async(work: () => Promise<void>): void {
    if (this.#busy) throw new AppError('AGENT_BAD_MESSAGE', 'one request at a time');
    this.#busy = true;
    work()
      .catch((error: unknown) => this.#failWith(error))
      .finally(() => (this.#busy = false));
  }

  async #hello(message: Extract<AgentMessage, { t: 'hello' }>): Promise<void> {
    if (this.#host) throw new AppError('AGENT_BAD_MESSAGE', 'the challenge is answered once');
    this.#host = await this.#deps.hosts.authenticate(message.host, this.#nonce, message.signature);
    this.#send({ t: 'ready' });
  }

  async #open(host: EnrolledHost, message: Extract<AgentMessage, { t: 'open' }>): Promise<void> {
    if (this.#session) throw new AppError('AGENT_BAD_MESSAGE', 'one session per channel');
    const socket = this.#socket;
    const session = await this.#deps.sessions.openSession(host, message, {
      send: (m) => this.#send(m),
      ack: (seq) => {
        if (socket.readyState === socket.OPEN)
          socket.send(encodeFrame(FRAME.ack, seq), { binary: true });
      },
      pauseReading: () => socket.pause(),
      resumeReading: () => socket.resume(),
      close: () => {
        if (socket.readyState === socket.OPEN) socket.close(1000, 'session ended');
      },
    });
    if (!session) {
      socket.close(1000, 'refused');
      return;
    }
    this.#session = session;
    if (socket.readyState !== socket.OPEN) void session.end('channel-lost', null);
  }

  async #attest(host: EnrolledHost, message: Extract<AgentMessage, { t: 'attest' }>) {
    const result = await this.#deps.hosts.attest(host.host, message.files);
    this.#send({ t: 'attested', ...result });
  }
}
