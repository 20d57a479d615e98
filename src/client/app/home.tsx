/**
 * "/": straight to where the volunteer left off — the area picker, the hamlet list, or the working hamlet.
 * The app decides in a route loader (`homeLoader`): the redirect happens while the router starts, with no chunk of
 * its own to fetch and no render in between, so the first screen's chunk is requested one round trip sooner.
 * `HomeRedirect` is the same decision as a component, for routers mounted without loaders.
 */
import { Navigate, replace } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { getWorkingArea, type WorkingArea } from '../db/meta.ts';
import { routes } from './routes.ts';

/** Where "/" leads for the working area chosen on this device (null: none yet). */
export function homeTarget(working: WorkingArea | null): string {
  if (working === null) return routes.area();
  if (working.hamletId === null) return routes.hamlets();
  return routes.households(working.hamletId);
}

/**
 * Replaces "/" in the history (as `<Navigate replace>` does), so Back never lands on a redirect.
 * A page no service worker controls is a first visit (or a cleared browser): nothing was chosen on this device yet,
 * so the area picker's chunk starts loading while the database opens instead of after it.
 */
export async function homeLoader(): Promise<Response> {
  // A failed early fetch is left to the area route's own import, which shows the route error.
  if (!navigator.serviceWorker?.controller) import('../features/area/area-page.tsx').catch(() => undefined);
  // The router calls this while it is being created: opening the database (its schema parsed, on a first visit its
  // tables created) waits for the next task, so a slow phone's start is two shorter tasks instead of one long one.
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  return replace(homeTarget((await getWorkingArea()) ?? null));
}

export function HomeRedirect() {
  const { t } = useTranslation('common');
  // undefined while reading; null when nothing was chosen yet.
  const working = useLiveQuery(async () => (await getWorkingArea()) ?? null, []);
  if (working === undefined) return <p role="status" className="app-main">{t('loading')}</p>;
  return <Navigate to={homeTarget(working)} replace />;
}
