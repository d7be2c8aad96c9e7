import { argon2Sync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/auth/password-hash.ts';
import { startAuthServer, type AuthTestServer } from './auth-harness.ts';
import { DIALECTS } from './harness.ts';

// The repository's guarantees that the HTTP tests cannot isolate: what happens when two
// requests race, and the counter rules by themselves.

const AT = new Date('2030-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(AT.getTime() + ms);

describe.each(DIALECTS)('sign-in tables on %s', (dialect) => {
  let server: AuthTestServer;
  beforeAll(async () => {
    server = await startAuthServer(dialect);
  });
  afterAll(async () => server?.close());

  it('hands a challenge to one of two racing requests, once', async () => {
    const expiresAt = later(60_000);
    await server.repo.createChallenge(
      'raced',
      { purpose: 'ssh-login', handle: 'ada', data: null, expiresAt },
      AT,
    );
    const both = await Promise.all([
      server.repo.consumeChallenge('ssh-login', 'raced', AT),
      server.repo.consumeChallenge('ssh-login', 'raced', AT),
    ]);
    expect(both.filter((c) => c !== undefined)).toEqual([
      { purpose: 'ssh-login', handle: 'ada', data: null, expiresAt },
    ]);
    expect(await server.repo.consumeChallenge('ssh-login', 'raced', AT)).toBeUndefined();
  });

  it('never hands out a challenge for another purpose', async () => {
    await server.repo.createChallenge(
      'for-ssh',
      { purpose: 'ssh-login', handle: 'ada', data: null, expiresAt: later(60_000) },
      AT,
    );
    expect(await server.repo.consumeChallenge('passkey-login', 'for-ssh', AT)).toBeUndefined();
    expect(await server.repo.consumeChallenge('ssh-login', 'for-ssh', AT)).toBeDefined();
  });

  it('accepts a passkey counter only when it moves forward, or stays at 0 from 0', async () => {
    const advance = (id: string, counter: number) =>
      server.repo.advancePasskeyCounter(id, counter, AT);
    expect(await advance('no-counter', 0)).toBe(true);
    expect(await advance('no-counter', 0)).toBe(true);

    expect(await advance('counting', 0)).toBe(true);
    expect(await advance('counting', 5)).toBe(true);
    expect(await advance('counting', 5)).toBe(false);
    expect(await advance('counting', 3)).toBe(false);
    expect(await advance('counting', 0)).toBe(false);
    expect(await advance('counting', 4_294_967_295)).toBe(true);
    expect(await server.repo.passkeyCounter('counting')).toBe(4_294_967_295);
  });

  it('counts every one of many parallel failures, and starts again after the window', async () => {
    const cutoff = later(-24 * 3_600_000);
    const counts = await Promise.all(
      Array.from({ length: 8 }, () => server.repo.countFailure('handle:raced', AT, cutoff)),
    );
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    await server.repo.lockUntil('handle:raced', later(60_000));
    await server.repo.lockUntil('handle:raced', later(30_000));
    expect(await server.repo.failures(['handle:raced'])).toEqual([
      { failures: 8, windowStart: AT, lockedUntil: later(60_000) },
    ]);

    const nextDay = later(24 * 3_600_000 + 1);
    expect(await server.repo.countFailure('handle:raced', nextDay, later(1))).toBe(1);
    expect(await server.repo.failures(['handle:raced'])).toEqual([
      { failures: 1, windowStart: nextDay, lockedUntil: null },
    ]);
  });
});

describe('argon2id password hashes', () => {
  it('verify the password they were made from, and no other', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', phc)).toEqual({
      matches: true,
      outdated: false,
    });
    expect((await verifyPassword('correct horse battery stapler', phc)).matches).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(phc);
  });

  it('verify hashes made with other parameters, and say they are outdated', async () => {
    // As if an older release had used 64 MiB, 3 passes and 4 lanes.
    const phc = await hashPassword('x'.repeat(12));
    const [, , , , salt] = phc.split('$');
    const hash = argon2Sync('argon2id', {
      message: 'x'.repeat(12),
      nonce: Buffer.from(salt!, 'base64'),
      memory: 65_536,
      passes: 3,
      parallelism: 4,
      tagLength: 32,
    })
      .toString('base64')
      .replace(/=+$/, '');
    const old = `$argon2id$v=19$m=65536,t=3,p=4$${salt}$${hash}`;
    expect(await verifyPassword('x'.repeat(12), old)).toEqual({ matches: true, outdated: true });
  });

  it('refuse what is not an argon2id PHC string of sane parameters', async () => {
    const phc = await hashPassword('x'.repeat(12));
    for (const bad of [
      phc.replace('argon2id', 'argon2i'),
      phc.replace('m=19456', 'm=99999999'),
      phc.replace('v=19', 'v=16'),
      'plain text',
    ]) {
      await expect(verifyPassword('x'.repeat(12), bad)).rejects.toThrow();
    }
  });
});
