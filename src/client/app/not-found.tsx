/** An address the app does not know (an old bookmark, a mistyped link). */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '../ui/page.tsx';
import { routes } from './routes.ts';

export function NotFound() {
  const { t } = useTranslation('common');
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.message')}</p>
      <div className="actions">
        <Link className="button" to={routes.home()}>
          {t('notFound.goHome')}
        </Link>
      </div>
    </Page>
  );
}
