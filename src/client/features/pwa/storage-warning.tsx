/** The low-space banner: only while unsent work exists, with a direct way to the backup. */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

export function StorageWarning({ unsynced, backupHref }: { unsynced: number; backupHref: string }) {
  const { t } = useTranslation('common');
  return (
    <div className="notice warn" role="alert">
      <p>{t('storage.lowSpace', { count: unsynced })}</p>
      <div className="actions">
        <Link className="button" to={backupHref}>
          {t('storage.backupNow')}
        </Link>
      </div>
    </div>
  );
}
