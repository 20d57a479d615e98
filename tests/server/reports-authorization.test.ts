import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, type TestUser } from '../support/server-fixtures.ts';
import { communesOfOldDistrict } from '../../src/server/services/accounts.ts';

const A = '14845';
const B = '14848';
const PERIOD = 'from=2026-11-01&to=2026-11-30';

let testDb: TestDatabase;
let app: FastifyInstance;
let coordinatorA: TestUser;
let volunteerA: TestUser;
let leaderA: TestUser;
let districtCoordinator: TestUser;
let hamletB: string;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false });
  const teamA = await createTeam(testDb.database, A);
  const teamB = await createTeam(testDb.database, B);
  coordinatorA = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: A });
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamA });
  leaderA = await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: teamA });
  const unitsDir = new URL('../../src/server/data', import.meta.url).pathname;
  districtCoordinator = await createUser(app, testDb.database, 'coordinator', { kind: 'district', code: '384', communes: communesOfOldDistrict(unitsDir, '384') });
  const volunteerB = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamB });
  const h = hamlet(B);
  hamletB = h.id;
  const res = await app.inject({
    method: 'POST', url: '/api/sync/push', headers: volunteerB.auth,
    payload: { deviceId: 'device-b-0001', changes: [{ entity: 'hamlet', baseVersion: 0, record: h }] },
  });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

const totals = (user: TestUser | null, query: string) =>
  app.inject({ method: 'GET', url: `/api/reports/totals?${query}`, headers: user?.auth ?? {} });
const exportFile = (user: TestUser | null, query: string) =>
  app.inject({ method: 'GET', url: `/api/reports/export?${query}`, headers: user?.auth ?? {} });
const exportLink = (user: TestUser | null, body: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/api/reports/export-links', headers: user?.auth ?? {}, payload: body });

describe('reports authorization', () => {
  it('asks for a login on every reports endpoint without a token', async () => {
    for (const res of [
      await app.inject({ method: 'GET', url: '/api/reports/roots' }),
      await totals(null, `kind=commune&id=${A}&${PERIOD}`),
      await exportFile(null, `kind=commune&id=${A}&${PERIOD}&format=csv`),
      await exportLink(null, { kind: 'commune', id: A, from: '2026-11-01', to: '2026-11-30', format: 'csv' }),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth.required' });
    }
  });

  it('lets a coordinator of commune A read and export A but answers 403 for commune B, its hamlets and its province', async () => {
    expect((await totals(coordinatorA, `kind=commune&id=${A}&${PERIOD}`)).statusCode).toBe(200);
    expect((await exportFile(coordinatorA, `kind=commune&id=${A}&${PERIOD}&format=csv`)).statusCode).toBe(200);
    for (const query of [`kind=commune&id=${B}&${PERIOD}`, `kind=hamlet&id=${hamletB}&${PERIOD}`, `kind=province&id=38&${PERIOD}`]) {
      const res = await totals(coordinatorA, query);
      expect(res.statusCode, query).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
    }
    expect((await exportFile(coordinatorA, `kind=commune&id=${B}&${PERIOD}&format=xlsx`)).statusCode).toBe(403);
    expect((await exportLink(coordinatorA, { kind: 'commune', id: B, from: '2026-11-01', to: '2026-11-30', format: 'a4' })).statusCode).toBe(403);
  });

  it('lets a volunteer read only their own totals and never export', async () => {
    expect((await totals(volunteerA, `kind=volunteer&id=${volunteerA.id}&${PERIOD}`)).statusCode).toBe(200);
    expect((await totals(volunteerA, `kind=commune&id=${A}&${PERIOD}`)).statusCode).toBe(403);
    expect((await totals(volunteerA, `kind=volunteer&id=${leaderA.id}&${PERIOD}`)).statusCode).toBe(403);
    for (const res of [
      await exportFile(volunteerA, `kind=volunteer&id=${volunteerA.id}&${PERIOD}&format=csv`),
      await exportFile(volunteerA, `kind=commune&id=${A}&${PERIOD}&format=xlsx`),
      await exportLink(volunteerA, { kind: 'volunteer', id: volunteerA.id, from: '2026-11-01', to: '2026-11-30', format: 'a4' }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
    }
    const roots = await app.inject({ method: 'GET', url: '/api/reports/roots', headers: volunteerA.auth });
    expect(roots.json()).toEqual({ roots: [{ kind: 'volunteer', id: volunteerA.id, name: 'Người dùng volunteer' }], canExport: false });
  });

  it('lets a team leader read and export their commune and team', async () => {
    const roots = await app.inject({ method: 'GET', url: '/api/reports/roots', headers: leaderA.auth });
    expect(roots.json().roots.map((r: { kind: string }) => r.kind)).toEqual(['commune', 'team']);
    expect((await exportFile(leaderA, `kind=commune&id=${A}&${PERIOD}&format=csv`)).statusCode).toBe(200);
    expect((await totals(leaderA, `kind=commune&id=${B}&${PERIOD}`)).statusCode).toBe(403);
  });

  it('starts a pre-2025 district coordinator at the district and keeps them to it', async () => {
    const roots = await app.inject({ method: 'GET', url: '/api/reports/roots', headers: districtCoordinator.auth });
    expect(roots.json().roots).toEqual([{ kind: 'district', id: '384', name: 'Huyện Mường Lát, Tỉnh Thanh Hóa' }]);
    expect((await totals(districtCoordinator, `kind=district&id=384&${PERIOD}`)).statusCode).toBe(200);
    expect((await totals(districtCoordinator, `kind=commune&id=${A}&${PERIOD}`)).statusCode).toBe(200);
    expect((await totals(districtCoordinator, `kind=district&id=381&${PERIOD}`)).statusCode).toBe(403);
  });

  it('serves a download link once, for its own query and login only', async () => {
    const link = await exportLink(coordinatorA, { kind: 'commune', id: A, from: '2026-11-01', to: '2026-11-30', format: 'csv' });
    expect(link.statusCode).toBe(200);
    const href = (link.json() as { href: string }).href;
    expect(href).not.toContain(coordinatorA.token);
    expect((await app.inject({ method: 'GET', url: href })).statusCode).toBe(200);
    const otherQuery = href.replace(`id=${A}`, `id=${B}`);
    expect((await app.inject({ method: 'GET', url: otherQuery })).json()).toMatchObject({ code: 'reports.link-expired' });
    const tampered = href.replace(/ticket=([^&]*)/, (_, t: string) => `ticket=${t.slice(0, -2)}xx`);
    expect((await app.inject({ method: 'GET', url: tampered })).statusCode).toBe(401);
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: coordinatorA.auth });
    expect((await app.inject({ method: 'GET', url: href })).json()).toMatchObject({ code: 'reports.link-expired' });
  });

  it('answers bad input with a 4xx Problem, never a 5xx', async () => {
    const admin = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    for (const query of [
      `kind=town&id=${A}&${PERIOD}`, `kind=commune&id=1484&${PERIOD}`, `kind=commune&id=${A}&from=2026-11-31&to=2026-12-01`,
      `kind=commune&id=${A}&from=2026-12-01&to=2026-11-01`, `kind=hamlet&id=not-a-uuid&${PERIOD}`, `kind=commune&id=${A}&${PERIOD}&extra=1`,
    ]) {
      const res = await totals(admin, query);
      expect(res.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, query).toBeLessThan(500);
    }
    expect((await totals(admin, `kind=commune&id=99999&${PERIOD}`)).statusCode).toBe(404);
    expect((await exportFile(admin, `kind=commune&id=${A}&${PERIOD}&format=a4&rows=households`)).statusCode).toBe(400);
    expect((await exportFile(admin, `kind=commune&id=${A}&${PERIOD}&format=pdf`)).statusCode).toBe(400);
  });
});
