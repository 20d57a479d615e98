import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, A) });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

async function stillServing(): Promise<void> {
  const res = await app.inject({ method: 'GET', url: '/api/health' });
  expect(res.statusCode).toBe(200);
}

function pushRaw(payload: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url: '/api/sync/push',
    headers: { ...volunteer.auth, 'content-type': 'application/json', ...headers }, payload,
  });
}

const hamletChange = (over: Record<string, unknown> = {}) => ({ entity: 'hamlet', baseVersion: 0, record: { ...hamlet(A), ...over } });

describe('bad input is a 4xx Problem and the server keeps serving', () => {
  const cases: [string, () => ReturnType<typeof pushRaw>, number, string][] = [
    ['malformed JSON', () => pushRaw('{"deviceId": "device-01", "changes": ['), 400, 'request.malformed-json'],
    ['an empty JSON body', () => pushRaw(''), 400, 'request.malformed-json'],
    ['wrong types', () => pushRaw(JSON.stringify({ deviceId: 12345678, changes: 'all' })), 400, 'request.invalid'],
    ['unknown fields', () => pushRaw(JSON.stringify({ deviceId: 'device-01', changes: [hamletChange()], admin: true })), 400, 'request.unknown-field'],
    ['a body that is not JSON', () => pushRaw('deviceId=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'request.unsupported-media-type'],
    ['an oversized body', () => pushRaw(JSON.stringify({ deviceId: 'device-01', changes: [hamletChange({ name: 'x'.repeat(9 * 1024 * 1024) })] })), 413, 'request.too-large'],
    ['a 10,000-change batch', () => pushRaw(JSON.stringify({ deviceId: 'device-01', changes: Array.from({ length: 10_000 }, () => hamletChange()) })), 413, 'sync.batch-too-large'],
    ['an unsupported Content-Encoding', () => pushRaw('{}', { 'content-encoding': 'br' }), 415, 'request.unsupported-media-type'],
    ['a gzip header on a body that is not gzip', () => pushRaw('{"deviceId":"device-01"}', { 'content-encoding': 'gzip' }), 400, 'request.invalid'],
    ['a gzip bomb that inflates past the limit', () => pushRaw(gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }), 413, 'request.too-large'],
  ];
  for (const [name, send, status, code] of cases) {
    it(`refuses ${name} with ${status} ${code}`, async () => {
      const res = await send();
      expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status, code });
      await stillServing();
    });
  }

  it('accepts a gzip-compressed push', async () => {
    const body = gzipSync(JSON.stringify({ deviceId: 'device-01', changes: [hamletChange()] }));
    const res = await pushRaw(body, { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results[0].status).toBe('applied');
  });

  it('stores NFD names as NFC', async () => {
    const nfd = 'Thôn Đồng Tâm'.normalize('NFD');
    const change = hamletChange({ name: nfd });
    const res = await pushRaw(JSON.stringify({ deviceId: 'device-01', changes: [change] }));
    expect(res.json().results[0].status).toBe('applied');
    const pulled = await app.inject({ method: 'GET', url: '/api/sync/pull', headers: volunteer.auth });
    const stored = pulled.json().changes.find((c: { record: { id: string } }) => c.record.id === change.record.id);
    expect(stored.record.name).toBe('Thôn Đồng Tâm'.normalize('NFC'));
  });

  it('stores SQL-looking text verbatim and harms nothing', async () => {
    const evil = "Thôn'); DROP TABLE records; --";
    const change = hamletChange({ name: evil });
    const res = await pushRaw(JSON.stringify({ deviceId: "dev'; DELETE FROM users; --", changes: [change] }));
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].status).toBe('applied');
    const pulled = await app.inject({ method: 'GET', url: "/api/sync/pull?after=0", headers: volunteer.auth });
    expect(pulled.json().changes.some((c: { record: { name: string } }) => c.record.name === evil)).toBe(true);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: "' OR 1=1 --", password: "' OR '1'='1" } });
    expect(login.statusCode).toBe(401);
    await stillServing();
  });

  it('refuses a malformed bearer token and a wrong-typed login with 4xx Problems', async () => {
    const bearer = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer <script>' } });
    expect(bearer.statusCode).toBe(401);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: 912345678, password: ['x'] } });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toMatchObject({ code: 'request.invalid', fields: { phone: expect.any(String), password: expect.any(String) } });
  });
});
