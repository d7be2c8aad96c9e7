import { useState } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { fetchRevision, fetchWikiPage, restoreRevision } from '../api/wiki.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link, navigate } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded } from '../ui/feedback.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { leadingTitle, WikiHtml, withoutLeadingTitle } from './wiki-html.tsx';
import { WikiBreadcrumb } from './wiki-page.tsx';

export function WikiRevisionPage({ path, revision }: { path: string; revision: number }) {
  const { t, formatDateTime } = useI18n();
  const w = t.wiki;
  const { session } = useSession();
  const data = useApi(`wiki-revision:${path}:${revision}`, async (signal) => {
    const [old, page] = await Promise.all([
      fetchRevision(path, revision, signal),
      fetchWikiPage(path, signal),
    ]);
    return { old, current: page.revision };
  });
  const heading =
    data.state.status === 'ready' ? leadingTitle(data.state.data.old.html) : undefined;
  const title = w.revisionTitle(heading ?? path, revision);
  useDocumentTitle(title);
  const [failure, setFailure] = useState<ApiFailure>();
  const [busy, setBusy] = useState(false);

  async function restore() {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await restoreRevision(path, revision);
      navigate(wikiPath(path));
    } catch (error) {
      setFailure(failureOf(error));
      setBusy(false);
    }
  }

  return (
    <>
      <WikiBreadcrumb path={path} toPage />
      <h1>{title}</h1>
      <Loaded state={data.state} onRetry={data.reload}>
        {({ old, current }) => (
          <>
            <p className="entry-meta">
              <MemberLink handle={old.author} />
              <time dateTime={old.createdAt}>{formatDateTime(old.createdAt)}</time>
              <span>{old.message || w.noMessage}</span>
              <Link to={wikiPath(path, 'history')}>{w.history}</Link>
            </p>
            {revision !== current && (
              <div className="notice notice-warning">
                <p>{w.oldRevision}</p>
                <p>
                  <Link to={wikiPath(path, `diff/${revision}..${current}`)}>
                    {w.diffRange(w.revision(revision), w.revision(current))}
                  </Link>
                </p>
                {session && (
                  <button
                    type="button"
                    className="button"
                    aria-disabled={busy}
                    onClick={() => void restore()}
                  >
                    {w.restore}
                  </button>
                )}
              </div>
            )}
            {failure && <FailureNotice failure={failure} />}
            <article className="card wiki-revision">
              <WikiHtml html={withoutLeadingTitle(old.html)} />
            </article>
          </>
        )}
      </Loaded>
    </>
  );
}
