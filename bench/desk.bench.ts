/**
 * The desk benchmark (issue "The help desk and the wiki"): with 100,000 tickets and 10,000 wiki
 * pages, p50 and p99 of the ticket list, a ticket page and a search through the HTTP API, each
 * beside the plain SQL query for the same rows in the same run; and mail intake per second over
 * real SMTP, beside an SMTP server that parses the same mails and stores nothing.
 */
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openCooperative, startServer } from '@allmende/server';
import { sql, type Kysely } from 'kysely';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { draft, signedBy, testMember } from '../test/support/members.ts';
import { createTestStore, type TestDialect } from '../apps/server/test/harness.ts';
import type { Schema } from '../apps/server/src/db/schema.ts';
import { RENDER_VERSION, renderMarkdown } from '../apps/server/src/wiki/render.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', 'work');
const TICKETS = 100_000;
const PAGES = 10_000;
const COMMENTS_PER_TICKET = 3;
const SAMPLES = 1_000;
const MAILS = 2_000;
const SERVICES = ['mail', 'wiki', 'xmpp', 'pads', 'social'];

export type DeskFigures = {
  tickets: number;
  wikiPages: number;
  ticketListP50Ms: number;
  ticketListP99Ms: number;
  baselineTicketListP99Ms: number;
  ticketPageP50Ms: number;
  ticketPageP99Ms: number;
  baselineTicketPageP99Ms: number;
  searchP50Ms: number;
  searchP99Ms: number;
  baselineSearchP99Ms: number;
  mailIntakePerSecond: number;
  baselineSmtpPerSecond: number;
};

export async function benchDesk(
  dialect: TestDialect,
  say: (line: string) => void,
): Promise<DeskFigures> {
  await mkdir(WORK, { recursive: true });
  const store = await createTestStore(dialect, WORK);
  const words = vocabulary();
  try {
    // 1. The cooperative: five services with a steward; then rows written straight into the
    // tables (the log's statements are not what this measures).
    const ada = testMember('ada');
    const config = await loadConfig({ dataDir: store.dataDir, databaseUrl: store.databaseUrl }, {});
    const coop = await openCooperative(config, {
      founders: [{ handle: 'ada', name: 'Ada', keys: [ada.key] }],
    });
    for (const slug of SERVICES) {
      const body = {
        slug,
        name: slug,
        description: '',
        sensitivity: 'private' as const,
        status: 'running' as const,
        addresses: [],
        docPage: null,
        hosts: [],
      };
      await coop.coop.submit(
        await signedBy(draft('service.created', 'ada', body), coop.log.origin, ada),
      );
      await coop.coop.submit(
        await signedBy(
          draft('steward.assigned', 'ada', { service: slug, handle: 'ada', role: 'steward' }),
          coop.log.origin,
          ada,
        ),
      );
    }
    const fillStart = performance.now();
    await fill(coop.database.db, words);
    say(
      `  ${dialect}: ${TICKETS} tickets, ${TICKETS * COMMENTS_PER_TICKET} comments and events, ${PAGES} pages in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`,
    );
    if (dialect === 'postgres') await sql`ANALYZE`.execute(coop.database.db);
    await coop.close();

    const server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      mailListen: '127.0.0.1:0',
    });
    try {
      const db = server.database.db;
      const random = rng(7);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const someId = () => 1 + Math.floor(random() * TICKETS);
      const terms = words.slice(200, 260);
      const get = async (path: string) => {
        const response = await fetch(`${server.url}${path}`);
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        await response.arrayBuffer();
      };

      // 2. The ticket list: a page of 50, newest first, at a random place and for a random
      // service — the desk's page and a service's queue.
      const listQuery = () => ({
        before: someId(),
        service: random() < 0.5 ? pick(SERVICES) : undefined,
      });
      const ticketList = await measure(async () => {
        const { before, service } = listQuery();
        await get(`/api/tickets?limit=50&before=${before}${service ? `&service=${service}` : ''}`);
      });
      const baselineTicketList = await measure(async () => {
        const { before, service } = listQuery();
        let query = db.selectFrom('tickets').selectAll().where('id', '<', before);
        if (service) query = query.where('service', '=', service);
        await query.orderBy('id', 'desc').limit(50).execute();
      });
      say(
        `  ${dialect}: ticket list p99 ${ms(ticketList.p99)} (plain SQL ${ms(baselineTicketList.p99)})`,
      );

      // 3. A ticket's page: the ticket and its timeline, as the web app asks for them.
      const ticketPage = await measure(async () => {
        const id = someId();
        await Promise.all([get(`/api/tickets/${id}`), get(`/api/tickets/${id}/timeline`)]);
      });
      const baselineTicketPage = await measure(async () => {
        const id = someId();
        await Promise.all([
          db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst(),
          db
            .selectFrom('ticket_items')
            .selectAll()
            .where('ticket_id', '=', id)
            .orderBy('id')
            .execute(),
        ]);
      });
      say(
        `  ${dialect}: ticket page p99 ${ms(ticketPage.p99)} (plain SQL ${ms(baselineTicketPage.p99)})`,
      );

      // 4. One search over pages, tickets and comments, ranked, with snippets.
      const search = await measure(async () =>
        get(`/api/search?q=${encodeURIComponent(pick(terms))}`),
      );
      const baselineSearch = await measure(async () => plainSearch(db, dialect, pick(terms)));
      say(`  ${dialect}: search p99 ${ms(search.p99)} (plain SQL ${ms(baselineSearch.p99)})`);

      // 5. Mail in: mails from 2,000 senders to help@, 8 connections.
      const mailIntakePerSecond = await sendMails(
        server.mailPort!,
        (n) => `sender${n}@example.org`,
      );
      const baselineSmtpPerSecond = await withParsingSink((port) =>
        sendMails(port, (n) => `sender${n}@example.org`),
      );
      say(
        `  ${dialect}: mail intake ${mailIntakePerSecond}/s (SMTP and parsing alone ${baselineSmtpPerSecond}/s)`,
      );

      return {
        tickets: TICKETS,
        wikiPages: PAGES,
        ticketListP50Ms: round(ticketList.p50),
        ticketListP99Ms: round(ticketList.p99),
        baselineTicketListP99Ms: round(baselineTicketList.p99),
        ticketPageP50Ms: round(ticketPage.p50),
        ticketPageP99Ms: round(ticketPage.p99),
        baselineTicketPageP99Ms: round(baselineTicketPage.p99),
        searchP50Ms: round(search.p50),
        searchP99Ms: round(search.p99),
        baselineSearchP99Ms: round(baselineSearch.p99),
        mailIntakePerSecond,
        baselineSmtpPerSecond,
      };
    } finally {
      await server.close();
    }
  } finally {
    await store.cleanup();
  }
}

/** Tickets with their comments and events, and wiki pages, in batches of 1,000 rows. */
export async function fill(db: Kysely<Schema>, words: string[]): Promise<void> {
  const random = rng(42);
  const text = (n: number) =>
    Array.from({ length: n }, () => words[Math.floor(words.length * random() ** 2)]!).join(' ');
  const at = (id: number) => new Date(Date.UTC(2025, 0, 1) + id * 60_000).toISOString();
  for (let first = 1; first <= TICKETS; first += 1000) {
    const ids = Array.from({ length: Math.min(1000, TICKETS - first + 1) }, (_, i) => first + i);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('tickets')
        .values(
          ids.map((id) => ({
            id,
            title: text(6),
            body: text(60),
            service: random() < 0.9 ? SERVICES[id % SERVICES.length]! : null,
            requester: random() < 0.7 ? 'ada' : `visitor${id}@example.org`,
            status: ['new', 'open', 'waiting', 'resolved', 'closed'][id % 5]!,
            priority: 'normal',
            labels: '[]',
            private: random() < 0.2 ? 1 : 0,
            assignee: null,
            created_at: at(id),
            updated_at: at(id),
            first_answer_at: at(id + 30),
            closed_at: null,
            opened_idx: 0,
            closed_idx: null,
            via: 'web',
          })),
        )
        .execute();
      await trx
        .insertInto('ticket_items')
        .values(
          ids.flatMap((id) =>
            Array.from({ length: COMMENTS_PER_TICKET }, (_, k) =>
              k === 1
                ? {
                    ticket_id: id,
                    kind: 'event',
                    at: at(id + k),
                    author: 'ada',
                    body: null,
                    private: 0,
                    field: 'status',
                    from_value: 'new',
                    to_value: 'open',
                    via: 'web',
                  }
                : {
                    ticket_id: id,
                    kind: 'comment',
                    at: at(id + k),
                    author: 'ada',
                    body: text(30),
                    private: 0,
                    field: null,
                    from_value: null,
                    to_value: null,
                    via: 'web',
                  },
            ),
          ),
        )
        .execute();
    });
  }
  for (let first = 0; first < PAGES; first += 1000) {
    const pages = Array.from({ length: Math.min(1000, PAGES - first) }, (_, i) => {
      const title = text(4);
      const markdown = `# ${title}\n\n${text(150)}\n\n${text(150)}\n`;
      return { path: `guides/page-${first + i}`, title, markdown };
    });
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('wiki_pages')
        .values(
          pages.map((p) => ({
            path: p.path,
            title: p.title,
            revision: 1,
            author: 'ada',
            updated_at: at(0),
          })),
        )
        .execute();
      await trx
        .insertInto('wiki_revisions')
        .values(
          pages.map((p) => ({
            path: p.path,
            revision: 1,
            markdown: p.markdown,
            size: Buffer.byteLength(p.markdown),
            html: renderMarkdown(p.markdown).html,
            render_version: RENDER_VERSION,
            author: 'ada',
            message: '',
            created_at: at(0),
          })),
        )
        .execute();
    });
  }
}

/**
 * The plain full-text queries over the same indexes: matches, ranked, 20 of each, without
 * privacy, snippets or the rows' text.
 */
async function plainSearch(db: Kysely<Schema>, dialect: TestDialect, term: string) {
  if (dialect === 'postgres') {
    await Promise.all(
      ['search_tickets', 'search_pages', 'search_comments'].map((table) =>
        sql`SELECT ts_rank(vector, plainto_tsquery('simple', ${term})) AS score
            FROM ${sql.table(table)} WHERE vector @@ plainto_tsquery('simple', ${term})
            ORDER BY score DESC LIMIT 20`.execute(db),
      ),
    );
    return;
  }
  const match = `"${term}"`;
  await Promise.all([
    sql`SELECT rowid FROM search_tickets WHERE search_tickets MATCH ${match} ORDER BY rank LIMIT 20`.execute(
      db,
    ),
    sql`SELECT path FROM search_pages WHERE search_pages MATCH ${match} ORDER BY rank LIMIT 20`.execute(
      db,
    ),
    sql`SELECT rowid FROM search_comments WHERE search_comments MATCH ${match} ORDER BY rank LIMIT 20`.execute(
      db,
    ),
  ]);
}

/** Sends MAILS mails over 8 pooled connections; answers mails per second. */
async function sendMails(port: number, sender: (n: number) => string): Promise<number> {
  const transport = createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    pool: true,
    maxConnections: 8,
    maxMessages: Infinity,
  });
  try {
    const began = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < MAILS) {
          const n = next++;
          await transport.sendMail({
            from: sender(n),
            to: 'help@localhost',
            subject: `Question ${n}: the calendar does not sync`,
            text: `Hello,\n\nsince this morning my calendar does not sync (${n}).\n\nThanks`,
          });
        }
      }),
    );
    return Math.round(MAILS / ((performance.now() - began) / 1000));
  } finally {
    transport.close();
  }
}

/** An SMTP server that parses every mail as the intake does, and keeps nothing. */
async function withParsingSink<T>(work: (port: number) => Promise<T>): Promise<T> {
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  try {
    return await work((sink.server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

/** Runs `work` 100 times to warm up, then SAMPLES times; answers p50 and p99 in ms. */
async function measure(work: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 100; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const began = performance.now();
    await work();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(0.5 * times.length)]!,
    p99: times[Math.floor(0.99 * times.length)]!,
  };
}

/** 2,000 made-up words; text draws them skewed, so that a few are common and most are rare. */
export function vocabulary(): string[] {
  const random = rng(1);
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ra',
    'te',
    'su',
    'no',
    've',
    'di',
    'po',
    'fa',
    'zu',
    'be',
    'ri',
  ];
  const words = new Set<string>();
  while (words.size < 2000) {
    const n = 2 + Math.floor(random() * 3);
    words.add(
      Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join(''),
    );
  }
  return [...words];
}

/** A small seeded PRNG (mulberry32): the same data on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const ms = (n: number) => `${n.toFixed(2)} ms`;
