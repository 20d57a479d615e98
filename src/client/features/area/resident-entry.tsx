/** The way in for residents (no account): the self-check and the coaching guides, on the start screens. */
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { routes } from '../../app/routes.ts';

export function ResidentEntry() {
  const { t } = useTranslation('common');
  return (
    <section aria-labelledby="resident-entry" className="resident-entry">
      <h2 id="resident-entry">{t('residents.heading')}</h2>
      <div className="actions">
        <Link className="button secondary block" to={routes.selfCheck()}>
          {t('residents.selfCheck')}
        </Link>
        <Link className="button secondary block" to={routes.guides()}>
          {t('residents.guides')}
        </Link>
      </div>
    </section>
  );
}
