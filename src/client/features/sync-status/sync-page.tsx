/**
 * The sync screen: who is logged in (or a way to log in), what waits to be sent, when the device last synced, a
 * "sync now" button, the changes the server refused with their reason, and the conflicts waiting for a decision.
 * Logging out warns when unsent changes exist and never deletes anything on the device.
 */
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { PulledChangeError } from '../../db/apply-pulled.ts';
import { listConflicts } from '../../db/conflicts.ts';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { syncNow } from '../../sync/scheduler.ts';
import { logOut } from '../../sync/session.ts';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { ConflictCard } from './conflict-card.tsx';
import { listRejectedChanges, recordTitle } from './records-view.ts';
import { routes } from '../../app/routes.ts';
import { useSyncView } from './use-sync-view.ts';
import './sync-status.css';

/** Roles that keep or oversee team rosters (an online screen). */
const ROSTER_ROLES = ['admin', 'coordinator', 'team-leader'];

type Feedback = { tone: 'ok' | 'bad' | 'info'; text: string } | null;

export function SyncPage() {
  const { t, i18n } = useTranslation('sync');
  const { pathname } = useLocation();
  const view = useSyncView();
  const conflicts = useLiveQuery(listConflicts, [], []);
  const rejected = useLiveQuery(listRejectedChanges, [], []);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [confirmingLogout, setConfirmingLogout] = useState(false);
  const [syncing, setSyncing] = useState(false);

  function reason(code: string): string {
    if (code === 'network' || code === 'timeout' || code === 'bad-response') return t(`transport.${code}`);
    return problemMessage(i18n, code) ?? t('transport.unknown');
  }

  function describeError(error: unknown): string {
    if (error instanceof ApiError) return reason(error.code);
    // The engine records a pulled page it cannot accept as 'bad-response'; the button's answer says the same.
    if (error instanceof PulledChangeError) return reason('bad-response');
    return t('transport.unknown');
  }

  async function onSyncNow() {
    setSyncing(true);
    setFeedback({ tone: 'info', text: t('syncing') });
    const result = await syncNow();
    setSyncing(false);
    if (result.kind === 'synced') setFeedback({ tone: 'ok', text: t('done') });
    else if (result.kind === 'failed') setFeedback({ tone: 'bad', text: t('failed', { reason: describeError(result.error) }) });
    else setFeedback(null);
  }

  async function onLogout() {
    setConfirmingLogout(false);
    await logOut();
    setFeedback({ tone: 'ok', text: t('account.loggedOut') });
  }

  const loginLink = (
    <Link to={routes.login()} state={{ from: pathname }} className="button block">
      {t('account.login')}
    </Link>
  );
  const lastSync = view.status.lastSuccessAt;
  const received = view.status.received;

  return (
    <Page title={t('title')}>
      {feedback && <Notice tone={feedback.tone}>{feedback.text}</Notice>}

      <section aria-labelledby="sync-account">
        <h2 id="sync-account">{t('account.heading')}</h2>
        {view.user ? (
          <>
            <dl className="definition">
              <dt>{t('account.name')}</dt>
              <dd>{view.user.name}</dd>
              <dt>{t('account.phone')}</dt>
              <dd>{view.user.phone}</dd>
              <dt>{t('account.scope')}</dt>
              <dd>{view.user.scopeLabel === 'all' ? t('scopeAll') : view.user.scopeLabel}</dd>
            </dl>
            {ROSTER_ROLES.includes(view.user.role) && (
              <Link to={routes.teams()} className="button secondary block">
                {t('account.teams')}
              </Link>
            )}
            {confirmingLogout ? (
              <Notice tone="warn">
                {t('account.logoutConfirmUnsynced', { count: view.unsynced })}
                <div className="actions">
                  <button type="button" className="button danger" onClick={() => void onLogout()}>
                    {t('account.confirmLogout')}
                  </button>
                  <button type="button" className="button secondary" onClick={() => setConfirmingLogout(false)}>
                    {t('account.cancel')}
                  </button>
                </div>
              </Notice>
            ) : (
              <div className="actions">
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => (view.unsynced > 0 ? setConfirmingLogout(true) : void onLogout())}
                >
                  {t('account.logout')}
                </button>
              </div>
            )}
          </>
        ) : view.loaded ? (
          <>
            <p>{view.state === 'needs-login' ? t('account.expired') : t('account.notSignedIn')}</p>
            {loginLink}
          </>
        ) : null}
      </section>

      <section aria-labelledby="sync-summary">
        <h2 id="sync-summary" className="visually-hidden">{t('summary.status')}</h2>
        <div className="stats">
          <div className="stat">
            <span className="value">{formatNumber(view.unsynced)}</span>
            <span className="label">{t('summary.unsynced')}</span>
          </div>
          <div className="stat">
            <span className="value">{formatNumber(view.conflicts)}</span>
            <span className="label">{t('summary.conflicts')}</span>
          </div>
        </div>
        <dl className="definition">
          <dt>{t('summary.status')}</dt>
          <dd>{t(`state.${view.state}`)}</dd>
          {view.state === 'running' && (received ?? 0) > 0 && (
            <>
              <dt>{t('summary.received')}</dt>
              <dd>{t('summary.receivedCount', { count: received ?? 0, formatted: formatNumber(received ?? 0) })}</dd>
            </>
          )}
          <dt>{t('summary.lastSync')}</dt>
          <dd>{lastSync ? formatDateTime(lastSync) : t('summary.never')}</dd>
        </dl>
        {view.state === 'error' && view.status.lastErrorCode && (
          <Notice tone="bad">{t('failed', { reason: reason(view.status.lastErrorCode) })}</Notice>
        )}
        {view.user && (
          <div className="actions">
            <button type="button" className="button block" disabled={syncing} onClick={() => void onSyncNow()}>
              {syncing ? t('syncing') : t('syncNow')}
            </button>
          </div>
        )}
      </section>

      {conflicts.length > 0 && (
        <section aria-labelledby="sync-conflicts">
          <h2 id="sync-conflicts">{t('conflicts.heading')}</h2>
          <p>{t('conflicts.intro')}</p>
          {conflicts.map((c) => (
            <ConflictCard key={c.id} conflict={c} describeError={describeError} />
          ))}
        </section>
      )}

      {rejected.length > 0 && (
        <section aria-labelledby="sync-rejected">
          <h2 id="sync-rejected">{t('rejected.heading')}</h2>
          <p>{t('rejected.intro')}</p>
          <ul className="list">
            {rejected.map(({ entry, record }) => (
              <li key={entry.key} className="list-link">
                <span className="grow">
                  {recordTitle(t, entry.entity, record)}
                  <span className="sub">{t('rejected.reason', { reason: reason(entry.lastError ?? '') })}</span>
                  <span className="sub">{t('rejected.attempts', { count: entry.attempts })}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Page>
  );
}
