import type { Ticket } from '@allmende/protocol';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { ticketPath } from '../ui/paths.ts';

/** A ticket's title as everyone may see it: a private one's only by its number. */
export function useTicketTitle(ticket: Ticket): string {
  const { t } = useI18n();
  return ticket.title ?? t.desk.privateTitle(ticket.id);
}

export function TicketPills({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const d = t.desk;
  return (
    <span className="pills">
      <span className={`pill ticket-${ticket.status}`}>
        <span className="visually-hidden">{d.status}: </span>
        {d.statuses[ticket.status]}
      </span>
      {ticket.priority !== 'normal' && (
        <span className={`pill priority-${ticket.priority}`}>
          <span className="visually-hidden">{d.priority}: </span>
          {d.priorities[ticket.priority]}
        </span>
      )}
      {ticket.private && <span className="pill sensitivity-private">{d.isPrivate}</span>}
    </span>
  );
}

export function TicketItem({ ticket }: { ticket: Ticket }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const d = t.desk;
  const title = useTicketTitle(ticket);
  return (
    <li className="ticket-item">
      <p className="ticket-title">
        <span className="ticket-number">#{ticket.id}</span>{' '}
        <Link to={ticketPath(ticket.id)}>{title}</Link>
      </p>
      <p className="entry-meta">
        <TicketPills ticket={ticket} />
        {ticket.service && <span>{ticket.service}</span>}
        <span>{d.opened(formatDateTime(ticket.createdAt))}</span>
        <span>{d.comments(formatNumber(ticket.comments), ticket.comments)}</span>
        <span>
          {d.answeredBy}: {ticket.assignee ?? d.nobody}
        </span>
      </p>
    </li>
  );
}
