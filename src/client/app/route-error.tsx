/**
 * What a person sees when a screen fails: a calm Vietnamese message and a way home, never a stack trace.
 * The error itself goes to the console for whoever debugs the device.
 */
import { useEffect } from 'react';
import { Link, useRouteError } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../ui/page.tsx';
import { routes } from './routes.ts';

export function RouteError() {
  const { t } = useTranslation('common');
  const error = useRouteError();
  useEffect(() => {
    console.warn('Screen failed', error);
  }, [error]);
  return (
    <Page title={t('error.title')}>
      <p>{t('error.message')}</p>
      <div className="actions">
        <Link className="button" to={routes.home()} reloadDocument>
          {t('error.goHome')}
        </Link>
      </div>
    </Page>
  );
}
