/**
 * The server's sync and auth endpoints, typed. Answers are checked against the contract before the device trusts
 * them; a body that does not match is an `ApiError('bad-response')`, never a half-understood write.
 * Pull pages are checked change by change before they are applied (db/apply-pulled.ts `parsePulledChanges`), so
 * only the envelope is parsed here.
 */
import * as z from 'zod/mini';
import { ENTITIES } from '../../shared/records.ts';
import { loginResponseSchema, meResponseSchema } from '../../shared/auth.ts';
import { pushResponseSchema, type PushRequest, type PushResult } from '../../shared/sync.ts';
import type { LocalConflict } from '../db/database.ts';
import type { Session, SessionUser } from '../db/sync-state.ts';
import { ApiError, apiFetch } from '../lib/api.ts';

const pullEnvelopeSchema = z.object({
  changes: z.array(z.unknown()),
  cursor: z.int(),
  hasMore: z.boolean(),
});
export type PullEnvelope = z.output<typeof pullEnvelopeSchema>;

const conflictSchema = z.object({
  id: z.string(),
  entity: z.enum(ENTITIES),
  recordId: z.string(),
  problem: z.string(),
  baseVersion: z.nullable(z.int()),
  serverVersion: z.int(),
  serverRecord: z.record(z.string(), z.unknown()),
  deviceRecord: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
const conflictsResponseSchema = z.object({ conflicts: z.array(conflictSchema) });

const resolveResponseSchema = z.object({
  conflictId: z.string(),
  choice: z.enum(['device', 'server', 'merged']),
  version: z.int(),
  seq: z.nullable(z.int()),
  /** The server's copy of the record after the decision (absent from older servers). */
  record: z.optional(z.record(z.string(), z.unknown())),
});
export type ResolveResponse = z.output<typeof resolveResponseSchema>;

function expect<S extends z.ZodMiniType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ApiError('bad-response', 200);
  return parsed.data;
}

export async function login(phone: string, password: string): Promise<Session> {
  const data = await apiFetch('/auth/login', { method: 'POST', body: { phone, password }, auth: false });
  const parsed = expect(loginResponseSchema, data);
  return { token: parsed.token, expiresAt: parsed.expiresAt, user: parsed.user satisfies SessionUser };
}

export async function logout(): Promise<void> {
  await apiFetch('/auth/logout', { method: 'POST' });
}

export async function fetchMe(): Promise<SessionUser> {
  return expect(meResponseSchema, await apiFetch('/me')).user;
}

export async function push(request: PushRequest): Promise<PushResult[]> {
  const data = await apiFetch('/sync/push', { method: 'POST', body: request, timeoutMs: 60_000 });
  return expect(pushResponseSchema, data).results as PushResult[];
}

export async function pull(after: number, limit: number): Promise<PullEnvelope> {
  return expect(pullEnvelopeSchema, await apiFetch(`/sync/pull?after=${after}&limit=${limit}`));
}

export async function fetchConflicts(): Promise<LocalConflict[]> {
  return expect(conflictsResponseSchema, await apiFetch('/sync/conflicts')).conflicts;
}

export async function resolveConflictOnServer(
  conflictId: string,
  choice: 'device' | 'server',
): Promise<ResolveResponse> {
  const data = await apiFetch(`/sync/conflicts/${encodeURIComponent(conflictId)}/resolve`, {
    method: 'POST',
    body: { choice },
  });
  return expect(resolveResponseSchema, data);
}
