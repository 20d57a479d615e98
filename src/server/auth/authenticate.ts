/**
 * Bearer authentication. Protected routes run `authenticate` in onRequest — before the body is read — so a request
 * without a valid session never gets its body parsed. Missing or unknown token → 401 auth.required; expired or
 * revoked → 401 auth.session-expired (the client asks for the password again and keeps its outbox).
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/client.ts';
import { sessionsRepository } from '../db/sessions.ts';
import type { Role } from '../db/schema.ts';
import { ProblemError } from '../problem-error.ts';
import { scopeFromRow, type Scope } from './scope.ts';
import { hashToken } from './tokens.ts';

export interface AuthUser {
  id: string;
  name: string;
  phone: string;
  role: Role;
  scope: Scope;
  scopeLabel: string;
  teamId: string | null;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    authUser: AuthUser | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = BEARER.exec(header.trim());
  return match?.[1] ?? null;
}

export function makeAuthenticate(database: Database) {
  const sessions = sessionsRepository(database.db);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request);
    if (token === null) throw new ProblemError('auth.required');
    const tokenHash = hashToken(token);
    const found = await sessions.lookup(tokenHash);
    if (found.status === 'unknown') throw new ProblemError('auth.required');
    if (found.status === 'expired') throw new ProblemError('auth.session-expired');
    const u = found.user;
    request.authUser = {
      id: u.id,
      name: u.name,
      phone: u.phone,
      role: u.role,
      scope: scopeFromRow(u),
      scopeLabel: u.scopeLabel,
      teamId: u.teamId,
      tokenHash,
    };
  };
}

/** The authenticated user of a route that ran `authenticate`. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (request.authUser === null) throw new ProblemError('auth.required');
  return request.authUser;
}
