// Authentication for every route: a session cookie (browsers) or an API token (Bearer or
// HTTP Basic). Routes are private unless their config says `public: true`; a cookie-authed
// request that changes state must carry the session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import { mustEnrolTotp, resolveSession, type RequestInfo } from '../orgs/auth.service.js';
import { safeEqual } from '../orgs/secrets.js';
import { parseToken, resolveToken } from '../orgs/tokens.service.js';

export const sessionCookie = 'tocsin_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** reachable without signing in */
    public?: boolean;
    /** browser sessions only (tokens refused), e.g. changing one's password */
    sessionOnly?: boolean;
    /** allowed while an admin still has to set up TOTP */
    allowWithoutTotp?: boolean;
    /** a POST that only reads (a body too large for a query string): a read-scope token may call it */
    readOnly?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** the session cookie value and its CSRF token, when signed in by cookie */
    session: { token: string; csrfToken: string; hash: string } | null;
    /** the API token presented, kept so long-lived streams can re-check it */
    tokenCredentials: { id: string; secret: string } | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestInfo(request: FastifyRequest): RequestInfo {
  return { ip: request.ip ?? null, userAgent: (request.headers['user-agent'] as string | undefined) ?? null };
}

/** The signed-in actor; routes not marked public can rely on it. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('AUTH_REQUIRED');
  return request.actor;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('tokenCredentials', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // No route matched: answer 404 ROUTE_NOT_FOUND to everyone (nothing lies behind it).
    if (request.is404) return;
    const config = request.routeOptions.config ?? {};
    const info = requestInfo(request);
    // A public route with a header that is not ours (e.g. a Prometheus bearer token) ignores it.
    let credentials: { id: string; secret: string } | null;
    try {
      credentials = readCredentials(request);
    } catch (err) {
      if (!config.public) throw err;
      credentials = null;
    }

    if (credentials) {
      request.actor = await resolveToken(ctx, credentials.id, credentials.secret, info);
      request.tokenCredentials = credentials;
      if (config.sessionOnly) throw new AppError('FORBIDDEN', { action: 'do this with an API token (sign in with a browser)' });
      // Changing state needs write, or admin: an observer admin's token holds read+admin but
      // never write, and must still manage its organisation (services check the exact scope).
      const { scopes } = request.actor;
      if (!safeMethods.has(request.method) && !scopes.has('write') && !scopes.has('admin') && !config.public && !config.readOnly) {
        throw new AppError('SCOPE_INSUFFICIENT', { scope: 'write' });
      }
      return;
    }

    const cookie = request.cookies[sessionCookie];
    if (cookie) {
      const resolved = await resolveSession(ctx, cookie, info);
      if (resolved) {
        request.actor = resolved.actor;
        request.session = { token: cookie, csrfToken: resolved.csrfToken, hash: resolved.sessionHash };
        if (!safeMethods.has(request.method)) {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !safeEqual(sent, resolved.csrfToken)) throw new AppError('CSRF_INVALID');
        }
        if (!config.allowWithoutTotp && !config.public && (await mustEnrolTotp(ctx, resolved.user))) {
          throw new AppError('TOTP_ENROLMENT_REQUIRED');
        }
        return;
      }
      // A stale cookie is not an error on a public page; elsewhere it reads as "sign in again".
      reply.clearCookie(sessionCookie, { path: '/' });
      if (!config.public) throw new AppError('AUTH_SESSION_EXPIRED');
    }

    if (!config.public) throw new AppError('AUTH_REQUIRED');
  });
});

/** A token from `Authorization: Bearer tcs_…` or `Authorization: Basic base64(id:secret)`. */
function readCredentials(request: FastifyRequest): { id: string; secret: string } | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    const parsed = parseToken(value);
    if (!parsed) throw new AppError('AUTH_TOKEN_INVALID');
    return parsed;
  }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new AppError('AUTH_TOKEN_INVALID');
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Password may be the whole token (user name then ignored) or the secret with the token id as user.
    const whole = parseToken(password);
    if (whole) return whole;
    const composed = parseToken(`tcs_${user}_${password}`);
    if (composed) return composed;
    throw new AppError('AUTH_TOKEN_INVALID');
  }
  throw new AppError('AUTH_TOKEN_INVALID');
}
