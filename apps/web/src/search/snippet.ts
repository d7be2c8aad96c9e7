/** A piece of a search snippet: plain text, highlighted or not. */
export type SnippetPart = { text: string; hit: boolean };

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/**
 * Splits a snippet from the API (escaped text with `<mark>` around the hits) into parts that
 * React renders as text, so that no server-sent markup is ever inserted as HTML.
 */
export function snippetParts(html: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  for (const piece of html.split(/(<\/?mark>)/)) {
    if (piece === '<mark>') hit = true;
    else if (piece === '</mark>') hit = false;
    else if (piece !== '') {
      parts.push({
        text: piece.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e),
        hit,
      });
    }
  }
  return parts;
}
