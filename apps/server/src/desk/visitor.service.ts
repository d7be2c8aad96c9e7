import { createHash, randomBytes } from 'node:crypto';
import { NewTicket, type PendingTicket, type Ticket, type VisitorTicket } from '@allmende/protocol';
import { lookup } from '@allmende/rules';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { MailOutbox } from '../mail/outbox.ts';
import type { DeskAddresses } from './addresses.ts';
import { REPLY_ABOVE } from './mail-text.ts';
import type { CoopView, TicketService } from './ticket.service.ts';
import type { VisitorRepository } from './visitor.repo.ts';

export type VisitorServiceOptions = {
  tickets: TicketService;
  repo: VisitorRepository;
  outbox: MailOutbox;
  coop: CoopView;
  addresses: DeskAddresses;
  url: string;
  now?: () => Date;
};

/** How long a mailed link works, and how many a visitor and a client may ask for an hour. */
export const VISITOR_LIMITS = {
  linkHours: 24,
  perAddressPerHour: 3,
  perClientPerHour: 10,
} as const;

const digestOf = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * Tickets from visitors on the web: the visitor gives an e-mail address, the desk mails a link
 * to it, and the ticket opens when the link is followed — so that nobody opens tickets in
 * someone else's name, and every ticket has an address that answers reach. Only the digest of
 * the link's code is stored. Limits per address and per client keep the desk from being used
 * to mail strangers.
 */
export class VisitorService {
  readonly #o: VisitorServiceOptions;
  readonly #now: () => Date;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(options: VisitorServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Keeps a visitor's ticket and mails the link that opens it.
   * @throws AppError DESK_MAIL_UNAVAILABLE, DESK_THROTTLED, DESK_UNKNOWN_SERVICE
   */
  async request(input: z.output<typeof VisitorTicket>, client: string): Promise<PendingTicket> {
    if (!this.#o.outbox.enabled) {
      throw new AppError(
        'DESK_MAIL_UNAVAILABLE',
        'this cooperative sends no mail yet, so visitors cannot confirm an address: write to the help address, or ask a member',
      );
    }
    const { email: rawEmail, ...ticket } = input;
    const email = rawEmail.toLowerCase();
    if (ticket.service !== null && !lookup(this.#o.coop.state.services, ticket.service)) {
      throw new AppError('DESK_UNKNOWN_SERVICE', `there is no service ${ticket.service}`);
    }
    const now = this.#now();
    const since = new Date(now.getTime() - 3_600_000).toISOString();
    if (
      (await this.#o.repo.countSince('email', email, since)) >= VISITOR_LIMITS.perAddressPerHour ||
      (await this.#o.repo.countSince('address', client, since)) >= VISITOR_LIMITS.perClientPerHour
    ) {
      throw new AppError(
        'DESK_THROTTLED',
        'too many tickets asked for from here or for this address in the last hour; try again later',
      );
    }
    const code = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + VISITOR_LIMITS.linkHours * 3_600_000).toISOString();
    const link = `${this.#o.url}/desk/confirm/${code}`;
    await this.#o.repo.insert(
      {
        code_digest: digestOf(code),
        email,
        address: client,
        ticket: JSON.stringify(ticket),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        ticket_id: null,
      },
      (trx) =>
        this.#o.outbox.enqueue(trx, [
          {
            to: email,
            subject: `[${this.#o.coop.state.name}] Please confirm your ticket “${ticket.title}”`,
            text: [
              REPLY_ABOVE,
              '',
              `Someone — probably you — asked the help desk of ${this.#o.coop.state.name} to open a ticket for this address:`,
              '',
              `  ${ticket.title}`,
              '',
              `To open it, follow this link within ${VISITOR_LIMITS.linkHours} hours:`,
              '',
              `  ${link}`,
              '',
              'If it was not you, ignore this mail: nothing opens without the link.',
            ].join('\n'),
            replyTo: this.#o.addresses.help,
            messageId: this.#o.outbox.newMessageId(),
          },
        ]),
    );
    this.#o.outbox.kick();
    return { pending: true, email, expiresAt };
  }

  /**
   * Opens the ticket a mailed link stands for; the same link again shows the same ticket.
   * @throws AppError DESK_CONFIRMATION_INVALID
   */
  confirm(code: string): Promise<Ticket> {
    // One at a time, so that two clicks on one link open one ticket.
    const result = this.#turn.then(() => this.#confirm(code));
    this.#turn = result.catch(() => undefined);
    return result;
  }

  async #confirm(code: string): Promise<Ticket> {
    const digest = digestOf(code);
    const row = await this.#o.repo.find(digest);
    const invalid = () =>
      new AppError(
        'DESK_CONFIRMATION_INVALID',
        'this link is unknown or has expired; open the ticket again to get a new one',
      );
    if (!row) throw invalid();
    if (row.ticket_id !== null) return this.#o.tickets.ticket(row.email, Number(row.ticket_id));
    if (Date.parse(row.expires_at) <= this.#now().getTime()) throw invalid();
    const ticket = NewTicket.parse(JSON.parse(row.ticket));
    return this.#o.tickets.openTicket(row.email, ticket, {
      within: async (trx, written) => {
        // Another server process used it meanwhile (PostgreSQL): open nothing.
        if (!(await this.#o.repo.use(trx, digest, written.ticket))) throw invalid();
      },
    });
  }
}
