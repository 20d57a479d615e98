/**
 * The translated message for a Problem code (locales/<lang>/problems.json, written with the server's catalogue).
 * Codes arrive at run time, so the lookup is by string; undefined when the catalogue has no message for the code
 * and the caller shows its own wording.
 */
import type { i18n as I18n } from 'i18next';

export function problemMessage(i18n: I18n, code: string): string | undefined {
  for (const lng of [i18n.language, 'vi']) {
    const message: unknown = i18n.getResource(lng, 'problems', code);
    if (typeof message === 'string' && message !== '') return message;
  }
  return undefined;
}
