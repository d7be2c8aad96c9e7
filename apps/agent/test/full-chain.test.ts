import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessRequest, SessionList } from '@allmende/protocol';
import { openTranscript } from '@allmende/protocol/open-transcript';
import { generateX25519Identity } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, request } from '../../server/test/api.ts';
import { DIALECTS, eventually } from '../../server/test/harness.ts';
import { readAgentConfig } from '../src/agent-dir.ts';
import { refreshKrl } from '../src/enroll.ts';
import { allmendeAs } from '../../cli/test/support/allmende-process.ts';
import { Terminal, ssh, textOf } from './support/e2e.ts';
import {
  HOST,
  openGuardedCooperative,
  type GuardedCooperative,
} from './support/guarded-cooperative.ts';

// The whole life of a privileged action, with nothing standing in for the cooperative's own
// parts: a ticket, a request signed with `ssh-keygen -Y sign`, two approvals signed the same
// way, the server's CA issuing the certificate with `ssh-keygen -s`, a real sshd enrolled by the
// agent, `ssh` with the certificate through the recorder, the sealed transcript opened with
// the oversight member's age identity, and the withdrawal ending the live session and revoking
// the certificate through the KRL the host fetches.

describe.each(DIALECTS)('a privileged action from request to revocation, on %s', (dialect) => {
  let coop: GuardedCooperative;
  let issued: AccessRequest;
  let certificatePath: string;

  beforeAll(async () => {
    coop = await openGuardedCooperative(dialect);
  });
  afterAll(async () => {
    await coop?.close();
  });

  it('issues no certificate without two approvals by others, and sshd lets nobody in', async () => {
    const { server, sshd } = coop;
    const pending = await coop.requestAccess();
    const self = await coop.answer('bo', 'approvals', pending);
    expect(errorOf(self)).toMatchObject({
      code: 'STATEMENT_REFUSED',
      rule: 'access.self-approval',
    });
    const none = await request(server.url, 'GET', `/api/access/requests/${pending.id}/certificate`);
    expect(errorOf(none).code).toBe('ACCESS_NOT_ISSUED');
    // bo's plain key opens nothing: the guarded login takes certificates only.
    await writeFile(sshd.authorizedKeys, `${coop.key('bo').canonical}\n`);
    const plain = await ssh(sshd, coop.pairOf('bo'), undefined, ['true']);
    expect(plain.code).toBe(255);

    expect((await coop.answer('ada', 'approvals', pending)).status).toBe(200);
    const done = await coop.answer('cem', 'approvals', pending);
    expect(done.status).toBe(200);
    issued = AccessRequest.parse(done.body);
    expect(issued.status).toBe('issued');
    const response = await fetch(`${server.url}/api/access/requests/${pending.id}/certificate`);
    certificatePath = `${coop.key('bo').path}-cert.pub`;
    await writeFile(certificatePath, await response.text());
  });

  it('opens a recorded shell and a recorded command with the certificate', async () => {
    const { server, sshd } = coop;
    const bo = coop.pairOf('bo');
    const terminal = new Terminal(sshd, bo, certificatePath);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    terminal.type('echo queue-$((6*7))\r');
    await terminal.waitFor('queue-42');
    terminal.type('exit\r');
    expect(await terminal.exited).toBe(0);
    const command = await ssh(sshd, bo, certificatePath, ['id', '-un']);
    expect(command).toMatchObject({ code: 0, stdout: 'root\n' });

    const sessions = await eventually(async () => {
      const list = SessionList.parse(
        (await request(server.url, 'GET', '/api/sessions')).body,
      ).sessions;
      return list.filter((s) => s.state === 'ended').length === 2 ? list : undefined;
    }, 'both sessions to end');
    const serial = String(issued.certificate!.serial);
    expect(sessions.map((s) => [s.kind, s.serial])).toEqual(
      expect.arrayContaining([
        ['shell', serial],
        ['command', serial],
      ]),
    );

    // The log tells the whole story in order.
    const types = (await server.log.entries(0, server.log.size)).map((e) => e.statement.type);
    const at = (type: string) => types.indexOf(type as never);
    expect(at('access.requested')).toBeLessThan(at('access.approved'));
    expect(types.filter((t) => t === 'access.approved')).toHaveLength(2);
    expect(at('access.approved')).toBeLessThan(at('cert.issued'));
    expect(at('cert.issued')).toBeLessThan(at('session.started'));
    const started = await coop.logOf('session.started');
    expect(started.map((s) => s.body)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          host: HOST,
          principal: 'root',
          serial,
          request: String(issued.id),
        }),
        expect.objectContaining({ command: 'id -un' }),
      ]),
    );
    expect(await coop.logOf('session.ended')).toHaveLength(2);

    // cem downloads the sealed transcript; ada, in the oversight group, opens it.
    const shell = sessions.find((s) => s.kind === 'shell')!;
    const sealed = await fetch(`${server.url}/api/sessions/${shell.id}/transcript`, {
      headers: { authorization: `Bearer ${await coop.tokenOf('cem')}` },
    });
    const records = await openTranscript(new Uint8Array(await sealed.arrayBuffer()), coop.identity);
    expect(textOf(records, 'input')).toContain('echo queue-$((6*7))');
    expect(textOf(records, 'output')).toContain('queue-42');

    // ada replays it from the command line with her identity file; cem's file opens nothing.
    const identityFile = join(coop.dir, 'ada-age.txt');
    await writeFile(identityFile, `# ada's age identity\n${coop.identity}\n`, { mode: 0o600 });
    const config = join(coop.dir, 'ada-cli');
    const login = await allmendeAs(
      config,
      'login',
      server.url,
      '--handle',
      'ada',
      '--key',
      coop.key('ada').path,
    );
    expect(login.code, login.stderr).toBe(0);
    const replay = (...args: string[]) =>
      allmendeAs(config, 'session', 'replay', shell.id, '--identity', ...args);
    const printed = await replay(identityFile);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('queue-42');
    expect((await replay(identityFile, '--input')).stdout).toContain('echo queue-$((6*7))\r');
    const strangerFile = join(coop.dir, 'stranger-age.txt');
    await writeFile(strangerFile, `${await generateX25519Identity()}\n`);
    const refused = await replay(strangerFile);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/does not open with this identity/);
  });

  it('ends the live session when bo withdraws, and sshd refuses the certificate once the host has the KRL', async () => {
    const { sshd } = coop;
    const terminal = new Terminal(sshd, coop.pairOf('bo'), certificatePath);
    await terminal.waitFor(/[#$] $/m, 'a prompt');
    const withdrawn = await coop.answer('bo', 'withdrawal', issued);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    // The revocation ends the shell that is still open, and the log says why.
    await terminal.exited;
    const ended = await eventually(
      async () => (await coop.logOf('session.ended')).find((s) => s.body.reason === 'revoked'),
      'the session ended by the revocation',
    );
    expect(ended.body.reason).toBe('revoked');
    const [revoked] = await coop.logOf('cert.revoked');
    expect(revoked?.body).toMatchObject({ request: issued.id, reason: 'withdrawn' });
    expect(await refreshKrl(await readAgentConfig(coop.agentDir), coop.agentDir)).toBe(true);
    const after = await ssh(sshd, coop.pairOf('bo'), certificatePath, ['true']);
    expect(after.code).toBe(255);
    expect(sshd.log()).toMatch(/revoked/i);
  });
});
