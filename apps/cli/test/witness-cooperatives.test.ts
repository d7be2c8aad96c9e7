import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WitnessesInfo, type Policy } from '@allmende/protocol';
import { startServer, type RunningServer } from '@allmende/server';
import { checkCosignatures, openNote, parseVerifierKey } from '@allmende/tlog';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.ts';
import {
  DIALECTS,
  createTestStore,
  eventually,
  type TestDialect,
  type TestStore,
} from '../../server/test/harness.ts';
import {
  draft,
  founderOf,
  signedBy,
  testMember,
  type TestMember,
} from '../../../test/support/members.ts';
import { runVerifyCommand } from '../src/verify/command.ts';
import { allmende, startWitness } from './support/allmende-process.ts';
import { rewriteHistory } from './support/rewrite-history.ts';

// Cooperatives witness each other: each runs `allmende witness` for the other's log, names the
// other's witness in its policy, and serves its checkpoints with the other's cosignatures.
// Then one of them rewrites its history, and the witness refuses to go along.

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function folder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `allmende-${prefix}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

type Coop = { server: RunningServer; store: TestStore; founder: TestMember; origin: string };

async function startCoop(store: TestStore, origin: string, founder?: TestMember): Promise<Coop> {
  const server = await startServer({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    listen: '127.0.0.1:0',
    origin,
    founders: founder ? [founderOf(founder)] : undefined,
    webRoot: join(store.dataDir, 'no-web-app'),
  });
  cleanups.push(() => server.close().catch(() => {}));
  return { server, store, founder: founder ?? testMember('unused'), origin };
}

async function newCoop(dialect: TestDialect, name: string): Promise<Coop> {
  const store = await createTestStore(dialect);
  cleanups.push(() => store.cleanup());
  return startCoop(store, `${name}.coop.test/log`, testMember(name === 'a' ? 'ada' : 'bo'));
}

/** A witness that someone runs for `log`'s origin, started and watching it. */
async function witnessFor(log: RunningServer, name: string) {
  const dir = join(await folder('witness'), 'w');
  const init = await allmende('witness', 'init', '--data', dir, '--name', name);
  expect(init.code, init.stderr).toBe(0);
  const key = /Verifier key: (\S+)/.exec(init.stdout)![1]!;
  const added = await allmende('witness', 'add-log', log.log.verifierKey, '--data', dir);
  expect(added.code, added.stderr).toBe(0);
  const process = await startWitness(dir);
  cleanups.push(() => process.stop());
  return { dir, key, process };
}

/** The founder sets the policy with these witnesses (one signature suffices while small). */
async function nameWitnesses(
  coop: Coop,
  witnesses: { name: string; url: string; key: string }[],
  quorum: number,
): Promise<void> {
  const policy: Policy = {
    ...coop.server.coop.policy().policy,
    witnesses,
    witnessQuorum: quorum,
  };
  const handle = coop.founder.handle;
  await coop.server.coop.submit(
    await signedBy(draft('policy.set', handle, { policy }), coop.origin, coop.founder),
  );
}

async function witnesses(server: RunningServer): Promise<WitnessesInfo> {
  const response = await fetch(`${server.url}/api/log/witnesses`);
  expect(response.status).toBe(200);
  return WitnessesInfo.parse(await response.json());
}

/** Waits until every witness cosigned the checkpoint of all entries there are. */
async function cosigned(server: RunningServer): Promise<WitnessesInfo> {
  return eventually(async () => {
    const info = await witnesses(server);
    const current = info.checkpointSize === server.log.size && server.log.size > 0;
    return current && info.witnesses.every((w) => w.onCheckpoint) ? info : undefined;
  }, `the witnesses of ${server.log.origin} to cosign`);
}

async function notices(server: RunningServer, count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await server.log.append({ type: 'notice', actor: 'coop', body: { text: `${label} ${i}` } });
  }
}

class Captured {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function verify(server: RunningServer, witnessKeys: string[], quorum?: string) {
  const stdout = new Captured();
  const stderr = new Captured();
  const code = await runVerifyCommand(
    {
      url: `${server.url}/log`,
      key: server.log.verifierKey,
      witnesses: witnessKeys,
      witnessQuorum: quorum,
      cache: await folder('cache'),
    },
    { stdout, stderr },
  );
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe.each(DIALECTS)('two cooperatives witness each other (%s)', (dialect) => {
  it('each serves its checkpoints with the other’s cosignature, and log verify counts them', async () => {
    const a = await newCoop(dialect, 'a');
    const b = await newCoop(dialect, 'b');
    // Bo's cooperative runs a witness of A's log, and Ada's one of B's.
    const forA = await witnessFor(a.server, 'witness.b.coop.test/a');
    const forB = await witnessFor(b.server, 'witness.a.coop.test/b');
    await nameWitnesses(a, [{ name: 'Cooperative B', url: forA.process.url, key: forA.key }], 1);
    await nameWitnesses(b, [{ name: 'Cooperative A', url: forB.process.url, key: forB.key }], 1);
    await notices(a.server, 5, 'a');
    await notices(b.server, 7, 'b');

    for (const [coop, witness] of [
      [a, forA],
      [b, forB],
    ] as const) {
      const info = await cosigned(coop.server);
      expect(info.quorum).toBe(1);
      expect(info.witnesses).toMatchObject([
        {
          url: witness.process.url,
          key: witness.key,
          cosignedSize: coop.server.log.size,
          problem: null,
        },
      ]);
      // The checkpoint as C2SP tlog-tiles serves it: the log's signature, then the cosignature.
      const note = await (await fetch(`${coop.server.url}/log/checkpoint`)).text();
      const opened = await openNote(note, [
        parseVerifierKey(coop.server.log.verifierKey),
        parseVerifierKey(witness.key),
      ]);
      expect(opened.verified.map((s) => s.name)).toEqual([coop.origin, witness.key.split('+')[0]]);
      const [check] = await checkCosignatures(note, [parseVerifierKey(witness.key)]);
      expect(check).toMatchObject({ status: 'valid' });
      expect(new Date(info.witnesses[0]!.cosignedAt!).getTime() / 1000).toBe(
        check?.status === 'valid' ? check.timestamp : -1,
      );
    }

    // log verify, as a member would run it.
    const cli = await allmende(
      'log',
      'verify',
      `${a.server.url}/log`,
      '--key',
      a.server.log.verifierKey,
      '--witness',
      forA.key,
      '--witness-quorum',
      '1',
      '--cache',
      await folder('cache'),
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      /\n {2}witnesses {3}1 of 1 cosigned it \(quorum 1\): witness\.b\.coop\.test\/a at \d{4}-/,
    );
    // The other cooperative's witness has not cosigned A's log.
    const wrong = await verify(a.server, [forB.key], '1');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      `allmende log verify: FAILED: checkpoint: cosigned by 0 of the 1 witnesses required (size ${a.server.log.size}): ${forB.key.split('+').slice(0, 2).join('+')} has not cosigned it\n`,
    );
    const both = await verify(a.server, [forA.key, forB.key], '1');
    expect(both.code, both.stderr).toBe(0);
    expect((await verify(a.server, [forA.key, forB.key])).code).toBe(1);
    const badQuorum = await verify(a.server, [forA.key], '2');
    expect(badQuorum).toMatchObject({ code: 2 });
    expect(badQuorum.stderr).toContain('a witness quorum of 2 needs at least 2 witness keys');

    // The log grows; the witness follows, each time from the size it cosigned last.
    await notices(b.server, 300, 'more');
    await cosigned(b.server);
    expect((await verify(b.server, [forB.key], '1')).code).toBe(0);

    // A server that forgot what was cosigned asks with old size 0, learns the witness's size
    // from its 409 and proves consistency from there.
    await a.server.close();
    const database = await openDatabase(a.store);
    await database.db.deleteFrom('witness_cosignatures').execute();
    await database.close();
    const again = await startCoop(a.store, a.origin);
    await notices(again.server, 2, 'after restart');
    await cosigned(again.server);
    const metrics = await (await fetch(`${again.server.url}/metrics`)).text();
    expect(metrics).toContain(
      'allmende_witness_requests_total{witness="witness.b.coop.test/a",outcome="conflict"} 1',
    );
    expect((await verify(again.server, [forA.key], '1')).code).toBe(0);
  });

  it('a witness refuses a rewritten history; the server keeps no cosignature of it', async () => {
    const c = await newCoop(dialect, 'a');
    const witness = await witnessFor(c.server, 'witness.elsewhere.test/c');
    await nameWitnesses(c, [{ name: 'Elsewhere', url: witness.process.url, key: witness.key }], 1);
    await notices(c.server, 20, 'honest');
    const honest = await cosigned(c.server);
    expect((await verify(c.server, [witness.key], '1')).code).toBe(0);

    await c.server.close();
    await rewriteHistory(c.store, 10, 'history as someone would rather have it');
    const forked = await startCoop(c.store, c.origin);
    // Same size, another root: the witness refuses (422), after telling its size (409).
    const refused = await eventually(async () => {
      const info = await witnesses(forked.server);
      return info.witnesses[0]?.problem ? info : undefined;
    }, 'the witness to refuse');
    expect(refused.checkpointSize).toBe(honest.checkpointSize);
    expect(refused.witnesses[0]).toMatchObject({
      onCheckpoint: false,
      cosignedSize: honest.checkpointSize,
    });
    expect(refused.witnesses[0]!.problem).toBe(
      `the witness refused the checkpoint of size ${honest.checkpointSize} from size ${honest.checkpointSize}: 422 the checkpoint has size ${honest.checkpointSize} like the one cosigned last, but another root hash`,
    );
    const note = await (await fetch(`${forked.server.url}/log/checkpoint`)).text();
    expect(await checkCosignatures(note, [parseVerifierKey(witness.key)])).toMatchObject([
      { status: 'missing' },
    ]);
    const failed = await verify(forked.server, [witness.key], '1');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'FAILED: checkpoint: cosigned by 0 of the 1 witnesses required',
    );

    // Grown on top of the rewritten entry, the proof from the cosigned size does not hold.
    await notices(forked.server, 3, 'on top');
    await eventually(
      async () => {
        const info = await witnesses(forked.server);
        const problem = info.witnesses[0]?.problem ?? '';
        return info.checkpointSize === forked.server.log.size &&
          problem.includes('is not consistent')
          ? info
          : undefined;
      },
      'the witness to refuse the grown fork',
      15_000,
    );
    expect((await verify(forked.server, [witness.key], '1')).code).toBe(1);
    // The witness kept both refusals as evidence.
    const logs = JSON.parse(
      (await allmende('witness', 'logs', '--data', witness.dir, '--json')).stdout,
    ) as {
      size: number;
      refused: { reason: string }[];
    }[];
    expect(logs[0]!.size).toBe(honest.checkpointSize);
    expect(logs[0]!.refused.length).toBeGreaterThanOrEqual(2);
  });
});
