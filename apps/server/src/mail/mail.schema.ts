import type { Generated } from 'kysely';

/** Mail waiting for the relay (migration 0007-desk-mail). Times are ISO 8601 text. */
export type MailTables = {
  mail_outbox: {
    id: Generated<number>;
    created_at: string;
    recipient: string;
    subject: string;
    body: string;
    reply_to: string;
    /** Our own Message-ID, made before sending, so that answers thread. */
    message_id: string;
    in_reply_to: string | null;
    /** JSON array of Message-IDs. */
    refs: string;
    attempts: number;
    next_attempt_at: string;
    sent_at: string | null;
    /** Set when the relay refused it for good, or after the last attempt. */
    failed_at: string | null;
    last_error: string | null;
  };
};
