/**
 * The push writer takes a change that creates its record (baseVersion null) for new without looking it up, and lets
 * the primary key tell it otherwise (src/server/services/sync-push.ts, applyPushGroup). A stored record met that way
 * must get exactly the answer a lookup would have given, and the rest of its group must be stored once, in order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Change, PushResult } from '../../src/shared/sync.ts';
import type { Hamlet, Household } from '../../src/shared/records.ts';
import type { AuthUser } from '../../src/server/auth/authenticate.ts';
import { applyPushGroup, preparePush } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { communeVolunteer, createTeam, createUser, hamlet, household, person, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;
let h: Hamlet;
let hh: Household;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});
beforeEach(async () => {
  await resetData(testDb.database);
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, A) });
  h = hamlet(A);
  hh = household(h);
  await apply([[created('hamlet', h), created('household', hh)]]);
});

const user = (): AuthUser => communeVolunteer(A, volunteer);
const created = (entity: Change['entity'], record: Change['record']) => ({ entity, baseVersion: null, record }) as Change;

function apply(batches: Change[][]): Promise<PushResult[][]> {
  return applyPushGroup(testDb.database.db, batches.map((changes) => preparePush(user(), 'device-0001', changes)));
}

async function storedVisits(): Promise<{ id: string; seq: number; notes: string }[]> {
  return testDb.database.query(
    `SELECT id::text AS id, seq::float8 AS seq, data->>'notes' AS notes FROM records WHERE entity = 'visit' ORDER BY seq`,
  );
}

describe('changes that create their record, pushed again', () => {
  it('answers a retried visit duplicate with its first receipt, and stores the new visits of its group once, in order', async () => {
    const old = visit(hh, volunteer.id);
    const [[first]] = (await apply([[created('visit', old)]])) as [[PushResult]];
    const fresh = [visit(hh, volunteer.id), visit(hh, volunteer.id), visit(hh, volunteer.id)];

    const [before, retried, after] = await apply([
      [created('visit', fresh[0]!)],
      [created('visit', old), created('visit', fresh[1]!)],
      [created('visit', fresh[2]!)],
    ]);

    expect(retried![0]).toEqual({ entity: 'visit', id: old.id, status: 'duplicate', version: 1, seq: first.seq });
    const receipts = [before![0], retried![1], after![0]].map((r) => {
      expect(r).toMatchObject({ status: 'applied', seq: expect.any(Number) });
      return r!.seq!;
    });
    expect([...receipts].sort((a, b) => a - b)).toEqual(receipts);
    expect(receipts[0]).toBeGreaterThan(first.seq!);
    const stored = await storedVisits();
    expect(stored.map((v) => v.id)).toEqual([old.id, ...fresh.map((v) => v.id)]);
    expect(stored.map((v) => v.seq)).toEqual([first.seq, ...receipts]);
  });

  it('records a visit id pushed with other content as a conflict with both versions, and never overwrites it', async () => {
    const old = visit(hh, volunteer.id, { notes: 'Lần đầu' });
    const [[first]] = (await apply([[created('visit', old)]])) as [[PushResult]];
    const other = visit(hh, volunteer.id);

    const [[changed, applied]] = (await apply([[created('visit', { ...old, notes: 'Nội dung khác' }), created('visit', other)]])) as [
      PushResult[],
    ];

    expect(changed).toEqual({
      entity: 'visit', id: old.id, status: 'conflict', problem: 'sync.id-conflict', version: 1, seq: first.seq,
    });
    expect(applied).toMatchObject({ status: 'applied', seq: expect.any(Number) });
    const conflicts = await testDb.database.query<{ problem: string; server: string; device: string }>(
      `SELECT problem, server_record->>'notes' AS server, device_record->>'notes' AS device FROM conflicts`,
    );
    expect(conflicts).toEqual([{ problem: 'sync.id-conflict', server: 'Lần đầu', device: 'Nội dung khác' }]);
    expect((await storedVisits()).map((v) => [v.id, v.notes])).toEqual([[old.id, 'Lần đầu'], [other.id, other.notes]]);
  });

  it('answers a household created again duplicate when unchanged, and a stale-version conflict when changed', async () => {
    const p = person(hh);
    const [[personFirst]] = (await apply([[created('person', p)]])) as [[PushResult]];

    const [same, changed] = await apply([
      [created('household', hh), created('person', p)],
      [created('household', { ...hh, address: 'Số 9, đường khác' })],
    ]);

    expect(same).toEqual([
      expect.objectContaining({ entity: 'household', status: 'duplicate', version: 1 }),
      { entity: 'person', id: p.id, status: 'duplicate', version: 1, seq: personFirst.seq },
    ]);
    expect(changed![0]).toMatchObject({ status: 'conflict', problem: 'sync.stale-version', version: 1 });
    const [row] = await testDb.database.query<{ address: string; version: number }>(
      `SELECT data->>'address' AS address, version FROM records WHERE entity = 'household' AND id = $1`,
      [hh.id],
    );
    expect(row).toEqual({ address: hh.address, version: 1 });
  });

  it('still refuses a new visit of an unknown household in a group that is applied again', async () => {
    const old = visit(hh, volunteer.id);
    await apply([[created('visit', old)]]);
    const orphan = visit(household(h), volunteer.id);

    const [[again, lost]] = (await apply([[created('visit', old), created('visit', orphan)]])) as [PushResult[]];

    expect(again).toMatchObject({ status: 'duplicate' });
    expect(lost).toEqual({ entity: 'visit', id: orphan.id, status: 'rejected', problem: 'sync.unknown-parent' });
    expect((await storedVisits()).map((v) => v.id)).toEqual([old.id]);
  });
});
