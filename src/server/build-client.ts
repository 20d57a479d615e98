/**
 * `npm start` serves dist/. When dist/index.html is missing or older than any source the PWA is built from, build it
 * first with Vite's JS API, so a fresh checkout needs only `npm install && npm start`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCES = ['src/client', 'src/shared', 'locales', 'public', 'index.html', 'vite.config.ts'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function clientBuildIsStale(rootDir: string, distDir = 'dist'): boolean {
  const index = join(resolve(rootDir, distDir), 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(rootDir, s)) > built);
}

/** Builds the PWA when needed; returns true when it built. */
export async function ensureClientBuilt(rootDir: string, log: (line: string) => void, distDir = 'dist'): Promise<boolean> {
  if (!clientBuildIsStale(rootDir, distDir)) return false;
  log('Đang dựng ứng dụng web (vite build)… / Building the web app (vite build)…');
  const vite = await import('vite');
  // Always a production build: Vite takes NODE_ENV as it finds it, and under vitest (NODE_ENV=test) it would give a
  // development bundle without the service worker, failing every offline check against it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ root: rootDir, mode: 'production', logLevel: 'warn', build: { outDir: resolve(rootDir, distDir) } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}
