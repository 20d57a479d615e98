/** "/": straight to where the volunteer left off — the area picker, the hamlet list, or the working hamlet. */
import { Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { getWorkingArea } from '../db/meta.ts';
import { routes } from './routes.ts';

export function HomeRedirect() {
  const { t } = useTranslation('common');
  // undefined while reading; null when nothing was chosen yet.
  const working = useLiveQuery(async () => (await getWorkingArea()) ?? null, []);
  if (working === undefined) return <p role="status" className="app-main">{t('loading')}</p>;
  if (working === null) return <Navigate to={routes.area()} replace />;
  if (working.hamletId === null) return <Navigate to={routes.hamlets()} replace />;
  return <Navigate to={routes.households(working.hamletId)} replace />;
}
