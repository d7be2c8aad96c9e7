import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft, signedBy, testMember } from '../../../test/support/members.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createTestStore, type TestStore } from './harness.ts';

/** Whatever a client sends, the answer is a clear 4xx or a success, never a server error. */
describe('hostile requests', () => {
  let store: TestStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startServer({ dataDir: store.dataDir, listen: '127.0.0.1:0' });
    for (let i = 0; i < 300; i++) {
      await server.log.append({ type: 'notice', actor: 'coop', body: { text: `notice ${i}` } });
    }
  });
  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  const segment = fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '000',
      '001',
      'x001',
      'x000',
      'entries',
      '.p',
      '256',
      '255',
      '..',
      '',
    ),
    fc.stringMatching(/^[0-9x.p/]{1,12}$/),
    fc.string({ maxLength: 8 }),
  );
  const number = fc.oneof(
    fc.nat().map(String),
    fc.constantFrom('-1', '', '1e3', '0x10', '9007199254740993', 'NaN', ' 1', '1.0', '٣'),
    fc.string({ maxLength: 6 }),
  );

  it('answers malformed tile paths with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        const path = `/log/tile/${parts.map(encodeURIComponent).join('/')}`;
        const response = await fetch(server.url + path);
        await response.arrayBuffer();
        expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
      }),
      { numRuns: 300 },
    );
  });

  it('answers malformed proof and page queries with 4xx', async () => {
    const endpoints = [
      '/api/log/proof/inclusion?index=%s&size=%s',
      '/api/log/proof/consistency?from=%s&to=%s',
      '/api/log/entries?start=%s&limit=%s',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), number, number, async (endpoint, a, b) => {
        const path = endpoint
          .replace('%s', encodeURIComponent(a))
          .replace('%s', encodeURIComponent(b));
        const response = await fetch(server.url + path);
        const body = (await response.json()) as { error?: { code: string } };
        expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
        if (response.status >= 400) expect(body.error?.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 300 },
    );
  });

  it('answers malformed notice bodies with 4xx and writes nothing', async () => {
    const size = server.log.size;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ text: v })),
        ),
        async (body) => {
          const response = await fetch(`${server.url}/api/log/notices`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${server.adminToken}`,
              'content-type': 'application/json',
            },
            body,
          });
          await response.arrayBuffer();
          expect(response.status < 500).toBe(true);
          if (response.status === 200) accepted++;
          if (response.status === 200)
            expect(typeof (JSON.parse(body) as { text: unknown }).text).toBe('string');
        },
      ),
      { numRuns: 200 },
    );
    // Exactly the accepted notices were appended, nothing else.
    expect(server.log.size).toBe(size + accepted);
  });

  it('answers mangled signed statements with 4xx and writes nothing', async () => {
    const ada = testMember('ada');
    const fresh = await createTestStore('sqlite');
    const coop = await startServer({
      dataDir: fresh.dataDir,
      listen: '127.0.0.1:0',
      founders: [{ handle: 'ada', name: 'Ada', keys: [ada.key] }],
    });
    try {
      const part = draft('host.added', 'ada', {
        name: 'h1',
        address: '192.0.2.1',
        provider: 'Hetzner',
        location: 'Falkenstein',
        monthlyCost: { amount: 450, currency: 'EUR' },
      });
      const valid = await signedBy(part, coop.log.origin, ada);
      const paths = [
        ['type'],
        ['actor'],
        ['nonce'],
        ['v'],
        ['body'],
        ['body', 'name'],
        ['body', 'monthlyCost'],
        ['body', 'monthlyCost', 'amount'],
        ['signatures'],
        ['signatures', 0],
        ['signatures', 0, 'kind'],
        ['signatures', 0, 'signer'],
        ['signatures', 0, 'signature'],
      ];
      const size = coop.log.size;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.oneof(fc.jsonValue(), fc.string(), fc.constant(undefined)),
          async (path, value) => {
            const mangled = structuredClone(valid) as unknown as Record<string, unknown>;
            let target = mangled as Record<string | number, unknown>;
            for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
            target[path.at(-1)!] = value;
            const response = await fetch(`${coop.url}/api/statements`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(mangled),
            });
            const reply = (await response.json()) as { error?: { code: string } };
            const clientError = response.status >= 400 && response.status < 500;
            expect({ path, value, clientError }).toEqual({ path, value, clientError: true });
            expect(reply.error?.code).toMatch(/^[A-Z_]+$/);
          },
        ),
        { numRuns: 300 },
      );
      expect(coop.log.size).toBe(size);
    } finally {
      await coop.close();
      await fresh.cleanup();
    }
  });
});
