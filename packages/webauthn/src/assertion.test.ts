import { verify } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ecdsaDerToRaw } from './crypto.ts';
import { P256_N } from './curves.ts';
import { parseCoseKey, verifyAssertion, type AssertionToVerify } from './index.ts';
import {
  authenticatorData,
  base64Url,
  CHALLENGE,
  clientData,
  FLAGS,
  flipBit,
  generateTestKey,
  makeAssertion,
  ORIGIN,
  rejectedCode,
  RP_ID,
  sha256,
  signAs,
  thrownCode,
  toHex,
  utf8,
  type TestAlgorithm,
  type TestAssertion,
  type TestKey,
} from './test-helpers.ts';

const ALGORITHMS: readonly TestAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];
const keys = {} as Record<TestAlgorithm, TestKey>;
beforeAll(() => {
  for (const algorithm of ALGORITHMS) keys[algorithm] = generateTestKey(algorithm);
});

function options(key: TestKey, assertion: TestAssertion): AssertionToVerify {
  return {
    publicKey: key.cose,
    ...assertion,
    expectedChallenge: CHALLENGE,
    rpId: RP_ID,
    origins: [ORIGIN],
  };
}

function code(key: TestKey, assertion: TestAssertion, changes: Partial<AssertionToVerify> = {}) {
  return rejectedCode(() => verifyAssertion({ ...options(key, assertion), ...changes }));
}

describe.each(ALGORITHMS)('%s assertions', (algorithm) => {
  it('verify, as COSE bytes and as a parsed key', async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key);
    await expect(verifyAssertion(options(key, assertion))).resolves.toEqual({
      signCount: 7,
      userVerified: true,
    });
    await expect(
      verifyAssertion({ ...options(key, assertion), publicKey: parseCoseKey(key.cose) }),
    ).resolves.toEqual({ signCount: 7, userVerified: true });
  });

  it('verify without UV when user verification is not required', async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key, {
      authenticatorData: authenticatorData({ flags: FLAGS.UP | FLAGS.BE | FLAGS.BS }),
    });
    await expect(
      verifyAssertion({ ...options(key, assertion), requireUserVerification: false }),
    ).resolves.toEqual({ signCount: 0, userVerified: false });
  });

  it('verify with extensions, extra client data members and any of several origins', async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key, {
      authenticatorData: authenticatorData({
        flags: FLAGS.UP | FLAGS.UV | FLAGS.ED,
        signCount: 1,
        rest: Uint8Array.of(0xa1, 0x63, ...utf8('foo'), 0xf5),
      }),
      clientDataJSON: clientData({
        other_keys_can_be_added_here: 'do not compare clientDataJSON against a template.',
        crossOrigin: undefined,
      }),
    });
    await expect(
      verifyAssertion({ ...options(key, assertion), origins: ['https://a.example', ORIGIN] }),
    ).resolves.toEqual({ signCount: 1, userVerified: true });
  });

  it('refuse a wrong challenge, even one bit off', async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key);
    for (const bit of [0, 7, 100, 255]) {
      expect(await code(key, assertion, { expectedChallenge: flipBit(CHALLENGE, bit) })).toBe(
        'WEBAUTHN_WRONG_CHALLENGE',
      );
    }
    const signedOther = makeAssertion(key, {
      clientDataJSON: clientData({ challenge: base64Url(flipBit(CHALLENGE, 3)) }),
    });
    expect(await code(key, signedOther)).toBe('WEBAUTHN_WRONG_CHALLENGE');
  });

  it('refuse every refusal of WebAuthn §7.2 with its own code', async () => {
    const key = keys[algorithm];
    const refusals: [string, TestAssertion, Partial<AssertionToVerify>, string][] = [
      [
        'another origin',
        makeAssertion(key, { clientDataJSON: clientData({ origin: 'https://evil.example' }) }),
        {},
        'WEBAUTHN_WRONG_ORIGIN',
      ],
      [
        'an origin not expected',
        makeAssertion(key),
        { origins: ['https://coop.example:8443'] },
        'WEBAUTHN_WRONG_ORIGIN',
      ],
      [
        'an origin that differs in case',
        makeAssertion(key, { clientDataJSON: clientData({ origin: 'https://COOP.example' }) }),
        {},
        'WEBAUTHN_WRONG_ORIGIN',
      ],
      [
        'crossOrigin true',
        makeAssertion(key, { clientDataJSON: clientData({ crossOrigin: true }) }),
        {},
        'WEBAUTHN_CROSS_ORIGIN',
      ],
      [
        'a topOrigin',
        makeAssertion(key, { clientDataJSON: clientData({ topOrigin: ORIGIN }) }),
        {},
        'WEBAUTHN_CROSS_ORIGIN',
      ],
      [
        'a registration (webauthn.create)',
        makeAssertion(key, { clientDataJSON: clientData({ type: 'webauthn.create' }) }),
        {},
        'WEBAUTHN_WRONG_TYPE',
      ],
      [
        'another type',
        makeAssertion(key, { clientDataJSON: clientData({ type: 'payment.get' }) }),
        {},
        'WEBAUTHN_WRONG_TYPE',
      ],
      [
        'another RP ID',
        makeAssertion(key, { authenticatorData: authenticatorData({ rpId: 'evil.example' }) }),
        {},
        'WEBAUTHN_WRONG_RP',
      ],
      [
        'an RP ID not expected',
        makeAssertion(key),
        { rpId: 'www.coop.example' },
        'WEBAUTHN_WRONG_RP',
      ],
      [
        'the UP flag clear',
        makeAssertion(key, { authenticatorData: authenticatorData({ flags: FLAGS.UV }) }),
        {},
        'WEBAUTHN_USER_NOT_PRESENT',
      ],
      [
        'the UV flag clear when required',
        makeAssertion(key, { authenticatorData: authenticatorData({ flags: FLAGS.UP }) }),
        { requireUserVerification: true },
        'WEBAUTHN_USER_NOT_VERIFIED',
      ],
      [
        'the UV flag clear by default',
        makeAssertion(key, { authenticatorData: authenticatorData({ flags: FLAGS.UP }) }),
        {},
        'WEBAUTHN_USER_NOT_VERIFIED',
      ],
      [
        'attested credential data in an assertion (§6.3.3)',
        makeAssertion(key, {
          authenticatorData: authenticatorData({
            flags: FLAGS.UP | FLAGS.UV | FLAGS.AT,
            rest: Uint8Array.of(...new Uint8Array(16), 0, 1, 7, ...key.cose),
          }),
        }),
        {},
        'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      ],
      [
        'truncated authenticator data',
        (() => {
          const a = makeAssertion(key);
          return { ...a, authenticatorData: a.authenticatorData.subarray(0, 36) };
        })(),
        {},
        'WEBAUTHN_BAD_AUTHENTICATOR_DATA',
      ],
      [
        'client data that is not JSON',
        makeAssertion(key, { clientDataJSON: utf8('{"type":"webauthn.get",') }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'client data that is not UTF-8',
        makeAssertion(key, { clientDataJSON: Uint8Array.of(0x7b, 0xff, 0x7d) }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'client data with a byte order mark',
        makeAssertion(key, { clientDataJSON: Uint8Array.of(0xef, 0xbb, 0xbf, ...clientData()) }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'client data that is an array',
        makeAssertion(key, { clientDataJSON: utf8('[]') }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'client data without a challenge',
        makeAssertion(key, { clientDataJSON: clientData({ challenge: undefined }) }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'a challenge that is not a string',
        makeAssertion(key, { clientDataJSON: clientData({ challenge: Array.from(CHALLENGE) }) }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'a challenge with padding',
        makeAssertion(key, {
          clientDataJSON: clientData({ challenge: `${base64Url(CHALLENGE)}=` }),
        }),
        {},
        'WEBAUTHN_WRONG_CHALLENGE',
      ],
      [
        'a challenge in standard base64',
        makeAssertion(key, {
          clientDataJSON: clientData({ challenge: Buffer.from(CHALLENGE).toString('base64') }),
        }),
        { expectedChallenge: Uint8Array.of(0xfb, 0xff, 0xbf) },
        'WEBAUTHN_WRONG_CHALLENGE',
      ],
      [
        'a crossOrigin that is not a boolean',
        makeAssertion(key, { clientDataJSON: clientData({ crossOrigin: 'true' }) }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
      [
        'a type inherited, not own',
        makeAssertion(key, {
          clientDataJSON: utf8(
            `{"__proto__":{"type":"webauthn.get"},"challenge":"${base64Url(CHALLENGE)}","origin":"${ORIGIN}"}`,
          ),
        }),
        {},
        'WEBAUTHN_BAD_CLIENT_DATA',
      ],
    ];
    for (const [what, assertion, changes, expected] of refusals) {
      expect(`${what}: ${await code(key, assertion, changes)}`).toBe(`${what}: ${expected}`);
    }
  });

  it('refuse an assertion whose signed parts were changed in any bit', async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('authenticatorData', 'clientDataJSON', 'signature' as const),
        fc.nat(),
        async (part, at) => {
          const bytes = assertion[part];
          const changed = { ...assertion, [part]: flipBit(bytes, at % (bytes.length * 8)) };
          const result = await code(key, changed);
          expect(result).toMatch(/^WEBAUTHN_/);
          expect(result).not.toBe('no error');
        },
      ),
      { numRuns: 100 },
    );
    // Bits that no check but the signature covers: the signature counter and the challenge
    // as signed in the client data, every bit of the signature itself.
    const signCount = {
      ...assertion,
      authenticatorData: flipBit(assertion.authenticatorData, 36 * 8 + 7),
    };
    expect(await code(key, signCount)).toBe('WEBAUTHN_BAD_SIGNATURE');
    const extraMember = {
      ...assertion,
      clientDataJSON: clientData({ note: 'added later' }),
    };
    expect(await code(key, extraMember)).toBe('WEBAUTHN_BAD_SIGNATURE');
    for (let bit = 0; bit < assertion.signature.length * 8; bit += 13) {
      const changed = { ...assertion, signature: flipBit(assertion.signature, bit) };
      expect(await code(key, changed)).toBe('WEBAUTHN_BAD_SIGNATURE');
    }
  });

  it("refuse another key's signature and a signature of another algorithm", async () => {
    const key = keys[algorithm];
    const assertion = makeAssertion(key);
    const other = generateTestKey(algorithm);
    expect(await code(other, assertion)).toBe('WEBAUTHN_BAD_SIGNATURE');
    for (const otherAlgorithm of ALGORITHMS.filter((a) => a !== algorithm)) {
      expect(await code(keys[otherAlgorithm], assertion)).toBe('WEBAUTHN_BAD_SIGNATURE');
    }
  });
});

describe('ES256 signatures in DER (WebAuthn §6.5.6, RFC 3279 §2.2.3)', () => {
  const key = (): TestKey => keys.ES256;

  /** A DER INTEGER of `value`, minimal unless bytes are given. */
  function derInteger(value: bigint | Uint8Array): number[] {
    let bytes: number[];
    if (value instanceof Uint8Array) {
      bytes = Array.from(value);
    } else {
      const hexText = value.toString(16).padStart(2, '0');
      bytes = Array.from(Buffer.from(hexText.length % 2 ? `0${hexText}` : hexText, 'hex'));
      if (bytes[0]! & 0x80) bytes.unshift(0);
    }
    return [0x02, bytes.length, ...bytes];
  }

  function derSignature(r: bigint | Uint8Array, s: bigint | Uint8Array): Uint8Array {
    const body = [...derInteger(r), ...derInteger(s)];
    return Uint8Array.from([0x30, body.length, ...body]);
  }

  function rAndS(der: Uint8Array): [bigint, bigint] {
    const raw = ecdsaDerToRaw(der);
    return [BigInt(`0x${toHex(raw.subarray(0, 32))}`), BigInt(`0x${toHex(raw.subarray(32))}`)];
  }

  function withSignature(signature: Uint8Array): TestAssertion {
    return { ...makeAssertion(key()), signature };
  }

  it('convert to the raw r ‖ s that node:crypto verifies as IEEE P1363', () => {
    for (let i = 0; i < 20; i++) {
      const data = utf8(`statement ${i}`);
      const der = signAs(key(), data);
      const raw = ecdsaDerToRaw(der);
      expect(raw.length).toBe(64);
      expect(verify('sha256', data, { key: key().publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(
        true,
      );
    }
  });

  it('accept a high s, which is valid ECDSA and not normalised by authenticators', async () => {
    const assertion = makeAssertion(key());
    const [r, s] = rAndS(assertion.signature);
    const flipped = derSignature(r, P256_N - s);
    const highS = s > P256_N / 2n ? assertion.signature : flipped;
    const lowS = s > P256_N / 2n ? flipped : assertion.signature;
    for (const signature of [highS, lowS]) {
      await expect(verifyAssertion(options(key(), { ...assertion, signature }))).resolves.toEqual({
        signCount: 7,
        userVerified: true,
      });
    }
  });

  it('accept short r and s and refuse padded ones', async () => {
    // Find signatures whose r or s is shorter than 32 bytes and whose DER is therefore short.
    let found = 0;
    for (let i = 0; found < 2 && i < 2000; i++) {
      const assertion = makeAssertion(key(), {
        authenticatorData: authenticatorData({ signCount: i }),
      });
      const [r, s] = rAndS(assertion.signature);
      if (r >= 2n ** 248n && s >= 2n ** 248n) continue;
      found++;
      await expect(verifyAssertion(options(key(), assertion))).resolves.toBeDefined();
      const small = r < 2n ** 248n ? 'r' : 's';
      const padded = Uint8Array.of(
        0,
        ...Buffer.from((small === 'r' ? r : s).toString(16).padStart(64, '0'), 'hex'),
      );
      const signature = small === 'r' ? derSignature(padded, s) : derSignature(r, padded);
      expect(await code(key(), { ...assertion, signature })).toBe('WEBAUTHN_BAD_SIGNATURE');
    }
    expect(found).toBe(2);
  });

  it.each<[string, (r: bigint, s: bigint, der: Uint8Array) => Uint8Array]>([
    [
      'a non-minimal r (a needless leading zero)',
      (r, s) => derSignature(Uint8Array.of(0, 0, ...derInteger(r).slice(2)), s),
    ],
    [
      'a negative s',
      (r, s) =>
        derSignature(r, Uint8Array.of(0x80 | Number(s >> 248n), ...derInteger(s).slice(-31))),
    ],
    ['s = 0', (r) => derSignature(r, 0n)],
    ['r = 0', (_r, s) => derSignature(0n, s)],
    ['s = n', (r) => derSignature(r, P256_N)],
    ['s = n + s', (r, s) => derSignature(r, P256_N + s)],
    ['r = 2^256 − 1', (_r, s) => derSignature(2n ** 256n - 1n, s)],
    ['a byte after the sequence', (_r, _s, der) => Uint8Array.of(...der, 0)],
    [
      'a byte after s inside the sequence',
      (r, s) => {
        const body = [...derInteger(r), ...derInteger(s), 0];
        return Uint8Array.from([0x30, body.length, ...body]);
      },
    ],
    ['a long-form length', (_r, _s, der) => Uint8Array.of(0x30, 0x81, ...der.subarray(1))],
    ['an indefinite length', (_r, _s, der) => Uint8Array.of(0x30, 0x80, ...der.subarray(2), 0, 0)],
    [
      'a sequence length that is too long',
      (_r, _s, der) => Uint8Array.of(0x30, der[1]! + 1, ...der.subarray(2)),
    ],
    [
      'a sequence length that is too short',
      (_r, _s, der) => Uint8Array.of(0x30, der[1]! - 1, ...der.subarray(2)),
    ],
    ['a SET instead of a SEQUENCE', (_r, _s, der) => Uint8Array.of(0x31, ...der.subarray(1))],
    [
      'an OCTET STRING instead of an INTEGER',
      (_r, _s, der) => Uint8Array.of(0x30, der[1]!, 0x04, ...der.subarray(3)),
    ],
    ['r alone', (r) => Uint8Array.from([0x30, derInteger(r).length, ...derInteger(r)])],
    ['raw r ‖ s instead of DER', (_r, _s, der) => ecdsaDerToRaw(der)],
    ['an empty INTEGER', (r) => derSignature(r, new Uint8Array(0))],
    [
      'an integer of 34 bytes',
      (r, s) =>
        derSignature(
          r,
          Uint8Array.of(0, 0, ...Buffer.from(s.toString(16).padStart(64, '0'), 'hex')),
        ),
    ],
    ['nothing', () => new Uint8Array(0)],
  ])('refuse %s', async (_what, change) => {
    const assertion = makeAssertion(key());
    const [r, s] = rAndS(assertion.signature);
    expect(await code(key(), withSignature(change(r, s, assertion.signature)))).toBe(
      'WEBAUTHN_BAD_SIGNATURE',
    );
  });

  it('throw only WebAuthnErrors for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const result = thrownCode(() => ecdsaDerToRaw(bytes));
        expect(['no error', 'WEBAUTHN_BAD_SIGNATURE']).toContain(result);
      }),
    );
  });
});

describe('EdDSA and RS256 signature forms', () => {
  it('refuse an Ed25519 signature with S of L or more (RFC 8032 §5.1.7)', async () => {
    const key = keys.EdDSA;
    const assertion = makeAssertion(key);
    // S + L is the same scalar modulo L; a lenient verifier would accept it.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${toHex(assertion.signature.slice(32).reverse())}`);
    const sPlusL = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    const signature = Uint8Array.of(...assertion.signature.subarray(0, 32), ...sPlusL);
    expect(await code(key, { ...assertion, signature })).toBe('WEBAUTHN_BAD_SIGNATURE');
  });

  it('refuse signatures of the wrong length', async () => {
    for (const algorithm of ['EdDSA', 'RS256'] as const) {
      const key = keys[algorithm];
      const assertion = makeAssertion(key);
      for (const signature of [
        assertion.signature.subarray(1),
        Uint8Array.of(0, ...assertion.signature),
        new Uint8Array(0),
      ]) {
        expect(await code(key, { ...assertion, signature })).toBe('WEBAUTHN_BAD_SIGNATURE');
      }
    }
  });
});

describe('arguments', () => {
  it('refuse what is not of the documented types', async () => {
    const key = keys.ES256;
    const assertion = makeAssertion(key);
    const cases: [Partial<Record<keyof AssertionToVerify, unknown>>, string][] = [
      [{ authenticatorData: Array.from(assertion.authenticatorData) }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ clientDataJSON: 'text' }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ signature: undefined }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ expectedChallenge: base64Url(CHALLENGE) }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ expectedChallenge: new Uint8Array(0) }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ rpId: '' }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ rpId: undefined }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ origins: ORIGIN }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ origins: [] }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ origins: [ORIGIN, 1] }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ requireUserVerification: 'yes' }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ publicKey: undefined }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ publicKey: { alg: -7 } }, 'WEBAUTHN_BAD_ARGUMENT'],
      [{ publicKey: new Uint8Array(0) }, 'WEBAUTHN_BAD_KEY'],
      [{ publicKey: generateTestKey('RS256', 1024).cose }, 'WEBAUTHN_UNSUPPORTED'],
    ];
    for (const [changes, expected] of cases) {
      expect(await code(key, assertion, changes as Partial<AssertionToVerify>)).toBe(expected);
    }
    expect(await rejectedCode(() => verifyAssertion(null as never))).toBe('WEBAUTHN_BAD_ARGUMENT');
  });

  it('judge a parsed key by its bytes, not by fields changed afterwards', async () => {
    const key = keys.ES256;
    const assertion = makeAssertion(key);
    const parsed = parseCoseKey(key.cose);
    const forged = { ...parsed, x: new Uint8Array(32) };
    await expect(
      verifyAssertion({ ...options(key, assertion), publicKey: forged }),
    ).resolves.toBeDefined();
    const otherRaw = { ...parsed, raw: generateTestKey('ES256').cose };
    expect(await code(key, assertion, { publicKey: otherRaw })).toBe('WEBAUTHN_BAD_SIGNATURE');
  });

  it('report errors with messages for people', async () => {
    const key = keys.ES256;
    const assertion = makeAssertion(key, {
      clientDataJSON: clientData({ origin: 'https://evil.example\u202e' }),
    });
    await expect(verifyAssertion(options(key, assertion))).rejects.toThrow(
      'the assertion comes from the origin "https://evil.example\\u202e", which is not expected',
    );
    expect(thrownCode(() => parseCoseKey(sha256('x')))).toBe('WEBAUTHN_BAD_KEY');
  });
});
