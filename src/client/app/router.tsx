/**
 * The route tree. Every screen is a lazy chunk, so the start page loads only the shell and the screen it shows.
 * Features never import each other: this file composes them.
 */
import { createBrowserRouter } from 'react-router';
import { routePatterns as p } from './routes.ts';
import { AppLayout } from './layout.tsx';
import { RouteError } from './route-error.tsx';
import { LoadingScreen } from './loading-screen.tsx';

export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <AppLayout />,
      errorElement: <RouteError />,
      hydrateFallbackElement: <LoadingScreen />,
      children: [
        { path: p.home, lazy: async () => ({ Component: (await import('./home.tsx')).HomeRedirect }) },
        { path: p.area, lazy: async () => ({ Component: (await import('../features/area/area-page.tsx')).AreaPage }) },
        { path: p.hamlets, lazy: async () => ({ Component: (await import('../features/area/hamlets-page.tsx')).HamletsPage }) },
        { path: p.households, lazy: async () => ({ Component: (await import('../features/households/households-page.tsx')).HouseholdsPage }) },
        { path: p.overview, lazy: async () => ({ Component: (await import('../features/overview/overview-page.tsx')).OverviewPage }) },
        { path: p.newHousehold, lazy: async () => ({ Component: (await import('../features/households/household-form-page.tsx')).NewHouseholdPage }) },
        { path: p.household, lazy: async () => ({ Component: (await import('../features/households/household-page.tsx')).HouseholdPage }) },
        { path: p.editHousehold, lazy: async () => ({ Component: (await import('../features/households/household-form-page.tsx')).EditHouseholdPage }) },
        { path: p.newVisit, lazy: async () => ({ Component: (await import('../features/visits/visit-form-page.tsx')).NewVisitPage }) },
        { path: p.correctVisit, lazy: async () => ({ Component: (await import('../features/visits/visit-form-page.tsx')).CorrectVisitPage }) },
        { path: p.settings, lazy: async () => ({ Component: (await import('../features/settings/settings-page.tsx')).SettingsPage }) },
        { path: p.login, lazy: async () => ({ Component: (await import('../features/auth/login-page.tsx')).LoginPage }) },
        { path: p.sync, lazy: async () => ({ Component: (await import('../features/sync-status/sync-page.tsx')).SyncPage }) },
        { path: '*', lazy: async () => ({ Component: (await import('./not-found.tsx')).NotFound }) },
      ],
    },
  ]);
}
