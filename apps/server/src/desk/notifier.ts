import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationSettings,
  type TicketStatus,
} from '@allmende/protocol';
import { activeMember, activeMembers, lookup } from '@allmende/rules';
import type { OutgoingMail } from '../mail/mail-sender.ts';
import { logBackgroundError } from '../ops/log.ts';
import type { MailOutbox } from '../mail/outbox.ts';
import type { DeskAddresses } from './addresses.ts';
import type { InboxRepository } from './inbox.repo.ts';
import type { Contacts } from './mail-desk.service.ts';
import { REPLY_ABOVE } from './mail-text.ts';
import type { NotificationRepository } from './notification.repo.ts';
import type { TicketItemRow, TicketRepository, TicketRow } from './ticket.repo.ts';
import { isVisitor, type CoopView, type TicketService } from './ticket.service.ts';

export type DeskNotifierOptions = {
  tickets: TicketService;
  repo: TicketRepository;
  settings: NotificationRepository;
  inbox: InboxRepository;
  outbox: MailOutbox;
  coop: CoopView & Contacts;
  addresses: DeskAddresses;
  /** The web app's address, for links to tickets. */
  url: string;
};

/** What a mail is about: a ticket opened, a comment, or a change of status or assignee. */
type DeskEvent =
  { kind: 'opened'; ticket: TicketRow } | { kind: 'item'; ticket: TicketRow; item: TicketItemRow };

const BATCH = 100;
/**
 * Status changes worth a mail to those who follow a ticket. Not "open": an answer opens a new
 * ticket, and the answer's own mail says enough.
 */
const TOLD_STATUSES: readonly TicketStatus[] = ['waiting', 'resolved', 'closed'];

/**
 * Mail about the desk. The notifier reads the desk's own timeline — tickets and their items in
 * the order they were written — from a cursor kept in the database, and queues the mail for
 * each step in the same transaction that moves the cursor: nothing is told twice or forgotten,
 * even across a crash, and the desk's writes never wait for mail.
 *
 * Who is told: for a new ticket, whoever answers for it (or, with nobody, every member who may
 * see it), and a visitor who asked gets the number to refer to; for a comment or a change, the
 * requester, the watchers and whoever answers for it — never its author, unless they ask for
 * copies. Nobody gets mail about content they may not see, and every mail honours the member's
 * settings.
 */
export class DeskNotifier {
  readonly #o: DeskNotifierOptions;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: DeskNotifierOptions) {
    this.#o = options;
  }

  async settingsOf(handle: string): Promise<NotificationSettings> {
    return (await this.#o.settings.settings()).get(handle) ?? DEFAULT_NOTIFICATION_SETTINGS;
  }

  async setSettings(handle: string, settings: NotificationSettings): Promise<NotificationSettings> {
    await this.#o.settings.setSettings(handle, settings);
    return settings;
  }

  /** Reads on from the cursor soon (after a write of the desk). */
  kick(): void {
    if (!this.#o.outbox.enabled) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.run()
      // The cursor did not move: the next kick tries the same step again.
      .catch((error: unknown) => logBackgroundError('desk notifier', error))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Waits until the notifier has caught up (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Reads the timeline from the cursor to its end, queueing mail step by step. */
  async run(): Promise<void> {
    if (!this.#o.outbox.enabled) return;
    for (;;) {
      const cursor = await this.#o.settings.cursor();
      const [tickets, items] = await Promise.all([
        this.#o.repo.ticketsAfter(cursor.ticket, BATCH),
        this.#o.repo.itemsAfter(cursor.item, BATCH),
      ]);
      if (tickets.length === 0 && items.length === 0) return;
      const settings = await this.#o.settings.settings();
      const contacts = await this.#o.coop.contacts();
      for (const ticket of tickets) {
        const mails = await this.#mailsFor({ kind: 'opened', ticket }, settings, contacts);
        await this.#queue(mails, { ...cursor, ticket: Number(ticket.id) }, cursor);
      }
      for (const item of items) {
        const ticket = await this.#o.repo.ticket(Number(item.ticket_id));
        const mails = ticket
          ? await this.#mailsFor({ kind: 'item', ticket, item }, settings, contacts)
          : [];
        await this.#queue(mails, { ...cursor, item: Number(item.id) }, cursor);
      }
    }
  }

  async #queue(
    mails: { ticket: number; mail: OutgoingMail & { messageId: string } }[],
    next: { ticket: number; item: number },
    cursor: { ticket: number; item: number },
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.#o.settings.advance(next, async (trx) => {
      await this.#o.outbox.enqueue(
        trx,
        mails.map((m) => m.mail),
      );
      for (const { ticket, mail } of mails) {
        await this.#o.inbox.thread(trx, ticket, [mail.messageId], at);
      }
    });
    cursor.ticket = next.ticket;
    cursor.item = next.item;
    if (mails.length > 0) this.#o.outbox.kick();
  }

  async #mailsFor(
    event: DeskEvent,
    settings: Map<string, NotificationSettings>,
    contacts: Map<string, string>,
  ): Promise<{ ticket: number; mail: OutgoingMail & { messageId: string } }[]> {
    const { ticket } = event;
    const id = Number(ticket.id);
    const author =
      event.kind === 'opened' ? ticket.requester : (event.item.author ?? ticket.requester);
    const state = this.#o.coop.state;
    const setting = (handle: string) => settings.get(handle) ?? DEFAULT_NOTIFICATION_SETTINGS;
    const answerer = this.#o.tickets.assigneeOf(ticket);
    const watchers = (await this.#o.repo.watchers([id])).get(id) ?? [];
    const secret = !!ticket.private || (event.kind === 'item' && !!event.item.private);
    const recipients = new Set<string>();
    const add = (who: string | null | undefined, wants: (s: NotificationSettings) => boolean) => {
      if (!who) return;
      if (isVisitor(who)) {
        recipients.add(who);
        return;
      }
      if (!activeMember(state, who) || !wants(setting(who))) return;
      recipients.add(who);
    };

    let what: string;
    if (event.kind === 'opened') {
      what = `${this.#name(author)} opened ticket #${id}:\n\n${ticket.body || '(no text)'}`;
      if (answerer) add(answerer, (s) => s.queue);
      else {
        const service =
          ticket.service === null ? undefined : lookup(state.services, ticket.service);
        const stewards = service?.stewards.map((s) => s.handle) ?? [];
        const everyone = stewards.length > 0 ? stewards : activeMembers(state).map((m) => m.handle);
        for (const handle of everyone) add(handle, (s) => s.queue);
      }
      for (const watcher of watchers) add(watcher, (s) => s.updates);
      // A visitor needs the number and the address to answer to; a member only if they like.
      add(ticket.requester, (s) => s.own);
    } else {
      const { item } = event;
      if (item.kind === 'comment') {
        what = `${this.#name(author)} wrote:\n\n${item.body ?? ''}`;
      } else if (item.field === 'status' && TOLD_STATUSES.includes(item.to_value as TicketStatus)) {
        what = `${this.#name(author)} set the ticket ${item.to_value}.`;
      } else if (item.field === 'assignee' && item.to_value) {
        what = `${this.#name(author)} gave the ticket to ${item.to_value}.`;
      } else {
        return [];
      }
      if (item.field === 'assignee') {
        add(item.to_value, (s) => s.queue);
      } else {
        add(ticket.requester, (s) => s.updates);
        for (const watcher of watchers) add(watcher, (s) => s.updates);
        add(answerer, (s) => s.updates);
      }
    }
    if (secret) {
      for (const who of recipients) {
        if (!this.#o.tickets.canSeePrivate(who, ticket)) recipients.delete(who);
      }
    }
    // Authors hear of their own words only when they ask for copies — visitors never, so that
    // no auto-responder can start a loop; but the visitor who opened a ticket gets its number.
    const ownSetting = (settings.get(author) ?? DEFAULT_NOTIFICATION_SETTINGS).own;
    const acknowledge = event.kind === 'opened' && isVisitor(author);
    if (!acknowledge && (isVisitor(author) || !ownSetting)) recipients.delete(author);
    return this.#compose(id, ticket, what, recipients, contacts);
  }

  async #compose(
    id: number,
    ticket: TicketRow,
    what: string,
    recipients: ReadonlySet<string>,
    contacts: Map<string, string>,
  ): Promise<{ ticket: number; mail: OutgoingMail & { messageId: string } }[]> {
    const thread = await this.#o.inbox.messagesOf(id);
    const root = thread[0];
    const link = `${this.#o.url}/desk/${id}`;
    const privacy = ticket.private
      ? 'This ticket is private: only you, the stewards of its service and the oversight group see it.'
      : 'This ticket is public: everyone can read it and its answers.';
    const text = [
      REPLY_ABOVE,
      '',
      what,
      '',
      '—',
      `Ticket #${id} (${ticket.status})${ticket.service ? ` · ${ticket.service}` : ''}: ${link}`,
      `Answer this mail to add to the ticket. ${privacy}`,
    ].join('\n');
    return [...recipients].flatMap((who) => {
      const to = isVisitor(who) ? who : contacts.get(who);
      if (!to) return [];
      return [
        {
          ticket: id,
          mail: {
            to,
            subject: `[${this.#o.coop.state.name} #${id}] ${ticket.title}`,
            text,
            replyTo: this.#o.addresses.ofTicket(id),
            messageId: this.#o.outbox.newMessageId(),
            inReplyTo: root,
            references: thread.slice(-20),
          },
        },
      ];
    });
  }

  /** How an author appears in mail: a member by name and handle, a visitor by address. */
  #name(author: string): string {
    if (isVisitor(author)) return author;
    const member = lookup(this.#o.coop.state.members, author);
    return member ? `${member.name} (${member.handle})` : author;
  }
}
