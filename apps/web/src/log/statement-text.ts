import type { Statement } from '@allmende/protocol';
import type { Messages } from '../i18n/messages.ts';

const SUMMARY_CHARS = 160;

/** One line that says what a statement is about, for lists. */
export function summarize(statement: Statement, t: Messages): string {
  switch (statement.type) {
    case 'coop.founded':
      return t.statement.founded(statement.body.name);
    case 'notice': {
      const line = statement.body.text.trim().split('\n')[0]?.trim() ?? '';
      return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
    }
  }
}

export function actorName(actor: string, t: Messages): string {
  return actor === 'coop' ? t.statement.coopActor : actor;
}
