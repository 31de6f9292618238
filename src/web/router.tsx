// A small history router: the address bar is the state, pushState changes it and
// popstate (back/forward) announces it. Routes are matched in app.tsx.
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface Location {
  pathname: string;
  search: string;
  /** Increases on every navigation, so pages can react to "same path, new visit". */
  key: number;
}

const changeEvent = 'tocsin:navigate';
let navigationCount = 0;
let current: Location = read();
let flash: { message: string; key: number } | null = null;

function read(): Location {
  return { pathname: window.location.pathname, search: window.location.search, key: navigationCount };
}

const listeners = new Set<() => void>();

function update(): void {
  navigationCount += 1;
  current = read();
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', update);
window.addEventListener(changeEvent, update);

function subscribe(callback: () => void): () => void {
  listeners.add(callback);
  return () => {
    listeners.delete(callback);
  };
}

function snapshot(): Location {
  const { pathname, search } = window.location;
  if (pathname !== current.pathname || search !== current.search) current = read();
  return current;
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot);
}

export interface NavigateOptions {
  replace?: boolean;
  /** A message shown once on the next page, in its live region. */
  flash?: string;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  const here = window.location.pathname + window.location.search;
  if (options.replace || to === here) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  flash = options.flash ? { message: options.flash, key: navigationCount + 1 } : null;
  window.dispatchEvent(new Event(changeEvent));
  window.scrollTo(0, 0);
}

/** The message passed with the navigation that led here, if any. */
export function useFlash(): string | null {
  const location = useLocation();
  return flash && flash.key === location.key ? flash.message : null;
}

export function useSearchParams(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

type Params = Record<string, string>;

/** Matches '/orgs/:id' against '/orgs/42'; returns the decoded params or null. */
export function matchPath(pattern: string, pathname: string): Params | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}

export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
}

/** A real <a href>: opens in a new tab with modifier keys, navigates in place otherwise. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
      (rest.target && rest.target !== '_self')
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** Sends the browser elsewhere after render (for guards). */
export function Redirect({ to }: { to: string }) {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}
