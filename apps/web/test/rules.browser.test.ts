import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogInfo } from '@allmende/protocol';
import { decodeEntryBundle, encodeEntryBundle } from '@allmende/tlog';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { eventually } from '../../server/test/harness.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import {
  draft,
  founderOf,
  signedBy,
  stewardedService,
  testMember,
} from '../../../test/support/members.ts';
import {
  buildWebApp,
  expectNoAxeViolations,
  hasHorizontalOverflow,
  screenshot,
} from './support/browser.ts';

// "Rules kept" on the log page: the browser replays the whole log from the genesis in a Web
// Worker, with the rules a server applies, and names any entry that breaks them. The violating
// entry is written the way a compromised server would: with the log key, past the rules.

const ORIGIN = 'coop.test/log';
const ada = testMember('ada');
const bo = testMember('bo');

let server: RunningServer;
let browser: Browser;
const folders: string[] = [];

async function openLog(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`${server.url}/log`);
  return page;
}

/** Waits until the server signed a checkpoint of the whole log (DESIGN.md: within a second). */
async function checkpointCoversLog(): Promise<number> {
  return eventually(async () => {
    const info = LogInfo.parse(await (await fetch(`${server.url}/api/log/info`)).json());
    return info.size === server.log.size ? info.size : undefined;
  }, 'a checkpoint of the whole log');
}

beforeAll(async () => {
  const webRoot = await buildWebApp();
  folders.push(webRoot);
  const dataDir = await mkdtemp(join(tmpdir(), 'allmende-web-'));
  folders.push(dataDir);
  server = await startServer({
    dataDir,
    listen: '127.0.0.1:0',
    origin: ORIGIN,
    webRoot,
    founders: [founderOf(ada), founderOf(bo)],
  });
  // A cooperative with activity: a service with its steward and deputy, signed by them, and
  // enough notices that the log spans more than one entry bundle (256 entries).
  for (const statement of await stewardedService(ORIGIN, {
    slug: 'mail',
    steward: ada,
    deputy: bo,
  })) {
    await server.coop.submit(statement);
  }
  for (let i = 0; i < 260; i++) {
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: `notice ${i}` } });
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the log page’s rules check', () => {
  it('replays the log in the browser and says the rules were kept', async () => {
    const size = await checkpointCoversLog();
    expect(size).toBeGreaterThan(256);
    const page = await openLog();
    const card = page.getByRole('region', { name: 'Rules' });
    await card
      .getByText(`Rules kept: ${size.toLocaleString('en-GB')} statements checked`)
      .waitFor();
    expect(await card.getByRole('list', { name: 'Violations of the rules' }).count()).toBe(0);
    await expectNoAxeViolations(page);
    await screenshot(page, 'log-rules-kept');
    // A new checkpoint is checked as it comes, from where the replay stopped.
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'one more' } });
    const grown = await checkpointCoversLog();
    expect(grown).toBe(size + 1);
    await card
      .getByText(`Rules kept: ${grown.toLocaleString('en-GB')} statements checked`)
      .waitFor();
    await page.context().close();
  });

  it('shows its progress while it runs', async () => {
    const size = await checkpointCoversLog();
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    // The second bundle is held back until the page has shown how far the check got.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/log/tile/entries/001.p/*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}/log`);
    const card = page.getByRole('region', { name: 'Rules' });
    const bar = card.getByRole('progressbar', {
      name: `Checking the rules in your browser: 256 of ${size} statements`,
    });
    await bar.waitFor();
    expect(await bar.getAttribute('value')).toBe('256');
    expect(await bar.getAttribute('max')).toBe(String(size));
    await expectNoAxeViolations(page);
    release();
    await card.getByText(`Rules kept: ${size} statements checked`).waitFor();
    expect(await card.getByRole('progressbar').count()).toBe(0);
    await context.close();
  });

  it('speaks German on a phone', async () => {
    const size = await checkpointCoversLog();
    const page = await openLog({
      locale: 'de-DE',
      viewport: { width: 375, height: 740 },
      isMobile: true,
    });
    const card = page.getByRole('region', { name: 'Regeln' });
    await card
      .getByText(`Regeln eingehalten: ${size.toLocaleString('de-DE')} Aussagen geprüft`)
      .waitFor();
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await expectNoAxeViolations(page);
    await screenshot(page, 'log-rules-phone-de');
    await page.context().close();
  });

  it('counts nothing when the server serves other entries than it signed', async () => {
    const size = await checkpointCoversLog();
    const page = await openLog();
    // The first bundle as served, with one notice changed: every hash is the server's to
    // choose, but the Merkle root no longer is the checkpoint's.
    await page.route('**/log/tile/entries/000', async (route) => {
      const response = await route.fetch();
      const entries = decodeEntryBundle(new Uint8Array(await response.body()), 256);
      entries[10] = new TextEncoder().encode(
        new TextDecoder().decode(entries[10]).replace('notice', 'notise'),
      );
      await route.fulfill({ response, body: Buffer.from(encodeEntryBundle(entries)) });
    });
    await page.reload();
    const card = page.getByRole('region', { name: 'Rules' });
    await card
      .getByText(
        `The rules could not be checked: the entries served are not the ${size} entries the checkpoint signs.`,
        { exact: false },
      )
      .waitFor();
    expect(await card.getByText(/^Rules kept/).count()).toBe(0);
    await page.context().close();
  });

  it('names the entry a compromised server appended against the rules', async () => {
    // Ada leaves, says the server, with a signature by someone who is no member: the log key
    // signs whatever is appended, so only a replay of the rules finds it.
    const eve = testMember('eve');
    const forged = await signedBy(draft('member.left', 'ada', { handle: 'ada' }), ORIGIN, eve);
    const { index } = await server.log.append(forged);
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: 'after the forgery' } });
    const size = await checkpointCoversLog();

    const page = await openLog();
    const card = page.getByRole('region', { name: 'Rules' });
    await card
      .getByText(`2 violations of the rules in ${size.toLocaleString('en-GB')} statements checked`)
      .waitFor();
    const violations = card.getByRole('list', { name: 'Violations of the rules' });
    const items = violations.getByRole('listitem');
    expect(await items.count()).toBe(2);
    for (const item of await items.all()) {
      await item.getByRole('link', { name: `Entry ${index}` }).waitFor();
      await item.getByText('Member left').waitFor();
    }
    await items.nth(0).getByText('signature.unknown-signer').waitFor();
    await items.nth(1).getByText('consent.actor').waitFor();
    expect(await card.getByText(/^Rules kept/).count()).toBe(0);
    // The list of entries marks it too, and only it.
    const marked = page.locator('.entries .entry', { hasText: 'Breaks a rule' });
    expect(await marked.count()).toBe(1);
    await marked.getByRole('link', { name: `Entry ${index}:` }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'log-rules-broken');

    // The link leads to the entry, by keyboard as well.
    await items
      .nth(1)
      .getByRole('link', { name: `Entry ${index}` })
      .focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: `Entry ${index}` }).waitFor();
    expect(page.url()).toBe(`${server.url}/log/entries/${index}`);
    await page.context().close();
  });
});
