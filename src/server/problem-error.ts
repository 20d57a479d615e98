/**
 * Errors as Problems (RFC 9457). Handlers throw `ProblemError('code')`; the error handler turns every error — ours,
 * Fastify's, a plugin's, a bug — into a Problem body with the catalogue's status. Zod issues become `fields`
 * (path → validation message key) so the client can show the message next to the right input.
 */
import type * as z from 'zod/mini';
import { problem, PROBLEMS, type Problem, type ProblemCode } from '../shared/problems.ts';

export class ProblemError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(detail ?? code);
    this.name = 'ProblemError';
    this.statusCode = PROBLEMS[code].status;
  }

  toProblem(): Problem {
    return problem(this.code, this.detail, this.fields);
  }
}

/** A message is a validation key when it is a bare identifier ("required", "phoneInvalid"); zod's own are sentences. */
const MESSAGE_KEY = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** Zod issues → field map. Unknown keys are reported per key ("changes.0.record.extra" → "unknownField"). */
export function issuesToFields(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? p.toString() : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...base, key].join('.')] = 'unknownField';
      continue;
    }
    const path = base.join('.') || '(root)';
    fields[path] ??= MESSAGE_KEY.test(issue.message) ? issue.message : 'invalid';
  }
  return fields;
}

/** The Problem code for a failed parse of a request part. */
export function issuesToCode(issues: readonly z.core.$ZodIssue[]): ProblemCode {
  if (issues.some((i) => i.message === 'batchTooLarge')) return 'sync.batch-too-large';
  if (issues.some((i) => i.code === 'unrecognized_keys')) return 'request.unknown-field';
  return 'request.invalid';
}

export function zodProblem(issues: readonly z.core.$ZodIssue[], part: string): ProblemError {
  return new ProblemError(issuesToCode(issues), `The request ${part} is not valid.`, issuesToFields(issues));
}
