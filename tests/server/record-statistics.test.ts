/**
 * Planner statistics of the records table (src/server/db/records.ts `createRecordStatistics`): PGlite runs no
 * autovacuum, so the server analyzes the table itself once it has grown enough — in the background, never making
 * the push writer wait.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRecordStatistics, recordsRepository, type RecordWrite } from '../../src/server/db/records.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});
beforeEach(async () => {
  await resetData(testDb.database);
  await testDb.database.query('DELETE FROM pg_statistic WHERE starelid = \'records\'::regclass');
});

function hamletRow(n: number): RecordWrite {
  const id = uuidv7();
  return {
    entity: 'hamlet', id, provinceCode: '38', communeCode: '15061', version: 1, deleted: false,
    contentHash: `hash-${n}`, data: { id, name: `Thôn ${n}`, provinceCode: '38', communeCode: '15061', version: 1 },
    updatedBy: uuidv7(),
  };
}

async function analyzed(): Promise<boolean> {
  const rows = await testDb.database.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'records' AND attname = 'commune_code'",
  );
  return (rows[0]?.n ?? 0) > 0;
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('planner statistics of the records table', () => {
  it('leaves the table alone while little has been written since the last analyze', async () => {
    await recordsRepository(testDb.database.db).insert(Array.from({ length: 20 }, (_, i) => hamletRow(i)));
    const statistics = createRecordStatistics(testDb.database.db);

    statistics.noteWritten(20);

    expect(await eventually(analyzed, 500)).toBe(false);
  });

  it('analyzes in the background once enough has been written, and the writer goes on at once', async () => {
    await recordsRepository(testDb.database.db).insert(Array.from({ length: 20 }, (_, i) => hamletRow(i)));
    const statistics = createRecordStatistics(testDb.database.db);

    // Nothing for the writer to wait for: the analyze runs on its own.
    expect(statistics.noteWritten(10_000)).toBeUndefined();

    expect(await eventually(analyzed, 10_000)).toBe(true);
  });
});
