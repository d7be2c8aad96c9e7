import { confirmTicket } from '../api/desk.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, Loading } from '../ui/feedback.tsx';
import { ticketPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { TicketPills, useTicketTitle } from './ticket-item.tsx';
import type { Ticket } from '@allmende/protocol';

/**
 * Where a visitor's mailed link leads: the code opens the ticket (again: the same one), and the
 * page shows it as its requester sees it — a private one too, since the link proves the address.
 */
export function ConfirmTicketPage({ code }: { code: string }) {
  const { t } = useI18n();
  const d = t.desk;
  useDocumentTitle(d.confirmTitle);
  const confirmed = useApi(`confirm:${code}`, () => confirmTicket(code));
  return (
    <>
      <p className="breadcrumb">
        <Link to="/desk">
          <span aria-hidden="true">← </span>
          {d.backToDesk}
        </Link>
      </p>
      <h1>{d.confirmTitle}</h1>
      {confirmed.state.status === 'loading' ? (
        <Loading label={d.confirming} />
      ) : (
        <Loaded state={confirmed.state} onRetry={confirmed.reload}>
          {(ticket) => <Confirmed ticket={ticket} />}
        </Loaded>
      )}
    </>
  );
}

function Confirmed({ ticket }: { ticket: Ticket }) {
  const title = useTicketTitle(ticket);
  return (
    <section className="card" aria-labelledby="confirmed-heading">
      <h2 id="confirmed-heading">
        <span className="ticket-number">#{ticket.id}</span> {title}
      </h2>
      <p className="entry-meta">
        <TicketPills ticket={ticket} />
      </p>
      {ticket.body && <div className="timeline-body">{ticket.body}</div>}
      <p>
        <Link to={ticketPath(ticket.id)}>{title}</Link>
      </p>
    </section>
  );
}
