import { ACCESS_STATUSES, type AccessRequest, type AccessStatus } from '@allmende/protocol';
import { useState } from 'react';
import { fetchAccessRequests } from '../api/access.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { accessRequestPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

/** Requests for access to the hosts: those waiting or valid now, or all of them. */
export function AccessPage() {
  const { t } = useI18n();
  const a = t.access;
  useDocumentTitle(a.title);
  // Open (waiting or valid now), one status, or all.
  const [shown, setShown] = useState<'open' | 'all' | AccessStatus>('open');
  const requests = useApi(`access:${shown}`, (signal) =>
    fetchAccessRequests(
      shown === 'open' ? { open: true } : shown === 'all' ? {} : { status: shown },
      signal,
    ),
  );
  const choices: { value: typeof shown; label: string }[] = [
    { value: 'open', label: a.openOnly },
    ...ACCESS_STATUSES.map((status) => ({ value: status, label: a.statuses[status] })),
    { value: 'all', label: a.all },
  ];
  return (
    <>
      <h1>{a.title}</h1>
      <p className="lead">{a.intro}</p>
      <p className="muted small">
        <code>{a.fromCli}</code>
      </p>
      <div className="segmented segmented-wrap" role="group" aria-label={a.show}>
        {choices.map((choice) => (
          <button
            key={choice.value}
            type="button"
            aria-pressed={shown === choice.value}
            onClick={() => setShown(choice.value)}
          >
            {choice.label}
          </button>
        ))}
      </div>
      <Loaded state={requests.state} onRetry={requests.reload}>
        {({ requests: list }) =>
          list.length === 0 ? (
            <p>{shown === 'open' ? a.noneOpen : shown === 'all' ? a.none : a.noneInStatus}</p>
          ) : (
            <AccessRequestList requests={list} />
          )
        }
      </Loaded>
    </>
  );
}

/** Requests as cards: what is asked, by whom, where it stands. */
export function AccessRequestList({ requests }: { requests: readonly AccessRequest[] }) {
  return (
    <ul className="card-list">
      {requests.map((request) => (
        <AccessRequestItem key={request.id} request={request} />
      ))}
    </ul>
  );
}

function AccessRequestItem({ request }: { request: AccessRequest }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const a = t.access;
  return (
    <li className="card access-card">
      <p className="card-title">
        <Link to={accessRequestPath(request.id)}>
          {a.summary(request.requester, request.host, request.login, formatNumber(request.minutes))}
        </Link>
      </p>
      <p className="entry-meta">
        <span className={`pill access-${request.status}`}>{a.statuses[request.status]}</span>
        <span>{a.titleOf(String(request.id))}</span>
        <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
        {request.status === 'pending' && (
          <span>
            {a.progress(formatNumber(request.consent.have), formatNumber(request.consent.need))}
          </span>
        )}
      </p>
      <p className="small clamp">{request.reason}</p>
    </li>
  );
}
