import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the sink received: its envelope and what mailparser read of it. */
export type SunkMail = { to: string[]; from: string; mail: ParsedMail; raw: string };

/**
 * A real SMTP server that plays the cooperative's relay in tests: it takes every mail and keeps
 * it, so that a test can read what Allmende sent, and to whom.
 */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  readonly #server: SMTPServer;
  #port = 0;

  constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (mail) => {
              this.mails.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                mail,
                raw: raw.toString('utf8'),
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.server.address() as AddressInfo).port;
    return this;
  }

  /** Mail to `address`, oldest first. */
  to(address: string): SunkMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits for the `count`-th mail to `address` (1 = the first) and answers it. */
  async waitFor(address: string, count = 1, ms = 10_000): Promise<SunkMail> {
    const deadline = Date.now() + ms;
    for (;;) {
      const mail = this.to(address)[count - 1];
      if (mail) return mail;
      if (Date.now() > deadline) {
        throw new Error(
          `no mail number ${count} to ${address} within ${ms} ms; the sink holds ${this.mails.length}: ${this.mails.map((m) => `${m.to.join(',')}: ${m.mail.subject}`).join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
