/**
 * A cooperative's log of the real mix of guarded administration, made fast for the verify
 * benchmark: every ten simulated minutes a ticket is opened, a steward requests root on the
 * host of a private service, two members approve by SSHSIG, the CA certifies the key, a session
 * starts, streams three chunks and ends, and the ticket is closed; every hundredth round the host
 * attests a changed sshd_config, which the sessions since its previous attestation explain. The statements are written with the log key directly (as a server that follows the
 * rules would have written them), dated by a simulated clock, so that a year of administration
 * takes seconds to write and every rule still holds.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { requestDigest, sshKeyId } from '@allmende/rules';
import type { Cooperative } from '@allmende/server';
import { parsePublicKey } from '@allmende/ssh';
import type { StatementDraft, SubmittedStatement } from '@allmende/protocol';
import { draft, signedBy, stewardedService, type TestMember } from '../test/support/members.ts';

const ROUND_MS = 10 * 60 * 1000;
const CERTIFICATE_MINUTES = 60;
const CHUNKS = 3;
/** Appends in flight, so that the sequencer commits them in groups. */
const WINDOW = 512;
export const HOST = 'db1';

export type AccessLog = {
  /** Statements written by type, the genesis and the setup included. */
  byType: Record<string, number>;
};

/** A settable clock for openCooperative's `now`: it dates the statements appended next. */
export class SimulatedClock {
  time = Date.now();
  readonly now = (): Date => new Date(this.time);
}

/**
 * Sets up a host with a private service stewarded by `members[0]` and `members[1]` through the
 * rules, then writes rounds of administration until the log holds `size` statements.
 */
export async function writeAccessLog(
  coop: Cooperative,
  clock: SimulatedClock,
  members: TestMember[],
  size: number,
): Promise<AccessLog> {
  const origin = coop.coop.state.origin;
  const byType: Record<string, number> = { 'coop.founded': 1 };
  const count = (type: string) => (byType[type] = (byType[type] ?? 0) + 1);
  const [ada, bob] = members as [TestMember, TestMember];
  const setup: SubmittedStatement[] = [
    await signedBy(
      draft('host.added', ada.handle, {
        name: HOST,
        address: '10.0.0.1',
        provider: 'Bench',
        location: 'Loopback',
        monthlyCost: { amount: 12, currency: 'EUR' },
      }),
      origin,
      ada,
    ),
    ...(await stewardedService(origin, { slug: 'mail', steward: ada, deputy: bob, hosts: [HOST] })),
  ];
  for (const statement of setup) {
    await coop.coop.submit(statement);
    count(statement.type);
  }

  const ca = new CertificateAuthority();
  let pending: Promise<unknown>[] = [];
  let next = coop.log.size;
  /** Appends at the clock's time and returns the index the entry will have. */
  const append = async (statement: StatementDraft, at: number): Promise<number> => {
    clock.time = at;
    pending.push(coop.log.append(statement));
    count(statement.type);
    if (pending.length >= WINDOW) {
      await Promise.all(pending);
      pending = [];
    }
    return next++;
  };

  await append({ actor: 'coop', type: 'ca.created', body: { key: ca.publicKey } }, clock.time);
  await append(
    {
      actor: 'coop',
      type: 'host.enrolled',
      body: {
        host: HOST,
        hostKey: new CertificateAuthority().publicKey,
        logins: ['root'],
        installed: [{ path: '/etc/ssh/sshd_config.d/allmende.conf', digest: hex(randomBytes(32)) }],
      },
    },
    clock.time,
  );
  let attested = false;
  const start = clock.time;
  for (let round = 0; next < size; round++) {
    const at = start + round * ROUND_MS;
    const requester = members[round % 2]!;
    const approvers = members.filter((m) => m !== requester).slice(0, 2);
    const ticket = round + 1;
    await append(
      {
        actor: 'coop',
        type: 'ticket.opened',
        body: { ticket, service: 'mail', private: true, digest: hex(randomBytes(32)) },
      },
      at,
    );
    const request = await signedBy(
      draft('access.requested', requester.handle, {
        host: HOST,
        login: 'root',
        minutes: CERTIFICATE_MINUTES,
        ticket,
        reason: 'renew the mail server’s TLS certificate and restart postfix',
        key: fingerprintOf(requester),
      }),
      origin,
      requester,
    );
    const requestIndex = await append(request, at + 1000);
    const reference = { request: requestIndex, digest: requestDigest(request) };
    const approvals: number[] = [];
    for (const [i, approver] of approvers.entries()) {
      const approval = await signedBy(
        draft('access.approved', approver.handle, reference),
        origin,
        approver,
      );
      approvals.push(await append(approval, at + 60_000 * (i + 1)));
    }
    const validAfter = Math.floor((at + 3 * 60_000) / 1000);
    const validBefore = validAfter + CERTIFICATE_MINUTES * 60;
    const serial = round + 1;
    const keyId = `request-${requestIndex}@${origin}`;
    const certificate = ca.certify(requester, { serial, keyId, validAfter, validBefore });
    await append(
      {
        actor: 'coop',
        type: 'cert.issued',
        body: {
          request: requestIndex,
          approvals,
          serial,
          keyId,
          principal: 'root',
          validAfter: isoSeconds(validAfter),
          validBefore: isoSeconds(validBefore),
          key: fingerprintOf(requester),
          digest: hex(createHash('sha256').update(certificate.blob).digest()),
          certificate: certificate.line,
        },
      },
      validAfter * 1000,
    );
    const session = randomBytes(16).toString('base64url');
    const began = validAfter * 1000 + 60_000;
    await append(
      {
        actor: 'coop',
        type: 'session.started',
        body: {
          session,
          host: HOST,
          principal: 'root',
          request: String(requestIndex),
          ticket,
          serial: String(serial),
          kind: 'shell',
          observerRequired: true,
          recipients: [ada.handle],
        },
      },
      began,
    );
    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      await append(
        {
          actor: 'coop',
          type: 'session.chunk',
          body: {
            session,
            chunk,
            pieces: { from: chunk * 40, to: (chunk + 1) * 40 },
            inputBytes: 300,
            outputBytes: 20_000,
            sealed: hex(randomBytes(32)),
            plain: hex(randomBytes(32)),
          },
        },
        began + (chunk + 1) * 10_000,
      );
    }
    await append(
      {
        actor: 'coop',
        type: 'session.ended',
        body: {
          session,
          reason: 'exit',
          by: null,
          exitCode: 0,
          chunks: CHUNKS,
          pieces: CHUNKS * 40,
          inputBytes: CHUNKS * 300,
          outputBytes: CHUNKS * 20_000,
          transcript: hex(randomBytes(32)),
        },
      },
      began + (CHUNKS + 1) * 10_000,
    );
    await append(
      { actor: 'coop', type: 'ticket.closed', body: { ticket, resolution: 'resolved' } },
      began + 5 * 60_000,
    );
    if (round % 100 === 99) {
      await append(
        {
          actor: 'coop',
          type: 'host.attested',
          body: {
            host: HOST,
            files: [{ path: '/etc/ssh/sshd_config', digest: hex(randomBytes(32)), kind: 'sshd' }],
            // Nothing is changed at the first attestation: there is nothing to compare with.
            changed: attested ? ['/etc/ssh/sshd_config'] : [],
            unexplained: false,
            ticket: null,
          },
        },
        began + 6 * 60_000,
      );
      attested = true;
    }
  }
  await Promise.all(pending);
  return { byType };
}

/**
 * The cooperative's CA in miniature: Ed25519 user certificates (PROTOCOL.certkeys) with exactly
 * what the server's `ssh-keygen -s` puts in (force-command = the recorder, permit-pty), signed
 * with node:crypto, since running ssh-keygen a hundred thousand times would take the benchmark
 * longer than the log.
 */
class CertificateAuthority {
  readonly #key: KeyObject;
  readonly #blob: Uint8Array;
  readonly publicKey: string;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.#key = privateKey;
    this.#blob = Buffer.concat([string('ssh-ed25519'), string(rawEd25519(publicKey))]);
    this.publicKey = `ssh-ed25519 ${Buffer.from(this.#blob).toString('base64')}`;
  }

  certify(
    member: TestMember,
    cert: { serial: number; keyId: string; validAfter: number; validBefore: number },
  ): { blob: Uint8Array; line: string } {
    const signed = Buffer.concat([
      string('ssh-ed25519-cert-v01@openssh.com'),
      string(randomBytes(32)),
      string(parsePublicKey(member.key.publicKey).key),
      uint64(cert.serial),
      uint32(1), // a user certificate
      string(cert.keyId),
      string(string('root')),
      uint64(cert.validAfter),
      uint64(cert.validBefore),
      string(
        Buffer.concat([string('force-command'), string(string('/usr/lib/allmende/recorder'))]),
      ),
      string(Buffer.concat([string('permit-pty'), string('')])),
      string(''),
      string(this.#blob),
    ]);
    const signature = Buffer.concat([string('ssh-ed25519'), string(sign(null, signed, this.#key))]);
    const blob = Buffer.concat([signed, string(signature)]);
    return { blob, line: `ssh-ed25519-cert-v01@openssh.com ${blob.toString('base64')}` };
  }
}

/** The SSH wire's string (RFC 4251 §5): a length, then the bytes. */
function string(value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function uint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

function rawEd25519(publicKey: KeyObject): Uint8Array {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}

function fingerprintOf(member: TestMember): string {
  return sshKeyId(parsePublicKey(member.key.publicKey).blob);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000', '');
