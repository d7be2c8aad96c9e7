/** Why the agent or the recorder stopped. */
export const AGENT_ERROR_CODES = [
  'AGENT_NOT_ENROLLED',
  'AGENT_BAD_INPUT',
  'AGENT_SSHD_CHECK_FAILED',
  'AGENT_SERVER_UNREACHABLE',
  'AGENT_SERVER_REFUSED',
  'AGENT_BAD_REPLY',
] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];

export class AgentError extends Error {
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentError';
    this.code = code;
  }
}
