import { randomBytes } from 'node:crypto';
import { encodeHex } from '@allmende/bytes';
import {
  frameSealedPieces,
  sessionKindOf,
  type AgentMessage,
  type SessionInfo,
  type SessionKind,
} from '@allmende/protocol';
import { activeMember, currentKeys, lookup, oversightGroup, type CoopState } from '@allmende/rules';
import { parseCertificate } from '@allmende/ssh';
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { EnrolledHost } from '../hosts/host.service.ts';
import type { LogService } from '../log/log.service.ts';
import { LiveSession, sessionInfoOf, type AgentLink, type ObserverLink } from './live-session.ts';
import type { SessionAuthority, SessionGrant } from './session-authority.ts';
import type { SessionRepository, SessionRow } from './session.repo.ts';
import { TranscriptSealer } from './transcript-sealer.ts';

type OpenMessage = Extract<AgentMessage, { t: 'open' }>;

export type SessionServiceOptions = {
  repo: SessionRepository;
  log: LogService;
  coop: { readonly state: Readonly<CoopState> };
  authority: SessionAuthority;
  now?: () => Date;
  /** Runs after an input piece is stored and before its acknowledgement (tests hold it back). */
  beforeAck?: (session: string, seq: number) => Promise<void>;
  onError?: (error: unknown) => void;
};

/**
 * Guarded sessions: a host's recorder asks to open one with the certificate sshd accepted; the
 * certificate authority (SessionAuthority) and the policy decide; the transcript is sealed to
 * the oversight group as it comes, and the log gets `session.started`, `session.chunk` and
 * `session.ended`. Members watch live sessions and may end them; a revoked certificate ends
 * its session.
 */
export class SessionService {
  readonly #repo: SessionRepository;
  readonly #log: LogService;
  readonly #coop: SessionServiceOptions['coop'];
  readonly #authority: SessionAuthority;
  readonly #now: () => Date;
  readonly #beforeAck: SessionServiceOptions['beforeAck'];
  readonly #onError: (error: unknown) => void;
  readonly #live = new Map<string, LiveSession>();

  private constructor(options: SessionServiceOptions) {
    this.#repo = options.repo;
    this.#log = options.log;
    this.#coop = options.coop;
    this.#authority = options.authority;
    this.#now = options.now ?? (() => new Date());
    this.#beforeAck = options.beforeAck;
    this.#onError = options.onError ?? (() => {});
  }

  /** Opens the service: sessions that were open when the server last stopped are ended now. */
  static async open(options: SessionServiceOptions): Promise<SessionService> {
    const service = new SessionService(options);
    await service.#endInterrupted();
    options.authority.onRevoked((serial) => {
      for (const session of service.#live.values()) {
        if (session.grant.serial === serial) void session.end('revoked', null);
      }
    });
    return service;
  }

  /**
   * A recorder asks for a session. Refusals are logged (`session.refused`) and answered to the
   * recorder; an accepted session is `session.started` in the log before the recorder hears of it.
   */
  async openSession(
    host: EnrolledHost,
    message: OpenMessage,
    agent: AgentLink,
  ): Promise<LiveSession | undefined> {
    const refuse = async (code: string, reason: string, serial: bigint | null) => {
      agent.send({ t: 'refused', code, message: reason });
      await this.#log.append({
        actor: 'coop',
        type: 'session.refused',
        body: {
          host: host.host,
          principal: message.login,
          serial: serial === null ? null : serial.toString(),
          kind: message.kind,
          code,
          reason: reason.slice(0, 500),
        },
      });
      return undefined;
    };
    const serial = serialOf(message.certificate);
    if (!host.logins.includes(message.login)) {
      return refuse(
        'SESSION_REFUSED',
        `the login ${message.login} is not guarded on ${host.host}`,
        serial,
      );
    }
    if (sessionKindOf(message.command) !== message.kind) {
      return refuse('AGENT_BAD_MESSAGE', 'the kind of session does not match its command', serial);
    }
    const check = await this.#authority.checkSessionCertificate(
      { host: host.host, principal: message.login, certificate: message.certificate },
      this.#now(),
    );
    if (!check.ok) return refuse(check.code, check.message, serial);
    const refusal = policyRefusal(check, message.kind, message.command);
    if (refusal) return refuse(refusal.code, refusal.message, check.serial);
    const recipients = this.#recipients();
    if (recipients.keys.length === 0) {
      return refuse(
        'SESSION_NO_RECIPIENTS',
        'the oversight group has no age recipient to seal the transcript to',
        check.serial,
      );
    }
    return this.#start(host, message, check, recipients, agent);
  }

  async #start(
    host: EnrolledHost,
    message: OpenMessage,
    grant: SessionGrant,
    recipients: { handles: string[]; keys: string[] },
    agent: AgentLink,
  ): Promise<LiveSession> {
    const id = randomBytes(16).toString('base64url');
    const salt = randomBytes(32);
    const startedAt = this.#now().toISOString();
    const publicCommand = grant.policy.commandLines === 'public' ? message.command : null;
    const row: SessionRow = {
      id,
      host: host.host,
      principal: message.login,
      request: grant.request.id,
      ticket: grant.request.ticket,
      requester: grant.request.requester,
      serial: grant.serial.toString(),
      kind: message.kind,
      public_command: publicCommand,
      observer_required: grant.policy.observer ? 1 : 0,
      recipients: JSON.stringify(recipients.handles),
      state: grant.policy.observer ? 'waiting' : 'live',
      started_at: startedAt,
      ended_at: null,
      end_reason: null,
      ended_by: null,
      exit_code: null,
      input_bytes: 0,
      output_bytes: 0,
      pieces: 0,
      chunks: 0,
      started_idx: null,
      ended_idx: null,
      transcript_digest: null,
    };
    const { index } = await this.#log.append(
      {
        actor: 'coop',
        type: 'session.started',
        body: {
          session: id,
          host: host.host,
          principal: message.login,
          request: grant.request.id,
          ticket: grant.request.ticket,
          serial: row.serial,
          kind: message.kind,
          ...(publicCommand !== null && { command: publicCommand }),
          observerRequired: grant.policy.observer,
          recipients: recipients.handles,
        },
      },
      (trx, index) => this.#repo.insertSession(trx, { ...row, started_idx: index }),
    );
    const session = new LiveSession({
      row: { ...row, started_idx: index },
      grant,
      kind: message.kind,
      command: message.command,
      salt,
      sealer: new TranscriptSealer(recipients.keys),
      repo: this.#repo,
      log: this.#log,
      agent,
      now: this.#now,
      beforeAck: this.#beforeAck,
      onEnded: (ended) => this.#live.delete(ended.id),
      onError: this.#onError,
    });
    this.#live.set(id, session);
    await session.begin(message.pty, {
      type: 'start',
      session: id,
      host: host.host,
      login: message.login,
      kind: message.kind,
      command: message.command,
      request: grant.request.id,
      serial: row.serial,
      salt: encodeHex(salt),
    });
    return session;
  }

  /** The handles of the oversight group that hold an age key, and those keys. */
  #recipients(): { handles: string[]; keys: string[] } {
    const state = this.#coop.state;
    const handles: string[] = [];
    const keys: string[] = [];
    for (const handle of oversightGroup(state)) {
      const member = lookup(state.members, handle);
      const ages = member
        ? currentKeys(member).flatMap((k) => (k.key.kind === 'age' ? [k.key.recipient] : []))
        : [];
      if (ages.length > 0) handles.push(handle);
      keys.push(...ages);
    }
    return { handles, keys };
  }

  // --- Reading --------------------------------------------------------------------------------

  async list(query: {
    host?: string;
    state: 'open' | 'ended' | 'all';
    limit: number;
  }): Promise<{ sessions: SessionInfo[] }> {
    const rows = await this.#repo.sessions({
      host: query.host,
      state: query.state === 'all' ? undefined : query.state,
      limit: query.limit,
    });
    return { sessions: rows.map((row) => this.#infoOf(row)) };
  }

  /** @throws AppError SESSION_NOT_FOUND */
  async session(id: string): Promise<SessionInfo> {
    const live = this.#live.get(id);
    if (live) return live.info();
    return this.#infoOf(await this.#row(id));
  }

  /**
   * The sealed transcript: its age pieces, framed (see frameSealedPieces). Only members fetch
   * it; only the oversight group's identities open it.
   * @throws AppError SESSION_NOT_FOUND, SESSION_NOT_ALLOWED
   */
  async transcript(id: string, viewer: string): Promise<Uint8Array> {
    this.#requireMember(viewer);
    await this.#row(id);
    return frameSealedPieces(await this.#repo.pieces(id));
  }

  /** Whether a recorded session on `host` started or ended after `since`, or is open. */
  sessionsSince(host: string, since: string): Promise<boolean> {
    return this.#repo.activeSince(host, since);
  }

  // --- Observers ------------------------------------------------------------------------------

  /**
   * Lets a member watch a live session.
   * @throws AppError SESSION_NOT_ALLOWED for a non-member, SESSION_NOT_FOUND, SESSION_ENDED
   */
  async watch(id: string, link: ObserverLink): Promise<LiveSession> {
    this.#requireMember(link.handle);
    const live = this.#live.get(id);
    if (!live) {
      await this.#row(id);
      throw new AppError('SESSION_ENDED', `session ${id} has ended`);
    }
    live.watch(link);
    return live;
  }

  /**
   * A member ends a live session: the recorder ends the shell.
   * @throws AppError SESSION_NOT_ALLOWED, SESSION_NOT_FOUND, SESSION_ENDED
   */
  async end(id: string, member: string): Promise<SessionInfo> {
    this.#requireMember(member);
    const live = this.#live.get(id);
    if (!live) {
      await this.#row(id);
      throw new AppError('SESSION_ENDED', `session ${id} has ended already`);
    }
    await live.end('ended-by-observer', member);
    return this.session(id);
  }

  /** Ends every live session (the server stops): their recorders end the shells. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((s) => s.end('interrupted', null)));
  }

  #requireMember(handle: string): void {
    if (!activeMember(this.#coop.state, handle)) {
      throw new AppError('SESSION_NOT_ALLOWED', 'only members watch, end or fetch sessions');
    }
  }

  async #row(id: string): Promise<SessionRow> {
    const row = await this.#repo.session(id);
    if (!row) throw new AppError('SESSION_NOT_FOUND', `there is no session ${id}`);
    return row;
  }

  #infoOf(row: SessionRow): SessionInfo {
    return this.#live.get(row.id)?.info() ?? sessionInfoOf(row);
  }

  /** Sessions the database holds as open belong to a server that stopped: end them now. */
  async #endInterrupted(): Promise<void> {
    for (const row of await this.#repo.openSessions()) {
      const pieces = await this.#repo.pieces(row.id);
      const transcript = createHash('sha256').update(frameSealedPieces(pieces)).digest('hex');
      const endedAt = this.#now().toISOString();
      await this.#log.append(
        {
          actor: 'coop',
          type: 'session.ended',
          body: {
            session: row.id,
            reason: 'interrupted',
            by: null,
            exitCode: null,
            chunks: Number(row.chunks),
            pieces: pieces.length,
            inputBytes: Number(row.input_bytes),
            outputBytes: Number(row.output_bytes),
            transcript,
          },
        },
        (trx, index) =>
          this.#repo.updateSession(trx, row.id, {
            state: 'ended',
            ended_at: endedAt,
            end_reason: 'interrupted',
            pieces: pieces.length,
            ended_idx: index,
            transcript_digest: transcript,
          }),
      );
    }
  }
}

/** What the policy and the request say against a session the certificate allows. */
function policyRefusal(
  grant: SessionGrant,
  kind: SessionKind,
  command: string | null,
): { code: string; message: string } | undefined {
  const allowed = grant.request.command;
  if (allowed !== undefined && command !== allowed) {
    return {
      code: 'SESSION_REFUSED',
      message: `request ${grant.request.id} allows only the command ${JSON.stringify(allowed)}`,
    };
  }
  if ((kind === 'sftp' || kind === 'scp') && !grant.policy.fileTransfers) {
    return {
      code: 'SESSION_FILE_TRANSFER_REFUSED',
      message: `the policy of this host does not allow file transfers (${kind})`,
    };
  }
  return undefined;
}

/** The serial of a certificate line for the log, or null when it is not even a certificate. */
function serialOf(line: string): bigint | null {
  try {
    return parseCertificate(line).serial;
  } catch {
    return null;
  }
}
