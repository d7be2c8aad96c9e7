import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import {
  ATTACHMENT_LIMITS,
  automaticReason,
  firstAddress,
  threadOf,
  type IncomingMail,
  type MailAttachment,
} from './incoming-mail.ts';

/** The largest mail accepted; larger ones are refused during DATA with 552 (RFC 5321 §4.5.3.1.10). */
export const MAX_MAIL_BYTES = 25 * 1024 * 1024;

export type MailIntakeOptions = {
  /** Whether a recipient address is one of ours (the help address, a service's). */
  accepts(address: string): boolean;
  /** Takes a mail; a rejection makes the sender's server try again later (451). */
  deliver(mail: IncomingMail): Promise<void>;
  maxBytes?: number;
};

/** An SMTP error with the reply code the client sees. */
class SmtpReply extends Error {
  readonly responseCode: number;

  constructor(responseCode: number, message: string) {
    super(message);
    this.responseCode = responseCode;
  }
}

/**
 * Allmende receives its mail itself: an SMTP server (smtp-server) that takes mail for the
 * desk's addresses only, parses it (mailparser) and hands it on. It is meant to sit behind the
 * cooperative's MX (which does TLS and spam filtering) or to run on a local port for a start.
 *
 * A mail is acknowledged (250) only after `deliver` stored it, so nothing is lost: a crash or
 * a failing store answers 451 and the sending server retries.
 */
export class MailIntake {
  readonly #server: SMTPServer;
  readonly #options: Required<MailIntakeOptions>;

  constructor(options: MailIntakeOptions) {
    this.#options = { maxBytes: MAX_MAIL_BYTES, ...options };
    this.#server = new SMTPServer({
      name: 'allmende',
      banner: 'Allmende help desk',
      size: this.#options.maxBytes,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => callback(this.#checkRecipient(address)),
      onData: (stream, session, callback) => {
        this.#receive(stream, session).then(
          () => callback(),
          (error: unknown) => callback(error as Error),
        );
      },
    });
    // A client that misbehaves is the client's problem: never crash the server for it.
    this.#server.on('error', () => {});
  }

  /** Listens on `host:port` (port 0 picks one); resolves with the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #deliver(mail: IncomingMail): Promise<void> {
    try {
      await this.#options.deliver(mail);
    } catch {
      throw new SmtpReply(451, '4.3.0 the mail could not be stored; try again later');
    }
  }

  #checkRecipient(address: SMTPServerAddress): Error | null {
    return this.#options.accepts(address.address.toLowerCase())
      ? null
      : new SmtpReply(550, `5.1.1 <${address.address}>: no such address here`);
  }

  async #receive(stream: Readable, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded) {
      throw new SmtpReply(552, `5.3.4 a mail is at most ${this.#options.maxBytes} bytes`);
    }
    const raw = new Uint8Array(Buffer.concat(chunks));
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const mail = await parseMail(raw, envelopeFrom);
    for (const rcpt of session.envelope.rcptTo) {
      await this.#deliver({ ...mail, recipient: rcpt.address.toLowerCase() });
    }
  }
}

/**
 * Reads a mail as the desk takes it. Never throws: unreadable MIME still yields the raw source,
 * with no text of its own, so that it reaches the desk and nothing is lost.
 */
export async function parseMail(
  raw: Uint8Array,
  envelopeFrom: string,
): Promise<Omit<IncomingMail, 'recipient'>> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(Buffer.from(raw), { skipHtmlToText: false, skipTextLinks: true });
  } catch {
    parsed = { headers: new Map(), attachments: [], headerLines: [], html: false };
  }
  const sender = firstAddress(parsed.from);
  const { kept, dropped } = limitAttachments(parsed.attachments);
  return {
    envelopeFrom: envelopeFrom.toLowerCase(),
    from: sender.address || envelopeFrom.toLowerCase(),
    fromName: sender.name,
    subject: parsed.subject ?? '',
    messageId: parsed.messageId,
    thread: threadOf(parsed),
    text: parsed.text ?? '',
    attachments: kept,
    droppedAttachments: dropped,
    automatic: automaticReason(
      parsed.headers,
      envelopeFrom,
      headerValue(parsed.headers.get('content-type')),
    ),
    raw,
  };
}

function headerValue(value: unknown): string {
  if (typeof value === 'string') return value.toLowerCase();
  if (value && typeof value === 'object' && 'value' in value) {
    return String(value.value).toLowerCase();
  }
  return '';
}

function limitAttachments(attachments: ParsedMail['attachments']): {
  kept: MailAttachment[];
  dropped: string[];
} {
  const kept: MailAttachment[] = [];
  const dropped: string[] = [];
  for (const attachment of attachments) {
    const filename = attachment.filename ?? 'attachment';
    if (attachment.size > ATTACHMENT_LIMITS.each || kept.length >= ATTACHMENT_LIMITS.count) {
      dropped.push(filename);
    } else {
      kept.push({
        filename,
        contentType: attachment.contentType,
        content: new Uint8Array(attachment.content),
      });
    }
  }
  return { kept, dropped };
}
