/** Loading, error and empty states every page shows the same way. */
import type { ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { HarmoniaClientError, UnauthorizedError } from '../client.js';
import { SessionContext } from '../session.js';
import type { AsyncState } from './use-async.js';

export function Loading(props: { what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      Loading {props.what}…
    </p>
  );
}

export function ErrorState(props: { error: Error; onRetry?: () => void }) {
  const code = props.error instanceof HarmoniaClientError ? props.error.code : undefined;
  // a token revoked or expired mid-session: the way on is a new sign-in, not a retry
  const session = useContext(SessionContext);
  const signedOut = props.error instanceof UnauthorizedError && session !== null;
  return (
    <div class="state error" role="alert">
      <p>
        {code !== undefined && <code class="code">{code}</code>} {props.error.message}
      </p>
      {signedOut && (
        <button type="button" class="primary" onClick={session.signOut}>
          Sign in again
        </button>
      )}
      {props.onRetry && !signedOut && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <div class="state empty">{props.children}</div>;
}

/** Renders the loading or error state, or `children(value)` once loaded. */
export function Loaded<T>(props: { state: AsyncState<T> & { reload(): void }; what: string; children: (value: T) => ComponentChildren }) {
  const { state } = props;
  if (state.kind === 'loading') return <Loading what={props.what} />;
  if (state.kind === 'error') return <ErrorState error={state.error} onRetry={state.reload} />;
  return <>{props.children(state.value)}</>;
}
