import type { SearchResult } from '@allmende/protocol';
import type { TicketService } from '../desk/index.ts';
import {
  HIT_END,
  HIT_START,
  type PrivateAccess,
  type SearchRepository,
  type TicketHit,
} from './search.repo.ts';

type PrivacyRule = Pick<TicketService, 'canSeePrivate' | 'privateServicesOf'>;

/**
 * One search over wiki pages and tickets. A private ticket, and a private comment, takes part
 * only for viewers whom the desk lets read it: for anyone else the database never matches it, so
 * that neither a result nor a snippet can betray its words.
 */
export class SearchService {
  readonly #repo: SearchRepository;
  readonly #privacy: PrivacyRule;

  constructor(options: { repo: SearchRepository; privacy: PrivacyRule }) {
    this.#repo = options.repo;
    this.#privacy = options.privacy;
  }

  async search(viewer: string | undefined, query: string, limit: number): Promise<SearchResult[]> {
    const access = this.#access(viewer);
    const [pages, tickets, comments] = await Promise.all([
      this.#repo.pages(query, limit),
      this.#repo.tickets(query, access, limit),
      this.#repo.comments(query, access, limit),
    ]);
    const best = new Map<number, TicketHit>();
    for (const hit of [...tickets, ...comments]) {
      // The query already left out what the viewer may not see; this is the second lock.
      if (hit.private && !this.#privacy.canSeePrivate(viewer, hit)) continue;
      const known = best.get(hit.id);
      if (!known || hit.rank > known.rank) best.set(hit.id, hit);
    }
    const shown = [
      ...pages.map((hit) => ({ kind: 'page' as const, hit })),
      ...[...best.values()].map((hit) => ({ kind: 'ticket' as const, hit })),
    ]
      .sort((a, b) => b.hit.rank - a.hit.rank)
      .slice(0, limit);
    // Snippets are the costly part: made for what is shown only.
    const shownTickets = shown.flatMap((s) => (s.kind === 'ticket' ? [s.hit] : []));
    const [pageSnippets, ticketSnippets, commentSnippets] = await Promise.all([
      this.#repo.pageSnippets(
        query,
        shown.flatMap((s) => (s.kind === 'page' ? [s.hit.path] : [])),
      ),
      this.#repo.ticketSnippets(
        query,
        shownTickets.filter((hit) => hit.item === undefined).map((hit) => hit.id),
      ),
      this.#repo.commentSnippets(
        query,
        shownTickets.flatMap((hit) => (hit.item === undefined ? [] : [hit.item])),
      ),
    ]);
    return shown.map((s) =>
      s.kind === 'page'
        ? {
            kind: 'page',
            path: s.hit.path,
            title: s.hit.title,
            snippet: highlight(pageSnippets.get(s.hit.path) ?? ''),
            rank: s.hit.rank,
          }
        : {
            kind: 'ticket',
            id: s.hit.id,
            title: s.hit.title,
            snippet: highlight(
              (s.hit.item === undefined
                ? ticketSnippets.get(s.hit.id)
                : commentSnippets.get(s.hit.item)) ?? '',
            ),
            rank: s.hit.rank,
          },
    );
  }

  #access(viewer: string | undefined): PrivateAccess {
    if (viewer === undefined) return { all: false, requester: undefined, services: [] };
    // No handle is empty, so these ask about the viewer's roles only, never about a requester.
    if (this.#privacy.canSeePrivate(viewer, { requester: '', service: null })) {
      return { all: true, requester: viewer, services: [] };
    }
    return { all: false, requester: viewer, services: this.#privacy.privateServicesOf(viewer) };
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Turns a raw snippet into HTML whose only markup is `<mark>`: the indexed text is whatever
 * someone wrote, so all of it is escaped, and the hit markers become balanced `<mark>` tags even
 * if the text itself contains marker characters.
 */
export function highlight(raw: string): string {
  let html = '';
  let open = false;
  for (const char of raw) {
    if (char === HIT_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (char === HIT_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += ESCAPES[char] ?? char;
    }
  }
  return open ? `${html}</mark>` : html;
}
