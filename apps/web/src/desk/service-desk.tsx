import { fetchServiceDesk } from '../api/desk.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { Loaded } from '../ui/feedback.tsx';
import { useApi } from '../ui/use-api.ts';
import { deskPath } from './desk-page.tsx';
import { roughDuration } from './duration.ts';
import { TicketItem } from './ticket-item.tsx';

/** How many tickets wait, and how soon they are answered: a service's desk, in public. */
export function ServiceDeskSection({ slug }: { slug: string }) {
  const { t, formatNumber } = useI18n();
  const d = t.desk;
  const desk = useApi(`desk:${slug}`, (signal) => fetchServiceDesk(slug, signal));
  return (
    <section className="card service-desk" aria-labelledby="service-desk">
      <h2 id="service-desk">{d.serviceHeading}</h2>
      <Loaded state={desk.state} onRetry={desk.reload}>
        {(info) => {
          const median =
            info.medianFirstAnswerSeconds === null
              ? undefined
              : roughDuration(info.medianFirstAnswerSeconds);
          return (
            <>
              <dl className="facts">
                <div>
                  <dt>{d.openCount}</dt>
                  <dd className="fact-size">{formatNumber(info.open)}</dd>
                </div>
                <div>
                  <dt>{d.medianAnswer}</dt>
                  <dd className="fact-size">{median ? d[median.unit](median.n) : d.noAnswers}</dd>
                </div>
              </dl>
              {info.tickets.length > 0 && (
                <ul className="ticket-list">
                  {info.tickets.slice(0, 5).map((ticket) => (
                    <TicketItem key={ticket.id} ticket={ticket} />
                  ))}
                </ul>
              )}
              <p className="actions">
                <Link to={deskPath({ service: slug })}>{d.seeTickets(slug)}</Link>
                <Link to={`/desk/new?service=${encodeURIComponent(slug)}`}>{d.askAbout(slug)}</Link>
              </p>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
