/** Hosts' enrolment and attestation (migration 0010-sessions). Times are ISO 8601 text. */
export type HostTables = {
  /** Single-use enrolment tokens, by SHA-256 (hex); the token itself is shown once. */
  enrolment_tokens: {
    token_digest: string;
    host: string;
    created_by: string;
    created_at: string;
    expires_at: string;
    used_at: string | null;
  };
  /** The enrolled host key (an ssh-ed25519 line) and guarded logins (a JSON array). */
  host_enrolments: {
    host: string;
    host_key: string;
    logins: string;
    enrolled_idx: number;
    enrolled_at: string;
  };
  /** The latest attestation of each host; `files` is the JSON array of AttestedFile. */
  host_attestations: { host: string; files: string; attested_idx: number; attested_at: string };
};
