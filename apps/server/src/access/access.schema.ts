/**
 * The access tables (migration 0009-access): requests with their history, approvals, and the
 * certificates the CA issued. The log holds every statement; these keep what the API shows, and
 * what the log keeps out (nothing here is secret: reasons and commands are in the log too).
 */
export type AccessTables = {
  access_requests: {
    /** The log index of the `access.requested` entry. */
    idx: number;
    digest: string;
    /** The signed statement, as JSON. */
    statement: string;
    requester: string;
    host: string;
    login: string;
    minutes: number;
    ticket: number;
    reason: string;
    command: string | null;
    key_id: string;
    public_key: string;
    /** pending, issued, denied, withdrawn, expired or revoked. */
    status: string;
    created_at: string;
    closed_idx: number | null;
    /** For a denial: who denied, and why. */
    denied_by: string | null;
    deny_reason: string | null;
  };
  access_approvals: {
    idx: number;
    request_idx: number;
    handle: string;
    at: string;
  };
  access_certificates: {
    serial: number;
    request_idx: number;
    key_id: string;
    principal: string;
    valid_after: string;
    valid_before: string;
    certificate: string;
    digest: string;
    issued_idx: number;
    revoked_idx: number | null;
    revoke_reason: string | null;
  };
};
