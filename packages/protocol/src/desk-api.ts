import { z } from 'zod';
import { Handle, ServiceSlug, humanText } from './coop.ts';
import { Email } from './coop-api.ts';
import { MAX_TICKET_TITLE_CHARS } from './statement.ts';

/**
 * JSON shapes of the help desk's API: tickets, their comments and timeline, and a service's
 * public desk. A private ticket shows everyone it exists (its number, status, service, times);
 * its content only to the requester, the service's stewards and the oversight group — fields
 * they may not see are null and `redacted` is true.
 */

/** The largest ticket or comment body, in UTF-8 bytes. */
export const MAX_TICKET_BODY_BYTES = 64 * 1024;
export const MAX_TICKET_LABELS = 20;

export const TicketId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const TicketStatus = z.enum(['new', 'open', 'waiting', 'resolved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPriority>;
export const TicketLabel = z.string().regex(/^[a-z0-9-]{1,40}$/, {
  message: 'a label is 1 to 40 lowercase letters, digits or "-"',
});
export const TicketLabels = z
  .array(TicketLabel)
  .max(MAX_TICKET_LABELS, { message: `a ticket has at most ${MAX_TICKET_LABELS} labels` })
  .refine((labels) => new Set(labels).size === labels.length, {
    message: 'a label appears once',
  });

export const TicketTitle = humanText(MAX_TICKET_TITLE_CHARS, 'a title').regex(/\S/, {
  message: 'a ticket needs a title',
});

/** Markdown; bounded in bytes, as the log bounds statements. */
export const TicketBody = humanText(MAX_TICKET_BODY_BYTES, 'a body').refine(
  (text) => new TextEncoder().encode(text).length <= MAX_TICKET_BODY_BYTES,
  { message: `a body is at most ${MAX_TICKET_BODY_BYTES} bytes of UTF-8` },
);

export const NewTicket = z.strictObject({
  title: TicketTitle,
  body: TicketBody.default(''),
  service: ServiceSlug.nullable().default(null),
  private: z.boolean().default(false),
  priority: TicketPriority.default('normal'),
  labels: TicketLabels.default([]),
});
export type NewTicket = z.input<typeof NewTicket>;

export const TicketChanges = z
  .strictObject({
    status: TicketStatus,
    priority: TicketPriority,
    labels: TicketLabels,
    private: z.boolean(),
    service: ServiceSlug.nullable(),
    /** Take the ticket (one's own handle), give it to another steward, or null: back to routing. */
    assignee: Handle.nullable(),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'a change changes something' });
export type TicketChanges = z.infer<typeof TicketChanges>;

export const Ticket = z.object({
  id: z.number().int(),
  /** Null where the viewer may not see a private ticket's content. */
  title: z.string().nullable(),
  body: z.string().nullable(),
  /** A member, a visitor's e-mail address, or `host:<name>` (a host's attestation reported it). */
  requester: z.union([Handle, Email, z.string().regex(/^host:[a-z0-9.-]{1,253}$/)]).nullable(),
  labels: z.array(z.string()).nullable(),
  watchers: z.array(Handle).nullable(),
  service: ServiceSlug.nullable(),
  status: TicketStatus,
  priority: TicketPriority,
  /** Who answers: whoever took it, else the service's steward (a deputy while they are away). */
  assignee: Handle.nullable(),
  /** Whether the assignee took it, rather than routing chose them. */
  taken: z.boolean(),
  private: z.boolean(),
  redacted: z.boolean(),
  comments: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  firstAnswerAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** The log entries of its opening and (latest) closing. */
  openedIndex: z.number().int(),
  closedIndex: z.number().int().nullable(),
});
export type Ticket = z.infer<typeof Ticket>;
export const TicketList = z.object({
  tickets: z.array(Ticket),
  /** Pass as `before` for the next page; null on the last. */
  next: z.number().int().nullable(),
});
export type TicketList = z.infer<typeof TicketList>;

/** A yes/no query parameter: `1` for yes. */
const Switch = z.enum(['0', '1']).optional();

export const TicketQuery = z.object({
  status: TicketStatus.optional(),
  service: ServiceSlug.optional(),
  assignee: Handle.optional(),
  /** Tickets the viewer asked for. */
  mine: Switch,
  /** Tickets of the services the viewer looks after. */
  queue: Switch,
  /** Tickets nobody answers for. */
  unassigned: Switch,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: TicketId.optional(),
});

export const TicketField = z.enum([
  'status',
  'assignee',
  'labels',
  'priority',
  'private',
  'service',
]);
export const TimelineItem = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('comment'),
    id: z.number().int(),
    at: z.string(),
    author: z.union([Handle, Email]).nullable(),
    body: z.string().nullable(),
    private: z.boolean(),
    redacted: z.boolean(),
  }),
  z.object({
    kind: z.literal('event'),
    id: z.number().int(),
    at: z.string(),
    actor: Handle.nullable(),
    field: TicketField,
    /** Labels are listed with ", "; null where the viewer may not see them. */
    from: z.string().nullable(),
    to: z.string().nullable(),
    redacted: z.boolean(),
  }),
]);
export type TimelineItem = z.infer<typeof TimelineItem>;
export const Timeline = z.object({ items: z.array(TimelineItem) });
export type Timeline = z.infer<typeof Timeline>;

export const NewComment = z.strictObject({
  body: TicketBody.refine((text) => /\S/.test(text), { message: 'a comment needs some text' }),
  private: z.boolean().default(false),
});
export type NewComment = z.input<typeof NewComment>;

export const WatchChange = z.strictObject({ watch: z.boolean() });

export const ServiceDesk = z.object({
  service: ServiceSlug,
  responsible: Handle.nullable(),
  /** Tickets not yet resolved or closed, private ones included. */
  open: z.number().int(),
  /** Median seconds to the first answer of tickets opened in the last 90 days; null if none. */
  medianFirstAnswerSeconds: z.number().nullable(),
  answered: z.number().int(),
  /** The open public tickets, newest first. */
  tickets: z.array(Ticket),
});
export type ServiceDesk = z.infer<typeof ServiceDesk>;
