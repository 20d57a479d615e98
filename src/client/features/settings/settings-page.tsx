/** Settings: language, display, storage, backup, about. The backup section has a fixed anchor for the banner. */
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../../ui/page.tsx';
import { BackupSection } from './backup-section.tsx';
import { DisplaySection } from './display-section.tsx';
import { LanguageSection } from './language-section.tsx';
import { StorageSection } from './storage-section.tsx';
import { BACKUP_SECTION_ID } from './settings-anchors.ts';

function appVersion(): string {
  const raw: unknown = import.meta.env.VITE_APP_VERSION;
  return typeof raw === 'string' && raw !== '' ? raw : 'dev';
}

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const { hash } = useLocation();
  useEffect(() => {
    // The router does not scroll to anchors: bring the linked section (e.g. #sao-luu) into view.
    if (hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [hash]);
  return (
    <Page title={t('title')}>
      <LanguageSection />
      <DisplaySection />
      <StorageSection />
      <BackupSection id={BACKUP_SECTION_ID} />
      <section aria-labelledby="settings-about">
        <h2 id="settings-about">{t('about.title')}</h2>
        <p>{t('about.app')}</p>
        <p>{t('about.version', { version: appVersion() })}</p>
        <p className="muted">{t('about.dataSource')}</p>
      </section>
    </Page>
  );
}
