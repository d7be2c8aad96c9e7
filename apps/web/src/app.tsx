import { useEffect, useRef } from 'react';
import { useI18n } from './i18n/i18n.tsx';
import { LOCALE_NAMES, LOCALES } from './i18n/locale.ts';
import { EntryPage } from './log/entry-page.tsx';
import { LogPage } from './log/log-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { Link, matchRoute, usePathname, type Route } from './router.tsx';
import { APP_NAME } from './ui/document-title.ts';

export function App() {
  const { t } = useI18n();
  const pathname = usePathname();
  const route = matchRoute(pathname);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  // After an in-app navigation, start reading (and tabbing) at the new page, as a full
  // page load would; the first page keeps the browser's own focus.
  useEffect(() => {
    if (pathname === firstPath.current) return;
    firstPath.current = '';
    window.scrollTo(0, 0);
    main.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            {APP_NAME}
          </Link>
          <nav aria-label={t.app.mainNavigation} className="site-nav">
            <ul>
              <li>
                <Link
                  to="/log"
                  className={route.page === 'not-found' ? undefined : 'active'}
                  aria-current={route.page === 'log' ? 'page' : undefined}
                >
                  {t.nav.log}
                </Link>
              </li>
            </ul>
          </nav>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
      <footer className="site-footer">
        <p>{t.app.footer}</p>
      </footer>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'log':
      return <LogPage />;
    case 'entry':
      // A new key per index starts each entry's verification from a clean state.
      return <EntryPage key={route.index} index={route.index} />;
    case 'not-found':
      return <NotFoundPage />;
  }
}

function LanguageSwitcher() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="language" role="group" aria-label={t.app.language}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === locale}
          onClick={() => setLocale(l)}
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
