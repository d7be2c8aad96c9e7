import { describe, expect, it } from 'vitest';
import {
  checkKey,
  emptyTrust,
  pinKey,
  readTrust,
  rememberCheckpoint,
  TRUST_STORAGE_KEY,
  writeTrust,
  type SeenCheckpoint,
  type TrustStorage,
} from './trust-store.ts';

const ORIGIN = 'coop.example/log';
const KEY = 'coop.example/log+01234567+AQ==';
const OTHER_KEY = 'coop.example/log+89abcdef+AQ==';
const ROOT = Buffer.alloc(32, 7).toString('base64');

class MemoryStorage implements TrustStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

function storageWith(text: string): MemoryStorage {
  const storage = new MemoryStorage();
  storage.setItem(TRUST_STORAGE_KEY, text);
  return storage;
}

function seen(size: number, seenAt = '2025-03-01T10:00:00.000Z'): SeenCheckpoint {
  return { size, rootHash: ROOT, note: `${ORIGIN}\n${size}\n${ROOT}\n\n— sig\n`, seenAt };
}

const pinned = pinKey(emptyTrust(), ORIGIN, KEY, new Date('2025-03-01T09:00:00.000Z'));

describe('readTrust', () => {
  it('reads what writeTrust stored', () => {
    const storage = new MemoryStorage();
    const state = rememberCheckpoint(pinned, ORIGIN, KEY, seen(3));
    expect(writeTrust(storage, state)).toBe(true);
    expect(readTrust(storage)).toEqual(state);
    expect(JSON.parse(storage.getItem(TRUST_STORAGE_KEY) ?? '')).toEqual({
      version: 1,
      logs: {
        [ORIGIN]: { verifierKey: KEY, pinnedAt: '2025-03-01T09:00:00.000Z', checkpoint: seen(3) },
      },
    });
  });

  it('treats missing, corrupt or unknown contents as nothing remembered', () => {
    const valid = JSON.stringify(rememberCheckpoint(pinned, ORIGIN, KEY, seen(3)));
    const broken = [
      '{"version":1,"logs":{',
      'null',
      '"text"',
      JSON.stringify({ version: 2, logs: {} }),
      valid.replace(ROOT, 'AAAA'),
      valid.replace('"size":3', '"size":-1'),
      valid.replace('"size":3', '"size":1.5'),
      valid.replace('2025-03-01T09:00:00.000Z', 'yesterday'),
      valid.replace(KEY, ''),
    ];
    expect(readTrust(new MemoryStorage())).toEqual(emptyTrust());
    expect(readTrust(undefined)).toEqual(emptyTrust());
    for (const text of broken) expect(readTrust(storageWith(text))).toEqual(emptyTrust());
  });

  it('survives a storage that refuses access', () => {
    const refusing: TrustStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(readTrust(refusing)).toEqual(emptyTrust());
    expect(writeTrust(refusing, pinned)).toBe(false);
    expect(writeTrust(undefined, pinned)).toBe(false);
  });
});

describe('checkKey', () => {
  it('knows nothing on a first visit', () => {
    expect(checkKey(emptyTrust(), ORIGIN, KEY)).toEqual({ status: 'new' });
  });

  it('accepts the pinned key and reports another one', () => {
    expect(checkKey(pinned, ORIGIN, KEY)).toMatchObject({ status: 'pinned' });
    expect(checkKey(pinned, ORIGIN, OTHER_KEY)).toMatchObject({
      status: 'changed',
      pinned: { verifierKey: KEY },
    });
  });

  it('takes a log under a new origin for a different log, not for a first visit', () => {
    const later = pinKey(pinned, 'elsewhere/log', 'elsewhere/log+00000000+AQ==', new Date());
    expect(checkKey(later, 'third/log', 'third/log+11111111+AQ==')).toMatchObject({
      status: 'changed',
      pinned: { verifierKey: 'elsewhere/log+00000000+AQ==' },
    });
  });
});

describe('pinKey and rememberCheckpoint', () => {
  it('forgets the history seen under the old key when a new key is pinned', () => {
    const state = rememberCheckpoint(pinned, ORIGIN, KEY, seen(3));
    const repinned = pinKey(state, ORIGIN, OTHER_KEY, new Date('2025-04-01T00:00:00.000Z'));
    expect(repinned.logs[ORIGIN]).toEqual({
      verifierKey: OTHER_KEY,
      pinnedAt: '2025-04-01T00:00:00.000Z',
    });
  });

  it('only moves forward, and only for the pinned key', () => {
    const state = rememberCheckpoint(pinned, ORIGIN, KEY, seen(5));
    expect(rememberCheckpoint(state, ORIGIN, KEY, seen(4))).toBe(state);
    expect(rememberCheckpoint(state, ORIGIN, KEY, seen(5, '2025-05-01T00:00:00.000Z'))).toBe(state);
    expect(rememberCheckpoint(state, ORIGIN, OTHER_KEY, seen(9))).toBe(state);
    expect(rememberCheckpoint(emptyTrust(), ORIGIN, KEY, seen(9))).toEqual(emptyTrust());
    expect(rememberCheckpoint(state, ORIGIN, KEY, seen(6)).logs[ORIGIN]?.checkpoint).toEqual(
      seen(6),
    );
  });
});
