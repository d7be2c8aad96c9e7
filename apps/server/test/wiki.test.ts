import {
  WikiConflictBody,
  WikiDiff,
  WikiPage,
  WikiPageList,
  WikiPreview,
  WikiRevision,
  WikiRevisionList,
  type SignedPart,
  type SubmittedStatement,
} from '@allmende/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft, signedBy, testMember, type TestMember } from '../../../test/support/members.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { errorOf, signIn } from './api.ts';
import { DIALECTS, createTestStore, type TestStore } from './harness.ts';

const ada = testMember('ada');
const bo = testMember('bo');
const founders = [ada, bo].map((m) => ({
  handle: m.handle,
  name: m.name,
  email: `${m.handle}@example.org`,
  keys: [m.key],
}));

describe.each(DIALECTS)('the wiki on %s', (dialect) => {
  let store: TestStore;
  let server: RunningServer;
  let adaToken: string;
  let boToken: string;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      founders,
    });
    adaToken = await signIn(server.url, ada);
    boToken = await signIn(server.url, bo);
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  type Reply = { status: number; body: unknown; headers: Headers; bytes: Uint8Array };

  async function call(
    method: string,
    path: string,
    options: { json?: unknown; raw?: Uint8Array; type?: string; token?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
      headers['content-type'] = options.type ?? 'application/octet-stream';
      body = options.raw as Uint8Array<ArrayBuffer>;
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers, bytes };
  }

  const save = (
    path: string,
    markdown: string,
    baseRevision: number,
    token = adaToken,
    message = '',
  ) => call('PUT', `/api/wiki/pages/${path}`, { json: { markdown, message, baseRevision }, token });
  const page = async (path: string) =>
    WikiPage.parse((await call('GET', `/api/wiki/pages/${path}`)).body);

  it('creates a page and renders it: title, GFM tables and task lists', async () => {
    const created = await save(
      'services/mail',
      '# Mail\n\nPostfix and Dovecot.\n\n| port | what |\n| --- | --- |\n| 25 | SMTP |\n\n- [x] TLS\n- [ ] DANE\n',
      0,
      adaToken,
      'First notes',
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const mail = WikiPage.parse(created.body);
    expect(mail).toMatchObject({
      path: 'services/mail',
      revision: 1,
      title: 'Mail',
      author: 'ada',
      generated: false,
      backlinks: [],
      attachments: [],
    });
    expect(mail.html).toContain('<table>');
    expect(mail.html).toContain('<td>SMTP</td>');
    expect(mail.html).toContain('<input type="checkbox" disabled="" checked="" />');
    expect(await page('services/mail')).toEqual(mail);
    const list = WikiPageList.parse((await call('GET', '/api/wiki/pages')).body).pages;
    expect(list).toContainEqual(
      expect.objectContaining({
        path: 'services/mail',
        title: 'Mail',
        revision: 1,
        generated: false,
      }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({ path: 'generated/services', generated: true }),
    );
  });

  it('lists the pages under a path', async () => {
    await save('services/mail/ports', '# Ports\n', 0);
    await save('services/mailx/other', 'x', 0);
    await save('services/m_il/other', 'x', 0);
    const under = WikiPageList.parse(
      (await call('GET', '/api/wiki/pages?prefix=services/mail')).body,
    );
    expect(under.pages.map((p) => p.path)).toEqual(['services/mail', 'services/mail/ports']);
    const generated = WikiPageList.parse(
      (await call('GET', '/api/wiki/pages?prefix=generated')).body,
    );
    expect(generated.pages.map((p) => p.path)).toEqual([
      'generated',
      'generated/hosts',
      'generated/log',
      'generated/policies',
      'generated/services',
    ]);
    expect(
      WikiPageList.parse(
        (await call('GET', '/api/wiki/pages?prefix=services/m_il')).body,
      ).pages.map((p) => p.path),
    ).toEqual(['services/m_il/other']);
    expect((await call('GET', '/api/wiki/pages?prefix=Bad%20Prefix')).status).toBe(400);
  });

  it('edits on the current revision, and refuses an edit of an old one: nothing is lost', async () => {
    const base = (await page('services/mail')).revision;
    const mine = await save('services/mail', '# Mail\n\nAda’s edit.\n', base, adaToken, 'Ada');
    expect(mine.status).toBe(200);
    expect(WikiPage.parse(mine.body).revision).toBe(base + 1);
    const theirs = await save('services/mail', '# Mail\n\nBo’s edit.\n', base, boToken, 'Bo');
    expect(theirs.status).toBe(409);
    const conflict = WikiConflictBody.parse(theirs.body);
    expect(conflict.error.code).toBe('WIKI_CONFLICT');
    expect(conflict.current).toMatchObject({
      revision: base + 1,
      markdown: '# Mail\n\nAda’s edit.\n',
      author: 'ada',
    });
    expect((await page('services/mail')).markdown).toBe('# Mail\n\nAda’s edit.\n');
    // Bo merges and saves on the current revision.
    const merged = await save(
      'services/mail',
      '# Mail\n\nAda’s edit.\n\nBo’s edit.\n',
      base + 1,
      boToken,
      'Merge',
    );
    expect(WikiPage.parse(merged.body)).toMatchObject({ revision: base + 2, author: 'bo' });
    // A second "new page" on an existing path is a conflict too.
    expect((await save('services/mail', 'again', 0)).status).toBe(409);
  });

  it('of many concurrent saves on one base, exactly one wins', async () => {
    await save('ops/race', 'start', 0);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        save('ops/race', `edit ${i}`, 1, i % 2 ? boToken : adaToken),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(7);
    const revisions = WikiRevisionList.parse(
      (await call('GET', '/api/wiki/pages/ops/race/revisions')).body,
    );
    expect(revisions.revisions.map((r) => r.revision)).toEqual([2, 1]);
  });

  it('lists revisions, shows one, diffs two and restores an old one', async () => {
    const history = WikiRevisionList.parse(
      (await call('GET', '/api/wiki/pages/services/mail/revisions')).body,
    );
    expect(history.revisions.map((r) => [r.revision, r.author, r.message])).toEqual([
      [3, 'bo', 'Merge'],
      [2, 'ada', 'Ada'],
      [1, 'ada', 'First notes'],
    ]);
    const first = WikiRevision.parse(
      (await call('GET', '/api/wiki/pages/services/mail/revisions/1')).body,
    );
    expect(first.markdown).toContain('Postfix and Dovecot.');
    expect(first.html).toContain('<h1>Mail</h1>');
    const diff = WikiDiff.parse(
      (await call('GET', '/api/wiki/pages/services/mail/diff?from=2&to=3')).body,
    );
    expect(diff.hunks).toEqual([
      { op: 'equal', text: '# Mail\n\nAda’s edit.\n' },
      { op: 'insert', text: '\nBo’s edit.\n' },
    ]);
    const fromNothing = WikiDiff.parse(
      (await call('GET', '/api/wiki/pages/services/mail/diff?from=0&to=1')).body,
    );
    expect(fromNothing.hunks.every((h) => h.op === 'insert')).toBe(true);
    expect((await call('GET', '/api/wiki/pages/services/mail/diff?from=1&to=9')).status).toBe(404);
    expect((await call('GET', '/api/wiki/pages/services/mail/diff?from=1')).status).toBe(400);

    const restored = await call('POST', '/api/wiki/pages/services/mail/restore', {
      json: { revision: 1 },
      token: boToken,
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(WikiPage.parse(restored.body)).toMatchObject({
      revision: 4,
      author: 'bo',
      markdown: first.markdown,
    });
    const after = WikiRevisionList.parse(
      (await call('GET', '/api/wiki/pages/services/mail/revisions')).body,
    );
    expect(after.revisions[0]).toMatchObject({ revision: 4, message: 'Restore revision 1' });
    expect(
      (
        await call('POST', '/api/wiki/pages/services/mail/restore', {
          json: { revision: 99 },
          token: boToken,
        })
      ).status,
    ).toBe(404);
  });

  it('answers a diff of two wholly different large texts as a replacement, without computing for long', async () => {
    const lines = (seed: string) =>
      Array.from({ length: 8000 }, (_, i) => `${seed} line ${i} ${(i * 7919) % 1000}`).join('\n\n');
    const a = lines('first');
    const b = lines('second');
    expect((await save('ops/rewrite', a, 0)).status).toBe(200);
    expect((await save('ops/rewrite', b, 1)).status).toBe(200);
    const diff = WikiDiff.parse(
      (await call('GET', '/api/wiki/pages/ops/rewrite/diff?from=1&to=2')).body,
    );
    expect(diff.hunks.map((h) => h.op)).toEqual(['delete', 'insert']);
    expect(diff.hunks.map((h) => h.text)).toEqual([a, b]);
  });

  it('keeps backlinks from wiki links and plain /wiki/ links, but not from code', async () => {
    await save(
      'howto/backup',
      '# Backups\n\nSee [[services/mail]] and [the log](/wiki/generated/log).\n',
      0,
    );
    await save('howto/other', 'Also [mail](/wiki/services/mail#ports).\n\n`[[howto/backup]]`\n', 0);
    expect((await page('services/mail')).backlinks).toEqual(['howto/backup', 'howto/other']);
    expect((await page('howto/backup')).backlinks).toEqual([]);
    expect((await page('generated/log')).backlinks).toEqual(['howto/backup']);
    const other = await page('howto/other');
    await save('howto/other', 'No more links.\n', other.revision);
    expect((await page('services/mail')).backlinks).toEqual(['howto/backup']);
  });

  it('stores attachments: images served as images, anything else as a download, always nosniff', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 0, 255]);
    const uploaded = await call('POST', '/api/wiki/pages/services/mail/attachments/diagram.png', {
      raw: png,
      type: 'image/png',
      token: adaToken,
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body).toMatchObject({
      name: 'diagram.png',
      contentType: 'image/png',
      size: png.length,
      uploadedBy: 'ada',
    });
    const image = await call('GET', '/api/wiki/pages/services/mail/attachments/diagram.png');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('content-disposition')).toBeNull();
    expect(image.bytes).toEqual(png);

    const html = new TextEncoder().encode('<html><script>alert(document.cookie)</script></html>');
    expect(
      (
        await call('POST', '/api/wiki/pages/services/mail/attachments/evil.html', {
          raw: html,
          type: 'text/html',
          token: adaToken,
        })
      ).status,
    ).toBe(201);
    const served = await call('GET', '/api/wiki/pages/services/mail/attachments/evil.html');
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toBe(
      'attachment; filename="evil.html"; filename*=UTF-8\'\'evil.html',
    );
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.bytes).toEqual(html);
    // JSON is just bytes too.
    const json = new TextEncoder().encode('{"not": "parsed"}');
    expect(
      (
        await call('POST', '/api/wiki/pages/services/mail/attachments/data.json', {
          raw: json,
          type: 'application/json',
          token: adaToken,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('GET', '/api/wiki/pages/services/mail/attachments/data.json')).bytes,
    ).toEqual(json);

    expect((await page('services/mail')).attachments.map((a) => a.name)).toEqual([
      'data.json',
      'diagram.png',
      'evil.html',
    ]);
    // A name is never reused, so nothing is overwritten.
    const again = await call('POST', '/api/wiki/pages/services/mail/attachments/diagram.png', {
      raw: html,
      type: 'image/png',
      token: adaToken,
    });
    expect(again.status).toBe(409);
    expect(
      (await call('GET', '/api/wiki/pages/services/mail/attachments/diagram.png')).bytes,
    ).toEqual(png);
    expect((await call('GET', '/api/wiki/pages/services/mail/attachments/nope.png')).status).toBe(
      404,
    );
    expect(
      (
        await call('POST', '/api/wiki/pages/no/such/page/attachments/a.png', {
          raw: png,
          type: 'image/png',
          token: adaToken,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', '/api/wiki/pages/services/mail/attachments/a.png', {
          raw: png,
          type: 'image/png',
        })
      ).status,
    ).toBe(401);
  });

  it('refuses what is too large with 413', async () => {
    const big = 'x'.repeat(512 * 1024 + 1);
    const reply = await save('ops/big', big, 0);
    expect(reply.status).toBe(413);
    expect(errorOf(reply).code).toBe('WIKI_TOO_LARGE');
    expect((await call('GET', '/api/wiki/pages/ops/big')).status).toBe(404);
    expect((await save('ops/big', 'x'.repeat(512 * 1024), 0)).status).toBe(200);
    const tooLong = await call('PUT', '/api/wiki/pages/ops/huge', {
      raw: new TextEncoder().encode(
        JSON.stringify({ markdown: 'y'.repeat(5 * 1024 * 1024), baseRevision: 0 }),
      ),
      type: 'application/json',
      token: adaToken,
    });
    expect(tooLong.status).toBe(413);
    const file = await call('POST', '/api/wiki/pages/services/mail/attachments/big.bin', {
      raw: new Uint8Array(10 * 1024 * 1024 + 1),
      token: adaToken,
    });
    expect(file.status).toBe(413);
    expect((await call('GET', '/api/wiki/pages/services/mail/attachments/big.bin')).status).toBe(
      404,
    );
  });

  it('answers 400 to bad paths and 401 to anonymous edits', async () => {
    for (const bad of [
      'Services/Mail',
      'services//mail',
      'services/mail/',
      '-dash',
      'a/..b',
      'a/.hidden',
      'caf%C3%A9',
      'a%2F..%2Fb',
      'a b',
      `${'a'.repeat(201)}`,
      'services/mail/revisions/0',
      'services/mail/revisions/x',
      'services/mail/diff/extra',
      'services/mail/attachments/a/b',
      'services/mail/attachments/..',
    ]) {
      const reply = await call('GET', `/api/wiki/pages/${bad}`);
      expect(reply.status, bad).toBe(400);
    }
    expect((await save('a/revisions', 'x', 0)).status).toBe(400);
    expect((await save('UPPER', 'x', 0)).status).toBe(400);
    const anonymous = await call('PUT', '/api/wiki/pages/ops/anon', {
      json: { markdown: 'x', baseRevision: 0 },
    });
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous).code).toBe('UNAUTHORIZED');
    expect(
      (await call('POST', '/api/wiki/pages/services/mail/restore', { json: { revision: 1 } }))
        .status,
    ).toBe(401);
    expect((await call('GET', '/api/wiki/pages/ops/anon')).status).toBe(404);
    expect((await call('GET', '/api/wiki/pages/nowhere')).status).toBe(404);
    // The member is checked before the body is read: nobody anonymous uploads 10 MiB.
    const upload = await call('POST', '/api/wiki/pages/services/mail/attachments/big.bin', {
      raw: new Uint8Array(5 * 1024 * 1024),
    });
    expect(upload.status).toBe(401);
    const readOnly = await save('generated/services', 'mine now', 0);
    expect(readOnly.status).toBe(403);
    expect(errorOf(readOnly).code).toBe('WIKI_READ_ONLY');
  });

  it('generates pages from live data: services, hosts, policies, the log', async () => {
    const origin = server.log.origin;
    const submit = async (part: SignedPart, ...signers: TestMember[]) => {
      const statement: SubmittedStatement = await signedBy(part, origin, ...signers);
      const reply = await call('POST', '/api/statements', { json: statement });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    };
    await submit(
      draft('host.added', 'bo', {
        name: 'falkenstein-1',
        address: '192.0.2.10',
        provider: 'Hetzner',
        location: 'Falkenstein',
        monthlyCost: { amount: 1290, currency: 'EUR' },
      }),
      bo,
    );
    await submit(
      draft('host.added', 'bo', {
        name: 'nuremberg-2',
        address: '192.0.2.11',
        provider: 'Hetzner',
        location: 'Nürnberg',
        monthlyCost: { amount: 510, currency: 'EUR' },
      }),
      bo,
    );
    await submit(
      draft('service.created', 'bo', {
        slug: 'mail',
        name: 'Mail <script>alert(1)</script>',
        description: 'Postfix | Dovecot',
        sensitivity: 'private',
        status: 'running',
        addresses: ['mail.coop.test'],
        docPage: 'services/mail',
        hosts: ['falkenstein-1'],
      }),
      bo,
    );
    await submit(
      draft('steward.assigned', 'bo', { service: 'mail', handle: 'bo', role: 'steward' }),
      bo,
    );
    await submit(
      draft('steward.assigned', 'bo', { service: 'mail', handle: 'ada', role: 'deputy' }),
      bo,
      ada,
    );
    const services = await page('generated/services');
    expect(services).toMatchObject({
      generated: true,
      revision: 0,
      author: null,
      title: 'Services',
    });
    expect(services.markdown).toContain('Sensitivity: **private**');
    expect(services.markdown).toContain('Stewards and deputies: bo (steward), ada (deputy)');
    expect(services.html).toContain('falkenstein-1');
    expect(services.html).toContain('<code>mail.coop.test</code>');
    expect(services.html).toContain(
      '<a href="/wiki/services/mail" class="wiki-link">services/mail</a>',
    );
    expect(services.html).not.toContain('<script');
    expect(services.html).toContain('Mail &lt;script&gt;');

    const hosts = await page('generated/hosts');
    expect(hosts.html).toContain('<td>falkenstein-1</td>');
    expect(hosts.html).toContain('12.90 EUR');
    expect(hosts.markdown).toContain('Total per month: 18.00 EUR');

    const policies = await page('generated/policies');
    expect(policies.markdown).toContain('| private | 2 | yes | 60 | sealed | no |');
    expect(policies.markdown).toContain('Every member with an age recipient.');

    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = await page('generated/log');
    expect(log.markdown).toContain(`Entries: ${server.log.size}`);
    expect(log.markdown).toContain(server.log.verifierKey);
    expect(log.markdown).toContain(server.log.checkpoint.note.trimEnd());
    expect(log.markdown).toContain(origin);
    expect((await call('GET', '/api/wiki/pages/generated/nothing')).status).toBe(404);
    expect((await call('GET', '/api/wiki/pages/generated/services/revisions')).status).toBe(404);
  });

  it('stores script in Markdown as text and serves HTML that runs nothing', async () => {
    const markdown = [
      '# <script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[x](javascript:alert(1)) ![y](data:text/html,<script>alert(1)</script>)',
      '<iframe src="javascript:alert(1)"></iframe><svg/onload=alert(1)><style>*{}</style>',
      '<object data="x"></object><embed src="x">',
      '[[a|"><script>alert(1)</script>]]',
    ].join('\n\n');
    const saved = await save('ops/xss', markdown, 0);
    expect(saved.status).toBe(200);
    for (const html of [
      (await page('ops/xss')).html,
      WikiRevision.parse((await call('GET', '/api/wiki/pages/ops/xss/revisions/1')).body).html,
    ]) {
      for (const bad of [
        '<script',
        '<img src="x" onerror',
        '<iframe',
        '<svg',
        '<style',
        '<object',
        '<embed',
      ]) {
        expect(html).not.toContain(bad);
      }
      expect(html).not.toMatch(/(href|src)="(javascript|data|vbscript):/i);
      expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect((await page('ops/xss')).markdown).toBe(markdown);
    expect((await page('ops/xss')).title).toBe('<script>alert(1)</script>');
  });

  it('previews Markdown as the saved page would show it, sanitised alike, for members only', async () => {
    const markdown = [
      '# Preview <script>alert(1)</script>',
      '<img src=x onerror=alert(1)> [x](javascript:alert(1))',
      '<iframe src="javascript:alert(1)"></iframe><svg/onload=alert(1)>',
      '| port | what |\n| --- | --- |\n| 25 | SMTP |',
      'See [[services/mail]].',
    ].join('\n\n');
    const preview = await call('POST', '/api/wiki/preview', { json: { markdown }, token: boToken });
    expect(preview.status).toBe(200);
    const shown = WikiPreview.parse(preview.body);
    expect((await save('ops/preview', markdown, 0)).status).toBe(200);
    const saved = await page('ops/preview');
    // The same renderer and sanitiser: byte for byte the HTML the saved page serves.
    expect(shown.html).toBe(saved.html);
    expect(shown.title).toBe(saved.title);
    expect(shown.html).toContain('<table>');
    expect(shown.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const bad of ['<script', '<img src="x" onerror', '<iframe', '<svg']) {
      expect(shown.html).not.toContain(bad);
    }
    expect(shown.html).not.toMatch(/(href|src)="(javascript|data|vbscript):/i);
    expect(shown.html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    // Nothing is saved by a preview.
    const unsaved = await call('POST', '/api/wiki/preview', {
      json: { markdown: '# Draft' },
      token: adaToken,
    });
    expect(WikiPreview.parse(unsaved.body)).toEqual({ title: 'Draft', html: '<h1>Draft</h1>' });
    expect((await call('GET', '/api/wiki/pages/draft')).status).toBe(404);
    // The limits of a page, and members only.
    const big = await call('POST', '/api/wiki/preview', {
      json: { markdown: 'x'.repeat(512 * 1024 + 1) },
      token: adaToken,
    });
    expect(big.status).toBe(413);
    expect(errorOf(big).code).toBe('WIKI_TOO_LARGE');
    const anonymous = await call('POST', '/api/wiki/preview', { json: { markdown: '# Hi' } });
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous).code).toBe('UNAUTHORIZED');
    const malformed = await call('POST', '/api/wiki/preview', {
      json: { text: 'x' },
      token: adaToken,
    });
    expect(malformed.status).toBe(400);
  });

  it('describes the wiki in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/wiki'))).toEqual(
      expect.arrayContaining(['/api/wiki/pages', '/api/wiki/preview']),
    );
  });
});
