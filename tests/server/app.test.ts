import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp, makeDist } from '../support/server-app.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let apiOnly: FastifyInstance;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { distDir: makeDist() });
  apiOnly = await buildTestApp(testDb.database, { distDir: null });
});

afterAll(async () => {
  await app.close();
  await apiOnly.close();
  await testDb.close();
});

describe('health', () => {
  it('reports ok, the database kind and the version', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      db: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      version: '9.9.9-test',
    });
  });
});

describe('the built PWA', () => {
  it('serves index.html at / with no-cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Từng Nhà');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-3f9a1c2b.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves the service worker and the manifest with no-cache', async () => {
    for (const url of ['/sw.js', '/manifest.webmanifest']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('answers a deep link that accepts HTML with index.html (SPA fallback)', async () => {
    const res = await app.inject({ method: 'GET', url: '/households/123/visit', headers: { accept: 'text/html,*/*' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file that does not accept HTML with a 404 Problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/missing-1234.js', headers: { accept: '*/*' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not-found', status: 404 });
  });

  it('answers an unknown /api/ path with a 404 Problem, even when it accepts HTML', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/no-such-thing', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'not-found' });
  });

  it('sends security headers with a CSP that keeps scripts and connections same-origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('without a built dist/ still answers the API and gives 404 Problems for pages', async () => {
    expect((await apiOnly.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const page = await apiOnly.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.json()).toMatchObject({ code: 'not-found' });
  });
});
