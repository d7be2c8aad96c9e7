import type { ConsistencyProof } from '@allmende/protocol';
import { encodeBase64, leafHash, proveConsistency, treeHash, type NodeId } from '@allmende/tlog';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.ts';
import { readTrust, TRUST_STORAGE_KEY, type TrustStorage } from './trust-store.ts';
import { checkHistory, checkPinnedKey, type CheckpointView } from './verify.ts';

// Trust on first use and fork detection, against real RFC 6962 trees and proofs.

const ORIGIN = 'coop.example/log';
const KEY = 'coop.example/log+01234567+AQ==';
const NEW_KEY = 'coop.example/log+89abcdef+AQ==';
const FIRST_VISIT = new Date('2025-03-01T10:00:00.000Z');
const LATER = new Date('2025-03-02T10:00:00.000Z');

function leavesOf(name: string): Uint8Array[] {
  return Array.from({ length: 16 }, (_, i) => leafHash(new TextEncoder().encode(`${name} ${i}`)));
}
const LOG = leavesOf('entry');
/** Another history: the same sizes, other entries. */
const FORK = leavesOf('rewritten');

const rootOf = (leaves: Uint8Array[], size: number) => treeHash(leaves.slice(0, size));

/** The server's reply, from the real tree unless told otherwise. */
function proofReply(from: number, to: number, patch: Partial<ConsistencyProof> = {}) {
  const readNode = ({ level, index }: NodeId) =>
    treeHash(LOG.slice(index * 2 ** level, (index + 1) * 2 ** level));
  return {
    from,
    to,
    fromRootHash: encodeBase64(rootOf(LOG, from)),
    toRootHash: encodeBase64(rootOf(LOG, to)),
    proof: proveConsistency(from, to, readNode).map(encodeBase64),
    ...patch,
  };
}

/** A checkpoint whose signature verified with `verifierKey`. */
function verified(size: number, leaves = LOG, verifierKey = KEY): CheckpointView {
  const rootHash = rootOf(leaves, size);
  return {
    note: `${ORIGIN}\n${size}\n${encodeBase64(rootHash)}\n\n— ${ORIGIN} sig\n`,
    origin: ORIGIN,
    size,
    rootHash,
    verifierKey,
    keyName: ORIGIN,
    problem: null,
  };
}

class MemoryStorage implements TrustStorage {
  text: string | null = null;
  getItem(key: string): string | null {
    return key === TRUST_STORAGE_KEY ? this.text : null;
  }
  setItem(_key: string, value: string): void {
    this.text = value;
  }
}

async function check(
  view: CheckpointView,
  storage: TrustStorage | undefined,
  fetchProof = vi.fn((from: number, to: number) => Promise.resolve(proofReply(from, to))),
  now = LATER,
) {
  const checked = await checkHistory(checkPinnedKey(view, storage, now), {
    storage,
    fetchProof,
    now,
  });
  return { checked, fetchProof };
}

/** A browser that saw the checkpoint of size 5 on its first visit. */
async function browserThatSaw(size = 5): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await check(verified(size), storage, undefined, FIRST_VISIT);
  return storage;
}

describe('checkPinnedKey and checkHistory', () => {
  it('pins the key and remembers the checkpoint on the first visit', async () => {
    const storage = new MemoryStorage();
    const { checked, fetchProof } = await check(verified(5), storage, undefined, FIRST_VISIT);
    expect(checked.problem).toBeNull();
    expect(checked.trust).toEqual({ pinnedSince: FIRST_VISIT.toISOString(), remembered: true });
    expect(fetchProof).not.toHaveBeenCalled();
    expect(readTrust(storage).logs[ORIGIN]).toEqual({
      verifierKey: KEY,
      pinnedAt: FIRST_VISIT.toISOString(),
      checkpoint: {
        size: 5,
        rootHash: encodeBase64(rootOf(LOG, 5)),
        note: verified(5).note,
        seenAt: FIRST_VISIT.toISOString(),
      },
    });
  });

  it('checks a grown log against the checkpoint seen before and remembers the new one', async () => {
    const storage = await browserThatSaw(5);
    for (const [from, to] of [
      [5, 11],
      [11, 16],
    ] as const) {
      const { checked, fetchProof } = await check(verified(to), storage);
      expect(fetchProof).toHaveBeenCalledWith(from, to);
      expect(checked.problem).toBeNull();
      expect(checked.trust?.consistentWith?.size).toBe(from);
      expect(readTrust(storage).logs[ORIGIN]?.checkpoint?.size).toBe(to);
    }
  });

  it('finds the same checkpoint consistent without a proof and keeps when it was first seen', async () => {
    const storage = await browserThatSaw(5);
    const { checked, fetchProof } = await check(verified(5), storage);
    expect(fetchProof).not.toHaveBeenCalled();
    expect(checked.problem).toBeNull();
    expect(checked.trust).toEqual({
      pinnedSince: FIRST_VISIT.toISOString(),
      remembered: true,
      consistentWith: { size: 5, seenAt: FIRST_VISIT.toISOString() },
    });
  });

  it('does not trust a checkpoint signed by another key, and keeps the pinned one', async () => {
    const storage = await browserThatSaw(5);
    const before = storage.text;
    const { checked, fetchProof } = await check(verified(6, LOG, NEW_KEY), storage);
    expect(checked.problem).toEqual({
      kind: 'key-changed',
      pinnedKey: KEY,
      pinnedSince: FIRST_VISIT.toISOString(),
    });
    expect(checked.trust).toBeUndefined();
    expect(fetchProof).not.toHaveBeenCalled();
    expect(storage.text).toBe(before);
  });

  it('takes a log under another origin for a changed key', async () => {
    const storage = await browserThatSaw(5);
    const elsewhere = { ...verified(5, LOG, 'other.example/log+01234567+AQ==') };
    elsewhere.origin = 'other.example/log';
    const { checked } = await check(elsewhere, storage);
    expect(checked.problem).toMatchObject({ kind: 'key-changed', pinnedKey: KEY });
  });

  it('reports a log that shrank, without asking the server', async () => {
    const storage = await browserThatSaw(5);
    const before = storage.text;
    const { checked, fetchProof } = await check(verified(4), storage);
    expect(checked.problem).toMatchObject({
      kind: 'fork',
      reason: { kind: 'shrunk' },
      size: 4,
      seen: { size: 5, seenAt: FIRST_VISIT.toISOString() },
    });
    expect(fetchProof).not.toHaveBeenCalled();
    expect(storage.text).toBe(before);
  });

  it('reports another root for the same size', async () => {
    const storage = await browserThatSaw(5);
    const { checked } = await check(verified(5, FORK), storage);
    expect(checked.problem).toMatchObject({ kind: 'fork', reason: { kind: 'root-differs' } });
  });

  it('reports a larger checkpoint that does not extend the one seen', async () => {
    const storage = await browserThatSaw(5);
    const before = storage.text;
    // The server answers with a proof for its real tree but the forked tree's root.
    const fetchProof = vi.fn((from: number, to: number) =>
      Promise.resolve(proofReply(from, to, { toRootHash: encodeBase64(rootOf(FORK, to)) })),
    );
    const { checked } = await check(verified(9, FORK), storage, fetchProof);
    expect(checked.problem).toMatchObject({ kind: 'fork', reason: { kind: 'inconsistent' } });
    expect(storage.text).toBe(before);

    // Again on the next visit: the checkpoint seen before was not replaced.
    const again = await check(verified(9, FORK), storage, fetchProof);
    expect(again.checked.problem).toMatchObject({ kind: 'fork', size: 9, seen: { size: 5 } });
  });

  it('only compares the root hashes in the server’s proof with the signed ones', async () => {
    const storage = await browserThatSaw(5);
    const lying = [
      { fromRootHash: encodeBase64(rootOf(FORK, 5)) },
      { toRootHash: encodeBase64(rootOf(FORK, 9)) },
      { from: 4 },
      { to: 10 },
    ];
    for (const patch of lying) {
      const fetchProof = vi.fn((from: number, to: number) =>
        Promise.resolve(proofReply(from, to, patch)),
      );
      const { checked } = await check(verified(9), storage, fetchProof);
      expect(checked.problem).toMatchObject({ kind: 'fork', reason: { kind: 'proof-mismatch' } });
    }
    expect(readTrust(storage).logs[ORIGIN]?.checkpoint?.size).toBe(5);
  });

  it('remembers nothing when the proof cannot be fetched', async () => {
    const storage = await browserThatSaw(5);
    const before = storage.text;
    const failure = new ApiError({ kind: 'http', status: 503 });
    const fetchProof = vi.fn(() => Promise.reject(failure));
    await expect(check(verified(9), storage, fetchProof)).rejects.toBe(failure);
    expect(storage.text).toBe(before);
  });

  it('pins nothing for a checkpoint whose signature did not verify', async () => {
    const storage = new MemoryStorage();
    const bad: CheckpointView = { ...verified(5), problem: { kind: 'signature', reason: 'no' } };
    const { checked } = await check(bad, storage);
    expect(checked).toEqual(bad);
    expect(storage.text).toBeNull();
  });

  it('says so when the browser cannot remember the key', async () => {
    const { checked } = await check(verified(5), undefined);
    expect(checked.problem).toBeNull();
    expect(checked.trust?.remembered).toBe(false);
  });
});
