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
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
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
import { createBus, type EventBus } from './push/bus.js';
import { AlertFilterSchema } from './push/filters.js';
import type { Pump } from './push/pump.js';
import { createMailPump } from './push/alerts.deliverer.js';
import { createWebhookPump } from './push/webhooks.deliverer.js';
import { createRetentionPump } from './push/retention.js';
import { createFederationPump } from './federation/runner.js';
import { peersRoutes } from './federation/peers.routes.js';
import { feedsRoutes } from './feeds/feeds.routes.js';
import { createFeedPump, stopFeedRuns } from './feeds/runner.js';
import { StreamHub } from './push/stream.js';
import { alertsRoutes } from './push/alerts.routes.js';
import { streamRoutes } from './push/stream.routes.js';
import { webhooksRoutes } from './push/webhooks.routes.js';
import { createPhishingMailbox, type PhishingMailbox } from './phishing/mailbox.js';
import { phishingRoutes } from './phishing/phishing.routes.js';
import { PhishingCheckSchema } from './phishing/phishing.schemas.js';
import { createPhishingRetentionPump } from './phishing/retention.js';
import { stixioRoutes } from './stixio/stixio.routes.js';
import { watchlistsRoutes } from './watchlists/watchlists.routes.js';
import { intelRoutes } from './intel/intel.routes.js';
import { exportFetchRoutes, exportsRoutes } from './exports/exports.routes.js';
import { createReportPump } from './reports/reports.deliverer.js';
import { publicReportsRoutes } from './reports/public.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { warningListsSettled } from './intel/warning-list-remark.js';
import { taxiiRoutes } from './taxii/taxii.routes.js';
import { warningsRoutes } from './warnings/warnings.routes.js';
import { WarningSchema } from './warnings/warnings.schemas.js';
import { authRoutes } from './orgs/auth.routes.js';
import { groupsRoutes } from './orgs/groups.routes.js';
import { GroupSchema } from './orgs/groups.schemas.js';
import { membersRoutes } from './orgs/members.routes.js';
import { InvitationSchema, OrganisationSchema, SettingsSchema, TokenSchema, UserSchema } from './orgs/orgs.schemas.js';
import { openStore, type Store } from './store/database.js';
import { seedWarningLists } from './intel/warning-lists.js';

export interface BuildOptions {
  /** an already-open store (tests share one per file); otherwise opened from config */
  store?: Store;
  mailer?: Mailer;
  bus?: EventBus;
  logger?: Logger;
  /** clock override for tests */
  now?: () => Date;
  /** folder of the built web app; default dist/web next to the program */
  webRoot?: string | null;
  /** sees every route as it is added (tests use it to list the whole URL map) */
  onRoute?: (route: RouteOptions) => void;
  /** start the stream and outbox deliverers on ready (default true; tests of a single pump turn it off) */
  workers?: boolean;
}

export type App = FastifyInstance & { ctx: AppContext; streams: StreamHub; pumps: Pump[]; phishingMailbox: PhishingMailbox | null };

/**
 * Where the built web app is: next to the program when it runs from dist/ (dist/app.js →
 * dist/web), or in dist/web when it runs from the sources (src/app.ts, under tsx or tests).
 */
export function webRootFor(moduleDir: string): string {
  return path.basename(moduleDir) === 'src' ? path.resolve(moduleDir, '..', 'dist', 'web') : path.resolve(moduleDir, 'web');
}

export const defaultWebRoot = webRootFor(path.dirname(fileURLToPath(import.meta.url)));

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

/** A URL as logged: a token in the query (export devices that can send nothing else) is hidden. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; hostname?: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        host: req.hostname,
        remoteAddress: req.ip,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config);
  const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize }));
  const ownsStore = !options.store;
  const mailer = options.mailer ?? createMailer(config.smtpUrl, config.smtpFrom, log);
  const bus = options.bus ?? (await createBus(store.dialect === 'postgres' ? config.databaseUrl : undefined, log));
  const ctx: AppContext = { config, db: store.db, dialect: store.dialect, mailer, bus, log, now: options.now ?? (() => new Date()) };
  await seedWarningLists(ctx.db, ctx.now().toISOString());
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
  // Fastify parses text/plain by default; the API speaks JSON, so anything else is a 415.
  app.removeContentTypeParser('text/plain');
  // The docs are public on purpose: the API's shape is no secret, and integrators need it.
  // Added before any plugin registers routes: onRoute hooks only see routes added after them.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  const { onRoute } = options;
  if (onRoute) app.addHook('onRoute', (route) => onRoute(route as RouteOptions));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Live delivery: the SSE hub and the outbox pumps run while the app is up.
  const streams = new StreamHub(ctx);
  const pumps: Pump[] = options.workers === false ? [] : [createWebhookPump(ctx), createMailPump(ctx), createRetentionPump(ctx), createPhishingRetentionPump(ctx), createFederationPump(ctx), ...(config.feedsEnabled ? [createFeedPump(ctx)] : []), ...(config.reportsEnabled ? [createReportPump(ctx)] : [])];
  if (options.workers !== false) {
    app.addHook('onReady', async () => {
      await streams.start();
      for (const p of pumps) p.start();
    });
  }
  app.decorate('streams', streams);
  app.decorate('pumps', pumps);
  // The phishing-check mailbox (SMTP) runs with the workers, when a port is configured.
  const phishingMailbox = options.workers === false || config.phishingSmtpPort === undefined ? null : createPhishingMailbox(ctx);
  if (phishingMailbox) app.addHook('onReady', async () => phishingMailbox.start());
  app.decorate('phishingMailbox', phishingMailbox);
  app.addHook('preClose', async () => {
    // Streams never finish on their own: end them so close() does not wait for clients.
    await streams.stop();
    // Feed runs first: stopped at their next batch, so the feed pump need not wait for them.
    await stopFeedRuns(ctx);
    await warningListsSettled(ctx);
    await Promise.all(pumps.map((p) => p.stop()));
    await phishingMailbox?.stop();
  });
  app.addHook('onClose', async () => {
    ready = false;
    mailer.close();
    if (!options.bus) await bus.close();
    if (ownsStore) await store.close();
  });

  for (const schema of [ErrorSchema, OrganisationSchema, UserSchema, InvitationSchema, TokenSchema, SettingsSchema, GroupSchema, WarningSchema, AlertFilterSchema, PhishingCheckSchema]) app.addSchema(schema);

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
  await app.register(authPlugin, { ctx });

  await app.register(systemRoutes, { ctx, isReady: () => ready });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(membersRoutes, { ctx });
      await api.register(groupsRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
      await api.register(warningsRoutes, { ctx });
      await api.register(alertsRoutes, { ctx });
      await api.register(streamRoutes, { ctx, hub: streams });
      await api.register(webhooksRoutes, { ctx });
      await api.register(peersRoutes, { ctx });
      await api.register(phishingRoutes, { ctx });
      await api.register(stixioRoutes, { ctx });
      await api.register(watchlistsRoutes, { ctx });
      await api.register(feedsRoutes, { ctx });
      await api.register(intelRoutes, { ctx });
      await api.register(exportsRoutes, { ctx });
      await api.register(reportsRoutes, { ctx });
    },
    { prefix: '/api' },
  );
  await app.register(taxiiRoutes, { ctx, prefix: '/taxii2' });
  await app.register(exportFetchRoutes, { ctx });
  await app.register(publicReportsRoutes, { ctx });

  await registerWebApp(app as unknown as FastifyInstance, options.webRoot === undefined ? defaultWebRoot : options.webRoot);
  return app as unknown as App;
}

/** Serve the built React app, with index.html for client-side routes. */
async function registerWebApp(app: FastifyInstance, webRoot: string | null): Promise<void> {
  if (!webRoot || !existsSync(path.join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'web app not built: run `npm run build:web`; the API still works');
    return;
  }
  await app.register(async (web) => {
    // The app's files are public (the sign-in page must load); what they show comes from the API.
    web.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await web.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      // Built assets have content hashes in their names; index.html must be revalidated so an upgrade takes effect.
      setHeaders: (reply, file) => void reply.header('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
    });
    web.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0]!;
      const apiLike = /^\/(api|taxii2|exports|public|healthz|readyz|metrics)(\/|$)/.test(url);
      if (apiLike || path.extname(url)) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  });
}
