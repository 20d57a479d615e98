/**
 * Accepts request bodies sent with `Content-Encoding: gzip` (the sync client compresses pushes). The body limit
 * applies to the inflated bytes, so a small zip bomb is refused with 413 like any oversized body; the compressed
 * length is reported to Fastify so its Content-Length check still holds.
 */
import { createGunzip, type Gunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../problem-error.ts';

type EncodedStream = Gunzip & { receivedEncodedLength?: number };

export function installGzipBodies(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return payload;
    if (encoding !== 'gzip') {
      throw new ProblemError('request.unsupported-media-type', `Content-Encoding ${encoding} is not supported; use gzip.`);
    }
    const gunzip: EncodedStream = createGunzip();
    gunzip.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      gunzip.receivedEncodedLength = (gunzip.receivedEncodedLength ?? 0) + chunk.length;
    });
    payload.on('error', (error) => gunzip.destroy(error));
    gunzip.on('error', () => {
      // Fastify reads the error from the stream; stop feeding it.
      payload.unpipe(gunzip);
    });
    return payload.pipe(gunzip);
  });
}
