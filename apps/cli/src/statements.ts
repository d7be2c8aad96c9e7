import {
  newNonce,
  signedBytes,
  Statement,
  StatementSignature,
  type MemberStatementType,
  type SignedPart,
} from '@allmende/protocol';
import { parseSignature } from '@allmende/ssh';
import { z } from 'zod';
import { badInput, shown } from './cli.ts';
import { signWithSsh } from './ssh/sign.ts';

// Member statements as the CLI drafts, reads and signs them. What is signed is always the signed
// part {v, type, actor, nonce, body}, validated by the protocol's schema of its type first, so
// that a member never signs something the log would refuse to hold.

/** The schema of each member statement's signed part, by type. */
const SIGNED_PARTS = new Map<string, z.ZodType<SignedPart>>(
  Statement.options
    .filter((option) => 'nonce' in option.shape)
    .map((option) => [
      option.shape.type.value,
      (option as unknown as z.ZodObject<z.ZodRawShape>).omit({
        time: true,
        signatures: true,
      }) as unknown as z.ZodType<SignedPart>,
    ]),
);
const COOP_TYPES = Statement.options
  .filter((option) => !('nonce' in option.shape))
  .map((option) => option.shape.type.value as string);

export const MEMBER_STATEMENT_TYPES = [...SIGNED_PARTS.keys()];

/** The body of a member statement of type T. */
export type BodyOf<T extends MemberStatementType> = Extract<SignedPart, { type: T }>['body'];

/**
 * A fresh statement of `type` by member `handle`, validated.
 * @throws {CliError} CLI_BAD_INPUT naming each invalid field.
 */
export function draftStatement<T extends MemberStatementType>(
  type: T,
  handle: string,
  body: BodyOf<T>,
): SignedPart {
  return parseSignedPart({ v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body });
}

/**
 * The signed part of a statement from outside (a file, a server): a known member statement type
 * and valid fields, nothing else.
 * @throws {CliError} CLI_BAD_INPUT
 */
export function parseSignedPart(value: unknown, source = 'the statement'): SignedPart {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badInput(`${source} is not a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') throw badInput(`${source} has no "type"`);
  const schema = SIGNED_PARTS.get(type);
  if (schema === undefined) {
    throw badInput(
      COOP_TYPES.includes(type)
        ? `${source} is a ${type} statement, which only the cooperative's server makes`
        : `${source} has an unknown statement type ${JSON.stringify(shown(type))} (known: ${MEMBER_STATEMENT_TYPES.join(', ')})`,
    );
  }
  const { v, actor, nonce, body } = record;
  const parsed = schema.safeParse({ v, type, actor, nonce, body });
  if (!parsed.success) {
    throw badInput(`${source} is not a valid ${type} statement:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export type StatementDocument = { part: SignedPart; signatures: StatementSignature[] };

/**
 * A statement from a file: its signed part alone (a draft), a statement with signatures, or a
 * proposal as `allmende proposal show --json` prints it. The time of a logged statement is
 * dropped; each SSH signature must at least be well-formed SSHSIG armour.
 * @throws {CliError} CLI_BAD_INPUT
 */
export function parseStatementDocument(text: string, source: string): StatementDocument {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw badInput(`${source} is not JSON: ${(error as Error).message}`, error);
  }
  if (typeof value === 'object' && value !== null && 'statement' in value) {
    value = value.statement;
  }
  const part = parseSignedPart(value, source);
  const raw = (value as { signatures?: unknown }).signatures ?? [];
  const signatures = z.array(StatementSignature).max(32).safeParse(raw);
  if (!signatures.success) {
    throw badInput(
      `the signatures in ${source} are invalid:\n${z.prettifyError(signatures.error)}`,
    );
  }
  signatures.data.forEach((signature, i) => {
    if (signature.kind !== 'ssh') return;
    try {
      parseSignature(signature.signature);
    } catch (error) {
      throw badInput(
        `signature ${i + 1} in ${source} (by ${signature.signer}) is not an SSH signature: ${(error as Error).message}`,
        error,
      );
    }
  });
  return { part, signatures: signatures.data };
}

/**
 * The member's SSH signature of the signed part, in the cooperative's statement namespace.
 * @throws {SshSignError} as signWithSsh does.
 */
export async function signStatement(
  part: SignedPart,
  signer: string,
  namespace: string,
  key: string | undefined,
): Promise<StatementSignature> {
  const signature = await signWithSsh({ message: signedBytes(part), namespace, key });
  return { kind: 'ssh', signer, signature };
}

export function formatStatement(part: SignedPart, signatures?: StatementSignature[]): string {
  return `${JSON.stringify(signatures === undefined ? part : { ...part, signatures }, null, 2)}\n`;
}
