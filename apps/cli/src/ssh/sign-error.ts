/** Why signing with the member's SSH key failed. */
export const SSH_SIGN_ERROR_CODES = [
  /** The message, namespace or key option given is unusable. */
  'SSH_SIGN_BAD_ARGUMENT',
  /** No SSH agent is configured, or its socket cannot be reached. */
  'SSH_SIGN_AGENT_UNAVAILABLE',
  /** The agent did not answer in time. */
  'SSH_SIGN_AGENT_TIMEOUT',
  /** The agent answered SSH_AGENT_FAILURE. */
  'SSH_SIGN_AGENT_REFUSED',
  /** The agent's reply was malformed, oversized, unexpected or cut off. */
  'SSH_SIGN_AGENT_BAD_REPLY',
  /** No key fits: none in the agent, or not the one named. */
  'SSH_SIGN_NO_KEY',
  /** Several keys fit and none was named. */
  'SSH_SIGN_AMBIGUOUS_KEY',
  /** The key file named is missing, unreadable, malformed or not ssh-ed25519. */
  'SSH_SIGN_BAD_KEY',
  /** `ssh-keygen -Y sign` could not be run or failed. */
  'SSH_SIGN_KEYGEN_FAILED',
  /** The signature made does not verify; it is never handed out. */
  'SSH_SIGN_BAD_SIGNATURE',
] as const;

export type SshSignErrorCode = (typeof SSH_SIGN_ERROR_CODES)[number];

/** The one error of the SSH signing code; `message` is meant for the member running the CLI. */
export class SshSignError extends Error {
  readonly code: SshSignErrorCode;

  constructor(code: SshSignErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshSignError';
    this.code = code;
  }
}
