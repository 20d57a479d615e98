/**
 * Export every record to a file, and merge a file back in. Importing never removes or downgrades what is on the
 * device (db/backup.ts keeps the newer copy); a wrong file is refused with a message and changes nothing.
 */
import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { exportBackup, importBackup } from '../../db/backup.ts';
import { Notice } from '../../ui/notice.tsx';
import { backupFileName, downloadJson } from './backup-file.ts';

type Message = { tone: 'ok' | 'bad'; text: string } | null;

export function BackupSection({ id }: { id: string }) {
  const { t } = useTranslation('settings');
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);

  const onExport = async () => {
    setBusy(true);
    try {
      const backup = await exportBackup();
      const file = backupFileName();
      downloadJson(file, backup);
      setMessage({ tone: 'ok', text: t('backup.exported', { file }) });
    } catch (error) {
      console.warn('Backup export failed', error);
      setMessage({ tone: 'bad', text: t('backup.exportFailed') });
    } finally {
      setBusy(false);
    }
  };

  const onImport = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const result = await importBackup(await file.text());
      setMessage(
        result.ok
          ? { tone: 'ok', text: t('backup.imported', { added: result.added, kept: result.kept }) }
          : { tone: 'bad', text: t(`backup.${result.reason}`) },
      );
    } catch (error) {
      console.warn('Backup import failed', error);
      setMessage({ tone: 'bad', text: t('backup.importFailed') });
    } finally {
      input.value = '';
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{t('backup.title')}</h2>
      <p>{t('backup.intro')}</p>
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void onExport()}>
          {t('backup.export')}
        </button>
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('backup.import')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept="application/json,.json"
          disabled={busy}
          aria-describedby={`${id}-hint`}
          onChange={(e) => void onImport(e)}
        />
        <span id={`${id}-hint`} className="hint">{t('backup.importHint')}</span>
      </div>
      {busy && <p role="status">{t('backup.importing')}</p>}
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
    </section>
  );
}
