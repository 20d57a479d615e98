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
];

export function loggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}
