/** The signed-in session: the client, the caller's scopes and sign-out, for every page. */
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { SessionView } from '../../src/core/wire.js';
import type { HarmoniaClient } from './client.js';

export interface ConsoleSession {
  client: HarmoniaClient;
  session: SessionView;
  /** The token may start, control and change things (write or admin). */
  canWrite: boolean;
  signOut(): void;
}

/** Null outside a signed-in session (the sign-in page, a failed start). */
export const SessionContext = createContext<ConsoleSession | null>(null);

export function SessionProvider(props: { value: ConsoleSession; children: ComponentChildren }) {
  return <SessionContext.Provider value={props.value}>{props.children}</SessionContext.Provider>;
}

/** The current session; pages render only inside a signed-in session. */
export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession() outside a SessionProvider');
  return session;
}
