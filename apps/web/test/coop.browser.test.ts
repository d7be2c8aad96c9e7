import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoopInfo,
  MemberInfo,
  MemberList,
  newNonce,
  Proposal,
  signedBytes,
  type SignedPart,
} from '@allmende/protocol';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import {
  addVirtualAuthenticator,
  buildWebApp,
  expectNoAxeViolations,
  freePort,
  hasHorizontalOverflow,
  screenshot,
  sshKeygen,
  sshSign,
  type SshKey,
} from './support/browser.ts';

// The cooperative as its members and the public use it: the real server with a founder whose
// SSH key ssh-keygen made, the built app, and Chromium with virtual authenticators for passkeys.
// The tests run in order and build on each other, as the cooperative's life does: the founder
// signs in, gets a passkey, invites a candidate and vouches for them.

const COOP_NAME = 'Testgenossenschaft';
const ADA = { handle: 'ada', name: 'Ada Lovelace', email: 'ada@coop.test' };
const PASSWORD = 'correct horse battery staple';
/** A third member, admitted through the API with two SSH keys, one of which she loses. */
const CY = { handle: 'cy', name: 'Cy Cordes' };

let server: RunningServer;
let browser: Browser;
let dataDir: string;
let keyDir: string;
let webRoot: string;
let base: string;
let namespace: string;
let adaKey: SshKey;
let cyKey: SshKey;
let cyLostKey: SshKey;
/** The founder's browser: signed in, with a passkey once the first tests have run. */
let ada: Page;
/** The candidate's phone, a member's once admitted. */
let bo: Page;
/** Whatever the strict content security policy blocked, on any page. */
const cspViolations: string[] = [];

async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  return page;
}

async function getJson<T>(path: string, schema: { parse: (body: unknown) => T }): Promise<T> {
  const response = await fetch(base + path);
  expect(response.status).toBe(200);
  return schema.parse(await response.json());
}

/** A statement by a member, signed with their SSH key by ssh-keygen and proposed through the API. */
type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

async function proposeAs<T extends SignedPart['type']>(
  key: SshKey,
  handle: string,
  type: T,
  body: BodyOf<T>,
): Promise<Proposal> {
  const part = { v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body } as SignedPart;
  const signature = await sshSign(key, namespace, signedBytes(part));
  const response = await fetch(`${base}/api/proposals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      statement: { ...part, signatures: [{ kind: 'ssh', signer: handle, signature }] },
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return Proposal.parse(await response.json());
}

/** A statement by ada, signed with her SSH key by ssh-keygen and proposed through the API. */
function proposeAsAda<T extends SignedPart['type']>(type: T, body: BodyOf<T>): Promise<Proposal> {
  return proposeAs(adaKey, 'ada', type, body);
}

/**
 * Admits a member through the API, as `allmende` would: the candidate signs the admission with
 * the first of their SSH keys, and ada vouches with hers.
 */
async function admitThroughApi(handle: string, name: string, keys: [SshKey, ...SshKey[]]) {
  const body = { handle, name, keys: keys.map((k) => k.key) };
  const part = {
    v: 1,
    type: 'member.admitted',
    actor: `member:${handle}`,
    nonce: newNonce(),
    body,
  };
  const bytes = signedBytes(part as SignedPart);
  const signatures = [
    { kind: 'ssh', signer: handle, signature: await sshSign(keys[0], namespace, bytes) },
    { kind: 'ssh', signer: 'ada', signature: await sshSign(adaKey, namespace, bytes) },
  ];
  const response = await fetch(`${base}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...part, signatures }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** The heading of the page, once it is there. */
async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

beforeAll(async () => {
  webRoot = await buildWebApp();
  dataDir = await mkdtemp(join(tmpdir(), 'allmende-web-coop-'));
  keyDir = await mkdtemp(join(tmpdir(), 'allmende-web-keys-'));
  adaKey = await sshKeygen(keyDir, 'ada');
  const port = await freePort();
  // Passkeys are bound to a host name: the app is browsed at localhost, never at the address.
  base = `http://localhost:${port}`;
  server = await startServer({
    dataDir,
    webRoot,
    listen: `127.0.0.1:${port}`,
    url: base,
    name: COOP_NAME,
    founders: [{ ...ADA, keys: [adaKey.key] }],
  });
  namespace = (await getJson('/api/coop', CoopInfo)).namespace;
  const mail = await proposeAsAda('service.created', {
    slug: 'mail',
    name: 'Mail',
    description: 'Mailboxes for every member, with webmail at mail.coop.test.',
    sensitivity: 'private',
    status: 'running',
    addresses: ['mail.coop.test', 'https://webmail.coop.test'],
    docPage: 'services/mail',
    hosts: [],
  });
  expect(mail.status).toBe('logged');
  await proposeAsAda('steward.assigned', { service: 'mail', handle: 'ada', role: 'steward' });
  for (const host of [
    {
      name: 'hetzner-1',
      address: 'hetzner-1.coop.test',
      provider: 'Hetzner',
      location: 'Falkenstein',
      amount: 1250,
    },
    {
      name: 'netcup-1',
      address: '203.0.113.7',
      provider: 'netcup',
      location: 'Nürnberg',
      amount: 899,
    },
  ]) {
    const { amount, ...rest } = host;
    await proposeAsAda('host.added', { ...rest, monthlyCost: { amount, currency: 'EUR' } });
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of [dataDir, keyDir, webRoot]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe('the cooperative in public', () => {
  it('shows the cooperative at a glance on the home page', async () => {
    const page = await openPage();
    await page.goto(base);
    await heading(page, COOP_NAME);
    expect(await page.title()).toBe(`${COOP_NAME} · Allmende`);
    const counts = page.locator('.counts');
    await counts.getByText('Services').waitFor();
    expect(await counts.locator('dd').allTextContents()).toEqual([
      '1',
      '1',
      '2',
      expect.stringMatching(/^\d+$/),
    ]);
    const who = page.getByRole('region', { name: 'Who looks after what' });
    await who.getByRole('link', { name: 'Mail' }).waitFor();
    expect(await who.textContent()).toContain('Looked after by ada');
    const recent = page.getByRole('region', { name: 'Recently in the log' });
    await recent.getByRole('link', { name: /New host: netcup-1 at netcup, Nürnberg\./ }).waitFor();
    // Open proposals are for members.
    expect(await page.getByText(/proposals? wait/).count()).toBe(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'home');
  });

  it('lists the services with their stewards, and a service with its details', async () => {
    const page = await openPage();
    await page.goto(`${base}/services`);
    await heading(page, 'Services');
    const card = page.locator('.service-card', { hasText: 'Mail' });
    await card.waitFor();
    expect(await card.locator('.pill').allTextContents()).toEqual([
      'Sensitivity: Private',
      'Status: Running',
    ]);
    expect(await card.textContent()).toContain('ada');
    await page.getByText('Sign in to add a service.').waitFor();
    await expectNoAxeViolations(page);

    await card.getByRole('link', { name: 'Mail' }).click();
    await heading(page, 'Mail');
    await page.getByText('mail.coop.test', { exact: true }).waitFor();
    await page.getByText('services/mail', { exact: true }).waitFor();
    await page.getByText('Sign in to look after this service.').waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'service');
  });

  it('adds up the hosts’ monthly costs in the reader’s currency format', async () => {
    const page = await openPage();
    await page.goto(`${base}/hosts`);
    await heading(page, 'Hosts');
    const row = page.getByRole('row', { name: /hetzner-1/ });
    expect(await row.textContent()).toContain('€12.50');
    const total = page.getByRole('row', { name: /Total per month/ });
    expect(await total.textContent()).toContain('€21.49');
    await expectNoAxeViolations(page);

    const german = await openPage({ locale: 'de-DE' });
    await german.goto(`${base}/hosts`);
    await heading(german, 'Server');
    const summe = german.getByRole('row', { name: /Summe im Monat/ });
    expect(await summe.textContent()).toMatch(/21,49\s€/);
  });

  it('explains the rules in plain words', async () => {
    const page = await openPage();
    await page.goto(`${base}/policies`);
    await heading(page, 'Rules');
    const privateLevel = page.getByRole('region', { name: 'Private services' });
    await privateLevel.getByText('Needs the approval of 2 other members.').waitFor();
    await privateLevel.getByText('Another member watches the session live.').waitFor();
    await privateLevel.getByText('Access lasts at most 1 hour.').waitFor();
    await page.getByText('A new member needs 2 vouches from members.').waitFor();
    await page.getByText('Sign in to propose a change.').waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'policies');
  });

  it('shows members to the public without their e-mail addresses', async () => {
    const page = await openPage();
    await page.goto(`${base}/members`);
    await heading(page, 'Members');
    await page.getByRole('link', { name: ADA.name }).click();
    await heading(page, ADA.name);
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await page.getByText(/SSH key ssh-ed25519 /).waitFor();
    await page.getByRole('link', { name: 'mail' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('@coop.test');
    await expectNoAxeViolations(page);
    await page.goto(`${base}/members`);
    await page.getByRole('link', { name: ADA.name }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('@coop.test');
    const { members } = await getJson('/api/members', MemberList);
    expect(members.map((m) => m.email ?? null)).toEqual([null]);
  });

  it('speaks German and fits a phone screen', async () => {
    const page = await openPage({
      locale: 'de-DE',
      viewport: { width: 375, height: 740 },
      isMobile: true,
    });
    const pages: [string, string | RegExp][] = [
      ['/', COOP_NAME],
      ['/services', 'Dienste'],
      ['/services/mail', 'Mail'],
      ['/hosts', 'Server'],
      ['/policies', 'Regeln'],
      ['/members', 'Mitglieder'],
      ['/members/ada', ADA.name],
      ['/proposals', 'Vorschläge'],
      ['/login', 'Anmelden'],
      ['/join/not-a-valid-code', 'Der Kooperative beitreten'],
    ];
    for (const [path, name] of pages) {
      await page.goto(base + path);
      await heading(page, name);
      // Until nothing loads any more: a page may show several panels loading at once.
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      expect(await hasHorizontalOverflow(page), path).toBe(false);
      await screenshot(page, `phone${path.replaceAll('/', '-')}`);
    }
    await page.getByText(/Diese Einladung ist nicht gültig/).waitFor();
  });
});

/** An API token for a member, proved with their SSH key in the login namespace (`allmende login`). */
async function sshToken(key: SshKey, handle: string, label: string): Promise<string> {
  const challenge = (await (
    await fetch(`${base}/api/auth/ssh/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    })
  ).json()) as { nonce: string; namespace: string };
  const signature = await sshSign(key, challenge.namespace, challenge.nonce);
  const response = await fetch(`${base}/api/auth/ssh/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, nonce: challenge.nonce, signature, label }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function adaToken(label: string): Promise<string> {
  return sshToken(adaKey, 'ada', label);
}

/** Sets a member's password with a token their SSH key got, so that they sign in on the web. */
async function setPasswordWithSsh(key: SshKey, handle: string, password: string): Promise<void> {
  const token = await sshToken(key, handle, 'password');
  const response = await fetch(`${base}/api/auth/password`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  expect(response.status).toBe(204);
}

/** Signs in with a passkey from the sign-in page and waits for the header to name the member. */
async function signInWithPasskey(page: Page, name: string, button = 'Sign in with a passkey') {
  await page.goto(`${base}/login`);
  await page.getByRole('button', { name: button }).click();
  await page
    .locator('.member-menu')
    .getByRole('link', { name: new RegExp(name) })
    .waitFor();
}

describe('the cooperative for its members', () => {
  it('signs the founder in with a password and adds a passkey that her SSH key signs', async () => {
    // The founder has only her SSH key: she proves it for a token and sets a password with it.
    const token = await adaToken('laptop shell');
    const set = await fetch(`${base}/api/auth/password`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(set.status).toBe(204);

    ada = await openPage();
    await addVirtualAuthenticator(ada);
    await ada.goto(`${base}/account`);
    await ada.getByRole('link', { name: 'Sign in to see your account.' }).click();
    await heading(ada, 'Sign in');
    await expectNoAxeViolations(ada);
    await ada.getByLabel('Handle', { exact: true }).fill('ADA');
    await ada.getByLabel('Password', { exact: true }).fill('wrong password, surely');
    await ada.getByRole('button', { name: 'Sign in with password' }).click();
    await ada.getByText(/That did not work/).waitFor();
    await ada.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await ada.getByRole('button', { name: 'Sign in with password' }).click();
    // Back where she came from, signed in.
    await heading(ada, 'Your account');
    await ada
      .locator('.member-menu')
      .getByRole('link', { name: /Ada Lovelace/ })
      .waitFor();
    await ada.getByText('laptop shell', { exact: true }).waitFor();

    await ada.getByLabel('Name for the passkey (optional)').fill('Test laptop');
    await ada.getByRole('button', { name: 'Create a passkey' }).click();
    const panel = ada.getByRole('region', { name: 'What you sign' });
    await panel.getByText('ada adds a new passkey.').waitFor();
    // Every field of what she signs is there, in words, before she signs.
    expect(await panel.locator('dd').allTextContents()).toEqual([
      expect.stringContaining('Key added'),
      'member:ada',
      'ada',
      expect.stringMatching(/^passkey “Test laptop” /),
    ]);
    // No passkey yet: she signs with her SSH key, exactly the bytes shown.
    await panel.getByText('You have no passkey in the cooperative yet').waitFor();
    await panel
      .getByText(`ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n ${namespace} statement.json`)
      .waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'account-sign-with-ssh');
    const exact = (await panel.locator('.exact-text pre').textContent()) ?? '';
    await panel.getByLabel(/Paste the signature/).fill('-----BEGIN SSH SIGNATURE-----\nnonsense\n');
    await panel.getByRole('button', { name: 'Send the signature' }).click();
    await panel.getByText(/This is not an SSH signature/).waitFor();
    await panel.getByLabel(/Paste the signature/).fill(await sshSign(adaKey, namespace, exact));
    await panel.getByRole('button', { name: 'Send the signature' }).click();
    const done = ada
      .getByRole('status')
      .filter({ hasText: /Done: written to the log as entry \d+\./ });
    await done.waitFor();
    await ada
      .locator('.key-list')
      .getByText(/passkey “Test laptop”/)
      .waitFor();

    await ada.locator('.member-menu').getByRole('button', { name: 'Sign out' }).click();
    await ada.locator('.member-menu').getByRole('link', { name: 'Sign in' }).waitFor();
    await signInWithPasskey(ada, 'Ada Lovelace');
  });

  it('lists API tokens and revokes one', async () => {
    await ada.goto(`${base}/account`);
    const tokens = ada.getByRole('region', { name: 'API tokens' });
    await tokens.getByText('laptop shell', { exact: true }).waitFor();
    await tokens.getByRole('button', { name: 'Revoke: laptop shell' }).click();
    await tokens.getByText('You have no API tokens.').waitFor();
  });

  it('shows e-mail addresses to signed-in members', async () => {
    await ada.goto(`${base}/members`);
    await ada.getByRole('link', { name: ADA.email }).waitFor();
  });

  it('admits a candidate who joins with an invitation once a member vouches', async () => {
    await ada.goto(`${base}/invitations`);
    await heading(ada, 'Invitations');
    await ada.getByLabel('Note (optional)').fill('Bo from the allotment');
    await ada.getByRole('button', { name: 'Create an invitation' }).click();
    const link = (await ada.locator('.invitation-link').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${base}/join/[A-Za-z0-9_-]+$`));
    await ada
      .getByRole('region', { name: 'Your invitations' })
      .getByText('Bo from the allotment')
      .waitFor();
    await expectNoAxeViolations(ada);

    // The candidate, on a phone of their own, in German.
    bo = await openPage({
      locale: 'de-DE',
      viewport: { width: 375, height: 740 },
      isMobile: true,
    });
    await addVirtualAuthenticator(bo);
    await bo.goto(link);
    await heading(bo, `${COOP_NAME} beitreten`);
    await bo.getByText(`Ada Lovelace (ada) lädt Sie ein, ${COOP_NAME} beizutreten.`).waitFor();
    await bo.getByLabel('Kurzname').fill('Ｂo');
    expect(await bo.locator('.handle-preview').textContent()).toBe('bo');
    await bo.getByLabel('Name', { exact: true }).fill('Bo Berger');
    await bo.getByLabel('E-Mail').fill('bo@coop.test');
    await expectNoAxeViolations(bo);
    await bo.getByRole('button', { name: 'Meinen Passkey erstellen' }).click();
    const application = bo.getByRole('region', { name: 'Was Sie unterschreiben' });
    await application.getByText('Bo Berger (bo) wird Mitglied.').waitFor();
    expect(await hasHorizontalOverflow(bo)).toBe(false);
    await expectNoAxeViolations(bo);
    await screenshot(bo, 'join-sign');
    await application
      .getByRole('button', { name: 'Meinen Antrag mit meinem Passkey unterschreiben' })
      .click();
    await heading(bo, `${COOP_NAME} beitreten`);
    await bo.getByRole('heading', { name: 'Ihr Antrag ist eingegangen' }).waitFor();
    const waiting = bo.getByRole('status').filter({ hasText: 'Vorgeschlagen.' });
    await waiting.getByRole('listitem').first().waitFor();
    const proposalUrl = await waiting
      .getByRole('link', { name: 'Zum Vorschlag' })
      .getAttribute('href');
    expect(proposalUrl).toMatch(/^\/proposals\/[0-9a-f]{64}$/);
    await screenshot(bo, 'join-sent');

    // The member vouches, seeing what she signs.
    await ada.goto(base);
    await ada.getByRole('link', { name: '1 proposal waits for signatures.' }).click();
    await heading(ada, 'Proposals');
    await ada.getByRole('link', { name: 'Bo Berger (bo) becomes a member.' }).click();
    await heading(ada, 'Proposal: Member admitted');
    const missing = ada.getByRole('region', { name: 'Signatures' });
    await missing.getByRole('heading', { name: 'Still missing' }).waitFor();
    await ada.getByText('You sign: Bo Berger (bo) becomes a member.').waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'proposal-vouch');
    await ada.getByRole('button', { name: 'Vouch with my passkey' }).click();
    const logged = ada
      .getByRole('status')
      .filter({ hasText: /Done: written to the log as entry \d+\./ });
    await logged.waitFor();
    const entry = await logged.getByRole('link').getAttribute('href');
    await ada.goto(base + (entry ?? ''));
    await ada.getByText('Bo Berger (bo) becomes a member.').waitFor();
    await ada.getByRole('status').filter({ hasText: 'Verified' }).waitFor();

    // Bo is a member now, for everyone to see, and signs in with the passkey of the application.
    const visitor = await openPage();
    await visitor.goto(`${base}/members`);
    await visitor.getByRole('link', { name: 'Bo Berger' }).waitFor();
    await signInWithPasskey(bo, 'Bo Berger', 'Mit Passkey anmelden');
  });

  it('shows the rule that refuses a statement', async () => {
    await ada.goto(`${base}/services`);
    await ada.getByRole('button', { name: 'Add a service' }).click();
    await ada.getByLabel('Short name').fill('Mail');
    await ada.getByText('Will be written as “mail”.').waitFor();
    await ada.getByLabel('Name', { exact: true }).fill('Mail, once more');
    await expectNoAxeViolations(ada);
    await ada.getByRole('button', { name: 'Review and sign' }).click();
    await ada.getByText('New service: Mail, once more (mail).').waitFor();
    await ada.getByRole('button', { name: 'Sign with my passkey' }).click();
    const refused = ada
      .getByRole('alert')
      .filter({ hasText: 'The cooperative’s rules do not allow this statement.' });
    await refused.waitFor();
    expect(await refused.locator('code').textContent()).toBe('service.slug-taken');
    await screenshot(ada, 'service-refused');
  });

  it('lets a member take on a service and change its status', async () => {
    await ada.goto(`${base}/services/mail`);
    await ada.getByText('You look after this service.').waitFor();
    await ada.getByLabel('Status').selectOption('degraded');
    await ada.getByRole('button', { name: 'Change the status' }).click();
    await ada.getByText('The service mail changes: Status.').waitFor();
    await ada.getByRole('button', { name: 'Sign with my passkey' }).click();
    await ada
      .getByRole('status')
      .filter({ hasText: /Done: written to the log/ })
      .waitFor();
    await ada.getByText('Status: Degraded').waitFor();
  });

  it('hands a service over once both members have signed', async () => {
    await ada.goto(`${base}/services/mail`);
    await ada.getByLabel('Hand over to').selectOption('bo');
    await ada.getByRole('button', { name: 'Hand over', exact: true }).click();
    await ada.getByText('ada hands mail over to bo.').waitFor();
    await ada.getByRole('button', { name: 'Sign with my passkey' }).click();
    const waiting = ada.getByRole('status').filter({ hasText: 'Proposed.' });
    await waiting.waitFor();
    const proposal =
      (await waiting.getByRole('link', { name: 'See the proposal' }).getAttribute('href')) ?? '';

    // Bo signs on his phone, in German, and sees exactly what he agrees to.
    await bo.goto(base + proposal);
    await heading(bo, 'Vorschlag: Betreuung übergeben');
    await bo.getByText('Sie unterschreiben: ada übergibt mail an bo.').waitFor();
    await expectNoAxeViolations(bo);
    await bo.getByRole('button', { name: 'Mit meinem Passkey unterschreiben' }).click();
    await bo
      .getByRole('status')
      .filter({ hasText: /Erledigt: als Eintrag \d+ ins Protokoll geschrieben\./ })
      .waitFor();
    await bo.goto(`${base}/services/mail`);
    await bo.getByText('Sie betreuen diesen Dienst.').waitFor();
    const stewards = bo
      .locator('dt', { hasText: 'Betreuung' })
      .locator('xpath=following-sibling::dd');
    expect(await stewards.textContent()).toBe('bo');
  });

  it('adds a host from the form and counts it in the total', async () => {
    await ada.goto(`${base}/hosts`);
    await ada.getByRole('button', { name: 'Add a host' }).click();
    await ada.getByLabel('Name', { exact: true }).fill('uberspace-1');
    await ada.getByLabel('Address', { exact: true }).fill('uberspace-1.coop.test');
    await ada.getByLabel('Provider').fill('Uberspace');
    await ada.getByLabel('Location').fill('Mainz');
    await ada.getByRole('textbox', { name: 'Monthly cost' }).fill('seven');
    await ada.getByRole('button', { name: 'Review and sign' }).click();
    await ada.getByText('Enter an amount such as 12.50.').waitFor();
    await ada.getByRole('textbox', { name: 'Monthly cost' }).fill('7.20');
    await ada.getByRole('button', { name: 'Review and sign' }).click();
    const panel = ada.getByRole('region', { name: 'What you sign' });
    await panel.getByText('New host: uberspace-1 at Uberspace, Mainz.').waitFor();
    await panel.getByText('€7.20').waitFor();
    await panel.getByRole('button', { name: 'Sign with my passkey' }).click();
    await ada
      .getByRole('status')
      .filter({ hasText: /Done: written to the log/ })
      .waitFor();
    const total = ada.getByRole('row', { name: /Total per month/ });
    await total.getByText('€28.69').waitFor();
  });

  it('changes the rules with the signatures they require', async () => {
    await ada.goto(`${base}/policies`);
    await ada.getByRole('button', { name: 'Propose a change' }).click();
    await ada.getByLabel('Vouches for a new member').fill('1');
    await expectNoAxeViolations(ada);
    await ada.getByRole('button', { name: 'Review and sign' }).click();
    await ada.getByText('The cooperative’s rules change.').waitFor();
    await ada
      .getByRole('region', { name: 'What you sign' })
      .getByText('A new member needs 1 vouch from members.')
      .waitFor();
    await ada.getByRole('button', { name: 'Sign with my passkey' }).click();
    await ada
      .getByRole('status')
      .filter({ hasText: /Done: written to the log/ })
      .waitFor();
    await ada.reload();
    await ada.getByText('A new member needs 1 vouch from members.').waitFor();
  });

  it('withdraws an invitation', async () => {
    await ada.goto(`${base}/invitations`);
    await ada.getByLabel('Note (optional)').fill('Never sent');
    await ada.getByRole('button', { name: 'Create an invitation' }).click();
    const link = (await ada.locator('.invitation-link').textContent()) ?? '';
    const list = ada.getByRole('region', { name: 'Your invitations' });
    await list.getByRole('button', { name: 'Withdraw: Never sent' }).click();
    await list.getByText('Never sent').waitFor({ state: 'detached' });
    // The one Bo answered stays, with who answered it.
    await list.getByText('Bo from the allotment').waitFor();
    expect(await list.textContent()).toContain('answered by bo');
    const visitor = await openPage();
    await visitor.goto(link);
    await visitor.getByText(/This invitation is not valid/).waitFor();
  });

  it('signs in with the keyboard alone', async () => {
    const page = await openPage();
    await page.goto(`${base}/login`);
    await heading(page, 'Sign in');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const field = page.getByLabel('Handle', { exact: true });
    for (let i = 0; i < 10 && !(await field.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('ada');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page
      .locator('.member-menu')
      .getByRole('link', { name: /Ada Lovelace/ })
      .waitFor();
  });

  it('asks the other members to revoke a key that a member lost', async () => {
    cyKey = await sshKeygen(keyDir, 'cy');
    cyLostKey = await sshKeygen(keyDir, 'cy-phone');
    await admitThroughApi(CY.handle, CY.name, [cyKey, cyLostKey]);
    // Three members: the cooperative is no longer small, and the policy's numbers apply in full.
    expect((await getJson('/api/coop', CoopInfo)).members).toBe(3);

    // Visitors see the keys but cannot act on them; a member on her own page neither.
    const visitor = await openPage();
    await visitor.goto(`${base}/members/cy`);
    await heading(visitor, CY.name);
    await visitor.getByText(cyLostKey.key.publicKey).waitFor();
    expect(
      await visitor
        .getByRole('button')
        .filter({ hasText: /Revoke|remove/ })
        .count(),
    ).toBe(0);
    await ada.goto(`${base}/members/ada`);
    await heading(ada, ADA.name);
    // Her e-mail address shows once the page knows who is signed in.
    await ada.getByRole('link', { name: ADA.email }).waitFor();
    expect(
      await ada
        .getByRole('button')
        .filter({ hasText: /Revoke|remove/ })
        .count(),
    ).toBe(0);

    await ada.goto(`${base}/members/cy`);
    await heading(ada, CY.name);
    const keys = ada.getByRole('region', { name: 'Keys', exact: true });
    await keys.getByRole('button', { name: 'Revoke this key (lost)' }).first().waitFor();
    expect(await keys.getByRole('button', { name: 'Revoke this key (lost)' }).count()).toBe(2);
    await keys
      .getByRole('listitem')
      .filter({ hasText: cyLostKey.key.publicKey })
      .getByRole('button', { name: 'Revoke this key (lost)' })
      .click();
    await keys.getByRole('heading', { name: 'Revoke a lost key' }).waitFor();
    await keys
      .getByText('It takes the signatures of 2 members other than Cy Cordes.', { exact: false })
      .waitFor();
    await keys.getByRole('button', { name: 'Review and sign' }).click();
    await keys.getByText('Give a reason.').waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'member-revoke-lost-key');
    await keys.getByLabel('Reason').fill('Cy’s phone with this key was stolen on the train.');
    await keys.getByRole('button', { name: 'Review and sign' }).click();
    const panel = keys.getByRole('region', { name: 'What you sign' });
    await panel.getByText('ada revokes one of cy’s keys (SSH key).').waitFor();
    await panel
      .getByText('Cy’s phone with this key was stolen on the train.', { exact: true })
      .waitFor();
    await expectNoAxeViolations(ada);
    await panel.getByRole('button', { name: 'Sign with my passkey' }).click();
    // Ada's signature is one of the two the rules ask for.
    const waiting = keys.getByRole('status').filter({ hasText: 'Proposed.' });
    await waiting.getByText('Signatures of other members to revoke the key: 1 of 2').waitFor();
    await expectNoAxeViolations(ada);
    const proposal =
      (await waiting.getByRole('link', { name: 'See the proposal' }).getAttribute('href')) ?? '';

    // Bo, on his phone in German, sees which key, why, and what is missing, and signs.
    await bo.goto(base + proposal);
    await heading(bo, 'Vorschlag: Schlüssel widerrufen');
    await bo
      .getByText('Sie unterschreiben: ada widerruft einen Schlüssel von cy (SSH-Schlüssel).')
      .waitFor();
    await bo.getByText(cyLostKey.key.publicKey).waitFor();
    await bo
      .getByText(
        'Unterschreiben Sie nur, wenn Sie sicher sind, dass cy diesen Schlüssel verloren hat',
        {
          exact: false,
        },
      )
      .waitFor();
    await bo
      .getByRole('region', { name: 'Unterschriften' })
      .getByText('Unterschriften anderer Mitglieder, um den Schlüssel zu widerrufen: 1 von 2')
      .waitFor();
    expect(await hasHorizontalOverflow(bo)).toBe(false);
    await expectNoAxeViolations(bo);
    await screenshot(bo, 'proposal-key-revoked');
    await bo.getByRole('button', { name: 'Mit meinem Passkey unterschreiben' }).click();
    await bo
      .getByRole('status')
      .filter({ hasText: /Erledigt: als Eintrag \d+ ins Protokoll geschrieben\./ })
      .waitFor();
    const cy = await getJson('/api/members/cy', MemberInfo);
    expect(cy.keys.map((k) => [k.key, k.revokedAt !== null])).toEqual([
      [cyKey.key, false],
      [cyLostKey.key, true],
    ]);
  });

  it('proposes to remove a member, which only other members can sign', async () => {
    const reason = 'Has not answered anyone for a year.';
    await ada.goto(`${base}/members/bo`);
    await heading(ada, 'Bo Berger');
    const removal = ada.getByRole('region', { name: 'Remove from the cooperative' });
    await removal
      .getByText(
        'Removing Bo Berger takes the signatures of 2 members other than Bo Berger. Yours is the first; the others sign on the proposal’s page.',
      )
      .waitFor();
    await removal.getByRole('button', { name: 'Propose to remove Bo Berger' }).click();
    await removal.getByRole('button', { name: 'Review and sign' }).click();
    await removal.getByText('Give a reason.').waitFor();
    await expectNoAxeViolations(ada);
    await removal.getByLabel('Reason').fill(reason);
    await removal.getByRole('button', { name: 'Review and sign' }).click();
    const panel = removal.getByRole('region', { name: 'What you sign' });
    await panel.getByText(`bo is removed from the cooperative: ${reason}`).waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'member-removal-sign');
    await panel.getByRole('button', { name: 'Sign with my passkey' }).click();
    const waiting = removal.getByRole('status').filter({ hasText: 'Proposed.' });
    await waiting.getByText('Signatures of other members for the removal: 1 of 2').waitFor();
    await expectNoAxeViolations(ada);
    await waiting.getByRole('link', { name: 'See the proposal' }).click();

    await heading(ada, 'Proposal: Member removed');
    await ada
      .getByRole('region', { name: 'Signatures' })
      .getByText('Signatures of other members for the removal: 1 of 2')
      .waitFor();
    await ada.getByText('You have signed this proposal.').waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'proposal-member-removed');
    const proposal = new URL(ada.url()).pathname;

    // Bo sees what is proposed about him, where and why; his own signature would not count.
    await bo.goto(base + proposal);
    await heading(bo, 'Vorschlag: Mitglied ausgeschlossen');
    await bo.getByText(reason, { exact: true }).waitFor();
    await bo.getByText('Dieser Vorschlag betrifft Sie.', { exact: false }).waitFor();
    expect(await bo.getByRole('button', { name: /unterschreiben/ }).count()).toBe(0);
    await expectNoAxeViolations(bo);
    await bo.goto(`${base}/members/bo`);
    await bo
      .getByRole('region', { name: 'Offene Vorschläge' })
      .getByRole('link', { name: `bo wird aus der Kooperative ausgeschlossen: ${reason}` })
      .waitFor();
    expect(await bo.getByRole('region', { name: 'Aus der Kooperative ausschließen' }).count()).toBe(
      0,
    );
    await expectNoAxeViolations(bo);

    // Bo answers after all: Ada takes her proposal back.
    await ada.getByRole('button', { name: 'Withdraw the proposal' }).click();
    await ada.getByRole('status').filter({ hasText: 'Withdrawn' }).waitFor();
  });

  it('revokes a passkey with a signature of that very passkey', async () => {
    await bo.goto(`${base}/account`);
    await bo.getByRole('button', { name: 'Diesen Schlüssel widerrufen' }).click();
    await bo
      .getByText('Ein widerrufener Schlüssel unterschreibt von da an nichts mehr.', {
        exact: false,
      })
      .waitFor();
    await expectNoAxeViolations(bo);
    await bo.getByRole('button', { name: /Passkey unterschreiben/ }).click();
    await bo
      .getByRole('status')
      .filter({ hasText: /Eintrag \d+/ })
      .waitFor();
    const boInfo = await getJson('/api/members/bo', MemberInfo);
    expect(boInfo.keys.map((k) => k.revokedAt !== null)).toEqual([true]);
  });

  it('lets a member leave after saying plainly what leaving means', async () => {
    // Cy looks after a service of her own: leaving ends that role too.
    await proposeAs(cyKey, CY.handle, 'service.created', {
      slug: 'garden',
      name: 'Garden wiki',
      description: '',
      sensitivity: 'public',
      status: 'running',
      addresses: [],
      docPage: null,
      hosts: [],
    });
    await proposeAs(cyKey, CY.handle, 'steward.assigned', {
      service: 'garden',
      handle: CY.handle,
      role: 'steward',
    });
    await setPasswordWithSsh(cyKey, CY.handle, PASSWORD);
    const cy = await openPage();
    await cy.goto(`${base}/login`);
    await cy.getByLabel('Handle', { exact: true }).fill(CY.handle);
    await cy.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await cy.getByRole('button', { name: 'Sign in with password' }).click();
    await cy
      .locator('.member-menu')
      .getByRole('link', { name: new RegExp(CY.name) })
      .waitFor();

    await cy.goto(`${base}/account`);
    const leave = cy.getByRole('region', { name: 'Leave the cooperative' });
    await leave.getByText('This cannot be undone.').waitFor();
    await leave.getByText('you are no longer a member', { exact: false }).waitFor();
    await leave
      .getByText('You also give up your roles as steward or deputy: garden (steward).')
      .waitFor();
    await expectNoAxeViolations(cy);
    await leave.getByLabel('Why you leave (optional)').fill('Moving abroad.');
    await leave.getByRole('button', { name: 'Review and sign' }).click();
    const panel = leave.getByRole('region', { name: 'What you sign' });
    await panel.getByText('cy leaves the cooperative.').waitFor();
    await panel.getByText('Moving abroad.', { exact: true }).waitFor();
    await expectNoAxeViolations(cy);
    await screenshot(cy, 'account-leave');
    // No passkey: she signs with the SSH key she kept, exactly the bytes shown.
    const exact = (await panel.locator('.exact-text pre').textContent()) ?? '';
    await panel.getByLabel(/Paste the signature/).fill(await sshSign(cyKey, namespace, exact));
    await panel.getByRole('button', { name: 'Send the signature' }).click();
    await cy.getByRole('heading', { name: 'You have left the cooperative' }).waitFor();
    await cy
      .getByRole('status')
      .filter({ hasText: /Done: written to the log as entry \d+\./ })
      .waitFor();
    await cy.locator('.member-menu').getByRole('link', { name: 'Sign in' }).waitFor();
    await expectNoAxeViolations(cy);
    const info = await getJson('/api/members/cy', MemberInfo);
    expect([info.status, info.services]).toEqual(['left', []]);
  });

  it('removes a member at once while the cooperative is small', async () => {
    // Ada and Bo are the only members again: one signature suffices, and ada's is one.
    expect((await getJson('/api/coop', CoopInfo)).members).toBe(2);
    const reason = 'Lost his only passkey and asked us to remove him; we will invite him again.';
    await ada.goto(`${base}/members/bo`);
    await heading(ada, 'Bo Berger');
    const removal = ada.getByRole('region', { name: 'Remove from the cooperative' });
    await removal
      .getByText(
        'While the cooperative has fewer than 3 members, one signature suffices. Removing Bo Berger takes the signature of one member other than Bo Berger. Yours is enough: once you sign, Bo Berger is removed at once.',
      )
      .waitFor();
    // His only key is revoked already: nothing is left to revoke.
    await ada.getByText(/revoked in/).waitFor();
    expect(await ada.getByRole('button', { name: 'Revoke this key (lost)' }).count()).toBe(0);
    await expectNoAxeViolations(ada);
    await removal.getByRole('button', { name: 'Propose to remove Bo Berger' }).click();
    await removal.getByLabel('Reason').fill(reason);
    await removal.getByRole('button', { name: 'Review and sign' }).click();
    await removal.getByText(`bo is removed from the cooperative: ${reason}`).waitFor();
    await removal.getByRole('button', { name: 'Sign with my passkey' }).click();
    const done = removal
      .getByRole('status')
      .filter({ hasText: /Done: written to the log as entry \d+\./ });
    await done.waitFor();
    await ada.locator('.member-handle .pill', { hasText: 'Removed' }).waitFor();
    await expectNoAxeViolations(ada);
    await done.getByRole('link').click();
    await ada.getByText(`bo is removed from the cooperative: ${reason}`).first().waitFor();
    await ada.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    await expectNoAxeViolations(ada);
    const info = await getJson('/api/members/bo', MemberInfo);
    expect(info.status).toBe('removed');
  });

  it('signs out everywhere', async () => {
    const elsewhere = await openPage();
    await elsewhere.goto(`${base}/login`);
    await elsewhere.getByLabel('Handle', { exact: true }).fill('ada');
    await elsewhere.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await elsewhere.getByRole('button', { name: 'Sign in with password' }).click();
    await elsewhere
      .locator('.member-menu')
      .getByRole('link', { name: /Ada Lovelace/ })
      .waitFor();

    await ada.goto(`${base}/account`);
    await ada.getByRole('button', { name: 'Sign out everywhere' }).click();
    await heading(ada, 'Sign in');
    await ada.locator('.member-menu').getByRole('link', { name: 'Sign in' }).waitFor();
    await elsewhere.reload();
    await elsewhere.locator('.member-menu').getByRole('link', { name: 'Sign in' }).waitFor();
  });

  it('ran under the strict content security policy without violating it', () => {
    expect(cspViolations).toEqual([]);
  });
});
