/** Shown while the first screen's lazy chunk loads (a few hundred milliseconds on a slow phone). */
import { useTranslation } from 'react-i18next';

export function LoadingScreen() {
  const { t } = useTranslation('common');
  return (
    <p className="app-main" role="status">
      {t('loading')}
    </p>
  );
}
