import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WitnessesInfo, type Policy } from '@allmende/protocol';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Witness } from '../../cli/src/witness/witness.ts';
import { initWitness, parseWitnessConfig } from '../../cli/src/witness/witness-config.ts';
import { serveWitness, type WitnessServer } from '../../cli/src/witness/witness-server.ts';
import { WitnessStore } from '../../cli/src/witness/witness-store.ts';
import { startServer, type RunningServer } from '../../server/src/server.ts';
import { eventually } from '../../server/test/harness.ts';
import { launchChromium } from '../../../test/support/chromium.ts';
import { draft, founderOf, signedBy, testMember } from '../../../test/support/members.ts';
import { buildWebApp, expectNoAxeViolations, freePort } from './support/browser.ts';

// The log page shows who witnessed the checkpoint: four witnesses named in the policy, three
// of them running `allmende witness` for this log, one unreachable. The browser checks each
// cosignature itself.

const ORIGIN = 'coop.test/log';
const ada = testMember('ada');

let server: RunningServer;
let browser: Browser;
const folders: string[] = [];
const running: { server: WitnessServer; store: WitnessStore }[] = [];

async function runWitness(name: string, logKey: string) {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-web-witness-'));
  folders.push(dir);
  const { key } = await initWitness(dir, name);
  const config = parseWitnessConfig(
    `[[logs]]\norigin = "${ORIGIN}"\nkeys = ["${logKey}"]\n`,
    'witness.toml',
  );
  const store = WitnessStore.open(dir);
  const witness = new Witness({ key, store, config: () => config });
  const served = await serveWitness(witness, { host: '127.0.0.1', port: 0 });
  running.push({ server: served, store });
  return { name, url: served.url, key: key.verifierKey };
}

async function openLog(locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${server.url}/log`);
  return page;
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
    founders: [founderOf(ada)],
  });
  const witnesses = [
    await runWitness('w1.test/witness', server.log.verifierKey),
    await runWitness('w2.test/witness', server.log.verifierKey),
    await runWitness('w3.test/witness', server.log.verifierKey),
  ];
  // The fourth is named in the policy, but nothing answers at its address.
  const absent = await runWitness('w4.test/witness', server.log.verifierKey);
  const last = running.pop()!;
  await last.server.close();
  last.store.close();
  absent.url = `http://127.0.0.1:${await freePort()}`;
  const policy: Policy = {
    ...server.coop.policy().policy,
    witnesses: [
      { name: 'Cooperative Nord', url: witnesses[0]!.url, key: witnesses[0]!.key },
      { name: 'Cooperative Süd', url: witnesses[1]!.url, key: witnesses[1]!.key },
      { name: 'Ada’s witness', url: witnesses[2]!.url, key: witnesses[2]!.key },
      { name: 'Offline witness', url: absent.url, key: absent.key },
    ],
    witnessQuorum: 2,
  };
  await server.coop.submit(await signedBy(draft('policy.set', 'ada', { policy }), ORIGIN, ada));
  await eventually(async () => {
    const info = WitnessesInfo.parse(await (await fetch(`${server.url}/api/log/witnesses`)).json());
    const onCheckpoint = info.witnesses.filter((w) => w.onCheckpoint).length;
    return onCheckpoint === 3 &&
      info.witnesses[3]?.problem &&
      info.checkpointSize === server.log.size
      ? info
      : undefined;
  }, 'three witnesses to cosign');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const witness of running) {
    await witness.server.close();
    witness.store.close();
  }
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the log page’s witnesses', () => {
  it('says the checkpoint is confirmed by 3 of 4 witnesses, each checked in the browser', async () => {
    const page = await openLog('en-GB');
    const card = page.getByRole('region', { name: 'Witnesses' });
    await card.getByText('Confirmed by 3 of 4 witnesses').waitFor();
    await card.getByText('The policy asks for 2: this checkpoint is trusted.').waitFor();
    expect(await card.getByText(/^Cosigned this checkpoint at /).count()).toBe(3);
    const offline = card.getByRole('listitem').filter({ hasText: 'Offline witness' });
    await offline.getByText('Has not cosigned this checkpoint (yet).').waitFor();
    await offline.getByText(/^The server reports: cannot reach the witness/).waitFor();
    await expectNoAxeViolations(page);
    await page.context().close();
  });

  it('counts only what verifies: a cosignature the server altered is not counted', async () => {
    const page = await openLog('en-GB');
    // The server (here: a route in between) spoils one cosignature line of the note.
    await page.route('**/api/log/info', async (route) => {
      const response = await route.fetch();
      const info = (await response.json()) as { checkpoint: string };
      const lines = info.checkpoint.split('\n');
      const index = lines.findIndex((line) => line.startsWith('— w2.test/witness '));
      const [dash, name, signature] = lines[index]!.split(' ');
      const bytes = Buffer.from(signature!, 'base64');
      bytes[20]! ^= 1;
      lines[index] = `${dash} ${name} ${bytes.toString('base64')}`;
      await route.fulfill({ response, json: { ...info, checkpoint: lines.join('\n') } });
    });
    await page.reload();
    const card = page.getByRole('region', { name: 'Witnesses' });
    await card.getByText('Confirmed by 2 of 4 witnesses').waitFor();
    const spoiled = card.getByRole('listitem').filter({ hasText: 'Cooperative Süd' });
    await spoiled.getByText('Its cosignature does not verify: do not count it.').waitFor();
    await page.context().close();
  });

  it('speaks German, and shows the witnesses on the policies page', async () => {
    const page = await openLog('de-DE');
    const card = page.getByRole('region', { name: 'Zeugen' });
    await card.getByText('Bestätigt von 3 von 4 Zeugen').waitFor();
    await card
      .getByText('Die Regeln verlangen 2: Dieser Prüfpunkt ist vertrauenswürdig.')
      .waitFor();
    await page.goto(`${server.url}/policies`);
    await page
      .getByText('Ein Prüfpunkt ist vertrauenswürdig, sobald 2 der 4 Zeugen ihn bestätigt haben.')
      .waitFor();
    await page.getByText('Offline witness').waitFor();
    await page.context().close();
  });
});
