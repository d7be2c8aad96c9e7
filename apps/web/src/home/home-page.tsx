import type { ServiceInfo } from '@allmende/protocol';
import { fetchCoop, fetchProposals, fetchServices } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { EntryItem } from '../log/entry-list.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { useEntries } from '../log/use-entries.ts';
import { Link } from '../router.tsx';
import { ServiceBadges } from '../services/badges.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, Loading } from '../ui/feedback.tsx';
import { servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

const RECENT_ENTRIES = 5;

/** The cooperative at a glance: who is in it, who looks after what, and what happened lately. */
export function HomePage() {
  const { t, formatNumber } = useI18n();
  const coop = useApi('coop', fetchCoop);
  const services = useApi('services', fetchServices);
  const name = coop.state.status === 'ready' ? coop.state.data.name : undefined;
  useDocumentTitle(name ?? t.home.title);

  return (
    <>
      <h1>{name ?? t.home.title}</h1>
      <p className="lead">{t.home.intro}</p>
      <Loaded state={coop.state} onRetry={coop.reload}>
        {(info) => (
          <dl className="counts">
            <Count label={t.home.members} value={formatNumber(info.members)} to="/members" />
            <Count label={t.home.services} value={formatNumber(info.services)} to="/services" />
            <Count label={t.home.hosts} value={formatNumber(info.hosts)} to="/hosts" />
            <Count label={t.home.logEntries} value={formatNumber(info.logSize)} to="/log" />
          </dl>
        )}
      </Loaded>
      <OpenProposals />
      <div className="home-layout">
        <section className="card" aria-labelledby="who-heading">
          <h2 id="who-heading">{t.home.whoLooksAfterWhat}</h2>
          <Loaded state={services.state} onRetry={services.reload}>
            {({ services: list }) =>
              list.length === 0 ? (
                <p>{t.home.noServices}</p>
              ) : (
                <ul className="stewardship">
                  {list.map((service) => (
                    <Stewardship key={service.slug} service={service} />
                  ))}
                </ul>
              )
            }
          </Loaded>
          <p>
            <Link to="/services">{t.home.allServices}</Link>
          </p>
        </section>
        <RecentEntries />
      </div>
    </>
  );
}

function Count({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <div>
      <dt>
        <Link to={to}>{label}</Link>
      </dt>
      <dd>{value}</dd>
    </div>
  );
}

function Stewardship({ service }: { service: ServiceInfo }) {
  const { t } = useI18n();
  const stewards = service.stewards.filter((s) => s.role === 'steward');
  return (
    <li>
      <p className="stewardship-service">
        <Link to={servicePath(service.slug)}>{service.name}</Link>
        <ServiceBadges service={service} />
      </p>
      <p className="muted small">
        {stewards.length === 0 ? (
          t.home.noSteward
        ) : (
          <>
            {t.home.lookedAfterBy}{' '}
            {stewards.map((s, i) => (
              <span key={s.handle}>
                {i > 0 && ', '}
                <MemberLink handle={s.handle} />
                {s.away && ` (${t.services.away})`}
              </span>
            ))}
          </>
        )}
      </p>
    </li>
  );
}

function OpenProposals() {
  const { t, formatNumber } = useI18n();
  const { session } = useSession();
  const proposals = useApi(session ? 'open-proposals' : 'nobody', (signal) =>
    session ? fetchProposals(false, signal) : Promise.resolve(null),
  );
  if (!session || proposals.state.status === 'loading') return null;
  if (proposals.state.status === 'error')
    return <FailureNotice failure={proposals.state.failure} />;
  const count = proposals.state.data?.proposals.length ?? 0;
  return (
    <p className="status open-proposals">
      <Link to="/proposals">
        {count === 0 ? t.home.noOpenProposals : t.home.openProposals(formatNumber(count), count)}
      </Link>
    </p>
  );
}

function RecentEntries() {
  const { t } = useI18n();
  const entries = useEntries(undefined);
  const recent = entries.state.entries.slice(0, RECENT_ENTRIES);
  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">{t.home.recent}</h2>
      {entries.state.status === 'loading' && <Loading />}
      {entries.state.status === 'error' && entries.state.failure && (
        <FailureNotice failure={entries.state.failure} onRetry={entries.retry} />
      )}
      {recent.length > 0 && (
        <ol className="entries">
          {recent.map((entry) => (
            <EntryItem key={entry.index} entry={entry} />
          ))}
        </ol>
      )}
      <p>
        <Link to="/log">{t.home.allEntries}</Link>
      </p>
    </section>
  );
}
