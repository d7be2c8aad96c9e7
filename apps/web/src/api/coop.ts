import {
  CoopInfo,
  CreatedInvitation,
  HostList,
  InvitationCheck,
  InvitationList,
  MemberInfo,
  MemberList,
  PolicyInfo,
  Proposal,
  ProposalList,
  ServiceInfo,
  ServiceList,
  type StatementSignature,
  type SubmittedStatement,
} from '@allmende/protocol';
import { requestJson, requestNothing } from './client.ts';

// The cooperative's API (the shared contract): reads are public, writes carry their consent in
// signatures. Path segments come from the address bar, so they are always encoded.

const segment = encodeURIComponent;

export function fetchCoop(signal?: AbortSignal): Promise<CoopInfo> {
  return requestJson('/api/coop', CoopInfo, { signal });
}

export function fetchMembers(signal?: AbortSignal) {
  return requestJson('/api/members', MemberList, { signal });
}

export function fetchMember(handle: string, signal?: AbortSignal): Promise<MemberInfo> {
  return requestJson(`/api/members/${segment(handle)}`, MemberInfo, { signal });
}

export function fetchServices(signal?: AbortSignal) {
  return requestJson('/api/services', ServiceList, { signal });
}

export function fetchService(slug: string, signal?: AbortSignal): Promise<ServiceInfo> {
  return requestJson(`/api/services/${segment(slug)}`, ServiceInfo, { signal });
}

export function fetchHosts(signal?: AbortSignal) {
  return requestJson('/api/hosts', HostList, { signal });
}

export function fetchPolicies(signal?: AbortSignal): Promise<PolicyInfo> {
  return requestJson('/api/policies', PolicyInfo, { signal });
}

export function fetchProposals(all: boolean, signal?: AbortSignal) {
  return requestJson(all ? '/api/proposals?status=all' : '/api/proposals', ProposalList, {
    signal,
  });
}

export function fetchProposal(id: string, signal?: AbortSignal): Promise<Proposal> {
  return requestJson(`/api/proposals/${segment(id)}`, Proposal, { signal });
}

/** Proposes a signed statement; the server logs it at once if its signatures suffice. */
export function submitProposal(statement: SubmittedStatement, email?: string): Promise<Proposal> {
  return requestJson('/api/proposals', Proposal, {
    method: 'POST',
    body: email === undefined ? { statement } : { statement, email },
  });
}

export function addSignature(id: string, signature: StatementSignature): Promise<Proposal> {
  return requestJson(`/api/proposals/${segment(id)}/signatures`, Proposal, {
    method: 'POST',
    body: { signature },
  });
}

/** Withdraws an open proposal; only its actor may. */
export function withdrawProposal(id: string): Promise<Proposal> {
  return requestJson(`/api/proposals/${segment(id)}`, Proposal, { method: 'DELETE' });
}

export function createInvitation(note: string): Promise<CreatedInvitation> {
  return requestJson('/api/invitations', CreatedInvitation, { method: 'POST', body: { note } });
}

export function fetchInvitations(signal?: AbortSignal) {
  return requestJson('/api/invitations', InvitationList, { signal });
}

export function withdrawInvitation(id: string): Promise<void> {
  return requestNothing(`/api/invitations/${segment(id)}`, { method: 'DELETE' });
}

export function checkInvitation(code: string, signal?: AbortSignal) {
  return requestJson(`/api/invitations/${segment(code)}`, InvitationCheck, { signal });
}
