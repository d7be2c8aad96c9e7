import { HANDLE_PATTERN } from '@allmende/protocol';
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A router small enough to read in one sitting: the History API holds the state, a custom
 * event tells subscribers about pushState (which fires no event of its own), and `matchRoute`
 * turns a path into one of the app's pages.
 */

const NAVIGATE_EVENT = 'allmende:navigate';

export type Route =
  | { page: 'home' }
  | { page: 'log' }
  | { page: 'entry'; index: number }
  | { page: 'login' }
  | { page: 'account' }
  | { page: 'members' }
  | { page: 'member'; handle: string }
  | { page: 'invitations' }
  | { page: 'join'; code: string }
  | { page: 'proposals' }
  | { page: 'proposal'; id: string }
  | { page: 'services' }
  | { page: 'service'; slug: string }
  | { page: 'hosts' }
  | { page: 'policies' }
  | { page: 'desk' }
  | { page: 'desk-new' }
  | { page: 'desk-confirm'; code: string }
  | { page: 'ticket'; id: number }
  | { page: 'access' }
  | { page: 'access-request'; id: number }
  | { page: 'wiki' }
  | { page: 'wiki-page'; path: string }
  | { page: 'wiki-edit'; path: string }
  | { page: 'wiki-history'; path: string }
  | { page: 'wiki-revision'; path: string; revision: number }
  | { page: 'wiki-diff'; path: string; from: number; to: number }
  | { page: 'search' }
  | { page: 'sessions' }
  | { page: 'session'; id: string }
  | { page: 'not-found' };

export type Page = Route['page'];

const FIXED: Record<string, Route> = {
  '/': { page: 'home' },
  '/log': { page: 'log' },
  '/login': { page: 'login' },
  '/account': { page: 'account' },
  '/members': { page: 'members' },
  '/invitations': { page: 'invitations' },
  '/proposals': { page: 'proposals' },
  '/services': { page: 'services' },
  '/hosts': { page: 'hosts' },
  '/policies': { page: 'policies' },
  '/desk': { page: 'desk' },
  '/desk/new': { page: 'desk-new' },
  '/access': { page: 'access' },
  '/wiki': { page: 'wiki' },
  '/search': { page: 'search' },
  '/sessions': { page: 'sessions' },
};

const HANDLE = new RegExp(`^/(members|services)/(${HANDLE_PATTERN})$`);

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = Object.hasOwn(FIXED, path) ? FIXED[path] : undefined;
  if (fixed) return fixed;
  const entry = /^\/log\/entries\/(0|[1-9][0-9]{0,15})$/.exec(path);
  if (entry?.[1] !== undefined) {
    const index = Number(entry[1]);
    if (Number.isSafeInteger(index)) return { page: 'entry', index };
  }
  const named = HANDLE.exec(path);
  if (named?.[2] !== undefined) {
    return named[1] === 'members'
      ? { page: 'member', handle: named[2] }
      : { page: 'service', slug: named[2] };
  }
  const proposal = /^\/proposals\/([0-9a-f]{64})$/.exec(path);
  if (proposal?.[1] !== undefined) return { page: 'proposal', id: proposal[1] };
  // Invitation codes are opaque to the app: URL-safe text of a sensible length.
  const join = /^\/join\/([A-Za-z0-9_-]{8,200})$/.exec(path);
  if (join?.[1] !== undefined) return { page: 'join', code: join[1] };
  // The code from a visitor's mailed link; the API checks it.
  const confirm = /^\/desk\/confirm\/([A-Za-z0-9_-]{20,100})$/.exec(path);
  if (confirm?.[1] !== undefined) return { page: 'desk-confirm', code: confirm[1] };
  const access = /^\/access\/([1-9][0-9]{0,15})$/.exec(path);
  if (access?.[1] !== undefined && Number.isSafeInteger(Number(access[1]))) {
    return { page: 'access-request', id: Number(access[1]) };
  }
  const ticket = /^\/desk\/([1-9][0-9]{0,15})$/.exec(path);
  if (ticket?.[1] !== undefined && Number.isSafeInteger(Number(ticket[1]))) {
    return { page: 'ticket', id: Number(ticket[1]) };
  }
  const session = /^\/sessions\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (session?.[1] !== undefined) return { page: 'session', id: session[1] };
  return matchWikiRoute(path);
}

// A wiki page's path: lowercase segments, as the API's WikiPath. A page's own views follow
// `/-/`, which no page path can contain, since a segment never starts with "-".
const WIKI_PATH = '[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*';
const WIKI = new RegExp(`^/wiki/(${WIKI_PATH})(?:/-/(.+))?$`);
const REVISION = '(0|[1-9][0-9]{0,8})';

function matchWikiRoute(path: string): Route {
  const match = WIKI.exec(path);
  const wikiPath = match?.[1];
  if (wikiPath === undefined || wikiPath.length > 200) return { page: 'not-found' };
  const view = match?.[2];
  if (view === undefined) return { page: 'wiki-page', path: wikiPath };
  if (view === 'edit') return { page: 'wiki-edit', path: wikiPath };
  if (view === 'history') return { page: 'wiki-history', path: wikiPath };
  const revision = new RegExp(`^revisions/${REVISION}$`).exec(view);
  if (revision?.[1] !== undefined && revision[1] !== '0') {
    return { page: 'wiki-revision', path: wikiPath, revision: Number(revision[1]) };
  }
  const diff = new RegExp(`^diff/${REVISION}\\.\\.${REVISION}$`).exec(view);
  if (diff?.[1] !== undefined && diff[2] !== undefined) {
    return { page: 'wiki-diff', path: wikiPath, from: Number(diff[1]), to: Number(diff[2]) };
  }
  return { page: 'not-found' };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The query string (`?service=mail`), for pages whose filters live in the address. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** A real link (it opens in a new tab, copies, and works without JS), navigated in place. */
export function Link({ to, onClick, ...props }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handleClick} {...props} />;
}
