import { loginNamespace, statementNamespace } from '@allmende/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS } from '../src/auth/auth.service.ts';
import {
  ORIGIN,
  sshKeygen,
  sshSign,
  startAuthServer,
  tempDir,
  type AuthTestServer,
  type SshKey,
} from './auth-harness.ts';
import { DIALECTS } from './harness.ts';

type Call = {
  body?: unknown;
  cookie?: string;
  csrf?: string;
  bearer?: string;
  ip?: string;
};
type Answer = {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  headers: Record<string, string | string[] | number | undefined>;
  cookies: { name: string; value: string; [attribute: string]: unknown }[];
};

const PASSWORD = 'correct horse battery staple';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

describe.each(DIALECTS)('sign-in on %s', (dialect) => {
  let server: AuthTestServer;
  let keys: { path: string; remove(): Promise<void> };
  let ada: SshKey;
  let adaSecond: SshKey;
  let grace: SshKey;
  let stranger: SshKey;
  /** Each test speaks from an address of its own, so that address throttling stays apart. */
  let ip: string;
  let ipCounter = 0;

  const call = async (method: string, url: string, options: Call = {}): Promise<Answer> => {
    const headers: Record<string, string> = { 'x-forwarded-for': options.ip ?? ip };
    if (options.cookie) headers.cookie = `allmende_session=${options.cookie}`;
    if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const reply = await server.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
    return {
      status: reply.statusCode,
      body: reply.body ? (JSON.parse(reply.body) as Answer['body']) : {},
      headers: reply.headers,
      cookies: reply.cookies,
    };
  };
  const codeOf = (answer: Answer) => answer.body.error?.code ?? `HTTP ${answer.status}`;
  const advance = (ms: number) => {
    server.clock.now = new Date(server.clock.now.getTime() + ms);
  };

  /** `allmende login` end to end: challenge, ssh-keygen -Y sign, token. */
  const sshLogin = async (handle: string, key: SshKey, label = 'laptop') => {
    const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle } });
    expect(challenge.status).toBe(200);
    const nonce = challenge.body.nonce as string;
    const signature = await sshSign(key, challenge.body.namespace as string, nonce);
    return call('POST', '/api/auth/ssh/token', { body: { handle, nonce, signature, label } });
  };
  const tokenOf = async (handle: string, key: SshKey) => {
    const answer = await sshLogin(handle, key);
    expect(answer.status).toBe(200);
    return answer.body as { token: string; id: string };
  };
  const passwordLogin = (handle: string, password: string, options: Call = {}) =>
    call('POST', '/api/auth/password/login', { ...options, body: { handle, password } });
  /** A browser session of `handle`, whose password is set through an SSH-proved token. */
  const sessionOf = async (handle: string, key: SshKey) => {
    const { token } = await tokenOf(handle, key);
    const set = await call('PUT', '/api/auth/password', {
      bearer: token,
      body: { password: PASSWORD },
    });
    expect(set.status).toBe(204);
    const login = await passwordLogin(handle, PASSWORD);
    expect(login.status).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'allmende_session');
    return { cookie: cookie!.value, csrf: login.body.csrfToken as string, token };
  };

  beforeAll(async () => {
    keys = await tempDir();
    ada = await sshKeygen(keys.path, 'ada');
    adaSecond = await sshKeygen(keys.path, 'ada-second');
    grace = await sshKeygen(keys.path, 'grace');
    stranger = await sshKeygen(keys.path, 'stranger');
    server = await startAuthServer(dialect);
  });
  afterAll(async () => {
    await server?.close();
    await keys?.remove();
  });
  beforeEach(async () => {
    ip = `192.0.2.${++ipCounter}`;
    server.directory.remove('ada');
    server.directory.remove('grace');
    await server.directory.admit('ada', 'Ada Lovelace', [ada.key, adaSecond.key]);
    await server.directory.admit('grace', 'Grace Hopper', [grace.key]);
    // Every test begins with members signed out everywhere and a day after the last one.
    await server.service.logoutEverywhere('ada');
    await server.service.logoutEverywhere('grace');
    advance(DAY + MINUTE);
  });

  describe('SSH login for the CLI', () => {
    it('issues a token for a nonce signed by ssh-keygen; the token speaks for the member', async () => {
      const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'ada' } });
      expect(challenge.body).toMatchObject({ namespace: `allmende-login:${ORIGIN}` });
      expect(challenge.body.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const answer = await sshLogin('ada', ada, 'work laptop');
      expect(answer.status).toBe(200);
      const { token, id } = answer.body as { token: string; id: string };
      expect(token).toMatch(/^alm_[A-Za-z0-9_-]{43}$/);

      const me = await call('GET', '/api/test/me', { bearer: token });
      expect(me.body).toEqual({ member: { handle: 'ada', via: 'token' } });
      // Bearer tokens are not sent by browsers on their own: no CSRF token needed.
      const post = await call('POST', '/api/test/things', { bearer: token });
      expect(post.status).toBe(200);

      const list = await call('GET', '/api/auth/tokens', { bearer: token });
      expect(list.body.tokens).toEqual([
        {
          id,
          label: 'work laptop',
          keyId: ada.id,
          createdAt: server.clock.now.toISOString(),
          lastUsedAt: server.clock.now.toISOString(),
        },
      ]);
    });

    it('takes any of the member’s current SSH keys, and normalises the handle', async () => {
      const answer = await sshLogin('ADA', adaSecond);
      expect(answer.status).toBe(200);
      const list = await call('GET', '/api/auth/tokens', { bearer: answer.body.token as string });
      expect((list.body.tokens as { keyId: string }[])[0]?.keyId).toBe(adaSecond.id);
    });

    it('refuses a signature in the statement namespace', async () => {
      const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'ada' } });
      const nonce = challenge.body.nonce as string;
      const signature = await sshSign(ada, statementNamespace(ORIGIN), nonce);
      const answer = await call('POST', '/api/auth/ssh/token', {
        body: { handle: 'ada', nonce, signature, label: 'x' },
      });
      expect(codeOf(answer)).toBe('AUTH_FAILED');
      expect(answer.body.error?.message).toMatch(/namespace/);
    });

    it('refuses a signature by a key that is not the member’s', async () => {
      for (const key of [stranger, grace]) {
        const answer = await sshLogin('ada', key);
        expect(codeOf(answer)).toBe('AUTH_FAILED');
        expect(answer.body.error?.message).toContain(key.id);
      }
    });

    it('refuses a nonce used once already, one for another handle, and a made-up one', async () => {
      const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'ada' } });
      const nonce = challenge.body.nonce as string;
      const signature = await sshSign(ada, loginNamespace(ORIGIN), nonce);
      const body = { handle: 'ada', nonce, signature, label: 'x' };
      expect((await call('POST', '/api/auth/ssh/token', { body })).status).toBe(200);
      expect(codeOf(await call('POST', '/api/auth/ssh/token', { body }))).toBe('AUTH_FAILED');

      const forGrace = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'grace' } });
      const graceNonce = forGrace.body.nonce as string;
      const adaSigns = await sshSign(ada, loginNamespace(ORIGIN), graceNonce);
      const crossed = await call('POST', '/api/auth/ssh/token', {
        body: { handle: 'ada', nonce: graceNonce, signature: adaSigns, label: 'x' },
      });
      expect(codeOf(crossed)).toBe('AUTH_FAILED');

      const madeUp = 'A'.repeat(43);
      const own = await sshSign(ada, loginNamespace(ORIGIN), madeUp);
      const guessed = await call('POST', '/api/auth/ssh/token', {
        body: { handle: 'ada', nonce: madeUp, signature: own, label: 'x' },
      });
      expect(codeOf(guessed)).toBe('AUTH_FAILED');
    });

    it('refuses a nonce older than five minutes', async () => {
      const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'ada' } });
      const nonce = challenge.body.nonce as string;
      const signature = await sshSign(ada, loginNamespace(ORIGIN), nonce);
      advance(5 * MINUTE + SECOND);
      const answer = await call('POST', '/api/auth/ssh/token', {
        body: { handle: 'ada', nonce, signature, label: 'x' },
      });
      expect(codeOf(answer)).toBe('AUTH_FAILED');
      expect(answer.body.error?.message).toMatch(/expired/);
    });

    it('refuses garbage where the signature belongs', async () => {
      const challenge = await call('POST', '/api/auth/ssh/challenge', { body: { handle: 'ada' } });
      const answer = await call('POST', '/api/auth/ssh/token', {
        body: { handle: 'ada', nonce: challenge.body.nonce, signature: 'not a signature' },
      });
      expect(codeOf(answer)).toBe('AUTH_FAILED');
    });

    it('refuses a token once the key that proved it is revoked', async () => {
      const { token } = await tokenOf('ada', adaSecond);
      expect((await call('GET', '/api/test/me', { bearer: token })).body.member).not.toBeNull();
      server.directory.revokeKey('ada', adaSecond.id);
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
      expect(codeOf(await call('POST', '/api/test/things', { bearer: token }))).toBe(
        'UNAUTHORIZED',
      );
      // Giving the key back does not revive the token.
      await server.directory.addKey('ada', adaSecond.key);
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
    });
  });

  describe('API tokens', () => {
    it('are revoked one by one, by their member only', async () => {
      const first = await tokenOf('ada', ada);
      const second = await tokenOf('ada', ada);
      const graces = await tokenOf('grace', grace);

      const foreign = await call('DELETE', `/api/auth/tokens/${first.id}`, {
        bearer: graces.token,
      });
      expect(codeOf(foreign)).toBe('NOT_FOUND');

      const revoke = await call('DELETE', `/api/auth/tokens/${first.id}`, { bearer: second.token });
      expect(revoke.status).toBe(204);
      expect(codeOf(await call('GET', '/api/auth/tokens', { bearer: first.token }))).toBe(
        'UNAUTHORIZED',
      );
      const list = await call('GET', '/api/auth/tokens', { bearer: second.token });
      expect((list.body.tokens as { id: string }[]).map((t) => t.id)).toEqual([second.id]);
      const again = await call('DELETE', `/api/auth/tokens/${first.id}`, { bearer: second.token });
      expect(codeOf(again)).toBe('NOT_FOUND');
    });

    it('a bad bearer token is refused even beside a good session cookie', async () => {
      const { cookie } = await sessionOf('ada', ada);
      const me = await call('GET', '/api/test/me', { cookie, bearer: `alm_${'x'.repeat(43)}` });
      expect(me.body).toEqual({ member: null });
    });

    it('logout with a token revokes that token', async () => {
      const { token } = await tokenOf('ada', ada);
      expect((await call('POST', '/api/auth/logout', { bearer: token })).status).toBe(204);
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
    });
  });

  describe('passwords', () => {
    it('are set by a signed-in member, at least 12 characters long', async () => {
      const { token } = await tokenOf('ada', ada);
      const short = await call('PUT', '/api/auth/password', {
        bearer: token,
        body: { password: 'short pw 11' },
      });
      expect(codeOf(short)).toBe('BAD_REQUEST');
      const anonymous = await call('PUT', '/api/auth/password', { body: { password: PASSWORD } });
      expect(codeOf(anonymous)).toBe('UNAUTHORIZED');
      const set = await call('PUT', '/api/auth/password', {
        bearer: token,
        body: { password: PASSWORD },
      });
      expect(set.status).toBe(204);
      const stored = await server.repo.password('ada');
      expect(stored).toMatch(
        /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
      );
      expect(stored).not.toContain(PASSWORD);
    });

    it('sign in: session JSON, and a cookie that is HttpOnly, SameSite=Lax, Path=/, not Secure on http', async () => {
      const { token } = await tokenOf('ada', ada);
      await call('PUT', '/api/auth/password', { bearer: token, body: { password: PASSWORD } });
      const login = await passwordLogin('Ada', PASSWORD);
      expect(login.status).toBe(200);
      expect(login.body).toEqual({
        handle: 'ada',
        name: 'Ada Lovelace',
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
      });
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^allmende_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Lax');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).toContain(`Max-Age=${SESSION_IDLE_MS / 1000}`);
      expect(setCookie).not.toContain('Secure');

      const cookie = login.cookies[0]!.value;
      const session = await call('GET', '/api/auth/session', { cookie });
      expect(session.body).toEqual(login.body);
      expect((await call('GET', '/api/test/me', { cookie })).body).toEqual({
        member: { handle: 'ada', via: 'session' },
      });
    });

    it('a wrong password, an unknown handle and a member without one get the same answer', async () => {
      const { token } = await tokenOf('ada', ada);
      await call('PUT', '/api/auth/password', { bearer: token, body: { password: PASSWORD } });
      const answers = [
        await passwordLogin('ada', 'wrong horse battery staple'),
        await passwordLogin('nobody', PASSWORD),
        await passwordLogin('grace', PASSWORD),
        await passwordLogin('not a handle!', PASSWORD),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(answers[0]!.body);
        expect(answer.cookies).toEqual([]);
      }
      expect(answers[0]!.body.error).toEqual({
        code: 'AUTH_FAILED',
        message: 'the handle or the password is wrong',
      });
    });

    it('throttles a handle after five failures, doubling the wait, and counts unknown handles too', async () => {
      const { token } = await tokenOf('ada', ada);
      await call('PUT', '/api/auth/password', { bearer: token, body: { password: PASSWORD } });
      for (let i = 0; i < 5; i++) {
        // From different addresses: the handle's own count is what locks here.
        expect(
          codeOf(await passwordLogin('ada', 'wrong guess number', { ip: `198.51.100.${i}` })),
        ).toBe('AUTH_FAILED');
      }
      const locked = await passwordLogin('ada', PASSWORD);
      expect(codeOf(locked)).toBe('AUTH_THROTTLED');
      expect(locked.headers['retry-after']).toBe('30');
      expect(locked.body.error?.message).toMatch(/try again in 30 seconds/);

      advance(31 * SECOND);
      expect(codeOf(await passwordLogin('ada', 'wrong guess number'))).toBe('AUTH_FAILED');
      const longer = await passwordLogin('ada', PASSWORD);
      expect(longer.headers['retry-after']).toBe('60');
      advance(61 * SECOND);
      // The right password still works once the wait is over, and clears the handle's count.
      expect((await passwordLogin('ada', PASSWORD)).status).toBe(200);
      expect(codeOf(await passwordLogin('ada', 'wrong guess number'))).toBe('AUTH_FAILED');
      expect((await passwordLogin('ada', PASSWORD)).status).toBe(200);

      for (let i = 0; i < 5; i++) await passwordLogin('nobody', 'wrong guess number');
      expect(codeOf(await passwordLogin('nobody', 'wrong guess number'))).toBe('AUTH_THROTTLED');
    });

    it('throttles an address that guesses at many handles, not the others', async () => {
      const { token } = await tokenOf('grace', grace);
      await call('PUT', '/api/auth/password', { bearer: token, body: { password: PASSWORD } });
      for (let i = 0; i < 20; i++) {
        expect(codeOf(await passwordLogin(`member-${i}`, 'guessing at them all'))).toBe(
          'AUTH_FAILED',
        );
      }
      expect(codeOf(await passwordLogin('grace', PASSWORD))).toBe('AUTH_THROTTLED');
      expect((await passwordLogin('grace', PASSWORD, { ip: '203.0.113.7' })).status).toBe(200);
    });

    it('replacing it from a password session needs the current one and ends the other sessions', async () => {
      const first = await sessionOf('ada', ada);
      const secondLogin = await passwordLogin('ada', PASSWORD);
      const second = {
        cookie: secondLogin.cookies[0]!.value,
        csrf: secondLogin.body.csrfToken as string,
      };
      const change = (body: object) => call('PUT', '/api/auth/password', { ...first, body });

      expect(codeOf(await change({ password: 'a brand new passphrase' }))).toBe('AUTH_FAILED');
      expect(
        codeOf(
          await change({ password: 'a brand new passphrase', currentPassword: 'nope nope nope' }),
        ),
      ).toBe('AUTH_FAILED');
      expect(
        (await change({ password: 'a brand new passphrase', currentPassword: PASSWORD })).status,
      ).toBe(204);

      expect((await call('GET', '/api/test/me', { cookie: first.cookie })).body.member).toEqual({
        handle: 'ada',
        via: 'session',
      });
      expect((await call('GET', '/api/test/me', { cookie: second.cookie })).body.member).toBeNull();
      // The token was proved with an SSH key, not the password: it stays.
      expect(
        (await call('GET', '/api/test/me', { bearer: first.token })).body.member,
      ).not.toBeNull();
      expect(codeOf(await passwordLogin('ada', PASSWORD))).toBe('AUTH_FAILED');
      expect((await passwordLogin('ada', 'a brand new passphrase')).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('unsafe requests with the cookie need the X-CSRF-Token; safe ones and tokens do not', async () => {
      const { cookie, csrf } = await sessionOf('ada', ada);
      expect((await call('GET', '/api/test/me', { cookie })).status).toBe(200);
      const missing = await call('POST', '/api/test/things', { cookie });
      expect(codeOf(missing)).toBe('AUTH_CSRF');
      expect(missing.status).toBe(403);
      const wrong = await call('POST', '/api/test/things', { cookie, csrf: `${csrf.slice(1)}x` });
      expect(codeOf(wrong)).toBe('AUTH_CSRF');
      const right = await call('POST', '/api/test/things', { cookie, csrf });
      expect(right.body).toEqual({ member: { handle: 'ada', via: 'session' } });
      expect(codeOf(await call('POST', '/api/auth/logout', { cookie }))).toBe('AUTH_CSRF');
      expect(
        codeOf(await call('PUT', '/api/auth/password', { cookie, body: { password: PASSWORD } })),
      ).toBe('AUTH_CSRF');
      // Another session's token is not this session's.
      const other = await passwordLogin('ada', PASSWORD, { cookie, csrf });
      expect(
        codeOf(
          await call('POST', '/api/test/things', { cookie, csrf: other.body.csrfToken as string }),
        ),
      ).toBe('AUTH_CSRF');
    });

    it('a stale cookie is no session: it is cleared, and asks for no CSRF token', async () => {
      const answer = await call('POST', '/api/test/things', { cookie: 'A'.repeat(43) });
      expect(codeOf(answer)).toBe('UNAUTHORIZED');
      expect(answer.cookies).toMatchObject([{ name: 'allmende_session', value: '' }]);
      expect(codeOf(await call('GET', '/api/auth/session', { cookie: 'nonsense' }))).toBe(
        'UNAUTHORIZED',
      );
    });

    it('are refused once the member is removed, and stay ended', async () => {
      const { cookie, token } = await sessionOf('grace', grace);
      expect((await call('GET', '/api/auth/session', { cookie })).status).toBe(200);
      server.directory.remove('grace');
      expect((await call('GET', '/api/test/me', { cookie })).body).toEqual({ member: null });
      expect(codeOf(await call('GET', '/api/auth/session', { cookie }))).toBe('UNAUTHORIZED');
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
      expect(codeOf(await passwordLogin('grace', PASSWORD))).toBe('AUTH_FAILED');
      await server.directory.admit('grace', 'Grace Hopper', [grace.key]);
      expect(codeOf(await call('GET', '/api/auth/session', { cookie }))).toBe('UNAUTHORIZED');
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
    });

    it('logout ends this session and clears the cookie', async () => {
      const { cookie, csrf } = await sessionOf('ada', ada);
      const other = await passwordLogin('ada', PASSWORD);
      const logout = await call('POST', '/api/auth/logout', { cookie, csrf });
      expect(logout.status).toBe(204);
      expect(String(logout.headers['set-cookie'])).toMatch(
        /^allmende_session=;.*Expires=Thu, 01 Jan 1970/,
      );
      expect(codeOf(await call('GET', '/api/auth/session', { cookie }))).toBe('UNAUTHORIZED');
      const otherCookie = other.cookies[0]!.value;
      expect((await call('GET', '/api/auth/session', { cookie: otherCookie })).status).toBe(200);
    });

    it('logout everywhere ends every session and token of the member, and no one else’s', async () => {
      const { cookie, csrf, token } = await sessionOf('ada', ada);
      const other = await passwordLogin('ada', PASSWORD);
      const graces = await tokenOf('grace', grace);
      expect((await call('POST', '/api/auth/logout-everywhere', { cookie, csrf })).status).toBe(
        204,
      );
      expect(codeOf(await call('GET', '/api/auth/session', { cookie }))).toBe('UNAUTHORIZED');
      expect(
        codeOf(await call('GET', '/api/auth/session', { cookie: other.cookies[0]!.value })),
      ).toBe('UNAUTHORIZED');
      expect((await call('GET', '/api/test/me', { bearer: token })).body).toEqual({ member: null });
      expect((await call('GET', '/api/test/me', { bearer: graces.token })).body.member).toEqual({
        handle: 'grace',
        via: 'token',
      });
    });

    it('slide: 30 days unused ends them, use keeps them, half a year ends them anyway', async () => {
      const { cookie } = await sessionOf('ada', ada);
      for (let used = 0; used + 29 * DAY < SESSION_LIFETIME_MS; used += 29 * DAY) {
        advance(29 * DAY);
        const answer = await call('GET', '/api/auth/session', { cookie });
        expect(answer.status).toBe(200);
        // The browser learns the new end, so that it keeps the cookie as long as the server.
        expect(answer.cookies).toMatchObject([{ name: 'allmende_session', value: cookie }]);
      }
      advance(29 * DAY);
      expect(codeOf(await call('GET', '/api/auth/session', { cookie }))).toBe('UNAUTHORIZED');

      const idle = await passwordLogin('ada', PASSWORD);
      advance(SESSION_IDLE_MS);
      expect(
        codeOf(await call('GET', '/api/auth/session', { cookie: idle.cookies[0]!.value })),
      ).toBe('UNAUTHORIZED');
    });
  });
});

describe('the session cookie behind https', () => {
  let server: AuthTestServer;
  beforeAll(async () => {
    server = await startAuthServer('sqlite', { url: 'https://coop.example' });
  });
  afterAll(async () => server?.close());

  it('is Secure', async () => {
    const keys = await tempDir();
    try {
      const key = await sshKeygen(keys.path, 'ada');
      await server.directory.admit('ada', 'Ada Lovelace', [key.key]);
      const challenge = await server.service.sshChallenge('ada');
      const signature = await sshSign(key, challenge.namespace, challenge.nonce);
      const { token } = await server.service.sshToken({
        handle: 'ada',
        nonce: challenge.nonce,
        signature,
        label: '',
      });
      await server.app.inject({
        method: 'PUT',
        url: '/api/auth/password',
        headers: { authorization: `Bearer ${token}` },
        payload: { password: PASSWORD },
      });
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/auth/password/login',
        payload: { handle: 'ada', password: PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
      expect(login.cookies[0]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    } finally {
      await keys.remove();
    }
  });
});
