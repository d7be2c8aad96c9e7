import { MemberKey } from '@allmende/protocol';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.ts';
import { startAuthServer, VALID_INVITATION, type AuthTestServer } from './auth-harness.ts';
import { DIALECTS } from './harness.ts';

// Passkeys end to end, as the web app uses them: Debian's Chromium with a CDP virtual
// authenticator (CTAP2, platform, user verification) calls navigator.credentials on a page of
// the server's own origin, and the page's fetch() carries the real session cookie.

const PAGE = '<!doctype html><html lang="en"><title>Allmende sign-in test</title><p>Sign in</p>';

/** The key a registration answers, parsed as the log will parse it. */
function passkeyOf(json: unknown): MemberKey & { kind: 'passkey' } {
  const key = MemberKey.parse(json);
  if (key.kind !== 'passkey') throw new Error(`expected a passkey, got ${key.kind}`);
  return key;
}

type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string } } };

describe.each(DIALECTS)('passkeys on %s', (dialect) => {
  let server: AuthTestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;

  /** fetch() from the page: same origin, with the browser's cookies. */
  const post = (path: string, body?: unknown, csrf?: string): Promise<Answer> =>
    page.evaluate(
      async ({ path, body, csrf }) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (csrf) headers['x-csrf-token'] = csrf;
        const response = await fetch(path, {
          method: 'POST',
          headers,
          body: JSON.stringify(body ?? {}),
        });
        const text = await response.text();
        return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
      },
      { path, body, csrf },
    );
  const get = (path: string): Promise<Answer> =>
    page.evaluate(async (path) => {
      const response = await fetch(path);
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    }, path);

  /** navigator.credentials.create() with the server's options; PublicKeyCredential#toJSON(). */
  const create = (options: unknown): Promise<{ id: string }> =>
    page.evaluate(async (options) => {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(
        options as PublicKeyCredentialCreationOptionsJSON,
      );
      const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
      return credential.toJSON();
    }, options);
  /** navigator.credentials.get() with the server's options. */
  const assert = (options: unknown): Promise<{ id: string }> =>
    page.evaluate(async (options) => {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(
        options as PublicKeyCredentialRequestOptionsJSON,
      );
      const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
      return credential.toJSON();
    }, options);

  /** The whole sign-in: options, the authenticator's assertion, the login. */
  const passkeyLogin = async (csrf?: string) => {
    const options = await post('/api/auth/passkey/login-options', undefined, csrf);
    expect(options.status).toBe(200);
    const response = await assert(options.body);
    return { response, answer: await post('/api/auth/passkey/login', { response }, csrf) };
  };

  /** A candidate's passkey, registered with the invitation: the key for member.admitted. */
  const registerCandidate = async (handle: string, name: string) => {
    const options = await post('/api/auth/passkey/registration-options', {
      invitation: VALID_INVITATION,
      handle,
      name,
    });
    expect(options.status).toBe(200);
    const response = await create(options.body);
    const registered = await post('/api/auth/passkey/registration', { response, label: 'Laptop' });
    expect(registered.status).toBe(200);
    return { options: options.body, response, key: passkeyOf(registered.body.key) };
  };

  beforeAll(async () => {
    server = await startAuthServer(dialect, { listen: true, page: PAGE });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    }));
    // http://localhost is a secure context, as WebAuthn requires.
    await page.goto(`${server.url}/`);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('a candidate registers a passkey with an invitation; it signs in once the log has it', async () => {
    const { options, response, key } = await registerCandidate('Grace', 'Grace Hopper');
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Test cooperative' },
      user: { name: 'grace', displayName: 'Grace Hopper' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    expect(key).toMatchObject({ kind: 'passkey', credentialId: response.id, label: 'Laptop' });

    // Not a login credential until a member.admitted statement puts it into the directory.
    const early = await passkeyLogin();
    expect(early.answer.body.error?.code).toBe('AUTH_FAILED');

    await server.directory.admit('grace', 'Grace Hopper', [key]);
    const { answer } = await passkeyLogin();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ handle: 'grace', name: 'Grace Hopper' });
    const session = await get('/api/auth/session');
    expect(session.body).toEqual(answer.body);
    // The cookie is HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('allmende_session');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'allmende_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      secure: false,
      path: '/',
    });
    server.directory.remove('grace');
  });

  it('an assertion counts once: replayed, or from a copied authenticator, it is refused', async () => {
    const { key } = await registerCandidate('ada', 'Ada Lovelace');
    await server.directory.admit('ada', 'Ada Lovelace', [key]);
    const first = await passkeyLogin();
    expect(first.answer.status).toBe(200);
    const csrf = first.answer.body.csrfToken as string;
    const replay = await post('/api/auth/passkey/login', { response: first.response }, csrf);
    expect(replay.body.error?.code).toBe('AUTH_FAILED');
    // Signed in already: the page sends its CSRF token with every POST.
    const second = await passkeyLogin(csrf);
    expect(second.answer.status).toBe(200);

    // A copy of the credential whose signature counter is behind the original's.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    const credential = credentials[0]!;
    expect(credential.signCount).toBeGreaterThan(0);
    await cdp.send('WebAuthn.removeCredential', {
      authenticatorId,
      credentialId: credential.credentialId,
    });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { ...credential, signCount: 0 },
    });
    const cloned = await passkeyLogin(second.answer.body.csrfToken as string);
    expect(cloned.answer.body.error?.code).toBe('AUTH_FAILED');
    expect(JSON.stringify(cloned.answer.body)).toMatch(/counter/);
    server.directory.remove('ada');
  });

  it('a signed-in member registers another passkey, with the CSRF token', async () => {
    const { key } = await registerCandidate('lin', 'Lin Ostrom');
    await server.directory.admit('lin', 'Lin Ostrom', [key]);
    const { answer } = await passkeyLogin();
    const csrf = answer.body.csrfToken as string;

    const refused = await post('/api/auth/passkey/registration-options', {});
    expect(refused.body.error?.code).toBe('AUTH_CSRF');
    const options = await post('/api/auth/passkey/registration-options', {}, csrf);
    expect(options.status).toBe(200);
    // The passkey it has is excluded, so that the authenticator makes a new one.
    expect(options.body).toMatchObject({
      user: { name: 'lin' },
      excludeCredentials: [{ id: key.credentialId, type: 'public-key' }],
    });
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    const response = await create(options.body);
    const registered = await post('/api/auth/passkey/registration', { response }, csrf);
    expect(registered.status).toBe(200);
    const second = passkeyOf(registered.body.key);
    expect(second.credentialId).toBe(response.id);
    expect(second.credentialId).not.toBe(key.credentialId);

    // Its challenge belongs to lin's session: signed out, the answer is refused.
    const again = await post('/api/auth/passkey/registration-options', {}, csrf);
    await post('/api/auth/logout', undefined, csrf);
    const orphan = await create(again.body);
    const anonymous = await post('/api/auth/passkey/registration', { response: orphan });
    expect(anonymous.body.error?.code).toBe('UNAUTHORIZED');
    server.directory.remove('lin');
  });

  it('refuses a bad invitation, a taken handle, and strangers without either', async () => {
    await server.directory.admit('taken', 'Someone');
    const ask = (body: unknown) => post('/api/auth/passkey/registration-options', body);
    expect(
      (await ask({ invitation: 'made-up', handle: 'newbie', name: 'New' })).body.error?.code,
    ).toBe('INVITATION_INVALID');
    expect(
      (await ask({ invitation: VALID_INVITATION, handle: 'Taken', name: 'New' })).body.error?.code,
    ).toBe('HANDLE_TAKEN');
    expect(
      (await ask({ invitation: VALID_INVITATION, handle: 'no spaces', name: 'New' })).body.error
        ?.code,
    ).toBe('BAD_REQUEST');
    expect((await ask({})).body.error?.code).toBe('UNAUTHORIZED');
    server.directory.remove('taken');
  });

  it('refuses an answer to a registration challenge that is over five minutes old', async () => {
    const options = await post('/api/auth/passkey/registration-options', {
      invitation: VALID_INVITATION,
      handle: 'slow',
      name: 'Slow',
    });
    const response = await create(options.body);
    server.clock.now = new Date(server.clock.now.getTime() + 5 * 60_000 + 1000);
    const late = await post('/api/auth/passkey/registration', { response });
    expect(late.body.error?.code).toBe('AUTH_FAILED');
  });
});
