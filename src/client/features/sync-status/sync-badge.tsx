/**
 * The sync tab of the bottom navigation: how many changes wait to be sent (a pill with the count), "!" when a
 * conflict needs a decision or the password is asked again, and the whole state in its accessible name.
 */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { routes } from '../../app/routes.ts';
import { formatNumber } from '../../lib/format.ts';
import { useSyncView } from './use-sync-view.ts';

export function SyncNavLink({ current }: { current: boolean }) {
  const { t } = useTranslation('sync');
  const view = useSyncView();

  let text: string;
  let pill: string | null;
  let tone: 'ok' | 'warn' | 'bad' | '';
  if (!view.loaded) {
    text = '';
    pill = null;
    tone = '';
  } else if (view.state === 'signed-out') {
    text = view.unsynced > 0 ? t('badge.unsynced', { count: view.unsynced }) : t('badge.signedOut');
    pill = view.unsynced > 0 ? formatNumber(view.unsynced) : null;
    tone = '';
  } else if (view.conflicts > 0) {
    text = t('badge.conflicts', { count: view.conflicts });
    pill = '!';
    tone = 'bad';
  } else if (view.unsynced > 0) {
    text = t('badge.unsynced', { count: view.unsynced });
    pill = formatNumber(view.unsynced);
    tone = 'warn';
  } else {
    text = t('badge.synced');
    pill = null;
    tone = 'ok';
  }
  if (view.loaded && (view.state === 'needs-login' || view.state === 'error')) {
    tone = 'bad';
    pill ??= '!';
  }
  // Signed out with nothing waiting, the text already is the state.
  const status = !view.loaded
    ? t('badge.tab')
    : view.state === 'signed-out' && view.unsynced === 0
      ? text
      : `${text} · ${t(`state.${view.state}`)}`;

  return (
    <Link to={routes.sync()} aria-current={current ? 'page' : undefined} aria-label={t('badge.label', { status })}>
      <span aria-hidden="true" className={`nav-icon${view.state === 'running' ? ' spinning' : ''}`}>⇅</span>
      <span aria-hidden="true">{t('badge.tab')}</span>
      {pill && (
        <span className={`nav-pill ${tone}`} aria-hidden="true">
          {pill}
        </span>
      )}
    </Link>
  );
}
