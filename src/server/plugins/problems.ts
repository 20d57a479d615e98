/**
 * The one error handler: every error leaves as `application/problem+json` with a catalogue code. Fastify's own
 * errors (bad JSON, body too large, wrong media type) are mapped to their codes; anything unexpected is logged with
 * its stack (the logger redacts personal data) and answered as a bare 500 `internal` that leaks nothing.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { problem, type Problem, type ProblemCode } from '../../shared/problems.ts';
import { ProblemError } from '../problem-error.ts';

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported-media-type',
  FST_ERR_CTP_INVALID_TYPE: 'request.unsupported-media-type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed-json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid',
  FST_ERR_CTP_EMPTY_TYPE: 'request.unsupported-media-type',
  FST_ERR_VALIDATION: 'request.invalid',
  FST_ERR_NOT_FOUND: 'not-found',
};

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.status(body.status).type('application/problem+json; charset=utf-8').send(body);
}

export function toProblem(error: FastifyError | Error): Problem {
  if (error instanceof ProblemError) return error.toProblem();
  const fastifyError = error as Partial<FastifyError> & { code?: string };
  const code = fastifyError.code;
  const mapped = code !== undefined && Object.hasOwn(FASTIFY_CODES, code) ? FASTIFY_CODES[code] : undefined;
  if (mapped !== undefined) return problem(mapped);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return problem('request.malformed-json');
  if (code !== undefined && code.startsWith('Z_')) return problem('request.invalid', 'The body is not valid gzip.');
  const status = fastifyError.statusCode ?? 500;
  if (status === 413) return problem('request.too-large');
  if (status === 415) return problem('request.unsupported-media-type');
  if (status === 429) return problem('rate-limited');
  if (status === 404) return problem('not-found');
  if (status === 405) return problem('method-not-allowed');
  if (status >= 400 && status < 500) return problem('request.invalid');
  if (status === 503) return problem('unavailable');
  return problem('internal');
}

export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error);
    if (body.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (body.status !== 401 && body.status !== 404) {
      request.log.info({ code: body.code }, 'request refused');
    }
    return sendProblem(reply, body);
  });
}

