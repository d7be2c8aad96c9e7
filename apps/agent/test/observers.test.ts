import { SessionList, type TranscriptRecord } from '@allmende/protocol';
import { openTranscript } from '@allmende/protocol/open-transcript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { request } from '../../server/test/api.ts';
import { DIALECTS, eventually } from '../../server/test/harness.ts';
import { Terminal } from './support/e2e.ts';
import { openGuardedCooperative, type GuardedCooperative } from './support/guarded-cooperative.ts';

// A policy that wants an observer present before and during a session, against the real parts:
// bo's shell waits for cem; when cem leaves, the session pauses and what bo types is discarded,
// not an instant kill; when cem returns, it goes on.

describe.each(DIALECTS)('a session that needs an observer, on %s', (dialect) => {
  let coop: GuardedCooperative;

  beforeAll(async () => {
    coop = await openGuardedCooperative(dialect, { observer: true });
  });
  afterAll(async () => {
    await coop?.close();
  });

  it('waits for an observer, pauses when the last one leaves, and goes on when one returns', async () => {
    const { server } = coop;
    const token = await coop.tokenOf('cem');
    const { certificate } = await coop.issuedRequest();
    const terminal = new Terminal(coop.sshd, coop.pairOf('bo'), certificate);
    await terminal.waitFor('waiting until a member watches');
    const session = await eventually(async () => {
      const list = SessionList.parse((await request(server.url, 'GET', '/api/sessions')).body);
      return list.sessions.find((s) => s.state === 'waiting');
    }, 'the waiting session');

    const watch = () =>
      new WebSocket(`${server.url.replace('http', 'ws')}/ws/sessions/${session.id}/watch`, {
        headers: { authorization: `Bearer ${token}` },
      });
    let watcher = watch();
    await terminal.waitFor(/[#$] $/m, 'a prompt once cem watches');
    terminal.type('echo one-$((1+1))\r');
    await terminal.waitFor('one-2');

    watcher.close();
    await terminal.waitFor('The last observer left');
    terminal.type('echo lost-$((3+3))\r');
    // The transcript shows the server discarded it before anyone watches again.
    const transcript = async () => {
      const sealed = await fetch(`${server.url}/api/sessions/${session.id}/transcript`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return openTranscript(new Uint8Array(await sealed.arrayBuffer()), coop.identity);
    };
    const discarded = (records: TranscriptRecord[]) =>
      records.some((r) => r.kind === 'event' && r.event.type === 'input-discarded');
    await eventually(
      async () => (discarded(await transcript()) ? true : undefined),
      'the discarded input in the transcript',
    );
    expect(terminal.screen).not.toContain('lost-6');

    watcher = watch();
    await terminal.waitFor('is watching again');
    terminal.type('echo two-$((2+2))\r');
    await terminal.waitFor('two-4');
    terminal.type('exit\r');
    expect(await terminal.exited).toBe(0);
    watcher.close();
    expect(terminal.screen).not.toContain('lost-6');
    const records = await transcript();
    const output = records
      .flatMap((r) => (r.kind === 'output' ? [new TextDecoder().decode(r.data)] : []))
      .join('');
    expect(output).toContain('two-4');
    expect(output).not.toContain('lost-6');
  });
});
