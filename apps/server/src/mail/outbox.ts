import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { logBackgroundError } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { MailSender, OutgoingMail } from './mail-sender.ts';
import { OutboxRepository } from './outbox.repo.ts';

export type MailOutboxOptions = {
  db: Kysely<Schema>;
  /** The relay; without one, nothing is queued and `enabled` is false. */
  sender: MailSender | undefined;
  /** For Message-IDs: `<random@domain>`. */
  domain: string;
  metrics: Metrics;
  now?: () => Date;
  /** How often the outbox looks for due mail besides being kicked. */
  pollMs?: number;
};

/** A relay refusing for good answers 5xx; anything else is tried again, less and less often. */
const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;

/**
 * Mail leaves through an outbox: it is queued in the database, in the same transaction as what
 * caused it where there is one, and sent by a loop that retries with backoff. A crash or a relay
 * that is down loses nothing; a mail goes out at least once.
 */
export class MailOutbox {
  readonly #repo: OutboxRepository;
  readonly #sender: MailSender | undefined;
  readonly #domain: string;
  readonly #now: () => Date;
  readonly #pollMs: number;
  readonly #counts: ReturnType<Metrics['counter']>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(options: MailOutboxOptions) {
    this.#repo = new OutboxRepository(options.db);
    this.#sender = options.sender;
    this.#domain = options.domain;
    this.#now = options.now ?? (() => new Date());
    this.#pollMs = options.pollMs ?? 5_000;
    this.#counts = options.metrics.counter(
      'allmende_mail_outbox_total',
      'Mail the outbox handled, by result: sent, retry, failed, error (of the outbox itself).',
    );
  }

  /** Whether mail can be sent at all (a relay is configured). */
  get enabled(): boolean {
    return this.#sender !== undefined;
  }

  /** A Message-ID of ours, unguessable, so that only real answers thread by it. */
  newMessageId(): string {
    return `<${randomBytes(16).toString('hex')}@${this.#domain}>`;
  }

  /** Queues mail (in `trx` if given); it goes out soon after the transaction commits. */
  async enqueue(
    trx: Transaction<Schema> | undefined,
    mails: readonly (OutgoingMail & { messageId: string })[],
  ): Promise<void> {
    if (!this.enabled || mails.length === 0) return;
    const at = this.#now().toISOString();
    await this.#repo.insert(
      trx,
      mails.map((mail) => ({
        created_at: at,
        recipient: mail.to,
        subject: mail.subject,
        body: mail.text,
        reply_to: mail.replyTo,
        message_id: mail.messageId,
        in_reply_to: mail.inReplyTo ?? null,
        refs: JSON.stringify(mail.references ?? []),
        attempts: 0,
        next_attempt_at: at,
        sent_at: null,
        failed_at: null,
        last_error: null,
      })),
    );
    if (!trx) this.kick();
  }

  /** Starts the loop that sends due mail. */
  start(): void {
    if (!this.enabled || this.#timer) return;
    this.#timer = setInterval(() => this.kick(), this.#pollMs);
    this.#timer.unref();
    this.kick();
  }

  /** Looks for due mail now (after a commit that queued some). */
  kick(): void {
    if (!this.enabled || this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.flush()
      .catch((error: unknown) => {
        this.#counts.inc(1, { result: 'error' });
        logBackgroundError('mail outbox', error);
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Sends every mail that is due, one after another; resolves when none is left. */
  async flush(): Promise<void> {
    const sender = this.#sender;
    if (!sender) return;
    for (;;) {
      const due = await this.#repo.due(this.#now().toISOString(), 50);
      if (due.length === 0 || this.#closed) return;
      for (const row of due) {
        try {
          await sender.send({
            to: row.recipient,
            subject: row.subject,
            text: row.body,
            replyTo: row.reply_to,
            messageId: row.message_id,
            inReplyTo: row.in_reply_to ?? undefined,
            references: JSON.parse(row.refs) as string[],
          });
          await this.#repo.markSent(Number(row.id), this.#now().toISOString());
          this.#counts.inc(1, { result: 'sent' });
        } catch (error) {
          const attempts = row.attempts + 1;
          const code = (error as { responseCode?: number }).responseCode ?? 0;
          const final = code >= 500 || attempts >= MAX_ATTEMPTS;
          const now = this.#now();
          await this.#repo.markFailed(Number(row.id), {
            attempts,
            error: (error as Error).message.slice(0, 500),
            at: now.toISOString(),
            retryAt: final
              ? undefined
              : new Date(now.getTime() + FIRST_RETRY_MS * 2 ** (attempts - 1)).toISOString(),
          });
          this.#counts.inc(1, { result: final ? 'failed' : 'retry' });
        }
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
    this.#sender?.close();
  }
}
