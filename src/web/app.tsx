// The URL map of the web app, and the guards in front of it: who must be signed in,
// who must set up two-factor first, and which pages are for the operator only.
import type { ReactNode } from 'react';
import { Layout, PublicLayout } from './components/layout.tsx';
import { Page } from './components/page.tsx';
import { AcceptInvitationPage } from './pages/accept-invitation.tsx';
import { AccountPage } from './pages/account.tsx';
import { AdminOrgsPage } from './pages/admin-orgs.tsx';
import { AuditPage } from './pages/audit.tsx';
import { DirectoryPage } from './pages/directory.tsx';
import { FeedPage } from './pages/feed-page.tsx';
import { FeedsPage } from './pages/feeds.tsx';
import { GroupPage } from './pages/group-page.tsx';
import { GroupsPage } from './pages/groups.tsx';
import { OperatorsPage } from './pages/operators.tsx';
import { ObservablePage } from './pages/observable.tsx';
import { OrgPage } from './pages/org-page.tsx';
import { CheckPage } from './pages/check.tsx';
import { CheckReceiptPage } from './pages/check-receipt.tsx';
import { PhishingReportsPage } from './pages/phishing-reports.tsx';
import { PeersPage } from './pages/peers.tsx';
import { ReportPage } from './pages/report-page.tsx';
import { ReportsPage } from './pages/reports.tsx';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/password-reset.tsx';
import { SearchPage } from './pages/search.tsx';
import { safeNext, SignInPage } from './pages/sign-in.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { TokensPage } from './pages/tokens.tsx';
import { TrendsPage } from './pages/trends.tsx';
import { ConnectPage } from './pages/connect.tsx';
import { ExportPage } from './pages/export-page.tsx';
import { ExportsPage } from './pages/exports.tsx';
import { StixPage } from './pages/stix.tsx';
import { NewWarningPage } from './pages/warning-new.tsx';
import { WarningPage } from './pages/warning-page.tsx';
import { WarningsPage } from './pages/warnings.tsx';
import { WatchlistPage } from './pages/watchlist.tsx';
import { WebhookPage } from './pages/webhook-page.tsx';
import { Link, matchPath, Redirect, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import type { MeResponse } from './types.ts';

type Params = Record<string, string>;
type Access = 'public' | 'guest' | 'member' | 'operator';

interface Route {
  path: string;
  /** public: anyone; guest: signed-out only; member: signed in; operator: hub operators. */
  access: Access;
  render(params: Params): ReactNode;
}

const routes: Route[] = [
  { path: '/signin', access: 'guest', render: () => <SignInPage /> },
  { path: '/forgot', access: 'public', render: () => <ForgotPasswordPage /> },
  { path: '/reset/:token', access: 'public', render: (p) => <ResetPasswordPage token={p.token!} /> },
  { path: '/invite/:token', access: 'public', render: (p) => <AcceptInvitationPage token={p.token!} /> },
  // The phishing check is for everyone, signed in or not.
  { path: '/check', access: 'public', render: () => <CheckPage /> },
  { path: '/check/r/:receipt', access: 'public', render: (p) => <CheckReceiptPage key={p.receipt} receipt={p.receipt!} /> },
  { path: '/', access: 'member', render: () => <WarningsPage /> },
  { path: '/warnings', access: 'member', render: () => <WarningsPage /> },
  // Before '/warnings/:id', which would also match 'new'.
  { path: '/warnings/new', access: 'member', render: () => <NewWarningPage /> },
  { path: '/warnings/:id', access: 'member', render: (p) => <WarningPage key={p.id} id={p.id!} /> },
  { path: '/search', access: 'member', render: () => <SearchPage /> },
  { path: '/intel/:id', access: 'member', render: (p) => <ObservablePage key={p.id} id={p.id!} /> },
  { path: '/watchlist', access: 'member', render: () => <WatchlistPage /> },
  { path: '/webhooks/:id', access: 'member', render: (p) => <WebhookPage key={p.id} id={p.id!} /> },
  { path: '/phishing', access: 'member', render: () => <PhishingReportsPage /> },
  { path: '/directory', access: 'member', render: () => <DirectoryPage /> },
  { path: '/orgs/:id', access: 'member', render: (p) => <OrgPage key={p.id} id={p.id!} /> },
  { path: '/groups', access: 'member', render: () => <GroupsPage /> },
  { path: '/groups/:id', access: 'member', render: (p) => <GroupPage key={p.id} id={p.id!} /> },
  { path: '/tokens', access: 'member', render: () => <TokensPage /> },
  { path: '/stix', access: 'member', render: () => <StixPage /> },
  { path: '/connect', access: 'member', render: () => <ConnectPage /> },
  // Not under /exports: that is where devices fetch the files (exports.routes.ts).
  { path: '/connect/exports', access: 'member', render: () => <ExportsPage /> },
  { path: '/connect/exports/:id', access: 'member', render: (p) => <ExportPage key={p.id} id={p.id!} /> },
  { path: '/feeds', access: 'member', render: () => <FeedsPage /> },
  { path: '/feeds/:id', access: 'member', render: (p) => <FeedPage key={p.id} id={p.id!} /> },
  { path: '/trends', access: 'member', render: () => <TrendsPage /> },
  { path: '/reports', access: 'member', render: () => <ReportsPage /> },
  { path: '/reports/:id', access: 'member', render: (p) => <ReportPage key={p.id} id={p.id!} /> },
  { path: '/audit', access: 'member', render: () => <AuditPage /> },
  { path: '/account', access: 'member', render: () => <AccountPage /> },
  { path: '/admin/orgs', access: 'operator', render: () => <AdminOrgsPage /> },
  { path: '/admin/operators', access: 'operator', render: () => <OperatorsPage /> },
  { path: '/admin/peers', access: 'operator', render: () => <PeersPage /> },
  { path: '/settings', access: 'operator', render: () => <SettingsPage /> },
];

function findRoute(pathname: string): { route: Route; params: Params } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}

export function App() {
  const { me, loading, loadError } = useSession();
  const location = useLocation();

  if (loading) {
    return (
      <PublicLayout>
        <p className="page muted" role="status">
          Loading…
        </p>
      </PublicLayout>
    );
  }
  if (loadError && !me) {
    return (
      <PublicLayout>
        <Page title="The hub is not answering" narrow>
          <div role="alert" className="notice notice-error">
            {loadError}
          </div>
          <p>
            <a href={location.pathname + location.search}>Try again</a>
          </p>
        </Page>
      </PublicLayout>
    );
  }

  const found = findRoute(location.pathname);
  const here = location.pathname + location.search;

  if (!found) {
    return me ? (
      <Layout me={me}>
        <NotFound />
      </Layout>
    ) : (
      <PublicLayout>
        <NotFound />
      </PublicLayout>
    );
  }

  const { route, params } = found;
  switch (route.access) {
    case 'guest':
      if (me) return <Redirect to={safeNext(new URLSearchParams(location.search).get('next'))} />;
      return <PublicLayout>{route.render(params)}</PublicLayout>;
    case 'public':
      return <PublicLayout>{route.render(params)}</PublicLayout>;
    case 'member':
    case 'operator':
      return <Guarded me={me} route={route} params={params} here={here} />;
  }
}

function Guarded({ me, route, params, here }: { me: MeResponse | null; route: Route; params: Params; here: string }) {
  if (!me) return <Redirect to={here === '/' ? '/signin' : `/signin?next=${encodeURIComponent(here)}`} />;
  if (me.user.mustEnrolTotp && route.path !== '/account') return <Redirect to="/account" />;
  if (route.access === 'operator' && !me.user.isOperator) {
    return (
      <Layout me={me}>
        <Page title="Operators only">
          <p>This page is for the hub&rsquo;s operators.</p>
          <p>
            <Link to="/">Go to the warnings</Link>
          </p>
        </Page>
      </Layout>
    );
  }
  return <Layout me={me}>{route.render(params)}</Layout>;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </Page>
  );
}
