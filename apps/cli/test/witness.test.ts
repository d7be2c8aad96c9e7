import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateNoteKeys,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  type SignerKey,
  type VerifierKey,
} from '@allmende/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allmende, startWitness, type WitnessProcess } from './support/allmende-process.ts';
import { consistencyProof, mth } from './support/rfc6962.ts';

// `allmende witness` driven the way C2SP tlog-witness describes it: request bodies written out
// by hand in the spec's format (old size line, proof lines, an empty line, the checkpoint),
// proofs and tree hashes computed from RFC 6962 alone, and the real command serving HTTP.

/** The example request body of C2SP tlog-witness, "add-checkpoint", byte for byte. */
const SPEC_EXAMPLE = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;

const ORIGIN = 'example.com/behind-the-sofa';
const WITNESS_NAME = 'witness.example/w1';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The log the tests play: entries, and its signer (our own key, the spec's origin). */
class TestLog {
  readonly signer: SignerKey;
  readonly entries: Uint8Array[] = [];
  constructor(signer: SignerKey) {
    this.signer = signer;
  }
  grow(to: number, label = 'entry'): void {
    while (this.entries.length < to) {
      this.entries.push(new TextEncoder().encode(`${label} ${this.entries.length}`));
    }
  }
  /** The checkpoint note text of the first `size` entries, as tlog-checkpoint spells it. */
  text(size: number, origin = this.signer.name): string {
    return `${origin}\n${size}\n${b64(mth(this.entries.slice(0, size)))}\n`;
  }
  async checkpoint(size: number): Promise<string> {
    return signNote(this.text(size), this.signer);
  }
  proof(from: number, to: number): string[] {
    return from === 0 ? [] : consistencyProof(from, this.entries.slice(0, to)).map(b64);
  }
}

/** An add-checkpoint body, spelled out as in the spec. */
function body(oldSize: number | string, proof: readonly string[], checkpoint: string): string {
  return `old ${oldSize}\n${proof.map((line) => `${line}\n`).join('')}\n${checkpoint}`;
}

type Reply = { status: number; type: string | null; text: string };

async function post(url: string, payload: string | Uint8Array): Promise<Reply> {
  const response = await fetch(`${url}/add-checkpoint`, {
    method: 'POST',
    body: typeof payload === 'string' ? payload : Buffer.from(payload),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

const folders: string[] = [];
const witnesses: WitnessProcess[] = [];
let dir: string;
let witness: WitnessProcess;
let witnessKey: VerifierKey;
let log: TestLog;

async function folder(): Promise<string> {
  const created = await mkdtemp(join(tmpdir(), 'allmende-witness-'));
  folders.push(created);
  return created;
}

async function start(data: string): Promise<WitnessProcess> {
  const started = await startWitness(data);
  witnesses.push(started);
  return started;
}

async function restart(): Promise<void> {
  expect(await witness.stop()).toBe(0);
  witness = await start(dir);
}

/** Cosigns `size` from whatever the witness holds now, learning its size from a 409. */
async function advance(size: number): Promise<void> {
  const probe = await post(witness.url, body(0, [], await log.checkpoint(size)));
  if (probe.status === 200) return;
  expect(probe.status).toBe(409);
  const held = Number(probe.text);
  const reply = await post(
    witness.url,
    body(held, log.proof(held, size), await log.checkpoint(size)),
  );
  expect(reply.status, reply.text).toBe(200);
}

beforeAll(async () => {
  dir = join(await folder(), 'witness');
  const init = await allmende('witness', 'init', '--data', dir, '--name', WITNESS_NAME);
  expect(init.code, init.stderr).toBe(0);
  const verifierKey = /Verifier key: (\S+)/.exec(init.stdout)![1]!;
  witnessKey = parseVerifierKey(verifierKey);
  log = new TestLog(await parseSignerKey((await generateNoteKeys(ORIGIN)).signerKey));
  log.grow(40);
  witness = await start(dir);
});

afterAll(async () => {
  await Promise.all(witnesses.map((w) => w.stop()));
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

describe('allmende witness init, key, add-log', () => {
  it('makes a cosigner key readable only by its owner and prints its verifier key', async () => {
    expect((await stat(join(dir, 'witness-key'))).mode & 0o777).toBe(0o600);
    expect(witnessKey.name).toBe(WITNESS_NAME);
    expect(witnessKey.algorithm).toBe(0x04);
    const key = await allmende('witness', 'key', '--data', dir);
    expect(key.stdout.trim()).toBe(
      `${witnessKey.name}+${Buffer.from(witnessKey.keyId).toString('hex')}+${b64(new Uint8Array([4, ...witnessKey.publicKey]))}`,
    );
    // Again: the key stays, and another name is refused.
    const again = await allmende('witness', 'init', '--data', dir);
    expect(again.stdout).toContain(`Kept the witness ${WITNESS_NAME}`);
    const renamed = await allmende('witness', 'init', '--data', dir, '--name', 'other.example/w');
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toContain(`holds the key of the witness "${WITNESS_NAME}"`);
    expect(renamed.stderr).not.toContain('PRIVATE');
  });

  it('refuses log keys it cannot use, with the reason', async () => {
    const cosignerKey = await allmende(
      'witness',
      'add-log',
      witnessKey.name + '+00000000+BAAA',
      '--data',
      dir,
    );
    expect(cosignerKey.code).toBe(2);
    expect(cosignerKey.stderr).toContain('VKEY: invalid verifier key');
    const own = await allmende('witness', 'key', '--data', dir);
    const asLog = await allmende('witness', 'add-log', own.stdout.trim(), '--data', dir);
    expect(asLog.stderr).toContain('a log signs checkpoints with an Ed25519 note key (type 1)');
    const none = await allmende('witness', 'key', '--data', join(dir, 'nothing'));
    expect(none.stderr).toContain('holds no witness key');
  });
});

describe('add-checkpoint (C2SP tlog-witness) with the spec’s example', () => {
  it('404: the spec’s example request, for a log this witness does not watch', async () => {
    const reply = await post(witness.url, SPEC_EXAMPLE);
    expect(reply.status).toBe(404);
    expect(reply.text).toBe('this witness does not watch "example.com/behind-the-sofa"\n');
  });

  it('403: the same request once the witness watches the origin under another key', async () => {
    const added = await allmende('witness', 'add-log', log.signer.verifierKey, '--data', dir);
    expect(added.stdout).toBe(`Watching ${ORIGIN} (1 key)\n`);
    // The running witness read the changed witness.toml: no restart.
    const reply = await post(witness.url, SPEC_EXAMPLE);
    expect(reply.status).toBe(403);
    expect(reply.text).toMatch(/^the checkpoint is not signed by the log's key/);
  });
});

describe('add-checkpoint (C2SP tlog-witness) with hand-built requests', () => {
  it('200: cosigns a first checkpoint (old 0, no proof) with a timestamped cosignature/v1', async () => {
    const before = Math.floor(Date.now() / 1000);
    const checkpoint = await log.checkpoint(5);
    const reply = await post(witness.url, body(0, [], checkpoint));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.text).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]{102}==\n$/);
    // As the spec suggests to clients: append the lines to the checkpoint, open with the key.
    const opened = await openNote(checkpoint + reply.text, [witnessKey]);
    expect(opened.verified.map((s) => s.name)).toEqual([WITNESS_NAME]);
    const timestamp = Buffer.from(opened.verified[0]!.signature).readBigUInt64BE(0);
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('409: an old size that is not the latest cosigned one, with that size as text/x.tlog.size', async () => {
    const reply = await post(witness.url, body(0, [], await log.checkpoint(8)));
    expect(reply).toEqual({ status: 409, type: 'text/x.tlog.size', text: '5\n' });
    const behind = await post(witness.url, body(3, log.proof(3, 8), await log.checkpoint(8)));
    expect(behind).toEqual({ status: 409, type: 'text/x.tlog.size', text: '5\n' });
  });

  it('200: extends the cosigned checkpoint with a consistency proof, and resubmits it unchanged', async () => {
    const grown = await post(witness.url, body(5, log.proof(5, 13), await log.checkpoint(13)));
    expect(grown.status, grown.text).toBe(200);
    const same = await post(witness.url, body(13, [], await log.checkpoint(13)));
    expect(same.status, same.text).toBe(200);
  });

  it('422: a proof that does not verify, or a tree that contradicts the cosigned one', async () => {
    const proof = log.proof(13, 20);
    const flipped = [...proof];
    const bytes = Buffer.from(flipped[1]!, 'base64');
    bytes[0]! ^= 1;
    flipped[1] = bytes.toString('base64');
    for (const bad of [flipped, proof.slice(1), [...proof, proof[0]!], []]) {
      const reply = await post(witness.url, body(13, bad, await log.checkpoint(20)));
      expect(reply.status, reply.text).toBe(422);
      expect(reply.text).toMatch(
        /^the checkpoint of size 20 is not consistent with the one of size 13 cosigned last: /,
      );
    }
    // A fork: the log signs another history of the same size, and a longer one on top of it.
    const fork = new TestLog(log.signer);
    fork.grow(25, 'forked');
    const sameSize = await post(witness.url, body(13, [], await fork.checkpoint(13)));
    expect(sameSize.status).toBe(422);
    expect(sameSize.text).toBe(
      'the checkpoint has size 13 like the one cosigned last, but another root hash\n',
    );
    const longer = await post(witness.url, body(13, fork.proof(13, 25), await fork.checkpoint(25)));
    expect(longer.status).toBe(422);
    // None of it moved the witness.
    const probe = await post(witness.url, body(0, [], await log.checkpoint(20)));
    expect(probe.text).toBe('13\n');
  });

  it('400: an old size beyond the checkpoint’s size', async () => {
    const reply = await post(witness.url, body(14, [], await log.checkpoint(13)));
    expect(reply.status).toBe(400);
    expect(reply.text).toBe("the old size 14 exceeds the checkpoint's size 13\n");
  });

  it('403: a changed signature, or a signature by another key of the log’s name', async () => {
    const checkpoint = await log.checkpoint(20);
    const lines = checkpoint.split('\n');
    const signature = lines[4]!.split(' ');
    const raw = Buffer.from(signature[2]!, 'base64');
    raw[10]! ^= 0x40;
    lines[4] = `${signature[0]} ${signature[1]} ${raw.toString('base64')}`;
    const changed = await post(witness.url, body(13, log.proof(13, 20), lines.join('\n')));
    expect(changed.status).toBe(403);
    expect(changed.text).toContain('invalid signature by a known key');

    const impostor = await parseSignerKey((await generateNoteKeys(ORIGIN)).signerKey);
    const forged = await signNote(log.text(20), impostor);
    const unknownKey = await post(witness.url, body(13, log.proof(13, 20), forged));
    expect(unknownKey.status).toBe(403);
    expect(unknownKey.text).toContain('no signature by a known key');
    // The log's signature next to unknown ones counts (the spec's "MAY include multiple").
    const both = await signNote(log.text(20), impostor, log.signer);
    expect((await post(witness.url, body(13, log.proof(13, 20), both))).status).toBe(200);
  });

  it('422 on a new log: a proof from old size 0, or a size-0 checkpoint with another root', async () => {
    const other = new TestLog(
      await parseSignerKey((await generateNoteKeys('other.example/log')).signerKey),
    );
    other.grow(6);
    await allmende('witness', 'add-log', other.signer.verifierKey, '--data', dir);
    const proofFromZero = await post(
      witness.url,
      body(0, [log.proof(2, 6)[0]!], await other.checkpoint(6)),
    );
    expect(proofFromZero.status).toBe(422);
    expect(proofFromZero.text).toBe('the consistency proof from size 0 must be empty\n');
    const empty = `other.example/log\n0\n${b64(mth(other.entries.slice(0, 3)))}\n`;
    const wrongEmpty = await post(witness.url, body(0, [], await signNote(empty, other.signer)));
    expect(wrongEmpty.status).toBe(422);
    expect(wrongEmpty.text).toBe(
      'a checkpoint of size 0 must have the root hash of the empty tree\n',
    );
    const emptyTree = await post(witness.url, body(0, [], await other.checkpoint(0)));
    expect(emptyTree.status, emptyTree.text).toBe(200);
  });

  it('400 for every malformed body, with a message saying what is wrong', async () => {
    const checkpoint = await log.checkpoint(20);
    const proof = log.proof(20, 20);
    const malformed: [string | Uint8Array, string][] = [
      ['', 'the body must begin with an "old <size>" line'],
      [`old 20`, 'the body must begin with an "old <size>" line'],
      [body('020', proof, checkpoint), 'the first line must be "old <size>"'],
      [body('-1', proof, checkpoint), 'the first line must be "old <size>"'],
      [body(' 20', proof, checkpoint), 'the first line must be "old <size>"'],
      [body('9007199254740992', proof, checkpoint), 'the first line must be "old <size>"'],
      [`new 20\n\n${checkpoint}`, 'the first line must be "old <size>"'],
      [`old 20\r\n\r\n${checkpoint}`, 'the first line must be "old <size>"'],
      [`old 20\n${checkpoint}`, 'consistency proof line 1 is not a 32-byte hash in base64'],
      [body(13, ['AAAA'], checkpoint), 'consistency proof line 1 is not a 32-byte hash'],
      [body(13, [b64(new Uint8Array(31))], checkpoint), 'consistency proof line 1 is not'],
      [body(13, [`${b64(new Uint8Array(32))} `], checkpoint), 'consistency proof line 1 is not'],
      [
        body(13, Array(64).fill(b64(new Uint8Array(32))) as string[], checkpoint),
        'at most 63 lines',
      ],
      [`old 13\n${b64(new Uint8Array(32))}\n`, 'must end with an empty line before the checkpoint'],
      [body(13, [], log.text(20)), 'the checkpoint is malformed: note has no blank line'],
      [
        body(13, [], `${log.text(20)}\n`),
        'the checkpoint is malformed: note must end in a signature line',
      ],
      [
        body(13, [], await signNote('not a\ncheckpoint\n', log.signer)),
        'the checkpoint is malformed: checkpoint must have at least three lines',
      ],
      [
        body(13, [], await signNote(`${ORIGIN}\n20\nnot base64\n`, log.signer)),
        'root hash must be 32 bytes',
      ],
      [body(13, [], checkpoint.replace('\n— ', '\n- ')), 'malformed signature line'],
      [new Uint8Array([...Buffer.from('old 13\n\n'), 0xff, 0xfe]), 'the body is not UTF-8'],
    ];
    for (const [payload, message] of malformed) {
      const reply = await post(witness.url, payload);
      expect(reply.status, JSON.stringify(String(payload))).toBe(400);
      expect(reply.text, JSON.stringify(String(payload))).toContain(message);
    }
  });

  it('413 for a huge body, 405 for other methods, 404 for other paths; it never stops answering', async () => {
    const huge = await post(witness.url, `old 13\n\n${'x'.repeat(2 * 1024 * 1024)}`);
    expect(huge.status).toBe(413);
    expect(huge.text).toBe('an add-checkpoint request is at most 1048576 bytes\n');
    const get = await fetch(`${witness.url}/add-checkpoint`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${witness.url}/other`)).status).toBe(404);
    const home = await (await fetch(witness.url)).text();
    expect(home).toContain(witnessKey.name);
    // Still there, and still at 20 entries.
    expect((await post(witness.url, body(0, [], await log.checkpoint(20)))).text).toBe('20\n');
  });
});

describe('allmende witness keeps its state', () => {
  it('across a restart: the latest cosigned size is still the one a 409 names', async () => {
    await advance(24);
    await restart();
    const reply = await post(witness.url, body(0, [], await log.checkpoint(24)));
    expect(reply).toEqual({ status: 409, type: 'text/x.tlog.size', text: '24\n' });
  });

  it('for monitors: GET /<origin hash>/checkpoint serves the log’s and its own signatures', async () => {
    const hash = createHash('sha256').update(ORIGIN).digest('hex');
    const response = await fetch(`${witness.url}/${hash}/checkpoint`);
    expect(response.status).toBe(200);
    const note = await response.text();
    const opened = await openNote(note, [parseVerifierKey(log.signer.verifierKey), witnessKey]);
    expect(opened.text).toBe(log.text(24));
    expect(opened.verified.map((s) => s.name)).toEqual([ORIGIN, WITNESS_NAME]);
    expect(opened.unverified).toEqual([]);
    const unknown = createHash('sha256').update('nobody.example/log').digest('hex');
    expect((await fetch(`${witness.url}/${unknown}/checkpoint`)).status).toBe(404);
  });

  it('atomically: of concurrent requests from the same old size, exactly one wins', async () => {
    await advance(24);
    log.grow(60);
    const sizes = Array.from({ length: 16 }, (_, i) => 25 + i * 2);
    const bodies = await Promise.all(
      sizes.map(async (size) => body(24, log.proof(24, size), await log.checkpoint(size))),
    );
    const replies = await Promise.all(bodies.map((b) => post(witness.url, b)));
    const won = replies.flatMap((reply, i) => (reply.status === 200 ? [sizes[i]!] : []));
    expect(won).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 200)) {
      expect(reply).toEqual({ status: 409, type: 'text/x.tlog.size', text: `${won[0]}\n` });
    }
  });

  it('lists its logs, their cosigned sizes and the refused checkpoints kept as evidence', async () => {
    const listed = await allmende('witness', 'logs', '--data', dir, '--json');
    const logs = JSON.parse(listed.stdout) as {
      origin: string;
      size: number;
      refused: { reason: string }[];
    }[];
    const sofa = logs.find((l) => l.origin === ORIGIN)!;
    expect(sofa.size).toBeGreaterThan(24);
    expect(sofa.refused.map((r) => r.reason)).toContain(
      'the checkpoint has size 13 like the one cosigned last, but another root hash',
    );
    const table = await allmende('witness', 'logs', '--data', dir);
    expect(table.stdout).toMatch(/^ORIGIN\s+COSIGNED SIZE\s+AT\s+REFUSED\n/);
    const removed = await allmende('witness', 'remove-log', 'other.example/log', '--data', dir);
    expect(removed.stdout).toBe('No longer watching other.example/log\n');
    expect(await readFile(join(dir, 'witness.toml'), 'utf8')).not.toContain('other.example/log');
    const again = await allmende('witness', 'remove-log', 'other.example/log', '--data', dir);
    expect(again.code).toBe(2);
  });
});
