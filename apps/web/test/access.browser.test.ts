import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessRequest,
  CoopInfo,
  newNonce,
  signedBytes,
  type SignedPart,
} from '@allmende/protocol';
import { keyIdOf } from '@allmende/rules';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { hostBody, privateServiceBody } from '../../../test/support/coop-fixtures.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import { testPasskey, type TestPasskey } from '../../../test/support/members.ts';
import {
  buildWebApp,
  expectNoAxeViolations,
  freePort,
  screenshot,
  sshKeygen,
  sshSign,
  type SshKey,
} from './support/browser.ts';

// Approving access in the browser: bo (who looks after mail on h1) asks for root there with his
// SSH key, cem approves with his, and ada — whose passkey the cooperative was founded with —
// approves in Chromium by signing with that passkey, after the page has shown her what she signs.

let server: RunningServer;
let browser: Browser;
let dataDir: string;
let keyDir: string;
let webRoot: string;
let base: string;
let namespace: string;
let passkey: TestPasskey;
const keys = new Map<string, SshKey>();
let ticket: number;
let request: AccessRequest;

type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

async function signed<T extends SignedPart['type']>(handle: string, type: T, body: BodyOf<T>) {
  const part = { v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body } as SignedPart;
  const signature = await sshSign(keys.get(handle)!, namespace, signedBytes(part));
  return { ...part, signatures: [{ kind: 'ssh', signer: handle, signature }] };
}

async function post(path: string, body: unknown, status: number): Promise<unknown> {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(status);
  return response.json();
}

async function openPage(locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ locale });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** ada's passkey, put into the page's virtual authenticator as her phone would hold it. */
async function withAdasPasskey(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  await cdp.send('WebAuthn.addCredential', {
    authenticatorId,
    credential: {
      credentialId: Buffer.from(passkey.credentialId, 'base64url').toString('base64'),
      isResidentCredential: true,
      rpId: 'localhost',
      privateKey: passkey.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      userHandle: Buffer.from('ada').toString('base64'),
      signCount: 0,
    },
  });
}

beforeAll(async () => {
  webRoot = await buildWebApp();
  dataDir = await mkdtemp(join(tmpdir(), 'allmende-web-access-'));
  keyDir = await mkdtemp(join(tmpdir(), 'allmende-web-access-keys-'));
  for (const handle of ['bo', 'cem', 'dana']) keys.set(handle, await sshKeygen(keyDir, handle));
  passkey = testPasskey();
  const port = await freePort();
  base = `http://localhost:${port}`;
  server = await startServer({
    dataDir,
    webRoot,
    listen: `127.0.0.1:${port}`,
    url: base,
    founders: [
      { handle: 'ada', name: 'Ada Lovelace', keys: [passkey.key] },
      ...['bo', 'cem', 'dana'].map((handle) => ({
        handle,
        name: handle,
        keys: [keys.get(handle)!.key],
      })),
    ],
  });
  namespace = CoopInfo.parse(await (await fetch(`${base}/api/coop`)).json()).namespace;
  await post('/api/statements', await signed('bo', 'host.added', hostBody('h1')), 201);
  await post(
    '/api/statements',
    await signed(
      'bo',
      'service.created',
      privateServiceBody({ slug: 'mail', name: 'Mail', hosts: ['h1'] }),
    ),
    201,
  );
  ticket = (
    await server.desk.tickets.openTicket('bo', {
      title: 'The mail queue is stuck',
      body: '',
      service: 'mail',
      private: false,
      priority: 'high',
      labels: [],
    })
  ).id;
  const fingerprint = keyIdOf(keys.get('bo')!.key);
  request = AccessRequest.parse(
    await post(
      '/api/access/requests',
      await signed('bo', 'access.requested', {
        host: 'h1',
        login: 'root',
        minutes: 30,
        ticket,
        reason: 'Flush the stuck queue',
        key: fingerprint,
      }),
      201,
    ),
  );
  await post(
    `/api/access/requests/${request.id}/approvals`,
    await signed('cem', 'access.approved', { request: request.id, digest: request.digest }),
    200,
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of [dataDir, keyDir, webRoot]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe('access in the browser', () => {
  it('lets a member approve a request with her passkey, after showing what she signs', async () => {
    const page = await openPage();
    await withAdasPasskey(page);
    await page.goto(`${base}/login`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page
      .locator('.member-menu')
      .getByRole('link', { name: /Ada Lovelace/ })
      .waitFor();

    await page.goto(`${base}/access`);
    await page.getByRole('heading', { level: 1, name: 'Access to hosts' }).waitFor();
    await page.getByText('1 of 2 approvals').waitFor();
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'bo asks for root on h1 for 30 minutes' }).click();
    await page.getByRole('heading', { level: 1, name: `Access request ${request.id}` }).waitFor();
    // What was requested, every field, as bo signed it.
    const requested = page.getByRole('region', { name: 'What was requested, as signed' });
    await requested.getByText('bo asks for access to h1 as root for 30 minutes.').waitFor();
    expect(await requested.locator('dd').allTextContents()).toEqual(
      expect.arrayContaining(['h1', 'root', '30', `#${ticket}`, 'Flush the stuck queue']),
    );
    // What she signs: her approval of exactly this request, by its digest.
    const panel = page.getByRole('region', { name: 'What you sign' });
    await panel.getByText(`ada approves access request ${request.id}.`).waitFor();
    expect(await panel.locator('dd').allTextContents()).toEqual(
      expect.arrayContaining([String(request.id), request.digest]),
    );
    await expectNoAxeViolations(page);
    await screenshot(page, 'access-request');
    await panel.getByRole('button', { name: 'Approve with my passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Certificate issued' }).waitFor();
    await page.getByRole('heading', { name: 'Certificate' }).waitFor();
    await page.getByText(`allmende cert ${request.id}`).waitFor();
    await expectNoAxeViolations(page);

    const after = AccessRequest.parse(
      await (await fetch(`${base}/api/access/requests/${request.id}`)).json(),
    );
    expect(after.status).toBe('issued');
    expect(after.approvals.map((a) => a.handle)).toEqual(['cem', 'ada']);
    const [approval] = await server.log.entries(
      after.approvals[1]!.index,
      after.approvals[1]!.index + 1,
    );
    expect(approval?.statement).toMatchObject({
      type: 'access.approved',
      actor: 'member:ada',
      signatures: [{ kind: 'passkey', signer: 'ada', credentialId: passkey.credentialId }],
    });

    // The ticket's timeline shows the request and its entries.
    await page.goto(`${base}/desk/${ticket}`);
    const section = page.getByRole('region', { name: 'Access requests for this ticket' });
    await section.getByRole('link', { name: 'bo asks for root on h1 for 30 minutes' }).waitFor();
    await section.getByText('Certificate issued').waitFor();
    await expectNoAxeViolations(page);
  });

  it('speaks German', async () => {
    const page = await openPage('de-DE');
    await page.goto(`${base}/access/${request.id}`);
    await page.getByRole('heading', { level: 1, name: `Zugangsantrag ${request.id}` }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Zertifikat ausgestellt' }).waitFor();
    await page.goto(`${base}/access`);
    await page.getByRole('heading', { level: 1, name: 'Zugang zu Servern' }).waitFor();
    await page.getByRole('button', { name: 'Verfallen', exact: true }).click();
    await page.getByText('Kein Antrag ist in diesem Zustand.').waitFor();
    await page.getByRole('button', { name: 'Alle', exact: true }).click();
    await page.getByRole('link', { name: 'bo beantragt root auf h1 für 30 Minuten' }).waitFor();
  });
});
