import { TicketStatus, type Ticket } from '@allmende/protocol';
import { useState } from 'react';
import { fetchServices } from '../api/coop.ts';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { fetchDeskInfo, type TicketFilter } from '../api/desk.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useSearch } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { SelectField } from '../ui/form.tsx';
import { useApi } from '../ui/use-api.ts';
import { TicketItem } from './ticket-item.tsx';
import { fetchTicketPage, type StatusChoice } from './ticket-pages.ts';

const VIEWS = ['all', 'mine', 'queue', 'unassigned'] as const;
type View = (typeof VIEWS)[number];

/** The list's filters live in the address, so that a view can be bookmarked and shared. */
function readFilters(search: string): { view: View; service: string; status: StatusChoice } {
  const params = new URLSearchParams(search);
  const view = VIEWS.find((v) => v === params.get('view')) ?? 'all';
  const status = params.get('status');
  const parsed = TicketStatus.safeParse(status);
  return {
    view,
    service: params.get('service') ?? '',
    status: parsed.success ? parsed.data : status === 'any' ? 'any' : 'active',
  };
}

export function deskPath(filters: { view?: View; service?: string; status?: StatusChoice }) {
  const params = new URLSearchParams();
  if (filters.view && filters.view !== 'all') params.set('view', filters.view);
  if (filters.service) params.set('service', filters.service);
  if (filters.status && filters.status !== 'active') params.set('status', filters.status);
  const query = params.toString();
  return query ? `/desk?${query}` : '/desk';
}

export function DeskPage() {
  const { t } = useI18n();
  const d = t.desk;
  useDocumentTitle(d.title);
  const { session, state } = useSession();
  const filters = readFilters(useSearch());
  const services = useApi('services', fetchServices);
  const needsMember = filters.view === 'mine' || filters.view === 'queue';
  const go = (changes: Partial<typeof filters>) => navigate(deskPath({ ...filters, ...changes }));

  const statusOptions: { value: StatusChoice; label: string }[] = [
    { value: 'active', label: d.active },
    ...TicketStatus.options.map((value) => ({ value, label: d.statuses[value] })),
    { value: 'any', label: d.anyStatus },
  ];
  const serviceOptions = [
    { value: '', label: d.anyService },
    ...(services.state.status === 'ready'
      ? services.state.data.services.map((s) => ({ value: s.slug, label: s.name }))
      : filters.service
        ? [{ value: filters.service, label: filters.service }]
        : []),
  ];

  return (
    <>
      <h1>{d.title}</h1>
      <p className="lead">{d.intro}</p>
      <MailAddress />
      <p>
        <Link to="/desk/new" className="button button-primary">
          {d.newTicket}
        </Link>
      </p>
      <div className="segmented segmented-wrap" role="group" aria-label={d.show}>
        {VIEWS.map((view) => (
          <button
            key={view}
            type="button"
            aria-pressed={filters.view === view}
            onClick={() => go({ view })}
          >
            {d.views[view]}
          </button>
        ))}
      </div>
      <div className="filters">
        <SelectField
          label={d.service}
          value={filters.service}
          options={serviceOptions}
          onChange={(service) => go({ service })}
        />
        <SelectField
          label={d.status}
          value={filters.status}
          options={statusOptions}
          onChange={(status) => go({ status })}
        />
      </div>
      {needsMember && !session ? (
        state.status === 'loading' ? null : (
          <SignInPrompt text={d.signInForView} />
        )
      ) : (
        <TicketPages
          key={`${filters.view}:${filters.service}:${filters.status}`}
          filter={{ view: filters.view, service: filters.service || undefined }}
          status={filters.status}
        />
      )}
    </>
  );
}

/** The first page of a list, and older ones on request. */
function TicketPages({ filter, status }: { filter: TicketFilter; status: StatusChoice }) {
  const { t } = useI18n();
  const first = useApi('first', (signal) => fetchTicketPage(filter, status, signal));
  const [older, setOlder] = useState<{ tickets: Ticket[]; next: number | null }>();
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();

  async function more(before: number) {
    setLoading(true);
    setFailure(undefined);
    try {
      const page = await fetchTicketPage({ ...filter, before }, status);
      setOlder((previous) => ({
        tickets: [...(previous?.tickets ?? []), ...page.tickets],
        next: page.next,
      }));
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setLoading(false);
    }
  }

  return (
    <Loaded state={first.state} onRetry={first.reload}>
      {(page) => {
        const tickets = [...page.tickets, ...(older?.tickets ?? [])];
        const next = older ? older.next : page.next;
        if (tickets.length === 0) return <p>{t.desk.none}</p>;
        return (
          <>
            <ul className="ticket-list">
              {tickets.map((ticket) => (
                <TicketItem key={ticket.id} ticket={ticket} />
              ))}
            </ul>
            {failure && <FailureNotice failure={failure} />}
            {next !== null && (
              <button
                type="button"
                className="button"
                aria-disabled={loading}
                onClick={() => {
                  if (!loading) void more(next);
                }}
              >
                {loading ? t.app.loading : t.desk.showMore}
              </button>
            )}
          </>
        );
      }}
    </Loaded>
  );
}

/** The desk's mail address, where it takes mail. */
function MailAddress() {
  const { t } = useI18n();
  const info = useApi('desk', fetchDeskInfo);
  if (info.state.status !== 'ready' || !info.state.data.mailIn) return null;
  const help = info.state.data.help;
  return <p className="muted">{t.desk.mailAddress(help)}</p>;
}
