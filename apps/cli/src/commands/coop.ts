import { join } from 'node:path';
import { optional, repeated, type Command } from '../cli.ts';
import { parseFounderSpec, readFoundersFile, resolveFounders } from '../founders.ts';

const DATA = { data: { type: 'string' } } as const;

export const COOP_COMMANDS: Record<string, Command> = {
  serve: {
    synopsis: 'serve [--data DIR] [--listen HOST:PORT] [--url URL] [--mail-listen HOST:PORT|off]',
    summary: 'start the server (creates the data folder on first start)',
    options: {
      ...DATA,
      listen: { type: 'string' },
      url: { type: 'string' },
      'mail-listen': { type: 'string' },
    },
    args: 0,
    async run(values) {
      const { startServer } = await import('@allmende/server');
      const server = await startServer({
        dataDir: optional(values, 'data'),
        listen: optional(values, 'listen'),
        url: optional(values, 'url'),
        mailListen: optional(values, 'mail-listen'),
        logger: true,
      });
      console.log(
        `Allmende is running at ${server.config.url}  (listening on ${server.url}; log origin ${server.log.origin}, ${server.log.size} entries)`,
      );
      console.log(`Admin token: ${join(server.config.dataDir, 'admin-token')}`);
      const desk = server.desk.addresses.help;
      console.log(
        server.mailPort === undefined
          ? `Help desk mail: off (set mail_listen to take mail for ${desk})`
          : `Help desk mail: ${desk} and <service>@${server.config.mailDomain}, SMTP on port ${server.mailPort}`,
      );
      if (!server.outbox.enabled) {
        console.log(
          'Mail out: no smtp_relay set, so the desk sends no mail (notifications, visitors’ links)',
        );
      }
      const founding = server.coop.foundingInvitationUrl;
      if (founding) {
        console.log(`The cooperative has no members yet. Its first member joins here: ${founding}`);
      }
      await new Promise<void>((done) => {
        const stop = () => void server.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    },
  },
  init: {
    synopsis:
      'init [--data DIR] [--origin O] [--name N] [--url URL] [--founder SPEC]… [--founders FILE]',
    summary:
      'create a cooperative: log key, admin token, genesis with its founders; SPEC is ' +
      'handle=alice,name=Alice Example,email=alice@example.org,key=~/.ssh/id_ed25519.pub ' +
      '(FILE: TOML, one [[founder]] table each)',
    options: {
      ...DATA,
      origin: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
      founder: { type: 'string', multiple: true },
      founders: { type: 'string' },
    },
    args: 0,
    async run(values) {
      const specs = repeated(values, 'founder').map((spec, i) =>
        parseFounderSpec(spec, `--founder ${i + 1}`),
      );
      const file = optional(values, 'founders');
      const founders = await resolveFounders([
        ...(file === undefined ? [] : await readFoundersFile(file)),
        ...specs,
      ]);
      const { loadConfig, openCooperative } = await import('@allmende/server');
      const config = await loadConfig({
        dataDir: optional(values, 'data'),
        origin: optional(values, 'origin'),
        name: optional(values, 'name'),
        url: optional(values, 'url'),
      });
      const coop = await openCooperative(config, { founders });
      try {
        console.log(`Cooperative "${config.name}" in ${config.dataDir}`);
        console.log(`Web address:  ${config.url}`);
        console.log(`Log origin:   ${coop.log.origin}`);
        console.log(`Verifier key: ${coop.log.verifierKey}`);
        console.log(`Admin token:  ${join(config.dataDir, 'admin-token')} (keep it secret)`);
        for (const founder of founders) {
          console.log(`Founder:      ${founder.handle} (${founder.name})`);
        }
        if (founders.length > 0) {
          console.log(
            `Next: allmende serve --data ${config.dataDir}, then allmende login URL --handle ${founders[0]!.handle} --key YOUR_KEY`,
          );
        }
      } finally {
        await coop.close();
      }
      return 0;
    },
  },
};
