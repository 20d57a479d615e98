/**
 * Opens the database the environment names — PostgreSQL from DATABASE_URL, else PGlite in DATA_DIR/pglite under
 * the data-directory lock — and migrates it. Shared by `npm start` and the admin CLI.
 */
import { join, resolve } from 'node:path';
import type { Env } from '../env.ts';
import { openDatabase, type Database } from './client.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import { migrate } from './migrate.ts';

export interface OpenedData {
  database: Database;
  lock: DataDirLock | null;
  /** Where the data lives, for messages (never the URL: it may hold a password). */
  description: string;
}

export async function openFromEnv(env: Env, rootDir: string): Promise<OpenedData> {
  if (env.DATABASE_URL !== undefined) {
    const database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL });
    await migrate(database);
    return { database, lock: null, description: 'PostgreSQL (DATABASE_URL)' };
  }
  const dataDir = resolve(rootDir, env.DATA_DIR);
  const lock = acquireDataDirLock(dataDir);
  process.on('exit', () => lock.release());
  try {
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    await migrate(database);
    return { database, lock, description: `PGlite (${dataDir})` };
  } catch (error) {
    lock.release();
    throw error;
  }
}
