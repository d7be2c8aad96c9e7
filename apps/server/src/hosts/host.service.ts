import { createHash, randomBytes } from 'node:crypto';
import { encodeUtf8 } from '@allmende/bytes';
import {
  AttestedFile,
  SshPublicKeyLine,
  hostNamespace,
  type EnrolmentReport,
  type EnrolmentToken,
} from '@allmende/protocol';
import { activeMember, lookup, type CoopState } from '@allmende/rules';
import { SshError, parsePublicKey, verifySignature, type SshPublicKey } from '@allmende/ssh';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { LogService } from '../log/log.service.ts';
import type { HostRepository } from './host.repo.ts';

const TOKEN_MINUTES = 60;

export type EnrolledHost = {
  host: string;
  hostKey: string;
  logins: string[];
  enrolledIndex: number;
  enrolledAt: string;
};

export type AttestationResult = {
  index: number;
  changed: string[];
  unexplained: boolean;
  ticket: number | null;
};

export type HostServiceOptions = {
  repo: HostRepository;
  coop: { readonly state: Readonly<CoopState> };
  log: LogService;
  /** The web address: the enrolment command names it. */
  url: string;
  /** Whether a recorded session on `host` began or ended after `since` (ISO 8601). */
  sessionsSince: (host: string, since: string) => Promise<boolean>;
  /** Opens a private ticket for the oversight group; returns its number. */
  reportToOversight: (host: string, title: string, body: string) => Promise<number>;
  now?: () => Date;
};

/**
 * Hosts' side of the cooperative: single-use enrolment tokens that members make, the agent's
 * enrolment (its host key and what it installed, `host.enrolled`), and attestations of a
 * host's configuration (`host.attested`), where a change that no recorded session explains
 * opens a ticket for the oversight group.
 */
export class HostService {
  readonly #repo: HostRepository;
  readonly #coop: HostServiceOptions['coop'];
  readonly #log: LogService;
  readonly #url: string;
  readonly #sessionsSince: HostServiceOptions['sessionsSince'];
  readonly #report: HostServiceOptions['reportToOversight'];
  readonly #now: () => Date;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(options: HostServiceOptions) {
    this.#repo = options.repo;
    this.#coop = options.coop;
    this.#log = options.log;
    this.#url = options.url;
    this.#sessionsSince = options.sessionsSince;
    this.#report = options.reportToOversight;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * A token by which an agent enrols `host`, valid for an hour and once.
   * @throws AppError FORBIDDEN for a non-member, NOT_FOUND for a host the log does not know
   */
  async createEnrolmentToken(member: string, host: string): Promise<EnrolmentToken> {
    if (!activeMember(this.#coop.state, member)) {
      throw new AppError('FORBIDDEN', 'only members enrol hosts');
    }
    this.#requireHost(host);
    const token = `alh_${randomBytes(32).toString('base64url')}`;
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + TOKEN_MINUTES * 60_000).toISOString();
    await this.#repo.insertToken({
      token_digest: digestOf(token),
      host,
      created_by: member,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    });
    return {
      host,
      token,
      expiresAt,
      command: `allmende agent enroll ${this.#url} --host ${host} --token ${token}`,
    };
  }

  /**
   * Redeems an enrolment token: the agent proves its host key by signing the token, and the
   * server appends `host.enrolled`.
   * @throws AppError HOST_ENROLMENT_INVALID for an unknown, used or expired token, a token of
   *   another host, a key that is not ssh-ed25519, or a proof that does not verify
   */
  enrol(host: string, report: EnrolmentReport): Promise<{ host: string; index: number }> {
    return this.#exclusive(async () => {
      this.#requireHost(host);
      const digest = digestOf(report.token);
      const token = await this.#repo.token(digest);
      const now = this.#now();
      if (!token || token.host !== host) {
        throw new AppError('HOST_ENROLMENT_INVALID', `this is not an enrolment token of ${host}`);
      }
      if (token.used_at !== null) {
        throw new AppError('HOST_ENROLMENT_INVALID', 'this enrolment token was used already');
      }
      if (Date.parse(token.expires_at) <= now.getTime()) {
        throw new AppError('HOST_ENROLMENT_INVALID', 'this enrolment token has expired');
      }
      const key = hostKeyOf(report.hostKey);
      await verifyHostSignature(key, report.proof, encodeUtf8(report.token), this.#log.origin);
      const enrolledAt = now.toISOString();
      const logins = [...new Set(report.logins)];
      const { index } = await this.#log.append(
        {
          actor: 'coop',
          type: 'host.enrolled',
          body: { host, hostKey: report.hostKey, logins, installed: report.installed },
        },
        (trx, index) =>
          this.#repo.commitEnrolment(trx, digest, enrolledAt, {
            host,
            host_key: report.hostKey,
            logins: JSON.stringify(logins),
            enrolled_idx: index,
            enrolled_at: enrolledAt,
          }),
      );
      return { host, index };
    });
  }

  async enrolled(host: string): Promise<EnrolledHost | undefined> {
    const row = await this.#repo.enrolment(host);
    return row && enrolledOf(row);
  }

  async enrolledHosts(): Promise<EnrolledHost[]> {
    return (await this.#repo.enrolments()).map(enrolledOf);
  }

  /**
   * Checks a host's answer to a channel challenge: an SSHSIG of the nonce by its enrolled key.
   * @throws AppError HOST_NOT_ENROLLED, AGENT_AUTH_FAILED
   */
  async authenticate(host: string, nonce: string, signature: string): Promise<EnrolledHost> {
    const enrolled = await this.enrolled(host);
    if (!enrolled) throw new AppError('HOST_NOT_ENROLLED', `the host ${host} is not enrolled`);
    try {
      await verifyHostSignature(
        parsePublicKey(enrolled.hostKey),
        signature,
        encodeUtf8(nonce),
        this.#log.origin,
      );
    } catch (error) {
      throw new AppError('AGENT_AUTH_FAILED', `host ${host}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return enrolled;
  }

  /**
   * Records an attestation. Compared with the previous one, every path whose digest changed,
   * appeared or went is `changed`; if there are changes and no recorded session on the host
   * began or ended since the previous attestation, a private ticket tells the oversight group.
   */
  attest(host: string, files: readonly AttestedFile[]): Promise<AttestationResult> {
    return this.#exclusive(async () => {
      const parsed = z.array(AttestedFile).parse(files);
      const previous = await this.#repo.attestation(host);
      const before = previous
        ? new Map(
            z
              .array(AttestedFile)
              .parse(JSON.parse(previous.files))
              .map((f) => [f.path, f.digest]),
          )
        : undefined;
      const now = this.#now().toISOString();
      const changed: string[] = [];
      if (before) {
        const after = new Map(parsed.map((f) => [f.path, f.digest]));
        for (const [path, digest] of after) if (before.get(path) !== digest) changed.push(path);
        for (const path of before.keys()) if (!after.has(path)) changed.push(path);
      }
      changed.sort();
      const unexplained =
        changed.length > 0 &&
        previous !== undefined &&
        !(await this.#sessionsSince(host, previous.attested_at));
      const ticket = unexplained
        ? await this.#report(
            host,
            `Unexplained change on ${host}`,
            [
              `The attestation of ${host} at ${now} differs from the one at ${previous.attested_at},`,
              'and no recorded session on the host explains it. Changed:',
              '',
              ...changed.map((path) => `- \`${path}\``),
            ].join('\n'),
          )
        : null;
      const { index } = await this.#log.append(
        {
          actor: 'coop',
          type: 'host.attested',
          body: { host, files: parsed, changed, unexplained, ticket },
        },
        (trx, index) =>
          this.#repo.saveAttestation(trx, {
            host,
            files: JSON.stringify(parsed),
            attested_idx: index,
            attested_at: now,
          }),
      );
      return { index, changed, unexplained, ticket };
    });
  }

  #requireHost(host: string): void {
    if (!lookup(this.#coop.state.hosts, host)) {
      throw new AppError('NOT_FOUND', `there is no host ${host}`);
    }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(work);
    this.#turn = result.catch(() => undefined);
    return result;
  }
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function enrolledOf(row: {
  host: string;
  host_key: string;
  logins: string;
  enrolled_idx: number;
  enrolled_at: string;
}): EnrolledHost {
  return {
    host: row.host,
    hostKey: row.host_key,
    logins: z.array(z.string()).parse(JSON.parse(row.logins)),
    enrolledIndex: Number(row.enrolled_idx),
    enrolledAt: row.enrolled_at,
  };
}

function hostKeyOf(line: string): SshPublicKey {
  const parsed = SshPublicKeyLine.safeParse(line);
  if (!parsed.success) {
    throw new AppError(
      'HOST_ENROLMENT_INVALID',
      `the host key is not an ssh-ed25519 key line: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsePublicKey(line);
}

async function verifyHostSignature(
  key: SshPublicKey,
  armored: string,
  message: Uint8Array,
  origin: string,
): Promise<void> {
  try {
    await verifySignature({ armored, message, namespace: hostNamespace(origin), publicKey: key });
  } catch (error) {
    if (!(error instanceof SshError)) throw error;
    throw new AppError(
      'HOST_ENROLMENT_INVALID',
      `the host's signature does not verify: ${error.message}`,
      { cause: error },
    );
  }
}
