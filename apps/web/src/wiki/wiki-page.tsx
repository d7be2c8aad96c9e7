import type { WikiPage } from '@allmende/protocol';
import { hasCode } from '../api/client.ts';
import { fetchWikiPage } from '../api/wiki.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { AttachForm } from './attach-form.tsx';
import { WikiHtml, withoutLeadingTitle } from './wiki-html.tsx';
import { isWritablePath } from './wiki-index-page.tsx';

/** A missing page is not an error here: it is a page nobody has written yet. */
async function loadPage(path: string, signal: AbortSignal): Promise<WikiPage | null> {
  try {
    return await fetchWikiPage(path, signal);
  } catch (error) {
    if (hasCode(error, 'WIKI_PAGE_NOT_FOUND')) return null;
    throw error;
  }
}

export function WikiBreadcrumb({ path, toPage }: { path?: string; toPage?: boolean }) {
  const { t } = useI18n();
  return (
    <p className="breadcrumb">
      <Link to={toPage && path ? wikiPath(path) : '/wiki'}>
        <span aria-hidden="true">← </span>
        {toPage && path ? t.wiki.backToPage : t.wiki.backToWiki}
      </Link>
    </p>
  );
}

export function WikiPageView({ path }: { path: string }) {
  const page = useApi(`wiki:${path}`, (signal) => loadPage(path, signal));
  const title = page.state.status === 'ready' && page.state.data ? page.state.data.title : path;
  useDocumentTitle(title);
  return (
    <>
      <WikiBreadcrumb />
      <Loaded state={page.state} onRetry={page.reload}>
        {(data) =>
          data ? <PageContent page={data} onChanged={page.reload} /> : <MissingPage path={path} />
        }
      </Loaded>
    </>
  );
}

function MissingPage({ path }: { path: string }) {
  const { t } = useI18n();
  const { session, state } = useSession();
  return (
    <>
      <h1>
        <code>{path}</code>
      </h1>
      <p>{t.wiki.notFound}</p>
      {isWritablePath(path) &&
        (session ? (
          <p>
            <Link to={wikiPath(path, 'edit')} className="button button-primary">
              {t.wiki.createIt}
            </Link>
          </p>
        ) : state.status === 'loading' ? null : (
          <SignInPrompt text={t.wiki.signInToWrite} />
        ))}
    </>
  );
}

function PageContent({ page, onChanged }: { page: WikiPage; onChanged: () => void }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const w = t.wiki;
  const { session } = useSession();
  return (
    <>
      <h1>{page.title}</h1>
      <p className="entry-meta">
        <code>{page.path}</code>
        {page.generated ? (
          <span>{w.generatedNote}</span>
        ) : (
          <>
            <span>{w.revision(page.revision)}</span>
            <span>
              {w.changedBy(formatDateTime(page.updatedAt), page.author ?? t.desk.someone)}
            </span>
          </>
        )}
      </p>
      {!page.generated && (
        <div className="actions">
          {session && (
            <Link to={wikiPath(page.path, 'edit')} className="button button-primary">
              {w.edit}
            </Link>
          )}
          <Link to={wikiPath(page.path, 'history')} className="button">
            {w.history}
          </Link>
        </div>
      )}
      <div className="wiki-layout">
        <article className="card">
          <WikiHtml html={withoutLeadingTitle(page.html)} />
        </article>
        <aside className="stack">
          <section className="card" aria-labelledby="wiki-backlinks">
            <h2 id="wiki-backlinks">{w.backlinks}</h2>
            {page.backlinks.length === 0 ? (
              <p className="muted small">{w.noBacklinks}</p>
            ) : (
              <ul className="plain-list">
                {page.backlinks.map((path) => (
                  <li key={path}>
                    <Link to={wikiPath(path)}>{path}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {!page.generated && (
            <section className="card" aria-labelledby="wiki-attachments">
              <h2 id="wiki-attachments">{w.attachments}</h2>
              {page.attachments.length === 0 ? (
                <p className="muted small">{w.noAttachments}</p>
              ) : (
                <ul className="plain-list">
                  {page.attachments.map((file) => (
                    <li key={file.name}>
                      <a href={file.url}>{file.name}</a>{' '}
                      <span className="muted small">
                        {w.bytes(formatNumber(file.size))} · <MemberLink handle={file.uploadedBy} />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {session && <AttachForm path={page.path} onDone={onChanged} />}
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
