/**
 * The Problem catalogue: every error a client can meet has a stable code, an HTTP status and a message key in
 * locales/<lang>/problems.json. Clients branch on `code`, never on message text. Bodies follow RFC 9457
 * (application/problem+json) with `code` and, for validation, `fields` (path → validation message key).
 */

export const PROBLEMS = {
  'request.invalid': { status: 400 },
  'request.malformed-json': { status: 400 },
  'request.unknown-field': { status: 400 },
  'request.too-large': { status: 413 },
  'request.unsupported-media-type': { status: 415 },
  'auth.required': { status: 401 },
  'auth.invalid-credentials': { status: 401 },
  'auth.session-expired': { status: 401 },
  'auth.forbidden': { status: 403 },
  'auth.rate-limited': { status: 429 },
  'sync.out-of-scope': { status: 403 },
  'sync.batch-too-large': { status: 413 },
  'sync.id-conflict': { status: 409 },
  'sync.stale-version': { status: 409 },
  'sync.unknown-parent': { status: 422 },
  'sync.invalid-record': { status: 422 },
  'roster.duplicate-cccd': { status: 409 },
  'roster.team-has-accounts': { status: 409 },
  'import.unreadable-file': { status: 422 },
  'import.invalid-rows': { status: 422 },
  /** A report download link that expired, was altered, or outlived its login. */
  'reports.link-expired': { status: 401 },
  'not-found': { status: 404 },
  /** A household link code that is unknown or revoked: one answer for both, so a guesser learns nothing. */
  'link.not-found': { status: 404 },
  'method-not-allowed': { status: 405 },
  'rate-limited': { status: 429 },
  'internal': { status: 500 },
  'unavailable': { status: 503 },
} as const satisfies Record<string, { status: number }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  /** Field path ("changes.3.record.headName") → validation message key. */
  fields?: Record<string, string>;
}

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEMS, value);
}

export function problem(code: ProblemCode, detail?: string, fields?: Record<string, string>): Problem {
  return {
    type: `https://tungnha.invalid/problems/${code}`,
    title: code,
    status: PROBLEMS[code].status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(fields === undefined ? {} : { fields }),
  };
}
