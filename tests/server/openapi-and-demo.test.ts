import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { DEMO_ACCOUNTS, DEMO_COMMUNE, DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/services/demo-seed.ts';

let testDb: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('the OpenAPI document', () => {
  it('lists the API endpoints with schemas generated from the shared contract', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/health', '/api/auth/login', '/api/auth/logout', '/api/me', '/api/sync/push', '/api/sync/pull', '/api/sync/conflicts', '/api/sync/conflicts/{id}/resolve']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    const push = doc.paths['/api/sync/push'].post.requestBody.content['application/json'].schema;
    expect(push.properties.changes.maxItems).toBe(500);
    expect(JSON.stringify(push)).toContain('baseVersion');
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
  });

  it('has a docs page that loads no external resource', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toMatch(/https?:\/\//);
    const script = await app.inject({ method: 'GET', url: '/api/docs/docs.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).toContain('/api/openapi.json');
  });
});

describe('the demo seed', () => {
  it('creates accounts that can log in and a commune the volunteer can pull, only once', async () => {
    expect(await seedDemoIfEmpty(testDb.database.db)).toBe(true);
    expect(await seedDemoIfEmpty(testDb.database.db)).toBe(false);
    const volunteer = DEMO_ACCOUNTS.find((a) => a.role === 'volunteer')!;
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: volunteer.phone, password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const pull = await app.inject({ method: 'GET', url: '/api/sync/pull', headers: { authorization: `Bearer ${login.json().token}` } });
    const changes = pull.json().changes as { entity: string; record: { communeCode?: string } }[];
    expect(changes.filter((c) => c.entity === 'hamlet').length).toBe(4);
    expect(changes.filter((c) => c.entity === 'household').every((c) => c.record.communeCode === DEMO_COMMUNE)).toBe(true);
    expect(changes.filter((c) => c.entity === 'person').length).toBeGreaterThan(5);
  });
});
