/**
 * Regressions found by the sync fault-injection test (tests/server/sync-faults.test.ts): what the server sends back
 * must be what the device's strict contract accepts, and the server side of a conflict is the record as it is now.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pulledChangeSchema, type Change, type PushResult } from '../../src/shared/sync.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;

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
});

async function push(changes: Change[]): Promise<PushResult[]> {
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: volunteer.auth, payload: { deviceId: 'device-0001', changes } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { results: PushResult[] }).results;
}

const change = (entity: Change['entity'], record: Change['record'], baseVersion: number | null) => ({ entity, baseVersion, record }) as Change;

describe('what the server sends back', () => {
  it('pulls a visit that the device contract accepts, with no version field', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await push([change('hamlet', h, 0), change('household', hh, 0), change('visit', visit(hh, volunteer.id), null)]);

    const res = await app.inject({ method: 'GET', url: '/api/sync/pull', headers: volunteer.auth });
    const changes = (res.json() as { changes: unknown[] }).changes;

    expect(changes).toHaveLength(3);
    for (const c of changes) expect(pulledChangeSchema.safeParse(c).success, JSON.stringify(c)).toBe(true);
  });

  it('lists a conflict with the server record as it is now, and answers "keep the server’s" with that record', async () => {
    const h = hamlet(A);
    await push([change('hamlet', h, 0)]);
    await push([change('hamlet', { ...h, name: 'Thôn Đông Bắc' }, 1)]);
    const [stale] = await push([change('hamlet', { ...h, name: 'Thôn Đông Nam' }, 1)]);
    expect(stale!.status).toBe('conflict');
    await push([change('hamlet', { ...h, name: 'Thôn Đông Tây' }, 2)]);

    const listed = await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: volunteer.auth });
    const [conflict] = (listed.json() as { conflicts: { id: string; serverVersion: number; serverRecord: { name: string } }[] }).conflicts;
    expect(conflict).toMatchObject({ serverVersion: 3, serverRecord: { name: 'Thôn Đông Tây', version: 3 } });

    const answer = await app.inject({
      method: 'POST', url: `/api/sync/conflicts/${conflict!.id}/resolve`, headers: volunteer.auth, payload: { choice: 'server' },
    });
    expect(answer.json()).toMatchObject({ choice: 'server', version: 3, record: { name: 'Thôn Đông Tây', version: 3 } });
  });
});
