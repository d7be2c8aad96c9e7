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

const ticketFields = {
  title: TicketTitle,
  body: TicketBody.default(''),
  service: ServiceSlug.nullable().default(null),
  private: z.boolean().default(false),
  priority: TicketPriority.default('normal'),
  labels: TicketLabels.default([]),
};
export const NewTicket = z.strictObject(ticketFields);
export type NewTicket = z.input<typeof NewTicket>;

/**
 * A visitor's ticket: the same fields and an e-mail address, which the visitor confirms by the
 * link mailed to it before the ticket opens. Labels are for the stewards to set.
 */
export const VisitorTicket = z.strictObject({
  ...ticketFields,
  labels: z.tuple([]).default([]),
  email: Email,
});
export type VisitorTicket = z.input<typeof VisitorTicket>;

/** What a visitor's ticket answers until its address is confirmed. */
export const PendingTicket = z.object({
  pending: z.literal(true),
  email: Email,
  /** When the mailed link stops working. */
  expiresAt: z.string(),
});
export type PendingTicket = z.infer<typeof PendingTicket>;

/** The code from the mailed link. */
export const TicketConfirmation = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, { message: 'not a confirmation code' }),
});

/** A file that came with a ticket or a comment (by mail); its bytes are at `…/attachments/{id}`. */
export const TicketAttachment = z.object({
  id: z.number().int(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
});
export type TicketAttachment = z.infer<typeof TicketAttachment>;

/** How a ticket or comment reached the desk. */
export const Channel = z.enum(['web', 'mail']);
export type Channel = z.infer<typeof Channel>;

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
  /**
   * A member's handle, a visitor's address (shown to members only), or `host:<name>` (a host's
   * attestation reported it).
   */
  requester: z.union([Handle, Email, z.string().regex(/^host:[a-z0-9.-]{1,253}$/)]).nullable(),
  /** Whether a visitor (someone without an account) asked. */
  visitor: z.boolean(),
  via: Channel,
  /** Files that came with the request; null where the viewer may not see its content. */
  attachments: z.array(TicketAttachment).nullable(),
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
    /** A member's handle, or a visitor's address (shown to members only). */
    author: z.union([Handle, Email]).nullable(),
    visitor: z.boolean(),
    via: Channel,
    body: z.string().nullable(),
    attachments: z.array(TicketAttachment).nullable(),
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

/** Which mail a member wants from the desk. */
export const NotificationSettings = z.strictObject({
  /** New tickets for the services the member looks after (or stands in for). */
  queue: z.boolean(),
  /** Answers and changes on tickets the member asked, watches or answers for. */
  updates: z.boolean(),
  /** A copy of what the member writes, too. */
  own: z.boolean(),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  queue: true,
  updates: true,
  own: false,
};

/** A mail the desk received, as the oversight group sees its inbox. */
export const InboxMail = z.object({
  id: z.number().int(),
  receivedAt: z.string(),
  recipient: z.string(),
  sender: z.string(),
  subject: z.string(),
  size: z.number().int(),
  /** What became of it: a new ticket, a comment, or nothing (and why). */
  outcome: z.enum(['pending', 'ticket', 'comment', 'ignored', 'throttled', 'duplicate']),
  ticket: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type InboxMail = z.infer<typeof InboxMail>;
export const InboxList = z.object({ mails: z.array(InboxMail) });

/** How to reach the desk besides the web: its address, and whether mail goes in and out. */
export const DeskInfo = z.object({
  /** The help address, e.g. help@coop.example; each service also has <slug>@ its domain. */
  help: z.string(),
  domain: z.string(),
  /** Whether the desk takes mail (its SMTP intake runs). */
  mailIn: z.boolean(),
  /** Whether the desk sends mail: notifications, and visitors' confirmation links. */
  mailOut: z.boolean(),
});
export type DeskInfo = z.infer<typeof DeskInfo>;

export const InboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
