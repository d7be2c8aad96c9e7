// @allmende/agent: what runs on a cooperative host — enrolment, the session recorder,
// attestation. The CLI's `allmende agent …` commands are these.
export { AGENT_COMMANDS, runAgent, type AgentCommand, type AgentValues } from './main.ts';
export { AgentError, type AgentErrorCode } from './agent-error.ts';
export { enroll, refreshKrl, RECORDER_SCRIPT, type EnrolOptions } from './enroll.ts';
export { attest, collectAttestation } from './attest.ts';
