import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  finishOidcSignIn,
  loadConfig,
  signOut,
  startOidcSignIn,
  storedSession,
  type ConsoleConfig,
  type Session,
} from './auth';
import { loadNudges, Toasts } from './coach';
import { PAGES } from './pages';
import { LocalSignIn } from './pages/sign-in';
import { ErrorBox } from './ui';
import './styles.css';

const routeOf = (): string => location.hash.replace(/^#\/?/, '') || 'insights';

const App = () => {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<unknown>();
  const [route, setRoute] = useState(routeOf());
  useEffect(() => {
    loadConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        setSession(storedSession() ?? (loaded.mode === 'oidc' ? await finishOidcSignIn(loaded) : undefined));
      })
      .catch(setError);
    const onHash = (): void => setRoute(routeOf());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (session) void loadNudges().catch(() => undefined);
  }, [session]);

  if (error) return <ErrorBox error={error} />;
  if (!config) return <p class="muted">Loading…</p>;
  if (!session) {
    return config.mode === 'local' ? (
      <LocalSignIn onSignedIn={setSession} />
    ) : (
      <main class="center">
        <h1>Coaching console</h1>
        <button type="button" class="primary" onClick={() => void startOidcSignIn(config).catch(setError)}>
          Sign in
        </button>
      </main>
    );
  }
  const pages = PAGES.filter((page) => page.roles.includes(session.role));
  const page = pages.find((candidate) => candidate.id === route) ?? pages[0];
  const Current = page?.component;
  return (
    <>
      <header class="top">
        <strong>Coaching</strong>
        <nav aria-label="Pages">
          {pages.map((item) => (
            <a key={item.id} href={`#/${item.id}`} aria-current={item.id === page?.id ? 'page' : undefined}>
              {item.title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="who">
          {session.tenantId} · {session.userId} ({session.role})
        </span>
        <button
          type="button"
          onClick={() => {
            signOut();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        {Current ? <Current session={session} local={config.mode === 'local'} key={page.id} /> : null}
      </main>
      <Toasts />
    </>
  );
};

render(<App />, document.getElementById('app') as HTMLElement);
