import { createHash, type Hash } from 'node:crypto';
import {
  encodeRecords,
  type StatementDraft,
  type ServerMessage,
  type SessionEndReason,
  type SessionInfo,
  type SessionKind,
  type SessionState,
  type TranscriptEvent,
  type TranscriptRecord,
  type WatchMessage,
} from '@allmende/protocol';
import type { LogService } from '../log/log.service.ts';
import type { SessionGrant } from './session-authority.ts';
import type { SessionRepository, SessionRow } from './session.repo.ts';
import type { TranscriptSealer } from './transcript-sealer.ts';

/** The recorder's end of a session, as the agent channel gives it. */
export type AgentLink = {
  send(message: ServerMessage): void;
  /** Input `seq` is stored: the recorder may write it to the shell (FRAME.ack). */
  ack(seq: number): void;
  /** Stop reading the recorder's frames until resumeReading (TCP then holds the recorder back). */
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
};

/** An observer's browser or CLI. */
export type ObserverLink = {
  handle: string;
  send(message: WatchMessage): void;
  sendOutput(data: Uint8Array): void;
  close(): void;
};

export type LiveSessionOptions = {
  row: SessionRow;
  grant: SessionGrant;
  kind: SessionKind;
  command: string | null;
  salt: Uint8Array;
  sealer: TranscriptSealer;
  repo: SessionRepository;
  log: LogService;
  agent: AgentLink;
  now: () => Date;
  /** Runs after an input piece is stored and before its acknowledgement (tests hold it back). */
  beforeAck?: (session: string, seq: number) => Promise<void>;
  onEnded: (session: LiveSession) => void;
  /** Reports an error that ended a session (the server's log). */
  onError: (error: unknown) => void;
};

/** A chunk statement at least every 64 KiB of records, and every 10 s while records come. */
const CHUNK_BYTES = 64 * 1024;
const CHUNK_MS = 10_000;
/** Output is sealed at 64 KiB, or 50 ms after it came; input at once. */
const PIECE_BYTES = 64 * 1024;
const OUTPUT_FLUSH_MS = 50;
/** Unsealed records beyond this hold the recorder back until they are stored. */
const BACKLOG_HIGH = 4 * 1024 * 1024;
const BACKLOG_LOW = 1024 * 1024;
/** What a new observer sees of the screen so far. */
const REPLAY_BYTES = 256 * 1024;

/**
 * One session while it runs: the records the recorder sends, sealed into pieces and
 * stored before any input is acknowledged (write-ahead), `session.chunk` statements over the
 * pieces, the observers who watch it, and its end. All writes of a session run one after the
 * other, so its pieces, chunks and end reach the database and the log in order.
 */
export class LiveSession {
  readonly id: string;
  readonly host: string;
  readonly principal: string;
  readonly grant: SessionGrant;
  readonly requester: string;
  readonly #options: LiveSessionOptions;
  readonly #startedAt: number;
  #row: SessionRow;
  #state: SessionState;
  readonly #observers = new Set<ObserverLink>();
  #records: TranscriptRecord[] = [];
  #recordBytes = 0;
  #acks: number[] = [];
  #flushQueued = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();
  #readingPaused = false;
  #pieces = 0;
  #inputBytes = 0;
  #outputBytes = 0;
  #transcriptHash = createHash('sha256');
  #chunk: ChunkAccount;
  #chunks = 0;
  #chunkTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  /** Where the records of a piece are encoded before they are sealed (see #writePiece). */
  readonly #plainSpace = new Uint8Array(2 * PIECE_BYTES + 1024);
  #screen: Uint8Array[] = [];
  #screenBytes = 0;
  #size: { cols: number; rows: number } | undefined;
  #ending: Promise<void> | undefined;

  constructor(options: LiveSessionOptions) {
    this.#options = options;
    this.#row = options.row;
    this.id = options.row.id;
    this.host = options.row.host;
    this.principal = options.row.principal;
    this.grant = options.grant;
    this.requester = options.grant.request.requester;
    this.#startedAt = Date.parse(options.row.started_at);
    this.#state = options.row.observer_required ? 'waiting' : 'live';
    this.#chunk = this.#newChunk();
  }

  get state(): SessionState {
    return this.#state;
  }

  get observers(): string[] {
    return [...new Set([...this.#observers].map((o) => o.handle))].sort();
  }

  /**
   * Seals the first piece (who, where, what, and the salt of the plain digests), then lets the
   * recorder start — or wait for an observer, if the policy wants one first.
   */
  async begin(
    size: { cols: number; rows: number } | null,
    start: TranscriptEvent & { type: 'start' },
  ): Promise<void> {
    this.#record({ kind: 'event', at: 0, event: start });
    if (size) this.resize(size.cols, size.rows);
    await this.#flushNow();
    const ms = this.grant.validBefore.getTime() - this.#options.now().getTime();
    this.#expiryTimer = setTimeout(() => void this.end('expired', null), Math.max(0, ms));
    this.#expiryTimer.unref();
    if (this.#state === 'waiting') {
      this.#options.agent.send({
        t: 'waiting',
        session: this.id,
        message: 'The policy wants an observer: waiting until a member watches this session.',
      });
    } else {
      this.#options.agent.send({ t: 'opened', session: this.id });
    }
  }

  // --- From the recorder ----------------------------------------------------------------------

  input(seq: number, data: Uint8Array): void {
    if (this.#state === 'ended') return;
    if (this.#state !== 'live') {
      this.#record({
        kind: 'event',
        at: this.#at(),
        event: { type: 'input-discarded', bytes: data.length },
      });
      // Stored soon, as output is: a pause has no output to carry the record along.
      this.#flushTimer ??= setTimeout(() => this.#queueFlush(), OUTPUT_FLUSH_MS);
      this.#options.agent.send({ t: 'discarded', seq });
      return;
    }
    this.#inputBytes += data.length;
    this.#record({ kind: 'input', at: this.#at(), data });
    this.#acks.push(seq);
    this.#queueFlush();
  }

  output(data: Uint8Array, stream: 'output' | 'error'): void {
    if (this.#state === 'ended') return;
    this.#outputBytes += data.length;
    this.#record({ kind: stream, at: this.#at(), data });
    this.#remember(data);
    for (const observer of this.#observers) observer.sendOutput(data);
    if (this.#recordBytes >= PIECE_BYTES) this.#queueFlush();
    else this.#flushTimer ??= setTimeout(() => this.#queueFlush(), OUTPUT_FLUSH_MS);
  }

  resize(cols: number, rows: number): void {
    if (this.#state === 'ended') return;
    this.#size = { cols, rows };
    this.#record({ kind: 'resize', at: this.#at(), cols, rows });
    for (const observer of this.#observers) observer.send({ t: 'resize', cols, rows });
  }

  // --- Observers ------------------------------------------------------------------------------

  /** Observers who count for the policy: members other than the one whose session it is. */
  #presentObservers(): number {
    return this.observers.filter((h) => h !== this.requester).length;
  }

  watch(observer: ObserverLink): void {
    if (this.#state === 'ended') {
      observer.close();
      return;
    }
    this.#observers.add(observer);
    this.#event({ type: 'observer-joined', observer: observer.handle });
    if (this.#size) observer.send({ t: 'resize', ...this.#size });
    for (const data of this.#screen) observer.sendOutput(data);
    if (observer.handle !== this.requester) {
      if (this.#state === 'waiting') {
        this.#state = 'live';
        this.#options.agent.send({ t: 'opened', session: this.id });
      } else if (this.#state === 'paused') {
        this.#state = 'live';
        this.#event({ type: 'resumed' });
        this.#options.agent.send({
          t: 'resumed',
          message: `${observer.handle} is watching again: the session goes on.`,
        });
      }
    }
    this.#announce();
  }

  unwatch(observer: ObserverLink): void {
    if (!this.#observers.delete(observer) || this.#state === 'ended') return;
    this.#event({ type: 'observer-left', observer: observer.handle });
    if (this.#row.observer_required && this.#state === 'live' && this.#presentObservers() === 0) {
      this.#state = 'paused';
      this.#event({ type: 'paused' });
      this.#options.agent.send({
        t: 'paused',
        message:
          'The last observer left: the session is paused and what you type is discarded until an observer returns.',
      });
    }
    this.#announce();
  }

  info(): SessionInfo {
    return sessionInfoOf(this.#row, {
      state: this.#state,
      observers: this.observers,
      inputBytes: this.#inputBytes,
      outputBytes: this.#outputBytes,
      pieces: this.#pieces,
      chunks: this.#chunks,
    });
  }

  #announce(): void {
    const session = this.info();
    for (const observer of this.#observers) observer.send({ t: 'session', session });
  }

  // --- The end --------------------------------------------------------------------------------

  /**
   * Ends the session once: stores what is left, closes the last chunk, appends `session.ended`,
   * and tells the recorder (which ends the shell) and the observers.
   */
  end(
    reason: SessionEndReason,
    by: string | null,
    exitCode: number | null = null,
    message?: string,
  ): Promise<void> {
    this.#ending ??= this.#end(reason, by, exitCode, message);
    return this.#ending;
  }

  async #end(
    reason: SessionEndReason,
    by: string | null,
    exitCode: number | null,
    message: string | undefined,
  ): Promise<void> {
    // The recorder learns first: an observer's "end" must not wait for the log.
    if (reason !== 'exit' && reason !== 'channel-lost') {
      this.#options.agent.send({ t: 'end', reason, message: message ?? endMessage(reason, by) });
    }
    this.#state = 'ended';
    const endedAt = this.#options.now().toISOString();
    this.#row = {
      ...this.#row,
      ended_at: endedAt,
      end_reason: reason,
      ended_by: by,
      exit_code: exitCode,
    };
    clearTimeout(this.#expiryTimer);
    clearTimeout(this.#chunkTimer);
    clearTimeout(this.#flushTimer);
    this.#record({ kind: 'event', at: this.#at(), event: { type: 'end', reason, by, exitCode } });
    this.#flushQueued = false;
    this.#queueFlush();
    try {
      await this.#serial(() => this.#closeChunk());
      await this.#serial(async () => {
        const transcript = this.#transcriptHash.digest('hex');
        const { index } = await this.#options.log.append(
          {
            actor: 'coop',
            type: 'session.ended',
            body: {
              session: this.id,
              reason,
              by,
              exitCode,
              chunks: this.#chunks,
              pieces: this.#pieces,
              inputBytes: this.#inputBytes,
              outputBytes: this.#outputBytes,
              transcript,
            },
          },
          (trx, index) =>
            this.#options.repo.updateSession(trx, this.id, {
              state: 'ended',
              ended_idx: index,
              ended_at: endedAt,
              end_reason: reason,
              ended_by: by,
              exit_code: exitCode,
              transcript_digest: transcript,
              chunks: this.#chunks,
            }),
        );
        this.#row = {
          ...this.#row,
          state: 'ended',
          ended_at: endedAt,
          end_reason: reason,
          ended_by: by,
          exit_code: exitCode,
          transcript_digest: transcript,
          ended_idx: index,
        };
      });
    } catch (error) {
      this.#options.onError(error);
    } finally {
      if (reason === 'exit') this.#options.agent.send({ t: 'closed' });
      this.#options.agent.close();
      for (const observer of this.#observers) {
        observer.send({ t: 'session', session: this.info() });
        observer.send({ t: 'ended', reason, by });
        observer.close();
      }
      this.#observers.clear();
      this.#options.onEnded(this);
    }
  }

  // --- Records, pieces and chunks ---------------------------------------------------------------

  #at(): number {
    return this.#options.now().getTime() - this.#startedAt;
  }

  #event(event: TranscriptEvent): void {
    this.#record({ kind: 'event', at: this.#at(), event });
    this.#queueFlush();
  }

  #record(record: TranscriptRecord): void {
    this.#records.push(record);
    this.#recordBytes += recordSize(record);
    if (this.#recordBytes > BACKLOG_HIGH && !this.#readingPaused) {
      this.#readingPaused = true;
      this.#options.agent.pauseReading();
    }
  }

  #remember(data: Uint8Array): void {
    this.#screen.push(data);
    this.#screenBytes += data.length;
    while (this.#screenBytes > REPLAY_BYTES && this.#screen.length > 1) {
      this.#screenBytes -= this.#screen.shift()!.length;
    }
  }

  /** Seals what has come so far once the write before it is done (group commit). */
  #queueFlush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    void this.#serial(async () => {
      // Frames that the socket has already delivered join this write: a write started in the
      // same turn would commit them one by one (one fsync each) and never catch up.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.#flushQueued = false;
      await this.#writePiece();
    }).catch((error: unknown) => {
      this.#options.onError(error);
      // Nothing more can be stored: fail closed.
      void this.end('interrupted', null, null, 'The server could not store the session: it ends.');
    });
  }

  #flushNow(): Promise<void> {
    this.#flushQueued = true;
    return this.#serial(async () => {
      this.#flushQueued = false;
      await this.#writePiece();
    });
  }

  #serial(work: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(work);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /**
   * Seals and stores every record that came since the last write, in one transaction (group
   * commit): pieces of about PIECE_BYTES, a `session.chunk` statement for every chunk they
   * close, and the session's totals. Only then are the input records among them acknowledged.
   * What is in memory (piece count, chunk, transcript digest) moves on only after the commit.
   */
  async #writePiece(): Promise<void> {
    if (this.#records.length === 0) return;
    const records = this.#records;
    const acks = this.#acks;
    this.#records = [];
    this.#recordBytes = 0;
    this.#acks = [];

    // Each piece is sealed and counted into its chunk as it is cut: its plain bytes live in
    // scratch space only until the next piece. A chunk that the pieces fill is closed, with its
    // statement and the pieces it covers.
    const first = this.#pieces;
    const sealer = this.#options.sealer;
    const sealed: Uint8Array[] = [];
    let chunk = copyChunk(this.#chunk);
    const closed: { draft: StatementDraft; pieces: Uint8Array[] }[] = [];
    let covered: Uint8Array[] = [];
    let group: TranscriptRecord[] = [];
    let groupBytes = 0;
    const cut = () => {
      if (group.length === 0) return;
      const plain = encodeRecords(group, this.#plainSpace);
      const piece = sealer.seal(plain, first + sealed.length);
      sealed.push(piece);
      covered.push(piece);
      chunk.sealed.update(lengthPrefix(piece)).update(piece);
      chunk.plain.update(plain);
      chunk.bytes += plain.length;
      for (const r of group) {
        if (r.kind === 'input') chunk.input += r.data.length;
        else if (r.kind === 'output' || r.kind === 'error') chunk.output += r.data.length;
      }
      chunk.to = first + sealed.length;
      if (chunk.bytes >= CHUNK_BYTES) {
        closed.push({
          draft: this.#chunkStatement(chunk, this.#chunks + closed.length),
          pieces: covered,
        });
        covered = [];
        chunk = this.#newChunk(chunk.to);
      }
      group = [];
      groupBytes = 0;
    };
    for (const record of records) {
      group.push(record);
      groupBytes += recordSize(record);
      if (groupBytes >= PIECE_BYTES) cut();
    }
    cut();

    const totals = {
      input_bytes: this.#inputBytes,
      output_bytes: this.#outputBytes,
      pieces: first + sealed.length,
      chunks: this.#chunks + closed.length,
    };
    const { repo, log } = this.#options;
    if (closed.length === 0) {
      await repo.insertPieces(undefined, this.id, first, covered, totals);
    } else {
      // Appended together, the statements join one batch of the log's sequencer: one commit
      // for all. Each carries the pieces it covers; the last also the rest and the totals.
      let from = first;
      const appends = closed.map(({ draft, pieces: own }, k) => {
        const at = from;
        from += own.length;
        const last = k === closed.length - 1;
        return log.append(draft, (trx) =>
          repo.insertPieces(
            trx,
            this.id,
            at,
            last ? [...own, ...covered] : own,
            last ? totals : undefined,
          ),
        );
      });
      const failed = (await Promise.allSettled(appends)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }

    this.#pieces = first + sealed.length;
    this.#chunks += closed.length;
    this.#chunk = chunk;
    for (const piece of sealed) this.#transcriptHash.update(lengthPrefix(piece)).update(piece);
    sealer.recycle();
    if (this.#readingPaused && this.#recordBytes < BACKLOG_LOW) {
      this.#readingPaused = false;
      this.#options.agent.resumeReading();
    }
    for (const ack of acks) {
      await this.#options.beforeAck?.(this.id, ack);
      if (this.#state !== 'ended') this.#options.agent.ack(ack);
    }
    if (closed.length > 0) {
      clearTimeout(this.#chunkTimer);
      this.#chunkTimer = undefined;
    }
    if (chunk.to > chunk.from) this.#chunkTimer ??= setTimeout(() => this.#timeChunk(), CHUNK_MS);
  }

  #timeChunk(): void {
    this.#chunkTimer = undefined;
    void this.#serial(() => this.#closeChunk()).catch((error: unknown) =>
      this.#options.onError(error),
    );
  }

  /** Appends `session.chunk` for the pieces since the last one, if there are any. */
  async #closeChunk(): Promise<void> {
    clearTimeout(this.#chunkTimer);
    this.#chunkTimer = undefined;
    const chunk = this.#chunk;
    if (chunk.to === chunk.from) return;
    const number = this.#chunks;
    await this.#options.log.append(this.#chunkStatement(chunk, number), (trx) =>
      this.#options.repo.updateSession(trx, this.id, { chunks: number + 1 }),
    );
    this.#chunks = number + 1;
    this.#chunk = this.#newChunk(chunk.to);
  }

  #chunkStatement(chunk: ChunkAccount, number: number): StatementDraft {
    return {
      actor: 'coop',
      type: 'session.chunk',
      body: {
        session: this.id,
        chunk: number,
        pieces: { from: chunk.from, to: chunk.to },
        inputBytes: chunk.input,
        outputBytes: chunk.output,
        sealed: chunk.sealed.digest('hex'),
        plain: chunk.plain.digest('hex'),
      },
    };
  }

  #newChunk(from = this.#pieces): ChunkAccount {
    return {
      from,
      to: from,
      bytes: 0,
      input: 0,
      output: 0,
      sealed: createHash('sha256'),
      plain: createHash('sha256').update(this.#options.salt),
    };
  }
}

/** A chunk's account to go on from, leaving the original as it is until the commit. */
function copyChunk(chunk: ChunkAccount): ChunkAccount {
  return { ...chunk, sealed: chunk.sealed.copy(), plain: chunk.plain.copy() };
}

/** A piece's length (uint32 BE), as it precedes the piece in the digests and the download. */
function lengthPrefix(sealed: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4);
  new DataView(frame.buffer).setUint32(0, sealed.length);
  return frame;
}

/** The bytes a record takes in a piece, near enough to cut pieces by. */
function recordSize(record: TranscriptRecord): number {
  return 'data' in record ? record.data.length + 9 : 64;
}

type ChunkAccount = {
  from: number;
  to: number;
  bytes: number;
  input: number;
  output: number;
  sealed: Hash;
  plain: Hash;
};

function endMessage(reason: SessionEndReason, by: string | null): string {
  switch (reason) {
    case 'ended-by-observer':
      return `${by ?? 'An observer'} ended this session.`;
    case 'revoked':
      return 'The certificate of this session was revoked: the session ends.';
    case 'expired':
      return 'The certificate of this session has expired: the session ends.';
    case 'interrupted':
      return 'The server stops: the session ends.';
    case 'exit':
    case 'channel-lost':
      return 'The session ends.';
  }
}

/** The API's view of a session row, with what only the live session knows. */
export function sessionInfoOf(
  row: SessionRow,
  live?: Pick<
    SessionInfo,
    'state' | 'observers' | 'inputBytes' | 'outputBytes' | 'pieces' | 'chunks'
  >,
): SessionInfo {
  return {
    id: row.id,
    host: row.host,
    principal: row.principal,
    request: row.request,
    ticket: row.ticket === null ? null : Number(row.ticket),
    requester: row.requester,
    serial: row.serial,
    kind: row.kind as SessionKind,
    command: row.public_command,
    state: live?.state ?? (row.state as SessionState),
    observerRequired: row.observer_required === 1,
    observers: live?.observers ?? [],
    recipients: JSON.parse(row.recipients) as string[],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    endReason: row.end_reason as SessionEndReason | null,
    endedBy: row.ended_by,
    exitCode: row.exit_code,
    inputBytes: live?.inputBytes ?? Number(row.input_bytes),
    outputBytes: live?.outputBytes ?? Number(row.output_bytes),
    pieces: live?.pieces ?? Number(row.pieces),
    chunks: live?.chunks ?? Number(row.chunks),
    startedIndex: row.started_idx === null ? null : Number(row.started_idx),
    endedIndex: row.ended_idx === null ? null : Number(row.ended_idx),
    transcriptDigest: row.transcript_digest,
  };
}
