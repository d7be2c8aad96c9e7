import type { MouseEvent } from 'react';
import { navigate } from '../router.tsx';

/**
 * A wiki page's HTML, as the server rendered it. This is the one place where the app inserts
 * HTML, and only the `html` field of the wiki API (a page, a revision, a preview): the server
 * renders Markdown with micromark, which escapes raw HTML and drops dangerous URLs (javascript:
 * and the like), tested against the OWASP filter evasion vectors (apps/server/src/wiki/render.ts).
 * The app's content security policy forbids inline script besides, so even a rendering bug could
 * not run code here.
 */
export function WikiHtml({ html }: { html: string }) {
  // Links to other wiki pages navigate in place, as the app's own links do.
  function handleClick(event: MouseEvent<HTMLDivElement>) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element).closest('a');
    const href = anchor?.getAttribute('href');
    if (!href || !href.startsWith('/wiki/') || anchor?.target) return;
    event.preventDefault();
    navigate(href);
  }
  return (
    <div
      className="wiki-content"
      onClick={handleClick}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

/**
 * The HTML without its leading top heading, which the page shows as its own title. micromark
 * writes a heading as exactly `<h1>…</h1>` and escapes every `<` in text, so the first `</h1>`
 * closes it; cutting that prefix off leaves well-formed, still sanitised HTML.
 */
export function withoutLeadingTitle(html: string): string {
  if (!html.startsWith('<h1>')) return html;
  const end = html.indexOf('</h1>');
  return end === -1 ? html : html.slice(end + '</h1>'.length).replace(/^\n/, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** The text of the leading top heading, if the HTML starts with one. */
export function leadingTitle(html: string): string | undefined {
  const match = /^<h1>([\s\S]*?)<\/h1>/.exec(html);
  if (!match?.[1]) return undefined;
  const text = match[1]
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ENTITIES[name] ?? '')
    .trim();
  return text || undefined;
}
