import { fetchAccessRequests } from '../api/access.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { Loaded } from '../ui/feedback.tsx';
import { accessRequestPath, entryPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

/** A ticket's part of the timeline: the access requested for it, approvals and certificates. */
export function TicketAccessRequests({ ticket }: { ticket: number }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const a = t.access;
  const requests = useApi(`ticket-access:${ticket}`, (signal) =>
    fetchAccessRequests({ ticket }, signal),
  );
  return (
    <section className="ticket-access" aria-labelledby="ticket-access-heading">
      <h3 id="ticket-access-heading">{a.ticketHeading}</h3>
      <Loaded state={requests.state} onRetry={requests.reload}>
        {({ requests: list }) =>
          list.length === 0 ? (
            <p className="muted">{a.ticketNone}</p>
          ) : (
            <ol className="timeline">
              {[...list].reverse().map((request) => (
                <li key={request.id} className="timeline-event">
                  <p className="timeline-meta">
                    <Link to={accessRequestPath(request.id)}>
                      {a.summary(
                        request.requester,
                        request.host,
                        request.login,
                        formatNumber(request.minutes),
                      )}
                    </Link>{' '}
                    <span className={`pill access-${request.status}`}>
                      {a.statuses[request.status]}
                    </span>{' '}
                    <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
                  </p>
                  <p className="small">
                    {[
                      request.id,
                      ...request.approvals.map((approval) => approval.index),
                      ...(request.certificate ? [request.certificate.issuedIndex] : []),
                      ...(request.certificate?.revokedIndex
                        ? [request.certificate.revokedIndex]
                        : []),
                    ].map((index, i) => (
                      <span key={index}>
                        {i > 0 && ' · '}
                        <Link to={entryPath(index)}>{t.log.entryLink(String(index))}</Link>
                      </span>
                    ))}
                  </p>
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}
