import type { WikiConflictBody, WikiPage } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { failureOf, hasCode, type ApiFailure } from '../api/client.ts';
import { fetchWikiPage, previewWikiPage, saveWikiPage } from '../api/wiki.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { navigate } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { WikiHtml } from './wiki-html.tsx';
import { WikiBreadcrumb } from './wiki-page.tsx';

async function loadForEdit(path: string, signal: AbortSignal): Promise<WikiPage | null> {
  try {
    return await fetchWikiPage(path, signal);
  } catch (error) {
    if (hasCode(error, 'WIKI_PAGE_NOT_FOUND')) return null;
    throw error;
  }
}

export function WikiEditPage({ path }: { path: string }) {
  const { t } = useI18n();
  const w = t.wiki;
  const { session, state } = useSession();
  const page = useApi(`wiki-edit:${path}`, (signal) => loadForEdit(path, signal));
  const isNew = page.state.status === 'ready' && page.state.data === null;
  const title = isNew ? w.newPageTitle(path) : w.editTitle(path);
  useDocumentTitle(title);
  return (
    <>
      <WikiBreadcrumb path={path} toPage />
      <h1>{title}</h1>
      {!session ? (
        state.status === 'loading' ? null : (
          <SignInPrompt text={w.signInToWrite} />
        )
      ) : (
        <Loaded state={page.state} onRetry={page.reload}>
          {(data) =>
            data?.generated ? (
              <p>{w.generatedNote}</p>
            ) : (
              <Editor
                path={path}
                initial={data?.markdown ?? ''}
                baseRevision={data?.revision ?? 0}
              />
            )
          }
        </Loaded>
      )}
    </>
  );
}

type Conflict = WikiConflictBody['current'];

/**
 * The text, a message, and a save that names the revision it was based on. If someone saved in
 * between, the server refuses (409 WIKI_CONFLICT) and the member merges by hand, seeing both
 * texts; the merged text is then based on the revision that is current now.
 */
function Editor({
  path,
  initial,
  baseRevision,
}: {
  path: string;
  initial: string;
  baseRevision: number;
}) {
  const { t } = useI18n();
  const w = t.wiki;
  const [markdown, setMarkdown] = useState(initial);
  const [message, setMessage] = useState('');
  const [base, setBase] = useState(baseRevision);
  const [previewing, setPreviewing] = useState(false);
  const [conflict, setConflict] = useState<{ current: Conflict; mine: string }>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    setFailure(undefined);
    try {
      const outcome = await saveWikiPage(path, {
        markdown: markdown.normalize('NFC'),
        message: message.trim(),
        baseRevision: base,
      });
      if (outcome.kind === 'saved') {
        navigate(wikiPath(path));
        return;
      }
      setConflict((previous) => ({
        current: outcome.current,
        mine: previous ? previous.mine : markdown,
      }));
      setBase(outcome.current.revision);
      setPreviewing(false);
    } catch (error) {
      setFailure(failureOf(error));
    }
    setSaving(false);
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate className="wiki-editor">
      {conflict && <ConflictView conflict={conflict.current} mine={conflict.mine} />}
      {!conflict && (
        <div className="segmented" role="group" aria-label={t.desk.show}>
          <button type="button" aria-pressed={!previewing} onClick={() => setPreviewing(false)}>
            {w.write}
          </button>
          <button type="button" aria-pressed={previewing} onClick={() => setPreviewing(true)}>
            {w.preview}
          </button>
        </div>
      )}
      {previewing ? (
        <section className="card wiki-preview" aria-labelledby="wiki-preview">
          <h2 id="wiki-preview" className="visually-hidden">
            {w.preview}
          </h2>
          <p className="muted small">{w.previewNote}</p>
          <Preview markdown={markdown.normalize('NFC')} />
        </section>
      ) : (
        <TextField
          label={conflict ? w.merged : w.text}
          hint={conflict ? w.mergedHint : w.textHint}
          value={markdown}
          onChange={setMarkdown}
          multiline
          rows={18}
          spellCheck
        />
      )}
      <TextField label={w.message} value={message} onChange={setMessage} maxLength={500} />
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={saving}>
          {saving ? w.saving : conflict ? w.saveMerged : w.save}
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => navigate(wikiPath(path))}
        >
          {w.cancel}
        </button>
      </div>
    </form>
  );
}

/**
 * The text as the page will show it: rendered by the server with the renderer a save uses, and
 * inserted through WikiHtml like every other wiki HTML. The text cannot change while the preview
 * is shown (the field is hidden), so it is rendered once each time the preview opens.
 */
function Preview({ markdown }: { markdown: string }) {
  const preview = useApi('wiki-preview', (signal) => previewWikiPage(markdown, signal));
  return (
    <Loaded state={preview.state} onRetry={preview.reload}>
      {(data) => <WikiHtml html={data.html} />}
    </Loaded>
  );
}

function ConflictView({ conflict, mine }: { conflict: Conflict; mine: string }) {
  const { t, formatDateTime } = useI18n();
  const w = t.wiki;
  return (
    <div className="notice notice-warning wiki-conflict" role="alert">
      <h2 className="notice-heading">{w.conflictHeading}</h2>
      <p>
        {w.conflictText(
          conflict.revision,
          conflict.author ?? t.desk.someone,
          formatDateTime(conflict.updatedAt),
        )}
      </p>
      <div className="conflict-texts">
        <section aria-labelledby="conflict-theirs">
          <h3 id="conflict-theirs">{w.theirs(conflict.revision)}</h3>
          <pre tabIndex={0} aria-labelledby="conflict-theirs" className="conflict-text">
            {conflict.markdown}
          </pre>
        </section>
        <section aria-labelledby="conflict-mine">
          <h3 id="conflict-mine">{w.yours}</h3>
          <pre tabIndex={0} aria-labelledby="conflict-mine" className="conflict-text">
            {mine}
          </pre>
        </section>
      </div>
    </div>
  );
}
