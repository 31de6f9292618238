// The one way the web app talks to the hub: JSON over fetch with the session cookie,
// the CSRF header on every change, and error bodies turned into ApiError.

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Set from GET /api/me or a sign-in response; sent as X-CSRF-Token on every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type SessionLostListener = (error: ApiError) => void;
let sessionLostListener: SessionLostListener | null = null;

/**
 * Called when any request says the session is gone or that the account must set up
 * two-factor first, so the app can send the user to the right page whatever was on screen.
 */
export function onSessionProblem(listener: SessionLostListener | null): void {
  sessionLostListener = listener;
}

const sessionProblemCodes = new Set(['AUTH_REQUIRED', 'AUTH_SESSION_EXPIRED', 'TOTP_ENROLMENT_REQUIRED']);

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A body sent as it is (an uploaded file) with its own Content-Type, instead of JSON. */
  raw?: { data: Blob | ArrayBuffer; type: string };
  signal?: AbortSignal;
  /** Do not tell the session listener about auth errors (sign-in, /api/me on start). */
  quiet?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.raw) headers['Content-Type'] = options.raw.type;
  else if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ? options.raw.data : options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'NETWORK_ERROR', 'Could not reach the hub. Check your connection and try again.');
  }

  if (response.ok) {
    if (response.status === 204 || response.status === 202 && !hasJson(response)) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const error = await toApiError(response);
  if (!options.quiet && sessionProblemCodes.has(error.code)) sessionLostListener?.(error);
  throw error;
}

function hasJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('json');
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError(body.statusCode ?? response.status, body.code, body.message, body.details, body.requestId);
  }
  // Not one of ours (a proxy page, a crash before the error handler): say what we know.
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    response.status >= 500
      ? `The hub answered with an error (${response.status}). Try again in a moment.`
      : `The request failed (${response.status} ${response.statusText}).`,
  );
}

interface ErrorBody {
  statusCode?: number;
  code: string;
  message: string;
  requestId?: string;
  details?: unknown;
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorBody).code === 'string' &&
    typeof (body as ErrorBody).message === 'string'
  );
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};

/** Text to show for anything a request threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** Path segment, escaped: ids come from the server but tokens come from the address bar. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
