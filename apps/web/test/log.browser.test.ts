import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendReply, ConsistencyProof, LogInfo } from '@allmende/protocol';
import {
  decodeBase64,
  formatCheckpoint,
  generateNoteKeys,
  parseSignerKey,
  signNote,
  type NoteSigner,
} from '@allmende/tlog';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import {
  buildWebApp,
  expectNoAxeViolations,
  hasHorizontalOverflow,
  screenshot,
} from './support/browser.ts';

// The public log as a visitor sees it: the real server, the built app, and headless Chromium
// checking proofs with the same code the app ships.

const ORIGIN = 'coop.test/log';
const TRUST_STORAGE_KEY = 'allmende.log-trust';

const NOTICES = {
  umlauts: 'Wartung am Mittwoch: Der Mailserver wird über Nacht neu gestartet. Grüße, Jörg',
  script: '<script>window.__pwned = true</script> is only text here',
  plain: 'The quarterly costs are published in the wiki.',
} as const;

let server: RunningServer;
let browser: Browser;
let dataDir: string;
let webRoot: string;
const index: Record<keyof typeof NOTICES, number> = { umlauts: -1, script: -1, plain: -1 };
/** Entries in the log so far: the genesis statement and every notice appended. */
let logSize = 1;

async function appendNotice(text: string): Promise<number> {
  const response = await fetch(`${server.url}/api/log/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
  const reply = AppendReply.parse(await response.json());
  logSize = Math.max(logSize, reply.index + 1);
  return reply.index;
}

async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  return page;
}

/** Waits until the log page shows a verified checkpoint covering every appended notice. */
async function openLog(page: Page, path = '/log'): Promise<void> {
  await page.goto(server.url + path);
  await page.getByText(`${logSize} entries`, { exact: true }).waitFor();
  await page.getByText(/Verified in your browser with the log key/).waitFor();
}

/**
 * Opens an entry page the way a visitor mostly reaches it: from the log, by an in-app link.
 * (Loading the address directly is its own test below.)
 */
async function openEntry(page: Page, entry: number): Promise<void> {
  await page.goto(`${server.url}/log`);
  await page.evaluate((path) => {
    window.history.pushState(null, '', path);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, `/log/entries/${entry}`);
  await page.getByRole('heading', { level: 1, name: `Entry ${entry}` }).waitFor();
}

async function getJson<T>(path: string, schema: { parse: (body: unknown) => T }): Promise<T> {
  const response = await fetch(server.url + path);
  expect(response.status).toBe(200);
  return schema.parse(await response.json());
}

/** Waits until the server has signed a checkpoint of the given size (DESIGN.md: within a second). */
async function waitForCheckpoint(size: number): Promise<void> {
  for (let attempt = 0; (await getJson('/api/log/info', LogInfo)).size < size; attempt++) {
    expect(attempt).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The log's own signer, read from the data folder as an attacker holding the key would. */
async function logSigner(): Promise<NoteSigner> {
  return parseSignerKey((await readFile(join(dataDir, 'log-key'), 'utf8')).trim());
}

/**
 * Makes the page's server present a checkpoint of its choosing, validly signed: by the log's
 * own key (a log rewriting its history) or by another one (a swapped key).
 */
async function presentCheckpoint(
  page: Page,
  checkpoint: { size: number; rootHash: string },
  signer: NoteSigner,
  verifierKey: string,
): Promise<void> {
  const text = formatCheckpoint({
    origin: ORIGIN,
    size: checkpoint.size,
    rootHash: decodeBase64(checkpoint.rootHash),
  });
  const info: LogInfo = {
    origin: ORIGIN,
    verifierKey,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash,
    checkpoint: await signNote(text, signer),
  };
  await page.route('**/api/log/info', (route) => route.fulfill({ json: info }));
}

/** What the page's browser remembers of the log. */
async function storedTrust(page: Page): Promise<{
  logs: Record<string, { verifierKey: string; checkpoint?: { size: number; rootHash: string } }>;
}> {
  const text = await page.evaluate((key) => localStorage.getItem(key), TRUST_STORAGE_KEY);
  return JSON.parse(text ?? 'null') as Awaited<ReturnType<typeof storedTrust>>;
}

beforeAll(async () => {
  webRoot = await buildWebApp();
  dataDir = await mkdtemp(join(tmpdir(), 'allmende-web-'));
  server = await startServer({ dataDir, webRoot, listen: '127.0.0.1:0', origin: ORIGIN });
  index.umlauts = await appendNotice(NOTICES.umlauts);
  index.script = await appendNotice(NOTICES.script);
  index.plain = await appendNotice(NOTICES.plain);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

describe('the public log in the browser', () => {
  it('shows the signed checkpoint and the notices, newest first, as text', async () => {
    const page = await openPage();
    await openLog(page);

    expect(await page.title()).toBe('Public log · Allmende');
    await page.locator('pre').filter({ hasText: 'coop.test/log' }).waitFor();
    const links = page.locator('.entries a');
    const names = await links.allTextContents();
    expect(names[0]).toContain(NOTICES.plain);
    expect(names[1]).toContain(NOTICES.script);
    expect(names[2]).toContain(NOTICES.umlauts);
    expect(names.at(-1)).toContain('was founded');
    // The notice's markup is shown, not run.
    expect(await page.locator('main script').count()).toBe(0);
    expect(
      await page.evaluate(() => 'pwned' in window && (window as { __pwned?: boolean }).__pwned),
    ).toBe(false);
    await page.getByRole('img', { name: 'Growth of the log' }).waitFor();
    await screenshot(page, 'log-desktop');
  });

  it('follows new entries as they are appended', async () => {
    const page = await openPage();
    await openLog(page);
    const text = 'A notice that arrives while the page is open.';
    await appendNotice(text);
    await page.getByRole('link', { name: text }).waitFor();
  });

  it('decodes a notice and verifies its inclusion proof in the browser', async () => {
    const page = await openPage();
    await openLog(page);
    await page.getByRole('link', { name: NOTICES.umlauts }).click();
    await page.waitForURL(`${server.url}/log/entries/${index.umlauts}`);

    const status = page.getByRole('status').filter({ hasText: 'Verified' });
    await status.waitFor();
    expect(await status.textContent()).toContain(`Entry ${index.umlauts} is included`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      `Entry ${index.umlauts}`,
    );
    await page.locator('dd', { hasText: NOTICES.umlauts }).waitFor();
    const json = await page.locator('pre.json').textContent();
    expect(JSON.parse(json ?? '')).toMatchObject({
      type: 'notice',
      body: { text: NOTICES.umlauts },
    });
    expect(await page.locator('.steps .step-done').count()).toBe(7);
    expect(await page.locator('.hashes li').count()).toBeGreaterThan(0);
    await screenshot(page, 'entry-desktop');
  });

  it('opens the log and an entry page from their addresses, as a shared link would', async () => {
    const page = await openPage();
    await openLog(page);
    await page.goto(`${server.url}/log/entries/${index.script}`);
    await page.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    await page.locator('dd', { hasText: NOTICES.script }).waitFor();
  });

  it('shows a failure, not "verified", when a proof hash is tampered with', async () => {
    const page = await openPage();
    await page.route('**/api/log/proof/inclusion?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { proof: string[] };
      const first = Buffer.from(body.proof[0] ?? '', 'base64');
      first[0] = (first[0] ?? 0) ^ 0x01;
      body.proof[0] = first.toString('base64');
      await route.fulfill({ response, json: body });
    });
    await openEntry(page, index.umlauts);
    const status = page.getByRole('status').filter({ hasText: 'Verification failed' });
    await status.waitFor();
    expect(await status.textContent()).toContain('inclusion proof does not hold');
    expect(await page.getByText('Verified', { exact: true }).count()).toBe(0);
    expect(await page.locator('.steps .step-failed').textContent()).toContain(
      'Check the proof against',
    );
    await screenshot(page, 'entry-tampered');
  });

  it('shows a checkpoint whose signature does not verify as not verified', async () => {
    const page = await openPage();
    await page.route('**/api/log/info', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { checkpoint: string };
      // Sign for a different tree: change the size line of the note, keep the signature.
      body.checkpoint = body.checkpoint.replace(
        /\n(\d+)\n/,
        (_, n: string) => `\n${Number(n) + 1}\n`,
      );
      await route.fulfill({ response, json: body });
    });
    await page.goto(`${server.url}/log`);
    await page.getByText(/Not verified\. The checkpoint’s signature is not valid/).waitFor();
    expect(await page.getByText(/Verified in your browser/).count()).toBe(0);
  });

  it('speaks German to a German browser and switches to English', async () => {
    const page = await openPage({ locale: 'de-DE' });
    await page.goto(`${server.url}/log`);
    await page.getByRole('heading', { level: 1, name: 'Öffentliches Protokoll' }).waitFor();
    await page.getByText(/In Ihrem Browser mit dem Protokollschlüssel/).waitFor();
    await page.getByRole('heading', { name: 'Neueste Einträge' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await screenshot(page, 'log-german');

    await page
      .getByRole('group', { name: 'Sprache' })
      .getByRole('button', { name: 'English' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Public log' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Public log' }).waitFor();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await openPage({ viewport: { width: 375, height: 740 }, isMobile: true });
    await openLog(page);
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await screenshot(page, 'log-phone');

    await openEntry(page, 0);
    await page.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    expect(await hasHorizontalOverflow(page)).toBe(false);
    await screenshot(page, 'entry-phone');
  });

  it('passes axe-core on the log and entry pages', async () => {
    const page = await openPage();
    await openLog(page);
    await expectNoAxeViolations(page);

    await openEntry(page, index.umlauts);
    await page.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('can be used with the keyboard alone', async () => {
    const page = await openPage();
    await openLog(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    // Tab on from the content to the newest entry and open it with Enter.
    const newest = page.locator('.entries a').first();
    for (
      let i = 0;
      i < 10 && !(await newest.evaluate((el) => el === document.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/log\/entries\/\d+$/);
    await page.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('pages back in time with "Show older entries"', async () => {
    for (let i = 0; i < 20; i++) await appendNotice(`Notice number ${i + 1} of a busy day.`);
    const page = await openPage();
    await openLog(page);
    // The entries load beside the checkpoint: wait for the first page of them.
    await page.locator('.entries li').nth(19).waitFor();
    expect(await page.locator('.entries li').count()).toBe(20);
    await page.getByRole('button', { name: 'Show older entries' }).click();
    await page.getByText('You have reached the beginning of the log.').waitFor();
    expect(await page.locator('.entries li').count()).toBe(logSize);
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toContain(`Entry ${logSize - 21}:`);
    expect(await page.getByRole('link', { name: 'Allmende was founded.' }).count()).toBe(1);
  });

  it('runs under a strict content security policy without violating it', async () => {
    const page = await openPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(`${server.url}/log`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByText(/Verified in your browser with the log key/).waitFor();
    await openEntry(page, index.plain);
    await page.getByRole('status').filter({ hasText: 'Verified' }).waitFor();
    expect(violations).toEqual([]);
  });

  it('shows a not-found page for unknown addresses', async () => {
    const page = await openPage();
    await page.goto(`${server.url}/no/such/page`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Go to the public log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Public log' }).waitFor();
  });

  it('shows why an entry beyond the log cannot be verified', async () => {
    const page = await openPage();
    await openEntry(page, 999999);
    await page.getByRole('status').filter({ hasText: 'Verification failed' }).waitFor();
  });
});

describe('what the browser remembers of the log', () => {
  it('pins the log key on the first visit and checks later checkpoints against it', async () => {
    const page = await openPage();
    await openLog(page);
    await page.getByText(/^Key pinned in this browser since /).waitFor();
    await page.getByText('The first checkpoint of this log that this browser has seen.').waitFor();
    const info = await getJson('/api/log/info', LogInfo);
    expect((await storedTrust(page)).logs[ORIGIN]).toMatchObject({
      verifierKey: info.verifierKey,
      checkpoint: { size: logSize, rootHash: info.rootHash },
    });

    // Closed meanwhile, so that the page sees no checkpoint between the two.
    const seen = logSize;
    const context = page.context();
    await page.close();
    await appendNotice('A notice this browser has not seen yet.');
    await appendNotice('And another one.');
    await waitForCheckpoint(logSize);
    const again = await context.newPage();
    await again.goto(`${server.url}/log`);
    await again.getByText(`${logSize} entries`, { exact: true }).waitFor();
    await again
      .getByText(new RegExp(`Consistent with the checkpoint of size ${seen} this browser saw on `))
      .waitFor();
    await again.getByText(/Verified in your browser with the log key/).waitFor();
    expect((await storedTrust(again)).logs[ORIGIN]?.checkpoint?.size).toBe(logSize);
  });

  it('warns when the server presents another key, and pins it only when asked', async () => {
    const page = await openPage();
    await openLog(page);
    const info = await getJson('/api/log/info', LogInfo);
    const swapped = await generateNoteKeys(ORIGIN);
    await presentCheckpoint(
      page,
      info,
      await parseSignerKey(swapped.signerKey),
      swapped.verifierKey,
    );
    await page.reload();

    const alert = page.getByRole('alert').filter({ hasText: 'The log’s key has changed' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Since .+ this browser has known this log by a different key/,
    );
    await page.getByText(/Not verified\. The log’s key has changed/).waitFor();
    expect(await page.getByText(/Verified in your browser/).count()).toBe(0);
    await page.getByText(info.verifierKey, { exact: true }).waitFor();
    await page.getByText(swapped.verifierKey, { exact: true }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'log-key-changed');

    await alert.getByRole('button', { name: 'Trust the new key' }).click();
    await page.getByText(/Verified in your browser with the log key/).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('checkpoint-heading');
    await page.getByText(/^Key pinned in this browser since /).waitFor();
    expect((await storedTrust(page)).logs[ORIGIN]?.verifierKey).toBe(swapped.verifierKey);

    // The real key is now the stranger.
    await page.unrouteAll();
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'The log’s key has changed' }).waitFor();
  });

  it('fails the signature step of an entry page when the key changed', async () => {
    const page = await openPage({ locale: 'de-DE' });
    await page.goto(`${server.url}/log`);
    await page.getByText(/In Ihrem Browser mit dem Protokollschlüssel/).waitFor();
    const info = await getJson('/api/log/info', LogInfo);
    const swapped = await generateNoteKeys(ORIGIN);
    await presentCheckpoint(
      page,
      info,
      await parseSignerKey(swapped.signerKey),
      swapped.verifierKey,
    );

    await page.goto(`${server.url}/log/entries/${index.plain}`);
    const status = page.getByRole('status').filter({ hasText: 'Prüfung fehlgeschlagen' });
    await status.waitFor();
    expect(await status.textContent()).toContain('Der Schlüssel des Protokolls hat sich geändert');
    expect(await page.locator('.steps .step-failed').textContent()).toContain(
      'Signatur des Prüfpunkts prüfen',
    );

    await page.goto(`${server.url}/log`);
    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'Der Schlüssel des Protokolls hat sich geändert' });
    await alert.getByRole('button', { name: 'Dem neuen Schlüssel vertrauen' }).waitFor();
    await expectNoAxeViolations(page);
  });

  it('alerts when the log presents a larger checkpoint that does not extend the one seen', async () => {
    const page = await openPage();
    await openLog(page);
    const info = await getJson('/api/log/info', LogInfo);
    const seen = info.size;
    const proof = await getJson(
      `/api/log/proof/consistency?from=${seen - 2}&to=${seen}`,
      ConsistencyProof,
    );
    // Signed by the log's own key: three entries more, on top of a history that is not the one seen.
    const forked = { size: seen + 3, rootHash: Buffer.alloc(32, 0xab).toString('base64') };
    await presentCheckpoint(page, forked, await logSigner(), info.verifierKey);
    await page.route('**/api/log/proof/consistency?*', async (route) => {
      const from = Number(new URL(route.request().url()).searchParams.get('from'));
      // The server's answer claims the signed roots; its proof cannot join them.
      await route.fulfill({
        json: {
          ...proof,
          from,
          to: forked.size,
          fromRootHash: info.rootHash,
          toRootHash: forked.rootHash,
        },
      });
    });
    await page.reload();

    const alert = page.getByRole('alert').filter({ hasText: 'The log has rewritten its history' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      `The checkpoint of size ${forked.size} does not extend the checkpoint of size ${seen} this browser saw on`,
    );
    expect(await page.getByText(/Verified in your browser/).count()).toBe(0);
    await alert.locator('summary', { hasText: 'The two signed checkpoints' }).click();
    const notes = await alert.locator('pre').allTextContents();
    expect(notes).toEqual([
      info.checkpoint,
      expect.stringContaining(`${ORIGIN}\n${forked.size}\n`),
    ]);
    await expectNoAxeViolations(page);
    await screenshot(page, 'log-forked');

    // The checkpoint seen before stays, so the fork is found again.
    expect((await storedTrust(page)).logs[ORIGIN]?.checkpoint).toMatchObject({
      size: seen,
      rootHash: info.rootHash,
    });
    await page.reload();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The log has rewritten its history' })
      .waitFor();

    // The real log still extends what this browser saw.
    await page.unrouteAll();
    await page.reload();
    await page
      .getByText(new RegExp(`Consistent with the checkpoint of size ${seen} this browser saw on `))
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('alerts when the log shrinks', async () => {
    const page = await openPage({ locale: 'de-DE' });
    await page.goto(`${server.url}/log`);
    await page.getByText(/In Ihrem Browser mit dem Protokollschlüssel/).waitFor();
    const info = await getJson('/api/log/info', LogInfo);
    const earlier = await getJson(
      `/api/log/proof/consistency?from=${info.size - 1}&to=${info.size}`,
      ConsistencyProof,
    );
    // A true earlier state of the log, signed again: as if the latest entry had never been.
    await presentCheckpoint(
      page,
      { size: earlier.from, rootHash: earlier.fromRootHash },
      await logSigner(),
      info.verifierKey,
    );
    await page.reload();

    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'Das Protokoll hat seine Geschichte umgeschrieben' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      `Der Prüfpunkt der Größe ${earlier.from} ist kleiner als der Prüfpunkt der Größe ${info.size}`,
    );
    await page.getByText(/Nicht bestätigt\./).waitFor();
    await expectNoAxeViolations(page);
    expect((await storedTrust(page)).logs[ORIGIN]?.checkpoint?.size).toBe(info.size);
  });
});
