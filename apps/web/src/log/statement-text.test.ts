import { DEFAULT_POLICY, STATEMENT_TYPES, type StatementType } from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { de } from '../i18n/de.ts';
import { en } from '../i18n/en.ts';
import { summarize, type StatementContent } from './statement-text.ts';

const PASSKEY = { kind: 'passkey', credentialId: 'Y3JlZA', publicKey: 'pQECAyYgASFYIA' } as const;

/** One statement of every type, as the log would hold it. */
const SAMPLES: Record<StatementType, StatementContent> = {
  'coop.founded': {
    type: 'coop.founded',
    actor: 'coop',
    body: {
      name: 'Testgenossenschaft',
      origin: 'coop.test/log',
      logKey: 'coop.test/log+01234567+AAAA',
      url: 'https://coop.test',
      founders: [],
      policy: DEFAULT_POLICY,
    },
  },
  notice: {
    type: 'notice',
    actor: 'coop',
    body: { text: 'Wartung am Mittwoch.\nDetails folgen.' },
  },
  'ticket.opened': {
    type: 'ticket.opened',
    actor: 'coop',
    body: { ticket: 7, service: 'mail', private: false, digest: '0'.repeat(64), title: 'Spam' },
  },
  'ticket.closed': {
    type: 'ticket.closed',
    actor: 'coop',
    body: { ticket: 7, resolution: 'resolved' },
  },
  'host.enrolled': {
    type: 'host.enrolled',
    actor: 'coop',
    body: {
      host: 'h1',
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA',
      logins: ['root'],
      installed: [
        {
          path: '/etc/ssh/sshd_config.d/allmende.conf',
          digest: '0000000000000000000000000000000000000000000000000000000000000000',
        },
      ],
    },
  },
  'host.attested': {
    type: 'host.attested',
    actor: 'coop',
    body: { host: 'h1', files: [], changed: ['/etc/sudoers'], unexplained: true, ticket: 3 },
  },
  'session.started': {
    type: 'session.started',
    actor: 'coop',
    body: {
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      host: 'h1',
      principal: 'root',
      request: 'r1',
      ticket: 1,
      serial: '7',
      kind: 'shell',
      observerRequired: true,
      recipients: ['ada'],
    },
  },
  'session.chunk': {
    type: 'session.chunk',
    actor: 'coop',
    body: {
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      chunk: 0,
      pieces: { from: 0, to: 3 },
      inputBytes: 12,
      outputBytes: 2048,
      sealed: '0000000000000000000000000000000000000000000000000000000000000000',
      plain: '0000000000000000000000000000000000000000000000000000000000000000',
    },
  },
  'session.ended': {
    type: 'session.ended',
    actor: 'coop',
    body: {
      session: 'AAAAAAAAAAAAAAAAAAAAAA',
      reason: 'ended-by-observer',
      by: 'cem',
      exitCode: null,
      chunks: 1,
      pieces: 3,
      inputBytes: 12,
      outputBytes: 2048,
      transcript: '0000000000000000000000000000000000000000000000000000000000000000',
    },
  },
  'session.refused': {
    type: 'session.refused',
    actor: 'coop',
    body: {
      host: 'h1',
      principal: 'root',
      serial: '8',
      kind: 'sftp',
      code: 'SESSION_FILE_TRANSFER_REFUSED',
      reason: 'no file transfers',
    },
  },
  'member.admitted': {
    type: 'member.admitted',
    actor: 'member:bo',
    body: { handle: 'bo', name: 'Bo Berger', keys: [PASSKEY] },
  },
  'member.left': { type: 'member.left', actor: 'member:bo', body: { handle: 'bo' } },
  'member.removed': {
    type: 'member.removed',
    actor: 'member:ada',
    body: { handle: 'bo', reason: 'Left without a word.' },
  },
  'key.added': { type: 'key.added', actor: 'member:ada', body: { handle: 'ada', key: PASSKEY } },
  'key.revoked': {
    type: 'key.revoked',
    actor: 'member:ada',
    body: { handle: 'ada', key: 'passkey:Y3JlZA' },
  },
  'policy.set': { type: 'policy.set', actor: 'member:ada', body: { policy: DEFAULT_POLICY } },
  'service.created': {
    type: 'service.created',
    actor: 'member:ada',
    body: {
      slug: 'mail',
      name: 'Mail',
      description: '',
      sensitivity: 'private',
      status: 'planned',
      addresses: [],
      docPage: null,
      hosts: [],
    },
  },
  'service.updated': {
    type: 'service.updated',
    actor: 'member:ada',
    body: { slug: 'mail', status: 'running', description: 'Now with webmail.' },
  },
  'steward.assigned': {
    type: 'steward.assigned',
    actor: 'member:bo',
    body: { service: 'mail', handle: 'bo', role: 'deputy' },
  },
  'steward.handed-over': {
    type: 'steward.handed-over',
    actor: 'member:ada',
    body: { service: 'mail', from: 'ada', to: 'bo' },
  },
  'steward.resigned': {
    type: 'steward.resigned',
    actor: 'member:bo',
    body: { service: 'mail', handle: 'bo' },
  },
  'steward.away': {
    type: 'steward.away',
    actor: 'member:ada',
    body: { handle: 'ada', away: true, until: '2026-12-24' },
  },
  'host.added': {
    type: 'host.added',
    actor: 'member:ada',
    body: {
      name: 'hetzner-1',
      address: 'hetzner-1.coop.test',
      provider: 'Hetzner',
      location: 'Falkenstein',
      monthlyCost: { amount: 1250, currency: 'EUR' },
    },
  },
  'host.updated': {
    type: 'host.updated',
    actor: 'member:ada',
    body: { name: 'hetzner-1', monthlyCost: { amount: 1500, currency: 'EUR' } },
  },
  'access.requested': {
    type: 'access.requested',
    actor: 'member:bo',
    body: {
      host: 'hetzner-1',
      login: 'root',
      minutes: 30,
      ticket: 7,
      reason: 'The mail queue is stuck.',
      key: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
    },
  },
  'access.approved': {
    type: 'access.approved',
    actor: 'member:ada',
    body: { request: 12, digest: '0'.repeat(64) },
  },
  'access.denied': {
    type: 'access.denied',
    actor: 'member:ada',
    body: { request: 12, digest: '0'.repeat(64), reason: 'Not now.' },
  },
  'access.withdrawn': {
    type: 'access.withdrawn',
    actor: 'member:bo',
    body: { request: 12, digest: '0'.repeat(64) },
  },
  'access.expired': { type: 'access.expired', actor: 'coop', body: { request: 12 } },
  'ca.created': {
    type: 'ca.created',
    actor: 'coop',
    body: { key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBZ4' },
  },
  'cert.issued': {
    type: 'cert.issued',
    actor: 'coop',
    body: {
      request: 12,
      approvals: [13, 14],
      serial: 1,
      keyId: 'request-12@coop.test/log',
      principal: 'root',
      validAfter: '2026-11-26T12:00:00Z',
      validBefore: '2026-11-26T12:30:00Z',
      key: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
      digest: '0'.repeat(64),
      certificate: 'ssh-ed25519-cert-v01@openssh.com AAAA',
    },
  },
  'cert.revoked': {
    type: 'cert.revoked',
    actor: 'coop',
    body: { request: 12, serial: 1, reason: 'withdrawn' },
  },
};

describe('summarize', () => {
  it('has a sample for every statement type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...STATEMENT_TYPES].sort());
  });

  it.each([
    ['en', en],
    ['de', de],
  ] as const)('says in one line of %s what each statement does', (_, t) => {
    for (const [type, statement] of Object.entries(SAMPLES)) {
      const line = summarize(statement, t);
      expect(line, type).toMatch(/\S/);
      expect(line, type).not.toMatch(/undefined|null|\[object|\n/);
      expect(t.statement.types[statement.type], type).toMatch(/\S/);
    }
  });

  it('names who does what, in the reader’s language', () => {
    expect(summarize(SAMPLES['member.admitted'], en)).toBe('Bo Berger (bo) becomes a member.');
    expect(summarize(SAMPLES['member.admitted'], de)).toBe('Bo Berger (bo) wird Mitglied.');
    expect(summarize(SAMPLES['steward.handed-over'], de)).toBe('ada übergibt mail an bo.');
    expect(summarize(SAMPLES['key.added'], de)).toBe('ada fügt einen neuen Passkey hinzu.');
    expect(summarize(SAMPLES['service.updated'], en)).toBe(
      'The service mail changes: Status, Description.',
    );
    expect(summarize(SAMPLES['host.updated'], de)).toBe(
      'Der Server hetzner-1 ändert sich: Monatliche Kosten.',
    );
    expect(summarize(SAMPLES.notice, en)).toBe('Wartung am Mittwoch.');
    expect(summarize(SAMPLES['access.requested'], en)).toBe(
      'bo asks for access to hetzner-1 as root for 30 minutes.',
    );
    expect(summarize(SAMPLES['cert.revoked'], de)).toBe(
      'Zertifikat 1 des Zugangsantrags 12 wird widerrufen: der Antrag wurde zurückgezogen.',
    );
  });

  it('says whose key is revoked, of what kind, and by whom', () => {
    expect(summarize(SAMPLES['key.revoked'], en)).toBe('ada revokes one of their keys (passkey).');
    const lost = {
      type: 'key.revoked',
      actor: 'member:ada',
      body: {
        handle: 'bo',
        key: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
        reason: 'Lost',
      },
    } as const;
    expect(summarize(lost, en)).toBe('ada revokes one of bo’s keys (SSH key).');
    expect(summarize(lost, de)).toBe('ada widerruft einen Schlüssel von bo (SSH-Schlüssel).');
    expect(summarize({ ...lost, body: { ...lost.body, key: 'something else' } }, de)).toBe(
      'ada widerruft einen Schlüssel von bo.',
    );
  });

  it('keeps a removal’s reason to its first line', () => {
    const removal = {
      type: 'member.removed',
      actor: 'member:ada',
      body: { handle: 'bo', reason: '  Kept the keys to himself.\nDetails at the meeting.' },
    } as const;
    expect(summarize(removal, en)).toBe(
      'bo is removed from the cooperative: Kept the keys to himself.',
    );
  });
});
