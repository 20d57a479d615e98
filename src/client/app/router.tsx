/**
 * The route tree. Every screen is a lazy chunk, so the start page loads only the shell and the screen it shows.
 * Features never import each other: this file composes them.
 */
import { createBrowserRouter } from 'react-router';
import { routePatterns as p } from './routes.ts';
import { AppLayout } from './layout.tsx';
import { RouteError } from './route-error.tsx';
import { LoadingScreen } from './loading-screen.tsx';
import { homeLoader } from './home.tsx';
import { loadNamespaces } from '../lib/i18n.ts';

export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <AppLayout />,
      errorElement: <RouteError />,
      hydrateFallbackElement: <LoadingScreen />,
      children: [
        // "/" only redirects: a loader (no chunk of its own), so the first screen's chunk is fetched sooner.
        { path: p.home, loader: homeLoader },
        { path: p.area, lazy: async () => ({ Component: (await import('../features/area/area-page.tsx')).AreaPage }) },
        { path: p.hamlets, lazy: async () => ({ Component: (await import('../features/area/hamlets-page.tsx')).HamletsPage }) },
        { path: p.households, lazy: async () => ({ Component: (await import('../features/households/households-page.tsx')).HouseholdsPage }) },
        { path: p.overview, lazy: async () => ({ Component: (await import('../features/overview/overview-page.tsx')).OverviewPage }) },
        { path: p.newHousehold, lazy: async () => ({ Component: (await import('../features/households/household-form-page.tsx')).NewHouseholdPage }) },
        { path: p.household, lazy: async () => {
          // Residents' self-checks show beside the observed outcomes, in the self-check namespace's words.
          const [{ HouseholdPage }] = await Promise.all([import('../features/households/household-page.tsx'), loadNamespaces('self-check')]);
          return { Component: HouseholdPage };
        } },
        { path: p.editHousehold, lazy: async () => ({ Component: (await import('../features/households/household-form-page.tsx')).EditHouseholdPage }) },
        { path: p.newVisit, lazy: async () => ({ Component: (await import('../features/visits/visit-form-page.tsx')).NewVisitPage }) },
        { path: p.correctVisit, lazy: async () => ({ Component: (await import('../features/visits/visit-form-page.tsx')).CorrectVisitPage }) },
        { path: p.settings, lazy: async () => ({ Component: (await import('../features/settings/settings-page.tsx')).SettingsPage }) },
        { path: p.login, lazy: async () => ({ Component: (await import('../features/auth/login-page.tsx')).LoginPage }) },
        { path: p.sync, lazy: async () => ({ Component: (await import('../features/sync-status/sync-page.tsx')).SyncPage }) },
        // Residents and coaching guides: their strings are lazy namespaces, loaded beside the screen's chunk.
        { path: p.householdCard, lazy: async () => {
          const [{ HouseholdCardPage }] = await Promise.all([import('../features/household-card/household-card-page.tsx'), loadNamespaces('self-check')]);
          return { Component: HouseholdCardPage };
        } },
        { path: p.selfCheck, lazy: async () => {
          const [{ SelfCheckPage }] = await Promise.all([import('../features/self-check/self-check-page.tsx'), loadNamespaces('self-check', 'guides')]);
          return { Component: SelfCheckPage };
        } },
        { path: p.selfCheckSkill, lazy: async () => {
          const [{ SelfCheckSkillPage }] = await Promise.all([import('../features/self-check/self-check-skill-page.tsx'), loadNamespaces('self-check', 'guides')]);
          return { Component: SelfCheckSkillPage };
        } },
        { path: p.householdLink, lazy: async () => {
          const [{ HouseholdLinkPage }] = await Promise.all([import('../features/self-check/household-link-page.tsx'), loadNamespaces('self-check')]);
          return { Component: HouseholdLinkPage };
        } },
        { path: p.guides, lazy: async () => {
          const [{ GuidesPage }] = await Promise.all([import('../features/guides/guides-page.tsx'), loadNamespaces('self-check', 'guides')]);
          return { Component: GuidesPage };
        } },
        { path: p.guide, lazy: async () => {
          const [{ GuidePage }] = await Promise.all([import('../features/guides/guide-page.tsx'), loadNamespaces('self-check', 'guides')]);
          return { Component: GuidePage };
        } },
        // Reports (online screens): the `reports` namespace loads with them.
        { path: p.reports, lazy: async () => {
          const [{ ReportsPage }] = await Promise.all([import('../features/reports/reports-page.tsx'), loadNamespaces('reports')]);
          return { Component: ReportsPage };
        } },
        { path: p.reportNode, lazy: async () => {
          const [{ ReportsPage }] = await Promise.all([import('../features/reports/reports-page.tsx'), loadNamespaces('reports')]);
          return { Component: ReportsPage };
        } },
        // Team rosters and imports (online screens): the `team` namespace loads with them.
        { path: p.teams, lazy: async () => {
          const [{ TeamsPage }] = await Promise.all([import('../features/team/teams-page.tsx'), loadNamespaces('team')]);
          return { Component: TeamsPage };
        } },
        { path: p.team, lazy: async () => {
          const [{ TeamPage }] = await Promise.all([import('../features/team/team-page.tsx'), loadNamespaces('team')]);
          return { Component: TeamPage };
        } },
        { path: p.importMembers, lazy: async () => {
          const [{ ImportMembersPage }] = await Promise.all([import('../features/team/import-pages.tsx'), loadNamespaces('team')]);
          return { Component: ImportMembersPage };
        } },
        { path: p.importHouseholds, lazy: async () => {
          const [{ ImportHouseholdsPage }] = await Promise.all([import('../features/team/import-pages.tsx'), loadNamespaces('team')]);
          return { Component: ImportHouseholdsPage };
        } },
        { path: '*', lazy: async () => ({ Component: (await import('./not-found.tsx')).NotFound }) },
      ],
    },
  ]);
}
