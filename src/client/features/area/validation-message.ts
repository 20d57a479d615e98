/** Field error keys from a repository's ValidationError → the message in the `validation` namespace. */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Resources } from '../../lib/i18n-resources.ts';

type ValidationKey = keyof Resources['validation'] & string;

export function useValidationMessage(): (key: string | undefined) => string | undefined {
  const { t } = useTranslation('validation');
  return useCallback((key) => (key ? t(key as ValidationKey) : undefined), [t]);
}
