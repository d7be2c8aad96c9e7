import {
  MAX_STATEMENT_BYTES,
  Statement,
  decodeStatement,
  isStatementProblem,
  type StatementProblem,
} from '@allmende/protocol';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The problem with a log entry as a statement, or undefined if it is a valid one: exactly what
 * `decodeStatement` decides, faster. `decodeStatement` re-serialises every entry as canonical
 * JSON to compare; for a million entries that is the slowest step of `log verify`. Here an entry
 * whose text equals `JSON.stringify` of its value, whose object keys are in ascending UTF-16
 * order at every level and which has no `\u` escape is canonical (RFC 8785 serialises strings
 * and numbers as ECMAScript does) without re-serialising. Every other entry goes to
 * `decodeStatement` itself, so rejections and their messages are the protocol's.
 */
export function checkStatement(entry: Uint8Array): StatementProblem | undefined {
  if (entry.length <= MAX_STATEMENT_BYTES) {
    let text: string | undefined;
    let value: unknown;
    try {
      text = utf8.decode(entry);
      value = JSON.parse(text);
    } catch {
      text = undefined;
    }
    if (
      text !== undefined &&
      !text.includes('\\u') &&
      Statement.safeParse(value).success &&
      keysInOrder(value) &&
      JSON.stringify(value) === text
    ) {
      return undefined;
    }
  }
  return slowCheck(entry);
}

function slowCheck(entry: Uint8Array): StatementProblem | undefined {
  let decoded: ReturnType<typeof decodeStatement>;
  try {
    decoded = decodeStatement(entry);
  } catch (error) {
    // canonicalize throws for values JSON cannot carry faithfully, such as a lone surrogate.
    return { reason: 'not-canonical', message: (error as Error).message };
  }
  return isStatementProblem(decoded) ? decoded : undefined;
}

function keysInOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && !(keys[i - 1]! < keys[i]!)) return false;
    if (!keysInOrder((value as Record<string, unknown>)[keys[i]!])) return false;
  }
  return true;
}
