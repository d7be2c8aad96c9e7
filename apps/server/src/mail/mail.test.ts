import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { automaticReason, threadOf, ticketOfAddress, type IncomingMail } from './incoming-mail.ts';
import { MailIntake } from './mail-intake.ts';
import { MailSender } from './mail-sender.ts';

const OURS = new Set(['help@coop.test', 'mail@coop.test']);
const accepts = (address: string) => OURS.has(address) || /^help\+\d+@coop\.test$/.test(address);

/** Speaks SMTP by hand, for what a polite client would never send; answers every reply code. */
async function rawSmtp(port: number, lines: string[]): Promise<number[]> {
  const socket: Socket = connect(port, '127.0.0.1');
  const codes: number[] = [];
  let buffer = '';
  const replies: ((code: number) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^\d{3} /.test(line)) replies.shift()?.(Number(line.slice(0, 3)));
    }
  });
  const reply = () => new Promise<number>((resolve) => replies.push(resolve));
  codes.push(await reply());
  let inData = false;
  for (const line of lines) {
    // The message itself gets no reply until its closing ".".
    if (inData && line !== '.') {
      socket.write(`${line}\r\n`);
      continue;
    }
    const next = reply();
    socket.write(`${line}\r\n`);
    codes.push(await next);
    inData = line === 'DATA';
  }
  socket.end();
  return codes;
}

describe('mail intake over real SMTP', () => {
  let intake: MailIntake;
  let port: number;
  let received: IncomingMail[];
  let failing: boolean;

  beforeEach(async () => {
    received = [];
    failing = false;
    intake = new MailIntake({
      accepts,
      deliver: async (mail) => {
        if (failing) throw new Error('the database is away');
        received.push(mail);
      },
    });
    port = await intake.listen('127.0.0.1', 0);
  });
  afterEach(async () => {
    await intake.close();
  });

  it('takes a mail sent with nodemailer, and threads an answer to it', async () => {
    const sender = new MailSender(`smtp://127.0.0.1:${port}`, 'Allmende <help@coop.test>');
    try {
      const first = await sender.send({
        to: 'help+42@coop.test',
        subject: 'Webmail is down',
        text: 'Since this morning, webmail answers 502.',
        replyTo: 'help+42@coop.test',
      });
      await sender.send({
        to: 'help@coop.test',
        subject: 'Re: Webmail is down',
        text: 'Works again, thanks!',
        replyTo: 'help+42@coop.test',
        inReplyTo: first,
        references: [first],
      });
    } finally {
      sender.close();
    }
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({
      recipient: 'help+42@coop.test',
      from: 'help@coop.test',
      subject: 'Webmail is down',
      text: 'Since this morning, webmail answers 502.\n',
      automatic: 'Auto-Submitted: auto-generated',
    });
    expect(ticketOfAddress(received[0]!.recipient, 'help')).toBe(42);
    expect(received[1]!.thread).toEqual([received[0]!.messageId]);
    expect(new TextDecoder().decode(received[1]!.raw)).toContain('Works again');
  });

  it('refuses addresses that are not ours, and mail over the limit, storing nothing', async () => {
    const sender = new MailSender(`smtp://127.0.0.1:${port}`, 'someone@example.org');
    try {
      await expect(
        sender.send({
          to: 'root@coop.test',
          subject: 's',
          text: 't',
          replyTo: 'someone@example.org',
        }),
      ).rejects.toMatchObject({ responseCode: 550 });
      // A 30 MB mail, over the default limit of 25 MiB.
      const huge = 'x'.repeat(30 * 1000 * 1000);
      await expect(
        sender.send({
          to: 'help@coop.test',
          subject: 'big',
          text: huge,
          replyTo: 'someone@example.org',
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
    } finally {
      sender.close();
    }
    expect(received).toEqual([]);
  });

  it('answers 451 when the mail cannot be stored, so the sender tries again', async () => {
    failing = true;
    const codes = await rawSmtp(port, [
      'EHLO client.example',
      'MAIL FROM:<ana@example.org>',
      'RCPT TO:<help@coop.test>',
      'DATA',
      'Subject: hello\r\n\r\nbody',
      '.',
      'QUIT',
    ]);
    expect(codes).toEqual([220, 250, 250, 250, 354, 451, 221]);
  });

  it('keeps malformed MIME as raw source, and recognises a bounce', async () => {
    const broken = [
      'From: Ana <ana@example.org>',
      'Subject: =?utf-8?B?broken',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      '!!!not base64!!!',
    ].join('\r\n');
    const codes = await rawSmtp(port, [
      'EHLO client.example',
      'MAIL FROM:<>',
      'RCPT TO:<help@coop.test>',
      'DATA',
      broken,
      '.',
      'QUIT',
    ]);
    expect(codes).toEqual([220, 250, 250, 250, 354, 250, 221]);
    expect(received).toHaveLength(1);
    expect(received[0]!.automatic).toBe('a bounce');
    expect(new TextDecoder().decode(received[0]!.raw)).toContain('!!!not base64!!!');
  });
});

describe('what a mail says about itself', () => {
  const headers = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('recognises machines (RFC 3834 and older conventions) but not people', () => {
    expect(
      automaticReason(headers({ 'auto-submitted': 'auto-replied' }), 'a@b', 'text/plain'),
    ).toBe('Auto-Submitted: auto-replied');
    expect(
      automaticReason(headers({ 'auto-submitted': 'no' }), 'a@b', 'text/plain'),
    ).toBeUndefined();
    expect(automaticReason(headers({ precedence: 'bulk' }), 'a@b', 'text/plain')).toBe(
      'Precedence: bulk',
    );
    expect(automaticReason(headers({ 'x-autoreply': 'yes' }), 'a@b', 'text/plain')).toBe(
      'x-autoreply',
    );
    expect(automaticReason(headers({ 'list-id': '<x.lists>' }), 'a@b', 'text/plain')).toBe(
      'a mailing list',
    );
    expect(
      automaticReason(headers({}), 'a@b', 'multipart/report; report-type=delivery-status'),
    ).toBe('a delivery report');
    expect(automaticReason(headers({}), 'MAILER-DAEMON@mx.example', 'text/plain')).toBe('a bounce');
    expect(automaticReason(headers({}), 'ana@example.org', 'text/plain')).toBeUndefined();
  });

  it('reads plus addresses strictly, and threads by In-Reply-To, then References', () => {
    expect(ticketOfAddress('HELP+7@coop.test', 'help')).toBe(7);
    for (const address of [
      'help+07@coop.test',
      'help+7x@coop.test',
      'helper+7@coop.test',
      'help+@coop.test',
      'help+99999999999@coop.test',
    ]) {
      expect(ticketOfAddress(address, 'help')).toBeUndefined();
    }
    expect(threadOf({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] })).toEqual([
      '<c@x>',
      '<b@x>',
      '<a@x>',
    ]);
    expect(threadOf({ inReplyTo: 'garbage', references: '<a@x> <b@x>' })).toEqual([
      '<b@x>',
      '<a@x>',
    ]);
  });
});
