import { WikiPath } from '@allmende/protocol';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** Raise when the renderer's output changes (a fix, a new extension): stored HTML is redone. */
export const RENDER_VERSION = 1;

export type Rendered = {
  html: string;
  /** The first heading's text, if there is one. */
  title: string | undefined;
  /** The wiki pages the text links to, each once, in order. */
  links: string[];
};

/**
 * CommonMark with GFM (tables, task lists, strikethrough, autolinks, footnotes) to HTML.
 *
 * Page text is attacker-controlled. micromark's defaults are the sanitiser, and must stay:
 * raw HTML is escaped, not passed through (`allowDangerousHtml` off), and link and image URLs
 * keep only safe protocols (`allowDangerousProtocol` off: http(s), mailto and relative for
 * links, http(s) and relative for images; anything else, e.g. `javascript:`, becomes an empty
 * URL). The XSS vectors of the OWASP Filter Evasion Cheat Sheet are tested against this in
 * test/wiki-render.test.ts.
 */
export function renderMarkdown(markdown: string): Rendered {
  const raw = micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
  });
  const html = replaceWikiLinks(raw);
  return { html, title: firstHeading(html), links: wikiLinks(html) };
}

// `[[services/mail]]` or `[[services/mail|the mail service]]`. Only in text outside code: the
// HTML is split into tags and text, and micromark escapes every `<` and `"` in text and
// attribute values, so a tag is exactly `<…>` and the label is already escaped.
const WIKI_LINK = /\[\[([a-z0-9][a-z0-9_/-]{0,199})(?:\|([^\]|]{1,200}))?\]\]/g;

function replaceWikiLinks(html: string): string {
  const parts = html.split(/(<[^>]*>)/);
  let inCode = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      if (/^<(code|pre)[\s>]/.test(part)) inCode++;
      else if (/^<\/(code|pre)>/.test(part)) inCode = Math.max(0, inCode - 1);
      continue;
    }
    if (inCode > 0 || !part.includes('[[')) continue;
    parts[i] = part.replace(WIKI_LINK, (whole, path: string, label: string | undefined) =>
      WikiPath.safeParse(path).success
        ? `<a href="/wiki/${path}" class="wiki-link">${label ?? path}</a>`
        : whole,
    );
  }
  return parts.join('');
}

/** The targets of links to `/wiki/<path>` (wiki links and plain relative links alike). */
function wikiLinks(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<a href="\/wiki\/([^"#?]*)/g)) {
    const path = decodeURIComponentSafe(match[1]!).replace(/\/+$/, '');
    if (WikiPath.safeParse(path).success) found.add(path);
  }
  return [...found];
}

function firstHeading(html: string): string | undefined {
  const match = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(html);
  if (!match) return undefined;
  const text = decodeEntities(match[1]!.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text.slice(0, 200);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The entities micromark writes into text: `&amp;`, `&lt;`, `&gt;`, `&quot;`. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ENTITIES[name] ?? '');
}
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
