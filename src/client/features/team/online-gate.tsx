/**
 * The roster screens are online screens: they show what the server holds and write straight to it. This gate says
 * plainly when the phone is offline or nobody is logged in (with a link to log in that comes back here), and
 * otherwise renders the screen with the session. It also turns a failed request into a sentence and a way on.
 */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { getSession, type Session } from '../../db/sync-state.ts';
import { ApiError, NeedsLoginError } from '../../lib/api.ts';
import { problemMessage } from '../../lib/problem-message.ts';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import { useOnline } from '../../lib/use-online.ts';

/** The stored session; undefined while it is read, null when nobody is logged in. */
export function useSession(): Session | null | undefined {
  return useLiveQuery(async () => (await getSession()) ?? null, [], undefined);
}

function LoginLink() {
  const { t } = useTranslation('team');
  const { pathname } = useLocation();
  return (
    <Link to={routes.login()} state={{ from: pathname }} className="button block">
      {t('access.login')}
    </Link>
  );
}

export type OnlineAccess =
  | { kind: 'offline' }
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'ready'; session: Session };

export function useOnlineAccess(): OnlineAccess {
  const online = useOnline();
  const session = useSession();
  if (!online) return { kind: 'offline' };
  if (session === undefined) return { kind: 'loading' };
  if (session === null) return { kind: 'signed-out' };
  return { kind: 'ready', session };
}

/** What to show instead of the screen while offline, loading or logged out. */
export function AccessNotice({ access }: { access: Exclude<OnlineAccess, { kind: 'ready' }> }) {
  const { t } = useTranslation('team');
  switch (access.kind) {
    case 'offline':
      return <Notice tone="warn">{t('access.offline')}</Notice>;
    case 'loading':
      return <p className="muted">{t('access.loading')}</p>;
    case 'signed-out':
      return (
        <>
          <Notice tone="info">{t('access.signedOut')}</Notice>
          <LoginLink />
        </>
      );
  }
}

export function OnlineGate({ children }: { children: (session: Session) => ReactNode }) {
  const access = useOnlineAccess();
  return access.kind === 'ready' ? <>{children(access.session)}</> : <AccessNotice access={access} />;
}

/** A sentence for a failed request: transport failures, then the Problem catalogue, then a generic one. */
export function useDescribeError(): (error: unknown) => string {
  const { t, i18n } = useTranslation('team');
  return (error) => {
    if (!(error instanceof ApiError)) return t('errors.unknown');
    if (error.code === 'network') return t('errors.network');
    if (error.code === 'timeout') return t('errors.timeout');
    if (error.code === 'bad-response') return t('errors.badResponse');
    return problemMessage(i18n, error.code) ?? t('errors.unknown');
  };
}

/** A failed load: the reason, and either a login link (session gone) or "try again". */
export function LoadFailure({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation('team');
  const describe = useDescribeError();
  if (error instanceof NeedsLoginError) {
    return (
      <>
        <Notice tone="warn">{t('access.expired')}</Notice>
        <LoginLink />
      </>
    );
  }
  return (
    <Notice tone="bad">
      {describe(error)}
      <div className="actions">
        <button type="button" className="button secondary" onClick={retry}>
          {t('access.retry')}
        </button>
      </div>
    </Notice>
  );
}
