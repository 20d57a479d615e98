import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, type TestUser } from '../support/server-fixtures.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let volunteerA: TestUser;

const CONFLICT_ID = '01900000-0000-7000-8000-000000000000';
const PROTECTED: InjectOptions[] = [
  { method: 'GET', url: '/api/me' },
  { method: 'POST', url: '/api/auth/logout' },
  { method: 'POST', url: '/api/sync/push', payload: { deviceId: 'device-01', changes: [{ entity: 'hamlet', baseVersion: 0, record: hamlet('14845') }] } },
  { method: 'GET', url: '/api/sync/pull?after=0' },
  { method: 'GET', url: '/api/sync/conflicts' },
  { method: 'POST', url: `/api/sync/conflicts/${CONFLICT_ID}/resolve`, payload: { choice: 'server' } },
];

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, '14845') });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('every protected endpoint', () => {
  for (const request of PROTECTED) {
    it(`${request.method} ${request.url} answers 401 auth.required without a token`, async () => {
      const res = await app.inject(request);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth.required' });
    });

    it(`${request.method} ${request.url} answers 401 without reading a malformed body when there is no token`, async () => {
      const res = await app.inject({ ...request, headers: { 'content-type': 'application/json' }, payload: request.method === 'POST' ? '{"broken' : undefined });
      expect(res.statusCode).toBe(401);
    });
  }

  it('the public endpoints need no token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '0987000999', password: 'x' } });
    expect(login.statusCode).toBe(401);
    expect(login.json()).toMatchObject({ code: 'auth.invalid-credentials' });
  });

  it('a volunteer of commune A cannot push to commune B', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/sync/push', headers: volunteerA.auth,
      payload: { deviceId: 'device-01', changes: [{ entity: 'hamlet', baseVersion: 0, record: hamlet('14848') }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', problem: 'sync.out-of-scope' });
  });
});
