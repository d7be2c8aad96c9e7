import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WitnessesInfo, type Policy } from '@allmende/protocol';
import {
  generateCosignerKeys,
  parseCosignerKey,
  parseNote,
  type CosignerKey,
} from '@allmende/tlog';
import { afterAll, describe, expect, it } from 'vitest';
import { draft, founderOf, signedBy, testMember } from '../../../test/support/members.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { DIALECTS, createTestStore, eventually } from './harness.ts';

// Witnesses are other people's servers: what they answer is untrusted. Each of these answers
// add-checkpoint wrongly in its own way; the server must keep none of it, say what went wrong,
// and go on appending.

type Behaviour = (
  request: { body: string; checkpoint: string },
  response: ServerResponse,
  key: CosignerKey,
) => Promise<void> | void;

const stranger = await parseCosignerKey((await generateCosignerKeys('stranger.test/w')).signerKey);

const BEHAVIOURS: Record<string, { behave: Behaviour; problem: RegExp }> = {
  'no signature lines': {
    behave: (_request, response) => void response.end('OK, cosigned!\n'),
    problem: /^the witness answered 200 without signature lines$/,
  },
  'another key’s cosignature': {
    behave: async ({ checkpoint }, response) =>
      void response.end((await stranger.cosign(checkpoint, nowSeconds())).line),
    problem: /^the witness answered without a cosignature by its key in the policy$/,
  },
  'a cosignature of another checkpoint': {
    behave: async ({ checkpoint }, response, key) =>
      void response.end((await key.cosign(`${checkpoint}extension\n`, nowSeconds())).line),
    problem: /^the witness's cosignature does not verify with its key in the policy$/,
  },
  'a cosignature dated next year': {
    behave: async ({ checkpoint }, response, key) =>
      void response.end((await key.cosign(checkpoint, nowSeconds() + 365 * 86400)).line),
    problem: /^the witness's cosignature is dated in the future \(\d+\)$/,
  },
  '409 without text/x.tlog.size': {
    behave: (_request, response) => {
      response.writeHead(409, { 'content-type': 'text/plain' });
      response.end('3\n');
    },
    problem: /^answered 409 without its latest size as text\/x\.tlog\.size$/,
  },
  '409 with a size beyond the log': {
    behave: (_request, response) => {
      response.writeHead(409, { 'content-type': 'text/x.tlog.size' });
      response.end('1000000\n');
    },
    problem:
      /^the witness cosigned a checkpoint of size 1000000, larger than this log's \d+: the log lost entries or forked$/,
  },
  'a huge answer': {
    behave: (_request, response) => {
      // 200 KB, streamed without a length: reading stops at the limit.
      response.writeHead(200);
      response.end('— x '.repeat(50_000));
    },
    problem: /^answered with more than 65536 bytes$/,
  },
  '500 with a control character': {
    behave: (_request, response) => {
      response.writeHead(500);
      response.end('disk full\u001b[2J\n');
    },
    problem: /^the witness refused the checkpoint of size \d+ from size 0: 500 disk full \[2J$/,
  },
};

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

const servers: Server[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function hostileWitness(name: string, behave: Behaviour) {
  const key = await parseCosignerKey((await generateCosignerKeys(`${name}.test/w`)).signerKey);
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const note = body.slice(body.indexOf('\n\n') + 2);
      void behave({ body, checkpoint: parseNote(note).text }, response, key);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key: key.verifierKey,
  };
}

describe.each(DIALECTS)('hostile witnesses (%s)', (dialect) => {
  it('get nothing stored, a problem named each, and never hold up an append', async () => {
    const store = await createTestStore(dialect);
    cleanups.push(() => store.cleanup());
    const ada = testMember('ada');
    const server: RunningServer = await startServer({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      listen: '127.0.0.1:0',
      origin: 'coop.test/log',
      founders: [founderOf(ada)],
    });
    cleanups.push(() => server.close());
    const names = Object.keys(BEHAVIOURS);
    const witnesses = await Promise.all(
      names.map(async (name, i) => ({
        name,
        ...(await hostileWitness(`w${i}`, BEHAVIOURS[name]!.behave)),
      })),
    );
    const unreachable = await hostileWitness('gone', () => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const policy: Policy = {
      ...server.coop.policy().policy,
      witnesses: [...witnesses, { name: 'unreachable', ...unreachable }],
      witnessQuorum: 1,
    };
    await server.coop.submit(
      await signedBy(draft('policy.set', 'ada', { policy }), 'coop.test/log', ada),
    );
    const info = await eventually(async () => {
      const response = await fetch(`${server.url}/api/log/witnesses`);
      const parsed = WitnessesInfo.parse(await response.json());
      return parsed.witnesses.every((w) => w.problem !== null) ? parsed : undefined;
    }, 'every witness to have failed once');
    for (const witness of info.witnesses) {
      const expected = BEHAVIOURS[witness.name]?.problem ?? /^cannot reach the witness/;
      expect(witness.problem, witness.name).toMatch(expected);
      expect(witness).toMatchObject({ cosignedSize: null, onCheckpoint: false });
    }
    // Appends go on, and the checkpoint carries nothing but the log's own signature.
    for (let i = 0; i < 20; i++) {
      await server.log.append({ type: 'notice', actor: 'coop', body: { text: `still here ${i}` } });
    }
    await eventually(
      async () => (server.log.checkpoint.size === server.log.size ? true : undefined),
      'a checkpoint of every entry',
    );
    const note = await (await fetch(`${server.url}/log/checkpoint`)).text();
    expect(parseNote(note).signatures.map((s) => s.name)).toEqual(['coop.test/log']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/allmende_witness_failures_total\{witness="w0\.test\/w"\} [1-9]/);
  });
});
