/**
 * A fresh, migrated database per test file: in-memory PGlite by default (one instance per file; start-up costs ~2 s),
 * or, when DATABASE_URL is set, a throw-away database `tn_test_<random>` created on that server and dropped after.
 * `resetData` empties every table between tests that need a clean slate.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/server/db/client.ts';
import { migrate } from '../../src/server/db/migrate.ts';

export interface TestDatabase {
  database: Database;
  close(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrate(database);
    return { database, close: () => database.close() };
  }
  const name = `tn_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ kind: 'postgres', url: withDatabaseName(serverUrl, name) });
  await migrate(database);
  return {
    database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export async function resetData(database: Database): Promise<void> {
  await database.query('TRUNCATE conflicts, records, sessions, roster_audit, team_members, users, teams');
  await database.query('ALTER SEQUENCE change_seq RESTART WITH 1');
}
