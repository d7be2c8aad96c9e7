import type { AccessTables } from '../access/access.schema.ts';
import type { AuthTables } from '../auth/auth.schema.ts';
import type { DeskTables } from '../desk/desk.schema.ts';
import type { MailTables } from '../mail/mail.schema.ts';
import type { HostTables } from '../hosts/host.schema.ts';
import type { SessionTables } from '../sessions/session.schema.ts';
import type { WikiTables } from '../wiki/wiki.schema.ts';
import type { WitnessTables } from '../witness/witness.schema.ts';

/** The database as Kysely sees it. Integers fit in a JS number (indexes stay below 2^53). */
export type Schema = LogTables &
  CoopTables &
  AuthTables &
  WikiTables &
  DeskTables &
  MailTables &
  WitnessTables &
  AccessTables &
  HostTables &
  SessionTables;

type LogTables = {
  log_entries: { idx: number; entry: Uint8Array };
  /** The current bytes of every hash tile (C2SP tlog-tiles); only the rightmost per level grows. */
  log_tiles: { level: number; tile_index: number; hashes: Uint8Array };
  log_checkpoints: { size: number; note: string; created_at: string };
};

/** The cooperative's projection of the log, and what stays out of the log (contacts, drafts). */
type CoopTables = {
  members: {
    handle: string;
    name: string;
    status: string;
    admitted_at: number;
    left_at: number | null;
    away: number;
    away_until: string | null;
  };
  /** `key` is the MemberKey as JSON. */
  member_keys: {
    id: string;
    handle: string;
    kind: string;
    key: string;
    added_at: number;
    revoked_at: number | null;
  };
  /** `addresses` is a JSON array. */
  services: {
    slug: string;
    name: string;
    description: string;
    sensitivity: string;
    status: string;
    addresses: string;
    doc_page: string | null;
    created_at: number;
  };
  stewards: { service: string; handle: string; role: string; position: number };
  hosts: {
    name: string;
    address: string;
    provider: string;
    location: string;
    cost_amount: number;
    cost_currency: string;
    added_at: number;
  };
  service_hosts: { service: string; host: string };
  policies: { id: number; policy: string; set_at: number };
  /** The whole CoopState as JSON, written with every statement that changes it. */
  coop_snapshot: { id: number; state: string };
  /** SHA-256 (hex) of every member statement's signed part: a signed statement counts once. */
  statement_digests: { digest: string; idx: number };
  member_contacts: { handle: string; email: string };
  proposals: {
    id: string;
    statement: string;
    email: string | null;
    status: string;
    idx: number | null;
    created_at: string;
  };
  invitations: {
    id: string;
    code_digest: string;
    invited_by: string | null;
    note: string;
    created_at: string;
    expires_at: string;
    used_by: string | null;
    withdrawn: number;
  };
};
