import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync, brotliCompressSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp, makeDist } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, visit, type TestUser } from '../support/server-fixtures.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;
const ASSET = '/assets/index-3f9a1c2b.js';
const ASSET_BODY = `console.log(${JSON.stringify('Từng Nhà '.repeat(400))});`;

beforeAll(async () => {
  testDb = await openTestDatabase();
  const dist = makeDist();
  // The build writes .br and .gz twins beside each text file (vite.config.ts, precompress).
  writeFileSync(join(dist, ASSET), ASSET_BODY);
  writeFileSync(join(dist, `${ASSET}.gz`), gzipSync(ASSET_BODY));
  writeFileSync(join(dist, `${ASSET}.br`), brotliCompressSync(ASSET_BODY));
  app = await buildTestApp(testDb.database, { distDir: dist });
  const teamId = await createTeam(testDb.database, '14845');
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId });
  const h = hamlet('14845');
  const hh = household(h);
  const changes = [
    { entity: 'hamlet', baseVersion: 0, record: h },
    { entity: 'household', baseVersion: 0, record: hh },
    ...Array.from({ length: 20 }, () => ({ entity: 'visit', baseVersion: null, record: visit(hh, volunteer.id) })),
  ];
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: volunteer.auth, payload: { deviceId: 'device-compress', changes } });
  expect(res.statusCode).toBe(200);
});

afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('compressed answers', () => {
  it('gzips a pulled page for a client that accepts gzip, and the body is the same JSON', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/sync/pull?after=0&limit=100', headers: volunteer.auth });
    const zipped = await app.inject({
      method: 'GET', url: '/api/sync/pull?after=0&limit=100', headers: { ...volunteer.auth, 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(plain.json());
  });

  it('leaves small answers alone', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('serves the build’s brotli or gzip twin of a static file to a browser that accepts it', async () => {
    const br = await app.inject({ method: 'GET', url: ASSET, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    const gz = await app.inject({ method: 'GET', url: ASSET, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(ASSET_BODY);
    const plain = await app.inject({ method: 'GET', url: ASSET });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(ASSET_BODY);
  });
});
