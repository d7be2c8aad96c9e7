import { formatPublicKey, parsePublicKey, SshError, verifySignature } from '@allmende/ssh';
import { signedBytes, type SignedPart } from '@allmende/protocol';

export type PastedSignature =
  | { ok: true; armored: string }
  | { ok: false; problem: 'not-a-signature' | 'wrong-statement' | 'not-your-key'; detail: string };

/**
 * Checks a signature pasted from `ssh-keygen -Y sign` before it is sent: that it is an SSHSIG
 * in the cooperative's namespace over exactly these bytes, and by one of the member's keys. The
 * server checks all of this again; checking here says what went wrong while the member is still
 * at the terminal.
 */
export async function checkPastedSignature(
  text: string,
  part: SignedPart,
  namespace: string,
  memberKeys: readonly string[],
  signerHandle: string,
): Promise<PastedSignature> {
  const armored = `${armoredIn(text, signerHandle).replace(/\r\n/g, '\n').trim()}\n`;
  let signer: string;
  try {
    const verified = await verifySignature({ armored, message: signedBytes(part), namespace });
    signer = formatPublicKey({ ...verified.publicKey, comment: '' });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const code = error instanceof SshError ? error.code : undefined;
    return {
      ok: false,
      problem: code === 'SSH_BAD_SIGNATURE' ? 'wrong-statement' : 'not-a-signature',
      detail,
    };
  }
  const known = memberKeys.some((line) => {
    try {
      return formatPublicKey({ ...parsePublicKey(line), comment: '' }) === signer;
    } catch {
      return false;
    }
  });
  return known ? { ok: true, armored } : { ok: false, problem: 'not-your-key', detail: signer };
}

/**
 * The armoured signature in what was pasted: the signature itself (`ssh-keygen -Y sign`), or
 * the signed statement that `allmende sign` prints, holding the member's SSH signature.
 */
function armoredIn(text: string, signerHandle: string): string {
  if (!text.trim().startsWith('{')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const document = isRecord(value) && isRecord(value.statement) ? value.statement : value;
  const signatures = isRecord(document) ? document.signatures : undefined;
  if (!Array.isArray(signatures)) return text;
  const own = signatures.find(
    (s: unknown) => isRecord(s) && s.kind === 'ssh' && s.signer === signerHandle,
  ) as Record<string, unknown> | undefined;
  return typeof own?.signature === 'string' ? own.signature : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shell command that signs the downloaded statement with the member's SSH key. */
export function sshSignCommand(namespace: string, file: string): string {
  return `ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n ${shellQuote(namespace)} ${file}`;
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_.:/@%+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
