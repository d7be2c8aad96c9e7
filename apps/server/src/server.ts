import { fileURLToPath } from 'node:url';
import { decodeStatement, isStatementProblem } from '@allmende/protocol';
import type { FastifyInstance } from 'fastify';
import { type Config, type ConfigOverrides, formatListen, loadConfig } from './config/config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { openAccess, type Access } from './access/index.ts';
import { AppError } from './errors.ts';
import { CoopRepository } from './coop/coop.repo.ts';
import { CoopService, type FounderInput } from './coop/coop.service.ts';
import { openDesk, type Desk } from './desk/index.ts';
import { openHosts, type Hosts } from './hosts/index.ts';
import { buildApp } from './http/app.ts';
import { LogRepository } from './log/log.repo.ts';
import { LogService } from './log/log.service.ts';
import { MailIntake } from './mail/mail-intake.ts';
import { MailSender } from './mail/mail-sender.ts';
import { MailOutbox } from './mail/outbox.ts';
import { paceCollectionsByLiveMemory } from './ops/heap.ts';
import { logBackgroundError } from './ops/log.ts';
import { Metrics } from './ops/metrics.ts';
import { prepareDataFolder } from './setup/data-folder.ts';
import { openSearch } from './search/index.ts';
import { openSessions, type SessionAuthority, type Sessions } from './sessions/index.ts';
import { openWiki, type Wiki } from './wiki/index.ts';
import { openWitnesses, type Witnesses } from './witness/index.ts';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export type Cooperative = {
  config: Config;
  database: Database;
  log: LogService;
  coop: CoopService;
  wiki: Wiki;
  desk: Desk;
  /** Mail out: notifications and visitors' links, through config.smtpRelay. */
  outbox: MailOutbox;
  witnesses: Witnesses;
  access: Access;
  hosts: Hosts;
  sessions: Sessions;
  metrics: Metrics;
  adminToken: string;
  close(): Promise<void>;
};

/**
 * How sessions are checked: by the cooperative's CA (access/), unless a test brings its own
 * SessionAuthority; tests may also hold acknowledgements back.
 */
export type SessionOptions = {
  sessionAuthority?: SessionAuthority;
  beforeAck?: (session: string, seq: number) => Promise<void>;
};

/**
 * Opens a cooperative's data folder and database: creates keys and the admin token on first
 * use, runs migrations, and writes the genesis statement `coop.founded` into an empty log.
 * @throws AppError CONFIG_INVALID when the data folder or database belongs to another log
 */
export async function openCooperative(
  config: Config,
  options: {
    founders?: FounderInput[];
    /** The clock that dates statements; a benchmark replays a year of them in seconds. */
    now?: () => Date;
  } & SessionOptions = {},
): Promise<Cooperative> {
  const secrets = await prepareDataFolder(config.dataDir, config);
  const database = await openDatabase(config);
  try {
    const metrics = new Metrics();
    const log = await LogService.open({
      repo: new LogRepository(database),
      signer: secrets.signer,
      checkpointIntervalMs: config.checkpointIntervalMs,
      metrics,
      now: options.now,
    });
    if (log.size > 0) await checkGenesis(log, config, options.founders);
    const coop = await CoopService.open({
      repo: new CoopRepository(database),
      log,
      name: config.name,
      url: config.url,
      founders: options.founders,
    });
    if (coop.state.url !== config.url) {
      throw new AppError(
        'CONFIG_INVALID',
        `invalid setting url: this cooperative's web address is ${coop.state.url} (named in its genesis, and passkeys are bound to it), not ${config.url}`,
      );
    }
    const wiki = await openWiki({ database, coop, log });
    const outbox = new MailOutbox({
      db: database.db,
      sender:
        config.smtpRelay === undefined
          ? undefined
          : new MailSender(config.smtpRelay, {
              name: config.name,
              address: `help@${config.mailDomain}`,
            }),
      domain: config.mailDomain,
      metrics,
    });
    const desk = await openDesk({
      database,
      coop,
      log,
      outbox,
      mailDomain: config.mailDomain,
      mailIn: config.mailListen !== undefined,
      url: config.url,
    });
    const witnesses = await openWitnesses({ database, coop, log, metrics });
    const access = await openAccess({
      database,
      coop,
      tickets: desk.tickets,
      ca: secrets.ca,
      recorderCommand: config.recorderCommand,
      onError: (error) => logBackgroundError('access', error),
    });
    const sessions = await openSessions({
      database,
      coop,
      log,
      authority: options.sessionAuthority ?? sessionAuthorityOf(access),
      url: config.url,
      beforeAck: options.beforeAck,
    });
    const hosts = openHosts({
      database,
      coop,
      log,
      url: config.url,
      sessionsSince: (host, since) => sessions.service.sessionsSince(host, since),
      reportToOversight: async (host, title, body) =>
        (await desk.tickets.reportForHost(host, title, body)).id,
    });
    return {
      config,
      database,
      log,
      coop,
      wiki,
      desk,
      outbox,
      witnesses,
      access,
      hosts,
      sessions,
      metrics,
      adminToken: secrets.adminToken,
      async close() {
        witnesses.close();
        access.close();
        await desk.notifier.idle();
        await outbox.close();
        await log.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Sessions ask the CA whether a certificate opens them, in the shape sessions/ expects. */
function sessionAuthorityOf(access: Access): SessionAuthority {
  return {
    async checkSessionCertificate(check, at) {
      const result = await access.checkSessionCertificate(check, at);
      if (!result.ok) return result;
      const { id, ticket, requester, command } = result.request;
      return {
        ...result,
        request: { id: String(id), ticket, requester, ...(command !== null && { command }) },
      };
    },
    onRevoked(listener) {
      access.onRevoked(listener);
    },
  };
}

/** An existing log must be this data folder's: its genesis names the key that signs it. */
async function checkGenesis(
  log: LogService,
  config: Config,
  founders: FounderInput[] | undefined,
): Promise<void> {
  if (founders?.length) {
    throw new AppError(
      'CONFIG_INVALID',
      `the cooperative in ${config.dataDir} is founded already; founders join a new one`,
    );
  }
  const [genesis] = await log.entries(0, 1);
  const statement = genesis && decodeStatement(genesis.entry);
  if (!statement || isStatementProblem(statement) || statement.type !== 'coop.founded') {
    throw new AppError(
      'CONFIG_INVALID',
      'the database holds a log that does not begin with coop.founded',
    );
  }
  if (statement.body.logKey !== log.verifierKey) {
    throw new AppError(
      'CONFIG_INVALID',
      `invalid setting databaseUrl: the database holds the log of ${statement.body.origin}, whose key is not the key in ${config.dataDir}`,
    );
  }
}

export type RunningServer = Cooperative & {
  url: string;
  app: FastifyInstance;
  /** The port of the desk's SMTP intake, or undefined when it is off. */
  mailPort: number | undefined;
};

/** Starts the whole server: the cooperative, the HTTP API, the log endpoints and the web app. */
export async function startServer(
  options: ConfigOverrides &
    SessionOptions & {
      logger?: boolean;
      webRoot?: string;
      founders?: FounderInput[];
    } = {},
): Promise<RunningServer> {
  const {
    logger = false,
    webRoot = DEFAULT_WEB_ROOT,
    founders,
    sessionAuthority,
    beforeAck,
    ...overrides
  } = options;
  paceCollectionsByLiveMemory();
  const config = await loadConfig(overrides);
  const coop = await openCooperative(config, { founders, sessionAuthority, beforeAck });
  const app = await buildApp({
    log: coop.log,
    coop: coop.coop,
    wiki: coop.wiki,
    desk: coop.desk,
    witnesses: coop.witnesses,
    access: coop.access,
    hosts: coop.hosts,
    sessions: coop.sessions,
    search: openSearch({ database: coop.database, desk: coop.desk, wiki: coop.wiki }),
    auth: {
      database: coop.database,
      url: config.url,
      origin: config.origin,
      name: config.name,
      directory: coop.coop,
      checkInvitation: (code) =>
        coop.coop.checkInvitation(code).then(
          () => true,
          () => false,
        ),
    },
    metrics: coop.metrics,
    adminToken: coop.adminToken,
    name: config.name,
    writable: coop.database.holdsWriterLock,
    webRoot,
    logger,
  });
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (error) {
    await coop.close();
    throw new AppError(
      'CONFIG_INVALID',
      `invalid setting listen: cannot listen on ${formatListen(config.listen)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  coop.witnesses.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const url = `http://${formatListen({ host: config.listen.host, port })}`;
  let intake: MailIntake | undefined;
  let mailPort: number | undefined;
  try {
    // Mail a crash left half-handled first, then new mail.
    await coop.desk.mail.resumePending();
    if (config.mailListen) {
      const mail = coop.desk.mail;
      intake = new MailIntake({
        accepts: (recipient) => mail.accepts(recipient),
        deliver: (incoming) => mail.deliver(incoming),
      });
      mailPort = await intake
        .listen(config.mailListen.host, config.mailListen.port)
        .catch((error: unknown) => {
          throw new AppError(
            'CONFIG_INVALID',
            `invalid setting mailListen: cannot listen on ${formatListen(config.mailListen!)}: ${(error as Error).message}`,
            { cause: error },
          );
        });
    }
  } catch (error) {
    await app.close();
    await coop.close();
    throw error;
  }
  coop.outbox.start();
  coop.desk.notifier.kick();
  return {
    ...coop,
    url,
    app,
    mailPort,
    async close() {
      await intake?.close();
      await app.close();
      await coop.close();
    },
  };
}
