/** GET /api/health: is the server up and can it reach its database. No authentication; reveals nothing personal. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { ProblemError } from '../problem-error.ts';

export function healthRoutes(app: FastifyInstance, opts: { database: Database; version: string }): void {
  app.get('/api/health', async (_request, reply) => {
    try {
      await opts.database.db.execute(sql`select 1`);
    } catch {
      throw new ProblemError('unavailable', 'The database is not reachable.');
    }
    reply.header('Cache-Control', 'no-store');
    return { status: 'ok', db: opts.database.kind, version: opts.version };
  });
}
