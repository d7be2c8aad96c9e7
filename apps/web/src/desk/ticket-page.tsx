import {
  TicketLabels,
  TicketPriority,
  type Ticket,
  type TicketAttachment,
  type TicketChanges,
  type TicketStatus,
  type TimelineItem,
} from '@allmende/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { TicketAccessRequests } from '../access/ticket-access.tsx';
import type { Session } from '../api/auth.ts';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { fetchMembers, fetchPolicies, fetchService, fetchServices } from '../api/coop.ts';
import {
  attachmentPath,
  changeTicket,
  commentOn,
  fetchTicket,
  fetchTimeline,
  watchTicket,
} from '../api/desk.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Messages } from '../i18n/messages.ts';
import { MemberLink } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { CheckboxField, SelectField, TextField } from '../ui/form.tsx';
import { entryPath, servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { NO_RIGHTS, oversightGroup, ticketRights, type TicketRights } from './rights.ts';
import { TicketPills, useTicketTitle } from './ticket-item.tsx';
import { TRANSITIONS } from './ticket-pages.ts';

export function TicketPage({ id }: { id: number }) {
  const { t } = useI18n();
  const ticket = useApi(`ticket:${id}`, (signal) => fetchTicket(id, signal));
  const timeline = useApi(`timeline:${id}`, (signal) => fetchTimeline(id, signal));
  const reload = () => {
    ticket.reload();
    timeline.reload();
  };
  return (
    <>
      <p className="breadcrumb">
        <Link to="/desk">
          <span aria-hidden="true">← </span>
          {t.desk.backToDesk}
        </Link>
      </p>
      <Loaded state={ticket.state} onRetry={ticket.reload}>
        {(data) => (
          <TicketDetails ticket={data} onChanged={reload}>
            <Loaded state={timeline.state} onRetry={timeline.reload}>
              {({ items }) => <TimelineList ticket={data} items={items} />}
            </Loaded>
          </TicketDetails>
        )}
      </Loaded>
    </>
  );
}

/** What the viewer may do: worked out from the service's stewards and the oversight group. */
function useRights(ticket: Ticket, session: Session | null): TicketRights {
  const slug = ticket.service;
  const service = useApi(`service:${slug ?? ''}`, (signal) =>
    slug ? fetchService(slug, signal) : Promise.resolve(undefined),
  );
  const policies = useApi(session ? 'policies' : 'none', (signal) =>
    session ? fetchPolicies(signal) : Promise.resolve(undefined),
  );
  const members = useApi(session ? 'members' : 'none', (signal) =>
    session ? fetchMembers(signal) : Promise.resolve(undefined),
  );
  if (!session || service.state.status !== 'ready') return NO_RIGHTS;
  const oversight =
    policies.state.status === 'ready' &&
    policies.state.data &&
    members.state.status === 'ready' &&
    members.state.data
      ? oversightGroup(policies.state.data.policy, members.state.data.members)
      : [];
  return ticketRights(session.handle, ticket, service.state.data, oversight);
}

function TicketDetails({
  ticket,
  onChanged,
  children,
}: {
  ticket: Ticket;
  onChanged: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const d = t.desk;
  const { session } = useSession();
  const title = useTicketTitle(ticket);
  useDocumentTitle(`#${ticket.id} ${title}`);
  const rights = useRights(ticket, session);
  return (
    <>
      <h1>
        <span className="ticket-number">#{ticket.id}</span> {title}
      </h1>
      <TicketPills ticket={ticket} />
      {ticket.redacted && (
        <p className="notice notice-warning ticket-redacted" role="note">
          {d.redacted}
        </p>
      )}
      <div className="ticket-layout">
        <div className="stack">
          <section className="card" aria-labelledby="ticket-timeline">
            <h2 id="ticket-timeline">{d.timeline}</h2>
            {children}
            <TicketAccessRequests ticket={ticket.id} />
          </section>
          {!ticket.redacted && (
            <section className="card" aria-labelledby="ticket-comment">
              <h2 id="ticket-comment">{d.commentHeading}</h2>
              {!session ? (
                <SignInPrompt text={d.signInToComment} />
              ) : ticket.private && !rights.seePrivate ? (
                <p>{d.privateOnly}</p>
              ) : (
                <CommentForm ticket={ticket} rights={rights} onDone={onChanged} />
              )}
            </section>
          )}
        </div>
        <div className="stack">
          <TicketFacts ticket={ticket} session={session} rights={rights} onChanged={onChanged} />
          {(rights.handle || rights.requester) && (
            <section className="card" aria-labelledby="ticket-manage">
              <h2 id="ticket-manage">{d.manage}</h2>
              <ManageForm
                key={ticket.updatedAt}
                ticket={ticket}
                rights={rights}
                me={session?.handle}
                onDone={onChanged}
              />
            </section>
          )}
        </div>
      </div>
    </>
  );
}

function TicketFacts({
  ticket,
  session,
  rights,
  onChanged,
}: {
  ticket: Ticket;
  session: Session | null;
  rights: TicketRights;
  onChanged: () => void;
}) {
  const { t, formatDateTime } = useI18n();
  const d = t.desk;
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);
  const watching = !!session && (ticket.watchers ?? []).includes(session.handle);
  const mayWatch = !!session && (!ticket.private || rights.seePrivate);

  async function toggleWatch() {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await watchTicket(ticket.id, !watching);
      onChanged();
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="ticket-facts">
      <h2 id="ticket-facts">{d.facts}</h2>
      <dl className="facts facts-stacked">
        <div>
          <dt>{d.service}</dt>
          <dd>
            {ticket.service ? (
              <Link to={servicePath(ticket.service)}>{ticket.service}</Link>
            ) : (
              d.noService
            )}
          </dd>
        </div>
        {(ticket.requester !== null || (ticket.visitor && !ticket.redacted)) && (
          <div>
            <dt>{d.requester}</dt>
            <dd>{ticket.requester === null ? d.aVisitor : <Person who={ticket.requester} />}</dd>
          </div>
        )}
        <div>
          <dt>{d.priority}</dt>
          <dd>{d.priorities[ticket.priority]}</dd>
        </div>
        <div>
          <dt>{d.answeredBy}</dt>
          <dd>{ticket.assignee ? <MemberLink handle={ticket.assignee} /> : d.nobody}</dd>
        </div>
        {ticket.labels !== null && (
          <div>
            <dt>{d.labels}</dt>
            <dd>
              {ticket.labels.length === 0 ? (
                t.statement.none
              ) : (
                <span className="pills">
                  {ticket.labels.map((label) => (
                    <span key={label} className="pill">
                      {label}
                    </span>
                  ))}
                </span>
              )}
            </dd>
          </div>
        )}
        {ticket.watchers !== null && (
          <div>
            <dt>{d.watchers}</dt>
            <dd>{ticket.watchers.length === 0 ? d.noneYet : ticket.watchers.join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>{d.createdAt}</dt>
          <dd>
            <time dateTime={ticket.createdAt}>{formatDateTime(ticket.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{d.firstAnswer}</dt>
          <dd>
            {ticket.firstAnswerAt ? (
              <time dateTime={ticket.firstAnswerAt}>{formatDateTime(ticket.firstAnswerAt)}</time>
            ) : (
              d.noAnswer
            )}
          </dd>
        </div>
        <div>
          <dt>{d.openedInLog}</dt>
          <dd>
            <Link to={entryPath(ticket.openedIndex)}>
              {t.log.entryLink(String(ticket.openedIndex))}
            </Link>
          </dd>
        </div>
        {ticket.closedIndex !== null && (
          <div>
            <dt>{d.closedInLog}</dt>
            <dd>
              <Link to={entryPath(ticket.closedIndex)}>
                {t.log.entryLink(String(ticket.closedIndex))}
              </Link>
            </dd>
          </div>
        )}
      </dl>
      {mayWatch && (
        <div className="actions">
          {watching && <p className="small">{d.watching}</p>}
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            onClick={() => void toggleWatch()}
          >
            {watching ? d.unwatch : d.watch}
          </button>
        </div>
      )}
      {failure && <FailureNotice failure={failure} />}
    </section>
  );
}

/** A member by their handle (a link), or someone who wrote by e-mail. */
function Person({ who }: { who: string }) {
  return who.includes('@') || who.startsWith('host:') ? (
    <span>{who}</span>
  ) : (
    <MemberLink handle={who} />
  );
}

/** Who wrote: a member or visitor by name, "a visitor" whose address is not for the viewer. */
function authorName(who: string | null, visitor: boolean, d: Messages['desk']): string {
  return who ?? (visitor ? d.aVisitor : d.someone);
}

/** Files that came by mail, each a link to download it. */
function Attachments({ ticket, files }: { ticket: number; files: TicketAttachment[] | null }) {
  const { t, formatNumber } = useI18n();
  if (!files || files.length === 0) return null;
  return (
    <div className="attachments">
      <p className="small muted">{t.desk.attachments}</p>
      <ul className="attachment-list">
        {files.map((file) => (
          <li key={file.id}>
            <a href={attachmentPath(ticket, file.id)} download={file.filename}>
              {file.filename}
            </a>{' '}
            <span className="muted small">({formatNumber(Math.ceil(file.size / 1024))} KB)</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function TimelineList({ ticket, items }: { ticket: Ticket; items: TimelineItem[] }) {
  const { t, formatDateTime } = useI18n();
  const d = t.desk;
  return (
    <ol className="timeline">
      <li className="timeline-comment">
        <p className="timeline-meta">
          <strong>{d.openedBy(authorName(ticket.requester, ticket.visitor, d))}</strong>{' '}
          <time dateTime={ticket.createdAt}>{formatDateTime(ticket.createdAt)}</time>
          {ticket.via === 'mail' && <span className="pill">{d.viaMail}</span>}
        </p>
        {ticket.body !== null && ticket.body !== '' && (
          <div className="timeline-body">{ticket.body}</div>
        )}
        <Attachments ticket={ticket.id} files={ticket.attachments} />
      </li>
      {items.map((item) => (
        <li
          key={`${item.kind}-${item.id}`}
          className={item.kind === 'comment' ? 'timeline-comment' : 'timeline-event'}
        >
          {item.kind === 'comment' ? (
            <>
              <p className="timeline-meta">
                <strong>{d.commentBy(authorName(item.author, item.visitor, d))}</strong>{' '}
                <time dateTime={item.at}>{formatDateTime(item.at)}</time>
                {item.via === 'mail' && <span className="pill">{d.viaMail}</span>}
                {item.private && (
                  <span className="pill sensitivity-private">{d.privateComment}</span>
                )}
              </p>
              {item.body === null ? (
                <p className="muted">{d.redactedComment}</p>
              ) : (
                <div className="timeline-body">{item.body}</div>
              )}
              <Attachments ticket={ticket.id} files={item.attachments} />
            </>
          ) : (
            <p className="timeline-meta">
              <span>{describeEvent(item, t)}</span>{' '}
              <time dateTime={item.at}>{formatDateTime(item.at)}</time>
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function describeEvent(item: Extract<TimelineItem, { kind: 'event' }>, t: Messages): string {
  const d = t.desk;
  if (item.redacted) return d.redactedChange;
  const word = (value: string | null): string => {
    if (value === null || value === '') return t.statement.none;
    switch (item.field) {
      case 'status':
        return d.statuses[value as TicketStatus] ?? value;
      case 'priority':
        return d.priorities[value as TicketPriority] ?? value;
      case 'private':
        return value === 'true' ? t.statement.yes : t.statement.no;
      default:
        return value;
    }
  };
  return d.change(item.actor ?? d.someone, d.fields[item.field], word(item.from), word(item.to));
}

function CommentForm({
  ticket,
  rights,
  onDone,
}: {
  ticket: Ticket;
  rights: TicketRights;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const d = t.desk;
  const [body, setBody] = useState('');
  const [secret, setSecret] = useState(false);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    if (!/\S/.test(body)) {
      setError(d.commentMissing);
      return;
    }
    setError(undefined);
    setFailure(undefined);
    setSending(true);
    try {
      await commentOn(ticket.id, { body: body.normalize('NFC'), private: secret });
      setBody('');
      setSecret(false);
      onDone();
    } catch (caught) {
      setFailure(failureOf(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <TextField
        label={d.comment}
        hint={d.bodyHint}
        value={body}
        onChange={setBody}
        error={error}
        multiline
        rows={5}
      />
      {rights.seePrivate && !ticket.private && (
        <CheckboxField label={d.commentPrivate} checked={secret} onChange={setSecret} />
      )}
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={sending}>
          {sending ? d.sending : d.commentSubmit}
        </button>
      </div>
    </form>
  );
}

/** Status for the requester; status, priority, labels and taking it for those who handle it. */
function ManageForm({
  ticket,
  rights,
  me,
  onDone,
}: {
  ticket: Ticket;
  rights: TicketRights;
  me: string | undefined;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const d = t.desk;
  const [status, setStatus] = useState<TicketStatus>(ticket.status);
  const [priority, setPriority] = useState<TicketPriority>(ticket.priority);
  const [labels, setLabels] = useState((ticket.labels ?? []).join(', '));
  const [secret, setSecret] = useState(ticket.private);
  const [service, setService] = useState(ticket.service ?? '');
  const services = useApi('services', fetchServices);
  const [labelError, setLabelError] = useState<string>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [note, setNote] = useState<string>();
  const [sending, setSending] = useState(false);

  const reachable = TRANSITIONS[ticket.status].filter(
    (s) => rights.handle || s === 'open' || s === 'resolved' || s === 'closed',
  );
  const statuses = [ticket.status, ...reachable];

  async function send(changes: TicketChanges) {
    setFailure(undefined);
    setNote(undefined);
    if (Object.keys(changes).length === 0) {
      setNote(d.nothingChanged);
      return;
    }
    setSending(true);
    try {
      await changeTicket(ticket.id, changes);
      onDone();
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSending(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    const changes: TicketChanges = {};
    if (status !== ticket.status) changes.status = status;
    if (secret !== ticket.private) changes.private = secret;
    if (rights.handle) {
      if (priority !== ticket.priority) changes.priority = priority;
      if (service !== (ticket.service ?? '')) changes.service = service || null;
      const parsed = TicketLabels.safeParse(
        labels
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      );
      if (!parsed.success) {
        setLabelError(parsed.error.issues[0]?.message ?? d.labelsHint);
        return;
      }
      setLabelError(undefined);
      if (parsed.data.join(',') !== (ticket.labels ?? []).join(',')) changes.labels = parsed.data;
    }
    void send(changes);
  }

  return (
    <form onSubmit={submit} noValidate>
      <p className="muted small">{d.manageIntro}</p>
      <SelectField
        label={d.status}
        value={status}
        options={statuses.map((value) => ({ value, label: d.statuses[value] }))}
        onChange={setStatus}
      />
      {rights.handle && (
        <>
          <SelectField
            label={d.priority}
            value={priority}
            options={TicketPriority.options.map((value) => ({
              value,
              label: d.priorities[value],
            }))}
            onChange={setPriority}
          />
          <SelectField
            label={d.service}
            value={service}
            options={[
              { value: '', label: d.noService },
              ...(services.state.status === 'ready'
                ? services.state.data.services.map((s) => ({ value: s.slug, label: s.name }))
                : ticket.service
                  ? [{ value: ticket.service, label: ticket.service }]
                  : []),
            ]}
            onChange={setService}
          />
          <TextField
            label={d.labels}
            hint={d.labelsHint}
            error={labelError}
            value={labels}
            onChange={setLabels}
            autoComplete="off"
            spellCheck={false}
          />
        </>
      )}
      <CheckboxField label={d.privateLabel} checked={secret} onChange={setSecret} />
      {failure && <FailureNotice failure={failure} />}
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={sending}>
          {d.save}
        </button>
        {rights.handle && me !== undefined && ticket.assignee !== me && (
          <button
            type="button"
            className="button"
            aria-disabled={sending}
            onClick={() => {
              if (!sending) void send({ assignee: me });
            }}
          >
            {d.take}
          </button>
        )}
      </div>
    </form>
  );
}
