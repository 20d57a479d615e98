/**
 * Opens the database: PGlite (embedded PostgreSQL in WASM) in DATA_DIR/pglite by default, or a node-postgres pool
 * when DATABASE_URL is set. Both sit behind one Drizzle `PgDatabase` handle, so repositories run the same queries on
 * either. `execScript` runs a multi-statement SQL script in one transaction (the migrator needs it; Drizzle's
 * `execute` uses the extended protocol, which takes one statement at a time).
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { schema } from './schema.ts';

export type AppDb = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbKind = 'pglite' | 'postgres';

export interface Database {
  kind: DbKind;
  db: AppDb;
  /** Runs a script of one or more statements, then `after` (parameterised), in one transaction. */
  execScript(script: string, after?: { text: string; params: unknown[] }): Promise<void>;
  /** Runs one parameterised statement outside Drizzle (the migrator's bookkeeping). */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */ }
  | { kind: 'pglite-instance'; instance: PGlite }
  | { kind: 'postgres'; url: string };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target.url);
  const instance =
    target.kind === 'pglite-instance'
      ? target.instance
      : target.dataDir === null
        ? new PGlite()
        : new PGlite(target.dataDir);
  await instance.waitReady;
  return wrapPglite(instance, target.kind === 'pglite');
}

function wrapPglite(instance: PGlite, owned: boolean): Database {
  return {
    kind: 'pglite',
    db: drizzlePglite({ client: instance, schema }) as unknown as AppDb,
    async execScript(script, after) {
      await instance.transaction(async (tx) => {
        await tx.exec(script);
        if (after) await tx.query(after.text, after.params);
      });
    },
    async query<T>(text: string, params: unknown[] = []) {
      const result = await instance.query<T>(text, params);
      return result.rows;
    },
    async close() {
      if (owned) await instance.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    db: drizzlePg({ client: pool, schema }) as unknown as AppDb,
    async execScript(script, after) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        if (after) await client.query(after.text, after.params);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async query<T>(text: string, params: unknown[] = []) {
      const result = await pool.query(text, params);
      return result.rows as T[];
    },
    async close() {
      await pool.end();
    },
  };
}
