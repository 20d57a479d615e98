/**
 * POST /api/auth/login (phone + password → opaque bearer token, 30 days), POST /api/auth/logout (revokes the
 * token), GET /api/me (who am I, what is my scope). Login is rate-limited per IP and, for failures, per phone.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import type * as z from 'zod/mini';
import { loginRequestSchema, loginResponseSchema, meResponseSchema, type Me } from '../../shared/auth.ts';
import { normalizeVnPhone, maskVnPhone } from '../../shared/phone.ts';
import type { Database } from '../db/client.ts';
import { usersRepository } from '../db/users.ts';
import { sessionsRepository } from '../db/sessions.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { hashToken, newToken, SESSION_TTL_MS } from '../auth/tokens.ts';
import { currentUser, type AuthUser } from '../auth/authenticate.ts';
import { scopeFromRow } from '../auth/scope.ts';
import type { PhoneLimiter } from '../auth/phone-limiter.ts';
import { ProblemError } from '../problem-error.ts';

export function toMe(user: Omit<AuthUser, 'tokenHash'>): Me {
  const scope: Me['scope'] =
    user.scope.kind === 'communes' ? { kind: 'communes', communes: [...user.scope.communes] } : user.scope;
  return {
    id: user.id,
    name: user.name,
    phone: maskVnPhone(user.phone),
    role: user.role,
    scope,
    scopeLabel: user.scopeLabel,
    teamId: user.teamId,
  };
}

export interface AuthRouteOptions {
  database: Database;
  authenticate: (request: FastifyRequest) => Promise<void>;
  phoneLimiter: PhoneLimiter;
  loginPerIpPerMinute: number;
}

export function authRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const users = usersRepository(opts.database.db);
  const sessions = sessionsRepository(opts.database.db);

  app.post(
    '/api/auth/login',
    {
      schema: { body: loginRequestSchema, response: { 200: loginResponseSchema }, tags: ['auth'], summary: 'Log in with phone and password' },
      config: { rateLimit: { max: opts.loginPerIpPerMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const body = request.body as z.output<typeof loginRequestSchema>;
      const phone = normalizeVnPhone(body.phone) ?? body.phone.trim();
      const limit = opts.phoneLimiter.isBlocked(phone);
      if (limit.blocked) {
        reply.header('Retry-After', String(limit.retryAfterSeconds));
        throw new ProblemError('auth.rate-limited');
      }
      const user = await users.findByPhone(phone);
      const ok = await verifyPassword(body.password, user?.passwordHash ?? null);
      if (!ok || user === undefined || !user.active) {
        opts.phoneLimiter.recordFailure(phone);
        throw new ProblemError('auth.invalid-credentials');
      }
      opts.phoneLimiter.clear(phone);
      const token = newToken();
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      await sessions.create(hashToken(token), user.id, expiresAt);
      const me = toMe({
        id: user.id,
        name: user.name,
        phone: user.phone,
        role: user.role,
        scope: scopeFromRow(user),
        scopeLabel: user.scopeLabel,
        teamId: user.teamId,
      });
      reply.header('Cache-Control', 'no-store');
      return { token, expiresAt: expiresAt.toISOString(), user: me };
    },
  );

  app.post(
    '/api/auth/logout',
    { onRequest: opts.authenticate, schema: { tags: ['auth'], summary: 'Revoke this session' } },
    async (request, reply) => {
      await sessions.revoke(currentUser(request).tokenHash);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/me',
    { onRequest: opts.authenticate, schema: { response: { 200: meResponseSchema }, tags: ['auth'], summary: 'The logged-in user and their scope' } },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return { user: toMe(currentUser(request)) };
    },
  );
}
