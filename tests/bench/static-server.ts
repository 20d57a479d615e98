/**
 * A plain static server for benchmarks: the built app at / (SPA fallback to index.html) and the bench harness at
 * /__bench/, on one loopback origin so both see the same IndexedDB. Serves files uncompressed; transfer sizes are
 * computed separately (gzip of each file) so the figure does not depend on this server.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

async function fileIfExists(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

export async function serveStatic(appDir: string, harnessDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const isBench = url.pathname.startsWith('/__bench/');
    const dir = isBench ? harnessDir : appDir;
    const rel = normalize(decodeURIComponent(isBench ? url.pathname.slice('/__bench'.length) : url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let path = join(dir, rel);
    let body = await fileIfExists(path);
    if (!body) {
      path = join(dir, 'index.html');
      body = extname(rel) === '' ? await fileIfExists(path) : null;
    }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': path.endsWith('sw.js') || path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
