/** Types i18next's keys from the Vietnamese source files: `t('households:title')` is checked at compile time. */
import type { Resources } from './i18n-resources.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: Resources;
  }
}
