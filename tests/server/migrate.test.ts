import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/server/db/migrate.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});

describe('migrations', () => {
  it('are numbered files applied in order and recorded once', async () => {
    const files = listMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.version)).toEqual([...files.map((f) => f.version)].sort());
    const rows = await testDb.database.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('apply nothing the second time', async () => {
    expect(await migrate(testDb.database)).toEqual([]);
  });

  it('roll back a failing migration completely', async () => {
    const broken = [{ version: '9998', name: '9998_broken.sql', sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;' }];
    await expect(migrate(testDb.database, broken)).rejects.toThrow(/9998_broken/);
    const tables = await testDb.database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    expect(tables[0]!.n).toBe(0);
    const recorded = await testDb.database.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations WHERE version = '9998'");
    expect(recorded[0]!.n).toBe(0);
  });
});
