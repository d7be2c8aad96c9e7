/** Guarded sessions and their sealed transcripts (migration 0010-sessions). */
export type SessionTables = {
  sessions: {
    id: string;
    host: string;
    principal: string;
    request: string;
    ticket: number | null;
    requester: string | null;
    serial: string;
    kind: string;
    /** The command line, only when the policy publishes command lines. */
    public_command: string | null;
    observer_required: number;
    /** JSON array of the handles the transcript is sealed to. */
    recipients: string;
    state: string;
    started_at: string;
    ended_at: string | null;
    end_reason: string | null;
    ended_by: string | null;
    exit_code: number | null;
    input_bytes: number;
    output_bytes: number;
    pieces: number;
    chunks: number;
    started_idx: number | null;
    ended_idx: number | null;
    transcript_digest: string | null;
  };
  /** A sealed piece of a transcript: the first an age file, the rest segments (protocol session.ts). */
  session_pieces: { session_id: string; seq: number; sealed: Uint8Array };
};
