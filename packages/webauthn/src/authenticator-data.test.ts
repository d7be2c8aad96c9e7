import { describe, expect, it } from 'vitest';
import { parseAuthenticatorData } from './index.ts';
import {
  authenticatorData,
  encodeCbor,
  FLAGS,
  generateTestKey,
  hex,
  RawCbor,
  sha256,
  thrownCode,
  type CborInput,
} from './test-helpers.ts';

const NO_FLAGS = {
  userPresent: false,
  userVerified: false,
  backupEligible: false,
  backedUp: false,
  attestedCredentialData: false,
  extensionData: false,
};

const AAGUID = hex('01020304050607080910111213141516');
const CREDENTIAL_ID = hex('c0ffee0123456789');
const es256 = generateTestKey('ES256');

/** Attested credential data (WebAuthn §6.5.1): AAGUID ‖ L ‖ credential ID ‖ public key. */
function attested(id = CREDENTIAL_ID, key: Uint8Array = es256.cose): Uint8Array {
  return Uint8Array.of(...AAGUID, id.length >> 8, id.length & 0xff, ...id, ...key);
}

const EXTENSIONS = encodeCbor(
  new Map<CborInput, CborInput>([
    ['credProtect', 2],
    ['hmac-secret', true],
  ]),
);

function code(bytes: Uint8Array): string {
  return thrownCode(() => parseAuthenticatorData(bytes));
}

describe('authenticator data', () => {
  it('parse the 37 bytes of an assertion (WebAuthn §6.1)', () => {
    const bytes = authenticatorData({ rpId: 'coop.example', flags: 0x05, signCount: 0x01020304 });
    expect(parseAuthenticatorData(bytes)).toEqual({
      rpIdHash: sha256('coop.example'),
      flags: { ...NO_FLAGS, userPresent: true, userVerified: true },
      signCount: 0x01020304,
      attestedCredentialData: undefined,
      extensions: undefined,
    });
  });

  it('read every flag bit where §6.1 puts it, and ignore the reserved ones', () => {
    const cases = [
      [FLAGS.UP, { userPresent: true }],
      [FLAGS.UV, { userVerified: true }],
      [FLAGS.BE, { backupEligible: true }],
      [FLAGS.BE | FLAGS.BS, { backupEligible: true, backedUp: true }],
      [0x02 | 0x20, {}],
    ] as const;
    for (const [flags, expected] of cases) {
      expect(parseAuthenticatorData(authenticatorData({ flags })).flags).toEqual({
        ...NO_FLAGS,
        ...expected,
      });
    }
  });

  it('read the largest signature counter', () => {
    expect(parseAuthenticatorData(authenticatorData({ signCount: 0xffffffff })).signCount).toBe(
      0xffffffff,
    );
  });

  it('parse attested credential data and extensions', () => {
    const bytes = authenticatorData({
      flags: FLAGS.UP | FLAGS.AT | FLAGS.ED,
      rest: Uint8Array.of(...attested(), ...EXTENSIONS),
    });
    const parsed = parseAuthenticatorData(bytes);
    expect(parsed.flags.attestedCredentialData).toBe(true);
    expect(parsed.flags.extensionData).toBe(true);
    expect(parsed.attestedCredentialData).toEqual({
      aaguid: AAGUID,
      credentialId: CREDENTIAL_ID,
      credentialPublicKey: es256.cose,
    });
    expect(parsed.extensions).toEqual(EXTENSIONS);
  });

  it('parse extensions alone, and a credential ID of 1023 bytes', () => {
    const withExtensions = authenticatorData({ flags: FLAGS.UP | FLAGS.ED, rest: EXTENSIONS });
    expect(parseAuthenticatorData(withExtensions).extensions).toEqual(EXTENSIONS);
    const longId = authenticatorData({
      flags: FLAGS.AT,
      rest: attested(new Uint8Array(1023).fill(9)),
    });
    expect(parseAuthenticatorData(longId).attestedCredentialData?.credentialId.length).toBe(1023);
  });

  it('copy what they return', () => {
    const bytes = authenticatorData({ flags: FLAGS.AT, rest: attested() });
    const parsed = parseAuthenticatorData(bytes);
    bytes.fill(0);
    expect(parsed.rpIdHash).toEqual(sha256('coop.example'));
    expect(parsed.attestedCredentialData?.credentialPublicKey).toEqual(es256.cose);
  });
});

describe('authenticator data refusals', () => {
  const base = authenticatorData();
  it.each<[string, Uint8Array]>([
    ['an empty input', new Uint8Array(0)],
    ['36 bytes', base.subarray(0, 36)],
    ['a truncated signature counter', base.subarray(0, 33)],
    ['a byte after the signature counter', Uint8Array.of(...base, 0)],
    ['BS without BE', authenticatorData({ flags: FLAGS.UP | FLAGS.BS })],
    ['AT without attested credential data', authenticatorData({ flags: FLAGS.AT })],
    ['a truncated AAGUID', authenticatorData({ flags: FLAGS.AT, rest: AAGUID.subarray(0, 10) })],
    [
      'a truncated credential ID',
      authenticatorData({ flags: FLAGS.AT, rest: attested().subarray(0, 16 + 2 + 4) }),
    ],
    [
      'a credential ID of 1024 bytes',
      authenticatorData({ flags: FLAGS.AT, rest: attested(new Uint8Array(1024)) }),
    ],
    [
      'a credential ID of 65535 bytes',
      authenticatorData({
        flags: FLAGS.AT,
        rest: Uint8Array.of(...AAGUID, 0xff, 0xff, ...new Uint8Array(100)),
      }),
    ],
    [
      'a credential ID without a public key',
      authenticatorData({ flags: FLAGS.AT, rest: attested(CREDENTIAL_ID, new Uint8Array(0)) }),
    ],
    [
      'a truncated public key',
      authenticatorData({ flags: FLAGS.AT, rest: attested().subarray(0, 60) }),
    ],
    [
      'a public key that is no map',
      authenticatorData({ flags: FLAGS.AT, rest: attested(CREDENTIAL_ID, encodeCbor([1])) }),
    ],
    [
      'a public key with a duplicate label',
      authenticatorData({
        flags: FLAGS.AT,
        rest: attested(CREDENTIAL_ID, hex('a201020102')),
      }),
    ],
    [
      'attested credential data without AT',
      authenticatorData({ flags: FLAGS.UP, rest: attested() }),
    ],
    ['ED without extensions', authenticatorData({ flags: FLAGS.ED })],
    ['extensions that are no map', authenticatorData({ flags: FLAGS.ED, rest: encodeCbor('x') })],
    [
      'extensions with an indefinite length',
      authenticatorData({ flags: FLAGS.ED, rest: hex('bf6178f5ff') }),
    ],
    [
      'extensions with a float',
      authenticatorData({
        flags: FLAGS.ED,
        rest: encodeCbor(new Map([['x', new RawCbor(hex('f93c00'))]])),
      }),
    ],
    ['extensions without ED', authenticatorData({ flags: FLAGS.UP, rest: EXTENSIONS })],
    [
      'a byte after the extensions',
      authenticatorData({ flags: FLAGS.ED, rest: Uint8Array.of(...EXTENSIONS, 0) }),
    ],
    [
      'a byte after the attested credential data',
      authenticatorData({ flags: FLAGS.AT, rest: Uint8Array.of(...attested(), 0) }),
    ],
    ['more than 64 KiB', authenticatorData({ flags: FLAGS.ED, rest: new Uint8Array(65_536) })],
  ])('refuse %s', (_what, bytes) => {
    expect(code(bytes)).toBe('WEBAUTHN_BAD_AUTHENTICATOR_DATA');
  });

  it('refuse what is not a Uint8Array', () => {
    for (const value of [undefined, null, '', Array.from(base), base.buffer]) {
      expect(code(value as unknown as Uint8Array)).toBe('WEBAUTHN_BAD_AUTHENTICATOR_DATA');
    }
  });
});
