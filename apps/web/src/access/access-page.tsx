import type { AccessRequest } from '@allmende/protocol';
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
  const [all, setAll] = useState(false);
  const requests = useApi(all ? 'access:all' : 'access:open', (signal) =>
    fetchAccessRequests({ open: !all }, signal),
  );
  return (
    <>
      <h1>{a.title}</h1>
      <p className="lead">{a.intro}</p>
      <p className="muted small">
        <code>{a.fromCli}</code>
      </p>
      <div className="segmented" role="group" aria-label={a.show}>
        <button type="button" aria-pressed={!all} onClick={() => setAll(false)}>
          {a.openOnly}
        </button>
        <button type="button" aria-pressed={all} onClick={() => setAll(true)}>
          {a.all}
        </button>
      </div>
      <Loaded state={requests.state} onRetry={requests.reload}>
        {({ requests: list }) =>
          list.length === 0 ? (
            <p>{all ? a.none : a.noneOpen}</p>
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
