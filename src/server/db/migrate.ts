/**
 * A tiny migrator: applies src/server/db/migrations/NNNN_name.sql in order, each in its own transaction together
 * with its row in schema_migrations. Files are never edited once landed; a change is a new numbered file. The same
 * SQL runs on PGlite and PostgreSQL. On PostgreSQL an advisory lock keeps two starting servers from racing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{4})_[a-z0-9-_]+\.sql$/;
const ADVISORY_LOCK_KEY = 742_001;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((name) => ({ version: name.slice(0, 4), name, sql: readFileSync(dir + name, 'utf8') }));
}

/** Applies the pending migrations; returns the names applied. */
export async function migrate(database: Database, migrations: Migration[] = listMigrations()): Promise<string[]> {
  await database.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await database.query<{ version: string }>('SELECT version FROM schema_migrations WHERE version = $1', [m.version]);
    if (done.length > 0) continue;
    const lock = database.kind === 'postgres' ? `SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_KEY});\n` : '';
    try {
      await database.execScript(lock + m.sql, {
        text: 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)',
        params: [m.version, m.name],
      });
    } catch (error) {
      // Another server applied it while we waited for the lock: fine, unless it is still missing.
      const now = await database.query<{ version: string }>('SELECT version FROM schema_migrations WHERE version = $1', [m.version]);
      if (now.length === 0) throw new Error(`Migration ${m.name} failed`, { cause: error });
      continue;
    }
    applied.push(m.name);
  }
  return applied;
}
