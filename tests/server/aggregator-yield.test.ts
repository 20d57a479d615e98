/**
 * A push never waits behind the totals' background catch-up (src/server/services/aggregator.ts): the catch-up works
 * in slices, each in its own transaction, and hands the database on between them. On PGlite (one connection, whose
 * transactions take turns in the order they asked for it) a catch-up of everything in one transaction held every
 * push behind it: about 10 s after a burst of 35,000 visits.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Change } from '../../src/shared/sync.ts';
import type { Database } from '../../src/server/db/client.ts';
import { rawRows } from '../../src/server/db/raw.ts';
import { createAggregator } from '../../src/server/services/aggregator.ts';
import { applyPushGroup, preparePush } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { communeVolunteer, hamlet, household, visit } from '../support/server-fixtures.ts';

const COMMUNE = '14845';
const BACKLOG = 1000;
let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
});
afterAll(async () => {
  await testDb.close();
});

const user = communeVolunteer(COMMUNE);

async function push(changes: Change[]) {
  const [results] = await applyPushGroup(testDb.database.db, [preparePush(user, 'device-0001', changes)]);
  expect(results?.every((r) => r.status === 'applied')).toBe(true);
  return results ?? [];
}

async function state(): Promise<{ watermark: number; latest: number }> {
  const [row] = await rawRows<{ watermark: number; latest: number }>(testDb.database.db, sql`
    SELECT watermark::float8 AS watermark, (SELECT max(seq) FROM records)::float8 AS latest FROM agg_state WHERE id = 1`);
  return { watermark: Number(row?.watermark), latest: Number(row?.latest) };
}

/** The test database, telling when its first transaction is asked for. */
function watched(database: Database, onTransaction: () => void): Database {
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<typeof target.transaction>) => {
        onTransaction();
        return target.transaction(...args);
      };
    },
  });
  return { ...database, db };
}

describe('the totals’ background catch-up', () => {
  it('lets a push that arrives during a long catch-up through before the catch-up has finished', async () => {
    const h = hamlet(COMMUNE);
    const homes = Array.from({ length: 500 }, () => household(h));
    await push([{ entity: 'hamlet', baseVersion: 0, record: h }, ...homes.map((hh): Change => ({ entity: 'household', baseVersion: 0, record: hh }))]);
    for (let i = 0; i < BACKLOG; i += 500) {
      await push(Array.from({ length: 500 }, (_, k): Change => ({ entity: 'visit', baseVersion: null, record: visit(homes[(i + k) % homes.length]!, user.id) })));
    }
    const backlogEnd = (await state()).latest;

    let started!: () => void;
    const catchUpStarted = new Promise<void>((resolve) => (started = resolve));
    const errors: unknown[] = [];
    const aggregator = createAggregator(watched(testDb.database, () => started()), { quietMs: 0, onError: (e) => errors.push(e) });
    try {
      aggregator.schedule();
      await catchUpStarted; // the background's first transaction has asked for the connection

      const [answer] = await push([{ entity: 'visit', baseVersion: null, record: visit(homes[0]!, user.id) }]);

      expect(answer?.seq).toBeGreaterThan(backlogEnd);
      // Answered while the catch-up still had most of the backlog to read: the push did not wait for all of it.
      expect((await state()).watermark).toBeLessThan(backlogEnd);
      // … and the catch-up, left to itself, still reads everything, the push included.
      await vi.waitFor(async () => {
        expect(errors).toEqual([]);
        expect(await state()).toEqual({ watermark: answer?.seq, latest: answer?.seq });
      }, {
        timeout: 60_000,
        interval: 100,
      });
    } finally {
      await aggregator.stop();
    }
  }, 120_000);
});
