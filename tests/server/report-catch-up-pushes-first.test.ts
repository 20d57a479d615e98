/**
 * A report's bounded catch-up of the totals lets pushes go first between its batches (src/server/services/
 * aggregator.ts `betweenBatches`, wired to sync-push.ts `pushesFirst` in app.ts). On PGlite the batches followed each
 * other without the event loop turning once: a push sent meanwhile was not even read until the report's whole budget
 * (2 s) was spent. Here a push travels over a real socket to the app while a catch-up of twenty batches runs; it must
 * be answered before the catch-up ends, and the catch-up must still read everything. (On PostgreSQL the driver's own
 * I/O turns the event loop, so only PGlite fails without `betweenBatches`.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Change, PushResult } from '../../src/shared/sync.ts';
import { rawRows } from '../../src/server/db/raw.ts';
import { createAggregator } from '../../src/server/services/aggregator.ts';
import { applyPushGroup, preparePush, pushesFirst } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { listenTestApp } from '../support/server-app.ts';
import { communeVolunteer, createTeam, createUser, hamlet, household, visit, type TestUser } from '../support/server-fixtures.ts';

const COMMUNE = '14845';
const BACKLOG = 2000;
const BATCH = 100;
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;
let port: number;

beforeAll(async () => {
  testDb = await openTestDatabase();
  // The app's own aggregator stays idle: the test runs a catch-up of its own, in small batches.
  ({ app, port } = await listenTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false }));
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, COMMUNE) });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

async function state(): Promise<{ watermark: number; latest: number }> {
  const [row] = await rawRows<{ watermark: number; latest: number }>(testDb.database.db, sql`
    SELECT watermark::float8 AS watermark, (SELECT max(seq) FROM records)::float8 AS latest FROM agg_state WHERE id = 1`);
  return { watermark: Number(row?.watermark), latest: Number(row?.latest) };
}

it('answers a push sent during a report’s catch-up before the catch-up ends', async () => {
  const user = communeVolunteer(COMMUNE, volunteer);
  const h = hamlet(COMMUNE);
  const homes = Array.from({ length: 200 }, () => household(h));
  const created = (entity: Change['entity'], record: Change['record']) => ({ entity, baseVersion: null, record }) as Change;
  await applyPushGroup(testDb.database.db, [
    preparePush(user, 'device-0001', [created('hamlet', h), ...homes.map((hh) => created('household', hh))]),
  ]);
  for (let i = 0; i < BACKLOG; i += 500) {
    await applyPushGroup(testDb.database.db, [
      preparePush(user, 'device-0001', Array.from({ length: 500 }, (_, k) => created('visit', visit(homes[(i + k) % homes.length]!, volunteer.id)))),
    ]);
  }
  const backlogEnd = (await state()).latest;

  const aggregator = createAggregator(testDb.database, {
    batchSize: BATCH,
    betweenBatches: (maxWaitMs) => pushesFirst(testDb.database.db, maxWaitMs),
  });
  try {
    const order: string[] = [];
    // A report's catch-up, with a budget no batch comes near: only the pushes make it wait.
    const catchingUp = aggregator.catchUp(120_000).then((result) => {
      order.push('catch-up');
      return result;
    });
    const body = JSON.stringify({ deviceId: 'device-0002', changes: [created('visit', visit(homes[0]!, volunteer.id))] });
    const pushed = fetch(`http://127.0.0.1:${port}/api/sync/push`, {
      method: 'POST',
      headers: { ...volunteer.auth, 'content-type': 'application/json' },
      body,
    }).then(async (res) => {
      order.push('push');
      expect(res.status).toBe(200);
      return ((await res.json()) as { results: PushResult[] }).results;
    });

    const [results, caughtUp] = await Promise.all([pushed, catchingUp]);
    expect(results.map((r) => r.status)).toEqual(['applied']);
    expect(order).toEqual(['push', 'catch-up']);
    // Everything read, the push that went in between included.
    expect(caughtUp.watermark).toBe(results[0]?.seq);
    expect(await state()).toEqual({ watermark: results[0]?.seq, latest: results[0]?.seq });
    expect(results[0]?.seq).toBeGreaterThan(backlogEnd);
  } finally {
    await aggregator.stop();
  }
}, 120_000);
