import { Handle, MemberKey } from '@allmende/protocol';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { z } from 'zod';
import { ApiError, requestJson, requestNothing, setCsrfToken } from './client.ts';

// Sign-in (the contract's /api/auth): sessions for the web, passkey ceremonies, passwords and
// API tokens.

export const Session = z.object({ handle: Handle, name: z.string(), csrfToken: z.string() });
export type Session = z.infer<typeof Session>;

/**
 * The WebAuthn options come from @simplewebauthn/server; the browser checks them itself when
 * the ceremony starts, so only their outline is checked here.
 */
const CreationOptions = z.looseObject({
  challenge: z.string(),
  rp: z.looseObject({ name: z.string() }),
  user: z.looseObject({ id: z.string(), name: z.string() }),
  pubKeyCredParams: z.array(z.looseObject({})),
});
const RequestOptions = z.looseObject({ challenge: z.string() });

export const TokenInfo = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

/** The signed-in member, or null when nobody is signed in. */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return remember(await requestJson('/api/auth/session', Session, { signal }));
  } catch (error) {
    if (
      error instanceof ApiError &&
      error.failure.kind === 'http' &&
      error.failure.status === 401
    ) {
      setCsrfToken(undefined);
      return null;
    }
    throw error;
  }
}

export async function passkeyLoginOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await requestJson('/api/auth/passkey/login-options', RequestOptions, {
    method: 'POST',
    body: {},
  });
  return options;
}

export async function passkeyLogin(response: AuthenticationResponseJSON): Promise<Session> {
  return remember(
    await requestJson('/api/auth/passkey/login', Session, { method: 'POST', body: { response } }),
  );
}

export async function passwordLogin(handle: string, password: string): Promise<Session> {
  return remember(
    await requestJson('/api/auth/password/login', Session, {
      method: 'POST',
      body: { handle, password },
    }),
  );
}

export function setPassword(password: string, currentPassword?: string): Promise<void> {
  return requestNothing('/api/auth/password', {
    method: 'PUT',
    body: currentPassword ? { password, currentPassword } : { password },
  });
}

export async function logout(): Promise<void> {
  await requestNothing('/api/auth/logout', { method: 'POST' });
  setCsrfToken(undefined);
}

export async function logoutEverywhere(): Promise<void> {
  await requestNothing('/api/auth/logout-everywhere', { method: 'POST' });
  setCsrfToken(undefined);
}

/** For the signed-in member, or (with `candidate`) for someone answering an invitation. */
export async function registrationOptions(candidate?: {
  invitation: string;
  handle: string;
  name: string;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await requestJson('/api/auth/passkey/registration-options', CreationOptions, {
    method: 'POST',
    body: candidate ?? {},
  });
  return options as unknown as PublicKeyCredentialCreationOptionsJSON;
}

const Registered = z.object({ key: MemberKey });

/**
 * The new passkey as the log will record it (with its label, if given); usable once a statement
 * adds it.
 */
export async function registerPasskey(
  response: RegistrationResponseJSON,
  label?: string,
): Promise<MemberKey> {
  const { key } = await requestJson('/api/auth/passkey/registration', Registered, {
    method: 'POST',
    body: label ? { response, label } : { response },
  });
  return key;
}

export async function fetchTokens(signal?: AbortSignal): Promise<TokenInfo[]> {
  const { tokens } = await requestJson(
    '/api/auth/tokens',
    z.object({ tokens: z.array(TokenInfo) }),
    { signal },
  );
  return tokens;
}

export function revokeToken(id: string): Promise<void> {
  return requestNothing(`/api/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
