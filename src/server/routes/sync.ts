/**
 * Sync endpoints (contract: src/shared/sync.ts). Thin: authenticate, parse, call the service, reply.
 *   POST /api/sync/push                      batch of changes → per-change results with receipts
 *   GET  /api/sync/pull?after=&limit=        a page of scoped changes after the cursor (tombstones included)
 *   GET  /api/sync/conflicts                 the caller's open conflicts
 *   POST /api/sync/conflicts/:id/resolve     { choice: device | server | merged, record? }
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import * as z from 'zod/mini';
import { MAX_PULL_PAGE, MAX_PUSH_BATCH, pullResponseSchema, pushResponseSchema } from '../../shared/sync.ts';
import type { Entity } from '../../shared/records.ts';
import type { Database } from '../db/client.ts';
import { createRecordStatistics, recordsRepository } from '../db/records.ts';
import { conflictsRepository } from '../db/conflicts.ts';
import { currentUser } from '../auth/authenticate.ts';
import { createPushWriter } from '../services/sync-push.ts';
import { resolveConflict } from '../services/conflicts.ts';
import { noteDeviceSync } from '../services/totals.ts';
import { foregroundQuiet } from '../plugins/foreground-requests.ts';

/** The push body as the route validates it: the envelope; each change is parsed on its own (a bad one is rejected
 * alone and does not block the rest of the device's outbox). The OpenAPI document shows the full pushRequestSchema. */
export const pushEnvelopeSchema = z.strictObject({
  deviceId: z.string().check(z.minLength(8, 'invalid'), z.maxLength(64, 'tooLong')),
  changes: z.array(z.unknown()).check(z.minLength(1, 'required'), z.maxLength(MAX_PUSH_BATCH, 'batchTooLarge')),
});

const cursor = z.pipe(z.string().check(z.regex(/^\d{1,15}$/, 'invalid')), z.transform(Number));

export const pullQuerySchema = z.strictObject({
  after: z._default(cursor, 0),
  limit: z._default(
    z.pipe(cursor, z.number().check(z.minimum(1, 'invalid'), z.maximum(MAX_PULL_PAGE, 'tooLarge'))),
    500,
  ),
});

export const resolveBodySchema = z.strictObject({
  choice: z.enum(['device', 'server', 'merged']),
  record: z.optional(z.unknown()),
});
const conflictParamsSchema = z.strictObject({ id: z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'invalidId')) });

/** Push bodies: up to 500 changes of up to a few KiB each. */
export const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

export function syncRoutes(
  app: FastifyInstance,
  opts: { database: Database; authenticate: (request: FastifyRequest) => Promise<void> },
): void {
  const { database, authenticate } = opts;
  // A planner hint refreshed in the background, after the requests being answered (an ANALYZE holds PGlite's thread).
  const statistics = createRecordStatistics(database.db, { yieldTo: () => foregroundQuiet(database.db, 10_000) });
  // One group-commit writer per database: pushes that arrive together are applied in one transaction.
  const writer = createPushWriter(database.db, { statistics });
  // A push counts from its first byte to its answer: background work (the totals) lets it go first (pushesQuiet).
  const arrivals = new WeakMap<FastifyRequest, () => void>();
  const arrived = async (request: FastifyRequest) => arrivals.get(request)?.();

  app.post(
    '/api/sync/push',
    {
      onRequest: [async (request) => void arrivals.set(request, writer.arriving()), authenticate],
      onResponse: arrived,
      onRequestAbort: arrived,
      bodyLimit: PUSH_BODY_LIMIT,
      schema: { body: pushEnvelopeSchema, response: { 200: pushResponseSchema }, tags: ['sync'], summary: 'Push a batch of changes' },
    },
    async (request) => {
      const body = request.body as z.output<typeof pushEnvelopeSchema>;
      const results = await writer.push(currentUser(request), body.deviceId, body.changes);
      await noteDeviceSync(database.db, currentUser(request), body.deviceId); // devices not synced for 7 days (totals)
      return { results };
    },
  );

  app.get(
    '/api/sync/pull',
    { onRequest: authenticate, schema: { querystring: pullQuerySchema, response: { 200: pullResponseSchema }, tags: ['sync'], summary: 'Pull changes after a cursor' } },
    async (request, reply): Promise<string> => {
      const { after, limit } = request.query as z.output<typeof pullQuerySchema>;
      // A planner hint (PGlite has no autovacuum): a pull without it is slow, not wrong.
      await statistics.ensure().catch(() => undefined);
      const rows = await recordsRepository(database.db).page(currentUser(request).scope, after, limit);
      await noteDeviceSync(database.db, currentUser(request), null); // devices not synced for 7 days (totals)
      const page = rows.length > limit ? rows.slice(0, limit) : rows;
      const cursor = page.at(-1)?.seq ?? after;
      reply.header('Cache-Control', 'no-store').type('application/json; charset=utf-8');
      // The records are stored as validated JSON: the answer (pullResponseSchema) is assembled around their text,
      // never parsed and serialized again.
      const changes = page.map((r) => `{"seq":${r.seq},"entity":"${r.entity}","record":${r.json}}`);
      return `{"changes":[${changes.join(',')}],"cursor":${cursor},"hasMore":${rows.length > limit}}`;
    },
  );

  app.get(
    '/api/sync/conflicts',
    { onRequest: authenticate, schema: { tags: ['sync'], summary: 'Open conflicts the caller can see' } },
    async (request, reply) => {
      const user = currentUser(request);
      const rows = await conflictsRepository(database.db).listOpen(user.scope, user.role === 'volunteer' ? user.id : null);
      // The server side of a conflict is the record as it is NOW, not as it was when the conflict arose: the device
      // may already have pulled past later versions, and "use the server's version" must not bring an old one back.
      const stored = await recordsRepository(database.db).findByKeys(
        rows.map((c) => ({ entity: c.entity as Entity, id: c.recordId })),
        { forUpdate: false },
      );
      const current = new Map(stored.map((r) => [`${r.entity}:${r.id}`, r]));
      reply.header('Cache-Control', 'no-store');
      return {
        conflicts: rows.map((c) => {
          const now = current.get(`${c.entity}:${c.recordId}`);
          return {
            id: c.id, entity: c.entity, recordId: c.recordId, problem: c.problem, baseVersion: c.baseVersion,
            serverVersion: now?.version ?? c.serverVersion, serverRecord: now?.data ?? c.serverRecord,
            deviceRecord: c.deviceRecord, createdAt: c.createdAt.toISOString(),
          };
        }),
      };
    },
  );

  app.post(
    '/api/sync/conflicts/:id/resolve',
    {
      onRequest: authenticate,
      schema: { params: conflictParamsSchema, body: resolveBodySchema, tags: ['sync'], summary: 'Resolve a conflict' },
    },
    async (request) => {
      const { id } = request.params as z.output<typeof conflictParamsSchema>;
      const body = request.body as z.output<typeof resolveBodySchema>;
      return resolveConflict(database.db, currentUser(request), id, body.choice, body.record);
    },
  );
}
