// The signed-in session: who the caller is (GET /auth/qhealth_role), signing in and out, keeping
// the access token fresh while the tab is open, and the live-update socket for the caller's role.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { resources, type Resources } from '../api/resources';
import type { Me } from '../api/types';
import { liveSocketUrl } from '../config';
import { LiveUpdates, type LiveStatus } from '../live/live';
import { liveStreamsFor } from './permissions';

const KEEP_FRESH_EVERY_MS = 30_000;

export type SessionStatus = 'loading' | 'anonymous' | 'signed-in';

export interface Session {
  status: SessionStatus;
  me: Me | null;
  /** Why the session ended by itself, for the login page to say. */
  notice: string | null;
  login(email: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  reloadMe(): Promise<void>;
  clearNotice(): void;
  live: LiveUpdates | null;
  liveStatus: LiveStatus;
}

const ApiContext = createContext<{ api: ApiClient; r: Resources } | null>(null);
const SessionContext = createContext<Session | null>(null);

export function useApi(): Resources {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside <SessionProvider>');
  return value.r;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionProvider>');
  return value;
}

interface ProviderProps {
  api: ApiClient;
  children: ReactNode;
  /** Tests pass a fixed session instead of signing in. */
  liveEnabled?: boolean;
}

export function SessionProvider({ api, children, liveEnabled = true }: ProviderProps) {
  const r = useMemo(() => resources(api), [api]);
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<SessionStatus>(api.signedIn ? 'loading' : 'anonymous');
  const [notice, setNotice] = useState<string | null>(null);
  const [live, setLive] = useState<LiveUpdates | null>(null);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('stopped');

  const reloadMe = useCallback(async () => {
    const who = await r.me();
    setMe(who);
    setStatus('signed-in');
  }, [r]);

  // A session left in this tab (a reload): find out who it belongs to.
  useEffect(() => {
    if (!api.signedIn) return;
    reloadMe().catch(() => {
      setMe(null);
      setStatus('anonymous');
    });
  }, [api, reloadMe]);

  useEffect(
    () =>
      api.onSessionExpired((message) => {
        setMe(null);
        setStatus('anonymous');
        setNotice(message);
      }),
    [api],
  );

  // Refresh the access token before it expires, while the tab is open.
  useEffect(() => {
    if (status !== 'signed-in') return;
    const timer = setInterval(() => void api.ensureFresh().catch(() => undefined), KEEP_FRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [api, status]);

  const role = me?.role;
  useEffect(() => {
    if (!role || !liveEnabled) return;
    const updates = new LiveUpdates({
      socketToken: async () => (await r.socketToken()).token,
      url: liveSocketUrl(),
      streams: liveStreamsFor(role),
    });
    const stopStatus = updates.onStatus(setLiveStatus);
    updates.start();
    setLive(updates);
    return () => {
      stopStatus();
      updates.stop();
      setLive(null);
      setLiveStatus('stopped');
    };
  }, [r, role, liveEnabled, me?.id]);

  const login = useCallback(
    async (email: string, password: string) => {
      await api.login(email, password);
      const who = await r.me();
      setMe(who);
      setStatus('signed-in');
      setNotice(null);
      return who;
    },
    [api, r],
  );

  const logout = useCallback(async () => {
    await api.logout();
    setMe(null);
    setStatus('anonymous');
  }, [api]);

  const session = useMemo<Session>(
    () => ({ status, me, notice, login, logout, reloadMe, clearNotice: () => setNotice(null), live, liveStatus }),
    [status, me, notice, login, logout, reloadMe, live, liveStatus],
  );

  return (
    <ApiContext.Provider value={{ api, r }}>
      <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
    </ApiContext.Provider>
  );
}
