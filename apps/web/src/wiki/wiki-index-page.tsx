import { WikiPath, type WikiPageSummary } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { fetchWikiPages } from '../api/wiki.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function WikiIndexPage() {
  const { t } = useI18n();
  const w = t.wiki;
  useDocumentTitle(w.title);
  const { session, state } = useSession();
  const pages = useApi('wiki-pages', fetchWikiPages);
  return (
    <>
      <h1>{w.title}</h1>
      <p className="lead">{w.intro}</p>
      <Loaded state={pages.state} onRetry={pages.reload}>
        {({ pages: list }) => {
          const written = list.filter((p) => !p.generated);
          const generated = list.filter((p) => p.generated);
          return (
            <div className="home-layout">
              <section className="card" aria-labelledby="wiki-pages">
                <h2 id="wiki-pages">{w.pages}</h2>
                {written.length === 0 ? <p>{w.none}</p> : <PageList pages={written} />}
              </section>
              <section className="card" aria-labelledby="wiki-generated">
                <h2 id="wiki-generated">{w.generated}</h2>
                <p className="muted small">{w.generatedIntro}</p>
                <PageList pages={generated} />
              </section>
            </div>
          );
        }}
      </Loaded>
      <section className="card form-card" aria-labelledby="wiki-new">
        <h2 id="wiki-new">{w.newHeading}</h2>
        {session ? (
          <NewPageForm />
        ) : state.status === 'loading' ? null : (
          <SignInPrompt text={w.signInToWrite} />
        )}
      </section>
    </>
  );
}

function PageList({ pages }: { pages: WikiPageSummary[] }) {
  const { t, formatDateTime } = useI18n();
  return (
    <ul className="wiki-list">
      {pages.map((page) => (
        <li key={page.path}>
          <Link to={wikiPath(page.path)}>{page.title}</Link>{' '}
          <code className="muted small">{page.path}</code>
          {!page.generated && (
            <span className="muted small">
              {' · '}
              {t.wiki.revision(page.revision)}
              {' · '}
              <time dateTime={page.updatedAt}>{formatDateTime(page.updatedAt)}</time>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Generated pages are read-only, and the API keeps a few segments for a page's parts. */
const RESERVED = ['revisions', 'diff', 'restore', 'attachments'];

export function isWritablePath(path: string): boolean {
  const segments = path.split('/');
  return segments[0] !== 'generated' && !segments.some((s) => RESERVED.includes(s));
}

function NewPageForm() {
  const { t } = useI18n();
  const w = t.wiki;
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    const cleaned = path
      .trim()
      .toLowerCase()
      .replace(/^\/+|\/+$/g, '');
    const parsed = WikiPath.safeParse(cleaned);
    if (!parsed.success || !isWritablePath(parsed.data)) {
      setError(w.newPathInvalid);
      return;
    }
    navigate(wikiPath(parsed.data, 'edit'));
  }

  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={w.newPath}
        hint={w.newPathHint}
        error={error}
        value={path}
        onChange={setPath}
        required
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit" className="button">
        {w.create}
      </button>
    </form>
  );
}
