import {
  DeskInfo,
  NotificationSettings,
  PendingTicket,
  ServiceDesk,
  Ticket,
  TicketList,
  Timeline,
  TimelineItem,
  type NewComment,
  type NewTicket,
  type TicketChanges,
  type TicketStatus,
  type VisitorTicket,
} from '@allmende/protocol';
import { requestJson } from './client.ts';

// The help desk's API (the contract's /api/tickets): reads are public, with a private ticket's
// content left out for those who may not see it; writes need a signed-in member.

/** Which tickets a list shows: whose, of which service, in which status. */
export type TicketFilter = {
  view: 'all' | 'mine' | 'queue' | 'unassigned';
  service?: string | undefined;
  status?: TicketStatus | undefined;
  before?: number | undefined;
  limit?: number;
};

export function fetchTickets(filter: TicketFilter, signal?: AbortSignal): Promise<TicketList> {
  const params = new URLSearchParams({ limit: String(filter.limit ?? 50) });
  if (filter.view !== 'all') params.set(filter.view, '1');
  if (filter.service) params.set('service', filter.service);
  if (filter.status) params.set('status', filter.status);
  if (filter.before !== undefined) params.set('before', String(filter.before));
  return requestJson(`/api/tickets?${params}`, TicketList, { signal });
}

export function fetchTicket(id: number, signal?: AbortSignal): Promise<Ticket> {
  return requestJson(`/api/tickets/${id}`, Ticket, { signal });
}

export function fetchTimeline(id: number, signal?: AbortSignal): Promise<Timeline> {
  return requestJson(`/api/tickets/${id}/timeline`, Timeline, { signal });
}

export function openTicket(ticket: NewTicket): Promise<Ticket> {
  return requestJson('/api/tickets', Ticket, { method: 'POST', body: ticket });
}

export function changeTicket(id: number, changes: TicketChanges): Promise<Ticket> {
  return requestJson(`/api/tickets/${id}`, Ticket, { method: 'PATCH', body: changes });
}

export function commentOn(id: number, comment: NewComment): Promise<TimelineItem> {
  return requestJson(`/api/tickets/${id}/comments`, TimelineItem, {
    method: 'POST',
    body: comment,
  });
}

export function watchTicket(id: number, watch: boolean): Promise<Ticket> {
  return requestJson(`/api/tickets/${id}/watchers`, Ticket, { method: 'POST', body: { watch } });
}

export function fetchServiceDesk(slug: string, signal?: AbortSignal): Promise<ServiceDesk> {
  return requestJson(`/api/services/${encodeURIComponent(slug)}/desk`, ServiceDesk, { signal });
}

/** The desk's mail address, and whether it takes and sends mail. */
export function fetchDeskInfo(signal?: AbortSignal): Promise<DeskInfo> {
  return requestJson('/api/desk', DeskInfo, { signal });
}

/** A visitor's ticket: it opens once the visitor follows the link mailed to them. */
export function askForTicket(ticket: VisitorTicket): Promise<PendingTicket> {
  return requestJson('/api/tickets/pending', PendingTicket, { method: 'POST', body: ticket });
}

export function confirmTicket(code: string): Promise<Ticket> {
  return requestJson('/api/tickets/confirmations', Ticket, { method: 'POST', body: { code } });
}

export function attachmentPath(ticket: number, attachment: number): string {
  return `/api/tickets/${ticket}/attachments/${attachment}`;
}

export function fetchNotificationSettings(signal?: AbortSignal): Promise<NotificationSettings> {
  return requestJson('/api/desk/notifications', NotificationSettings, { signal });
}

export function saveNotificationSettings(
  settings: NotificationSettings,
): Promise<NotificationSettings> {
  return requestJson('/api/desk/notifications', NotificationSettings, {
    method: 'PUT',
    body: settings,
  });
}
