import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

async function dataDirWith(toml?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-config-'));
  if (toml !== undefined) await writeFile(join(dir, 'allmende.toml'), toml);
  return dir;
}

describe('configuration', () => {
  it('has defaults for a local start', async () => {
    const config = await loadConfig({ dataDir: await dataDirWith() }, {});
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.origin).toBe('localhost/log');
    // The desk takes mail on 2525 for help@ the web address's host, and sends none.
    expect(config.mailListen).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(config.mailDomain).toBe('localhost');
    expect(config.smtpRelay).toBeUndefined();
  });

  it('takes the desk’s mail settings, and "off" for no intake', async () => {
    const dataDir = await dataDirWith(
      'mail_listen = "off"\nmail_domain = "Coop.Example"\nsmtp_relay = "smtp://u:p@relay.example:587"\n',
    );
    const config = await loadConfig({ dataDir }, {});
    expect(config.mailListen).toBeUndefined();
    expect(config.mailDomain).toBe('coop.example');
    expect(config.smtpRelay).toBe('smtp://u:p@relay.example:587');
  });

  it('takes flags over environment over allmende.toml', async () => {
    const dataDir = await dataDirWith(
      'listen = "0.0.0.0:9000"\norigin = "file.example/log"\nname = "Aus der Datei"\n',
    );
    const env = { ALLMENDE_LISTEN: '127.0.0.1:9001', ALLMENDE_DATABASE_URL: 'postgres://u@db/x' };
    const config = await loadConfig({ dataDir, listen: '[::1]:9002' }, env);
    expect(config.listen).toEqual({ host: '::1', port: 9002 });
    expect(config.databaseUrl).toBe('postgres://u@db/x');
    expect(config.origin).toBe('file.example/log');
    expect(config.name).toBe('Aus der Datei');
  });

  it.each([
    [
      { listen: 'localhost' },
      {},
      undefined,
      /invalid setting listen \(from --listen\): expected HOST:PORT/,
    ],
    [
      {},
      { ALLMENDE_LISTEN: '1.2.3.4:99999' },
      undefined,
      /invalid setting listen \(from ALLMENDE_LISTEN\)/,
    ],
    [
      {},
      { ALLMENDE_DATABASE_URL: 'mysql://x' },
      undefined,
      /invalid setting databaseUrl \(from ALLMENDE_DATABASE_URL\)/,
    ],
    [
      {},
      {},
      'origin = "https://coop.example/log"',
      /invalid setting origin \(from allmende.toml "origin"\)/,
    ],
    [{}, {}, 'listen = 8080', /invalid setting listen/],
    [{}, {}, 'lisen = "1:2"', /unknown setting lisen/],
    [{}, {}, 'listen = "', /not valid TOML/],
    [{ mailListen: '2525' }, {}, undefined, /invalid setting mailListen \(from --mailListen\)/],
    [
      {},
      { ALLMENDE_SMTP_RELAY: 'http://mail.example' },
      undefined,
      /invalid setting smtpRelay \(from ALLMENDE_SMTP_RELAY\): expected an smtp:\/\//,
    ],
    [{}, {}, 'mail_domain = "not a domain"', /invalid setting mailDomain/],
  ])(
    'stops on invalid configuration and names the setting (%o %o %s)',
    async (flags, env, toml, message) => {
      const dataDir = await dataDirWith(toml);
      await expect(loadConfig({ dataDir, ...flags }, env)).rejects.toThrow(message);
    },
  );
});
