import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Terminal } from '../../agent/test/support/e2e.ts';
import {
  openGuardedCooperative,
  type GuardedCooperative,
} from '../../agent/test/support/guarded-cooperative.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import { buildWebApp, expectNoAxeViolations, freePort, screenshot } from './support/browser.ts';

// Guarded sessions as members see them in the browser, against the real parts: bo works as
// root on h1 with a certificate of the server's CA, through sshd and the recorder; cem watches
// live in xterm.js and ends the session; ada, in the oversight group, opens the sealed
// transcript with her age identity in her browser.

const PASSWORD = 'correct horse battery staple';

let coop: GuardedCooperative;
let browser: Browser;
let webRoot: string;
let base: string;
let sessionUrl = '';

async function memberPage(handle: string): Promise<Page> {
  const token = await coop.tokenOf(handle);
  const set = await fetch(`${base}/api/auth/password`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(set.status).toBe(204);
  const context = await browser.newContext({ locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Handle', { exact: true }).fill(handle);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in with password' }).click();
  await page
    .locator('.member-menu')
    .getByRole('link', { name: new RegExp(handle) })
    .waitFor();
  return page;
}

beforeAll(async () => {
  webRoot = await buildWebApp();
  const port = await freePort();
  base = `http://localhost:${port}`;
  coop = await openGuardedCooperative('sqlite', {
    webRoot,
    listen: `127.0.0.1:${port}`,
    url: base,
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await coop?.close();
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

describe('guarded sessions in the browser', () => {
  it('lets a member watch a live session and end it', async () => {
    const { certificate } = await coop.issuedRequest();
    const terminal = new Terminal(coop.sshd, coop.pairOf('bo'), certificate);
    await terminal.waitFor(/[#$] $/m, 'a prompt');

    const cem = await memberPage('cem');
    await cem.goto(`${base}/sessions`);
    await cem.getByRole('heading', { level: 1, name: 'Sessions' }).waitFor();
    const live = cem.getByRole('region', { name: 'Live now' });
    await live.getByRole('link', { name: 'root@h1' }).click();
    await cem.getByRole('heading', { level: 1, name: 'Session as root on h1' }).waitFor();
    sessionUrl = cem.url();
    await cem.getByRole('button', { name: 'Watch', exact: true }).click();
    const screen = cem.getByRole('group', { name: 'The session’s terminal' });
    await screen.waitFor();
    terminal.type('echo live-$((2*21))\r');
    await expect.poll(async () => (await screen.textContent()) ?? '').toContain('live-42');
    await expectNoAxeViolations(cem);
    await screenshot(cem, 'session-live');

    cem.on('dialog', (dialog) => void dialog.accept());
    await cem.getByRole('button', { name: 'End the session' }).click();
    await terminal.exited;
    const ended = await coop.logOf('session.ended');
    expect(ended.at(-1)?.body).toMatchObject({ reason: 'ended-by-observer', by: 'cem' });
  });

  it('replays the sealed transcript with the oversight member’s age identity, in her browser', async () => {
    const ada = await memberPage('ada');
    await ada.goto(sessionUrl);
    const replay = ada.getByRole('region', { name: 'Replay the transcript' });
    await replay.getByLabel('Your age identity').setInputFiles({
      name: 'identity.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`${coop.identity}\n`),
    });
    await replay.getByRole('button', { name: 'Open and replay' }).click();
    await replay.getByRole('heading', { name: 'What was typed' }).waitFor();
    expect(await replay.locator('.session-typed').textContent()).toContain('echo live-$((2*21))');
    await expectNoAxeViolations(ada);

    // A wrong identity opens nothing, and says so.
    const other = await memberPage('bo');
    await other.goto(sessionUrl);
    const theirs = other.getByRole('region', { name: 'Replay the transcript' });
    await theirs.getByLabel('Your age identity').setInputFiles({
      name: 'identity.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n',
      ),
    });
    await theirs.getByRole('button', { name: 'Open and replay' }).click();
    await theirs.getByText(/The transcript could not be opened/).waitFor();
  });
});
