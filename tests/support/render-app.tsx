/**
 * Renders the app shell (AppLayout: bottom nav, banners, the contexts it provides) at a path, in memory, with the
 * translations loaded and Vietnamese selected, the way a person would meet the screen.
 * The screens of area and settings are mounted; a test adds others it needs (or stand-ins) through `routes`.
 */
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import '../../src/client/lib/i18n-types.ts';
import { changeLanguage, initI18n } from '../../src/client/lib/i18n.ts';
import { AppLayout } from '../../src/client/app/layout.tsx';
import { HomeRedirect } from '../../src/client/app/home.tsx';
import { NotFound } from '../../src/client/app/not-found.tsx';
import { RouteError } from '../../src/client/app/route-error.tsx';
import { routePatterns } from '../../src/client/app/routes.ts';
import { AreaPage } from '../../src/client/features/area/area-page.tsx';
import { HamletsPage } from '../../src/client/features/area/hamlets-page.tsx';
import { SettingsPage } from '../../src/client/features/settings/settings-page.tsx';

let i18nReady: Promise<unknown> | null = null;

export async function ensureI18n(): Promise<void> {
  i18nReady ??= initI18n();
  await i18nReady;
  if (i18next.language !== 'vi') await changeLanguage('vi');
}

export interface RenderAppOptions {
  /** More child routes of the layout (e.g. a stand-in for a screen another feature owns). */
  routes?: RouteObject[];
}

export async function renderApp(path: string, options: RenderAppOptions = {}) {
  localStorage.clear();
  delete document.documentElement.dataset.text;
  delete document.documentElement.dataset.contrast;
  await ensureI18n();
  const router = createMemoryRouter(
    [
      {
        element: <AppLayout />,
        errorElement: <RouteError />,
        children: [
          { path: routePatterns.home, element: <HomeRedirect /> },
          { path: routePatterns.area, element: <AreaPage /> },
          { path: routePatterns.hamlets, element: <HamletsPage /> },
          { path: routePatterns.settings, element: <SettingsPage /> },
          ...(options.routes ?? []),
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
    { initialEntries: [path] },
  );
  const user = userEvent.setup();
  const view = render(<RouterProvider router={router} />);
  return { router, user, ...view };
}
