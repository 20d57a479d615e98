/** Is the data kept for good, how much room is used, and how much work is still unsent. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../ui/notice.tsx';
import { formatBytes } from '../../lib/format.ts';
import { useSettingsStorageStatus } from './storage-status-context.ts';

export function StorageSection() {
  const { t } = useTranslation('settings');
  const { persisted, estimate, unsynced, askPersistence } = useSettingsStorageStatus();
  const [asking, setAsking] = useState(false);
  return (
    <section aria-labelledby="settings-storage">
      <h2 id="settings-storage">{t('storage.title')}</h2>
      {persisted === true && <Notice tone="ok">{t('storage.persisted')}</Notice>}
      {persisted === false && (
        <Notice tone="warn">
          <p>{t('storage.notPersisted')}</p>
          <div className="actions">
            <button
              type="button"
              className="button secondary"
              disabled={asking}
              onClick={() => {
                setAsking(true);
                void askPersistence().finally(() => setAsking(false));
              }}
            >
              {t('storage.askAgain')}
            </button>
          </div>
        </Notice>
      )}
      {persisted === null && <p className="muted">{t('storage.unsupported')}</p>}
      <p>
        {estimate
          ? t('storage.usage', { usage: formatBytes(estimate.usage), quota: formatBytes(estimate.quota) })
          : t('storage.usageUnknown')}
      </p>
      <p>{unsynced > 0 ? t('storage.unsynced', { count: unsynced }) : t('storage.allSynced')}</p>
    </section>
  );
}
