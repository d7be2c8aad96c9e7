import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { fetchSession, logout, type Session } from '../api/auth.ts';

export type SessionState =
  { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; session: Session };

export type SessionContext = {
  state: SessionState;
  /** The signed-in member, if any. */
  session: Session | null;
  /** Takes the session a sign-in answered with. */
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
  /** Asks the server again, e.g. after the session ended elsewhere. */
  refresh: () => void;
};

const Context = createContext<SessionContext | null>(null);

/**
 * Who is signed in, asked once per page load and after every sign-in or sign-out. A failure to
 * ask counts as signed out: public pages work all the same, and the sign-in page says more.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (session) => {
        if (controller.signal.aborted) return;
        setState(session ? { status: 'signed-in', session } : { status: 'signed-out' });
      },
      () => {
        if (!controller.signal.aborted) setState({ status: 'signed-out' });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const signedIn = useCallback((session: Session) => {
    setState({ status: 'signed-in', session });
  }, []);
  const signOut = useCallback(async () => {
    await logout();
    setState({ status: 'signed-out' });
  }, []);
  const refresh = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo<SessionContext>(
    () => ({
      state,
      session: state.status === 'signed-in' ? state.session : null,
      signedIn,
      signOut,
      refresh,
    }),
    [state, signedIn, signOut, refresh],
  );
  return <Context value={value}>{children}</Context>;
}

export function useSession(): SessionContext {
  const context = use(Context);
  if (!context) throw new Error('useSession needs a SessionProvider');
  return context;
}
