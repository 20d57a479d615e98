/**
 * The app shell around every screen: the update, low-space and offline banners, the screen itself, and the bottom
 * navigation. It also hands Settings the storage figures it reads for the banner, so features need not import
 * each other.
 */
import { useEffect, useMemo } from 'react';
import { Link, matchPath, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { getWorkingArea } from '../db/meta.ts';
import { getSession } from '../db/sync-state.ts';
import { countQueuedSends } from '../db/self-checks.ts';
import { OfflineIndicator } from '../features/pwa/offline-indicator.tsx';
import { StorageWarning } from '../features/pwa/storage-warning.tsx';
import { UpdateBanner } from '../features/pwa/update-banner.tsx';
import { useServiceWorker } from '../features/pwa/use-service-worker.ts';
import { useStorageStatus } from '../features/pwa/use-storage-status.ts';
import { applyStoredDisplayPreferences } from '../features/settings/display-preferences.ts';
import { BACKUP_SECTION_ID } from '../features/settings/settings-anchors.ts';
import { StorageStatusContext } from '../features/settings/storage-status-context.ts';
import { SyncNavLink } from '../features/sync-status/sync-badge.tsx';
import { routePatterns, routes } from './routes.ts';

// Large text / high contrast before the first screen renders.
applyStoredDisplayPreferences();

const SELF_CHECK_SENDER_DELAY_MS = 3000;
const SYNC_ENGINE_DELAY_MS = 2000;
const SYNC_ENGINE_IDLE_MS = 1000;
const REPORT_ROLES = ['coordinator', 'admin', 'team-leader'];

type Tab = 'households' | 'overview' | 'hamlets' | 'reports' | 'sync' | 'settings';

const TAB_PATTERNS: Record<Tab, string[]> = {
  households: [
    routePatterns.households, routePatterns.newHousehold, routePatterns.household, routePatterns.editHousehold,
    routePatterns.newVisit, routePatterns.correctVisit,
  ],
  overview: [routePatterns.overview],
  hamlets: [routePatterns.hamlets, routePatterns.area],
  reports: [routePatterns.reports, routePatterns.reportNode],
  sync: [routePatterns.sync, routePatterns.login],
  settings: [routePatterns.settings],
};

function activeTab(pathname: string): Tab | null {
  for (const [tab, patterns] of Object.entries(TAB_PATTERNS) as [Tab, string[]][]) {
    if (patterns.some((pattern) => matchPath(pattern, pathname))) return tab;
  }
  return null;
}

export function AppLayout() {
  const { t } = useTranslation('common');
  const { pathname } = useLocation();
  const working = useLiveQuery(getWorkingArea, []);
  const role = useLiveQuery(async () => (await getSession())?.user.role ?? null, []);
  const { updateWaiting, applyUpdate } = useServiceWorker();
  const storage = useStorageStatus();
  const hamletId = working?.hamletId ?? null;
  const current = activeTab(pathname);

  const signedIn = role !== undefined && role !== null;
  const selfChecksQueued = (useLiveQuery(countQueuedSends, []) ?? 0) > 0;

  // The sync engine runs while someone is logged in on this device (logged out, it has nothing to do). It is a lazy
  // chunk loaded after the first screen — two seconds after the layout mounts or the login, then when the browser is
  // idle (at most a second later) — so it never competes with a hamlet's list for a cheap phone's CPU and network.
  // The sync screen, logging in and a conflict's decision load it at once (they import it).
  useEffect(() => {
    if (!signedIn) return;
    let stop: (() => void) | undefined;
    let unmounted = false;
    let idle: number | null = null;
    const load = () => {
      void import('../sync/scheduler.ts').then(({ startSyncEngine }) => {
        if (!unmounted) stop = startSyncEngine();
      });
    };
    const timer = setTimeout(() => {
      if ('requestIdleCallback' in window) idle = requestIdleCallback(load, { timeout: SYNC_ENGINE_IDLE_MS });
      else load();
    }, SYNC_ENGINE_DELAY_MS);
    return () => {
      unmounted = true;
      clearTimeout(timer);
      if (idle !== null) cancelIdleCallback(idle);
      stop?.();
    };
  }, [signedIn]);

  // Residents' self-checks queued on this device (no account) go out when there is a network. A lazy chunk, loaded
  // only while some wait (a fresh phone's start page never loads it), a few seconds after the first screen.
  useEffect(() => {
    if (!selfChecksQueued) return;
    let stop: (() => void) | undefined;
    let unmounted = false;
    const timer = setTimeout(() => {
      void import('../features/self-check/self-check-sender.ts').then(({ startSelfCheckSender }) => {
        if (!unmounted) stop = startSelfCheckSender();
      });
    }, SELF_CHECK_SENDER_DELAY_MS);
    return () => {
      unmounted = true;
      clearTimeout(timer);
      stop?.();
    };
  }, [selfChecksQueued]);

  const tabs: { tab: Exclude<Tab, 'sync'>; to: string; label: string; icon: string }[] = [
    { tab: 'households', to: hamletId ? routes.households(hamletId) : routes.hamlets(), label: t('nav.households'), icon: '⌂' },
    // Coordinators, admins and team leaders get Reports in the hamlet overview's place (five tabs at most).
    REPORT_ROLES.includes(role ?? '')
      ? { tab: 'reports', to: routes.reports(), label: t('nav.reports'), icon: '▤' }
      : { tab: 'overview', to: hamletId ? routes.overview(hamletId) : routes.hamlets(), label: t('nav.overview'), icon: '▦' },
    { tab: 'hamlets', to: routes.hamlets(), label: t('nav.hamlets'), icon: '☰' },
    { tab: 'settings', to: routes.settings(), label: t('nav.settings'), icon: '⚙' },
  ];

  const settingsStorage = useMemo(
    () => ({
      persisted: storage.persisted,
      estimate: storage.estimate,
      unsynced: storage.unsynced,
      askPersistence: storage.askPersistence,
    }),
    [storage.persisted, storage.estimate, storage.unsynced, storage.askPersistence],
  );

  return (
      <StorageStatusContext value={settingsStorage}>
        <OfflineIndicator />
        {(updateWaiting || storage.needsBackup) && (
          <div className="banners">
            {updateWaiting && <UpdateBanner onApply={applyUpdate} />}
            {storage.needsBackup && (
              <StorageWarning unsynced={storage.unsynced} backupHref={`${routes.settings()}#${BACKUP_SECTION_ID}`} />
            )}
          </div>
        )}
        <Outlet />
        <nav className="app-nav" aria-label={t('nav.label')}>
          {tabs.slice(0, 3).map(({ tab, to, label, icon }) => (
            <Link key={tab} to={to} aria-current={current === tab ? 'page' : undefined}>
              <span aria-hidden="true" className="nav-icon">{icon}</span>
              <span>{label}</span>
            </Link>
          ))}
          <SyncNavLink current={current === 'sync'} />
          {tabs.slice(3).map(({ tab, to, label, icon }) => (
            <Link key={tab} to={to} aria-current={current === tab ? 'page' : undefined}>
              <span aria-hidden="true" className="nav-icon">{icon}</span>
              <span>{label}</span>
            </Link>
          ))}
        </nav>
      </StorageStatusContext>
  );
}
