import type { Generated } from 'kysely';

/** The help desk's tables (migration 0005-desk). Times are ISO 8601 text, as elsewhere. */
export type DeskTables = {
  tickets: {
    id: number;
    title: string;
    body: string;
    service: string | null;
    /** A member's handle, or a visitor's e-mail address (never in the log). */
    requester: string;
    status: string;
    priority: string;
    /** JSON array of labels. */
    labels: string;
    private: number;
    /** Set only when someone took the ticket; else routing decides at read time. */
    assignee: string | null;
    created_at: string;
    updated_at: string;
    first_answer_at: string | null;
    closed_at: string | null;
    opened_idx: number;
    closed_idx: number | null;
  };
  ticket_watchers: { ticket_id: number; handle: string };
  /** Comments and events of a ticket, in one ordered timeline. */
  ticket_items: {
    id: Generated<number>;
    ticket_id: number;
    kind: string;
    at: string;
    author: string | null;
    body: string | null;
    private: number;
    field: string | null;
    from_value: string | null;
    to_value: string | null;
  };
};
