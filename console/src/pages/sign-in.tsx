/** Sign-in with an API token; the token is kept in this tab's sessionStorage only. */
import { useState } from 'preact/hooks';
import type { SessionView } from '../../../src/core/wire.js';
import { createConsoleClient, HarmoniaClientError, type HarmoniaClient } from '../client.js';

export function SignIn(props: { message?: string; onSignedIn(token: string, client: HarmoniaClient, session: SessionView): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(props.message ?? null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const given = token.trim();
    if (given === '') {
      setError('Enter a token.');
      return;
    }
    setBusy(true);
    const client = createConsoleClient(given);
    try {
      const session = await client.getSession();
      props.onSignedIn(given, client, session);
    } catch (caught) {
      // the server's message may name the token's id, never the token itself
      setError(caught instanceof HarmoniaClientError ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <h1>Sign in to Harmonia</h1>
        <p id="sign-in-help">
          This server needs an API token (from <code>HARMONIA_API_TOKENS</code> or <code>harmonia token create</code>). It is kept for
          this tab only.
        </p>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'sign-in-error' : undefined}
          required
        />
        {error !== null && (
          <p id="sign-in-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
