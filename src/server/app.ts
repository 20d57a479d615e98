/**
 * Builds the Fastify app: security headers, body limits, gzip bodies, Problem errors, the API routes and the built
 * PWA. It never listens (main.ts does); tests drive it with `inject`.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Database } from './db/client.ts';
import { installProblemHandler } from './plugins/problems.ts';
import { installZodValidation } from './plugins/zod-validation.ts';
import { installGzipBodies } from './plugins/gzip-body.ts';
import { installResponseCompression } from './plugins/compress-responses.ts';
import { installStaticFiles } from './plugins/static-files.ts';
import { healthRoutes } from './routes/health.ts';
import { authRoutes } from './routes/auth.ts';
import { syncRoutes } from './routes/sync.ts';
import { teamRoutes } from './routes/teams.ts';
import { importRoutes } from './routes/imports.ts';
import { createCccdCipher } from './services/cccd-crypto.ts';
import { householdLinkRoutes } from './routes/household-links.ts';
import { reportRoutes } from './routes/reports.ts';
import { createAggregator } from './services/aggregator.ts';
import { pushesFirst } from './services/sync-push.ts';
import { foregroundQuiet, installForegroundRequests } from './plugins/foreground-requests.ts';
import { SUBMIT_LIMIT_PER_CODE, SUBMIT_LIMIT_PER_IP } from '../shared/household-link.ts';
import { makeAuthenticate } from './auth/authenticate.ts';
import { createPhoneLimiter } from './auth/phone-limiter.ts';
import { ProblemError } from './problem-error.ts';
import { installOpenApi } from './plugins/openapi.ts';
import { APP_VERSION } from './version.ts';

/** Ordinary JSON requests; the push route raises its own limit. */
export const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  database: Database;
  /** The built PWA (dist/); null or a directory without index.html → API only. */
  distDir?: string | null;
  logger?: FastifyServerOptions['logger'];
  version?: string;
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (rate limits key on it). */
  trustProxy?: boolean;
  /** Login attempts per IP per minute (default 20). */
  loginPerIpPerMinute?: number;
  /** Failed logins per phone before it is refused for `phoneLockMs` (default 5 per 15 minutes). */
  loginFailuresPerPhone?: number;
  phoneLockMs?: number;
  /** The master key for CCCD numbers at rest (32 bytes; main.ts loads it). Absent → roster routes answer 503. */
  cccdKey?: Buffer | null;
  /** Public household-link requests per IP per hour and per code per hour (defaults in shared/household-link.ts). */
  linkRequestsPerIpPerHour?: number;
  linkRequestsPerCodePerHour?: number;
  /** Totals: keep the aggregates up to date in the background after pushes (default true; requests catch up anyway). */
  aggregateInBackground?: boolean;
}

export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });

  installProblemHandler(app);
  installZodValidation(app);
  installGzipBodies(app);
  installResponseCompression(app);
  installForegroundRequests(app, options.database.db);
  await app.register(helmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // Plain http on 127.0.0.1 / a LAN during pilots: HSTS would be ignored there and is set by the TLS proxy in
    // production.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });

  await installOpenApi(app, options.version ?? APP_VERSION);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new ProblemError('auth.rate-limited'),
  });
  app.decorateRequest('authUser', null);
  const authenticate = makeAuthenticate(options.database);

  healthRoutes(app, { database: options.database, version: options.version ?? APP_VERSION });
  authRoutes(app, {
    database: options.database,
    authenticate,
    phoneLimiter: createPhoneLimiter(options.loginFailuresPerPhone ?? 5, options.phoneLockMs ?? 15 * 60_000),
    loginPerIpPerMinute: options.loginPerIpPerMinute ?? 20,
  });
  syncRoutes(app, { database: options.database, authenticate });
  const cccdCipher = options.cccdKey ? createCccdCipher(options.cccdKey) : null;
  teamRoutes(app, { database: options.database, authenticate, cipher: cccdCipher });
  importRoutes(app, { database: options.database, authenticate, cipher: cccdCipher });
  householdLinkRoutes(app, {
    database: options.database,
    authenticate,
    limits: {
      perIpPerHour: options.linkRequestsPerIpPerHour ?? SUBMIT_LIMIT_PER_IP,
      perCodePerHour: options.linkRequestsPerCodePerHour ?? SUBMIT_LIMIT_PER_CODE,
    },
  });
  // Totals are maintained from the change sequence, off the push path: a run shortly after pushes, one every
  // minute for other writers (imports, self-checks), and a bounded catch-up at the start of every report request.
  const background = options.aggregateInBackground ?? true;
  const aggregator = createAggregator(options.database, {
    intervalMs: background ? 60_000 : 0,
    // Requests first: a background slice waits until no request is being answered and the push writer is idle, at
    // most 2 s (so totals still move).
    yieldTo: () => foregroundQuiet(options.database.db, 2_000),
    // A report's catch-up is foreground work, but pushes still go before each of its batches after the first.
    betweenBatches: (maxWaitMs) => pushesFirst(options.database.db, maxWaitMs),
    onError: (error) => app.log.error({ err: error }, 'totals aggregation failed'),
  });
  reportRoutes(app, { database: options.database, authenticate, aggregator });
  if (background) {
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url === '/api/sync/push' && reply.statusCode === 200) aggregator.schedule();
    });
  }
  app.addHook('onClose', async () => aggregator.stop());

  await installStaticFiles(app, options.distDir ?? null);
  return app;
}
