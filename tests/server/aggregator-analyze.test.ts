import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAggregator } from '../../src/server/services/aggregator.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';

// Thanh Hóa, Mường Lát.
const PROVINCE = '38';
const COMMUNE = '14845';

let testDb: TestDatabase;
beforeEach(async () => {
  testDb = await openTestDatabase();
});
afterEach(async () => {
  await testDb.close();
});

/** A hamlet, `households` households and a visit to each, written straight into the change sequence. */
async function records(households: number): Promise<number> {
  const hamletId = uuidv7();
  const rows: { e: string; id: string; d: Record<string, unknown> }[] = [
    { e: 'hamlet', id: hamletId, d: { id: hamletId, provinceCode: PROVINCE, communeCode: COMMUNE, name: 'Thôn 1' } },
  ];
  for (let i = 0; i < households; i++) {
    const id = uuidv7();
    const when = `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T03:00:00.000Z`;
    rows.push({ e: 'household', id, d: { id, provinceCode: PROVINCE, communeCode: COMMUNE, hamletId, createdAt: '2026-09-01T03:00:00.000Z' } });
    const visit = uuidv7();
    rows.push({ e: 'visit', id: visit, d: { id: visit, householdId: id, visitedAt: when, recordedAt: when, corrects: null, outcomes: [], followUpOn: null } });
  }
  await testDb.database.query(
    `INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data)
     SELECT e, id, $2, $3, 1, nextval('change_seq'), false, 'test', d FROM jsonb_to_recordset($1::jsonb) AS x(e text, id uuid, d jsonb)`,
    [JSON.stringify(rows), PROVINCE, COMMUNE],
  );
  return rows.length;
}

async function analyzed(table: string): Promise<boolean> {
  const [row] = await testDb.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stats WHERE tablename = $1`, [table]);
  return Number(row?.n ?? 0) > 0;
}

describe('the aggregates\' statistics', () => {
  it('are refreshed in the background once a catch-up has read enough records, not before', async () => {
    const written = await records(30);
    const small = createAggregator(testDb.database, { analyzeAfter: written + 1 });
    await small.catchUp();
    await small.stop();
    expect(await analyzed('agg_running')).toBe(false);

    const enough = createAggregator(testDb.database, { analyzeAfter: written });
    await enough.rebuild();
    await enough.stop(); // waits for the ANALYZE it started
    expect(await analyzed('agg_running')).toBe(true);
    expect(await analyzed('agg_bits')).toBe(true);
    expect(await analyzed('agg_sums')).toBe(true);
  });

  it('wait until the requests being answered have gone first (yieldTo), as the background slices do', async () => {
    const written = await records(30);
    let release!: () => void;
    const requestsDone = new Promise<void>((resolve) => (release = resolve));
    const aggregator = createAggregator(testDb.database, { analyzeAfter: written, intervalMs: 0, yieldTo: () => requestsDone });
    await aggregator.catchUp();
    // Time enough for an ANALYZE of these few rows that had not waited.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await analyzed('agg_running')).toBe(false);

    release();
    await vi.waitFor(async () => expect(await analyzed('agg_running')).toBe(true), { timeout: 10_000, interval: 50 });
    await aggregator.stop();
  });
});
