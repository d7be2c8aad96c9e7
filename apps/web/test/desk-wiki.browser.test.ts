import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoopInfo, newNonce, Proposal, signedBytes, type SignedPart } from '@allmende/protocol';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import { SmtpSink } from '../../../test/support/smtp-sink.ts';
import {
  buildWebApp,
  expectNoAxeViolations,
  freePort,
  hasHorizontalOverflow,
  screenshot,
  sshKeygen,
  sshSign,
  type SshKey,
} from './support/browser.ts';

// The help desk and the wiki as members and the public use them: the real server, the built
// app, Chromium, and a real SMTP server as the cooperative's mail relay. A visitor asks by
// e-mail address, Bo as a member; ada (the steward of mail) answers; both write in the wiki,
// once at the same time; one search finds tickets and pages.

const ADA = { handle: 'ada', name: 'Ada Lovelace', email: 'ada@coop.test' };
const BO = { handle: 'bo', name: 'Bo Berger' };
const PASSWORD = 'correct horse battery staple';

let server: RunningServer;
let browser: Browser;
let dataDir: string;
let keyDir: string;
let webRoot: string;
let base: string;
let namespace: string;
let adaKey: SshKey;
let boKey: SshKey;
/** Ada's browser, signed in: the steward of mail. */
let ada: Page;
/** Bo's browser, signed in: a member who asks. */
let bo: Page;
let ticketUrl = '';
let sink: SmtpSink;
/** A word only the visitor's ticket and one wiki page contain. */
const RARE_WORD = 'quasarflux';

async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  return page;
}

type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

async function proposeAsAda<T extends SignedPart['type']>(type: T, body: BodyOf<T>) {
  const part = { v: 1, type, actor: 'member:ada', nonce: newNonce(), body } as SignedPart;
  const signature = await sshSign(adaKey, namespace, signedBytes(part));
  const response = await fetch(`${base}/api/proposals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      statement: { ...part, signatures: [{ kind: 'ssh', signer: 'ada', signature }] },
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return Proposal.parse(await response.json());
}

/** Admits a member through the API: the candidate signs with their key, ada vouches. */
async function admitThroughApi(handle: string, name: string, key: SshKey) {
  const part = {
    v: 1,
    type: 'member.admitted',
    actor: `member:${handle}`,
    nonce: newNonce(),
    body: { handle, name, keys: [key.key] },
  };
  const bytes = signedBytes(part as SignedPart);
  const signatures = [
    { kind: 'ssh', signer: handle, signature: await sshSign(key, namespace, bytes) },
    { kind: 'ssh', signer: 'ada', signature: await sshSign(adaKey, namespace, bytes) },
  ];
  const response = await fetch(`${base}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...part, signatures }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** A password for a member, set with a token their SSH key proved (as `allmende login` does). */
async function setPasswordWithSsh(key: SshKey, handle: string): Promise<void> {
  const challenge = (await (
    await fetch(`${base}/api/auth/ssh/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    })
  ).json()) as { nonce: string; namespace: string };
  const signature = await sshSign(key, challenge.namespace, challenge.nonce);
  const tokenResponse = await fetch(`${base}/api/auth/ssh/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, nonce: challenge.nonce, signature, label: 'test' }),
  });
  expect(tokenResponse.status).toBe(200);
  const { token } = (await tokenResponse.json()) as { token: string };
  const response = await fetch(`${base}/api/auth/password`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(response.status).toBe(204);
}

async function signIn(page: Page, handle: string, name: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Handle', { exact: true }).fill(handle);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in with password' }).click();
  await page
    .locator('.member-menu')
    .getByRole('link', { name: new RegExp(name) })
    .waitFor();
}

/** The first mail to `address` whose text holds `text`, once it has come. */
async function eventuallyMail(address: string, text: string) {
  for (let n = 1; ; n++) {
    const mail = await sink.waitFor(address, n);
    if (mail.mail.text?.includes(text)) return mail;
  }
}

async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

beforeAll(async () => {
  webRoot = await buildWebApp();
  dataDir = await mkdtemp(join(tmpdir(), 'allmende-web-desk-'));
  keyDir = await mkdtemp(join(tmpdir(), 'allmende-web-desk-keys-'));
  adaKey = await sshKeygen(keyDir, 'ada');
  boKey = await sshKeygen(keyDir, 'bo');
  const port = await freePort();
  base = `http://localhost:${port}`;
  sink = await new SmtpSink().start();
  server = await startServer({
    dataDir,
    webRoot,
    listen: `127.0.0.1:${port}`,
    url: base,
    smtpRelay: sink.url,
    mailDomain: 'coop.test',
    name: 'Testgenossenschaft',
    founders: [{ ...ADA, keys: [adaKey.key] }],
  });
  const info = CoopInfo.parse(await (await fetch(`${base}/api/coop`)).json());
  namespace = info.namespace;
  await proposeAsAda('service.created', {
    slug: 'mail',
    name: 'Mail',
    description: 'Mailboxes for every member.',
    sensitivity: 'private',
    status: 'running',
    addresses: ['mail.coop.test'],
    docPage: 'services/mail',
    hosts: [],
  });
  await proposeAsAda('steward.assigned', { service: 'mail', handle: 'ada', role: 'steward' });
  await admitThroughApi(BO.handle, BO.name, boKey);
  await setPasswordWithSsh(adaKey, 'ada');
  await setPasswordWithSsh(boKey, 'bo');
  browser = await launchChromium();
  ada = await openPage();
  await signIn(ada, 'ada', ADA.name);
  bo = await openPage();
  await signIn(bo, 'bo', BO.name);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sink?.close();
  for (const dir of [dataDir, keyDir, webRoot]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe('the help desk', () => {
  it('opens a visitor’s ticket by the mailed link, and mails the steward’s answer', async () => {
    const visitor = await openPage();
    await visitor.goto(base);
    await visitor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Help desk' })
      .click();
    await heading(visitor, 'Help desk');
    await visitor.getByRole('link', { name: 'Open a ticket' }).click();
    await heading(visitor, 'Open a ticket');
    await visitor.getByRole('link', { name: 'Members sign in first.' }).waitFor();
    await visitor.getByRole('button', { name: 'Open the ticket' }).click();
    await visitor.getByText('Give an e-mail address, e.g. ana@example.org.').waitFor();
    await visitor.getByLabel('Your e-mail address').fill('vera@example.org');
    await visitor.getByLabel('Title', { exact: true }).fill('Calendar sync stops');
    await visitor.getByLabel('Service').selectOption('mail');
    await visitor
      .getByLabel('Description')
      .fill(`My phone stopped syncing; the error says ${RARE_WORD}.`);
    await expectNoAxeViolations(visitor);
    await visitor.getByRole('button', { name: 'Open the ticket' }).click();
    await visitor.getByText('Check your mail').waitFor();
    await visitor.getByText(/We have mailed a link to vera@example\.org/).waitFor();

    const mail = await sink.waitFor('vera@example.org');
    const link = /https?:\/\/\S+\/desk\/confirm\/[A-Za-z0-9_-]+/.exec(mail.mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    await visitor.goto(link!);
    await heading(visitor, 'Your ticket');
    await visitor.getByRole('heading', { level: 2, name: /Calendar sync stops/ }).waitFor();
    await expectNoAxeViolations(visitor);
    await visitor.getByRole('link', { name: 'Calendar sync stops' }).click();
    await heading(visitor, /Calendar sync stops/);
    const url = visitor.url();
    // The public sees the ticket, not the visitor's address.
    expect(await visitor.locator('main').textContent()).not.toContain('vera@example.org');
    await visitor.getByText('A visitor opened the ticket').waitFor();

    // The steward answers from her queue; the answer reaches the visitor by mail.
    await ada.goto(`${base}/desk?view=queue`);
    await ada.getByRole('link', { name: 'Calendar sync stops' }).click();
    await heading(ada, /Calendar sync stops/);
    await ada.getByText('vera@example.org opened the ticket').waitFor();
    await ada.getByLabel('Comment', { exact: true }).fill('Remove the account and add it again.');
    await ada.getByRole('button', { name: 'Comment', exact: true }).click();
    await ada.getByText('Remove the account and add it again.').waitFor();
    const answer = await eventuallyMail('vera@example.org', 'Remove the account and add it again.');
    expect(answer.mail.replyTo?.text).toMatch(/^help\+\d+@coop\.test$/);
    await visitor.goto(url);
    await visitor.getByText('Remove the account and add it again.').waitFor();
  });

  it('opens a ticket as a member and shows it in their tickets', async () => {
    await bo.goto(`${base}/desk/new`);
    await heading(bo, 'Open a ticket');
    await bo.getByText(/Only you, the stewards of the service and the oversight group/).waitFor();
    await expectNoAxeViolations(bo);
    await bo.getByRole('button', { name: 'Open the ticket' }).click();
    await bo.getByText('Give the ticket a title.').waitFor();
    await bo.getByLabel('Title', { exact: true }).fill('Spam filter eats my invoices');
    await bo.getByLabel('Service').selectOption('mail');
    await bo.getByLabel('Description').fill('Since Monday every invoice lands in the spam folder.');
    await bo.getByLabel('Priority').selectOption('high');
    await bo.getByRole('button', { name: 'Open the ticket' }).click();
    await heading(bo, /Spam filter eats my invoices/);
    ticketUrl = bo.url();
    expect(ticketUrl).toMatch(/\/desk\/\d+$/);
    await bo.getByText('bo opened the ticket').waitFor();
    await bo.getByText('Since Monday every invoice lands in the spam folder.').waitFor();
    const facts = bo.getByRole('region', { name: 'About this ticket' });
    expect(await facts.textContent()).toContain('ada');
    await expectNoAxeViolations(bo);
    await screenshot(bo, 'ticket-new');

    await bo.goto(`${base}/desk`);
    await bo.getByRole('button', { name: 'My tickets' }).click();
    await bo.getByRole('link', { name: 'Spam filter eats my invoices' }).waitFor();
    expect(bo.url()).toContain('view=mine');
    await expectNoAxeViolations(bo);
  });

  it('lets the steward answer from her queue, and shows the timeline in order', async () => {
    await ada.goto(`${base}/desk?view=queue`);
    await heading(ada, 'Help desk');
    await ada.getByRole('link', { name: 'Spam filter eats my invoices' }).click();
    await heading(ada, /Spam filter eats my invoices/);
    await ada.getByRole('region', { name: 'Handle the ticket' }).waitFor();
    await ada
      .getByLabel('Comment', { exact: true })
      .fill('I whitelisted your provider; try again.');
    await ada.getByRole('button', { name: 'Comment', exact: true }).click();
    await ada.getByText('I whitelisted your provider; try again.').waitFor();
    const manage = ada.getByRole('region', { name: 'Handle the ticket' });
    await manage.getByLabel('Status').selectOption('waiting');
    await manage.getByLabel('Labels').fill('spam, invoices');
    await manage.getByRole('button', { name: 'Save the changes' }).click();
    const timeline = ada.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('ada changed the status: Open → Waiting').waitFor();
    const items = await timeline.locator('.timeline > li').allTextContents();
    expect(items[0]).toContain('bo opened the ticket');
    expect(items[1]).toContain('ada wrote');
    expect(items[2]).toContain('ada changed the status: New → Open');
    expect(items.some((i) => i.includes('ada changed the labels: none → spam, invoices'))).toBe(
      true,
    );
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'ticket-steward');

    // The requester sees the answer; a visitor too, for the ticket is public.
    await bo.goto(ticketUrl);
    await bo.getByText('I whitelisted your provider; try again.').waitFor();
    await bo.getByRole('button', { name: 'Stop watching' }).click();
    await bo.getByRole('button', { name: 'Watch this ticket' }).waitFor();
    const visitor = await openPage();
    await visitor.goto(ticketUrl);
    await visitor.getByText('I whitelisted your provider; try again.').waitFor();
    await visitor.getByRole('link', { name: 'Sign in to comment.' }).waitFor();
    expect(await visitor.getByRole('region', { name: 'Handle the ticket' }).count()).toBe(0);
    await expectNoAxeViolations(visitor);
  });

  it('shows a private ticket to the public only as existing', async () => {
    await bo.goto(`${base}/desk/new`);
    await bo.getByLabel('Title', { exact: true }).fill('My mailbox password leaked');
    await bo.getByLabel('Service').selectOption('mail');
    await bo.getByLabel('Description').fill('My address is bo@private.test.');
    await bo.getByLabel(/Private: it contains personal data/).check();
    await bo.getByRole('button', { name: 'Open the ticket' }).click();
    await heading(bo, /My mailbox password leaked/);
    const url = bo.url();
    const id = url.split('/').pop();

    const visitor = await openPage();
    await visitor.goto(url);
    await heading(visitor, `#${id} Private ticket #${id}`);
    await visitor.getByText(/This ticket is private/).waitFor();
    const main = (await visitor.locator('main').textContent()) ?? '';
    expect(main).not.toContain('leaked');
    expect(main).not.toContain('bo@private.test');
    await expectNoAxeViolations(visitor);
    await visitor.goto(`${base}/desk`);
    await visitor.getByRole('link', { name: `Private ticket #${id}` }).waitFor();
    expect(await visitor.locator('main').textContent()).not.toContain('leaked');

    // The steward of mail sees it.
    await ada.goto(url);
    await heading(ada, /My mailbox password leaked/);
  });

  it('lets a member choose which mail the desk sends', async () => {
    await bo.goto(`${base}/account`);
    const section = bo.getByRole('region', { name: 'Mail from the help desk' });
    const own = section.getByLabel('A copy of what I write myself');
    await own.waitFor();
    expect(await own.isChecked()).toBe(false);
    await own.check();
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved.').waitFor();
    await expectNoAxeViolations(bo);
    await bo.reload();
    expect(await bo.getByLabel('A copy of what I write myself').isChecked()).toBe(true);
  });

  it('shows a service’s desk on its page', async () => {
    const visitor = await openPage();
    await visitor.goto(`${base}/services/mail`);
    const desk = visitor.getByRole('region', { name: 'Help desk' });
    await desk.getByText('Open tickets').waitFor();
    // The visitor's, bo's public one, and bo's private one.
    expect(await desk.locator('dd').first().textContent()).toBe('3');
    await desk.getByText(/minute/).waitFor();
    await desk.getByRole('link', { name: 'Tickets about mail' }).click();
    await heading(visitor, 'Help desk');
    expect(visitor.url()).toContain('service=mail');
    await visitor.getByRole('link', { name: 'Spam filter eats my invoices' }).waitFor();
    await expectNoAxeViolations(visitor);
  });
});

describe('the wiki', () => {
  it('writes a new page, with the preview before saving', async () => {
    await ada.goto(`${base}/wiki`);
    await heading(ada, 'Wiki');
    await ada.locator('main').getByRole('link', { name: 'Services' }).waitFor();
    await expectNoAxeViolations(ada);
    await ada.getByLabel('Path of the new page').fill('guides/backup');
    await ada.getByRole('button', { name: 'Write the page' }).click();
    await heading(ada, 'New page guides/backup');
    await ada
      .getByLabel('Text', { exact: true })
      .fill(
        '# Backups\n\nWe back up every night.\n\n| what | when |\n| --- | --- |\n| mail | 02:00 |\n\n- mail\n- wiki\n\nSee [[services/mail]].\n',
      );
    await ada.getByRole('button', { name: 'Preview' }).click();
    // Rendered by the server as the saved page will be: a heading and a table, not the text.
    const preview = ada.getByRole('region', { name: 'Preview' });
    await preview.getByRole('heading', { name: 'Backups' }).waitFor();
    const table = preview.getByRole('table');
    await table.getByRole('columnheader', { name: 'when' }).waitFor();
    await table.getByRole('cell', { name: '02:00' }).waitFor();
    await preview.locator('a.wiki-link', { hasText: 'services/mail' }).waitFor();
    expect(await preview.getByText('| mail |').count()).toBe(0);
    await expectNoAxeViolations(ada);
    await ada.getByRole('button', { name: 'Write' }).click();
    await ada.getByLabel('What did you change? (optional)').fill('First version');
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(ada, 'Backups');
    await ada.locator('.wiki-content li', { hasText: 'wiki' }).waitFor();
    await ada.locator('.wiki-content a.wiki-link', { hasText: 'services/mail' }).waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'wiki-page');
  });

  it('attaches a file to a page', async () => {
    await ada.goto(`${base}/wiki/guides/backup`);
    const files = ada.getByRole('region', { name: 'Attachments' });
    await files.getByText('No attachments.').waitFor();
    await files.getByLabel('File').setInputFiles({
      name: 'Backup plan (2026).txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Every night at 3.\n'),
    });
    expect(await files.getByLabel('Name on the page').inputValue()).toBe('Backup-plan-2026-.txt');
    await files.getByLabel('Name on the page').fill('backup-plan.txt');
    await files.getByRole('button', { name: 'Attach' }).click();
    const link = files.getByRole('link', { name: 'backup-plan.txt' });
    await link.waitFor();
    const response = await fetch(base + ((await link.getAttribute('href')) ?? ''));
    expect(await response.text()).toBe('Every night at 3.\n');
    await expectNoAxeViolations(ada);
  });

  it('keeps the history and shows the difference between two revisions', async () => {
    await ada.goto(`${base}/wiki/guides/backup`);
    await ada.getByRole('link', { name: 'Edit' }).click();
    await heading(ada, 'Edit guides/backup');
    const text = ada.getByLabel('Text', { exact: true });
    await text.fill(
      '# Backups\n\nWe back up every night at 3.\n\n- mail\n- wiki\n\nSee [[services/mail]].\n',
    );
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(ada, 'Backups');
    await ada.getByText('Revision 2').waitFor();

    await ada.getByRole('link', { name: 'History' }).click();
    await heading(ada, 'History: guides/backup');
    await ada.getByRole('link', { name: 'Revision 1' }).waitFor();
    await expectNoAxeViolations(ada);
    await ada.getByRole('button', { name: 'Compare' }).click();
    await heading(ada, 'Changes: guides/backup');
    const inserted = ada.locator('.diff-insert', { hasText: 'We back up every night at 3.' });
    const deleted = ada.locator('.diff-delete', { hasText: 'We back up every night.' });
    await inserted.waitFor();
    await deleted.waitFor();
    expect(await inserted.locator('.diff-marker').textContent()).toBe('+');
    expect(await deleted.locator('.diff-marker').textContent()).toBe('-');
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'wiki-diff');
  });

  it('shows a conflict when two members save at once, and never overwrites', async () => {
    await ada.goto(`${base}/wiki/guides/backup/-/edit`);
    await ada.getByLabel('Text', { exact: true }).waitFor();
    await bo.goto(`${base}/wiki/guides/backup/-/edit`);
    const boText = bo.getByLabel('Text', { exact: true });
    await boText.fill('# Backups\n\nBo: we back up every night at 3, to two places.\n');
    await bo.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(bo, 'Backups');

    await ada
      .getByLabel('Text', { exact: true })
      .fill('# Backups\n\nAda: restores are tested monthly.\n');
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = ada.getByRole('alert').filter({ hasText: 'Someone saved this page' });
    await conflict.waitFor();
    await conflict.getByText(/Bo: we back up every night at 3, to two places\./).waitFor();
    await conflict.getByText(/Ada: restores are tested monthly\./).waitFor();
    await expectNoAxeViolations(ada);
    await screenshot(ada, 'wiki-conflict');
    // Nothing was overwritten: the page is Bo's.
    const visitor = await openPage();
    await visitor.goto(`${base}/wiki/guides/backup`);
    await visitor.getByText('Bo: we back up every night at 3, to two places.').waitFor();

    await ada
      .getByLabel('Merged text')
      .fill(
        '# Backups\n\nBo: we back up every night at 3, to two places.\n\nAda: restores are tested monthly.\n',
      );
    await ada.getByRole('button', { name: 'Save the merged text' }).click();
    await heading(ada, 'Backups');
    await ada.getByText('Ada: restores are tested monthly.').waitFor();
    await ada.getByText('Bo: we back up every night at 3, to two places.').waitFor();
    await ada.getByText('Revision 4').waitFor();
  });

  it('restores an old revision as a new one', async () => {
    await ada.goto(`${base}/wiki/guides/backup/-/revisions/1`);
    await heading(ada, 'Backups (revision 1)');
    await ada.getByText('You are reading an old revision of this page.').waitFor();
    await expectNoAxeViolations(ada);
    await ada.getByRole('button', { name: 'Restore this revision' }).click();
    await heading(ada, 'Backups');
    await ada.getByText('Revision 5').waitFor();
    await ada.getByText('We back up every night.').waitFor();
  });

  it('shows script in Markdown as text, never running it', async () => {
    await ada.goto(`${base}/wiki/tests/xss/-/edit`);
    await ada
      .getByLabel('Text', { exact: true })
      .fill(
        '# XSS\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n',
      );
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(ada, 'XSS');
    await ada.getByText('<script>alert(1)</script>').waitFor();
    expect(await ada.locator('.wiki-content script, .wiki-content img').count()).toBe(0);
    const href = await ada.locator('.wiki-content a', { hasText: 'click' }).getAttribute('href');
    expect(href ?? '').not.toContain('javascript');
  });

  it('speaks German on a phone', async () => {
    const phone = await openPage({
      locale: 'de-DE',
      viewport: { width: 375, height: 740 },
      isMobile: true,
    });
    const pages: [string, string | RegExp][] = [
      ['/desk', 'Helpdesk'],
      [new URL(ticketUrl).pathname, /Spam filter eats my invoices/],
      ['/wiki', 'Wiki'],
      ['/wiki/guides/backup', 'Backups'],
      ['/wiki/guides/backup/-/history', 'Versionen: guides/backup'],
      ['/wiki/guides/backup/-/diff/1..2', 'Änderungen: guides/backup'],
    ];
    for (const [path, name] of pages) {
      await phone.goto(base + path);
      await heading(phone, name);
      // Until nothing loads any more: a page may show several panels loading at once.
      await phone.locator('.loading').first().waitFor({ state: 'detached' });
      expect(await hasHorizontalOverflow(phone), path).toBe(false);
      await screenshot(phone, `phone${path.replaceAll('/', '-')}`);
    }
    await phone.goto(`${base}/desk`);
    await phone.getByRole('button', { name: 'Meine Anliegen' }).waitFor();
    const status = phone.getByRole('combobox', { name: 'Status' });
    expect(await status.locator('option:checked').textContent()).toBe(
      'Noch nicht erledigt (neu, offen, wartend)',
    );
    await expectNoAxeViolations(phone);
  });
});

describe('search', () => {
  it('finds a ticket and a wiki page with one search, showing where the words are', async () => {
    await ada.goto(`${base}/wiki`);
    await ada.getByLabel('Path of the new page').fill('guides/calendar');
    await ada.getByRole('button', { name: 'Write the page' }).click();
    await ada
      .getByLabel('Text', { exact: true })
      .fill(`# Calendar\n\nThe error ${RARE_WORD} means the account must be added again.\n`);
    await ada.getByRole('button', { name: 'Save', exact: true }).click();
    await heading(ada, 'Calendar');

    const visitor = await openPage();
    await visitor.goto(base);
    await visitor
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Search' })
      .click();
    await heading(visitor, 'Search');
    await visitor.getByLabel('Search for').fill(RARE_WORD);
    await visitor.getByRole('button', { name: 'Search', exact: true }).click();
    const results = visitor.locator('.search-results > li');
    await results.nth(1).waitFor();
    const texts = await results.allTextContents();
    expect(texts.some((t) => t.includes('Calendar sync stops'))).toBe(true);
    expect(texts.some((t) => t.includes('guides/calendar'))).toBe(true);
    expect(await visitor.locator('.search-results mark', { hasText: RARE_WORD }).count()).toBe(2);
    await expectNoAxeViolations(visitor);
    await visitor.getByRole('link', { name: 'Calendar sync stops' }).click();
    await heading(visitor, /Calendar sync stops/);
  });
});
