import type { SessionInfo } from '@allmende/protocol';
import { fetchSessions } from '../api/sessions.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { sessionPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

/** Every guarded session: those live now first, then the earlier ones. */
export function SessionsPage() {
  const { t } = useI18n();
  useDocumentTitle(t.sessions.title);
  const sessions = useApi('sessions', fetchSessions);
  return (
    <>
      <h1>{t.sessions.title}</h1>
      <p className="lead">{t.sessions.intro}</p>
      <Loaded state={sessions.state} onRetry={sessions.reload}>
        {({ sessions: list }) => {
          if (list.length === 0) return <p>{t.sessions.none}</p>;
          const live = list.filter((s) => s.state !== 'ended');
          const past = list.filter((s) => s.state === 'ended');
          return (
            <>
              {live.length > 0 && (
                <section aria-labelledby="live-heading">
                  <h2 id="live-heading">{t.sessions.live}</h2>
                  <SessionTable sessions={live} id="live" />
                </section>
              )}
              {past.length > 0 && (
                <section aria-labelledby="past-heading">
                  <h2 id="past-heading">{t.sessions.past}</h2>
                  <SessionTable sessions={past} id="past" />
                </section>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function SessionTable({ sessions, id }: { sessions: SessionInfo[]; id: string }) {
  const { t, formatDateTime } = useI18n();
  const s = t.sessions;
  return (
    <div className="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
      <table className="table">
        <caption id={`${id}-caption`} className="visually-hidden">
          {s.tableCaption}
        </caption>
        <thead>
          <tr>
            <th scope="col">{s.host}</th>
            <th scope="col">{s.state}</th>
            <th scope="col">{s.kind}</th>
            <th scope="col">{s.started}</th>
            <th scope="col">{s.requester}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <th scope="row" className="nowrap">
                <Link to={sessionPath(session.id)}>
                  {session.principal}@{session.host}
                </Link>
              </th>
              <td>{session.endReason ? s.reasons[session.endReason] : s.states[session.state]}</td>
              <td>{s.kinds[session.kind]}</td>
              <td className="nowrap">
                <time dateTime={session.startedAt}>{formatDateTime(session.startedAt)}</time>
              </td>
              <td>{session.requester ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
