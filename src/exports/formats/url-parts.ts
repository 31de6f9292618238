// The parts of a canonical URL (observables.ts normaliseUrl) without re-encoding anything:
// tools match what was seen, so the path and query stay exactly as written.
export interface UrlParts {
  scheme: string;
  /** a host name, a dotted quad, or `[IPv6]` */
  host: string;
  /** as written, null when absent */
  port: number | null;
  /** starts with `/` or is empty */
  path: string;
  /** without the `?`; null when absent */
  query: string | null;
}

const defaultPorts: Readonly<Record<string, number>> = { http: 80, https: 443, ftp: 21, ws: 80, wss: 443 };

/** Split `scheme://[userinfo@]host[:port]path?query#fragment`; userinfo and fragment are never sent to a server and are dropped. */
export function splitUrl(value: string): UrlParts | null {
  const m = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#\\]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s.exec(value);
  if (!m) return null;
  const [, scheme = '', authority = '', path = '', query] = m;
  const hostport = authority.slice(authority.lastIndexOf('@') + 1);
  let host = hostport;
  let port: number | null = null;
  const portMatch = /^(.*?)(?::(\d{1,5}))?$/s.exec(hostport);
  if (portMatch?.[2] !== undefined) {
    host = portMatch[1] ?? '';
    port = Number(portMatch[2]);
  }
  if (!host) return null;
  return { scheme, host, port, path, query: query ?? null };
}

/** The port unless it is the scheme's default (`http://x:80/` is `http://x/`). */
export function explicitPort(parts: UrlParts): number | null {
  return parts.port !== null && parts.port !== defaultPorts[parts.scheme] ? parts.port : null;
}

/** `/path?query`, `/` when both are empty. */
export function pathAndQuery(parts: UrlParts): string {
  const path = parts.path || '/';
  return parts.query !== null ? `${path}?${parts.query}` : path;
}

/**
 * Characters outside visible ASCII (and those in `also`) as %XX of their UTF-8 bytes — how a
 * client sends them on the wire. Existing %XX sequences are left alone.
 */
export function percentEncode(s: string, also = ''): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && !also.includes(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
