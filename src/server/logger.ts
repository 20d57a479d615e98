/**
 * Structured logs (pino through Fastify). Personal data never reaches them (Decree 13/2023): bodies are never logged,
 * and any field named like a password, phone, CCCD or credential is redacted wherever it appears.
 */
import type { FastifyServerOptions } from 'fastify';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password', 'phone', 'cccd', 'token', 'newPassword',
  '*.password', '*.phone', '*.cccd', '*.token', '*.newPassword', '*.passwordHash',
  '*.*.password', '*.*.phone', '*.*.cccd', '*.*.token',
  'body', '*.body',
  // Rosters: the encrypted CCCD and an import file's content (base64) have no business in a log either.
  'cccdCipher', '*.cccdCipher', '*.*.cccdCipher', 'content', '*.content',
];

/** Runs of 9+ digits: a CCCD (12), a phone (10, or 11 as 84…). Cut from error texts, where no path can name them. */
const LONG_DIGITS = /\d{9,}/g;

/**
 * Errors as logged: name, code, message and stack with long digit runs cut, and the cause chain the same way.
 * A failed Drizzle query's message ends with its parameters ("params: 0912345678,…") and a PostgreSQL error's
 * `detail` may quote the failing row: neither is kept.
 */
export interface LoggedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error).replace(LONG_DIGITS, '[redacted]'), stack: '' };
  const clean = (text: string | undefined) => (text ?? '').replace(/\nparams: [^\n]*/g, '\nparams: [redacted]').replace(LONG_DIGITS, '[redacted]');
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: clean(error.message),
    stack: clean(error.stack),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.cause !== undefined && depth < 5 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

export function loggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: (error: Error) => serializeError(error) },
  };
}
