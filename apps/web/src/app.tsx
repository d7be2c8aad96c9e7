import { Suspense, lazy, useEffect, useRef } from 'react';
import { AccessPage } from './access/access-page.tsx';
import { AccessRequestPage } from './access/access-request-page.tsx';
import { AccountPage } from './account/account-page.tsx';
import { LoginPage } from './account/login-page.tsx';
import { useSession } from './auth/session.tsx';
import { ConfirmTicketPage } from './desk/confirm-ticket-page.tsx';
import { DeskPage } from './desk/desk-page.tsx';
import { NewTicketPage } from './desk/new-ticket-page.tsx';
import { TicketPage } from './desk/ticket-page.tsx';
import { HomePage } from './home/home-page.tsx';
import { HostsPage } from './hosts/hosts-page.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { LOCALE_NAMES, LOCALES } from './i18n/locale.ts';
import type { Messages } from './i18n/messages.ts';
import { InvitationsPage } from './invitations/invitations-page.tsx';
import { JoinPage } from './invitations/join-page.tsx';
import { EntryPage } from './log/entry-page.tsx';
import { LogPage } from './log/log-page.tsx';
import { MemberPage } from './members/member-page.tsx';
import { MembersPage } from './members/members-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { PoliciesPage } from './policies/policies-page.tsx';
import { ProposalPage } from './proposals/proposal-page.tsx';
import { ProposalsPage } from './proposals/proposals-page.tsx';
import { Link, matchRoute, navigate, usePathname, type Page, type Route } from './router.tsx';
import { ServicePage } from './services/service-page.tsx';
import { ServicesPage } from './services/services-page.tsx';
import { APP_NAME } from './ui/document-title.ts';
import { Loading } from './ui/feedback.tsx';
import { loginPath } from './ui/paths.ts';
import { SearchPage } from './search/search-page.tsx';
import { SessionsPage } from './sessions/sessions-page.tsx';
import { WikiDiffPage } from './wiki/wiki-diff-page.tsx';
import { WikiEditPage } from './wiki/wiki-edit-page.tsx';
import { WikiHistoryPage } from './wiki/wiki-history-page.tsx';
import { WikiIndexPage } from './wiki/wiki-index-page.tsx';
import { WikiPageView } from './wiki/wiki-page.tsx';
import { WikiRevisionPage } from './wiki/wiki-revision-page.tsx';

type Section = keyof Messages['nav'];

// xterm.js and age load only with a session's page: most visitors never open one.
const SessionPage = lazy(() =>
  import('./sessions/session-page.tsx').then((m) => ({ default: m.SessionPage })),
);

/** The section of the main navigation that a page belongs to. */
const SECTIONS: Record<Page, Section | null> = {
  home: null,
  log: 'log',
  entry: 'log',
  login: null,
  account: null,
  members: 'members',
  member: 'members',
  invitations: 'invitations',
  join: null,
  proposals: 'proposals',
  proposal: 'proposals',
  services: 'services',
  service: 'services',
  hosts: 'hosts',
  policies: 'policies',
  desk: 'desk',
  'desk-new': 'desk',
  'desk-confirm': 'desk',
  ticket: 'desk',
  access: 'access',
  'access-request': 'access',
  wiki: 'wiki',
  'wiki-page': 'wiki',
  'wiki-edit': 'wiki',
  'wiki-history': 'wiki',
  'wiki-revision': 'wiki',
  'wiki-diff': 'wiki',
  search: 'search',
  sessions: 'sessions',
  session: 'sessions',
  'not-found': null,
};

const PUBLIC_SECTIONS: Section[] = [
  'services',
  'desk',
  'access',
  'wiki',
  'search',
  'members',
  'hosts',
  'sessions',
  'policies',
  'proposals',
  'log',
];

export function App() {
  const { t } = useI18n();
  const { session } = useSession();
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

  const current = SECTIONS[route.page];
  const sections = session ? [...PUBLIC_SECTIONS, 'invitations' as const] : PUBLIC_SECTIONS;
  return (
    <>
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand" aria-current={route.page === 'home' ? 'page' : undefined}>
            <span className="brand-mark" aria-hidden="true" />
            {APP_NAME}
          </Link>
          <MemberMenu page={route.page} />
          <LanguageSwitcher />
          <nav aria-label={t.app.mainNavigation} className="site-nav">
            <ul>
              {sections.map((section) => (
                <li key={section}>
                  <Link
                    to={`/${section}`}
                    className={section === current ? 'active' : undefined}
                    aria-current={
                      section === current && `/${section}` === pathname ? 'page' : undefined
                    }
                  >
                    {t.nav[section]}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <PageFor route={route} />
      </main>
      <footer className="site-footer">
        <p>{t.app.footer}</p>
      </footer>
    </>
  );
}

function PageFor({ route }: { route: Route }) {
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'log':
      return <LogPage />;
    case 'entry':
      // A new key per index starts each entry's verification from a clean state.
      return <EntryPage key={route.index} index={route.index} />;
    case 'login':
      return <LoginPage />;
    case 'account':
      return <AccountPage />;
    case 'members':
      return <MembersPage />;
    case 'member':
      return <MemberPage key={route.handle} handle={route.handle} />;
    case 'invitations':
      return <InvitationsPage />;
    case 'join':
      return <JoinPage key={route.code} code={route.code} />;
    case 'proposals':
      return <ProposalsPage />;
    case 'proposal':
      return <ProposalPage key={route.id} id={route.id} />;
    case 'services':
      return <ServicesPage />;
    case 'service':
      return <ServicePage key={route.slug} slug={route.slug} />;
    case 'hosts':
      return <HostsPage />;
    case 'policies':
      return <PoliciesPage />;
    case 'desk':
      return <DeskPage />;
    case 'desk-new':
      return <NewTicketPage />;
    case 'desk-confirm':
      return <ConfirmTicketPage key={route.code} code={route.code} />;
    case 'ticket':
      return <TicketPage key={route.id} id={route.id} />;
    case 'access':
      return <AccessPage />;
    case 'access-request':
      return <AccessRequestPage key={route.id} id={route.id} />;
    case 'search':
      return <SearchPage />;
    case 'sessions':
      return <SessionsPage />;
    case 'session':
      return (
        <Suspense fallback={<Loading />}>
          <SessionPage key={route.id} id={route.id} />
        </Suspense>
      );
    case 'wiki':
      return <WikiIndexPage />;
    case 'wiki-page':
      return <WikiPageView key={route.path} path={route.path} />;
    case 'wiki-edit':
      return <WikiEditPage key={route.path} path={route.path} />;
    case 'wiki-history':
      return <WikiHistoryPage key={route.path} path={route.path} />;
    case 'wiki-revision':
      return (
        <WikiRevisionPage
          key={`${route.path}@${route.revision}`}
          path={route.path}
          revision={route.revision}
        />
      );
    case 'wiki-diff':
      return (
        <WikiDiffPage
          key={`${route.path}@${route.from}..${route.to}`}
          path={route.path}
          from={route.from}
          to={route.to}
        />
      );
    case 'not-found':
      return <NotFoundPage />;
  }
}

/** Who is signed in, with the way to the account and out; or the way in. */
function MemberMenu({ page }: { page: Page }) {
  const { t } = useI18n();
  const { state, session, signOut, refresh } = useSession();
  if (state.status === 'loading') return <div className="member-menu" />;
  if (!session) {
    return (
      <div className="member-menu">
        <Link
          to={page === 'login' ? '/login' : loginPath(window.location.pathname)}
          aria-current={page === 'login' ? 'page' : undefined}
        >
          {t.app.signIn}
        </Link>
      </div>
    );
  }
  return (
    <div className="member-menu">
      <Link to="/account" aria-current={page === 'account' ? 'page' : undefined}>
        <span className="visually-hidden">{t.app.signedInAs} </span>
        {session.name} <span className="muted">({session.handle})</span>
      </Link>
      <button
        type="button"
        className="link-button"
        onClick={() => void signOut().then(() => navigate('/'), refresh)}
      >
        {t.app.signOut}
      </button>
    </div>
  );
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
