/** A quiet line while offline: work goes on, nothing is lost, it just has not been sent yet. */
import { useTranslation } from 'react-i18next';
import { useOnline } from '../../lib/use-online.ts';

export function OfflineIndicator() {
  const { t } = useTranslation('common');
  const online = useOnline();
  if (online) return null;
  return (
    <p className="muted" role="status" style={{ margin: 0, padding: '4px 12px', fontSize: '0.9rem', background: 'var(--paper-alt)' }}>
      {t('offline')}
    </p>
  );
}
