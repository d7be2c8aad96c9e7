import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A router small enough to read in one sitting: the History API holds the state, a custom
 * event tells subscribers about pushState (which fires no event of its own), and `matchRoute`
 * turns a path into one of the app's pages.
 */

const NAVIGATE_EVENT = 'allmende:navigate';

export type Route = { page: 'log' } | { page: 'entry'; index: number } | { page: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '/log') return { page: 'log' };
  const entry = /^\/log\/entries\/(0|[1-9][0-9]{0,15})$/.exec(path);
  if (entry?.[1] !== undefined) {
    const index = Number(entry[1]);
    if (Number.isSafeInteger(index)) return { page: 'entry', index };
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
