import { ErrorBody } from '@allmende/protocol';
import { z } from 'zod';
import { sshSign, type TestMember } from '../../../test/support/members.ts';

/** What the API answered: the status, and the body as JSON (undefined when empty). */
export type Reply = { status: number; body: unknown };

/** A JSON request to the API, as a member's token if one is given. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { json?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export const errorOf = (reply: { body: unknown }) => ErrorBody.parse(reply.body).error;

/** Signs in as the CLI does: an SSHSIG over the server's nonce, in the login namespace. */
export async function signIn(baseUrl: string, member: TestMember): Promise<string> {
  const challenge = z.object({ nonce: z.string(), namespace: z.string() }).parse(
    (
      await request(baseUrl, 'POST', '/api/auth/ssh/challenge', {
        json: { handle: member.handle },
      })
    ).body,
  );
  const signature = await sshSign(
    member,
    new TextEncoder().encode(challenge.nonce),
    challenge.namespace,
  );
  const issued = await request(baseUrl, 'POST', '/api/auth/ssh/token', {
    json: { handle: member.handle, nonce: challenge.nonce, signature, label: 'test' },
  });
  return z.object({ token: z.string() }).parse(issued.body).token;
}
