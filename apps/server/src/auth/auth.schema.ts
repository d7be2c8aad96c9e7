import { DisplayName, Handle, KeyId, MemberKey, humanText } from '@allmende/protocol';
import { z } from 'zod';

/**
 * Sign-in's tables as Kysely sees them; db/schema.ts intersects them into `Schema`. Times are
 * ISO 8601 UTC strings (`Date#toISOString`), which sort as they compare. Secrets are never
 * stored: sessions and API tokens are kept as the SHA-256 of their value.
 */
export type AuthTables = {
  auth_sessions: {
    /** SHA-256 of the session ID that only the member's browser holds (in its cookie). */
    id_hash: Uint8Array;
    handle: string;
    csrf_token: string;
    /** How the member signed in: a password session may not replace the password unasked. */
    method: SessionMethod;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
  };
  api_tokens: {
    /** Public: names the token in lists and in DELETE /api/auth/tokens/:id. */
    id: string;
    handle: string;
    label: string;
    /** SHA-256 of the whole token `alm_…`. */
    secret_hash: Uint8Array;
    /** The SSH key ("SHA256:…") that proved the login; the token ends with that key. */
    key_id: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  };
  passwords: { handle: string; phc: string; updated_at: string };
  auth_challenges: {
    challenge: string;
    purpose: ChallengePurpose;
    /** The member or candidate the challenge was issued for. */
    handle: string | null;
    /** JSON: what a registration challenge was issued for (RegistrationSubject). */
    data: string | null;
    expires_at: string;
    used_at: string | null;
  };
  login_failures: {
    /** `handle:<handle>` or `ip:<address>`. */
    key: string;
    failures: number;
    window_start: string;
    locked_until: string | null;
  };
  /** The last signature counter seen per passkey (WebAuthn §6.1.1), to notice a clone. */
  passkey_counters: { credential_id: string; counter: number; last_used_at: string };
};

export type SessionMethod = 'password' | 'passkey';
export type ChallengePurpose = 'passkey-login' | 'passkey-register' | 'ssh-login';

// ---------------------------------------------------------------------------------------------
// The HTTP API's shapes (/api/auth/…). Self-contained (zod and @allmende/protocol only), so
// that they can move to packages/protocol when the CLI and the web app want to share them.

/** The signed-in member, and the token that unsafe requests with the session cookie must send. */
export const SessionInfo = z.object({ handle: Handle, name: z.string(), csrfToken: z.string() });
export type SessionInfo = z.infer<typeof SessionInfo>;

/** What people type into the handle field: normalised by the server (NFKC, lower case). */
const HandleInput = z.string().min(1).max(64);
const Password = z.string().min(1).max(1024);

export const PasswordLogin = z.strictObject({ handle: HandleInput, password: Password });
export const PasswordChange = z.strictObject({
  password: Password,
  /** Needed when a password is set and the session was opened with it. */
  currentPassword: Password.optional(),
});

const Base64Url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, { message: 'expected unpadded base64url' });

/** PublicKeyCredential#toJSON() of navigator.credentials.get() (WebAuthn §5.1.8). */
export const AuthenticationResponse = z.object({
  id: Base64Url(1400),
  rawId: Base64Url(1400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url(8192),
    authenticatorData: Base64Url(8192),
    signature: Base64Url(2048),
    userHandle: Base64Url(128).optional(),
  }),
  // Sign-in asks for no extensions, so their outputs are dropped.
  clientExtensionResults: z.object({}).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** PublicKeyCredential#toJSON() of navigator.credentials.create() (WebAuthn §5.1.8). */
export const RegistrationResponse = z.object({
  id: Base64Url(1400),
  rawId: Base64Url(1400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url(8192),
    attestationObject: Base64Url(16384),
  }),
  clientExtensionResults: z.object({}).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export const PasskeyLogin = z.strictObject({ response: AuthenticationResponse });

/** A candidate holding an invitation registers a passkey before the cooperative admits them. */
export const CandidateRegistration = z.strictObject({
  invitation: z.string().min(1).max(200),
  handle: HandleInput,
  name: DisplayName,
});
export type CandidateRegistration = z.infer<typeof CandidateRegistration>;
/** Empty (or no body) for the signed-in member; the candidate's details otherwise. */
export const RegistrationOptionsRequest = z
  .union([CandidateRegistration, z.strictObject({})])
  .optional();

export const PasskeyRegistration = z.strictObject({
  response: RegistrationResponse,
  label: humanText(64, 'a passkey label').optional(),
});
export const RegisteredPasskey = z.object({ key: MemberKey });

/** generateAuthenticationOptions() / generateRegistrationOptions() of @simplewebauthn/server. */
export const LoginOptions = z.looseObject({ challenge: z.string(), rpId: z.string().optional() });
export const RegistrationOptions = z.looseObject({
  challenge: z.string(),
  rp: z.object({ id: z.string().optional(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
});

export const SshChallengeRequest = z.strictObject({ handle: HandleInput });
export const SshChallenge = z.object({
  /** 32 random bytes, base64url: sign utf8(nonce) with `ssh-keygen -Y sign -n <namespace>`. */
  nonce: z.string(),
  /** `allmende-login:<origin>`, never valid for statements. */
  namespace: z.string(),
  expiresAt: z.string(),
});
export const SshTokenRequest = z.strictObject({
  handle: HandleInput,
  nonce: z.string().min(1).max(100),
  signature: z.string().min(1).max(8192),
  label: humanText(100, 'a token label').default(''),
});
/** The API token, shown this once: `Authorization: Bearer <token>`. */
export const IssuedToken = z.object({ token: z.string(), id: z.string() });

export const TokenInfo = z.object({
  id: z.string(),
  label: z.string(),
  keyId: KeyId,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;
export const TokenList = z.object({ tokens: z.array(TokenInfo) });
export const TokenParams = z.object({ id: z.string().min(1).max(64) });
