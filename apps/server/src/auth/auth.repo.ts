import type { Kysely } from 'kysely';
import type { AuthTables, ChallengePurpose, SessionMethod } from './auth.schema.ts';

export type StoredSession = {
  handle: string;
  csrfToken: string;
  method: SessionMethod;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

export type StoredToken = {
  id: string;
  handle: string;
  label: string;
  keyId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

export type StoredChallenge = {
  purpose: ChallengePurpose;
  handle: string | null;
  data: string | null;
  expiresAt: Date;
};

export type StoredFailures = { failures: number; windowStart: Date; lockedUntil: Date | null };

const iso = (date: Date) => date.toISOString();
const dateOrNull = (text: string | null) => (text === null ? null : new Date(text));

/** Sign-in's tables. Session IDs and tokens arrive here already hashed. */
export class AuthRepository {
  readonly #db: Kysely<AuthTables>;

  constructor(db: Kysely<AuthTables>) {
    this.#db = db;
  }

  // Sessions --------------------------------------------------------------------------------

  async createSession(idHash: Uint8Array, session: StoredSession): Promise<void> {
    await this.#db
      .insertInto('auth_sessions')
      .values({
        id_hash: idHash,
        handle: session.handle,
        csrf_token: session.csrfToken,
        method: session.method,
        created_at: iso(session.createdAt),
        last_seen_at: iso(session.lastSeenAt),
        expires_at: iso(session.expiresAt),
      })
      .execute();
  }

  async session(idHash: Uint8Array): Promise<StoredSession | undefined> {
    const row = await this.#db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return (
      row && {
        handle: row.handle,
        csrfToken: row.csrf_token,
        method: row.method,
        createdAt: new Date(row.created_at),
        lastSeenAt: new Date(row.last_seen_at),
        expiresAt: new Date(row.expires_at),
      }
    );
  }

  async touchSession(idHash: Uint8Array, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.#db
      .updateTable('auth_sessions')
      .set({ last_seen_at: iso(lastSeenAt), expires_at: iso(expiresAt) })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async deleteSession(idHash: Uint8Array): Promise<void> {
    await this.#db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a member, but the one given (the member's own, when asked to). */
  async deleteSessionsOf(handle: string, except?: Uint8Array): Promise<void> {
    let query = this.#db.deleteFrom('auth_sessions').where('handle', '=', handle);
    if (except) query = query.where('id_hash', '!=', except);
    await query.execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.#db.deleteFrom('auth_sessions').where('expires_at', '<=', iso(now)).execute();
  }

  // API tokens ------------------------------------------------------------------------------

  async createToken(secretHash: Uint8Array, token: StoredToken): Promise<void> {
    await this.#db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        handle: token.handle,
        label: token.label,
        secret_hash: secretHash,
        key_id: token.keyId,
        created_at: iso(token.createdAt),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  /** The token with this hash, unless it was revoked. */
  async tokenBySecret(secretHash: Uint8Array): Promise<StoredToken | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .select(['id', 'handle', 'label', 'key_id', 'created_at', 'last_used_at'])
      .where('secret_hash', '=', secretHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toToken(row);
  }

  async tokensOf(handle: string): Promise<StoredToken[]> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .select(['id', 'handle', 'label', 'key_id', 'created_at', 'last_used_at'])
      .where('handle', '=', handle)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toToken);
  }

  async touchToken(id: string, usedAt: Date): Promise<void> {
    await this.#db
      .updateTable('api_tokens')
      .set({ last_used_at: iso(usedAt) })
      .where('id', '=', id)
      .execute();
  }

  /** Whether the member had this token and it was live until now. */
  async revokeToken(handle: string, id: string, at: Date): Promise<boolean> {
    const row = await this.#db
      .updateTable('api_tokens')
      .set({ revoked_at: iso(at) })
      .where('id', '=', id)
      .where('handle', '=', handle)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async revokeTokensOf(handle: string, at: Date): Promise<void> {
    await this.#db
      .updateTable('api_tokens')
      .set({ revoked_at: iso(at) })
      .where('handle', '=', handle)
      .where('revoked_at', 'is', null)
      .execute();
  }

  // Passwords -------------------------------------------------------------------------------

  async password(handle: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('passwords')
      .select('phc')
      .where('handle', '=', handle)
      .executeTakeFirst();
    return row?.phc;
  }

  async setPassword(handle: string, phc: string, at: Date): Promise<void> {
    await this.#db
      .insertInto('passwords')
      .values({ handle, phc, updated_at: iso(at) })
      .onConflict((oc) => oc.column('handle').doUpdateSet({ phc, updated_at: iso(at) }))
      .execute();
  }

  // Challenges ------------------------------------------------------------------------------

  /** Stores a fresh challenge and forgets the ones that have expired. */
  async createChallenge(challenge: string, stored: StoredChallenge, now: Date): Promise<void> {
    await this.#db.deleteFrom('auth_challenges').where('expires_at', '<=', iso(now)).execute();
    await this.#db
      .insertInto('auth_challenges')
      .values({
        challenge,
        purpose: stored.purpose,
        handle: stored.handle,
        data: stored.data,
        expires_at: iso(stored.expiresAt),
        used_at: null,
      })
      .execute();
  }

  /**
   * Marks a challenge used and returns it — once: of two requests racing with the same
   * challenge, one gets it. Expiry is the caller's to check, so that it can say so.
   */
  async consumeChallenge(
    purpose: ChallengePurpose,
    challenge: string,
    now: Date,
  ): Promise<StoredChallenge | undefined> {
    const row = await this.#db
      .updateTable('auth_challenges')
      .set({ used_at: iso(now) })
      .where('challenge', '=', challenge)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .returning(['purpose', 'handle', 'data', 'expires_at'])
      .executeTakeFirst();
    return (
      row && {
        purpose: row.purpose,
        handle: row.handle,
        data: row.data,
        expiresAt: new Date(row.expires_at),
      }
    );
  }

  // Failed logins ---------------------------------------------------------------------------

  async failures(keys: string[]): Promise<StoredFailures[]> {
    if (keys.length === 0) return [];
    const rows = await this.#db
      .selectFrom('login_failures')
      .select(['failures', 'window_start', 'locked_until'])
      .where('key', 'in', keys)
      .execute();
    return rows.map((row) => ({
      failures: row.failures,
      windowStart: new Date(row.window_start),
      lockedUntil: dateOrNull(row.locked_until),
    }));
  }

  /**
   * Counts one more failure under `key`, in one statement so that parallel guesses all count;
   * a count whose window began at or before `windowCutoff` starts again at 1.
   * @returns the new count
   */
  async countFailure(key: string, now: Date, windowCutoff: Date): Promise<number> {
    const row = await this.#db
      .insertInto('login_failures')
      .values({ key, failures: 1, window_start: iso(now), locked_until: null })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const stale = eb('login_failures.window_start', '<=', iso(windowCutoff));
          return {
            failures: eb
              .case()
              .when(stale)
              .then(1)
              .else(eb('login_failures.failures', '+', 1))
              .end(),
            window_start: eb
              .case()
              .when(stale)
              .then(iso(now))
              .else(eb.ref('login_failures.window_start'))
              .end(),
            locked_until: eb
              .case()
              .when(stale)
              .then(null)
              .else(eb.ref('login_failures.locked_until'))
              .end(),
          };
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return Number(row.failures);
  }

  /** Locks `key` until `until`, unless it is locked longer already. */
  async lockUntil(key: string, until: Date): Promise<void> {
    await this.#db
      .updateTable('login_failures')
      .set({ locked_until: iso(until) })
      .where('key', '=', key)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso(until))]))
      .execute();
  }

  async clearFailures(key: string): Promise<void> {
    await this.#db.deleteFrom('login_failures').where('key', '=', key).execute();
  }

  // Passkey signature counters --------------------------------------------------------------

  async passkeyCounter(credentialId: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('passkey_counters')
      .select('counter')
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    return row && Number(row.counter);
  }

  /**
   * Records the counter an authenticator just reported, unless it does not move forward: a
   * counter of 0 means "this authenticator keeps none" and is accepted only while the stored
   * one is 0 too (WebAuthn §6.1.1). Atomic, so that one assertion cannot be used twice.
   * @returns whether the counter was accepted
   */
  async advancePasskeyCounter(credentialId: string, counter: number, at: Date): Promise<boolean> {
    const row = await this.#db
      .insertInto('passkey_counters')
      .values({ credential_id: credentialId, counter, last_used_at: iso(at) })
      .onConflict((oc) =>
        oc
          .column('credential_id')
          .doUpdateSet({ counter, last_used_at: iso(at) })
          .where('passkey_counters.counter', counter === 0 ? '=' : '<', counter),
      )
      .returning('credential_id')
      .executeTakeFirst();
    return row !== undefined;
  }
}

function toToken(row: {
  id: string;
  handle: string;
  label: string;
  key_id: string;
  created_at: string;
  last_used_at: string | null;
}): StoredToken {
  return {
    id: row.id,
    handle: row.handle,
    label: row.label,
    keyId: row.key_id,
    createdAt: new Date(row.created_at),
    lastUsedAt: dateOrNull(row.last_used_at),
  };
}
