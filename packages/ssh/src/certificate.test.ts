import { readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshError } from './errors.ts';
import {
  fingerprint,
  parseCertificate,
  parseCertificateBlob,
  parsePublicKey,
  verifyCertificate,
  type CertificateRequirements,
  type SshCertificate,
  type SshPublicKey,
} from './index.ts';
import {
  base64,
  ed25519SeedOf,
  flipBit,
  fromBase64,
  generateKey,
  makeTempDir,
  mutationsOf,
  rejectedCode,
  signEd25519,
  sshKeygen,
  thrownCode,
  toHex,
  utf8,
  type GeneratedKey,
} from './test-helpers.ts';
import { WireWriter } from './wire.ts';

// Known answers. Both keys were generated once with `ssh-keygen -t ed25519 -N ''`; they are test
// fixtures and sign nothing else. FIXTURE_CERTIFICATE is
//   ssh-keygen -s ca -I request-42 -n root,admin -V 0x6b49d200:0x6b49e010 -z 1234 \
//     -O clear -O permit-pty -O force-command=/usr/local/bin/allmende-record steward.pub
// and FIXTURE_LISTING what `TZ=UTC ssh-keygen -L` printed for it.
const FIXTURE_CA_PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBbHIapOCBH7nrsGcRJTVAtUdLnhGEaiv5FBlHTQTepDgAAAJglJ3P0JSdz
9AAAAAtzc2gtZWQyNTUxOQAAACBbHIapOCBH7nrsGcRJTVAtUdLnhGEaiv5FBlHTQTepDg
AAAEBU04zCeBQKOUbMirR9IIzVxXpEocIsW/osOWdzIMgBo1schqk4IEfueuwZxElNUC1R
0ueEYRqK/kUGUdNBN6kOAAAAE2NhQGFsbG1lbmRlLmV4YW1wbGUBAg==
-----END OPENSSH PRIVATE KEY-----
`;
const FIXTURE_CA =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFschqk4IEfueuwZxElNUC1R0ueEYRqK/kUGUdNBN6kO ca@allmende.example';
const FIXTURE_STEWARD =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOGCVmETqU7X9pmnXDDEpaJbw/NPWbymqSr0O9UF70yK steward@allmende.example';
const FIXTURE_CERTIFICATE =
  'ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIA3kif7y0D5Mc9UzdwJFsUmY9ilBDOwIJKw+YjbqzYMFAAAAIOGCVmETqU7X9pmnXDDEpaJbw/NPWbymqSr0O9UF70yKAAAAAAAABNIAAAABAAAACnJlcXVlc3QtNDIAAAARAAAABHJvb3QAAAAFYWRtaW4AAAAAa0nSAAAAAABrSeAQAAAANwAAAA1mb3JjZS1jb21tYW5kAAAAIgAAAB4vdXNyL2xvY2FsL2Jpbi9hbGxtZW5kZS1yZWNvcmQAAAASAAAACnBlcm1pdC1wdHkAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgWxyGqTggR+567BnESU1QLVHS54RhGor+RQZR00E3qQ4AAABTAAAAC3NzaC1lZDI1NTE5AAAAQGEqt+h9E+Z5ZHe1iW/IlOOp4R7QSETnIsn0C+oXpovAgg+AEkPv7K2shrWtNzFpXuBz2wWk2M/7lkmxYlg8Vws= steward@allmende.example';
const FIXTURE_LISTING = `steward-cert.pub:
        Type: ssh-ed25519-cert-v01@openssh.com user certificate
        Public key: ED25519-CERT SHA256:xDv4HEW9r0TLpBak8wkf2MkYYOWxSxu5I2tfB6dESZE
        Signing CA: ED25519 SHA256:u+3clMIAZgSUl6swav/u6relAZlqp/B/u8xdyEPWDHo (using ssh-ed25519)
        Key ID: "request-42"
        Serial: 1234
        Valid: from 2027-01-15T08:00:00 to 2027-01-15T09:00:00
        Principals: 
                root
                admin
        Critical Options: 
                force-command /usr/local/bin/allmende-record
        Extensions: 
                permit-pty
`;
const FIXTURE_VALID_AFTER = 1_800_000_000n;
const FIXTURE_VALID_BEFORE = 1_800_003_600n;
const FOREVER = (1n << 64n) - 1n;

const fixtureCa = parsePublicKey(FIXTURE_CA);
const fixtureSteward = parsePublicKey(FIXTURE_STEWARD);
const fixtureCaSeed = ed25519SeedOf(FIXTURE_CA_PRIVATE_KEY);
const fixtureBlob = fromBase64(FIXTURE_CERTIFICATE.split(' ')[1]!);
const fixture = parseCertificate(FIXTURE_CERTIFICATE);
const FIXTURE_TIME = FIXTURE_VALID_AFTER + 60n;

// ---------------------------------------------------------------------------------------------
// Certificates built field by field (PROTOCOL.certkeys), signed with the fixture CA by
// node:crypto, so that every field can be wrong while the signature is right.

/** An option's data: null for a flag (empty data), text for a value, bytes as they are. */
type OptionData = string | Uint8Array | null;

function options(entries: readonly (readonly [string | Uint8Array, OptionData])[]): Uint8Array {
  const writer = new WireWriter();
  for (const [name, data] of entries) {
    writer.writeString(name);
    if (data === null) writer.writeString(new Uint8Array(0));
    else if (typeof data === 'string')
      writer.writeString(new WireWriter().writeString(data).finish());
    else writer.writeString(data);
  }
  return writer.finish();
}

function strings(values: readonly (string | Uint8Array)[]): Uint8Array {
  const writer = new WireWriter();
  for (const value of values) writer.writeString(value);
  return writer.finish();
}

type CertificateFields = {
  keyType?: string;
  nonce?: Uint8Array;
  key?: Uint8Array;
  serial?: bigint;
  type?: number;
  keyId?: string | Uint8Array;
  principals?: Uint8Array;
  validAfter?: bigint;
  validBefore?: bigint;
  criticalOptions?: Uint8Array;
  extensions?: Uint8Array;
  reserved?: Uint8Array;
  signatureKey?: Uint8Array;
  /** Signs the signed part; the fixture CA's Ed25519 signature unless replaced. */
  sign?: (signed: Uint8Array) => Uint8Array;
  signatureAlgorithm?: string;
  trailing?: Uint8Array;
};

function signedPart(fields: CertificateFields): Uint8Array {
  return new WireWriter()
    .writeString(fields.keyType ?? 'ssh-ed25519-cert-v01@openssh.com')
    .writeString(fields.nonce ?? new Uint8Array(32).fill(0x11))
    .writeString(fields.key ?? fixtureSteward.key)
    .writeUint64(fields.serial ?? 7n)
    .writeUint32(fields.type ?? 1)
    .writeString(fields.keyId ?? 'request-7')
    .writeString(fields.principals ?? strings(['root']))
    .writeUint64(fields.validAfter ?? FIXTURE_VALID_AFTER)
    .writeUint64(fields.validBefore ?? FIXTURE_VALID_BEFORE)
    .writeString(
      fields.criticalOptions ?? options([['force-command', '/usr/local/bin/allmende-record']]),
    )
    .writeString(fields.extensions ?? options([['permit-pty', null]]))
    .writeString(fields.reserved ?? new Uint8Array(0))
    .writeString(fields.signatureKey ?? fixtureCa.blob)
    .finish();
}

function certificateBlob(fields: CertificateFields = {}): Uint8Array {
  const signed = signedPart(fields);
  const signature = (fields.sign ?? ((data) => signEd25519(fixtureCaSeed, data)))(signed);
  return new WireWriter()
    .writeBytes(signed)
    .writeString(strings([fields.signatureAlgorithm ?? 'ssh-ed25519', signature]))
    .writeBytes(fields.trailing ?? new Uint8Array(0))
    .finish();
}

/** The blob of a parsed certificate, encoded again by the test's own encoder. */
function encodeAgain(certificate: SshCertificate): Uint8Array {
  const optionList = (map: ReadonlyMap<string, string>) =>
    options([...map].map(([name, value]) => [name, value === '' ? null : value] as const));
  return certificateBlob({
    nonce: certificate.nonce,
    key: certificate.publicKey.key,
    serial: certificate.serial,
    type: certificate.type === 'user' ? 1 : 2,
    keyId: certificate.keyId,
    principals: strings(certificate.validPrincipals),
    validAfter: certificate.validAfter,
    validBefore: certificate.validBefore,
    criticalOptions: optionList(certificate.criticalOptions),
    extensions: optionList(certificate.extensions),
    reserved: certificate.reserved,
    signatureKey: certificate.signatureKey.blob,
    sign: () => certificate.signature,
  });
}

/** What verifyCertificate says: 'valid' or the error code. */
async function verdict(
  certificate: SshCertificate,
  requirements: CertificateRequirements = {},
): Promise<string> {
  const code = await rejectedCode(() => verifyCertificate(certificate, requirements));
  return code === 'no error' ? 'valid' : code;
}

/** What parsing and verifying a blob says: 'valid' or the first error code. */
async function blobVerdict(
  blob: Uint8Array,
  requirements: CertificateRequirements = {},
): Promise<string> {
  let certificate: SshCertificate;
  try {
    certificate = parseCertificateBlob(blob);
  } catch (error) {
    return error instanceof SshError ? error.code : `not an SshError: ${String(error)}`;
  }
  return verdict(certificate, requirements);
}

// ---------------------------------------------------------------------------------------------
// `ssh-keygen -L`, read back into fields, and the same fields rendered from a parsed certificate
// as ssh-keygen renders them (ssh-keygen.c print_cert and show_options, sshkey.c
// sshkey_format_cert_validity), so that the two can be compared field by field.

type Listing = Map<string, string | string[]>;

function parseListing(text: string): Listing {
  const listing: Listing = new Map();
  let list: string[] | undefined;
  for (const line of text.split('\n').slice(1)) {
    const field = /^ {8}([A-Za-z ]+): ?(.*)$/.exec(line);
    const item = /^ {16}(.*)$/.exec(line);
    if (field !== null) {
      const value = field[2]!;
      list = value === '' ? [] : undefined;
      listing.set(field[1]!, list ?? (value === '(none)' ? [] : value));
    } else if (item !== null && list !== undefined) {
      list.push(item[1]!);
    } else if (line !== '') {
      throw new Error(`unexpected line in the output of ssh-keygen -L: ${line}`);
    }
  }
  return listing;
}

/** A time as ssh-keygen prints it with TZ=UTC (format_absolute_time). */
function utcTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
}

function validity(certificate: SshCertificate): string {
  const { validAfter, validBefore } = certificate;
  if (validAfter === 0n && validBefore === FOREVER) return 'forever';
  if (validAfter === 0n) return `before ${utcTime(validBefore)}`;
  if (validBefore === FOREVER) return `after ${utcTime(validAfter)}`;
  return `from ${utcTime(validAfter)} to ${utcTime(validBefore)}`;
}

function listedOptions(map: ReadonlyMap<string, string>, critical: boolean): string[] {
  const known = critical
    ? ['force-command', 'source-address']
    : [
        'permit-X11-forwarding',
        'permit-agent-forwarding',
        'permit-port-forwarding',
        'permit-pty',
        'permit-user-rc',
        'no-touch-required',
      ];
  return [...map].map(([name, value]) => {
    if (known.includes(name)) return value === '' ? name : `${name} ${value}`;
    if (critical && name === 'verify-required') return name;
    if (value === '') return `${name} UNKNOWN FLAG OPTION`;
    const data = new WireWriter().writeString(value).finish();
    return `${name} UNKNOWN OPTION: ${toHex(data)} (len ${data.length})`;
  });
}

async function listingOf(certificate: SshCertificate): Promise<Listing> {
  return new Map<string, string | string[]>([
    ['Type', `ssh-ed25519-cert-v01@openssh.com ${certificate.type} certificate`],
    ['Public key', `ED25519-CERT ${await fingerprint(certificate.publicKey)}`],
    [
      'Signing CA',
      `ED25519 ${await fingerprint(certificate.signatureKey)} (using ${certificate.signatureAlgorithm})`,
    ],
    ['Key ID', `"${certificate.keyId}"`],
    ['Serial', String(certificate.serial)],
    ['Valid', validity(certificate)],
    ['Principals', [...certificate.validPrincipals]],
    ['Critical Options', listedOptions(certificate.criticalOptions, true)],
    ['Extensions', listedOptions(certificate.extensions, false)],
  ]);
}

// ---------------------------------------------------------------------------------------------

describe('the fixture certificate', () => {
  it('parses into every field', () => {
    expect(toHex(fixture.nonce)).toBe(
      '0de489fef2d03e4c73d533770245b14998f629410cec0824ac3e6236eacd8305',
    );
    expect(fixture.publicKey).toEqual({ ...fixtureSteward, comment: '' });
    expect(fixture.serial).toBe(1234n);
    expect(fixture.type).toBe('user');
    expect(fixture.keyId).toBe('request-42');
    expect(fixture.validPrincipals).toEqual(['root', 'admin']);
    expect(fixture.validAfter).toBe(FIXTURE_VALID_AFTER);
    expect(fixture.validBefore).toBe(FIXTURE_VALID_BEFORE);
    expect([...fixture.criticalOptions]).toEqual([
      ['force-command', '/usr/local/bin/allmende-record'],
    ]);
    expect([...fixture.extensions]).toEqual([['permit-pty', '']]);
    expect(fixture.reserved).toEqual(new Uint8Array(0));
    expect(fixture.signatureKey).toEqual({ ...fixtureCa, comment: '' });
    expect(fixture.signatureAlgorithm).toBe('ssh-ed25519');
    expect(toHex(fixture.signature)).toBe(
      '612ab7e87d13e6796477b5896fc894e3a9e11ed04844e722c9f40bea17a68bc0' +
        '820f801243efecadac86b5ad3731695ee073db05a4d8cffb9649b162583c570b',
    );
    expect(fixture.blob).toEqual(fixtureBlob);
    expect(fixture.comment).toBe('steward@allmende.example');
    expect(parseCertificateBlob(fixtureBlob)).toEqual({ ...fixture, comment: '' });
  });

  it('agrees with what ssh-keygen -L printed for it', async () => {
    expect(await listingOf(fixture)).toEqual(parseListing(FIXTURE_LISTING));
  });

  it('encodes again to the same bytes, and a certificate built here to what was signed', () => {
    expect(encodeAgain(fixture)).toEqual(fixtureBlob);
    const built = certificateBlob({
      nonce: fixture.nonce,
      serial: 1234n,
      keyId: 'request-42',
      principals: strings(['root', 'admin']),
    });
    expect(built).toEqual(fixtureBlob);
  });

  it('verifies with its CA, within its validity, for its principals', async () => {
    expect(await verdict(fixture)).toBe('valid');
    for (const at of [FIXTURE_VALID_AFTER, FIXTURE_TIME, FIXTURE_VALID_BEFORE - 1n]) {
      for (const principal of ['root', 'admin', undefined]) {
        expect(await verdict(fixture, { caKey: fixtureCa, at, principal, type: 'user' })).toBe(
          'valid',
        );
      }
    }
  });

  it('is refused for another CA, another time, another principal or another type', async () => {
    const cases: [CertificateRequirements, string][] = [
      [{ caKey: fixtureSteward }, 'SSH_CERT_WRONG_CA'],
      [{ at: FIXTURE_VALID_AFTER - 1n }, 'SSH_CERT_NOT_YET_VALID'],
      [{ at: 0n }, 'SSH_CERT_NOT_YET_VALID'],
      [{ at: FIXTURE_VALID_BEFORE }, 'SSH_CERT_EXPIRED'],
      [{ at: FOREVER }, 'SSH_CERT_EXPIRED'],
      [{ principal: 'alice' }, 'SSH_CERT_WRONG_PRINCIPAL'],
      [{ principal: 'Root' }, 'SSH_CERT_WRONG_PRINCIPAL'],
      [{ principal: 'root ' }, 'SSH_CERT_WRONG_PRINCIPAL'],
      [{ principal: '' }, 'SSH_CERT_WRONG_PRINCIPAL'],
      [{ principal: '*' }, 'SSH_CERT_WRONG_PRINCIPAL'],
      [{ type: 'host' }, 'SSH_CERT_WRONG_TYPE'],
    ];
    for (const [requirements, code] of cases) {
      expect(await verdict(fixture, { caKey: fixtureCa, at: FIXTURE_TIME, ...requirements })).toBe(
        code,
      );
    }
  });

  it('names the reason in the message', async () => {
    await expect(verifyCertificate(fixture, { caKey: fixtureSteward })).rejects.toThrow(
      'the certificate was signed by the CA SHA256:u+3clMIAZgSUl6swav/u6relAZlqp/B/u8xdyEPWDHo, not SHA256:xDv4HEW9r0TLpBak8wkf2MkYYOWxSxu5I2tfB6dESZE',
    );
    await expect(verifyCertificate(fixture, { at: FIXTURE_VALID_BEFORE })).rejects.toThrow(
      'the certificate was valid before 2027-01-15T09:00:00Z (1800003600), no longer at 2027-01-15T09:00:00Z (1800003600)',
    );
    await expect(verifyCertificate(fixture, { at: 0n })).rejects.toThrow(
      'the certificate is valid from 2027-01-15T08:00:00Z (1800000000), not yet at 1970-01-01T00:00:00Z (0)',
    );
    await expect(verifyCertificate(fixture, { principal: 'alice' })).rejects.toThrow(
      'the certificate is valid for "root", "admin", not for "alice"',
    );
    await expect(verifyCertificate(fixture, { type: 'host' })).rejects.toThrow(
      'the certificate is a user certificate, not a host certificate',
    );
  });

  it('is refused with any bit flipped, in the signed part or in the signature', async () => {
    const signatureStart = fixtureBlob.length - 64;
    for (let bit = 0; bit < fixtureBlob.length * 8; bit++) {
      const result = await blobVerdict(flipBit(fixtureBlob, bit), {
        caKey: fixtureCa,
        at: FIXTURE_TIME,
      });
      expect(result, `bit ${bit}`).toMatch(/^SSH_/);
      if (bit >= signatureStart * 8) {
        expect(result, `bit ${bit}`).toBe('SSH_BAD_SIGNATURE');
      }
    }
    // Without a CA to compare with, a flip in the CA key still breaks the signature.
    const caKeyStart = signatureStart - 4 - 4 - 11 - 4 - 32;
    for (let bit = caKeyStart * 8; bit < (caKeyStart + 32) * 8; bit++) {
      expect(await blobVerdict(flipBit(fixtureBlob, bit))).toBe('SSH_BAD_SIGNATURE');
    }
  });

  it('is refused when truncated anywhere or followed by more bytes', () => {
    for (let length = 0; length < fixtureBlob.length; length++) {
      const truncated = fixtureBlob.slice(0, length);
      expect(
        thrownCode(() => parseCertificateBlob(truncated)),
        `length ${length}`,
      ).toBe('SSH_BAD_CERTIFICATE');
      if (length > 40) {
        const line = `ssh-ed25519-cert-v01@openssh.com ${base64(truncated)}`;
        expect(
          thrownCode(() => parseCertificate(line)),
          `length ${length}`,
        ).toBe('SSH_BAD_CERTIFICATE');
      }
    }
    for (const extra of [[0], [0, 0, 0, 0], [0, 0, 0, 1, 0x41]]) {
      const longer = Uint8Array.of(...fixtureBlob, ...extra);
      expect(thrownCode(() => parseCertificateBlob(longer))).toBe('SSH_BAD_CERTIFICATE');
    }
  });

  it('is refused when the fields of the object no longer match its blob', async () => {
    const changed: Partial<Record<keyof SshCertificate, unknown>>[] = [
      { validPrincipals: ['root', 'admin', 'alice'] },
      { validPrincipals: ['root'] },
      { validBefore: FOREVER },
      { serial: 1235n },
      { type: 'host' },
      { keyId: 'request-43' },
      { criticalOptions: new Map() },
      {
        extensions: new Map([
          ['permit-pty', ''],
          ['permit-user-rc', ''],
        ]),
      },
      { publicKey: fixtureCa },
      { signatureKey: fixtureSteward },
      { nonce: new Uint8Array(32) },
      { reserved: Uint8Array.of(1) },
      { signature: new Uint8Array(64) },
      { blob: certificateBlob() },
    ];
    for (const change of changed) {
      const certificate = { ...fixture, ...change } as SshCertificate;
      expect(await verdict(certificate), JSON.stringify(Object.keys(change))).toBe(
        'SSH_BAD_ARGUMENT',
      );
    }
    expect(await verdict({ ...fixture, comment: 'another comment' })).toBe('valid');
    expect(await verdict({ ...fixture, blob: fixtureBlob.slice(1) })).toBe('SSH_BAD_CERTIFICATE');
  });
});

describe('certificate lines', () => {
  it('accept the forms of -cert.pub files', () => {
    const data = FIXTURE_CERTIFICATE.split(' ')[1]!;
    for (const [line, comment] of [
      [`ssh-ed25519-cert-v01@openssh.com ${data}`, ''],
      [`ssh-ed25519-cert-v01@openssh.com ${data}\n`, ''],
      [
        `ssh-ed25519-cert-v01@openssh.com ${data} a comment  with spaces\r\n`,
        'a comment  with spaces',
      ],
      [`  ssh-ed25519-cert-v01@openssh.com\t${data}\tsteward@coop  `, 'steward@coop'],
    ] as const) {
      const certificate = parseCertificate(line);
      expect(certificate.blob).toEqual(fixtureBlob);
      expect(certificate.comment).toBe(comment);
    }
  });

  it('refuse other certificate types and CA keys as unsupported', () => {
    const blob = (keyType: string) => certificateBlob({ keyType });
    for (const keyType of [
      'ssh-rsa-cert-v01@openssh.com',
      'ecdsa-sha2-nistp256-cert-v01@openssh.com',
      'sk-ssh-ed25519-cert-v01@openssh.com',
      'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
      'ssh-dss-cert-v01@openssh.com',
    ]) {
      expect(thrownCode(() => parseCertificateBlob(blob(keyType)))).toBe('SSH_UNSUPPORTED');
      const line = `${keyType} ${base64(blob(keyType))} comment`;
      expect(thrownCode(() => parseCertificate(line))).toBe('SSH_UNSUPPORTED');
    }
    expect(() => parseCertificate(`ssh-rsa-cert-v01@openssh.com AAAA`)).toThrow(
      `only ssh-ed25519-cert-v01@openssh.com certificates are accepted (the cooperative's policy), not "ssh-rsa-cert-v01@openssh.com"`,
    );
    for (const type of ['ssh-rsa', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com']) {
      const signatureKey = strings([type, new Uint8Array(32)]);
      expect(thrownCode(() => parseCertificateBlob(certificateBlob({ signatureKey })))).toBe(
        'SSH_UNSUPPORTED',
      );
    }
    expect(() =>
      parseCertificateBlob(certificateBlob({ signatureKey: strings(['ssh-rsa', 'e', 'n']) })),
    ).toThrow('signed by a CA key of type "ssh-rsa"; only ssh-ed25519 CA keys are accepted');
  });

  it('refuse what is not one ssh-ed25519 certificate line', () => {
    const data = FIXTURE_CERTIFICATE.split(' ')[1]!;
    const lines: Record<string, unknown> = {
      empty: '',
      blank: ' \t\n',
      'a type alone': 'ssh-ed25519-cert-v01@openssh.com',
      'a public key': FIXTURE_STEWARD,
      'SSH_USER_AUTH with its method': `publickey ssh-ed25519-cert-v01@openssh.com ${data}`,
      'authorized_keys options': `cert-authority ssh-ed25519-cert-v01@openssh.com ${data}`,
      'two lines': `ssh-ed25519-cert-v01@openssh.com ${data}\nssh-ed25519-cert-v01@openssh.com ${data}`,
      'a bare CR': `ssh-ed25519-cert-v01@openssh.com ${data} a\rb`,
      'control characters in the comment': `ssh-ed25519-cert-v01@openssh.com ${data} a\x1bb`,
      'base64 without padding': `ssh-ed25519-cert-v01@openssh.com ${data.replace(/=+$/, '')}`,
      'not base64': `ssh-ed25519-cert-v01@openssh.com ${data.replace('A', '*')}`,
      'a public key blob': `ssh-ed25519-cert-v01@openssh.com ${FIXTURE_STEWARD.split(' ')[1]!}`,
      'another certificate type inside': `ssh-ed25519-cert-v01@openssh.com ${base64(certificateBlob({ keyType: 'ssh-rsa-cert-v01@openssh.com' }))}`,
      'too long': `ssh-ed25519-cert-v01@openssh.com ${data} ${'x'.repeat(40_000)}`,
      'not a string': fixtureBlob,
      undefined: undefined,
    };
    for (const [what, line] of Object.entries(lines)) {
      expect(
        thrownCode(() => parseCertificate(line as string)),
        what,
      ).toBe('SSH_BAD_CERTIFICATE');
    }
    expect(() => parseCertificate(FIXTURE_STEWARD)).toThrow(
      'not an OpenSSH certificate: "ssh-ed25519" is a key type, not a certificate type',
    );
    expect(thrownCode(() => parseCertificateBlob(fixtureSteward.blob))).toBe('SSH_BAD_CERTIFICATE');
    expect(thrownCode(() => parseCertificateBlob('AAAA' as unknown as Uint8Array))).toBe(
      'SSH_BAD_CERTIFICATE',
    );
  });
});

describe('strict parsing', () => {
  it('accepts the certificate built here, and checks that CA signature', async () => {
    const certificate = parseCertificateBlob(certificateBlob());
    expect(await verdict(certificate, { caKey: fixtureCa, at: FIXTURE_TIME })).toBe('valid');
    const forged = certificateBlob({ sign: () => new Uint8Array(64) });
    expect(await blobVerdict(forged)).toBe('SSH_BAD_SIGNATURE');
    // Signed by the steward's key while naming the CA: the signature does not verify.
    const other = certificateBlob({ sign: (data) => signEd25519(new Uint8Array(32), data) });
    expect(await blobVerdict(other, { caKey: fixtureCa })).toBe('SSH_BAD_SIGNATURE');
  });

  it('requires options and extensions to be unique and in lexical order', async () => {
    const valid = [
      [
        ['a', null],
        ['a-b', null],
        ['b', null],
      ],
      [
        ['Z', null],
        ['a', null],
      ],
      [
        ['force-command', '/bin/true'],
        ['source-address', '10.0.0.0/8'],
        ['verify-required', null],
      ],
      [
        ['x@example.org', ''],
        ['xy@example.org', 'value'],
      ],
      // Byte order, not the order of JavaScript strings, which puts U+10000 before U+FFFD.
      [
        ['\uFFFD', null],
        ['\u{10000}', null],
      ],
    ] as const;
    for (const entries of valid) {
      for (const field of ['criticalOptions', 'extensions'] as const) {
        const certificate = parseCertificateBlob(certificateBlob({ [field]: options(entries) }));
        expect([...certificate[field]]).toEqual(entries.map(([name, data]) => [name, data ?? '']));
        expect(await verdict(certificate, { caKey: fixtureCa, at: FIXTURE_TIME })).toBe('valid');
      }
    }
    const invalid = [
      [
        ['b', null],
        ['a', null],
      ],
      [
        ['a', null],
        ['a', null],
      ],
      [
        ['permit-pty', null],
        ['permit-X11-forwarding', null],
      ],
      [
        ['a-b', null],
        ['a', null],
      ],
      [
        ['é', null],
        ['\u{10000}', null],
        ['z', null],
      ],
    ] as const;
    for (const entries of invalid) {
      for (const field of ['criticalOptions', 'extensions'] as const) {
        const blob = certificateBlob({ [field]: options(entries) });
        expect(
          thrownCode(() => parseCertificateBlob(blob)),
          JSON.stringify(entries),
        ).toBe('SSH_BAD_CERTIFICATE');
      }
    }
    expect(() =>
      parseCertificateBlob(
        certificateBlob({
          extensions: options([
            ['b', null],
            ['a', null],
          ]),
        }),
      ),
    ).toThrow('the extensions of the certificate: "a" is out of lexical order');
    expect(() =>
      parseCertificateBlob(
        certificateBlob({
          criticalOptions: options([
            ['a', null],
            ['a', null],
          ]),
        }),
      ),
    ).toThrow('the critical options of the certificate: "a" appears twice');
  });

  it('reads option data as sshd does: flags empty, values one string', () => {
    const cases: [string, OptionData | Uint8Array, boolean][] = [
      ['force-command', null, false],
      ['force-command', utf8('/bin/true'), false],
      ['force-command', Uint8Array.of(...strings(['/bin/true']), 0), false],
      ['force-command', strings(['/bin/true', '/bin/false']), false],
      ['force-command', strings(['/bin/\0true']), false],
      ['force-command', strings([Uint8Array.of(0xff)]), false],
      ['source-address', null, false],
      ['verify-required', '', false],
      ['verify-required', strings(['x']), false],
      ['unknown@example.org', null, true],
      ['unknown@example.org', 'value', true],
      ['unknown@example.org', Uint8Array.of(1, 2, 3), false],
      ['', null, false],
      ['a\0b', null, false],
    ];
    for (const [name, data, accepted] of cases) {
      const blob = certificateBlob({ criticalOptions: options([[name, data]]) });
      expect(
        thrownCode(() => parseCertificateBlob(blob)),
        `${name} ${String(data)}`,
      ).toBe(accepted ? 'no error' : 'SSH_BAD_CERTIFICATE');
    }
    for (const name of ['permit-pty', 'permit-X11-forwarding', 'no-touch-required']) {
      const blob = certificateBlob({ extensions: options([[name, 'yes']]) });
      expect(thrownCode(() => parseCertificateBlob(blob))).toBe('SSH_BAD_CERTIFICATE');
    }
    // The same names mean nothing special in the other section.
    const swapped = certificateBlob({
      criticalOptions: options([['permit-pty', 'yes']]),
      extensions: options([['force-command', null]]),
    });
    expect(thrownCode(() => parseCertificateBlob(swapped))).toBe('no error');
  });

  it('bounds the principals and refuses empty ones', () => {
    const many = (n: number) => strings(Array.from({ length: n }, (_, i) => `user${i}`));
    expect(
      parseCertificateBlob(certificateBlob({ principals: many(256) })).validPrincipals,
    ).toEqual(Array.from({ length: 256 }, (_, i) => `user${i}`));
    for (const principals of [
      many(257),
      strings(['root', '']),
      strings(['ro\0ot']),
      strings([Uint8Array.of(0xc3)]),
      Uint8Array.of(0, 0, 0, 5, 0x72),
    ]) {
      expect(thrownCode(() => parseCertificateBlob(certificateBlob({ principals })))).toBe(
        'SSH_BAD_CERTIFICATE',
      );
    }
  });

  it('refuses malformed fields', () => {
    const cases: Record<string, CertificateFields> = {
      'type 0': { type: 0 },
      'type 3': { type: 3 },
      'a 31-byte key': { key: new Uint8Array(31) },
      'a 33-byte key': { key: new Uint8Array(33) },
      'a key id with a NUL': { keyId: 'request\0-42' },
      'a key id that is not UTF-8': { keyId: Uint8Array.of(0xff) },
      'a certificate as CA key': { signatureKey: fixtureBlob },
      'a CA key of 31 bytes': { signatureKey: strings(['ssh-ed25519', new Uint8Array(31)]) },
      'bytes after the CA key': { signatureKey: Uint8Array.of(...fixtureCa.blob, 0) },
      'an RSA signature': { signatureAlgorithm: 'rsa-sha2-512' },
      'a 63-byte signature': { sign: (data) => signEd25519(fixtureCaSeed, data).slice(0, 63) },
      'a 65-byte signature': {
        sign: (data) => Uint8Array.of(...signEd25519(fixtureCaSeed, data), 0),
      },
      'bytes after the signature': { trailing: Uint8Array.of(0) },
      'an oversized nonce': { nonce: new Uint8Array(16_384) },
      'a plain key type': { keyType: 'ssh-ed25519' },
      'an unknown type': { keyType: 'ssh-ed25519-cert-v02@openssh.com' },
      'a type that is not a name': { keyType: 'ssh ed25519' },
    };
    for (const [what, fields] of Object.entries(cases)) {
      expect(
        thrownCode(() => parseCertificateBlob(certificateBlob(fields))),
        what,
      ).toBe('SSH_BAD_CERTIFICATE');
    }
    const inner = certificateBlob({ trailing: Uint8Array.of(0) });
    expect(() => parseCertificateBlob(inner)).toThrow(
      'the certificate: 1 unexpected bytes after the last field',
    );
  });

  it('keeps the reserved field and any nonce, both signed', async () => {
    for (const fields of [
      { reserved: utf8('future') },
      { nonce: new Uint8Array(0) },
      { nonce: new Uint8Array(1000).fill(0xaa) },
      { serial: FOREVER, keyId: '' },
    ]) {
      const certificate = parseCertificateBlob(certificateBlob(fields));
      expect(certificate).toMatchObject(fields);
      expect(await verdict(certificate, { caKey: fixtureCa })).toBe('valid');
    }
  });

  it('checks validity as sshd does: valid after <= at < valid before', async () => {
    const forever = parseCertificateBlob(certificateBlob({ validAfter: 0n, validBefore: FOREVER }));
    for (const at of [0n, FIXTURE_TIME, FOREVER - 1n]) {
      expect(await verdict(forever, { at })).toBe('valid');
    }
    expect(await verdict(forever, { at: FOREVER })).toBe('SSH_CERT_EXPIRED');
    const instant = parseCertificateBlob(
      certificateBlob({ validAfter: FIXTURE_TIME, validBefore: FIXTURE_TIME + 1n }),
    );
    expect(await verdict(instant, { at: FIXTURE_TIME - 1n })).toBe('SSH_CERT_NOT_YET_VALID');
    expect(await verdict(instant, { at: FIXTURE_TIME })).toBe('valid');
    expect(await verdict(instant, { at: FIXTURE_TIME + 1n })).toBe('SSH_CERT_EXPIRED');
    const empty = parseCertificateBlob(
      certificateBlob({ validAfter: FIXTURE_TIME, validBefore: FIXTURE_TIME }),
    );
    expect(await verdict(empty, { at: FIXTURE_TIME })).toBe('SSH_CERT_EXPIRED');
    const far = parseCertificateBlob(certificateBlob({ validAfter: FOREVER - 1n }));
    await expect(verifyCertificate(far, { at: 0n })).rejects.toThrow(
      'valid from 18446744073709551614 s, not yet',
    );
  });

  it('refuses a certificate without principals, whatever principal is asked for', async () => {
    const certificate = parseCertificateBlob(certificateBlob({ principals: new Uint8Array(0) }));
    expect(certificate.validPrincipals).toEqual([]);
    for (const principal of [undefined, 'root', '']) {
      expect(await verdict(certificate, { caKey: fixtureCa, principal })).toBe(
        'SSH_CERT_NO_PRINCIPALS',
      );
    }
  });

  it('checks the CA before the signature, and the signature before everything else', async () => {
    const forged = parseCertificateBlob(
      certificateBlob({ type: 2, principals: new Uint8Array(0), sign: () => new Uint8Array(64) }),
    );
    const all = { at: 0n, principal: 'alice', type: 'user' } as const;
    expect(await verdict(forged, { caKey: fixtureSteward, ...all })).toBe('SSH_CERT_WRONG_CA');
    expect(await verdict(forged, { caKey: fixtureCa, ...all })).toBe('SSH_BAD_SIGNATURE');
    const host = parseCertificateBlob(certificateBlob({ type: 2, principals: new Uint8Array(0) }));
    expect(await verdict(host, { caKey: fixtureCa, ...all })).toBe('SSH_CERT_WRONG_TYPE');
    expect(await verdict(host, { ...all, type: 'host' })).toBe('SSH_CERT_NOT_YET_VALID');
    expect(await verdict(host, { ...all, type: 'host', at: FIXTURE_TIME })).toBe(
      'SSH_CERT_NO_PRINCIPALS',
    );
  });

  it('refuses malformed requirements', async () => {
    const cases: [unknown, string][] = [
      [null, 'SSH_BAD_ARGUMENT'],
      ['root', 'SSH_BAD_ARGUMENT'],
      [{ at: -1n }, 'SSH_BAD_ARGUMENT'],
      [{ at: FOREVER + 1n }, 'SSH_BAD_ARGUMENT'],
      [{ at: 1_800_000_000 }, 'SSH_BAD_ARGUMENT'],
      [{ principal: 42 }, 'SSH_BAD_ARGUMENT'],
      [{ type: 1 }, 'SSH_BAD_ARGUMENT'],
      [{ type: 'admin' }, 'SSH_BAD_ARGUMENT'],
      [{ caKey: FIXTURE_CA }, 'SSH_BAD_KEY'],
      [{ caKey: { ...fixtureCa, key: new Uint8Array(32) } }, 'SSH_BAD_KEY'],
    ];
    for (const [requirements, code] of cases) {
      expect(await verdict(fixture, requirements as CertificateRequirements)).toBe(code);
    }
    for (const certificate of [null, undefined, FIXTURE_CERTIFICATE, fixtureBlob, {}]) {
      expect(await verdict(certificate as SshCertificate)).toBe('SSH_BAD_ARGUMENT');
    }
  });
});

describe('against ssh-keygen', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let ca: GeneratedKey;
  let otherCa: GeneratedKey;
  let user: GeneratedKey;
  let caKey: SshPublicKey;
  let otherCaKey: SshPublicKey;

  beforeAll(async () => {
    temp = await makeTempDir();
    [ca, otherCa, user] = await Promise.all([
      generateKey(temp.dir, 'ca'),
      generateKey(temp.dir, 'other-ca'),
      generateKey(temp.dir, 'user'),
    ]);
    caKey = parsePublicKey(ca.publicKeyLine);
    otherCaKey = parsePublicKey(otherCa.publicKeyLine);
  });

  afterAll(async () => {
    await temp.remove();
  });

  /** `ssh-keygen -s` with `args`: the certificate line it writes to `<key>-cert.pub`. */
  async function certify(
    args: readonly string[],
    key: GeneratedKey = user,
    caKeyFile: GeneratedKey = ca,
  ): Promise<string> {
    const result = await sshKeygen(['-q', '-s', caKeyFile.path, ...args, `${key.path}.pub`]);
    if (result.exitCode !== 0) throw new Error(`ssh-keygen -s failed: ${result.stderr}`);
    return (await readFile(`${key.path}-cert.pub`, 'utf8')).trimEnd();
  }

  /** `ssh-keygen -L` of the certificate last written for `key`, in UTC. */
  async function listing(key: GeneratedKey = user): Promise<Listing> {
    const result = await sshKeygen(['-L', '-f', `${key.path}-cert.pub`], { env: { TZ: 'UTC' } });
    if (result.exitCode !== 0) throw new Error(`ssh-keygen -L failed: ${result.stderr}`);
    return parseListing(result.stdout);
  }

  const now = () => BigInt(Math.floor(Date.now() / 1000));

  it('parse the certificate that the CA issues, field for field as ssh-keygen -L lists it', async () => {
    const line = await certify([
      '-I',
      'request-42',
      '-n',
      'root,admin',
      '-V',
      '+5m',
      '-z',
      '1234',
      '-O',
      'clear',
      '-O',
      'permit-pty',
      '-O',
      'force-command=/usr/local/bin/allmende-record',
    ]);
    const certificate = parseCertificate(line);
    const listed = await listing();
    expect(await listingOf(certificate)).toEqual(listed);
    expect(listed.get('Key ID')).toBe('"request-42"');
    expect(listed.get('Principals')).toEqual(['root', 'admin']);
    expect(listed.get('Critical Options')).toEqual([
      'force-command /usr/local/bin/allmende-record',
    ]);
    expect(listed.get('Extensions')).toEqual(['permit-pty']);
    expect(listed.get('Signing CA')).toBe(
      `ED25519 ${await fingerprint(caKey)} (using ssh-ed25519)`,
    );
    expect(certificate.publicKey.key).toEqual(parsePublicKey(user.publicKeyLine).key);
    expect(certificate.comment).toBe('user@allmende.test');
    expect(certificate.nonce).toHaveLength(32);
    expect(certificate.validBefore - certificate.validAfter).toBeGreaterThanOrEqual(300n);
    expect(encodeAgain(certificate)).toEqual(certificate.blob);

    const at = now();
    expect(await verdict(certificate, { caKey, at, principal: 'root', type: 'user' })).toBe(
      'valid',
    );
    expect(await verdict(certificate, { caKey, at, principal: 'admin', type: 'user' })).toBe(
      'valid',
    );
    expect(await verdict(certificate, { caKey: otherCaKey, at })).toBe('SSH_CERT_WRONG_CA');
    expect(await verdict(certificate, { caKey, at: certificate.validAfter - 1n })).toBe(
      'SSH_CERT_NOT_YET_VALID',
    );
    expect(await verdict(certificate, { caKey, at: certificate.validBefore })).toBe(
      'SSH_CERT_EXPIRED',
    );
    expect(await verdict(certificate, { caKey, at: certificate.validBefore + 3600n })).toBe(
      'SSH_CERT_EXPIRED',
    );
    expect(await verdict(certificate, { caKey, at, principal: 'steward' })).toBe(
      'SSH_CERT_WRONG_PRINCIPAL',
    );
    expect(await verdict(certificate, { caKey, at, type: 'host' })).toBe('SSH_CERT_WRONG_TYPE');
  });

  it('refuse a host certificate where a user certificate is required', async () => {
    const line = await certify(['-h', '-I', 'host-1', '-n', 'host.coop.example', '-V', '+5m']);
    const certificate = parseCertificate(line);
    expect(certificate.type).toBe('host');
    expect(await listingOf(certificate)).toEqual(await listing());
    expect(await verdict(certificate, { caKey, at: now(), type: 'user' })).toBe(
      'SSH_CERT_WRONG_TYPE',
    );
    expect(await verdict(certificate, { caKey, at: now(), type: 'host' })).toBe('valid');
  });

  it('read -V always:forever and one-sided validity', async () => {
    const forever = parseCertificate(
      await certify(['-I', 'forever', '-n', 'root', '-V', 'always:forever']),
    );
    expect(forever.validAfter).toBe(0n);
    expect(forever.validBefore).toBe(FOREVER);
    expect((await listing()).get('Valid')).toBe('forever');
    expect(await listingOf(forever)).toEqual(await listing());
    for (const at of [0n, now(), FOREVER - 1n]) {
      expect(await verdict(forever, { caKey, at, principal: 'root' })).toBe('valid');
    }
    for (const validity of ['always:20300101', '20260101:forever', '20260101:20300101120000']) {
      const certificate = parseCertificate(
        await certify(['-I', 'v', '-n', 'root', '-V', validity]),
      );
      expect(await listingOf(certificate)).toEqual(await listing());
    }
  });

  it('round-trip source-address and every option that ssh-keygen writes', async () => {
    const line = await certify([
      '-I',
      'options',
      '-n',
      'root',
      '-O',
      'source-address=10.0.0.0/8,192.0.2.1,2001:db8::/32',
      '-O',
      'force-command=/usr/local/bin/allmende-record --session "a b"',
      '-O',
      'verify-required',
      '-O',
      'no-touch-required',
      '-O',
      'critical:zz@coop.example',
      '-O',
      'critical:aa@coop.example=a value',
      '-O',
      'extension:login@coop.example=steward',
      '-O',
      'extension:flag@coop.example',
    ]);
    const certificate = parseCertificate(line);
    expect([...certificate.criticalOptions]).toEqual([
      ['aa@coop.example', 'a value'],
      ['force-command', '/usr/local/bin/allmende-record --session "a b"'],
      ['source-address', '10.0.0.0/8,192.0.2.1,2001:db8::/32'],
      ['verify-required', ''],
      ['zz@coop.example', ''],
    ]);
    expect([...certificate.extensions]).toEqual([
      ['flag@coop.example', ''],
      ['login@coop.example', 'steward'],
      ['no-touch-required', ''],
      ['permit-X11-forwarding', ''],
      ['permit-agent-forwarding', ''],
      ['permit-port-forwarding', ''],
      ['permit-pty', ''],
      ['permit-user-rc', ''],
    ]);
    expect(await listingOf(certificate)).toEqual(await listing());
    expect(encodeAgain(certificate)).toEqual(certificate.blob);
    expect(await verdict(certificate, { caKey, at: now(), principal: 'root' })).toBe('valid');
  });

  it('read certificates without principals, which verification refuses', async () => {
    const certificate = parseCertificate(await certify(['-I', 'anyone']));
    expect(certificate.validPrincipals).toEqual([]);
    expect((await listing()).get('Principals')).toEqual([]);
    expect(await listingOf(certificate)).toEqual(await listing());
    expect(await verdict(certificate, { caKey, at: now() })).toBe('SSH_CERT_NO_PRINCIPALS');
    expect(await verdict(certificate, { caKey, at: now(), principal: 'root' })).toBe(
      'SSH_CERT_NO_PRINCIPALS',
    );
  });

  it('refuse RSA and ECDSA certificates and CAs as unsupported', async () => {
    const [rsa, ecdsaCa] = await Promise.all([
      generateKey(temp.dir, 'rsa', 'rsa'),
      generateKey(temp.dir, 'ecdsa-ca', 'ecdsa'),
    ]);
    const rsaCertificate = await certify(['-I', 'rsa', '-n', 'root'], rsa);
    expect(rsaCertificate).toMatch(/^ssh-rsa-cert-v01@openssh.com /);
    expect(thrownCode(() => parseCertificate(rsaCertificate))).toBe('SSH_UNSUPPORTED');
    const byEcdsa = await certify(['-I', 'ecdsa', '-n', 'root'], user, ecdsaCa);
    expect(byEcdsa).toMatch(/^ssh-ed25519-cert-v01@openssh.com /);
    expect(thrownCode(() => parseCertificate(byEcdsa))).toBe('SSH_UNSUPPORTED');
    expect(() => parseCertificate(byEcdsa)).toThrow(/CA key of type "ecdsa-sha2-nistp256"/);
  });

  it('agree that the certificates built here are well-formed and signed', async () => {
    const blob = certificateBlob({
      reserved: utf8('future'),
      extensions: options([
        ['login@coop.example', 'steward'],
        ['permit-pty', null],
      ]),
    });
    const file = `${temp.dir}/built-cert.pub`;
    await writeFile(file, `ssh-ed25519-cert-v01@openssh.com ${base64(blob)}\n`);
    const result = await sshKeygen(['-L', '-f', file], { env: { TZ: 'UTC' } });
    expect(result.stderr).toBe('');
    expect(await listingOf(parseCertificateBlob(blob))).toEqual(parseListing(result.stdout));
    // ssh-keygen -L checks the signature too (sshkey.c cert_parse).
    await writeFile(
      file,
      `ssh-ed25519-cert-v01@openssh.com ${base64(flipBit(blob, blob.length * 8 - 1))}\n`,
    );
    expect((await sshKeygen(['-L', '-f', file])).exitCode).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Whatever arrives from outside, parsing and verification either succeed or throw an SshError.

async function onlySshErrors(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SshError);
  }
}

const INTERESTING_LENGTHS = [
  0, 1, 2, 3, 32, 51, 64, 83, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
const interestingUint32 = fc.constantFrom(...INTERESTING_LENGTHS);
const mutatedBlob = mutationsOf(fixtureBlob, INTERESTING_LENGTHS);

/** A string field: right, random, or with a length that lies. */
function field(valid: Uint8Array | string): fc.Arbitrary<Uint8Array> {
  const bytes = typeof valid === 'string' ? utf8(valid) : valid;
  return fc.oneof(
    { arbitrary: fc.constant(strings([bytes])), weight: 24 },
    fc.uint8Array({ maxLength: 80 }).map((b) => strings([b])),
    fc
      .tuple(interestingUint32, fc.uint8Array({ maxLength: 80 }))
      .map(([length, b]) => new WireWriter().writeUint32(length).writeBytes(b).finish()),
  );
}

const uint64 = fc.oneof(
  fc.constantFrom(0n, 1n, FIXTURE_VALID_AFTER, FIXTURE_VALID_BEFORE, FOREVER),
  fc.bigInt({ min: 0n, max: FOREVER }),
);

/** Option sections: well-formed, or with unordered, repeated or lying entries. */
function optionSection(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: fc.constant(valid), weight: 12 },
    fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'force-command',
            'source-address',
            'permit-pty',
            'verify-required',
            'x@y',
          ),
          fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })),
        ),
        { maxLength: 4 },
      )
      .map((entries) => options(entries)),
    fc.uint8Array({ maxLength: 40 }),
  );
}

/**
 * A blob built field by field, each field right or wrong, mostly signed by the fixture CA so
 * that verification gets past the signature to the time, type and principal checks.
 */
const structuredBlob = fc
  .record({
    keyType: field('ssh-ed25519-cert-v01@openssh.com'),
    nonce: field(fixture.nonce),
    key: field(fixtureSteward.key),
    serial: uint64,
    type: fc.oneof({ arbitrary: fc.constantFrom(1, 2), weight: 12 }, interestingUint32),
    keyId: field('request-42'),
    principals: fc.oneof(
      field(strings(['root', 'admin'])),
      fc
        .array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 4 })
        .map((p) => strings([strings(p)])),
    ),
    validAfter: uint64,
    validBefore: uint64,
    criticalOptions: optionSection(options([['force-command', '/bin/true']])).map((section) =>
      strings([section]),
    ),
    extensions: optionSection(options([['permit-pty', null]])).map((section) => strings([section])),
    reserved: field(new Uint8Array(0)),
    signatureKey: field(fixtureCa.blob),
    signature: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      field(strings(['ssh-ed25519', fixture.signature])),
    ),
    trailing: fc.oneof(
      { arbitrary: fc.constant(new Uint8Array(0)), weight: 12 },
      fc.uint8Array({ maxLength: 4 }),
    ),
  })
  .map((f) => {
    const signed = new WireWriter()
      .writeBytes(f.keyType)
      .writeBytes(f.nonce)
      .writeBytes(f.key)
      .writeUint64(f.serial)
      .writeUint32(f.type)
      .writeBytes(f.keyId)
      .writeBytes(f.principals)
      .writeUint64(f.validAfter)
      .writeUint64(f.validBefore)
      .writeBytes(f.criticalOptions)
      .writeBytes(f.extensions)
      .writeBytes(f.reserved)
      .writeBytes(f.signatureKey)
      .finish();
    const signature =
      f.signature ?? strings([strings(['ssh-ed25519', signEd25519(fixtureCaSeed, signed)])]);
    return new WireWriter()
      .writeBytes(signed)
      .writeBytes(signature)
      .writeBytes(f.trailing)
      .finish();
  });

const anyBlob = fc.oneof(fc.uint8Array({ maxLength: 500 }), mutatedBlob, structuredBlob);

describe('outside input', () => {
  it('yields only SshErrors from random, mutated and lying certificate blobs', async () => {
    await fc.assert(
      fc.asyncProperty(anyBlob, async (blob) => {
        await onlySshErrors(() => parseCertificateBlob(blob));
        await onlySshErrors(() =>
          parseCertificate(`ssh-ed25519-cert-v01@openssh.com ${base64(blob)}`),
        );
        await onlySshErrors(async () => {
          const certificate = parseCertificateBlob(blob);
          await verifyCertificate(certificate, {
            caKey: fixtureCa,
            at: FIXTURE_TIME,
            principal: 'root',
            type: 'user',
          });
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts none of the mutated blobs, unless the mutation changed nothing', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBlob, async (blob) => {
        if ((await blobVerdict(blob, { caKey: fixtureCa })) === 'valid') {
          expect(blob).toEqual(fixtureBlob);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('yields only SshErrors from arguments of any type', async () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.uint8Array(),
      fc.bigInt(),
      fc.string(),
      fc.constantFrom(fixture, fixtureCa, fixtureBlob, FIXTURE_CERTIFICATE),
    );
    const fieldName = fc.constantFrom(...Object.keys(fixture), 'extra');
    await fc.assert(
      fc.asyncProperty(
        anything,
        anything,
        anything,
        anything,
        fieldName,
        async (a, b, c, d, name) => {
          await onlySshErrors(() => parseCertificate(a as string));
          await onlySshErrors(() => parseCertificateBlob(a as Uint8Array));
          await onlySshErrors(() =>
            verifyCertificate(a as SshCertificate, b as CertificateRequirements),
          );
          await onlySshErrors(() =>
            verifyCertificate(fixture, {
              caKey: a as SshPublicKey,
              at: b as bigint,
              principal: c as string,
              type: d as 'user',
            }),
          );
          await onlySshErrors(() =>
            verifyCertificate({ ...fixture, [name]: a }, { caKey: fixtureCa }),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
