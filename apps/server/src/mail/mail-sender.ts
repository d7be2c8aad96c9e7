import { createTransport, type Transporter } from 'nodemailer';

/** A mail the cooperative sends: a notification, or a steward's answer to a requester. */
export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  /** Where answers go: `help+<ticket>@…`, so that they thread into their ticket. */
  replyTo: string;
  /** Our Message-ID for it, `<…@…>`; nodemailer makes one when it is missing. */
  messageId?: string;
  /** The Message-ID this answers, for mail clients to thread. */
  inReplyTo?: string;
  references?: string[];
};

/**
 * Sends mail through the configured SMTP relay (nodemailer). Every mail is marked as sent
 * automatically (RFC 3834), so that well-behaved auto-responders never answer it.
 */
export class MailSender {
  readonly #transport: Transporter;
  readonly #from: string | { name: string; address: string };

  /**
   * `relay` is an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.coop.example:587; `from`
   * an address, or a name and an address (quoted as the name needs).
   */
  constructor(relay: string, from: string | { name: string; address: string }) {
    this.#transport = createTransport(relay);
    this.#from = from;
  }

  /** Sends a mail; resolves with its Message-ID. */
  async send(mail: OutgoingMail): Promise<string> {
    const info = (await this.#transport.sendMail({
      from: this.#from,
      to: mail.to,
      replyTo: mail.replyTo,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      headers: { 'Auto-Submitted': 'auto-generated' },
    })) as { messageId: string };
    return info.messageId;
  }

  close(): void {
    this.#transport.close();
  }
}
