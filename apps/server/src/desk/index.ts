import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { memberOf, optionalMemberOf } from '../auth/index.ts';
import type { CoopService } from '../coop/coop.service.ts';
import type { Schema } from '../db/schema.ts';
import type { LogService } from '../log/log.service.ts';
import type { MailOutbox } from '../mail/outbox.ts';
import { DeskAddresses } from './addresses.ts';
import { deskMailRoutes } from './desk-mail.routes.ts';
import { InboxRepository } from './inbox.repo.ts';
import { MailDesk } from './mail-desk.service.ts';
import { NotificationRepository } from './notification.repo.ts';
import { DeskNotifier } from './notifier.ts';
import { TicketRepository } from './ticket.repo.ts';
import { ticketRoutes } from './ticket.routes.ts';
import { TicketService } from './ticket.service.ts';
import { VisitorRepository } from './visitor.repo.ts';
import { VisitorService } from './visitor.service.ts';

export type { TicketService } from './ticket.service.ts';
export type { MailDesk } from './mail-desk.service.ts';

/** What the desk needs from the rest of the server. */
export type DeskDependencies = {
  database: { db: Kysely<Schema> };
  coop: CoopService;
  log: LogService;
  outbox: MailOutbox;
  /** The domain of the desk's addresses (config.mailDomain). */
  mailDomain: string;
  /** Whether the SMTP intake runs (config.mailListen). */
  mailIn: boolean;
  /** The web app's address, for links in mail. */
  url: string;
  now?: () => Date;
};

/**
 * The help desk: tickets, their routing, comments and timeline; visitors' tickets confirmed by
 * mail; mail in (MailDesk, fed by the SMTP intake) and out (DeskNotifier, through the outbox).
 */
export type Desk = {
  tickets: TicketService;
  mail: MailDesk;
  visitors: VisitorService;
  notifier: DeskNotifier;
  addresses: DeskAddresses;
  routes(app: FastifyInstance): void;
};

export async function openDesk(deps: DeskDependencies): Promise<Desk> {
  const db = deps.database.db;
  const repo = new TicketRepository(deps.database);
  const inbox = new InboxRepository(db);
  const addresses = new DeskAddresses(deps.mailDomain);
  const tickets = await TicketService.open({
    repo,
    coop: deps.coop,
    log: deps.log,
    now: deps.now,
    // Called only after a write, when the notifier exists.
    onWrite: () => notifier.kick(),
  });
  const notifier = new DeskNotifier({
    tickets,
    repo,
    settings: new NotificationRepository(db),
    inbox,
    outbox: deps.outbox,
    coop: deps.coop,
    addresses,
    url: deps.url,
  });
  const mail = new MailDesk({ tickets, inbox, coop: deps.coop, addresses, now: deps.now });
  const visitors = new VisitorService({
    tickets,
    repo: new VisitorRepository(db),
    outbox: deps.outbox,
    coop: deps.coop,
    addresses,
    url: deps.url,
    now: deps.now,
  });
  const desk: Desk = {
    tickets,
    mail,
    visitors,
    notifier,
    addresses,
    routes(app) {
      const auth = {
        viewer: async (request: Parameters<typeof optionalMemberOf>[0]) =>
          (await optionalMemberOf(request))?.handle,
        requireMember: async (request: Parameters<typeof memberOf>[0]) =>
          (await memberOf(request)).handle,
      };
      ticketRoutes(app, tickets, visitors, auth);
      deskMailRoutes(app, desk, { mailIn: deps.mailIn, mailOut: deps.outbox.enabled }, auth);
    },
  };
  return desk;
}
