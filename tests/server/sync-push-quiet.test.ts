/**
 * Pushes go first (`pushesQuiet`, src/server/services/sync-push.ts): background work (the totals' catch-up) waits
 * until the push writers have no batch waiting or being applied before it takes the database, but never longer than
 * it asked, so that it still gets its turn under a steady stream of pushes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/shared/sync.ts';
import { lockWriters } from '../../src/server/db/records.ts';
import { createPushWriter, pushesQuiet, type PushWriter } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { communeVolunteer, hamlet, household, visit } from '../support/server-fixtures.ts';
import type { Household } from '../../src/shared/records.ts';

const COMMUNE = '14845';
let testDb: TestDatabase;
let writer: PushWriter;
let home: Household;

const user = communeVolunteer(COMMUNE);
const visits = (n: number): Change[] =>
  Array.from({ length: n }, () => ({ entity: 'visit', baseVersion: null, record: visit(home, user.id) }) as Change);

beforeAll(async () => {
  testDb = await openTestDatabase();
  writer = createPushWriter(testDb.database.db);
  const h = hamlet(COMMUNE);
  home = household(h);
  const results = await writer.push(user, 'device-0001', [
    { entity: 'hamlet', baseVersion: 0, record: h },
    { entity: 'household', baseVersion: 0, record: home },
  ]);
  expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
});
afterAll(async () => {
  await testDb.close();
});

describe('background work waiting for the pushes', () => {
  it('goes at once when no push is waiting', async () => {
    const first = await Promise.race([
      pushesQuiet(testDb.database.db, 60_000).then(() => 'quiet'),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2_000)),
    ]);
    expect(first).toBe('quiet');
  });

  it('goes after the pushes being applied and those queued behind them have their answers', async () => {
    const order: string[] = [];
    const first = writer.push(user, 'device-0001', visits(50)).then(() => order.push('first push answered'));
    const second = writer.push(user, 'device-0002', visits(50)).then(() => order.push('second push answered'));
    const quiet = pushesQuiet(testDb.database.db, 60_000).then(() => order.push('background goes'));
    await Promise.all([first, second, quiet]);
    expect(order).toEqual(['first push answered', 'second push answered', 'background goes']);
  });

  it('waits for a push whose request is still arriving', async () => {
    const order: string[] = [];
    const arrived = writer.arriving();
    const quiet = pushesQuiet(testDb.database.db, 60_000).then(() => order.push('background goes'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push('push answered');
    arrived();
    arrived(); // told twice (answered, then the connection closed): counted once
    await quiet;
    expect(order).toEqual(['push answered', 'background goes']);
    const again = await Promise.race([
      pushesQuiet(testDb.database.db, 60_000).then(() => 'quiet'),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2_000)),
    ]);
    expect(again).toBe('quiet');
  });

  it('stops waiting after the time it asked for, while a push is held up', async () => {
    // Another transaction holds the writers' lock: the push cannot be applied until it lets go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = testDb.database.db.transaction(async (tx) => {
      await lockWriters(tx);
      locked();
      await held;
    });
    await isLocked;
    const order: string[] = [];
    const pushed = writer.push(user, 'device-0001', visits(1)).then((results) => {
      order.push('push answered');
      return results;
    });
    await pushesQuiet(testDb.database.db, 100);
    order.push('background goes');
    release();
    await holder;
    await expect(pushed).resolves.toEqual([expect.objectContaining({ status: 'applied' })]);
    expect(order).toEqual(['background goes', 'push answered']);
  });
});
