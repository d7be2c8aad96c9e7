import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { ErrorNotice, Loading } from '../ui/feedback.tsx';
import { describeFailure } from '../ui/problems.ts';
import { entryPath } from '../ui/paths.ts';
import { actorHandle } from '../sign/draft.ts';
import { summarize } from './statement-text.ts';
import type { EntriesState } from './use-entries.ts';
import type { DecodedEntry } from './verify.ts';

export { entryPath };

export function EntryList({
  state,
  onRetry,
  onLoadOlder,
  breaksRules,
}: {
  state: EntriesState;
  onRetry: () => void;
  onLoadOlder: (before: number) => Promise<number | undefined>;
  /** Entries this browser's replay found to break a rule, to be marked in the list. */
  breaksRules?: ReadonlySet<number>;
}) {
  const { t, formatNumber } = useI18n();
  const [focusIndex, setFocusIndex] = useState<number>();

  // After "older" loads, move focus to the first new entry so keyboard users continue there.
  useEffect(() => {
    if (focusIndex === undefined) return;
    document.getElementById(`entry-${focusIndex}`)?.focus();
  }, [focusIndex]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error' && state.failure) {
    return <ErrorNotice message={describeFailure(state.failure, t)} onRetry={onRetry} />;
  }
  const oldest = state.entries.at(-1)?.index;
  return (
    <>
      <p className="visually-hidden" role="status">
        {state.added > 0 ? t.log.newEntries(formatNumber(state.added)) : ''}
      </p>
      {state.entries.length === 0 ? (
        <p>{t.log.noEntries}</p>
      ) : (
        <ol className="entries">
          {state.entries.map((entry) => (
            <EntryItem
              key={entry.index}
              entry={entry}
              breaksRules={breaksRules?.has(entry.index) ?? false}
            />
          ))}
        </ol>
      )}
      <div className="entries-footer">
        <p className="muted small">
          {t.log.showing(formatNumber(state.entries.length), formatNumber(state.size))}
        </p>
        {oldest !== undefined && oldest > 0 ? (
          <button
            type="button"
            className="button"
            aria-disabled={state.older.loading}
            onClick={() => {
              if (state.older.loading) return;
              void onLoadOlder(oldest).then(setFocusIndex);
            }}
          >
            {state.older.loading ? t.app.loading : t.log.showOlder}
          </button>
        ) : (
          state.entries.length > 0 && <p className="muted small">{t.log.beginningReached}</p>
        )}
        {state.older.failure && <ErrorNotice message={describeFailure(state.older.failure, t)} />}
      </div>
    </>
  );
}

export function EntryItem({
  entry,
  breaksRules = false,
}: {
  entry: DecodedEntry;
  breaksRules?: boolean;
}) {
  const { t, formatDateTime } = useI18n();
  const { statement } = entry;
  return (
    <li className="entry">
      <span className="entry-index" aria-hidden="true">
        #{entry.index}
      </span>
      <div className="entry-main">
        <Link to={entryPath(entry.index)} id={`entry-${entry.index}`} className="entry-summary">
          <span className="visually-hidden">{t.log.entryLink(String(entry.index))}: </span>
          {statement ? summarize(statement, t) : t.log.undecodable}
        </Link>
        {statement && (
          <p className="entry-meta">
            <span className={`type type-${statement.type.replace('.', '-')}`}>
              {t.statement.types[statement.type]}
            </span>
            <span>
              {statement.actor === 'coop'
                ? t.log.byCoop
                : t.log.by(actorHandle(statement.actor) ?? statement.actor)}
            </span>
            <time dateTime={statement.time}>{formatDateTime(statement.time)}</time>
            {breaksRules && (
              <span className="badge-inline breaks-rules">{t.rules.breaksRules}</span>
            )}
          </p>
        )}
      </div>
    </li>
  );
}
