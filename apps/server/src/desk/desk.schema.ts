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
    /** 'web' or 'mail'. */
    via: string;
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
    via: string;
  };
  ticket_attachments: {
    id: Generated<number>;
    ticket_id: number;
    /** The comment it came with, or null: the request itself. */
    item_id: number | null;
    filename: string;
    content_type: string;
    size: number;
    sha256: string;
    bytes: Uint8Array;
  };
  /** Every mail the intake took, raw, and what became of it (migration 0007-desk-mail). */
  mail_inbox: {
    id: Generated<number>;
    received_at: string;
    recipient: string;
    envelope_from: string;
    /** The From address, lower case. */
    sender: string;
    subject: string;
    message_id: string | null;
    size: number;
    raw: Uint8Array;
    outcome: string;
    ticket_id: number | null;
    reason: string | null;
  };
  /** Message-IDs, received and sent, of each ticket's mail. */
  mail_threads: { message_id: string; ticket_id: number; at: string };
  /** A visitor's ticket until its address is confirmed; `ticket` is the request as JSON. */
  desk_confirmations: {
    code_digest: string;
    email: string;
    /** The client's IP address, for rate limits. */
    address: string;
    ticket: string;
    created_at: string;
    expires_at: string;
    /** Set once confirmed: the ticket it opened. */
    ticket_id: number | null;
  };
  /** NotificationSettings as JSON; members without a row have the defaults. */
  desk_notification_settings: { handle: string; settings: string };
  /** How far the notifier has read: the last ticket and timeline item it looked at. */
  desk_cursor: { id: number; ticket_id: number; item_id: number };
};
