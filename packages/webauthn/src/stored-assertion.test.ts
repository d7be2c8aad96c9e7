import { describe, expect, it } from 'vitest';
import {
  parseAuthenticatorData,
  parseCoseKey,
  parseStoredAssertion,
  verifyStoredAssertion,
  type StoredAssertion,
} from './index.ts';
import {
  base64Url,
  CHALLENGE,
  fromBase64Url,
  generateTestKey,
  makeAssertion,
  ORIGIN,
  rejectedCode,
  RP_ID,
  sha256,
  STATEMENT,
  thrownCode,
} from './test-helpers.ts';

// Known answers recorded from Chromium 156 with a CDP virtual authenticator (CTAP2, internal,
// user verification) on http://localhost:43210: the authenticator data of each registration,
// which holds the credential public key, and PublicKeyCredential.toJSON() of an assertion
// whose challenge is SHA-256 of STATEMENT.
const CHROMIUM_ORIGIN = 'http://localhost:43210';
const CHROMIUM = {
  ES256: {
    registration:
      'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIFEYGCqnC-FMsHmfWxjvDVillq6cFvtCV_DeNrfl-3-kpQECAyYgASFYIF_dD1wVtnwfrsmAgKXCKlHZbpzC9ShnM9hCL_zBUUb9Ilgg5JrUX7IP1IW_Zkv6uk0aROZsWauTvYbcxO456WULXwY',
    assertion: {
      credentialId: 'URgYKqcL4UyweZ9bGO8NWKWWrpwW-0JX8N42t-X7f6Q',
      authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg',
      clientDataJSON:
        'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic1hUVWdELTFOSEx5aXp4RUhXZXpMejVoaDVDdThQRnNyd1FWVjlGZ0dOOCIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDMyMTAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
      signature:
        'MEYCIQDVlvO9u2fycmSTWDZ44l7H1hpWOlZl1xLlSZkOgKbFgAIhAM9xRSMKbWRnrtBlVKRZFhPnxLmyU527XVDzeLJrTzW0',
    },
  },
  EdDSA: {
    registration:
      'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIP2mq0eTB_nk2SaySEd-TXVREkSLfU4ocmhQiQ0DvjnkpAEBAycgBiFYILznVAqw8Xyrfgn-fPmESFOHBD7L5se9Rbi7C8vZ13Yw',
    assertion: {
      credentialId: '_aarR5MH-eTZJrJIR35NdVESRIt9TihyaFCJDQO-OeQ',
      authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg',
      clientDataJSON:
        'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic1hUVWdELTFOSEx5aXp4RUhXZXpMejVoaDVDdThQRnNyd1FWVjlGZ0dOOCIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDMyMTAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
      signature:
        'ncQb5lYIjp-jl7Gv5a4p1C1hcVgjFF-w0f5szOxAQzatOnqNDW9wsjo3q_K0AvtjEtXBdH9TLHAkHJicYTx3AQ',
    },
  },
} as const;

function credentialPublicKey(registration: string): Uint8Array {
  const attested = parseAuthenticatorData(fromBase64Url(registration)).attestedCredentialData;
  return attested!.credentialPublicKey;
}

describe.each(['ES256', 'EdDSA'] as const)('a stored assertion of Chromium (%s)', (algorithm) => {
  const fixture = CHROMIUM[algorithm];
  const options = {
    publicKey: credentialPublicKey(fixture.registration),
    expectedChallenge: sha256(STATEMENT),
    rpId: 'localhost',
    origins: [CHROMIUM_ORIGIN],
  };

  it('verifies', async () => {
    expect(parseCoseKey(options.publicKey).alg).toBe(algorithm === 'ES256' ? -7 : -8);
    expect(parseStoredAssertion(fixture.assertion)).toEqual(fixture.assertion);
    await expect(verifyStoredAssertion(fixture.assertion, options)).resolves.toEqual({
      signCount: 2,
      userVerified: true,
    });
  });

  it('is refused for another statement, origin or RP ID', async () => {
    const refused = (changes: Partial<typeof options>) =>
      rejectedCode(() => verifyStoredAssertion(fixture.assertion, { ...options, ...changes }));
    expect(await refused({ expectedChallenge: sha256(`${STATEMENT} `) })).toBe(
      'WEBAUTHN_WRONG_CHALLENGE',
    );
    expect(await refused({ origins: ['http://localhost:43211'] })).toBe('WEBAUTHN_WRONG_ORIGIN');
    expect(await refused({ rpId: 'localhost.' })).toBe('WEBAUTHN_WRONG_RP');
    const otherKey = credentialPublicKey(
      CHROMIUM[algorithm === 'ES256' ? 'EdDSA' : 'ES256'].registration,
    );
    expect(await refused({ publicKey: otherKey })).toBe('WEBAUTHN_BAD_SIGNATURE');
  });
});

describe('stored assertions', () => {
  const key = generateTestKey('ES256');
  const assertion = makeAssertion(key);
  const stored: StoredAssertion = {
    credentialId: base64Url(Uint8Array.of(1, 2, 3, 4)),
    authenticatorData: base64Url(assertion.authenticatorData),
    clientDataJSON: base64Url(assertion.clientDataJSON),
    signature: base64Url(assertion.signature),
  };
  const options = {
    publicKey: key.cose,
    expectedChallenge: CHALLENGE,
    rpId: RP_ID,
    origins: [ORIGIN],
  };

  it('verify, and survive JSON', async () => {
    await expect(verifyStoredAssertion(stored, options)).resolves.toEqual({
      signCount: 7,
      userVerified: true,
    });
    const parsed = parseStoredAssertion(JSON.parse(JSON.stringify(stored)));
    expect(parsed).toEqual(stored);
    await expect(verifyStoredAssertion(parsed, options)).resolves.toBeDefined();
  });

  it('parse into a fresh object, from one with or without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, stored);
    const parsed = parseStoredAssertion(bare);
    expect(parsed).toEqual(stored);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed).not.toBe(stored);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', JSON.stringify(stored)],
    ['an array', [stored]],
    ['a Map', new Map(Object.entries(stored))],
    ['an instance of a class', Object.assign(new (class Assertion {})(), stored)],
    ['a missing field', { ...stored, signature: undefined }],
    ['an extra field', { ...stored, userHandle: 'AAAA' }],
    ['a field that is not a string', { ...stored, signature: Array.from(assertion.signature) }],
    ['an empty field', { ...stored, credentialId: '' }],
    ['padding', { ...stored, credentialId: 'AQIDBA==' }],
    // Bytes whose standard base64 is "++++": a random signature's may hold no "+" or "/" at all.
    [
      'standard base64',
      { ...stored, signature: Buffer.from([0xfb, 0xef, 0xbe]).toString('base64') },
    ],
    ['whitespace', { ...stored, clientDataJSON: ` ${stored.clientDataJSON}` }],
    ['an impossible length', { ...stored, credentialId: 'AQIDB' }],
    ['a credential ID of 1024 bytes', { ...stored, credentialId: base64Url(new Uint8Array(1024)) }],
    ['a signature of 1025 bytes', { ...stored, signature: base64Url(new Uint8Array(1025)) }],
    ['client data of 10 MB', { ...stored, clientDataJSON: 'A'.repeat(10_000_000) }],
  ])('refuse %s', async (_what, value) => {
    expect(thrownCode(() => parseStoredAssertion(value))).toBe('WEBAUTHN_BAD_STORED_ASSERTION');
    expect(await rejectedCode(() => verifyStoredAssertion(value as StoredAssertion, options))).toBe(
      'WEBAUTHN_BAD_STORED_ASSERTION',
    );
  });

  it('refuse options that are not an object', async () => {
    expect(await rejectedCode(() => verifyStoredAssertion(stored, null as never))).toBe(
      'WEBAUTHN_BAD_ARGUMENT',
    );
  });
});
