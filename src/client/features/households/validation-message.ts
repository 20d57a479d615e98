/**
 * Repositories report field errors as message keys of the `validation` namespace. A key we do not know (a zod
 * default message, say) is shown as the generic "invalid" rather than as raw text.
 */
const VALIDATION_KEYS = [
  'required', 'tooLong', 'invalidCharacters', 'phoneInvalid', 'birthYear', 'invalidDate', 'invalidArea',
  'invalidId', 'batchTooLarge', 'duplicateHamlet', 'notFound', 'hamletNotEmpty', 'visitEmpty', 'invalid',
] as const;

export type ValidationKey = (typeof VALIDATION_KEYS)[number];

export function validationKey(key: string | undefined): ValidationKey {
  return (VALIDATION_KEYS as readonly string[]).includes(key ?? '') ? (key as ValidationKey) : 'invalid';
}
