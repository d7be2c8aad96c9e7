import type { Ticket, TicketList } from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { roughDuration } from './duration.ts';
import { oversightGroup, ticketRights } from './rights.ts';
import { mergeNewest } from './ticket-pages.ts';

function ticket(id: number, changes: Partial<Ticket> = {}): Ticket {
  return {
    id,
    title: `Ticket ${id}`,
    body: '',
    requester: 'bo',
    visitor: false,
    via: 'web',
    attachments: [],
    labels: [],
    watchers: ['bo'],
    service: 'mail',
    status: 'new',
    priority: 'normal',
    assignee: 'ada',
    taken: false,
    private: false,
    redacted: false,
    comments: 0,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    firstAnswerAt: null,
    closedAt: null,
    openedIndex: id,
    closedIndex: null,
    ...changes,
  };
}

function list(ids: number[], next: number | null = null): TicketList {
  return { tickets: ids.map((id) => ticket(id)), next };
}

describe('mergeNewest', () => {
  it('keeps the newest tickets of all lists, newest first', () => {
    const merged = mergeNewest([list([9, 4, 1]), list([8, 7]), list([])], 3);
    expect(merged.tickets.map((t) => t.id)).toEqual([9, 8, 7]);
    expect(merged.next).toBe(7);
  });

  it('has no next page when every list ended and all fit', () => {
    const merged = mergeNewest([list([5]), list([3, 2])], 3);
    expect(merged.tickets.map((t) => t.id)).toEqual([5, 3, 2]);
    expect(merged.next).toBeNull();
  });

  it('goes on while a list has more', () => {
    expect(mergeNewest([list([5], 5), list([])], 3).next).toBe(5);
  });
});

const service = {
  slug: 'mail',
  name: 'Mail',
  description: '',
  sensitivity: 'private' as const,
  status: 'running' as const,
  addresses: [],
  docPage: null,
  hosts: [],
  stewards: [{ handle: 'ada', role: 'steward' as const, away: false }],
  responsible: 'ada',
  createdAt: 1,
};

describe('ticketRights', () => {
  it('lets stewards handle, the requester close, and others only read', () => {
    expect(ticketRights('ada', ticket(1), service, [])).toEqual({
      handle: true,
      requester: false,
      seePrivate: true,
    });
    expect(ticketRights('bo', ticket(1), service, [])).toEqual({
      handle: false,
      requester: true,
      seePrivate: true,
    });
    expect(ticketRights('cy', ticket(1), service, [])).toEqual({
      handle: false,
      requester: false,
      seePrivate: false,
    });
    expect(ticketRights('cy', ticket(1), service, ['cy']).handle).toBe(true);
    expect(ticketRights(undefined, ticket(1), service, []).handle).toBe(false);
  });

  it('lets any member handle a public ticket that no steward looks after', () => {
    const unlooked = { ...service, stewards: [] };
    expect(ticketRights('cy', ticket(1), unlooked, []).handle).toBe(true);
    expect(ticketRights('cy', ticket(1, { private: true }), unlooked, []).handle).toBe(false);
    expect(ticketRights('cy', ticket(1, { service: null }), undefined, []).handle).toBe(true);
  });
});

describe('oversightGroup', () => {
  const member = (handle: string, age: boolean, status: 'active' | 'left' = 'active') => ({
    handle,
    name: handle,
    status,
    admittedAt: 0,
    leftAt: null,
    away: false,
    awayUntil: null,
    services: [],
    keys: age
      ? [
          {
            id: 'k',
            key: { kind: 'age' as const, recipient: 'age1x' },
            addedAt: 0,
            revokedAt: null,
          },
        ]
      : [],
  });

  it('is the named members, else the active members with an age key', () => {
    const members = [member('ada', true), member('bo', false), member('cy', true, 'left')];
    const policy = { oversight: null } as unknown as Parameters<typeof oversightGroup>[0];
    expect(oversightGroup(policy, members)).toEqual(['ada']);
    const named = { oversight: ['bo', 'cy'] } as unknown as Parameters<typeof oversightGroup>[0];
    expect(oversightGroup(named, members)).toEqual(['bo']);
  });
});

describe('roughDuration', () => {
  it('speaks in minutes, hours or days', () => {
    expect(roughDuration(20)).toEqual({ unit: 'minutes', n: 1 });
    expect(roughDuration(45 * 60)).toEqual({ unit: 'minutes', n: 45 });
    expect(roughDuration(5 * 3600)).toEqual({ unit: 'hours', n: 5 });
    expect(roughDuration(4 * 86400)).toEqual({ unit: 'days', n: 4 });
  });
});
