/**
 * Serves the built PWA from dist/ on the same origin as the API.
 * Cache policy: Vite's content-hashed files under /assets/ never change → a year, immutable. Everything else
 * (index.html, sw.js, manifest.webmanifest, icons) → `no-cache`: the browser revalidates with the ETag every time,
 * so a new deployment is seen at once and the service worker updates promptly.
 * Text files are served precompressed (brotli or gzip twins written by the build) where the browser accepts it.
 * SPA fallback: a GET that accepts text/html and is not under /api/ gets index.html (client-side routes deep-link);
 * anything else unknown is a 404 Problem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problem } from '../../shared/problems.ts';
import { sendProblem } from './problems.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

function cacheControlFor(filePath: string): string {
  return /[/\\]assets[/\\]/.test(filePath) ? IMMUTABLE : REVALIDATE;
}

function wantsHtml(request: FastifyRequest): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !request.url.startsWith('/api/') &&
    request.url !== '/api' &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

export async function installStaticFiles(app: FastifyInstance, distDir: string | null): Promise<void> {
  const hasDist = distDir !== null && existsSync(join(distDir, 'index.html'));
  if (hasDist) {
    await app.register(fastifyStatic, {
      root: distDir,
      cacheControl: false,
      etag: true,
      lastModified: true,
      index: ['index.html'],
      // dist/ holds .br and .gz twins of every text file (written by the build): sent to browsers that accept them.
      preCompressed: true,
      setHeaders(reply, filePath) {
        reply.header('Cache-Control', cacheControlFor(filePath));
      },
    });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    if (hasDist && wantsHtml(request)) {
      reply.header('Cache-Control', REVALIDATE);
      return reply.sendFile('index.html');
    }
    return sendProblem(reply, problem('not-found'));
  });
}
