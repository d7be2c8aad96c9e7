import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import {
  addVirtualAuthenticator,
  buildWebApp,
  expectNoAxeViolations,
  freePort,
} from './support/browser.ts';

// `npm start` on a fresh machine founds a cooperative without members and prints a founding
// link. Whoever opens it first joins with a passkey, without vouches: nobody could give one.

let server: RunningServer;
let browser: Browser;
let dataDir: string;
let webRoot: string;

beforeAll(async () => {
  webRoot = await buildWebApp();
  dataDir = await mkdtemp(join(tmpdir(), 'allmende-founding-'));
  const port = await freePort();
  server = await startServer({
    dataDir,
    webRoot,
    listen: `127.0.0.1:${port}`,
    url: `http://localhost:${port}`,
    name: 'Neue Genossenschaft',
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of [dataDir, webRoot]) if (dir) await rm(dir, { recursive: true, force: true });
});

it('lets the first member join by the founding link and sign in with the passkey', async () => {
  const link = server.coop.foundingInvitationUrl;
  expect(link).toBeDefined();
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await addVirtualAuthenticator(page);
  await page.goto(link!);
  await page.getByText('You are invited to join Neue Genossenschaft.').waitFor();
  await page.getByLabel('Handle').fill('Ada');
  expect(await page.locator('.handle-preview').textContent()).toBe('ada');
  await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
  await page.getByLabel('E-mail').fill('ada@coop.test');
  await page.getByRole('button', { name: 'Create my passkey' }).click();
  await page.getByRole('button', { name: 'Sign my application with my passkey' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Done: written to the log as entry 1.' })
    .waitFor();
  await expectNoAxeViolations(page);

  expect(server.coop.foundingInvitationUrl).toBeUndefined();
  expect(server.coop.state.members.ada?.keys[0]?.key.kind).toBe('passkey');

  await page.goto(`${new URL(link!).origin}/login`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page
    .locator('.member-menu')
    .getByRole('link', { name: /Ada Lovelace/ })
    .waitFor();
});
