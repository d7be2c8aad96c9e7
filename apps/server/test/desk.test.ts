import { randomBytes } from 'node:crypto';
import { encodeHex, encodeUtf8 } from '@allmende/bytes';
import {
  ServiceDesk,
  Ticket,
  TicketList,
  Timeline,
  TimelineItem,
  canonicalize,
  formatAgeRecipient,
} from '@allmende/protocol';
import { replayStatements } from '@allmende/rules';
import { sha256 } from '@allmende/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  draft,
  signedBy,
  stewardedService,
  testMember,
  type TestMember,
} from '../../../test/support/members.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { errorOf, request, signIn } from './api.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

// ada is in the oversight group (she holds an age key and the policy names no one), bo looks
// after mail with cem as his deputy, dana is a member with nothing to do with it, and eve asks.
const ada = testMember('ada');
const bo = testMember('bo');
const cem = testMember('cem');
const dana = testMember('dana');
const eve = testMember('eve');
const founders = [ada, bo, cem, dana, eve].map((m) => ({
  handle: m.handle,
  name: m.name,
  keys:
    m === ada
      ? [m.key, { kind: 'age' as const, recipient: formatAgeRecipient(randomBytes(32)) }]
      : [m.key],
}));

const SECRET_TITLE = 'Mein Passwort hunter2 ist geleakt';
const SECRET_BODY = 'Meine Adresse: Geheimweg 7, 12345 Irgendwo';
const SECRET_COMMENT = 'Die IBAN lautet DE00 1234';

describe.each(DIALECTS)('the help desk on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders,
    });
    // wiki has no steward: its tickets go to the unassigned queue.
    const statements = [
      ...(await stewardedService(server.log.origin, { slug: 'mail', steward: bo, deputy: cem })),
      (await stewardedService(server.log.origin, { slug: 'wiki', steward: bo }))[0]!,
    ];
    for (const statement of statements) await server.coop.submit(statement);
    for (const member of [ada, bo, cem, dana, eve])
      tokens.set(member.handle, await signIn(server.url, member));
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  const call = (method: string, path: string, body?: unknown, as?: TestMember) =>
    request(server.url, method, path, { json: body, token: as && tokens.get(as.handle) });

  async function open(as: TestMember, ticket: Record<string, unknown>): Promise<Ticket> {
    const reply = await call('POST', '/api/tickets', ticket, as);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return Ticket.parse(reply.body);
  }
  const get = async (id: number, as?: TestMember) =>
    Ticket.parse((await call('GET', `/api/tickets/${id}`, undefined, as)).body);
  const list = async (query: string, as?: TestMember) => {
    const reply = await call('GET', `/api/tickets?${query}`, undefined, as);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return TicketList.parse(reply.body).tickets;
  };
  const patch = (id: number, changes: unknown, as: TestMember) =>
    call('PATCH', `/api/tickets/${id}`, changes, as);
  const comment = async (id: number, body: string, as: TestMember, isPrivate = false) => {
    const reply = await call(
      'POST',
      `/api/tickets/${id}/comments`,
      { body, private: isPrivate },
      as,
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return TimelineItem.parse(reply.body);
  };
  const away = async (member: TestMember, isAway: boolean) =>
    server.coop.submit(
      await signedBy(
        draft('steward.away', member.handle, { handle: member.handle, away: isAway }),
        server.log.origin,
        member,
      ),
    );

  it('routes a ticket to the steward, to the deputy while the steward is away, else to nobody', async () => {
    const mail = await open(eve, { title: 'Mail bounces', body: 'Since Monday.', service: 'mail' });
    expect(mail).toMatchObject({
      status: 'new',
      assignee: 'bo',
      taken: false,
      requester: 'eve',
      watchers: ['eve'],
      priority: 'normal',
    });
    const loose = await open(eve, { title: 'Where do I ask?' });
    const unstewarded = await open(dana, { title: 'Wiki is slow', service: 'wiki' });
    expect([loose.assignee, unstewarded.assignee]).toEqual([null, null]);

    // Routing follows the stewards at read time.
    await away(bo, true);
    expect((await get(mail.id)).assignee).toBe('cem');
    expect((await list('assignee=cem')).map((t) => t.id)).toContain(mail.id);
    expect((await list('assignee=bo')).map((t) => t.id)).not.toContain(mail.id);
    await away(bo, false);
    expect((await get(mail.id)).assignee).toBe('bo');

    const unassigned = (await list('unassigned=1')).map((t) => t.id);
    expect(unassigned).toEqual(expect.arrayContaining([loose.id, unstewarded.id]));
    expect(unassigned).not.toContain(mail.id);
    expect((await list('queue=1', cem)).map((t) => t.id)).toContain(mail.id);
    expect((await list('queue=1', dana)).map((t) => t.id)).not.toContain(mail.id);
    expect((await list('mine=1', dana)).map((t) => t.id)).toEqual([unstewarded.id]);
    expect((await list('service=mail')).every((t) => t.service === 'mail')).toBe(true);
    expect((await call('GET', '/api/tickets?mine=1')).status).toBe(401);

    // A steward takes it; a member who does not look after mail cannot be given it.
    const taken = await patch(mail.id, { assignee: 'cem' }, bo);
    expect(Ticket.parse(taken.body)).toMatchObject({ assignee: 'cem', taken: true });
    const refused = await patch(mail.id, { assignee: 'dana' }, bo);
    expect(refused.status).toBe(400);
    expect(errorOf(refused).code).toBe('DESK_BAD_ASSIGNEE');
    // Anyone may pick up a public ticket that no steward looks after.
    expect(Ticket.parse((await patch(loose.id, { assignee: 'dana' }, dana)).body).assignee).toBe(
      'dana',
    );
    // Moved to another service, a ticket is routed anew.
    const moved = Ticket.parse((await patch(unstewarded.id, { service: 'mail' }, dana)).body);
    expect(moved).toMatchObject({ service: 'mail', assignee: 'bo', taken: false });
    expect(errorOf(await patch(unstewarded.id, { service: 'wiki' }, dana)).code).toBe(
      'DESK_NOT_ALLOWED',
    );
    expect(errorOf(await patch(unstewarded.id, { service: 'nope' }, bo)).code).toBe(
      'DESK_UNKNOWN_SERVICE',
    );
    const timeline = Timeline.parse(
      (await call('GET', `/api/tickets/${mail.id}/timeline`)).body,
    ).items;
    expect(timeline).toContainEqual(
      expect.objectContaining({
        kind: 'event',
        field: 'assignee',
        from: 'bo',
        to: 'cem',
        actor: 'bo',
      }),
    );
  });

  it('moves tickets through their statuses, and only who may', async () => {
    const ticket = await open(eve, {
      title: 'Quota',
      body: 'My mailbox is full.',
      service: 'mail',
      labels: ['quota'],
    });
    // The steward's first answer takes it up and starts the clock.
    await comment(ticket.id, 'I will look into it.', bo);
    const answered = await get(ticket.id);
    expect(answered.status).toBe('open');
    expect(answered.firstAnswerAt).not.toBeNull();

    expect((await patch(ticket.id, { status: 'waiting' }, bo)).status).toBe(200);
    await comment(ticket.id, 'Here is the screenshot.', eve);
    expect((await get(ticket.id)).status).toBe('open');

    // Others cannot change it; the requester only closes, resolves, reopens or hides it.
    expect(errorOf(await patch(ticket.id, { status: 'resolved' }, dana)).code).toBe(
      'DESK_NOT_ALLOWED',
    );
    const priority = await patch(ticket.id, { priority: 'urgent' }, eve);
    expect(priority.status).toBe(403);
    expect(errorOf(priority).message).toContain('priority');
    expect(
      Ticket.parse(
        (await patch(ticket.id, { priority: 'high', labels: ['quota', 'storage'] }, bo)).body,
      ),
    ).toMatchObject({
      priority: 'high',
      labels: ['quota', 'storage'],
    });

    const resolved = Ticket.parse((await patch(ticket.id, { status: 'resolved' }, bo)).body);
    expect(resolved.status).toBe('resolved');
    expect(resolved.closedIndex).not.toBeNull();
    const bad = await patch(ticket.id, { status: 'waiting' }, bo);
    expect(bad.status).toBe(409);
    expect(errorOf(bad)).toMatchObject({ code: 'DESK_BAD_TRANSITION' });
    expect(errorOf(bad).message).toContain('open, closed');
    expect(
      Ticket.parse((await patch(ticket.id, { status: 'open' }, eve)).body).closedAt,
    ).toBeNull();
    expect(Ticket.parse((await patch(ticket.id, { status: 'closed' }, eve)).body).status).toBe(
      'closed',
    );

    // What a steward closed, the requester cannot reopen.
    await patch(ticket.id, { status: 'open' }, bo);
    await patch(ticket.id, { status: 'closed' }, bo);
    const reopen = await patch(ticket.id, { status: 'open' }, eve);
    expect(reopen.status).toBe(403);
    expect(errorOf(reopen).message).toContain('bo closed ticket');
    await patch(ticket.id, { status: 'open' }, bo);
    await patch(ticket.id, { status: 'closed' }, eve);

    const events = Timeline.parse((await call('GET', `/api/tickets/${ticket.id}/timeline`)).body)
      .items.filter((i) => i.kind === 'event')
      .map((i) => (i.kind === 'event' ? `${i.field}:${i.from}->${i.to}` : ''));
    expect(events).toEqual([
      'status:new->open',
      'status:open->waiting',
      'status:waiting->open',
      'priority:normal->high',
      'labels:quota->quota, storage',
      'status:open->resolved',
      'status:resolved->open',
      'status:open->closed',
      'status:closed->open',
      'status:open->closed',
      'status:closed->open',
      'status:open->closed',
    ]);
    // Watching.
    const watched = Ticket.parse(
      (await call('POST', `/api/tickets/${ticket.id}/watchers`, { watch: true }, dana)).body,
    );
    expect(watched.watchers).toEqual(['dana', 'eve']);
  });

  it('shows private content only to the requester, the stewards and the oversight group', async () => {
    const secret = await open(eve, {
      title: SECRET_TITLE,
      body: SECRET_BODY,
      service: 'mail',
      private: true,
    });
    await comment(secret.id, SECRET_COMMENT, bo);
    await patch(secret.id, { labels: ['geheim-label'] }, bo);
    const open_ = await open(eve, { title: 'Public question', service: 'mail' });
    const hidden = await comment(open_.id, `privately: ${SECRET_COMMENT}`, bo, true);
    expect(hidden).toMatchObject({ private: true, redacted: false });

    const viewers: [string, TestMember | undefined, boolean][] = [
      ['the public', undefined, false],
      ['an unrelated member', dana, false],
      ['the requester', eve, true],
      ['the steward', bo, true],
      ['the deputy', cem, true],
      ['the oversight group', ada, true],
    ];
    for (const [who, as, allowed] of viewers) {
      const reads = {
        list: await call('GET', '/api/tickets?limit=200', undefined, as),
        get: await call('GET', `/api/tickets/${secret.id}`, undefined, as),
        comments: await call('GET', `/api/tickets/${secret.id}/comments`, undefined, as),
        timeline: await call('GET', `/api/tickets/${secret.id}/timeline`, undefined, as),
        publicComments: await call('GET', `/api/tickets/${open_.id}/comments`, undefined, as),
        publicTimeline: await call('GET', `/api/tickets/${open_.id}/timeline`, undefined, as),
        desk: await call('GET', '/api/services/mail/desk', undefined, as),
      };
      for (const [path, reply] of Object.entries(reads)) {
        expect(reply.status, `${who}: ${path}`).toBe(200);
        const text = JSON.stringify(reply.body);
        for (const needle of [SECRET_TITLE, SECRET_BODY, SECRET_COMMENT, 'geheim-label']) {
          if (path === 'desk') expect(text, `${who}: ${path}`).not.toContain(needle);
          else if (!allowed) expect(text, `${who}: ${path} shows ${needle}`).not.toContain(needle);
        }
      }
      const listed = TicketList.parse(reads.list.body).tickets.find((t) => t.id === secret.id);
      const got = Ticket.parse(reads.get.body);
      for (const view of [listed, got]) {
        // Everyone sees that it exists: its number, status, service and times.
        expect(view, who).toMatchObject({
          id: secret.id,
          status: 'open',
          service: 'mail',
          private: true,
          redacted: !allowed,
          createdAt: secret.createdAt,
        });
        expect(view?.title, who).toBe(allowed ? SECRET_TITLE : null);
        expect(view?.requester, who).toBe(allowed ? 'eve' : null);
      }
      expect(got.body, who).toBe(allowed ? SECRET_BODY : null);
      const comments = Timeline.parse(reads.comments.body).items;
      expect(comments, who).toHaveLength(1);
      expect(comments[0], who).toMatchObject(
        allowed
          ? { body: SECRET_COMMENT, author: 'bo', redacted: false }
          : { body: null, author: null, redacted: true },
      );
      expect(JSON.stringify(reads.timeline.body).includes('geheim-label'), who).toBe(allowed);
      const publicComment = Timeline.parse(reads.publicComments.body).items[0];
      expect(publicComment?.redacted, who).toBe(!allowed);
    }
    // Who may not see it may not take part in it, nor watch it.
    expect(
      errorOf(await call('POST', `/api/tickets/${secret.id}/watchers`, { watch: true }, dana)).code,
    ).toBe('DESK_NOT_ALLOWED');
    expect(
      Ticket.parse(
        (await call('POST', `/api/tickets/${secret.id}/watchers`, { watch: true }, ada)).body,
      ).watchers,
    ).toEqual(['ada', 'eve']);
    expect(
      errorOf(await call('POST', `/api/tickets/${secret.id}/comments`, { body: 'hi' }, dana)).code,
    ).toBe('DESK_NOT_ALLOWED');
    expect(
      errorOf(
        await call(
          'POST',
          `/api/tickets/${open_.id}/comments`,
          { body: 'psst', private: true },
          dana,
        ),
      ).code,
    ).toBe('DESK_NOT_ALLOWED');
  });

  it('logs opening and closing, with only a digest for a private ticket', async () => {
    const start = server.log.size;
    const secret = await open(eve, { title: SECRET_TITLE, body: SECRET_BODY, private: true });
    const plain = await open(eve, { title: 'Printer on fire', body: 'Really.', service: 'mail' });
    await patch(secret.id, { status: 'closed' }, eve);
    await patch(plain.id, { status: 'resolved' }, bo);
    const entries = await server.log.entries(start, server.log.size);
    const statements = entries.map((e) => e.statement);
    const digest = (title: string, body: string) =>
      encodeHex(sha256(encodeUtf8(canonicalize({ title, body }))));
    expect(statements).toEqual([
      expect.objectContaining({
        type: 'ticket.opened',
        actor: 'coop',
        body: {
          ticket: secret.id,
          service: null,
          private: true,
          digest: digest(SECRET_TITLE, SECRET_BODY),
        },
      }),
      expect.objectContaining({
        type: 'ticket.opened',
        body: {
          ticket: plain.id,
          service: 'mail',
          private: false,
          digest: digest('Printer on fire', 'Really.'),
          title: 'Printer on fire',
        },
      }),
      expect.objectContaining({
        type: 'ticket.closed',
        body: { ticket: secret.id, resolution: 'closed' },
      }),
      expect.objectContaining({
        type: 'ticket.closed',
        body: { ticket: plain.id, resolution: 'resolved' },
      }),
    ]);
    expect(entries.map((e) => e.index)).toEqual([
      secret.openedIndex,
      plain.openedIndex,
      (await get(secret.id, eve)).closedIndex,
      (await get(plain.id)).closedIndex,
    ]);
    // Nothing private in the whole log, in its raw bytes; and the log still replays.
    const all = await server.log.entries(0, server.log.size);
    const text = all.map((e) => new TextDecoder().decode(e.entry)).join('\n');
    for (const needle of [SECRET_TITLE, SECRET_BODY, SECRET_COMMENT, 'geheim-label']) {
      expect(text).not.toContain(needle);
    }
    // Nor who asked: the desk's statements never name the requester.
    const desk = entries.filter((e) => e.statement.type.startsWith('ticket.'));
    expect(desk.map((e) => new TextDecoder().decode(e.entry)).join('\n')).not.toContain('eve');
    const replayed = await replayStatements(
      all.map(({ index, statement }) => ({ index, statement })),
    );
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(server.coop.state));
  });

  it('answers bad input with clear errors, and writes nothing', async () => {
    const size = server.log.size;
    const big = await call('POST', '/api/tickets', { title: 'x', body: 'a'.repeat(70_000) }, eve);
    expect(big.status).toBe(400);
    expect(errorOf(big).message).toContain('at most');
    const huge = await call('POST', '/api/tickets', { title: 'x', body: 'a'.repeat(300_000) }, eve);
    expect(huge.status).toBe(413);
    const unknown = await call('POST', '/api/tickets', { title: 'x', service: 'nope' }, eve);
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 'DESK_UNKNOWN_SERVICE' });
    expect(errorOf(unknown).message).toContain('nope');
    const labels = await call('POST', '/api/tickets', { title: 'x', labels: ['Not OK'] }, eve);
    expect(labels.status).toBe(400);
    expect(errorOf(labels).message).toContain('label');
    const many = await call(
      'POST',
      '/api/tickets',
      { title: 'x', labels: Array.from({ length: 21 }, (_, i) => `l${i}`) },
      eve,
    );
    expect(errorOf(many).message).toContain('at most 20 labels');
    expect((await call('POST', '/api/tickets', { title: 'x'.repeat(201) }, eve)).status).toBe(400);
    expect((await call('POST', '/api/tickets', { title: '   ' }, eve)).status).toBe(400);
    const anonymous = await call('POST', '/api/tickets', { title: 'x' });
    expect(anonymous.status).toBe(401);
    const missing = await call('GET', '/api/tickets/999999');
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('DESK_TICKET_NOT_FOUND');
    expect((await call('GET', '/api/tickets/abc')).status).toBe(400);
    expect((await call('PATCH', '/api/tickets/1', {}, bo)).status).toBe(400);
    expect((await call('GET', '/api/services/nope/desk')).status).toBe(404);
    expect(server.log.size).toBe(size);
  });

  it('numbers tickets opened at once in order, and goes on after a restart', async () => {
    const before = TicketList.parse((await call('GET', '/api/tickets?limit=1')).body).tickets[0]!;
    const opened = await Promise.all(
      Array.from({ length: 6 }, (_, i) => open(i % 2 ? eve : dana, { title: `Batch ${i}` })),
    );
    const ids = opened.map((t) => t.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 6 }, (_, i) => before.id + 1 + i));
    const indexes = new Set(opened.map((t) => t.openedIndex));
    expect(indexes.size).toBe(6);

    await server.close();
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
    });
    const next = await open(eve, { title: 'After the restart', service: 'mail' });
    expect(next.id).toBe(ids.at(-1)! + 1);
    expect(next.assignee).toBe('bo');
    expect((await get(opened[0]!.id)).title).toBe('Batch 0');
  });

  it('describes its API in the OpenAPI document', async () => {
    const paths = z
      .object({ paths: z.record(z.string(), z.unknown()) })
      .parse((await call('GET', '/api/openapi.json')).body).paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/tickets',
        '/api/tickets/{id}',
        '/api/tickets/{id}/comments',
        '/api/tickets/{id}/timeline',
        '/api/tickets/{id}/watchers',
        '/api/services/{slug}/desk',
      ]),
    );
  });

  it('shows a service’s desk: open tickets and the time to a first answer', async () => {
    const desk = ServiceDesk.parse((await call('GET', '/api/services/mail/desk')).body);
    expect(desk.service).toBe('mail');
    expect(desk.responsible).toBe('bo');
    expect(desk.open).toBeGreaterThan(0);
    expect(desk.answered).toBeGreaterThan(0);
    expect(desk.medianFirstAnswerSeconds).toBeGreaterThanOrEqual(0);
    expect(desk.tickets.length).toBeGreaterThan(0);
    expect(
      desk.tickets.every((t) => !t.private && ['new', 'open', 'waiting'].includes(t.status)),
    ).toBe(true);
    // Pages: newest first, `before` continues.
    const first = TicketList.parse((await call('GET', '/api/tickets?limit=2')).body);
    expect(first.tickets).toHaveLength(2);
    expect(first.next).toBe(first.tickets[1]!.id);
    const second = TicketList.parse(
      (await call('GET', `/api/tickets?limit=2&before=${first.next}`)).body,
    );
    expect(second.tickets[0]!.id).toBeLessThan(first.next!);
  });
});
