/**
 * Renders the app at a path with the volunteer's core-loop screens mounted (registry, household, household form,
 * visit form, overview), through the shared renderApp helper, plus a small fixture builder.
 */
import { routePatterns } from '../../../../src/client/app/routes.ts';
import { HouseholdsPage } from '../../../../src/client/features/households/households-page.tsx';
import { HouseholdPage } from '../../../../src/client/features/households/household-page.tsx';
import { EditHouseholdPage, NewHouseholdPage } from '../../../../src/client/features/households/household-form-page.tsx';
import { CorrectVisitPage, NewVisitPage } from '../../../../src/client/features/visits/visit-form-page.tsx';
import { OverviewPage } from '../../../../src/client/features/overview/overview-page.tsx';
import { createHamlet } from '../../../../src/client/db/hamlets.ts';
import { createHousehold } from '../../../../src/client/db/households.ts';
import type { PersonInput } from '../../../../src/shared/records.ts';
import { renderApp } from '../../../support/render-app.tsx';

export const AREA = { provinceCode: '01', communeCode: '00004' };

export function renderScreens(path: string) {
  return renderApp(path, {
    routes: [
      { path: routePatterns.households, element: <HouseholdsPage /> },
      { path: routePatterns.overview, element: <OverviewPage /> },
      { path: routePatterns.newHousehold, element: <NewHouseholdPage /> },
      { path: routePatterns.household, element: <HouseholdPage /> },
      { path: routePatterns.editHousehold, element: <EditHouseholdPage /> },
      { path: routePatterns.newVisit, element: <NewVisitPage /> },
      { path: routePatterns.correctVisit, element: <CorrectVisitPage /> },
    ],
  });
}

export async function makeHamlet(name = 'Thôn Đông') {
  return createHamlet(AREA, { name });
}

export async function makeHousehold(
  hamletId: string,
  headName: string,
  more: { address?: string; phone?: string; members?: Omit<PersonInput, 'relation'>[] } = {},
) {
  const members: PersonInput[] = [
    { fullName: headName, birthYear: 1960, sex: null, relation: 'head' },
    ...(more.members ?? []).map((m) => ({ ...m, relation: 'child' as const })),
  ];
  return createHousehold(
    { ...AREA, hamletId },
    { headName, address: more.address ?? '', phone: more.phone ?? '', note: '' },
    members,
  );
}
