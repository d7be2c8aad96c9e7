import type { MemberKey } from '@allmende/protocol';

/**
 * What sign-in needs to know about members, answered by the cooperative's state (coop/). Only
 * active members appear; revoked keys never do.
 */
export type MemberDirectory = {
  /** An active member, or undefined (unknown, left or removed). */
  member(handle: string): { handle: string; name: string } | undefined;
  /** The member's current keys with their key IDs ("SHA256:…", "passkey:<id>", "age1…"). */
  currentKeys(handle: string): { id: string; key: MemberKey }[];
  /** The active member holding the current passkey with this credential ID (base64url). */
  memberByCredential(credentialId: string): { handle: string; publicKey: string } | undefined;
};
