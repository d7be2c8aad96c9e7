import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { MemberKey } from '@allmende/protocol';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';

// What the web app's browser tests share: the app built once into a folder of their own, axe,
// screenshots on request, real SSH keys used through ssh-keygen, and Chromium's virtual
// authenticator for passkeys.

const WEB_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Set to a folder to keep screenshots of every page and size for a look at the design. */
const SCREENSHOTS = process.env.ALLMENDE_WEB_SCREENSHOTS;

/** Builds the app into a new temporary folder, as production would. */
export async function buildWebApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'allmende-web-dist-'));
  // Vitest sets NODE_ENV=test, with which Vite would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

/** A port nobody listens on now: the server's url must name its port before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  expect(
    violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    ),
  ).toEqual([]);
}

export async function hasHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * A platform authenticator for the page, through the DevTools protocol: it makes and uses
 * passkeys with user verification, as a phone's or laptop's would after a fingerprint.
 */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

/** A real ssh-ed25519 key pair made by ssh-keygen, and its key as the log records it. */
export type SshKey = { path: string; key: MemberKey & { kind: 'ssh' } };

export async function sshKeygen(dir: string, name: string): Promise<SshKey> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', path]);
  const [type, base64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(' ');
  return { path, key: { kind: 'ssh', publicKey: `${type} ${base64}` } };
}

let messages = 0;

/** `ssh-keygen -Y sign` of exactly these bytes, as a member signs a saved statement. */
export async function sshSign(
  key: SshKey,
  namespace: string,
  message: Uint8Array | string,
): Promise<string> {
  const file = `${key.path}.message-${++messages}`;
  await writeFile(file, message);
  await run('ssh-keygen', ['-Y', 'sign', '-q', '-f', key.path, '-n', namespace, file]);
  return readFile(`${file}.sig`, 'utf8');
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} ${args.join(' ')}: ${Buffer.concat(err).toString()}`));
    });
  });
}
