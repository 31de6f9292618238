// Getting a feed's bytes: over HTTP(S) through the SSRF guard (the URL's shape before every
// request and redirect, every resolved address at connect time), conditionally (ETag /
// If-Modified-Since), within a time limit and a size cap, streamed to the parser; or from a
// file inside the operator's feed folder. Nothing here parses: gzip is the parsers' business.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { AppError } from '../errors.js';
import { checkUrlShape, describeUrl, guardedLookup, OutboundRefusedError, outboundPolicy, systemResolver, type Resolver } from '../push/ssrf.js';

export const feedUserAgent = 'Tocsin-Feeds/1';
const maxRedirects = 5;

/** Why a feed's source could not be read, in words for the operator (the run's error). */
export class FeedFetchError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

export interface FetchedDocument {
  notModified: false;
  body: AsyncIterable<Buffer>;
  etag: string | null;
  lastModified: string | null;
  /** Content-Length or the file size, for the progress bar */
  totalBytes: number | null;
  /** bytes read so far (before decompression) */
  readonly bytesRead: () => number;
}

export type FetchOutcome = FetchedDocument | { notModified: true };

export interface FetchOptions {
  /** config.outboundAllow */
  allow: readonly string[];
  resolver?: Resolver | undefined;
  timeoutMs: number;
  maxBytes: number;
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * GET a URL. Resolves once the headers are in: 304 → notModified; 2xx → a body to stream
 * (read errors, the time limit and the size cap surface as errors of that stream); anything
 * else → FeedFetchError. The time limit covers the whole exchange, body included.
 */
export async function fetchUrl(rawUrl: string, opts: FetchOptions): Promise<FetchOutcome> {
  const policy = outboundPolicy(opts.allow);
  const deadline = Date.now() + opts.timeoutMs;
  let url = rawUrl;
  for (let hop = 0; ; hop++) {
    const answer = await request(url, policy, opts, deadline);
    const s = answer.response.statusCode ?? 0;
    if (s >= 300 && s < 400 && s !== 304) {
      answer.abort();
      const location = answer.response.headers.location;
      if (typeof location !== 'string' || hop >= maxRedirects) throw new FeedFetchError(`${describeUrl(url)} answered HTTP ${s}${hop >= maxRedirects ? ` after ${maxRedirects} redirects` : ' without a Location'}`, s);
      try {
        url = new URL(location, url).toString();
      } catch {
        throw new FeedFetchError(`${describeUrl(url)} redirects to something that is not a URL`, s);
      }
      continue;
    }
    if (s === 304) {
      answer.abort();
      return { notModified: true };
    }
    if (s < 200 || s > 299) {
      answer.abort();
      throw new FeedFetchError(`${describeUrl(url)} answered HTTP ${s}${s === 404 ? ' (not found: check the URL)' : s === 401 || s === 403 ? ' (refused: check the credential or key in the URL)' : s >= 500 ? ' (the server failed)' : ''}`, s);
    }
    const declared = Number(answer.response.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      answer.abort();
      throw new FeedFetchError(`the answer (${declared} bytes) is larger than the limit of ${opts.maxBytes} bytes (TOCSIN_FEED_MAX_BYTES)`, s);
    }
    const header = (name: string) => {
      const v = answer.response.headers[name];
      return typeof v === 'string' && v.length <= 500 && !/[\u0000-\u001f]/.test(v) ? v : null;
    };
    return {
      notModified: false,
      body: answer.body,
      etag: header('etag'),
      lastModified: header('last-modified'),
      totalBytes: Number.isFinite(declared) ? declared : null,
      bytesRead: answer.bytesRead,
    };
  }
}

interface Answer {
  response: http.IncomingMessage;
  body: AsyncIterable<Buffer>;
  bytesRead: () => number;
  abort(): void;
}

function request(rawUrl: string, policy: ReturnType<typeof outboundPolicy>, opts: FetchOptions, deadline: number): Promise<Answer> {
  let url: URL;
  try {
    url = checkUrlShape(rawUrl, policy).url;
  } catch (err) {
    return Promise.reject(err instanceof AppError ? new FeedFetchError(err.message) : err);
  }
  const headers: Record<string, string> = { 'User-Agent': feedUserAgent, Accept: '*/*', 'Accept-Encoding': 'gzip', ...(opts.headers ?? {}) };
  if (opts.etag) headers['If-None-Match'] = opts.etag;
  if (opts.lastModified) headers['If-Modified-Since'] = opts.lastModified;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let read = 0;
    // The time limit or a stop, once the body is streaming: the reason the stream ends.
    let failure: FeedFetchError | null = null;
    const req = client.request(url, { method: 'GET', headers, lookup: guardedLookup(policy, opts.resolver ?? systemResolver), agent: false });
    const remaining = Math.max(1, deadline - Date.now());
    const timer = setTimeout(() => fail(new FeedFetchError(`no complete answer from ${describeUrl(rawUrl)} within ${opts.timeoutMs} ms (TOCSIN_FEED_TIMEOUT_MS)`)), remaining);
    timer.unref();
    const onAbort = () => fail(new FeedFetchError('the run was stopped'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    function fail(err: FeedFetchError) {
      failure ??= err;
      req.destroy(err);
      if (!settled) {
        settled = true;
        cleanup();
        reject(err);
      }
    }
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err instanceof FeedFetchError ? err : new FeedFetchError(`${describeUrl(rawUrl)}: ${describeError(err)}`));
    });
    req.on('response', (response) => {
      settled = true;
      const body = (async function* () {
        try {
          for await (const chunk of response as AsyncIterable<Buffer>) {
            read += chunk.length;
            if (read > opts.maxBytes) throw new FeedFetchError(`the answer is larger than the limit of ${opts.maxBytes} bytes (TOCSIN_FEED_MAX_BYTES)`);
            yield chunk;
          }
          if (failure) throw failure;
          if (!response.complete) throw new FeedFetchError('the answer broke off before its end');
        } catch (err) {
          throw failure ?? (err instanceof FeedFetchError ? err : new FeedFetchError(`the answer broke off: ${describeError(err as Error)}`));
        } finally {
          cleanup();
          req.destroy();
        }
      })();
      resolve({
        response,
        body,
        bytesRead: () => read,
        abort: () => {
          cleanup();
          req.destroy();
        },
      });
    });
    req.end();
  });
}

/**
 * The real path of a feed file, refused unless it lies inside the feed folder (symbolic links
 * are followed first, so one cannot point outside). `must`: 'file' or 'dir'.
 */
export async function resolveFeedPath(root: string | undefined, given: string, must: 'file' | 'dir'): Promise<string> {
  const refuse = (reason: string) => new AppError('FEED_FILE_REFUSED', { file: JSON.stringify(given.slice(0, 200)), reason });
  if (!root) throw refuse('file feeds are off: the operator sets TOCSIN_FEED_FILE_ROOT to the folder they may be read from');
  if (!given.trim() || given.includes('\u0000')) throw refuse('it is empty');
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    throw refuse(`the feed folder ${root} does not exist`);
  }
  const wanted = path.resolve(rootReal, given.trim());
  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    throw refuse('it does not exist');
  }
  const rel = path.relative(rootReal, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw refuse(`it is outside the feed folder (TOCSIN_FEED_FILE_ROOT)`);
  const st = await stat(real);
  if (must === 'file' && !st.isFile()) throw refuse('it is not a regular file');
  if (must === 'dir' && !st.isDirectory()) throw refuse('a MISP feed file source is the folder holding manifest.json');
  return real;
}

/** Open a feed file; unchanged since the last run (same size and modification time) → notModified. */
export async function openFeedFile(root: string | undefined, given: string, opts: { etag?: string | null | undefined } = {}): Promise<FetchOutcome> {
  const file = await resolveFeedPath(root, given, 'file');
  const st = await stat(file);
  const etag = `"${st.size}-${Math.floor(st.mtimeMs)}"`;
  if (opts.etag && opts.etag === etag) return { notModified: true };
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let read = 0;
  const body = (async function* () {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        yield chunk;
      }
    } finally {
      stream.destroy();
    }
  })();
  return { notModified: false, body, etag, lastModified: st.mtime.toUTCString(), totalBytes: st.size, bytesRead: () => read };
}

function describeError(failure: Error): string {
  const err = failure instanceof AggregateError && failure.errors[0] instanceof Error ? failure.errors[0] : failure;
  if (err instanceof OutboundRefusedError) return `refused at connect time: ${err.message}`;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out connecting';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the server cannot be reached';
  }
  if (code && /CERT|TLS|SSL/.test(code)) return `TLS: ${err.message.slice(0, 200)}`;
  return err.message.replace(/[\u0000-\u001f]/g, ' ').slice(0, 300) || 'connection failed';
}
