// The page chrome for signed-in users: skip link, header with the hub name and the
// navigation (a menu button on narrow screens) with the intel search box, and the main landmark.
import { useEffect, useState, type ReactNode } from 'react';
import { useLive } from '../live.tsx';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { MeResponse } from '../types.ts';
import { SearchBox } from './search-box.tsx';

interface NavItem {
  to: string;
  label: string;
  /** Other paths under which this item counts as the current one. */
  prefixes: string[];
}

function navItems(me: MeResponse): NavItem[] {
  const { user } = me;
  if (user.mustEnrolTotp) return [{ to: '/account', label: 'Account', prefixes: ['/account'] }];
  const items: NavItem[] = [
    { to: '/warnings', label: 'Warnings', prefixes: ['/warnings'] },
    // A watchlist belongs to an organisation (the API refuses an operator without one).
    ...(user.orgId ? [{ to: '/watchlist', label: 'Watchlist', prefixes: ['/watchlist'] }] : []),
    // Residents' phishing reports: for analysts and administrators (the API decides the same).
    ...(user.isOperator || user.role === 'admin' || user.role === 'analyst' ? [{ to: '/phishing', label: 'Phishing reports', prefixes: ['/phishing'] }] : []),
    { to: '/directory', label: 'Directory', prefixes: ['/directory'] },
    { to: '/groups', label: 'Groups', prefixes: ['/groups'] },
    { to: '/tokens', label: 'Tokens', prefixes: ['/tokens'] },
    { to: '/stix', label: 'STIX files', prefixes: ['/stix'] },
    { to: '/connect', label: 'Connect tools', prefixes: ['/connect'] },
    { to: '/feeds', label: 'Feeds', prefixes: ['/feeds'] },
    { to: '/trends', label: 'Trends', prefixes: ['/trends'] },
    { to: '/reports', label: 'Reports', prefixes: ['/reports'] },
  ];
  // The audit trail is for an organisation's admins (their org) and operators (all).
  if (user.isOperator || user.role === 'admin') items.push({ to: '/audit', label: 'Audit', prefixes: ['/audit'] });
  if (user.orgId && !user.isOperator) {
    items.push({ to: `/orgs/${user.orgId}`, label: 'My organisation', prefixes: [`/orgs/${user.orgId}`] });
  }
  if (user.isOperator) {
    items.push(
      { to: '/admin/orgs', label: 'Organisations', prefixes: ['/admin/orgs', '/orgs/'] },
      { to: '/admin/operators', label: 'Operators', prefixes: ['/admin/operators'] },
      { to: '/admin/peers', label: 'Peer hubs', prefixes: ['/admin/peers'] },
      { to: '/settings', label: 'Settings', prefixes: ['/settings'] },
    );
  }
  items.push({ to: '/account', label: 'Account', prefixes: ['/account'] });
  return items;
}

function isCurrent(item: NavItem, pathname: string): boolean {
  if (pathname === '/' && item.to === '/warnings') return true;
  return item.prefixes.some((p) => pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`));
}

export function BellIcon() {
  return (
    <svg className="bell" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <path
        d="M16 5c-1 0-1.8.8-1.8 1.8v.6C10.6 8.3 8.5 11.3 8.5 15v5.2L6.5 23v1.3h19V23l-2-2.8V15c0-3.7-2.1-6.7-5.7-7.6v-.6C17.8 5.8 17 5 16 5zm-2.6 20.5a2.6 2.6 0 0 0 5.2 0z"
        fill="currentColor"
      />
    </svg>
  );
}

export function Layout({ me, children }: { me: MeResponse; children: ReactNode }) {
  const { signOut } = useSession();
  const { pathname, key } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const { unread } = useLive();
  const items = navItems(me);

  // Close the phone menu after each navigation.
  useEffect(() => setMenuOpen(false), [key]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-bar">
          <Link to="/" className="brand">
            <BellIcon />
            <span>Tocsin</span>
          </Link>
          <div className="user-box">
            <span className="user-name">
              <span>{me.user.name}</span>
              <span className="user-org">
                {me.user.isOperator ? 'Hub operator' : me.organisation?.name ?? ''}
              </span>
            </span>
            <button type="button" className="button button-header" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
            {unread > 0 ? <Count n={unread} /> : null}
          </button>
        </div>
        <div className="nav-bar">
          <nav id="site-nav" aria-label="Main" className={menuOpen ? 'site-nav open' : 'site-nav'}>
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={isCurrent(item, pathname) ? 'page' : undefined}>
                    {item.label}
                    {item.to === '/warnings' && unread > 0 ? <Count n={unread} /> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {me.user.mustEnrolTotp ? null : <SearchBox />}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Tocsin threat-intelligence hub · <a href="/api/docs">API documentation</a>
        </p>
      </footer>
    </div>
  );
}

/** After a nav label: a pill on screen, "Warnings (3)" to a screen reader. */
function Count({ n }: { n: number }) {
  return (
    <>
      <span className="visually-hidden"> ({n})</span>
      <span className="nav-count" aria-hidden="true" data-testid="unread-count">
        {n}
      </span>
    </>
  );
}

/** Chrome for pages seen before signing in: the hub name and one centred card. */
export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="shell shell-public">
      <header className="site-header">
        <div className="header-bar">
          <a href="/" className="brand">
            <BellIcon />
            <span>Tocsin</span>
          </a>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
