import type { InboxMail } from '@allmende/protocol';
import { activeMember, lookup, oversightGroup } from '@allmende/rules';
import { AppError } from '../errors.ts';
import type { IncomingMail } from '../mail/incoming-mail.ts';
import { parseMail } from '../mail/mail-intake.ts';
import type { DeskAddresses } from './addresses.ts';
import type { InboxOutcome, InboxRepository } from './inbox.repo.ts';
import { boundedBody, cleanText, replyText, titleOf } from './mail-text.ts';
import type { CoopView, TicketService, WriteExtras } from './ticket.service.ts';

/** Members' e-mail addresses, handle → address (coop/ keeps them, off the log). */
export type Contacts = { contacts(): Promise<Map<string, string>> };

export type MailDeskOptions = {
  tickets: TicketService;
  inbox: InboxRepository;
  coop: CoopView & Contacts;
  addresses: DeskAddresses;
  now?: () => Date;
};

/** Per sender and hour: a person writes a few tickets, a runaway script many. */
export const MAIL_LIMITS = { ticketsPerHour: 10, commentsPerHour: 60 } as const;

/**
 * The desk's side of mail: a mail to `help@` or `<service>@` opens a ticket, an answer threads
 * into its ticket (by the plus address or by the Message-IDs it answers), and mail that a
 * machine sent is kept but never answered. Every mail is stored raw before anything else
 * happens, and what became of it is recorded in the same transaction as the ticket or comment.
 *
 * A mail threads into a ticket only when its sender takes part in it: the visitor who asked,
 * or a member who may answer it. Anyone else — a forged In-Reply-To, a guessed plus address —
 * opens a ticket of their own and learns nothing of the other.
 */
export class MailDesk {
  readonly #tickets: TicketService;
  readonly #inbox: InboxRepository;
  readonly #coop: CoopView & Contacts;
  readonly #addresses: DeskAddresses;
  readonly #now: () => Date;

  constructor(options: MailDeskOptions) {
    this.#tickets = options.tickets;
    this.#inbox = options.inbox;
    this.#coop = options.coop;
    this.#addresses = options.addresses;
    this.#now = options.now ?? (() => new Date());
  }

  /** Whether the intake takes mail for this address. */
  accepts(address: string): boolean {
    return this.#addresses.read(address, (slug) => this.#isService(slug)) !== undefined;
  }

  /** Takes one mail: stores it, then turns it into a ticket or comment, or records why not. */
  async deliver(mail: IncomingMail): Promise<void> {
    const id = await this.#inbox.store(mail, this.#now().toISOString());
    await this.#handle(id, mail);
  }

  /** Handles mail that a crash left stored but not handled. */
  async resumePending(): Promise<void> {
    for (const row of await this.#inbox.pending()) {
      const mail = await parseMail(row.raw, row.envelope_from);
      await this.#handle(Number(row.id), { ...mail, recipient: row.recipient });
    }
  }

  /**
   * The inbox, for the oversight group: every mail with what became of it.
   * @throws AppError FORBIDDEN
   */
  async list(viewer: string, limit: number, before?: number): Promise<InboxMail[]> {
    this.#requireOversight(viewer);
    return (await this.#inbox.list(limit, before)).map((row) => ({
      id: Number(row.id),
      receivedAt: row.received_at,
      recipient: row.recipient,
      sender: row.sender,
      subject: row.subject,
      size: row.size,
      outcome: row.outcome as InboxOutcome,
      ticket: row.ticket_id === null ? null : Number(row.ticket_id),
      reason: row.reason,
    }));
  }

  /** A mail as it came, for the oversight group. @throws AppError FORBIDDEN, NOT_FOUND */
  async raw(viewer: string, id: number): Promise<Uint8Array> {
    this.#requireOversight(viewer);
    const raw = await this.#inbox.raw(id);
    if (!raw) throw new AppError('NOT_FOUND', `the inbox holds no mail ${id}`);
    return raw;
  }

  async #handle(id: number, mail: IncomingMail): Promise<void> {
    const ignore = (reason: string, outcome: InboxOutcome = 'ignored') =>
      this.#inbox.settle(undefined, id, outcome, { reason });
    if (mail.automatic) return ignore(`sent by a machine (${mail.automatic}), never answered`);
    if (!mail.from) return ignore('no sender to answer');
    if (mail.from.split('@')[1] === this.#addresses.domain) {
      return ignore('from one of the desk’s own addresses: a mail loop');
    }
    if (mail.messageId) {
      const ticket = await this.#inbox.handled(mail.messageId);
      if (ticket !== undefined) {
        return this.#inbox.settle(undefined, id, 'duplicate', {
          ticket,
          reason: 'this mail was taken already',
        });
      }
    }
    const target = this.#addresses.read(mail.recipient, (slug) => this.#isService(slug));
    if (!target) return ignore(`${mail.recipient} is no address of the desk`);
    const author = await this.#authorOf(mail.from);
    const thread = [...(mail.messageId ? [mail.messageId] : [])];
    const at = this.#now().toISOString();
    const notes = mail.droppedAttachments.length
      ? [`[Left out, too large or too many: ${mail.droppedAttachments.join(', ')}]`]
      : [];
    const within =
      (outcome: 'ticket' | 'comment'): WriteExtras['within'] =>
      async (trx, written) => {
        await this.#inbox.settle(trx, id, outcome, { ticket: written.ticket });
        await this.#inbox.thread(trx, written.ticket, thread, at);
      };
    const extras = { via: 'mail' as const, attachments: mail.attachments };

    const answered = 'ticket' in target ? target.ticket : await this.#inbox.ticketOf(mail.thread);
    if (answered !== undefined && (await this.#tickets.mayAnswer(author, answered))) {
      if ((await this.#sentSince(mail.from, 'comment')) >= MAIL_LIMITS.commentsPerHour) {
        return ignore(`more than ${MAIL_LIMITS.commentsPerHour} answers an hour`, 'throttled');
      }
      await this.#tickets.comment(
        author,
        answered,
        { body: boundedBody(replyText(mail.text), notes), private: false },
        { ...extras, within: within('comment') },
      );
      return;
    }
    if ((await this.#sentSince(mail.from, 'ticket')) >= MAIL_LIMITS.ticketsPerHour) {
      return ignore(`more than ${MAIL_LIMITS.ticketsPerHour} new tickets an hour`, 'throttled');
    }
    const service = 'service' in target ? target.service : null;
    // A mail may hold anything, and its sender never saw the form's choice: it opens private,
    // and the requester or its stewards make it public.
    await this.#tickets.openTicket(
      author,
      {
        title: titleOf(mail.subject),
        body: boundedBody(cleanText(mail.text).trim(), notes),
        service,
        private: true,
        priority: 'normal',
        labels: [],
      },
      { ...extras, within: within('ticket') },
    );
  }

  /** A member writing from their address writes as the member; anyone else as a visitor. */
  async #authorOf(address: string): Promise<string> {
    for (const [handle, email] of await this.#coop.contacts()) {
      if (email.toLowerCase() === address && activeMember(this.#coop.state, handle)) return handle;
    }
    return address;
  }

  async #sentSince(sender: string, outcome: 'ticket' | 'comment'): Promise<number> {
    const since = new Date(this.#now().getTime() - 3_600_000).toISOString();
    return this.#inbox.countFrom(sender, since, outcome);
  }

  #isService(slug: string): boolean {
    return lookup(this.#coop.state.services, slug) !== undefined;
  }

  #requireOversight(viewer: string): void {
    if (!oversightGroup(this.#coop.state).includes(viewer)) {
      throw new AppError('FORBIDDEN', 'the desk’s inbox is for the oversight group');
    }
  }
}
