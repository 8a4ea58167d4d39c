/**
 * The console shell: sign-in when the server wants a token, then the navigation and
 * the routes. Every page has a deep link under /ui/.
 */
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SessionView } from '../../src/core/wire.js';
import { createConsoleClient, storedToken, storeToken, UnauthorizedError, type HarmoniaClient } from './client.js';
import { RenderBoundary } from './components/render-boundary.js';
import { ErrorState, Loading } from './components/states.js';
import { ExecutionPage } from './pages/execution-page.js';
import { ExecutionsPage } from './pages/executions-page.js';
import { SignIn } from './pages/sign-in.js';
import { SessionProvider, useSession as useSessionLite, type ConsoleSession } from './session.js';

const WorkflowsPage = lazy(() => import('./pages/workflows-page.js').then((m) => m.WorkflowsPage));
const WorkflowPage = lazy(() => import('./pages/workflow-page.js').then((m) => m.WorkflowPage));
const TemplatesPage = lazy(() => import('./pages/templates-page.js').then((m) => m.TemplatesPage));
const TemplatePage = lazy(() => import('./pages/template-page.js').then((m) => m.TemplatePage));
const MonitorPage = lazy(() => import('./pages/monitor-page.js').then((m) => m.MonitorPage));
const SchedulesPage = lazy(() => import('./pages/schedules-page.js').then((m) => m.SchedulesPage));
const SchedulePage = lazy(() => import('./pages/schedule-page.js').then((m) => m.SchedulePage));
const PacksPage = lazy(() => import('./pages/packs-page.js').then((m) => m.PacksPage));
const ApprovalsPage = lazy(() => import('./pages/approvals-page.js').then((m) => m.ApprovalsPage));

type Boot =
  | { kind: 'checking' }
  | { kind: 'sign-in'; message?: string }
  | { kind: 'failed'; error: Error }
  | { kind: 'ready'; client: HarmoniaClient; session: SessionView };

export function App() {
  const [boot, setBoot] = useState<Boot>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const token = storedToken();
    const client = createConsoleClient(token);
    client.getSession().then(
      (session) => setBoot({ kind: 'ready', client, session }),
      (error: unknown) => {
        if (error instanceof UnauthorizedError) {
          storeToken(undefined);
          setBoot({ kind: 'sign-in', ...(token !== undefined ? { message: 'Your token is no longer accepted; sign in again.' } : {}) });
        } else setBoot({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
  }, [attempt]);

  if (boot.kind === 'checking') return <Loading what="the console" />;
  if (boot.kind === 'failed') return <ErrorState error={boot.error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (boot.kind === 'sign-in') {
    return (
      <SignIn
        {...(boot.message !== undefined ? { message: boot.message } : {})}
        onSignedIn={(token, client, session) => {
          storeToken(token);
          setBoot({ kind: 'ready', client, session });
        }}
      />
    );
  }
  return <Shell client={boot.client} session={boot.session} onSignOut={() => {
    storeToken(undefined);
    setBoot({ kind: 'sign-in' });
  }} />;
}

function Shell(props: { client: HarmoniaClient; session: SessionView; onSignOut(): void }) {
  const value = useMemo<ConsoleSession>(
    () => ({
      client: props.client,
      session: props.session,
      canWrite: props.session.scopes.some((s) => s === 'write' || s === 'admin'),
      signOut: props.onSignOut,
    }),
    [props.client, props.session, props.onSignOut],
  );
  return (
    <SessionProvider value={value}>
      <LocationProvider scope="/ui/">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <Header />
        <FocusOnNavigate />
        <main id="main" tabIndex={-1}>
          <ErrorBoundary>
            <PageBoundary>
              <Router>
                <Route path="/ui/" component={ExecutionsPage} />
                <Route path="/ui/executions" component={ExecutionsPage} />
                <Route path="/ui/executions/:id" component={ExecutionPage} />
                <Route path="/ui/workflows" component={WorkflowsPage} />
                <Route path="/ui/workflows/:workflow" component={WorkflowPage} />
                <Route path="/ui/templates" component={TemplatesPage} />
                <Route path="/ui/templates/:template" component={TemplatePage} />
                <Route path="/ui/schedules" component={SchedulesPage} />
                <Route path="/ui/schedules/:workflow/:name" component={SchedulePage} />
                <Route path="/ui/approvals" component={ApprovalsPage} />
                <Route path="/ui/monitor" component={MonitorPage} />
                <Route path="/ui/packs" component={PacksPage} />
                <Route default component={NotFound} />
              </Router>
            </PageBoundary>
          </ErrorBoundary>
        </main>
      </LocationProvider>
    </SessionProvider>
  );
}

const NAV: Array<[string, string]> = [
  ['/ui/executions', 'Executions'],
  ['/ui/workflows', 'Workflows'],
  ['/ui/templates', 'Templates'],
  ['/ui/schedules', 'Schedules'],
  ['/ui/approvals', 'Approvals'],
  ['/ui/monitor', 'Monitor'],
  ['/ui/packs', 'Packs'],
];

function PageBoundary(props: { children: ComponentChildren }) {
  const { path } = useLocation();
  return <RenderBoundary resetKey={path}>{props.children}</RenderBoundary>;
}

/** After a move to another page, focus goes to the content, as a full page load would put it. */
function FocusOnNavigate() {
  const { path } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  return null;
}

function Header() {
  const { path } = useLocation();
  const { session, canWrite, signOut } = useSessionLite();
  return (
    <header class="top">
      <a class="brand" href="/ui/executions">
        Harmonia
      </a>
      <nav aria-label="Main">
        <ul>
          {NAV.map(([href, label]) => {
            const current = path === href || path.startsWith(`${href}/`) || (href === '/ui/executions' && path === '/ui/');
            return (
              <li key={href}>
                <a href={href} aria-current={current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div class="who">
        {session.auth_enabled ? (
          <>
            <span title={`scopes: ${session.scopes.join(', ')}`}>
              {session.principal_id} {canWrite ? '' : '(read-only)'}
            </span>
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </>
        ) : (
          <span title="the server has no API tokens; it answers loopback callers only">local, no tokens</span>
        )}
      </div>
    </header>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No console page here. <a href="/ui/executions">Go to executions</a>.
      </p>
    </section>
  );
}

