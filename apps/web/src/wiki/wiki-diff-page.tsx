import type { WikiDiffHunk } from '@allmende/protocol';
import { fetchDiff } from '../api/wiki.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { WikiBreadcrumb } from './wiki-page.tsx';

/** A hunk's text as lines; the last newline ends a line rather than starting an empty one. */
export function hunkLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

export function WikiDiffPage({ path, from, to }: { path: string; from: number; to: number }) {
  const { t } = useI18n();
  const w = t.wiki;
  const title = w.diffTitle(path);
  useDocumentTitle(title);
  const diff = useApi(`wiki-diff:${path}:${from}:${to}`, (signal) =>
    fetchDiff(path, from, to, signal),
  );
  const name = (n: number) => (n === 0 ? w.emptyPage : w.revision(n));
  return (
    <>
      <WikiBreadcrumb path={path} toPage />
      <h1>{title}</h1>
      <p className="entry-meta">
        <span>{w.diffRange(name(from), name(to))}</span>
        <Link to={wikiPath(path, 'history')}>{w.history}</Link>
      </p>
      <Loaded state={diff.state} onRetry={diff.reload}>
        {({ hunks }) =>
          hunks.every((h) => h.op === 'equal') ? (
            <p>{w.noChanges}</p>
          ) : (
            <DiffView hunks={hunks} label={w.diffRange(name(from), name(to))} />
          )
        }
      </Loaded>
    </>
  );
}

const MARKERS = { insert: '+', delete: '-', equal: ' ' } as const;

function DiffView({ hunks, label }: { hunks: WikiDiffHunk[]; label: string }) {
  const { t } = useI18n();
  const w = t.wiki;
  return (
    <>
      <p className="diff-legend small">
        <span className="diff-line diff-insert">
          <span aria-hidden="true">+ </span>
          {w.added}
        </span>{' '}
        <span className="diff-line diff-delete">
          <span aria-hidden="true">- </span>
          {w.removed}
        </span>
      </p>
      <div className="diff" role="region" aria-label={label} tabIndex={0}>
        {hunks.flatMap((hunk, h) =>
          hunkLines(hunk.text).map((line, i) => {
            const key = `${h}-${i}`;
            const content = (
              <>
                <span className="diff-marker" aria-hidden="true">
                  {MARKERS[hunk.op]}
                </span>
                {line === '' ? '\u00a0' : line}
              </>
            );
            switch (hunk.op) {
              case 'insert':
                return (
                  <ins key={key} className="diff-line diff-insert">
                    <span className="visually-hidden">{w.added}: </span>
                    {content}
                  </ins>
                );
              case 'delete':
                return (
                  <del key={key} className="diff-line diff-delete">
                    <span className="visually-hidden">{w.removed}: </span>
                    {content}
                  </del>
                );
              case 'equal':
                return (
                  <span key={key} className="diff-line">
                    {content}
                  </span>
                );
            }
          }),
        )}
      </div>
    </>
  );
}
