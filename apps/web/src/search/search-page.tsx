import { SEARCH_MAX_QUERY, type SearchResult } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useSearch } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { ticketPath, wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { fetchSearch } from './search-api.ts';
import { snippetParts } from './snippet.ts';

export function searchPath(q: string): string {
  return `/search?${new URLSearchParams({ q })}`;
}

export function SearchPage() {
  const { t } = useI18n();
  const s = t.search;
  useDocumentTitle(s.title);
  const query = (new URLSearchParams(useSearch()).get('q') ?? '').trim();
  return (
    <>
      <h1>{s.title}</h1>
      <p className="lead">{s.intro}</p>
      <SearchForm key={query} initial={query} />
      {query && <Results query={query} />}
    </>
  );
}

function SearchForm({ initial }: { initial: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  function submit(event: FormEvent) {
    event.preventDefault();
    const q = text.trim();
    if (q) navigate(searchPath(q));
  }
  return (
    <form role="search" onSubmit={submit} noValidate>
      <TextField
        label={t.search.label}
        value={text}
        onChange={setText}
        maxLength={SEARCH_MAX_QUERY}
        autoComplete="off"
      />
      <button type="submit" className="button">
        {t.search.submit}
      </button>
    </form>
  );
}

function Results({ query }: { query: string }) {
  const { t } = useI18n();
  const results = useApi(`search:${query}`, (signal) => fetchSearch(query, signal));
  return (
    <Loaded state={results.state} onRetry={results.reload}>
      {({ results: list }) =>
        list.length === 0 ? (
          <p>{t.search.none}</p>
        ) : (
          <ol className="search-results">
            {list.map((result) => (
              <ResultItem key={keyOf(result)} result={result} />
            ))}
          </ol>
        )
      }
    </Loaded>
  );
}

function keyOf(result: SearchResult): string {
  return result.kind === 'page' ? `page:${result.path}` : `ticket:${result.id}`;
}

function ResultItem({ result }: { result: SearchResult }) {
  const { t } = useI18n();
  return (
    <li>
      {result.kind === 'page' ? (
        <>
          <Link to={wikiPath(result.path)}>{result.title}</Link>{' '}
          <span className="muted small">{t.search.page(result.path)}</span>
        </>
      ) : (
        <>
          <Link to={ticketPath(result.id)}>{result.title}</Link>{' '}
          <span className="muted small">{t.search.ticket(result.id)}</span>
        </>
      )}
      <p className="small">
        {snippetParts(result.snippet).map((part, index) =>
          part.hit ? <mark key={index}>{part.text}</mark> : part.text,
        )}
      </p>
    </li>
  );
}
