/**
 * Raw SQL through Drizzle's `execute`, for the statements where the ORM is slow or cannot express the query (bulk
 * upserts from one JSON parameter). Both drivers answer `{ rows }`; this reads them with a declared row type.
 */
import type { SQL } from 'drizzle-orm';
import type { AppDb } from './client.ts';

/** The database or a transaction: both can `execute`. */
export type Executor = Pick<AppDb, 'execute'>;

export async function rawRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
