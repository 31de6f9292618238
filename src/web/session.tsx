// Who is signed in: loads GET /api/me once, keeps the CSRF token in api.ts, and reacts
// when any request says the session ended or two-factor set-up is required.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, onSessionProblem, request, setCsrfToken } from './api.ts';
import { navigate } from './router.tsx';
import type { MeResponse, SignedIn } from './types.ts';

export interface Session {
  /** null once loaded means "not signed in". */
  me: MeResponse | null;
  loading: boolean;
  /** Error other than "not signed in" while loading /api/me (hub down). */
  loadError: string | null;
  refresh(): Promise<MeResponse | null>;
  signedIn(result: SignedIn): Promise<MeResponse | null>;
  signOut(): Promise<void>;
  /** The hub says the session is over (a request, or the live stream's end): forget it, go to sign-in. */
  expire(message?: string): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in session; only for pages behind the sign-in guard. */
export function useMe(): MeResponse {
  const { me } = useSession();
  if (!me) throw new Error('useMe on a page that does not require sign-in');
  return me;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeResponse | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);

  const refresh = useCallback(async (): Promise<MeResponse | null> => {
    try {
      const result = await request<MeResponse>('GET', '/api/me', { quiet: true });
      setCsrfToken(result.csrfToken);
      setMe(result);
      setLoadError(null);
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 401) {
        setCsrfToken(null);
        setMe(null);
        setLoadError(null);
        return null;
      }
      setLoadError(error instanceof Error ? error.message : 'Could not load your account.');
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  const signedIn = useCallback(
    async (result: SignedIn) => {
      setCsrfToken(result.csrfToken);
      return refresh();
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await request<void>('POST', '/api/auth/logout', { body: {}, quiet: true });
    } catch {
      // Signed out on the server or not, the browser forgets the session either way.
    }
    setCsrfToken(null);
    setMe(null);
    navigate('/signin', { flash: 'You are signed out.' });
  }, []);

  const expire = useCallback((message = 'Your session has ended. Sign in again.') => {
    setCsrfToken(null);
    setMe(null);
    const here = window.location.pathname + window.location.search;
    navigate(here.startsWith('/signin') ? here : `/signin?next=${encodeURIComponent(here)}`, { replace: true, flash: message });
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    onSessionProblem((error) => {
      if (error.code === 'TOTP_ENROLMENT_REQUIRED') {
        void refresh().then(() => navigate('/account', { replace: true, flash: error.message }));
        return;
      }
      expire();
    });
    return () => onSessionProblem(null);
  }, [refresh, expire]);

  const value = useMemo<Session>(
    () => ({ me, loading, loadError, refresh, signedIn, signOut, expire }),
    [me, loading, loadError, refresh, signedIn, signOut, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** What the signed-in user may do; the server decides, this only hides what would fail. */
export function isOperator(me: MeResponse): boolean {
  return me.user.isOperator;
}

export function isAdminOf(me: MeResponse, orgId: string): boolean {
  return me.user.isOperator || (me.user.orgId === orgId && me.user.role === 'admin');
}

/** May report an attack: analysts and admins of organisations that are not observers (and an operator without one). */
export function canReport(me: MeResponse): boolean {
  const { user, organisation } = me;
  if (user.isOperator && user.orgId === null) return true;
  if (!user.orgId || organisation?.observer) return false;
  return user.role === 'admin' || user.role === 'analyst';
}
