import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  DEFAULT_POLICY,
  newNonce,
  signedBytes,
  statementDigest,
  statementNamespace,
  type MemberKey,
  type Policy,
  type SignedPart,
  type StatementOf,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { formatSignature, parsePublicKey, signedDataFor } from '@allmende/ssh';
import { privateServiceBody } from './coop-fixtures.ts';

/**
 * Members for tests: Ed25519 keys made with node:crypto that sign statements exactly as
 * `ssh-keygen -Y sign` does (packages/ssh checks that equivalence against the real tool), and
 * passkeys that answer WebAuthn assertions as an authenticator would.
 */

const base64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export type TestMember = {
  handle: string;
  name: string;
  /** The member's ssh-ed25519 key line, canonical (no comment). */
  key: MemberKey & { kind: 'ssh' };
  privateKey: KeyObject;
};

export function testMember(
  handle: string,
  name = handle[0]!.toUpperCase() + handle.slice(1),
): TestMember {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return {
    handle,
    name,
    key: { kind: 'ssh', publicKey: `ssh-ed25519 ${blob.toString('base64')}` },
    privateKey,
  };
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An armoured SSHSIG of `message`, as `ssh-keygen -Y sign -n <namespace>` makes it. */
export async function sshSign(
  member: Pick<TestMember, 'key' | 'privateKey'>,
  message: Uint8Array,
  namespace: string,
): Promise<string> {
  const data = await signedDataFor(message, namespace, 'sha512');
  return formatSignature({
    publicKey: parsePublicKey(member.key.publicKey),
    namespace,
    hashAlgorithm: 'sha512',
    signature: new Uint8Array(sign(null, data, member.privateKey)),
  });
}

/** An SSHSIG of the statement's signed bytes in the cooperative's namespace. */
export async function sshSignature(
  member: Pick<TestMember, 'handle' | 'key' | 'privateKey'>,
  part: SignedPart,
  origin: string,
  namespace = statementNamespace(origin),
): Promise<StatementSignature> {
  return {
    kind: 'ssh',
    signer: member.handle,
    signature: await sshSign(member, signedBytes(part), namespace),
  };
}

/** A draft: the signed part of a member statement, with a fresh nonce. */
export function draft<T extends SubmittedStatement['type']>(
  type: T,
  actor: string,
  body: Extract<SignedPart, { type: T }>['body'],
): SignedPart {
  return { v: 1, type, actor: `member:${actor}`, nonce: newNonce(), body } as SignedPart;
}

/** A statement signed by each of `signers` (the actor first, usually). */
export async function signedBy(
  part: SignedPart,
  origin: string,
  ...signers: Pick<TestMember, 'handle' | 'key' | 'privateKey'>[]
): Promise<SubmittedStatement> {
  const signatures = await Promise.all(signers.map((m) => sshSignature(m, part, origin)));
  return { ...part, signatures };
}

/**
 * The statements that make a running service with its steward (who creates it) and, if given,
 * a deputy (who signs to accept), in the order they are to be submitted.
 */
export async function stewardedService(
  origin: string,
  service: { slug: string; steward: TestMember; deputy?: TestMember } & Partial<
    Extract<SignedPart, { type: 'service.created' }>['body']
  >,
): Promise<SubmittedStatement[]> {
  const { slug, steward, deputy, ...fields } = service;
  const body = privateServiceBody({ slug, name: slug, ...fields });
  const by = steward.handle;
  return [
    await signedBy(draft('service.created', by, body), origin, steward),
    await signedBy(
      draft('steward.assigned', by, { service: slug, handle: by, role: 'steward' }),
      origin,
      steward,
    ),
    ...(deputy
      ? [
          await signedBy(
            draft('steward.assigned', by, { service: slug, handle: deputy.handle, role: 'deputy' }),
            origin,
            steward,
            deputy,
          ),
        ]
      : []),
  ];
}

export function founderOf(member: TestMember, extraKeys: MemberKey[] = []) {
  return { handle: member.handle, name: member.name, keys: [member.key, ...extraKeys] };
}

export function genesisStatement(options: {
  origin?: string;
  url?: string;
  founders: TestMember[];
  policy?: Policy;
}): StatementOf<'coop.founded'> {
  return {
    v: 1,
    time: '2026-11-26T12:00:00.000Z',
    actor: 'coop',
    type: 'coop.founded',
    body: {
      name: 'Testgenossenschaft',
      origin: options.origin ?? 'coop.test/log',
      logKey: 'coop.test/log+01234567+AAAA',
      url: options.url ?? 'https://coop.test',
      founders: options.founders.map((m) => founderOf(m)),
      policy: options.policy ?? DEFAULT_POLICY,
    },
  };
}

/** A passkey as a platform authenticator holds it: an ES256 key and its credential ID. */
export type TestPasskey = {
  credentialId: string;
  key: MemberKey & { kind: 'passkey' };
  privateKey: KeyObject;
};

export function testPasskey(): TestPasskey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // COSE_Key (RFC 9052) for EC2 P-256 ES256: {1: 2, 3: -7, -1: 1, -2: x, -3: y}, CBOR-encoded.
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  const cose = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    x,
    Buffer.from([0x22, 0x58, 0x20]),
    y,
  ]);
  const credentialId = base64Url(createHash('sha256').update(cose).digest().subarray(0, 16));
  return {
    credentialId,
    key: { kind: 'passkey', credentialId, publicKey: base64Url(cose) },
    privateKey,
  };
}

/** The passkey's signature of a statement, as navigator.credentials.get() would give it. */
export function passkeySignature(
  passkey: TestPasskey,
  signer: string,
  part: SignedPart,
  url: string,
  overrides: { origin?: string; flags?: number } = {},
): StatementSignature {
  const clientDataJSON = Buffer.from(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: base64Url(statementDigest(part)),
      origin: overrides.origin ?? url,
      crossOrigin: false,
    }),
  );
  const authenticatorData = Buffer.alloc(37);
  createHash('sha256').update(new URL(url).hostname).digest().copy(authenticatorData);
  authenticatorData[32] = overrides.flags ?? 0x05; // user present and verified
  const signature = sign(
    'sha256',
    Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]),
    passkey.privateKey,
  );
  return {
    kind: 'passkey',
    signer,
    credentialId: passkey.credentialId,
    authenticatorData: base64Url(authenticatorData),
    clientDataJSON: base64Url(clientDataJSON),
    signature: base64Url(signature),
  };
}
