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
