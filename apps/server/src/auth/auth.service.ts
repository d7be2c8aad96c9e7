import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Handle, MemberKey, loginNamespace, normalizeHandle } from '@allmende/protocol';
import { SshError, fingerprint, parsePublicKey, verifySignature } from '@allmende/ssh';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AuthRepository, StoredToken } from './auth.repo.ts';
import type { ChallengePurpose, SessionInfo, SessionMethod, TokenInfo } from './auth.schema.ts';
import type { MemberDirectory } from './member-directory.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A session ends after 30 days unused; each use pushes the end out again (sliding expiry)… */
export const SESSION_IDLE_MS = 30 * DAY;
/** …but never beyond half a year after sign-in. */
export const SESSION_LIFETIME_MS = 180 * DAY;
/** How stale last_seen_at may get before a request writes it (and renews the cookie). */
const SESSION_TOUCH_MS = HOUR;
const TOKEN_TOUCH_MS = MINUTE;
export const CHALLENGE_TTL_MS = 5 * MINUTE;
export const PASSWORD_MIN_LENGTH = 12;

/**
 * Failed password logins are counted per handle and per address over a day. Past the free
 * attempts, each failure locks the key for twice as long as the one before (30 s, 1 min, 2 min,
 * …, at most 15 min). An address is shared by many people behind one NAT, so it gets more.
 */
export const THROTTLE = {
  handleFreeFailures: 5,
  ipFreeFailures: 20,
  firstLockMs: 30_000,
  maxLockMs: 15 * MINUTE,
  windowMs: DAY,
} as const;

/** The algorithms @allmende/webauthn verifies: the log's readers must be able to check them. */
const PASSKEY_ALGORITHMS = [-8, -7, -257];
const TOKEN_PREFIX = 'alm_';
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const API_TOKEN = /^alm_[A-Za-z0-9_-]{43}$/;

export type Member = { handle: string; via: 'session' | 'token' };

/** What authenticated a request, with what logout needs to end it. */
export type Authenticated =
  | {
      via: 'session';
      handle: string;
      sessionId: string;
      csrfToken: string;
      method: SessionMethod;
      /** Set when this request moved the session's end: the cookie should say so too. */
      renewedUntil: Date | undefined;
    }
  | { via: 'token'; handle: string; tokenId: string };

/** A new session: the ID goes into the cookie and nowhere else. */
export type NewSession = { sessionId: string; expiresAt: Date; info: SessionInfo };

/** AUTH_THROTTLED, with the seconds to wait for a Retry-After header. */
export class ThrottledError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      'AUTH_THROTTLED',
      `too many failed sign-ins: try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Who a passkey registration challenge was issued to. */
const RegistrationSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member') }),
  z.object({ kind: z.literal('candidate'), name: z.string() }),
]);
type RegistrationSubject = z.infer<typeof RegistrationSubject>;

/** The part of clientDataJSON read before verification: which challenge it answers. */
const ClientData = z.object({ challenge: z.string().max(200) });

export type AuthServiceOptions = {
  repo: AuthRepository;
  directory: MemberDirectory;
  /** Where people reach the web app (config.url): passkeys are bound to its host name. */
  url: string;
  /** The log's origin (config.origin): SSH login proofs are bound to it. */
  origin: string;
  /** The cooperative's name, shown by the authenticator when registering a passkey. */
  name: string;
  /** Whether an invitation code is valid and unused (invitations/). */
  checkInvitation: (code: string) => Promise<boolean>;
  now?: () => Date;
};

/**
 * Sign-in: browser sessions (passkey or password), API tokens for the CLI (proved with an SSH
 * key), and passkey registration. Every request's member is checked against the directory
 * again, so that leaving the cooperative or revoking a key ends what it opened.
 */
export class AuthService {
  readonly #repo: AuthRepository;
  readonly #directory: MemberDirectory;
  readonly #origin: string;
  readonly #webOrigin: string;
  readonly #rpId: string;
  readonly #name: string;
  readonly #checkInvitation: (code: string) => Promise<boolean>;
  readonly #now: () => Date;
  /** A hash to verify against when the handle has no password, so that timing tells nothing. */
  readonly #decoyHash: Promise<string>;

  constructor(options: AuthServiceOptions) {
    this.#repo = options.repo;
    this.#directory = options.directory;
    this.#origin = options.origin;
    const url = new URL(options.url);
    this.#webOrigin = url.origin;
    this.#rpId = url.hostname;
    this.#name = options.name;
    this.#checkInvitation = options.checkInvitation;
    this.#now = options.now ?? (() => new Date());
    // Made now, so that even the first unknown handle costs one argon2 run, not two.
    this.#decoyHash = hashPassword(randomBytes(16).toString('hex'));
    this.#decoyHash.catch(() => {});
  }

  now(): Date {
    return this.#now();
  }

  get loginNamespace(): string {
    return loginNamespace(this.#origin);
  }

  // Who is asking -----------------------------------------------------------------------------

  /** The member of a session cookie, or undefined when it is unknown, expired or orphaned. */
  async sessionMember(sessionId: string): Promise<Authenticated | undefined> {
    if (!SESSION_ID.test(sessionId)) return undefined;
    const idHash = sha256(sessionId);
    const session = await this.#repo.session(idHash);
    if (!session) return undefined;
    const now = this.#now();
    // Renewals never move expires_at past the lifetime's end, so it alone decides.
    if (session.expiresAt <= now) {
      await this.#repo.deleteSession(idHash);
      return undefined;
    }
    if (!this.#directory.member(session.handle)) {
      await this.#endEverything(session.handle);
      return undefined;
    }
    let renewedUntil: Date | undefined;
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
      const end = session.createdAt.getTime() + SESSION_LIFETIME_MS;
      renewedUntil = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, end));
      await this.#repo.touchSession(idHash, now, renewedUntil);
    }
    return {
      via: 'session',
      handle: session.handle,
      sessionId,
      csrfToken: session.csrfToken,
      method: session.method,
      renewedUntil,
    };
  }

  /**
   * The member of an API token, or undefined when it is unknown or revoked, its member is no
   * longer one, or the SSH key that proved it is no longer among the member's keys.
   */
  async tokenMember(token: string): Promise<Authenticated | undefined> {
    if (!API_TOKEN.test(token)) return undefined;
    const stored = await this.#repo.tokenBySecret(sha256(token));
    if (!stored) return undefined;
    const now = this.#now();
    if (!this.#directory.member(stored.handle)) {
      await this.#endEverything(stored.handle);
      return undefined;
    }
    const keys = this.#directory.currentKeys(stored.handle);
    if (!keys.some(({ id, key }) => key.kind === 'ssh' && id === stored.keyId)) {
      await this.#repo.revokeToken(stored.handle, stored.id, now);
      return undefined;
    }
    if (!stored.lastUsedAt || now.getTime() - stored.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
      await this.#repo.touchToken(stored.id, now);
    }
    return { via: 'token', handle: stored.handle, tokenId: stored.id };
  }

  /** The signed-in member and the CSRF token of their session. */
  sessionInfo(handle: string, csrfToken: string): SessionInfo {
    const member = this.#directory.member(handle);
    if (!member) throw new AppError('UNAUTHORIZED', 'not signed in');
    return { handle: member.handle, name: member.name, csrfToken };
  }

  // Passwords ---------------------------------------------------------------------------------

  /**
   * Signs in with handle and password. Unknown handles, members without a password and wrong
   * passwords all get the same AUTH_FAILED after the same argon2 work.
   * @throws ThrottledError (AUTH_THROTTLED) after too many failures for the handle or address
   * @throws AppError AUTH_FAILED
   */
  async passwordLogin(input: {
    handle: string;
    password: string;
    ip: string;
  }): Promise<NewSession> {
    const handle = normalizeHandle(input.handle);
    const keys = { handle: `handle:${handle}`, ip: `ip:${input.ip}` };
    await this.#refuseWhileLocked([keys.handle, keys.ip]);
    const member = Handle.safeParse(handle).success ? this.#directory.member(handle) : undefined;
    // The same queries and the same argon2 work whether or not the handle is a member's.
    const stored = await this.#repo.password(handle);
    const { matches, outdated } = await this.#verify(input.password, stored);
    if (!member || !stored || !matches) {
      await this.#countFailure(keys.handle, THROTTLE.handleFreeFailures);
      await this.#countFailure(keys.ip, THROTTLE.ipFreeFailures);
      throw new AppError('AUTH_FAILED', 'the handle or the password is wrong');
    }
    // The address's count stays: one's own correct password must not clear guesses at others'.
    await this.#repo.clearFailures(keys.handle);
    if (outdated) {
      const phc = await hashPassword(input.password.normalize('NFKC'));
      await this.#repo.setPassword(handle, phc, this.#now());
    }
    return this.#openSession(handle, 'password');
  }

  /**
   * Sets or replaces the member's password. Replacing it from a session that the password
   * itself opened needs the current one; a passkey session or an SSH-proved token does not, so
   * that a member who forgot it can set a new one.
   * @throws AppError BAD_REQUEST when it is too short; AUTH_FAILED when the current one is wrong
   */
  async setPassword(
    who: Authenticated,
    input: { password: string; currentPassword: string | undefined },
  ): Promise<void> {
    const password = input.password.normalize('NFKC');
    if ([...password].length < PASSWORD_MIN_LENGTH) {
      throw new AppError(
        'BAD_REQUEST',
        `a password has at least ${PASSWORD_MIN_LENGTH} characters; a few words make a good one`,
      );
    }
    const stored = await this.#repo.password(who.handle);
    if (stored && who.via === 'session' && who.method === 'password') {
      const key = `handle:${who.handle}`;
      await this.#refuseWhileLocked([key]);
      if (input.currentPassword === undefined) {
        throw new AppError('AUTH_FAILED', 'the current password is needed to replace it');
      }
      if (!(await this.#verify(input.currentPassword, stored)).matches) {
        await this.#countFailure(key, THROTTLE.handleFreeFailures);
        throw new AppError('AUTH_FAILED', 'the current password is wrong');
      }
    }
    await this.#repo.setPassword(who.handle, await hashPassword(password), this.#now());
    // Whoever knew the old password loses the sessions it opened; this one stays.
    await this.#repo.deleteSessionsOf(
      who.handle,
      who.via === 'session' ? sha256(who.sessionId) : undefined,
    );
  }

  async #verify(
    password: string,
    stored: string | undefined,
  ): Promise<{ matches: boolean; outdated: boolean }> {
    const normalized = password.normalize('NFKC');
    if (stored) {
      try {
        return await verifyPassword(normalized, stored);
      } catch {
        // A damaged hash is a wrong password, after the same work.
      }
    }
    await verifyPassword(normalized, await this.#decoyHash);
    return { matches: false, outdated: false };
  }

  async #refuseWhileLocked(keys: string[]): Promise<void> {
    const now = this.#now().getTime();
    const locked = (await this.#repo.failures(keys))
      .map((row) => row.lockedUntil?.getTime() ?? 0)
      .reduce((a, b) => Math.max(a, b), 0);
    if (locked > now) throw new ThrottledError(Math.ceil((locked - now) / 1000));
  }

  async #countFailure(key: string, freeFailures: number): Promise<void> {
    const now = this.#now();
    const failures = await this.#repo.countFailure(
      key,
      now,
      new Date(now.getTime() - THROTTLE.windowMs),
    );
    if (failures < freeFailures) return;
    const doublings = Math.min(failures - freeFailures, 20);
    const lockMs = Math.min(THROTTLE.firstLockMs * 2 ** doublings, THROTTLE.maxLockMs);
    await this.#repo.lockUntil(key, new Date(now.getTime() + lockMs));
  }

  // Passkeys ----------------------------------------------------------------------------------

  /** Options for navigator.credentials.get(): any of the member's passkeys (discoverable). */
  async passkeyLoginOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId,
      userVerification: 'required',
      timeout: CHALLENGE_TTL_MS,
    });
    await this.#storeChallenge(options.challenge, 'passkey-login', null, null);
    return options;
  }

  /**
   * Signs in with a passkey assertion. The passkey must be a current key of an active member in
   * the directory; its signature counter must move forward.
   * @throws AppError AUTH_FAILED
   */
  async passkeyLogin(response: AuthenticationResponseJSON): Promise<NewSession> {
    const challenge = challengeOf(response.response.clientDataJSON);
    await this.#consumeChallenge('passkey-login', challenge);
    const holder = this.#directory.memberByCredential(response.id);
    if (!holder) {
      throw new AppError(
        'AUTH_FAILED',
        'this passkey is not a key of a member (a new passkey works once the log has its key.added or member.admitted)',
      );
    }
    const counter = (await this.#repo.passkeyCounter(response.id)) ?? 0;
    let newCounter: number;
    try {
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#webOrigin,
        expectedRPID: this.#rpId,
        credential: {
          id: response.id,
          publicKey: new Uint8Array(Buffer.from(holder.publicKey, 'base64url')),
          counter,
        },
        requireUserVerification: true,
      });
      if (!verified) throw new Error('the assertion does not verify');
      newCounter = authenticationInfo.newCounter;
    } catch (error) {
      throw new AppError(
        'AUTH_FAILED',
        `the passkey's answer does not verify: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    if (!(await this.#repo.advancePasskeyCounter(response.id, newCounter, this.#now()))) {
      throw new AppError(
        'AUTH_FAILED',
        "the passkey's signature counter went backwards: it may have been copied; sign in another way and revoke it",
      );
    }
    return this.#openSession(holder.handle, 'passkey');
  }

  /**
   * Options for navigator.credentials.create(), for the signed-in member or for a candidate
   * holding a valid invitation.
   * @throws AppError INVITATION_INVALID, HANDLE_TAKEN, BAD_REQUEST (a handle that is none)
   */
  async passkeyRegistrationOptions(
    subject:
      { member: string } | { candidate: { invitation: string; handle: string; name: string } },
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    let handle: string;
    let displayName: string;
    let data: RegistrationSubject;
    if ('member' in subject) {
      const member = this.#directory.member(subject.member);
      if (!member) throw new AppError('UNAUTHORIZED', 'not signed in');
      handle = member.handle;
      displayName = member.name;
      data = { kind: 'member' };
    } else {
      const { invitation, name } = subject.candidate;
      handle = normalizeHandle(subject.candidate.handle);
      const valid = Handle.safeParse(handle);
      if (!valid.success) {
        throw new AppError('BAD_REQUEST', valid.error.issues[0]?.message ?? 'not a handle');
      }
      if (!(await this.#checkInvitation(invitation))) {
        throw new AppError('INVITATION_INVALID', 'this invitation is unknown, used or withdrawn');
      }
      if (this.#directory.member(handle)) {
        throw new AppError('HANDLE_TAKEN', `the handle ${handle} belongs to a member`);
      }
      displayName = name;
      data = { kind: 'candidate', name };
    }
    const passkeys = this.#directory
      .currentKeys(handle)
      .flatMap(({ key }) => (key.kind === 'passkey' ? [{ id: key.credentialId }] : []));
    const options = await generateRegistrationOptions({
      rpName: this.#name,
      rpID: this.#rpId,
      userName: handle,
      userDisplayName: displayName,
      // Stable per member, so that an authenticator replaces rather than piles up passkeys.
      userID: new Uint8Array(sha256(`allmende-user\n${this.#origin}\n${handle}`).subarray(0, 16)),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: passkeys,
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    await this.#storeChallenge(options.challenge, 'passkey-register', handle, JSON.stringify(data));
    return options;
  }

  /**
   * Verifies a new passkey and answers its key for a `key.added` or `member.admitted`
   * statement. It is not a login credential until such a statement is in the log.
   * @throws AppError AUTH_FAILED; UNAUTHORIZED when a member's challenge comes from someone else
   */
  async passkeyRegistration(
    response: RegistrationResponseJSON,
    who: Authenticated | undefined,
    label: string | undefined,
  ): Promise<MemberKey> {
    const challenge = challengeOf(response.response.clientDataJSON);
    const stored = await this.#consumeChallenge('passkey-register', challenge);
    const subject = RegistrationSubject.parse(JSON.parse(stored.data ?? 'null'));
    if (subject.kind === 'member' && who?.handle !== stored.handle) {
      throw new AppError('UNAUTHORIZED', "this registration was begun in another member's session");
    }
    let credential: { id: string; publicKey: Uint8Array; counter: number };
    try {
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#webOrigin,
        expectedRPID: this.#rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
      });
      if (!verified.verified) throw new Error('the attestation does not verify');
      credential = verified.registrationInfo.credential;
    } catch (error) {
      throw new AppError('AUTH_FAILED', `the new passkey does not verify: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const key = MemberKey.safeParse({
      kind: 'passkey',
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      ...(label ? { label } : {}),
    });
    if (!key.success) {
      throw new AppError(
        'BAD_REQUEST',
        `this passkey's key cannot go into the log: ${key.error.message}`,
      );
    }
    // Remember where its counter starts, so that a copy made before first use shows too.
    await this.#repo.advancePasskeyCounter(credential.id, credential.counter, this.#now());
    return key.data;
  }

  // SSH login for the CLI ---------------------------------------------------------------------

  /** A single-use nonce for `allmende login`, bound to the handle, valid for five minutes. */
  async sshChallenge(
    handleInput: string,
  ): Promise<{ nonce: string; namespace: string; expiresAt: string }> {
    const handle = normalizeHandle(handleInput);
    const valid = Handle.safeParse(handle);
    if (!valid.success) {
      throw new AppError('BAD_REQUEST', valid.error.issues[0]?.message ?? 'not a handle');
    }
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = await this.#storeChallenge(nonce, 'ssh-login', handle, null);
    return { nonce, namespace: this.loginNamespace, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Exchanges an SSHSIG of the nonce (in the login namespace, by one of the member's current SSH
   * keys) for an API token.
   * @throws AppError AUTH_FAILED
   */
  async sshToken(input: {
    handle: string;
    nonce: string;
    signature: string;
    label: string;
  }): Promise<{ token: string; id: string }> {
    const handle = normalizeHandle(input.handle);
    const stored = await this.#consumeChallenge('ssh-login', input.nonce);
    if (stored.handle !== handle) {
      throw new AppError('AUTH_FAILED', `this login challenge was not issued to ${handle}`);
    }
    if (!this.#directory.member(handle)) {
      throw new AppError('AUTH_FAILED', `${handle} is not a member`);
    }
    let signer: string;
    try {
      const verified = await verifySignature({
        armored: input.signature,
        message: new TextEncoder().encode(input.nonce),
        namespace: this.loginNamespace,
      });
      signer = await fingerprint(verified.publicKey);
    } catch (error) {
      if (!(error instanceof SshError)) throw error;
      throw new AppError('AUTH_FAILED', `the login proof does not verify: ${error.message}`, {
        cause: error,
      });
    }
    const key = await this.#currentSshKey(handle, signer);
    if (!key) {
      throw new AppError('AUTH_FAILED', `the key ${signer} is not one of ${handle}'s current keys`);
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = randomBytes(12).toString('hex');
    await this.#repo.createToken(sha256(token), {
      id,
      handle,
      label: input.label,
      keyId: key,
      createdAt: this.#now(),
      lastUsedAt: null,
    });
    return { token, id };
  }

  /** The directory's ID of the member's current SSH key with this fingerprint. */
  async #currentSshKey(handle: string, signer: string): Promise<string | undefined> {
    for (const { id, key } of this.#directory.currentKeys(handle)) {
      if (key.kind === 'ssh' && (await fingerprint(parsePublicKey(key.publicKey))) === signer) {
        return id;
      }
    }
    return undefined;
  }

  // Tokens and logout -------------------------------------------------------------------------

  async tokens(handle: string): Promise<TokenInfo[]> {
    return (await this.#repo.tokensOf(handle)).map(tokenInfo);
  }

  /** @throws AppError NOT_FOUND when the member has no live token with this ID */
  async revokeToken(handle: string, id: string): Promise<void> {
    if (!(await this.#repo.revokeToken(handle, id, this.#now()))) {
      throw new AppError('NOT_FOUND', `no token ${id}`);
    }
  }

  /** Ends what authenticated the request: the session, or the API token. */
  async logout(who: Authenticated): Promise<void> {
    if (who.via === 'session') await this.#repo.deleteSession(sha256(who.sessionId));
    else await this.#repo.revokeToken(who.handle, who.tokenId, this.#now());
  }

  /** Ends every session and revokes every API token of the member. */
  async logoutEverywhere(handle: string): Promise<void> {
    await this.#endEverything(handle);
  }

  // Helpers -----------------------------------------------------------------------------------

  async #endEverything(handle: string): Promise<void> {
    await this.#repo.deleteSessionsOf(handle);
    await this.#repo.revokeTokensOf(handle, this.#now());
  }

  async #openSession(handle: string, method: SessionMethod): Promise<NewSession> {
    const now = this.#now();
    const member = this.#directory.member(handle);
    if (!member) throw new AppError('AUTH_FAILED', `${handle} is not a member`);
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await this.#repo.deleteExpiredSessions(now);
    await this.#repo.createSession(sha256(sessionId), {
      handle,
      csrfToken,
      method,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    return { sessionId, expiresAt, info: { handle, name: member.name, csrfToken } };
  }

  async #storeChallenge(
    challenge: string,
    purpose: ChallengePurpose,
    handle: string | null,
    data: string | null,
  ): Promise<Date> {
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    await this.#repo.createChallenge(challenge, { purpose, handle, data, expiresAt }, now);
    return expiresAt;
  }

  /** Uses up a challenge: whatever happens next, it cannot be answered twice. */
  async #consumeChallenge(purpose: ChallengePurpose, challenge: string) {
    const now = this.#now();
    const stored = await this.#repo.consumeChallenge(purpose, challenge, now);
    if (!stored) {
      throw new AppError('AUTH_FAILED', 'this challenge is unknown or was used: ask for a new one');
    }
    if (stored.expiresAt <= now) {
      throw new AppError('AUTH_FAILED', 'this challenge has expired: ask for a new one');
    }
    return stored;
  }
}

/** Whether a CSRF token sent with a request is the session's, compared in constant time. */
export function sameCsrfToken(sent: string, expected: string): boolean {
  return timingSafeEqual(sha256(sent), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The challenge in clientDataJSON, which comes from the client: parsed defensively. */
function challengeOf(clientDataJSON: string): string {
  try {
    const json: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    return ClientData.parse(json).challenge;
  } catch (error) {
    throw new AppError('AUTH_FAILED', 'clientDataJSON is not WebAuthn client data', {
      cause: error,
    });
  }
}

function tokenInfo(token: StoredToken): TokenInfo {
  return {
    id: token.id,
    label: token.label,
    keyId: token.keyId,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
