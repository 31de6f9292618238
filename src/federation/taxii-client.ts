// A TAXII 2.1 client for talking to peer hubs: real HTTP through the SSRF guard (the URL's
// shape before every request, every resolved address at connect time), a time limit and a
// size limit on every answer, no redirects, and errors a person can act on. Everything a peer
// sends is checked before use: it is another organisation's server, not ours.
import http from 'node:http';
import https from 'node:https';
import { checkUrlShape, guardedLookup, OutboundRefusedError, outboundPolicy, systemResolver, type Resolver } from '../push/ssrf.js';
import { parseTimestampMicros } from '../stix/time.js';
import { isTaxiiContentType, taxiiMediaType } from '../taxii/media.js';

export const federationUserAgent = 'Tocsin-Federation/1';

export type PeerAuth = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export interface ClientOptions {
  timeoutMs: number;
  maxBytes: number;
  /** config.outboundAllow */
  allow: readonly string[];
  resolver?: Resolver;
}

/** Why a call to a peer failed, in words for the operator (shown as the peer's last error). */
export class PeerCallError extends Error {
  constructor(
    message: string,
    /** HTTP status of the answer, if there was one */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'PeerCallError';
  }
}

export interface ApiRootInfo {
  apiRoot: string;
  title: string | null;
  maxContentLength: number | null;
}

export interface RemoteCollection {
  id: string;
  title: string;
  canRead: boolean;
  canWrite: boolean;
}

export interface ObjectsPage {
  objects: unknown[];
  more: boolean;
  next: string | null;
  /** X-TAXII-Date-Added-Last, when the peer sent a valid one */
  dateAddedLast: string | null;
}

export interface RemoteStatus {
  id: string | null;
  successCount: number | null;
  failureCount: number | null;
  failures: Array<{ id: string; message: string }>;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

const collectionIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$/;
const maxNextLength = 2048;

/** Is this a collection id we can put in a URL path as it is? (Peers' ids are UUIDs in practice.) */
export function isCollectionId(id: string): boolean {
  return collectionIdPattern.test(id);
}

export class TaxiiClient {
  private readonly authHeader: string | null;

  constructor(
    auth: PeerAuth,
    private readonly opts: ClientOptions,
  ) {
    this.authHeader =
      auth.kind === 'bearer' ? `Bearer ${auth.token}` : auth.kind === 'basic' ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` : null;
  }

  /**
   * The API root behind a URL: either the URL is an API root (it lists `versions`), or it is a
   * discovery resource whose `default` (else first api_root) is followed once.
   */
  async discover(url: string): Promise<ApiRootInfo> {
    // TAXII URLs end in a slash; people often leave it off.
    url = withSlash(url);
    const first = await this.getJson(url, 'the TAXII address');
    if (!isApiRoot(first)) {
      const listed = typeof first.default === 'string' ? first.default : Array.isArray(first.api_roots) ? first.api_roots.find((r) => typeof r === 'string') : undefined;
      if (typeof listed !== 'string') throw new PeerCallError('the peer answered, but with neither a TAXII discovery resource (api_roots) nor an API root (versions)');
      let root: string;
      try {
        root = new URL(listed, url).toString();
      } catch {
        throw new PeerCallError(`the peer's discovery names an API root that is not a URL: ${clean(listed).slice(0, 100)}`);
      }
      const second = await this.getJson(root, 'the API root named by discovery');
      if (!isApiRoot(second)) throw new PeerCallError(`${describe(root)} is not a TAXII API root (it lists no versions)`);
      return apiRootInfo(withSlash(root), second);
    }
    return apiRootInfo(withSlash(url), first);
  }

  async collections(apiRoot: string): Promise<RemoteCollection[]> {
    const body = await this.getJson(new URL('collections/', apiRoot).toString(), 'the collection list');
    if (body.collections === undefined) return [];
    if (!Array.isArray(body.collections)) throw new PeerCallError('the peer\'s collection list is malformed ("collections" is not a list)');
    const result: RemoteCollection[] = [];
    for (const c of body.collections.slice(0, 1000)) {
      if (!c || typeof c !== 'object') continue;
      const o = c as Record<string, unknown>;
      if (typeof o.id !== 'string' || !isCollectionId(o.id)) continue;
      result.push({ id: o.id, title: typeof o.title === 'string' ? clean(o.title).slice(0, 200) : o.id, canRead: o.can_read === true, canWrite: o.can_write === true });
    }
    return result;
  }

  /** One page of a collection's objects, from `added_after` and/or `next`. */
  async objects(apiRoot: string, collectionId: string, q: { addedAfter: string | null; next: string | null }): Promise<ObjectsPage> {
    const url = new URL(`collections/${checkedCollection(collectionId)}/objects/`, apiRoot);
    if (q.addedAfter) url.searchParams.set('added_after', q.addedAfter);
    if (q.next) url.searchParams.set('next', q.next);
    const answer = await this.request('GET', url.toString(), null);
    const body = this.expectJson(answer, `the objects of collection ${collectionId}`);
    if (body.objects !== undefined && !Array.isArray(body.objects)) throw new PeerCallError('the peer\'s page is malformed ("objects" is not a list)');
    if (body.more !== undefined && typeof body.more !== 'boolean') throw new PeerCallError('the peer\'s page is malformed ("more" is not true or false)');
    if (body.next !== undefined && (typeof body.next !== 'string' || body.next.length === 0 || body.next.length > maxNextLength || /[\u0000-\u001f\u007f]/.test(body.next))) {
      throw new PeerCallError('the peer\'s page is malformed ("next" is not a usable value)');
    }
    return {
      objects: (body.objects as unknown[] | undefined) ?? [],
      more: body.more === true,
      next: typeof body.next === 'string' ? body.next : null,
      dateAddedLast: timestampHeader(answer.headers['x-taxii-date-added-last']),
    };
  }

  /** POST an envelope; `objects` are STIX objects already serialised as JSON. */
  async push(apiRoot: string, collectionId: string, objects: readonly string[]): Promise<RemoteStatus> {
    const url = new URL(`collections/${checkedCollection(collectionId)}/objects/`, apiRoot).toString();
    const answer = await this.request('POST', url, `{"objects":[${objects.join(',')}]}`);
    const body = this.expectJson(answer, `the push to collection ${collectionId}`);
    const failures: RemoteStatus['failures'] = [];
    if (Array.isArray(body.failures)) {
      for (const f of body.failures.slice(0, 1000)) {
        if (f && typeof f === 'object') {
          const o = f as Record<string, unknown>;
          failures.push({ id: typeof o.id === 'string' ? clean(o.id).slice(0, 300) : '(no id)', message: typeof o.message === 'string' ? clean(o.message).slice(0, 300) : '' });
        }
      }
    }
    const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
    return { id: typeof body.id === 'string' ? clean(body.id).slice(0, 100) : null, successCount: count(body.success_count), failureCount: count(body.failure_count), failures };
  }

  private async getJson(url: string, what: string): Promise<Record<string, unknown>> {
    return this.expectJson(await this.request('GET', url, null), what);
  }

  /** A 2xx TAXII answer with a JSON object body, or a PeerCallError saying what was wrong. */
  private expectJson(answer: Answer, what: string): Record<string, unknown> {
    if (answer.status < 200 || answer.status > 299) throw httpError(answer, what);
    const type = answer.headers['content-type'];
    if (!isTaxiiContentType(type)) {
      throw new PeerCallError(`${what}: the peer answered with Content-Type ${clean(String(type ?? '(none)')).slice(0, 80)}, not ${taxiiMediaType}; is this a TAXII 2.1 server?`, answer.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new PeerCallError(`${what}: the peer's answer is not valid JSON`, answer.status);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PeerCallError(`${what}: the peer's answer is not a JSON object`, answer.status);
    return body as Record<string, unknown>;
  }

  /** One HTTP exchange through the guard; resolves with whatever status the peer answered. */
  private request(method: 'GET' | 'POST', rawUrl: string, body: string | null): Promise<Answer> {
    const policy = outboundPolicy(this.opts.allow);
    let url: URL;
    try {
      url = checkUrlShape(rawUrl, policy).url;
    } catch (err) {
      return Promise.reject(new PeerCallError((err as Error).message));
    }
    const headers: Record<string, string> = { Accept: taxiiMediaType, 'User-Agent': federationUserAgent };
    if (this.authHeader) headers.Authorization = this.authHeader;
    if (body !== null) {
      headers['Content-Type'] = taxiiMediaType;
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const client = url.protocol === 'https:' ? https : http;
    const { timeoutMs, maxBytes } = this.opts;

    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const finish = (result: Answer | PeerCallError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        if (result instanceof PeerCallError) reject(result);
        else resolve(result);
      };
      const request = client.request(
        url,
        // A fresh connection per request: every connect goes through the guarded lookup.
        { method, headers, lookup: guardedLookup(policy, this.opts.resolver ?? systemResolver), agent: false },
        (response) => {
          const status = response.statusCode ?? 0;
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            finish(new PeerCallError(`the peer's answer (${declared} bytes) is larger than the limit of ${maxBytes} bytes (TOCSIN_FEDERATION_MAX_RESPONSE_BYTES)`, status));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) finish(new PeerCallError(`the peer's answer is larger than the limit of ${maxBytes} bytes (TOCSIN_FEDERATION_MAX_RESPONSE_BYTES)`, status));
            else chunks.push(chunk);
          });
          response.on('end', () => finish({ status, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (err) => finish(new PeerCallError(`the answer broke off: ${describeError(err)}`, status)));
        },
      );
      const timer = setTimeout(() => finish(new PeerCallError(`no complete answer from ${describe(rawUrl)} within ${timeoutMs} ms`)), timeoutMs);
      request.on('error', (err) => finish(new PeerCallError(`${describe(rawUrl)}: ${describeError(err)}`)));
      request.end(body ?? undefined);
    });
  }
}

function isApiRoot(body: Record<string, unknown>): boolean {
  return Array.isArray(body.versions);
}

function apiRootInfo(apiRoot: string, body: Record<string, unknown>): ApiRootInfo {
  const versions = (body.versions as unknown[]).filter((v): v is string => typeof v === 'string');
  if (!versions.some((v) => isTaxiiContentType(v))) throw new PeerCallError(`${describe(apiRoot)} does not offer TAXII 2.1 (it lists ${clean(versions.join(', ')).slice(0, 100) || 'no versions'})`);
  const max = body.max_content_length;
  return {
    apiRoot,
    title: typeof body.title === 'string' ? clean(body.title).slice(0, 200) : null,
    maxContentLength: typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : null,
  };
}

function withSlash(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.toString();
}

function checkedCollection(id: string): string {
  if (!isCollectionId(id)) throw new PeerCallError(`"${clean(id).slice(0, 60)}" is not a collection id that can be used in a URL`);
  return id;
}

function timestampHeader(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' || v.length > 40) return null;
  return parseTimestampMicros(v.trim()) === null ? null : v.trim();
}

function httpError(answer: Answer, what: string): PeerCallError {
  const s = answer.status;
  const said = peerSays(answer);
  const tail = said ? `: ${said}` : '';
  let why: string;
  if (s >= 300 && s < 400) {
    const location = typeof answer.headers.location === 'string' ? ` to ${clean(answer.headers.location).slice(0, 200)}` : '';
    why = `redirect${location} not followed; set the peer's URL to the final address`;
  } else if (s === 401) why = 'the peer does not accept our credential; check the token or password';
  else if (s === 403) why = 'the peer refuses our credential this access; check its scopes and role there';
  else if (s === 404) why = 'not found on the peer; check the URL and the collection ids';
  else if (s === 406 || s === 415) why = 'the peer does not speak TAXII 2.1 here';
  else if (s === 413) why = 'the peer refuses a body this large';
  else if (s === 429) why = 'the peer asks us to slow down';
  else if (s >= 500) why = 'the peer failed';
  else why = 'the peer refused the request';
  return new PeerCallError(`${what}: HTTP ${s}, ${why}${tail}`, s);
}

/** The description from a TAXII error body, if the peer sent one. */
function peerSays(answer: Answer): string {
  try {
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    const text = typeof body.description === 'string' ? body.description : typeof body.title === 'string' ? body.title : '';
    return clean(text).slice(0, 200);
  } catch {
    return '';
  }
}

/** How a URL is named in messages: scheme, host and port (paths and queries can hold secrets). */
function describe(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the peer';
  }
}

/** Peer text goes into the health view and the log: one line, no control characters. */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
}

function describeError(failure: Error): string {
  const err = failure instanceof AggregateError && failure.errors[0] instanceof Error ? failure.errors[0] : failure;
  if (err instanceof OutboundRefusedError) return `refused at connect time: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the peer hub running?)';
    case 'ECONNRESET':
      return 'connection reset by the peer';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out connecting';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the peer cannot be reached';
  }
  if (code && /CERT|TLS|SSL/.test(code)) return `TLS: ${clean(err.message).slice(0, 200)}`;
  return clean(err.message).slice(0, 300) || 'connection failed';
}
