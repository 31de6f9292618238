// buildApp: the whole hub as a Fastify instance, never listening (main and tests decide).
// Order matters: errors and security headers first, then auth, then the feature routes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { auditRoutes } from './audit/audit.routes.js';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { authPlugin } from './http/auth.plugin.js';
import { errorsPlugin } from './http/errors.plugin.js';
import { metricsPlugin } from './http/metrics.js';
import { ErrorSchema } from './http/schemas.js';
import { systemRoutes } from './http/system.routes.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { authRoutes } from './orgs/auth.routes.js';
import { membersRoutes } from './orgs/members.routes.js';
import { InvitationSchema, OrganisationSchema, SettingsSchema, TokenSchema, UserSchema } from './orgs/orgs.schemas.js';
import { openStore, type Store } from './store/database.js';

export interface BuildOptions {
  /** an already-open store (tests share one per file); otherwise opened from config */
  store?: Store;
  mailer?: Mailer;
  logger?: Logger;
  /** clock override for tests */
  now?: () => Date;
  /** folder of the built web app; default dist/web next to the program */
  webRoot?: string | null;
}

export type App = FastifyInstance & { ctx: AppContext };

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultWebRoot = path.resolve(here, '..', here.endsWith(`${path.sep}src`) ? 'dist/web' : 'web');

/** Secrets that must never reach a log line. */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
];

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } });
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config);
  const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize }));
  const ownsStore = !options.store;
  const mailer = options.mailer ?? createMailer(config.smtpUrl, config.smtpFrom, log);
  const ctx: AppContext = { config, db: store.db, dialect: store.dialect, mailer, log, now: options.now ?? (() => new Date()) };
  let ready = true;

  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('ctx', ctx);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onClose', async () => {
    ready = false;
    mailer.close();
    if (ownsStore) await store.close();
  });

  for (const schema of [ErrorSchema, OrganisationSchema, UserSchema, InvitationSchema, TokenSchema, SettingsSchema]) app.addSchema(schema);

  await app.register(errorsPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: config.publicUrl.startsWith('https:'),
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(metricsPlugin);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tocsin API', version: '0.1.0', description: 'Threat-intelligence sharing hub. Authenticate with a session cookie (browsers) or an API token: `Authorization: Bearer tcs_…` or HTTP Basic.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
          session: { type: 'apiKey', in: 'cookie', name: 'tocsin_session' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: true } });
  // The docs are public on purpose: the API's shape is no secret, and integrators need it.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(authPlugin, { ctx });

  await app.register(systemRoutes, { ctx, isReady: () => ready });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(membersRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
    },
    { prefix: '/api' },
  );

  await registerWebApp(app as unknown as FastifyInstance, options.webRoot === undefined ? defaultWebRoot : options.webRoot);
  return app as unknown as App;
}

/** Serve the built React app, with index.html for client-side routes. */
async function registerWebApp(app: FastifyInstance, webRoot: string | null): Promise<void> {
  if (!webRoot || !existsSync(path.join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'web app not built: run `npm run build:web`; the API still works');
    return;
  }
  await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: true, maxAge: '1h' });
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const url = request.url.split('?')[0]!;
    const apiLike = /^\/(api|taxii2|healthz|readyz|metrics)(\/|$)/.test(url);
    if (apiLike || path.extname(url)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
