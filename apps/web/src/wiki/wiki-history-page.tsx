import type { WikiRevisionInfo } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { fetchRevisions } from '../api/wiki.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link, navigate } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { WikiBreadcrumb } from './wiki-page.tsx';

export function WikiHistoryPage({ path }: { path: string }) {
  const { t } = useI18n();
  const title = t.wiki.historyTitle(path);
  useDocumentTitle(title);
  const revisions = useApi(`wiki-history:${path}`, (signal) => fetchRevisions(path, signal));
  return (
    <>
      <WikiBreadcrumb path={path} toPage />
      <h1>{title}</h1>
      <Loaded state={revisions.state} onRetry={revisions.reload}>
        {(data) =>
          data.revisions.length === 0 ? (
            <p>{t.wiki.noRevisions}</p>
          ) : (
            <RevisionTable path={path} revisions={data.revisions} />
          )
        }
      </Loaded>
    </>
  );
}

/** The revisions, newest first, with a choice of two to compare. */
function RevisionTable({ path, revisions }: { path: string; revisions: WikiRevisionInfo[] }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const w = t.wiki;
  const newest = [...revisions].sort((a, b) => b.revision - a.revision);
  const [to, setTo] = useState(newest[0]?.revision ?? 1);
  const [from, setFrom] = useState(newest[1]?.revision ?? 0);
  const [problem, setProblem] = useState<string>();

  function compare(event: FormEvent) {
    event.preventDefault();
    if (from === to) {
      setProblem(w.compareSame);
      return;
    }
    navigate(wikiPath(path, `diff/${Math.min(from, to)}..${Math.max(from, to)}`));
  }

  return (
    <form onSubmit={compare}>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">{w.revisions}</caption>
          <thead>
            <tr>
              <th scope="col">{w.older}</th>
              <th scope="col">{w.newer}</th>
              <th scope="col">{w.revisions}</th>
              <th scope="col">{t.wiki.message}</th>
            </tr>
          </thead>
          <tbody>
            {newest.map((r) => (
              <tr key={r.revision}>
                <td>
                  <input
                    type="radio"
                    name="from"
                    className="radio"
                    aria-label={`${w.older}: ${w.revision(r.revision)}`}
                    checked={from === r.revision}
                    onChange={() => setFrom(r.revision)}
                  />
                </td>
                <td>
                  <input
                    type="radio"
                    name="to"
                    className="radio"
                    aria-label={`${w.newer}: ${w.revision(r.revision)}`}
                    checked={to === r.revision}
                    onChange={() => setTo(r.revision)}
                  />
                </td>
                <td>
                  <Link to={wikiPath(path, `revisions/${r.revision}`)}>
                    {w.revision(r.revision)}
                  </Link>
                  <span className="fact-note">
                    <MemberLink handle={r.author} /> ·{' '}
                    <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time> ·{' '}
                    {w.bytes(formatNumber(r.size))}
                  </span>
                </td>
                <td>{r.message || <span className="muted">{w.noMessage}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary">
          {w.compare}
        </button>
      </div>
    </form>
  );
}
