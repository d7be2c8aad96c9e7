import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { encodeUtf8 } from '@allmende/bytes';
import { hostNamespace } from '@allmende/protocol';
import {
  formatPublicKey,
  formatSignature,
  parsePublicKey,
  parsePublicKeyBlob,
  signedDataFor,
} from '@allmende/ssh';
import { AgentError } from './agent-error.ts';

/** The host's Ed25519 key: it proves the host on its channel to the server. */
export type HostKey = { privateKey: KeyObject; publicKeyLine: string };

export function generateHostKey(): { key: HostKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    key: { privateKey, publicKeyLine: publicKeyLineOf(privateKey) },
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** @throws {AgentError} AGENT_NOT_ENROLLED when the key cannot be read */
export async function readHostKey(path: string): Promise<HostKey> {
  try {
    const privateKey = createPrivateKey(await readFile(path));
    return { privateKey, publicKeyLine: publicKeyLineOf(privateKey) };
  } catch (error) {
    throw new AgentError(
      'AGENT_NOT_ENROLLED',
      `cannot read the host key ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function publicKeyLineOf(privateKey: KeyObject): string {
  const raw = Buffer.from(privateKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const name = encodeUtf8('ssh-ed25519');
  const blob = new Uint8Array(4 + name.length + 4 + raw.length);
  const view = new DataView(blob.buffer);
  view.setUint32(0, name.length);
  blob.set(name, 4);
  view.setUint32(4 + name.length, raw.length);
  blob.set(raw, 8 + name.length);
  return formatPublicKey(parsePublicKeyBlob(blob));
}

/** An SSHSIG of `message` by the host key, in the cooperative's host namespace. */
export async function signAsHost(key: HostKey, message: string, origin: string): Promise<string> {
  const namespace = hostNamespace(origin);
  const data = await signedDataFor(encodeUtf8(message), namespace, 'sha512');
  return formatSignature({
    publicKey: parsePublicKey(key.publicKeyLine),
    namespace,
    hashAlgorithm: 'sha512',
    signature: new Uint8Array(sign(null, data, key.privateKey)),
  });
}
