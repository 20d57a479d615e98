/** "A new version is ready — Reload": shown while an update waits; nothing reloads until the button is pressed. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function UpdateBanner({ onApply }: { onApply: () => void }) {
  const { t } = useTranslation('common');
  const [applying, setApplying] = useState(false);
  return (
    <div className="notice" role="status">
      <span>{t('update.available')}</span>{' '}
      <button
        type="button"
        className="button"
        disabled={applying}
        onClick={() => {
          setApplying(true);
          onApply();
        }}
      >
        {applying ? t('update.reloading') : t('update.reload')}
      </button>
    </div>
  );
}
