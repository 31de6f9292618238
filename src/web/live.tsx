// The live event stream, once for the whole app: one EventSource on /api/stream while
// someone is signed in, the count of warnings that arrived since they last looked at the
// dashboard, and a polite live region that announces new arrivals on every page. Watchlist
// matches (`watchlist.match`) go to the pages listening for them, or else are announced.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api.ts';
import type { WatchlistEvent } from './intel-types.ts';
import { useSession } from './session.tsx';
import { tlpLabel, type Warning, type WarningEvent, type WarningList } from './warning-types.ts';

export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

/** What pages hear: a warning event, or "sync" when they should reload (fresh connection, reset). */
export type LiveMessage = { kind: 'warning'; event: WarningEvent } | { kind: 'sync' };

export interface Live {
  status: LiveStatus;
  /** Warnings from others that arrived since the dashboard was last seen. */
  unread: number;
  isUnread(id: string): boolean;
  /** The dashboard was seen: everything up to now (and up to `newest`, a server time) is read. */
  markSeen(newest?: string | null): void;
  subscribe(listener: (message: LiveMessage) => void): () => void;
  /** New matches on the organisation's watchlist, as they arrive. */
  subscribeWatchlist(listener: (event: WatchlistEvent) => void): () => void;
}

const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** Calls `listener` for each live message while the component is mounted. */
export function useLiveMessages(listener: (message: LiveMessage) => void): void {
  const { subscribe } = useLive();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((m) => ref.current(m)), [subscribe]);
}

/** Calls `listener` for each watchlist.match event while the component is mounted (it then announces them itself). */
export function useWatchlistEvents(listener: (event: WatchlistEvent) => void): void {
  const { subscribeWatchlist } = useLive();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribeWatchlist((e) => ref.current(e)), [subscribeWatchlist]);
}

const eventTypes = ['warning.created', 'warning.updated', 'warning.retracted'] as const;
const seenKey = (userId: string) => `tocsin.warnings.lastSeen.${userId}`;

function readSeen(userId: string): string | null {
  try {
    return window.localStorage.getItem(seenKey(userId));
  } catch {
    return null;
  }
}

function writeSeen(userId: string, iso: string): void {
  try {
    window.localStorage.setItem(seenKey(userId), iso);
  } catch {
    // Private mode or storage full: the count is then only kept for this page's life.
  }
}

function parseEvent(data: string): WarningEvent | null {
  try {
    const parsed = JSON.parse(data) as WarningEvent;
    const w = parsed?.data?.warning;
    return w && typeof w.id === 'string' && typeof w.title === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function parseWatchlistEvent(data: string): WatchlistEvent | null {
  try {
    const parsed = JSON.parse(data) as WatchlistEvent;
    const w = parsed?.data?.watchlist;
    return w && typeof w.orgId === 'string' && Array.isArray(w.matches) ? parsed : null;
  } catch {
    return null;
  }
}

function announcementFor(event: WarningEvent): string | null {
  const w = event.data.warning;
  if (event.type === 'warning.created') return w.isOwn ? null : `New ${tlpLabel(w.tlp)} warning: ${w.title}`;
  if (event.type === 'warning.updated') return `Updated ${tlpLabel(w.tlp)} warning: ${w.title}`;
  if (event.type === 'warning.retracted') return `Retracted ${tlpLabel(w.tlp)} warning: ${w.title}`;
  return null;
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { me, expire } = useSession();
  const userId = me && !me.user.mustEnrolTotp ? me.user.id : null;
  const [status, setStatus] = useState<LiveStatus>('off');
  const [unread, setUnread] = useState<ReadonlyMap<string, string>>(new Map());
  const [announcements, setAnnouncements] = useState<{ key: number; text: string }[]>([]);
  const listeners = useRef(new Set<(message: LiveMessage) => void>());
  const watchListeners = useRef(new Set<(event: WatchlistEvent) => void>());
  const lastSeen = useRef<string>('');
  const expireRef = useRef(expire);
  expireRef.current = expire;

  const emit = useCallback((message: LiveMessage) => {
    for (const listener of [...listeners.current]) listener(message);
  }, []);

  const announced = useRef(0);
  const announce = useCallback((text: string) => {
    announced.current += 1;
    const key = announced.current;
    setAnnouncements((old) => [...old.slice(-4), { key, text }]);
  }, []);

  /** Warnings created after the last visit, from the API (at start, and after a reset). */
  const recount = useCallback(async (uid: string) => {
    const since = lastSeen.current;
    if (!since) return;
    try {
      const list = await api.get<WarningList>('/api/warnings', { since, status: 'active', limit: 200 });
      if (lastSeen.current !== since || !uid) return;
      setUnread(new Map(list.items.filter((w) => !w.isOwn && w.createdAt > since).map((w) => [w.id, w.createdAt])));
    } catch {
      // The badge is a convenience; the dashboard shows the truth.
    }
  }, []);

  // "Last seen" lives in localStorage, shared by this user's tabs.
  useEffect(() => {
    setUnread(new Map());
    if (!userId) {
      lastSeen.current = '';
      return;
    }
    const stored = readSeen(userId);
    if (stored) {
      lastSeen.current = stored;
      void recount(userId);
    } else {
      // First visit: nothing is "new" yet.
      lastSeen.current = new Date().toISOString();
      writeSeen(userId, lastSeen.current);
    }
    const onStorage = (event: StorageEvent) => {
      if (event.key !== seenKey(userId) || !event.newValue) return;
      const seen = event.newValue;
      if (seen <= lastSeen.current) return;
      lastSeen.current = seen;
      setUnread((old) => new Map([...old].filter(([, createdAt]) => createdAt > seen)));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [userId, recount]);

  // The stream itself.
  useEffect(() => {
    if (!userId) {
      setStatus('off');
      setAnnouncements([]);
      return;
    }
    let source: EventSource | null = null;
    let lastEventId = '';
    let retryTimer: number | undefined;
    let failures = 0;
    let stopped = false;

    const onWarning = (message: MessageEvent<string>) => {
      if (message.lastEventId) lastEventId = message.lastEventId;
      const event = parseEvent(message.data);
      if (!event) return;
      const w: Warning = event.data.warning;
      if (event.type === 'warning.created' && !w.isOwn && w.createdAt > lastSeen.current) {
        setUnread((old) => new Map(old).set(w.id, w.createdAt));
      } else if (event.type === 'warning.retracted') {
        setUnread((old) => {
          if (!old.has(w.id)) return old;
          const next = new Map(old);
          next.delete(w.id);
          return next;
        });
      }
      const text = announcementFor(event);
      if (text) announce(text);
      emit({ kind: 'warning', event });
    };

    const onWatchlist = (message: MessageEvent<string>) => {
      if (message.lastEventId) lastEventId = message.lastEventId;
      const event = parseWatchlistEvent(message.data);
      if (!event) return;
      const { matchCount, source } = event.data.watchlist;
      // The watchlist page, when open, shows and announces them itself.
      if (watchListeners.current.size === 0) {
        announce(`${matchCount} new match${matchCount === 1 ? '' : 'es'} on your watchlist, from ${source.label}`);
      }
      for (const listener of [...watchListeners.current]) listener(event);
    };

    const connect = () => {
      if (stopped) return;
      // A new EventSource (after a refused reconnect) resumes from the last event it saw.
      const url = lastEventId ? `/api/stream?lastEventId=${encodeURIComponent(lastEventId)}` : '/api/stream';
      const es = new EventSource(url);
      source = es;
      es.onopen = () => {
        failures = 0;
        setStatus('live');
        // Without an event id the server cannot replay: pages reload what they show.
        if (!lastEventId) emit({ kind: 'sync' });
      };
      for (const type of eventTypes) es.addEventListener(type, onWarning as EventListener);
      es.addEventListener('watchlist.match', onWatchlist as EventListener);
      es.addEventListener('reset', ((message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        void recount(userId);
        emit({ kind: 'sync' });
      }) as EventListener);
      es.addEventListener('end', () => {
        stopped = true;
        es.close();
        setStatus('off');
        expireRef.current('Your session has ended. Sign in again.');
      });
      es.onerror = () => {
        if (stopped) return;
        setStatus('reconnecting');
        if (es.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        // Refused outright (an error status): ask /api/me, which signs out if the session
        // is gone; otherwise try again, more slowly each time.
        es.close();
        failures += 1;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures, 5));
        retryTimer = window.setTimeout(() => {
          api.get('/api/me').then(connect, connect);
        }, delay);
      };
    };

    setStatus('connecting');
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      source?.close();
    };
  }, [userId, emit, announce, recount]);

  const markSeen = useCallback(
    (newest?: string | null) => {
      if (!userId) return;
      setUnread((old) => {
        let seen = lastSeen.current;
        if (newest && newest > seen) seen = newest;
        for (const createdAt of old.values()) if (createdAt > seen) seen = createdAt;
        if (seen !== lastSeen.current) {
          lastSeen.current = seen;
          writeSeen(userId, seen);
        }
        return old.size === 0 ? old : new Map();
      });
    },
    [userId],
  );

  const subscribe = useCallback((listener: (message: LiveMessage) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const subscribeWatchlist = useCallback((listener: (event: WatchlistEvent) => void) => {
    watchListeners.current.add(listener);
    return () => {
      watchListeners.current.delete(listener);
    };
  }, []);

  const value = useMemo<Live>(
    () => ({ status, unread: unread.size, isUnread: (id) => unread.has(id), markSeen, subscribe, subscribeWatchlist }),
    [status, unread, markSeen, subscribe, subscribeWatchlist],
  );

  return (
    <LiveContext.Provider value={value}>
      {children}
      <div className="visually-hidden" aria-live="polite" data-testid="live-announcements">
        {announcements.map((a) => (
          <p key={a.key}>{a.text}</p>
        ))}
      </div>
    </LiveContext.Provider>
  );
}

/**
 * True while this window is visible and has focus. Tracks the window's own focus and blur
 * events (not only document.hasFocus()), so a dashboard on a second screen, behind another
 * window, still counts new warnings as unread.
 */
export function useAttention(): boolean {
  const [focused, setFocused] = useState(() => document.hasFocus());
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onFocus = (event: Event) => {
      if (event.target === window) setFocused(true);
    };
    const onBlur = (event: Event) => {
      if (event.target === window) setFocused(false);
    };
    const onVisibility = () => setVisible(document.visibilityState === 'visible');
    window.addEventListener('focus', onFocus);
    window.addEventListener('blur', onBlur);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
  return focused && visible;
}
