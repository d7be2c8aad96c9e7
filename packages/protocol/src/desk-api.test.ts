import { describe, expect, it } from 'vitest';
import { NewComment, NewTicket, TicketChanges, TicketQuery } from './desk-api.ts';
import {
  encodeStatement,
  isMemberStatement,
  isStatementProblem,
  type Statement,
} from './statement.ts';

const DIGEST = 'ab'.repeat(32);
const opened = (body: object) =>
  ({
    v: 1,
    time: '2026-11-26T12:00:00.000Z',
    actor: 'coop',
    type: 'ticket.opened',
    body,
  }) as Statement;

describe('ticket statements', () => {
  it('log a public ticket with its title, a private one by its digest only', () => {
    expect(
      isStatementProblem(
        encodeStatement(
          opened({ ticket: 1, service: 'mail', private: false, digest: DIGEST, title: 'Hi' }),
        ),
      ),
    ).toBe(false);
    expect(
      isStatementProblem(
        encodeStatement(opened({ ticket: 2, service: null, private: true, digest: DIGEST })),
      ),
    ).toBe(false);
    const leak = encodeStatement(
      opened({ ticket: 3, service: null, private: true, digest: DIGEST, title: 'My password' }),
    );
    expect(isStatementProblem(leak) && leak.message).toContain('digest only');
    // A body, or anything else, has no place in the statement.
    const extra = encodeStatement(
      opened({ ticket: 4, service: null, private: false, digest: DIGEST, body: 'text' }),
    );
    expect(isStatementProblem(extra)).toBe(true);
  });

  it('are the server’s own, not members’', () => {
    expect(isMemberStatement({ type: 'ticket.opened' })).toBe(false);
    expect(isMemberStatement({ type: 'ticket.closed' })).toBe(false);
    expect(isMemberStatement({ type: 'notice' })).toBe(false);
    expect(isMemberStatement({ type: 'steward.away' })).toBe(true);
  });
});

describe('the desk’s API shapes', () => {
  it('bound a ticket’s body in bytes, not characters', () => {
    expect(NewTicket.safeParse({ title: 't', body: 'a'.repeat(65_536) }).success).toBe(true);
    expect(NewTicket.safeParse({ title: 't', body: 'ä'.repeat(40_000) }).success).toBe(false);
    expect(NewComment.safeParse({ body: ' \n ' }).success).toBe(false);
  });

  it('accept labels of lowercase letters, digits and dashes, at most 20, each once', () => {
    const labels = (list: string[]) => NewTicket.safeParse({ title: 't', labels: list }).success;
    expect(labels(['mail', 'quota-2'])).toBe(true);
    expect(labels(['Mail'])).toBe(false);
    expect(labels(['a'.repeat(41)])).toBe(false);
    expect(labels(['x', 'x'])).toBe(false);
    expect(labels(Array.from({ length: 21 }, (_, i) => `l${i}`))).toBe(false);
  });

  it('fill in defaults and refuse empty changes', () => {
    expect(NewTicket.parse({ title: 'Hilfe' })).toEqual({
      title: 'Hilfe',
      body: '',
      service: null,
      private: false,
      priority: 'normal',
      labels: [],
    });
    expect(TicketChanges.safeParse({}).success).toBe(false);
    expect(TicketChanges.safeParse({ status: 'done' }).success).toBe(false);
    expect(TicketQuery.parse({ limit: '5', before: '9' })).toMatchObject({ limit: 5, before: 9 });
    expect(TicketQuery.safeParse({ limit: '500' }).success).toBe(false);
  });
});
