/** Test helpers for the server: an app on a test database (no port), a throw-away dist/ to serve, JSON helpers. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import type { Database } from '../../src/server/db/client.ts';

export async function buildTestApp(database: Database, options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const app = await buildApp({ database, logger: false, version: '9.9.9-test', ...options });
  await app.ready();
  return app;
}

/** `buildTestApp`, listening on a free loopback port: for tests whose requests must travel over real sockets. */
export async function listenTestApp(
  database: Database,
  options: Partial<AppOptions> = {},
): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildTestApp(database, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** A minimal built PWA: index.html, a service worker, a manifest and one hashed asset. */
export function makeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tn-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="vi"><title>Từng Nhà</title><div id="root"></div>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'manifest.webmanifest'), JSON.stringify({ name: 'Từng Nhà' }));
  writeFileSync(join(dir, 'assets', 'index-3f9a1c2b.js'), 'console.log("app");');
  return dir;
}
