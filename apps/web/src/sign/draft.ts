import {
  canonicalize,
  newNonce,
  signedPartOf,
  type MemberStatementType,
  type SignedPart,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { encodeHex } from '@allmende/bytes';
import { statementDigest } from '@allmende/protocol';

/** The signed part of a statement of type T. */
export type DraftOf<T extends MemberStatementType> = Extract<SignedPart, { type: T }>;
export type BodyOf<T extends MemberStatementType> = DraftOf<T>['body'];

/**
 * A statement the member at `handle` makes: a fresh nonce, so that no two signed statements
 * are ever equal, and the member as its actor. Nothing is signed yet.
 */
export function draftStatement<T extends MemberStatementType>(
  type: T,
  handle: string,
  body: BodyOf<T>,
): DraftOf<T> {
  return { v: 1, type, actor: `member:${handle}`, nonce: newNonce(), body } as DraftOf<T>;
}

/** The statement as the server takes it: the signed part and its first signature. */
export function withSignature(part: SignedPart, signature: StatementSignature): SubmittedStatement {
  return { ...part, signatures: [signature] };
}

/** The part of a proposed or logged statement that a further signature covers. */
export function partOf(statement: SubmittedStatement): SignedPart {
  return signedPartOf(statement);
}

/** The canonical JSON (RFC 8785) of what is signed: the exact text behind the digest. */
export function signedText(part: SignedPart): string {
  const { v, type, actor, nonce, body } = part;
  return canonicalize({ v, type, actor, nonce, body });
}

/** The statement's identity: what proposals are named by. */
export function digestHex(part: SignedPart): string {
  return encodeHex(statementDigest(part));
}

/** The handle in an actor `member:<handle>`. */
export function actorHandle(actor: string): string | undefined {
  return actor.startsWith('member:') ? actor.slice('member:'.length) : undefined;
}
