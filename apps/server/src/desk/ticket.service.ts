import { encodeHex, encodeUtf8 } from '@allmende/bytes';
import {
  canonicalize,
  type Channel,
  type NewComment,
  type NewTicket,
  type ServiceDesk,
  type StatementDraft,
  type Ticket,
  type TicketAttachment,
  type TicketChanges,
  type TicketList,
  type TicketStatus,
  type TicketQuery,
  type TimelineItem,
} from '@allmende/protocol';
import {
  activeMember,
  lookup,
  oversightGroup,
  responsibleFor,
  type CoopState,
  type ServiceRecord,
} from '@allmende/rules';
import { sha256 } from '@allmende/tlog';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import type { LogService } from '../log/log.service.ts';
import type {
  AttachmentRow,
  Executor,
  NewAttachment,
  NewTicketItem,
  TicketFilter,
  TicketItemRow,
  TicketRepository,
  TicketRow,
  TicketUpdate,
} from './ticket.repo.ts';

/** Who asks: a member's handle, a visitor's address (their own ticket), or nobody (the public). */
export type Viewer = string | undefined;

/** Visitors are known by their e-mail address; no handle holds an "@". */
export const isVisitor = (author: string): boolean => author.includes('@');

/** What else a write carries besides the ticket or comment itself. */
export type WriteExtras = {
  via?: Channel;
  attachments?: readonly NewAttachment[];
  /**
   * The caller's own work in the same transaction, after the ticket (and comment) are written:
   * a mail's thread and inbox row, a confirmation used up. If it throws, nothing is written.
   */
  within?: (trx: Executor, written: { ticket: number; item: number | undefined }) => Promise<void>;
};

/** What the desk needs of the cooperative: its state, for routing and privacy. */
export type CoopView = { readonly state: Readonly<CoopState> };

export type TicketServiceOptions = {
  repo: TicketRepository;
  coop: CoopView;
  log: LogService;
  now?: () => Date;
  /** Told after every write that commits (the notifier reads the timeline from there). */
  onWrite?: () => void;
};

type NewTicketInput = z.output<typeof NewTicket>;
type NewCommentInput = z.output<typeof NewComment>;
type TicketListQuery = z.output<typeof TicketQuery>;

const ACTIVE: readonly TicketStatus[] = ['new', 'open', 'waiting'];
const DONE: readonly TicketStatus[] = ['resolved', 'closed'];

/** Where a ticket may go from each status; reopening a finished ticket makes it open. */
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'waiting', 'resolved', 'closed'],
  open: ['waiting', 'resolved', 'closed'],
  waiting: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

const ANSWER_WINDOW_DAYS = 90;

/**
 * The help desk: tickets, routed to the steward of their service, with one timeline of comments
 * and events each. Public by default; a private ticket or comment shows its content only to
 * those `canSeePrivate` names. Opening and closing are statements in the public log, committed
 * together with the ticket — with a digest of the text, and the title only for public tickets.
 */
export class TicketService {
  readonly #repo: TicketRepository;
  readonly #coop: CoopView;
  readonly #log: LogService;
  readonly #now: () => Date;
  readonly #onWrite: () => void;
  #lastId: number;
  #turn: Promise<unknown> = Promise.resolve();

  private constructor(options: TicketServiceOptions, lastId: number) {
    this.#repo = options.repo;
    this.#coop = options.coop;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#onWrite = options.onWrite ?? (() => {});
    this.#lastId = lastId;
  }

  static async open(options: TicketServiceOptions): Promise<TicketService> {
    return new TicketService(options, await options.repo.lastId());
  }

  /**
   * Whether `viewer` may read a private ticket's content (and the private comments of any
   * ticket): its requester, the stewards and deputies of its service, and the oversight group.
   */
  canSeePrivate(viewer: Viewer, ticket: Pick<TicketRow, 'requester' | 'service'>): boolean {
    if (viewer === undefined) return false;
    if (viewer === ticket.requester) return true;
    const state = this.#coop.state;
    if (!activeMember(state, viewer)) return false;
    return this.#isSteward(viewer, ticket.service) || oversightGroup(state).includes(viewer);
  }

  /** The services whose private tickets `viewer` may read: those they look after. */
  privateServicesOf(viewer: string): string[] {
    return Object.values(this.#coop.state.services)
      .map((s) => s.slug)
      .filter((service) => this.canSeePrivate(viewer, { requester: '', service }));
  }

  /**
   * Whether `author` may comment on ticket `id`: a visitor on their own ticket; a member on a
   * public one, or on a private one they may see.
   */
  async mayAnswer(author: string, id: number): Promise<boolean> {
    const row = await this.#repo.ticket(id);
    if (!row) return false;
    if (isVisitor(author)) return author === row.requester;
    if (!activeMember(this.#coop.state, author)) return false;
    return !row.private || this.canSeePrivate(author, row);
  }

  // --- Writes ---------------------------------------------------------------------------------

  /**
   * Opens a ticket for a member, or for a visitor whose address the caller has confirmed (a
   * mailed link, or the mail itself); its row and its `ticket.opened` statement commit together.
   * @throws AppError FORBIDDEN, DESK_UNKNOWN_SERVICE
   */
  openTicket(requester: string, input: NewTicketInput, extras: WriteExtras = {}): Promise<Ticket> {
    if (!isVisitor(requester)) this.#requireMember(requester);
    if (input.service !== null) this.#serviceRecord(input.service);
    return this.#open(requester, input, extras);
  }

  /**
   * Opens a private ticket for the oversight group on behalf of a host (its attestation found a
   * change that no recorded session explains); the requester is `host:<name>`.
   */
  async reportForHost(host: string, title: string, body: string): Promise<Ticket> {
    return this.#open(
      `host:${host}`,
      {
        title,
        body,
        service: null,
        private: true,
        priority: 'high',
        labels: ['attestation'],
      },
      {},
    );
  }

  #open(requester: string, input: NewTicketInput, extras: WriteExtras): Promise<Ticket> {
    return this.#exclusive(async () => {
      // Another server process may have opened tickets too (PostgreSQL).
      const id = Math.max(this.#lastId, await this.#repo.lastId()) + 1;
      const at = this.#now().toISOString();
      const digest = encodeHex(
        sha256(encodeUtf8(canonicalize({ title: input.title, body: input.body }))),
      );
      const draft: StatementDraft = {
        actor: 'coop',
        type: 'ticket.opened',
        body: {
          ticket: id,
          service: input.service,
          private: input.private,
          digest,
          ...(!input.private && { title: input.title }),
        },
      };
      let row: TicketRow | undefined;
      await this.#log.append(draft, async (trx, index) => {
        row = {
          id,
          title: input.title,
          body: input.body,
          service: input.service,
          requester,
          status: 'new',
          priority: input.priority,
          labels: JSON.stringify(input.labels),
          private: input.private ? 1 : 0,
          assignee: null,
          created_at: at,
          updated_at: at,
          first_answer_at: null,
          closed_at: null,
          opened_idx: index,
          closed_idx: null,
          via: extras.via ?? 'web',
        };
        // Members watch what they asked; visitors and hosts hear of it otherwise, or not at all.
        const watchers = isVisitor(requester) || requester.startsWith('host:') ? [] : [requester];
        await this.#repo.insertTicket(trx, row, watchers);
        await this.#repo.insertAttachments(trx, id, null, extras.attachments ?? []);
        await extras.within?.(trx, { ticket: id, item: undefined });
      });
      this.#lastId = id;
      this.#onWrite();
      if (!row) throw new AppError('INTERNAL', 'the ticket was not stored');
      return this.#viewOne(requester, row);
    });
  }

  /**
   * Changes a ticket: its requester may close, resolve or reopen it and make it private or
   * public; its service's stewards and deputies and the oversight group may change anything.
   * Finishing a ticket writes `ticket.closed` to the log in the same transaction.
   * @throws AppError DESK_TICKET_NOT_FOUND, DESK_NOT_ALLOWED, DESK_BAD_TRANSITION,
   *   DESK_UNKNOWN_SERVICE, DESK_BAD_ASSIGNEE
   */
  update(viewer: string, id: number, changes: TicketChanges): Promise<Ticket> {
    return this.#exclusive(async () => {
      const row = await this.#ticketRow(id);
      const handler = this.#mayHandle(viewer, row);
      const requester = viewer === row.requester && !!activeMember(this.#coop.state, viewer);
      if (!handler && !requester) {
        throw new AppError(
          'DESK_NOT_ALLOWED',
          `only the requester, the stewards of its service and the oversight group change ticket ${id}`,
        );
      }
      if (!handler) {
        const others = Object.keys(changes).filter((k) => k !== 'status' && k !== 'private');
        if (others.length > 0) {
          throw new AppError(
            'DESK_NOT_ALLOWED',
            `the requester can close, resolve, reopen or make private a ticket; ${others.join(', ')} are for the stewards of its service`,
          );
        }
        if (changes.status !== undefined && !['open', ...DONE].includes(changes.status)) {
          throw new AppError(
            'DESK_NOT_ALLOWED',
            `the requester can close, resolve or reopen a ticket, not set it ${changes.status}`,
          );
        }
        // A ticket its stewards closed (spam, a duplicate) stays closed; a resolved one the
        // requester may reopen when the solution does not hold.
        if (changes.status === 'open' && row.status === 'closed') {
          const closer = (await this.#repo.items(id))
            .filter((i) => i.kind === 'event' && i.field === 'status')
            .at(-1)?.author;
          if (closer !== undefined && closer !== viewer) {
            throw new AppError(
              'DESK_NOT_ALLOWED',
              `${closer ?? 'a steward'} closed ticket ${id}; only its stewards reopen it — open a new ticket, or ask them`,
            );
          }
        }
      }
      const at = this.#now().toISOString();
      const update: TicketUpdate = {};
      const items: NewTicketItem[] = [];
      const event = (field: string, from: string | null, to: string | null) =>
        items.push({
          kind: 'event',
          at,
          author: viewer,
          private: 0,
          field,
          from_value: from,
          to_value: to,
          via: 'web',
        });
      const status = row.status as TicketStatus;
      if (changes.status !== undefined && changes.status !== status) {
        if (!TRANSITIONS[status].includes(changes.status)) {
          throw new AppError(
            'DESK_BAD_TRANSITION',
            `a ${status} ticket cannot become ${changes.status}; it can become ${TRANSITIONS[status].join(', ')}`,
          );
        }
        update.status = changes.status;
        if (DONE.includes(changes.status)) {
          update.closed_at = at;
        } else {
          update.closed_at = null;
        }
        event('status', status, changes.status);
      }
      if (changes.priority !== undefined && changes.priority !== row.priority) {
        update.priority = changes.priority;
        event('priority', row.priority, changes.priority);
      }
      if (changes.labels !== undefined) {
        const before = parseLabels(row.labels);
        if (before.join(',') !== changes.labels.join(',')) {
          update.labels = JSON.stringify(changes.labels);
          event('labels', before.join(', '), changes.labels.join(', '));
        }
      }
      if (changes.private !== undefined && changes.private !== !!row.private) {
        update.private = changes.private ? 1 : 0;
        event('private', String(!!row.private), String(changes.private));
      }
      const before = this.assigneeOf(row);
      let service = row.service;
      if (changes.service !== undefined && changes.service !== row.service) {
        if (changes.service !== null) this.#serviceRecord(changes.service);
        service = changes.service;
        update.service = service;
        // A ticket moved to another service is routed anew, unless someone takes it.
        if (changes.assignee === undefined) update.assignee = null;
        event('service', row.service, service);
      }
      if (changes.assignee !== undefined) {
        const assignee = changes.assignee;
        if (assignee !== null && !this.#mayHandle(assignee, { ...row, service })) {
          throw new AppError(
            'DESK_BAD_ASSIGNEE',
            `${assignee} does not look after ${service ?? 'tickets without a service'}: a ticket goes to a steward or deputy of its service, or to the oversight group`,
          );
        }
        update.assignee = assignee;
      }
      const after = this.assigneeOf({
        assignee: update.assignee === undefined ? row.assignee : update.assignee,
        service,
      });
      if (after !== before) event('assignee', before, after);
      if (items.length === 0) return this.#viewOne(viewer, row);
      update.updated_at = at;
      const finishing =
        update.status !== undefined &&
        DONE.includes(update.status as TicketStatus) &&
        ACTIVE.includes(status);
      if (finishing) {
        const resolution = update.status as 'resolved' | 'closed';
        await this.#log.append(
          { actor: 'coop', type: 'ticket.closed', body: { ticket: id, resolution } },
          async (trx: Executor, index) => {
            await this.#repo.commit(trx, id, { ...update, closed_idx: index }, items);
          },
        );
      } else {
        await this.#repo.commit(undefined, id, update, items);
      }
      this.#onWrite();
      return this.#viewOne(viewer, await this.#ticketRow(id));
    });
  }

  /**
   * Adds a comment. Any member may comment on a public ticket; a private ticket, and a private
   * comment, only those who may see private content; a visitor only on their own ticket.
   * @throws AppError DESK_TICKET_NOT_FOUND, DESK_NOT_ALLOWED, FORBIDDEN
   */
  comment(
    viewer: string,
    id: number,
    input: NewCommentInput,
    extras: WriteExtras = {},
  ): Promise<TimelineItem> {
    if (!isVisitor(viewer)) this.#requireMember(viewer);
    return this.#exclusive(async () => {
      const row = await this.#ticketRow(id);
      if (isVisitor(viewer) && viewer !== row.requester) {
        throw new AppError('DESK_NOT_ALLOWED', `only its requester answers ticket ${id} by mail`);
      }
      const privileged = this.canSeePrivate(viewer, row);
      if ((row.private || input.private) && !privileged) {
        throw new AppError(
          'DESK_NOT_ALLOWED',
          row.private
            ? `ticket ${id} is private: only its requester, the stewards of its service and the oversight group take part`
            : 'only the requester, the stewards of its service and the oversight group write private comments',
        );
      }
      const at = this.#now().toISOString();
      const via = extras.via ?? 'web';
      const items: NewTicketItem[] = [
        {
          kind: 'comment',
          at,
          author: viewer,
          body: input.body,
          private: input.private ? 1 : 0,
          via,
        },
      ];
      const update: TicketUpdate = { updated_at: at };
      const answer = viewer !== row.requester;
      if (answer && row.first_answer_at === null) update.first_answer_at = at;
      const status = row.status as TicketStatus;
      // An answer takes a new ticket up; the requester's reply brings a waiting one back.
      const next =
        answer && status === 'new' ? 'open' : !answer && status === 'waiting' ? 'open' : undefined;
      if (next) {
        update.status = next;
        items.push({
          kind: 'event',
          at,
          author: viewer,
          private: 0,
          field: 'status',
          from_value: status,
          to_value: next,
          via,
        });
      }
      const [itemId] = await this.#repo.commit(undefined, id, update, items, async (trx, ids) => {
        const [comment] = ids;
        await this.#repo.insertAttachments(trx, id, comment ?? null, extras.attachments ?? []);
        await extras.within?.(trx, { ticket: id, item: comment });
      });
      this.#onWrite();
      const item = itemId === undefined ? undefined : await this.#repo.item(itemId);
      if (!item) throw new AppError('INTERNAL', 'the comment was not stored');
      const attachments = await this.#repo.attachments(id);
      return this.#item(viewer, row, item, attachments);
    });
  }

  /** Watches or stops watching a ticket. @throws AppError DESK_TICKET_NOT_FOUND, DESK_NOT_ALLOWED */
  async watch(viewer: string, id: number, watch: boolean): Promise<Ticket> {
    this.#requireMember(viewer);
    const row = await this.#ticketRow(id);
    if (row.private && !this.canSeePrivate(viewer, row)) {
      throw new AppError('DESK_NOT_ALLOWED', `ticket ${id} is private`);
    }
    await this.#repo.setWatching(id, viewer, watch);
    return this.#viewOne(viewer, row);
  }

  // --- Reads ----------------------------------------------------------------------------------

  /** @throws AppError DESK_TICKET_NOT_FOUND */
  async ticket(viewer: Viewer, id: number): Promise<Ticket> {
    return this.#viewOne(viewer, await this.#ticketRow(id));
  }

  /**
   * Tickets, newest first: all, the viewer's own (`mine`), their services' queue (`queue`),
   * those routed to or taken by a member (`assignee`), or nobody's (`unassigned`).
   * @throws AppError UNAUTHORIZED (mine, queue without a viewer), DESK_UNKNOWN_SERVICE
   */
  async list(viewer: Viewer, query: TicketListQuery): Promise<TicketList> {
    const state = this.#coop.state;
    const services = Object.values(state.services);
    const filter: TicketFilter = { limit: query.limit, before: query.before, status: query.status };
    if (query.service !== undefined) {
      this.#serviceRecord(query.service);
      filter.services = [query.service];
    }
    const mine = query.mine === '1';
    const queue = query.queue === '1';
    if (mine || queue) {
      if (viewer === undefined) {
        throw new AppError('UNAUTHORIZED', 'sign in to see your own tickets and queue');
      }
      if (mine) filter.requester = viewer;
      if (queue) {
        const own = services
          .filter((s) => s.stewards.some((st) => st.handle === viewer))
          .map((s) => s.slug);
        filter.services = filter.services ? filter.services.filter((s) => own.includes(s)) : own;
      }
    }
    if (query.assignee !== undefined) {
      const handle = query.assignee;
      filter.assignee = {
        handle,
        routedServices: services
          .filter((s) => responsibleFor(state, s) === handle)
          .map((s) => s.slug),
      };
    }
    if (query.unassigned === '1') {
      filter.unassigned = {
        unroutedServices: services
          .filter((s) => responsibleFor(state, s) === null)
          .map((s) => s.slug),
      };
    }
    const rows = await this.#repo.tickets(filter);
    const tickets = await this.#views(viewer, rows);
    const last = rows.at(-1);
    return { tickets, next: rows.length === query.limit && last ? last.id : null };
  }

  /** The ticket's comments (private ones redacted for those who may not see them). */
  async comments(viewer: Viewer, id: number): Promise<TimelineItem[]> {
    return (await this.timeline(viewer, id)).filter((i) => i.kind === 'comment');
  }

  /** Comments and events of a ticket, in the order they happened. */
  async timeline(viewer: Viewer, id: number): Promise<TimelineItem[]> {
    const row = await this.#ticketRow(id);
    const [items, attachments] = await Promise.all([
      this.#repo.items(id),
      this.#repo.attachments(id),
    ]);
    return items.map((item) => this.#item(viewer, row, item, attachments));
  }

  /**
   * A file that came with a ticket or comment, for those who may see what it came with.
   * @throws AppError DESK_TICKET_NOT_FOUND, DESK_ATTACHMENT_NOT_FOUND
   */
  async attachment(
    viewer: Viewer,
    ticketId: number,
    attachmentId: number,
  ): Promise<{ filename: string; contentType: string; bytes: Uint8Array }> {
    const row = await this.#ticketRow(ticketId);
    const file = await this.#repo.attachmentBytes(ticketId, attachmentId);
    const item = file?.item_id == null ? undefined : await this.#repo.item(Number(file.item_id));
    const hidden = !!row.private || !!item?.private;
    if (!file || (hidden && !this.canSeePrivate(viewer, row))) {
      // The same answer whether it does not exist or is not for this viewer.
      throw new AppError(
        'DESK_ATTACHMENT_NOT_FOUND',
        `ticket ${ticketId} has no attachment ${attachmentId} for you`,
      );
    }
    return { filename: file.filename, contentType: file.content_type, bytes: file.bytes };
  }

  /**
   * A service's public desk: how many tickets are open, the median time to a first answer over
   * the last 90 days, and the open public tickets.
   * @throws AppError NOT_FOUND
   */
  async serviceDesk(viewer: Viewer, slug: string): Promise<ServiceDesk> {
    const service = lookup(this.#coop.state.services, slug);
    if (!service) throw new AppError('NOT_FOUND', `there is no service ${slug}`);
    const since = new Date(this.#now().getTime() - ANSWER_WINDOW_DAYS * 86_400_000).toISOString();
    const times = (await this.#repo.answerTimes(slug, since))
      .map((t) => (Date.parse(t.first_answer_at) - Date.parse(t.created_at)) / 1000)
      .sort((a, b) => a - b);
    return {
      service: slug,
      responsible: responsibleFor(this.#coop.state, service),
      open: await this.#repo.openCount(slug),
      medianFirstAnswerSeconds: median(times),
      answered: times.length,
      tickets: await this.#views(viewer, await this.#repo.openPublic(slug, 100)),
    };
  }

  // --- Views ----------------------------------------------------------------------------------

  async #viewOne(viewer: Viewer, row: TicketRow): Promise<Ticket> {
    const [ticket] = await this.#views(viewer, [row]);
    if (!ticket) throw new AppError('INTERNAL', `ticket ${row.id} has no view`);
    return ticket;
  }

  async #views(viewer: Viewer, rows: readonly TicketRow[]): Promise<Ticket[]> {
    const ids = rows.map((r) => r.id);
    const [watchers, counts, attachments] = await Promise.all([
      this.#repo.watchers(ids),
      this.#repo.commentCounts(ids),
      this.#repo.requestAttachments(ids),
    ]);
    return rows.map((row) =>
      this.#view(viewer, row, {
        watchers: watchers.get(row.id) ?? [],
        comments: counts.get(row.id)?.all ?? 0,
        attachments: attachments.get(row.id) ?? [],
      }),
    );
  }

  #view(
    viewer: Viewer,
    row: TicketRow,
    extra: { watchers: string[]; comments: number; attachments: AttachmentRow[] },
  ): Ticket {
    const visible = !row.private || this.canSeePrivate(viewer, row);
    return {
      id: row.id,
      title: visible ? row.title : null,
      body: visible ? row.body : null,
      requester: visible ? this.#authorFor(viewer, row.requester) : null,
      visitor: isVisitor(row.requester),
      via: row.via as Channel,
      attachments: visible ? extra.attachments.map(attachmentInfo) : null,
      labels: visible ? parseLabels(row.labels) : null,
      watchers: visible ? extra.watchers : null,
      service: row.service,
      status: row.status as TicketStatus,
      priority: row.priority as Ticket['priority'],
      assignee: this.assigneeOf(row),
      taken: row.assignee !== null,
      private: !!row.private,
      redacted: !visible,
      comments: extra.comments,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      firstAnswerAt: row.first_answer_at,
      closedAt: row.closed_at,
      openedIndex: Number(row.opened_idx),
      closedIndex: row.closed_idx === null ? null : Number(row.closed_idx),
    };
  }

  #item(
    viewer: Viewer,
    row: TicketRow,
    item: TicketItemRow,
    attachments: readonly AttachmentRow[],
  ): TimelineItem {
    const privileged = this.canSeePrivate(viewer, row);
    const hidden = !privileged && (!!row.private || !!item.private);
    if (item.kind === 'comment') {
      const id = Number(item.id);
      return {
        kind: 'comment',
        id,
        at: item.at,
        author: hidden || item.author === null ? null : this.#authorFor(viewer, item.author),
        visitor: item.author !== null && isVisitor(item.author),
        via: item.via as Channel,
        body: hidden ? null : item.body,
        attachments: hidden
          ? null
          : attachments.filter((a) => Number(a.item_id) === id).map(attachmentInfo),
        private: !!item.private,
        redacted: hidden,
      };
    }
    // Labels belong to a private ticket's content; its status, priority and routing do not.
    const secret = hidden || (!privileged && !!row.private && item.field === 'labels');
    return {
      kind: 'event',
      id: Number(item.id),
      at: item.at,
      actor: secret || (!privileged && !!row.private) ? null : item.author,
      field: item.field as Extract<TimelineItem, { kind: 'event' }>['field'],
      from: secret ? null : item.from_value,
      to: secret ? null : item.to_value,
      redacted: secret,
    };
  }

  /** A visitor's address is for members (and the visitor); the public sees "a visitor". */
  #authorFor(viewer: Viewer, author: string): string | null {
    if (!isVisitor(author) || viewer === author) return author;
    return viewer !== undefined && activeMember(this.#coop.state, viewer) ? author : null;
  }

  // --- Routing and rights ---------------------------------------------------------------------

  /** Who answers: whoever took it, else the service's steward (its deputy while they are away). */
  assigneeOf(row: Pick<TicketRow, 'assignee' | 'service'>): string | null {
    if (row.assignee !== null) return row.assignee;
    const service =
      row.service === null ? undefined : lookup(this.#coop.state.services, row.service);
    return service ? responsibleFor(this.#coop.state, service) : null;
  }

  /**
   * Who may work on a ticket: the stewards and deputies of its service and the oversight group;
   * a public ticket that no steward looks after, any member.
   */
  #mayHandle(handle: string, row: Pick<TicketRow, 'service' | 'private'>): boolean {
    const state = this.#coop.state;
    if (!activeMember(state, handle)) return false;
    if (this.#isSteward(handle, row.service) || oversightGroup(state).includes(handle)) return true;
    const service = row.service === null ? undefined : lookup(state.services, row.service);
    return !row.private && (service?.stewards.length ?? 0) === 0;
  }

  #isSteward(handle: string, slug: string | null): boolean {
    const service = slug === null ? undefined : lookup(this.#coop.state.services, slug);
    return !!service?.stewards.some((s) => s.handle === handle);
  }

  #serviceRecord(slug: string): ServiceRecord {
    const service = lookup(this.#coop.state.services, slug);
    if (!service) {
      throw new AppError(
        'DESK_UNKNOWN_SERVICE',
        `there is no service ${slug}; see GET /api/services`,
      );
    }
    return service;
  }

  #requireMember(handle: string): void {
    if (!activeMember(this.#coop.state, handle)) {
      throw new AppError('FORBIDDEN', 'this needs a member of the cooperative');
    }
  }

  async #ticketRow(id: number): Promise<TicketRow> {
    const row = await this.#repo.ticket(id);
    if (!row) throw new AppError('DESK_TICKET_NOT_FOUND', `there is no ticket ${id}`);
    return { ...row, id: Number(row.id) };
  }

  /** One write at a time: ticket numbers are handed out in order, and a close is logged once. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(work);
    this.#turn = result.catch(() => undefined);
    return result;
  }
}

function attachmentInfo(row: AttachmentRow): TicketAttachment {
  return {
    id: Number(row.id),
    filename: row.filename,
    contentType: row.content_type,
    size: row.size,
  };
}

function parseLabels(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
