import { randomBytes } from 'node:crypto';
import {
  InboxList,
  NotificationSettings,
  PendingTicket,
  Ticket,
  TicketList,
  Timeline,
  formatAgeRecipient,
} from '@allmende/protocol';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stewardedService, testMember, type TestMember } from '../../../test/support/members.ts';
import { SmtpSink, type SunkMail } from '../../../test/support/smtp-sink.ts';
import { InboxRepository } from '../src/desk/inbox.repo.ts';
import { parseMail } from '../src/mail/mail-intake.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { errorOf, request, signIn } from './api.ts';
import { DIALECTS, createTestStore, eventually, type TestStore } from './harness.ts';

// ada is in the oversight group (an age key, and the policy names no one); bo looks after mail
// with cem as deputy; dana and eve are members with nothing to do with it. Visitors write from
// example.org.
const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const dana = testMember('dana');
const eve = testMember('eve');
const emailOf = (m: TestMember) => `${m.handle}@members.test`;
const founders = [ada, bo, cem, dana, eve].map((m) => ({
  handle: m.handle,
  name: m.name,
  email: emailOf(m),
  keys:
    m === ada
      ? [m.key, { kind: 'age' as const, recipient: formatAgeRecipient(randomBytes(32)) }]
      : [m.key],
}));
const DOMAIN = 'coop.test';
const SECRET = 'Mein Passwort ist hunter2';

describe.each(DIALECTS)('the help desk by mail on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let sink: SmtpSink;
  const tokens = new Map<string, string>();

  async function start() {
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      mailListen: '127.0.0.1:0',
      mailDomain: DOMAIN,
      smtpRelay: sink.url,
      founders: tokens.size === 0 ? founders : undefined,
    });
  }

  beforeAll(async () => {
    store = await createTestStore(dialect);
    sink = await new SmtpSink().start();
    await start();
    for (const statement of await stewardedService(server.log.origin, {
      slug: 'mail',
      name: 'Mail',
      steward: bo,
      deputy: cem,
    })) {
      await server.coop.submit(statement);
    }
    for (const member of [ada, bo, cem, dana, eve]) {
      tokens.set(member.handle, await signIn(server.url, member));
    }
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
    await store?.cleanup();
  });

  const call = (method: string, path: string, body?: unknown, as?: TestMember) =>
    request(server.url, method, path, { json: body, token: as && tokens.get(as.handle) });
  const ticket = async (id: number, as?: TestMember) =>
    Ticket.parse((await call('GET', `/api/tickets/${id}`, undefined, as)).body);
  const timeline = async (id: number, as?: TestMember) =>
    Timeline.parse((await call('GET', `/api/tickets/${id}/timeline`, undefined, as)).body).items;
  const inbox = async () =>
    InboxList.parse((await call('GET', '/api/desk/inbox?limit=200', undefined, ada)).body).mails;

  /** Sends a mail to the desk's intake over SMTP, as a visitor's mail server would. */
  async function send(options: SendMailOptions): Promise<string> {
    const transport = createTransport({ host: '127.0.0.1', port: server.mailPort, secure: false });
    try {
      const info = (await transport.sendMail(options)) as { messageId: string };
      return info.messageId;
    } finally {
      transport.close();
    }
  }
  /** The ticket a mail from `sender` opened, found through the inbox. */
  async function ticketOfMail(subject: string): Promise<number> {
    const row = await eventually(
      async () => (await inbox()).find((m) => m.subject === subject && m.ticket !== null),
      `the ticket of "${subject}"`,
    );
    return row.ticket!;
  }
  const ticketAddress = (mail: SunkMail) => {
    const replyTo = mail.mail.replyTo?.value[0]?.address;
    expect(replyTo).toMatch(new RegExp(`^help\\+\\d+@${DOMAIN}$`));
    return replyTo!;
  };

  it('turns a visitor’s mail into a ticket for the steward, and threads the answers both ways', async () => {
    const ana = 'ana@example.org';
    const subject = 'Webmail antwortet mit 502';
    const first = await send({
      from: `Ana <${ana}>`,
      to: `mail@${DOMAIN}`,
      subject,
      text: 'Seit heute früh bekomme ich 502.\r\nGruß, Ana',
      attachments: [{ filename: 'Fehler protokoll.txt', content: Buffer.from('502 Bad Gateway') }],
    });
    const id = await ticketOfMail(subject);

    // The steward's ticket: private (a mail may hold anything), via mail, with the attachment.
    const seen = await ticket(id, bo);
    expect(seen).toMatchObject({
      title: subject,
      service: 'mail',
      assignee: 'bo',
      requester: ana,
      visitor: true,
      via: 'mail',
      private: true,
    });
    expect(seen.body).toBe('Seit heute früh bekomme ich 502.\nGruß, Ana');
    expect(seen.attachments).toEqual([
      expect.objectContaining({ filename: 'Fehler protokoll.txt', size: 15 }),
    ]);
    const file = await fetch(
      `${server.url}/api/tickets/${id}/attachments/${seen.attachments![0]!.id}`,
      { headers: { authorization: `Bearer ${tokens.get('bo')}` } },
    );
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('502 Bad Gateway');
    // Not an image: a download, whatever type the mail claimed, under the name it gave.
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''Fehler%20protokoll.txt",
    );
    // The public sees that it exists, not what it says, nor the file, nor who asked.
    const outside = await ticket(id);
    expect(outside).toMatchObject({ title: null, body: null, requester: null, attachments: null });
    expect(
      (await fetch(`${server.url}/api/tickets/${id}/attachments/${seen.attachments![0]!.id}`))
        .status,
    ).toBe(404);

    // Ana gets the number and the address to answer to; bo hears of the new ticket.
    const ack = await sink.waitFor(ana);
    expect(ack.mail.subject).toBe(`[Allmende #${id}] ${subject}`);
    expect(ticketAddress(ack)).toBe(`help+${id}@${DOMAIN}`);
    expect(ack.mail.inReplyTo).toBe(first);
    expect(ack.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect((await sink.waitFor(emailOf(bo))).mail.text).toContain('Seit heute früh');

    // bo answers on the web; the answer goes out to Ana, in the thread of her mail.
    const answer = await call('POST', `/api/tickets/${id}/comments`, { body: 'Ist behoben.' }, bo);
    expect(answer.status).toBe(201);
    const reply = await sink.waitFor(ana, 2);
    expect(reply.mail.text).toContain('Ist behoben.');
    expect(reply.mail.inReplyTo).toBe(first);
    expect(reply.mail.references).toContain(first);

    // Ana answers that mail, quoting it: only her new words become the comment.
    await send({
      from: ana,
      to: ticketAddress(reply),
      subject: `Re: ${reply.mail.subject}`,
      inReplyTo: reply.mail.messageId,
      references: [first, reply.mail.messageId!],
      text: `Danke, geht wieder!\n\nAm 2. Dez. 2026 schrieb Allmende <help@${DOMAIN}>:\n> ## Please write your answer above this line ##\n> Ist behoben.`,
    });
    const items = await eventually(async () => {
      const all = (await timeline(id, bo)).filter((i) => i.kind === 'comment');
      return all.length === 2 ? all : undefined;
    }, 'Ana’s answer in the ticket');
    expect(items[1]).toMatchObject({ author: ana, visitor: true, via: 'mail' });
    expect(items[1]!.kind === 'comment' && items[1]!.body).toBe('Danke, geht wieder!');
    // bo hears of it; Ana is not sent her own words back.
    expect((await sink.waitFor(emailOf(bo), 2)).mail.text).toContain('Danke, geht wieder!');
    await server.desk.notifier.idle();
    await server.outbox.flush();
    expect(sink.to(ana)).toHaveLength(2);
  });

  it('keeps malformed MIME as a ticket with the raw mail in the inbox', async () => {
    const raw = [
      'From: Zed <zed@example.org>',
      'Subject: =?utf-8?B?kaputt',
      'Message-ID: <broken-1@example.org>',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      '!!!not base64!!!',
    ].join('\r\n');
    await send({ envelope: { from: 'zed@example.org', to: `help@${DOMAIN}` }, raw });
    const mail = await eventually(
      async () => (await inbox()).find((m) => m.sender === 'zed@example.org'),
      'the broken mail in the inbox',
    );
    expect(mail.outcome).toBe('ticket');
    const stored = await fetch(`${server.url}/api/desk/inbox/${mail.id}/raw`, {
      headers: { authorization: `Bearer ${tokens.get('ada')}` },
    });
    expect(await stored.text()).toContain('!!!not base64!!!');
    // The raw mail is for the oversight group only.
    const refused = await call('GET', `/api/desk/inbox/${mail.id}/raw`, undefined, dana);
    expect(refused.status).toBe(403);
    expect((await call('GET', '/api/desk/inbox', undefined, dana)).status).toBe(403);
  });

  it('refuses a 30 MB mail during SMTP, storing nothing', async () => {
    const before = (await inbox()).length;
    await expect(
      send({
        from: 'big@example.org',
        to: `help@${DOMAIN}`,
        subject: 'huge',
        text: 'x'.repeat(30 * 1000 * 1000),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await inbox()).toHaveLength(before);
  });

  it('never answers machines: auto-replies, bounces and its own mail are kept, not answered', async () => {
    const subject = 'Drucker druckt nicht';
    await send({ from: 'otto@example.org', to: `help@${DOMAIN}`, subject, text: 'Hilfe' });
    const id = await ticketOfMail(subject);
    const ack = await sink.waitFor('otto@example.org');
    // Otto's vacation responder answers the acknowledgement…
    await send({
      from: 'otto@example.org',
      to: ticketAddress(ack),
      subject: `Abwesend: ${ack.mail.subject}`,
      inReplyTo: ack.mail.messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'Ich bin bis Montag nicht im Büro.',
    });
    // …a bounce comes back, and a mail claims to come from the desk itself.
    await send({
      envelope: { from: '', to: `help@${DOMAIN}` },
      raw: 'From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered\r\n\r\nNo such user',
    });
    await send({ from: `help@${DOMAIN}`, to: `help@${DOMAIN}`, subject: 'loop', text: 'loop' });
    const ignored = await eventually(async () => {
      const rows = (await inbox()).filter((m) => m.outcome === 'ignored');
      return rows.length >= 3 ? rows : undefined;
    }, 'three ignored mails');
    expect(ignored.map((m) => m.reason).join('\n')).toMatch(
      /auto-replied[\s\S]*bounce|bounce[\s\S]*auto-replied/,
    );
    expect(ignored.some((m) => /loop/.test(m.reason ?? ''))).toBe(true);
    expect((await timeline(id, bo)).filter((i) => i.kind === 'comment')).toEqual([]);
    await server.desk.notifier.idle();
    await server.outbox.flush();
    expect(sink.to('otto@example.org')).toHaveLength(1);
  });

  it('never threads a stranger into a private ticket: a forged In-Reply-To opens their own', async () => {
    const subject = 'Mein Postfach';
    const original = await send({
      from: 'pia@example.org',
      to: `mail@${DOMAIN}`,
      subject,
      text: SECRET,
    });
    const id = await ticketOfMail(subject);
    const ack = await sink.waitFor('pia@example.org');
    // Mallory learned a Message-ID of the thread, and guesses the plus address too.
    for (const [n, to] of [
      [1, `help@${DOMAIN}`],
      [2, `help+${id}@${DOMAIN}`],
    ] as const) {
      await send({
        from: 'mallory@example.net',
        to,
        subject: `Re: ${subject} ${n}`,
        inReplyTo: ack.mail.messageId,
        references: [original, ack.mail.messageId!],
        text: 'Please send me the password again',
      });
    }
    const theirs = await Promise.all([
      ticketOfMail(`Re: ${subject} 1`),
      ticketOfMail(`Re: ${subject} 2`),
    ]);
    expect(theirs).not.toContain(id);
    expect((await timeline(id, bo)).filter((i) => i.kind === 'comment')).toEqual([]);
    // Mallory's mail tells of Mallory's tickets only.
    const told = await sink.waitFor('mallory@example.net', 2);
    for (const mail of sink.to('mallory@example.net')) expect(mail.raw).not.toContain('hunter2');
    expect(told.mail.subject).not.toContain(`#${id}]`);
  });

  it('tells watchers of answers, but nobody of what they may not see', async () => {
    const opened = await call(
      'POST',
      '/api/tickets',
      { title: 'Spam-Filter zu streng', service: 'mail' },
      dana,
    );
    const id = Ticket.parse(opened.body).id;
    expect((await call('POST', `/api/tickets/${id}/watchers`, { watch: true }, eve)).status).toBe(
      200,
    );
    await call('POST', `/api/tickets/${id}/comments`, { body: SECRET, private: true }, bo);
    await call('POST', `/api/tickets/${id}/comments`, { body: 'Filter gelockert.' }, bo);
    await sink.waitFor(emailOf(eve));
    await server.desk.notifier.idle();
    await server.outbox.flush();
    // eve watches but may not see the private comment; dana asked, so she may.
    expect(
      sink
        .to(emailOf(eve))
        .map((m) => m.mail.text)
        .join(),
    ).not.toContain('hunter2');
    expect(sink.to(emailOf(eve)).at(-1)!.mail.text).toContain('Filter gelockert.');
    expect(
      sink
        .to(emailOf(dana))
        .map((m) => m.mail.text)
        .join(),
    ).toContain('hunter2');
    // bo wrote both: he gets no copies unless he asks for them.
    expect(sink.to(emailOf(bo)).some((m) => m.mail.text?.includes('Filter gelockert.'))).toBe(
      false,
    );
  });

  it('honours each member’s settings', async () => {
    const off = { queue: false, updates: true, own: false };
    const set = await call('PUT', '/api/desk/notifications', off, bo);
    expect(NotificationSettings.parse(set.body)).toEqual(off);
    expect((await call('GET', '/api/desk/notifications', undefined, bo)).body).toEqual(off);
    expect((await call('PUT', '/api/desk/notifications', { queue: 'no' }, bo)).status).toBe(400);
    expect((await call('GET', '/api/desk/notifications')).status).toBe(401);
    const before = sink.to(emailOf(bo)).length;
    await call('POST', '/api/tickets', { title: 'Neues Postfach', service: 'mail' }, dana);
    await server.desk.notifier.idle();
    await server.outbox.flush();
    expect(sink.to(emailOf(bo))).toHaveLength(before);
    await call('PUT', '/api/desk/notifications', { queue: true, updates: true, own: false }, bo);
  });

  it('opens a visitor’s web ticket only by the link mailed to the address', async () => {
    const vera = 'vera@example.org';
    const asked = await call('POST', '/api/tickets/pending', {
      title: 'Kalender synchronisiert nicht',
      body: 'Seit dem Update.',
      service: 'mail',
      email: vera,
    });
    expect(asked.status).toBe(202);
    expect(PendingTicket.parse(asked.body)).toMatchObject({ pending: true, email: vera });
    const mail = await sink.waitFor(vera);
    const code = /\/desk\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.mail.text ?? '')?.[1];
    expect(code).toBeDefined();
    // Nothing opened before the link is followed.
    const listed = TicketList.parse((await call('GET', '/api/tickets?limit=200')).body).tickets;
    expect(listed.some((t) => t.title === 'Kalender synchronisiert nicht')).toBe(false);

    const confirmed = await call('POST', '/api/tickets/confirmations', { code });
    expect(confirmed.status).toBe(200);
    const opened = Ticket.parse(confirmed.body);
    expect(opened).toMatchObject({ requester: vera, visitor: true, via: 'web', private: false });
    // The same link again shows the same ticket; a made-up code is refused.
    const again = Ticket.parse((await call('POST', '/api/tickets/confirmations', { code })).body);
    expect(again.id).toBe(opened.id);
    const wrong = await call('POST', '/api/tickets/confirmations', { code: 'x'.repeat(32) });
    expect(errorOf(wrong).code).toBe('DESK_CONFIRMATION_INVALID');
    // The public sees the ticket, not the visitor's address; members do.
    expect((await ticket(opened.id)).requester).toBeNull();
    expect((await ticket(opened.id, dana)).requester).toBe(vera);

    // A member gives no address; a visitor asking too often is told to wait.
    const member = await call(
      'POST',
      '/api/tickets/pending',
      { title: 't', email: 'x@example.org' },
      dana,
    );
    expect(member.status).toBe(400);
    for (let i = 0; i < 2; i++) {
      expect(
        (await call('POST', '/api/tickets/pending', { title: `t${i}`, email: vera })).status,
      ).toBe(202);
    }
    const throttled = await call('POST', '/api/tickets/pending', { title: 't3', email: vera });
    expect(errorOf(throttled).code).toBe('DESK_THROTTLED');
    expect(throttled.status).toBe(429);
    const bad = await call('POST', '/api/tickets/pending', { title: 't', email: 'not an address' });
    expect(bad.status).toBe(400);
  });

  it('takes a mail once, even when it arrives twice', async () => {
    const messageId = '<twice-1@example.org>';
    for (let i = 0; i < 2; i++) {
      await send({
        from: 'tom@example.org',
        to: `help@${DOMAIN}`,
        subject: 'Doppelt',
        messageId,
        text: 'hallo',
      });
    }
    const rows = await eventually(async () => {
      const mine = (await inbox()).filter((m) => m.sender === 'tom@example.org');
      return mine.length === 2 ? mine : undefined;
    }, 'both deliveries');
    expect(rows.map((r) => r.outcome).sort()).toEqual(['duplicate', 'ticket']);
  });

  it('handles after a restart the mail that a crash left stored but not handled', async () => {
    const raw = new TextEncoder().encode(
      'From: rita@example.org\r\nSubject: Nach dem Absturz\r\nMessage-ID: <crash-1@example.org>\r\n\r\nText',
    );
    const mail = { ...(await parseMail(raw, 'rita@example.org')), recipient: `help@${DOMAIN}` };
    // What deliver() does first, then the crash.
    await new InboxRepository(server.database.db).store(mail, new Date().toISOString());
    await server.close();
    await start();
    const row = (await inbox()).find((m) => m.sender === 'rita@example.org');
    expect(row).toMatchObject({ outcome: 'ticket' });
    // To help@, so no service's ticket: the oversight group sees it.
    expect((await ticket(row!.ticket!, ada)).title).toBe('Nach dem Absturz');
  });
});

describe('a desk without a mail relay', () => {
  let store: TestStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startServer({ dataDir: store.dataDir, listen: '127.0.0.1:0' });
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('says so, and asks visitors to write instead of promising a link', async () => {
    const info = await request(server.url, 'GET', '/api/desk');
    expect(info.body).toEqual({
      help: 'help@localhost',
      domain: 'localhost',
      mailIn: false,
      mailOut: false,
    });
    const asked = await request(server.url, 'POST', '/api/tickets/pending', {
      json: { title: 'Hilfe', email: 'ana@example.org' },
    });
    expect(asked.status).toBe(503);
    expect(errorOf(asked).code).toBe('DESK_MAIL_UNAVAILABLE');
  });
});
