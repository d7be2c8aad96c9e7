import {
  AccessRequest,
  AccessRequestList,
  type AccessStatus,
  type SubmittedStatement,
} from '@allmende/protocol';
import { requestJson } from './client.ts';

// The access API (/api/access): requests for privileged access to a host, public as the log is.
// Approvals, denials and withdrawals are statements the member signs; no session is needed.

export type AccessFilter = { open?: boolean; status?: AccessStatus; ticket?: number };

export function fetchAccessRequests(
  filter: AccessFilter,
  signal?: AbortSignal,
): Promise<AccessRequestList> {
  const params = new URLSearchParams({ limit: '200' });
  if (filter.open) params.set('open', '1');
  if (filter.status) params.set('status', filter.status);
  if (filter.ticket !== undefined) params.set('ticket', String(filter.ticket));
  return requestJson(`/api/access/requests?${params}`, AccessRequestList, { signal });
}

export function fetchAccessRequest(id: number, signal?: AbortSignal): Promise<AccessRequest> {
  return requestJson(`/api/access/requests/${id}`, AccessRequest, { signal });
}

export type AccessAnswer = 'approvals' | 'denial' | 'withdrawal';

/** Sends a signed access.approved, access.denied or access.withdrawn statement. */
export function answerAccessRequest(
  id: number,
  answer: AccessAnswer,
  statement: SubmittedStatement,
): Promise<AccessRequest> {
  return requestJson(`/api/access/requests/${id}/${answer}`, AccessRequest, {
    method: 'POST',
    body: statement,
  });
}
