/**
 * Turns a zod result into what a form needs: the value, or field name → validation message key
 * (locales/<lang>/validation.json).
 */
import type * as z from 'zod/mini';

export type FieldErrors = Record<string, string>;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function validate<S extends z.ZodMiniType>(schema: S, input: unknown): Validated<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    errors[path] ??= KNOWN_KEYS.has(issue.message) ? issue.message : 'invalid';
  }
  return { ok: false, errors };
}

const KNOWN_KEYS = new Set([
  'required', 'tooLong', 'invalidCharacters', 'phoneInvalid', 'birthYear', 'invalidDate', 'invalidArea',
  'invalidId', 'batchTooLarge',
]);

/** Raised by a repository when input does not validate; carries the field errors for the form. */
export class ValidationError extends Error {
  constructor(readonly errors: FieldErrors) {
    super('validation failed');
    this.name = 'ValidationError';
  }
}

export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  const r = validate(schema, input);
  if (!r.ok) throw new ValidationError(r.errors);
  return r.value;
}

export interface SaveFailure {
  /** Field → validation message key, when the input was at fault; null when it was not (keep what is shown). */
  fields: FieldErrors | null;
  message: string | null;
}

/**
 * What a form shows after a failed save: the field messages of a ValidationError and the form's own message for
 * "the record is gone", "fix the fields" (null: the field messages say enough) or any other failure. Whatever was
 * typed stays in the form; the repository's transaction saved nothing.
 */
export function describeSaveFailure(
  err: unknown,
  messages: { notFound: string; invalid: string | null; failed: string },
): SaveFailure {
  if (!(err instanceof ValidationError)) return { fields: null, message: messages.failed };
  return { fields: err.errors, message: err.errors._ ? messages.notFound : messages.invalid };
}
