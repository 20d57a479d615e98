/**
 * Every path of the app in one place, with href builders, so no screen hand-writes a URL.
 */
export const routes = {
  home: () => '/',
  area: () => '/khu-vuc',
  hamlets: () => '/thon',
  households: (hamletId: string) => `/thon/${hamletId}`,
  overview: (hamletId: string) => `/thon/${hamletId}/tong-quan`,
  newHousehold: (hamletId: string) => `/thon/${hamletId}/ho-moi`,
  household: (householdId: string) => `/ho/${householdId}`,
  editHousehold: (householdId: string) => `/ho/${householdId}/sua`,
  newVisit: (householdId: string) => `/ho/${householdId}/tham-moi`,
  correctVisit: (householdId: string, visitId: string) => `/ho/${householdId}/tham/${visitId}/sua`,
  settings: () => '/cai-dat',
  login: () => '/dang-nhap',
  sync: () => '/dong-bo',
  // Coordinators and team leaders (online screens).
  reports: () => '/bao-cao',
  teams: () => '/to',
  // Residents (no account) and coaching guides.
  selfCheck: () => '/tu-danh-gia',
  guides: () => '/huong-dan',
} as const;

/** Route patterns for the router, derived from the builders so the two cannot disagree. */
export const routePatterns = {
  home: routes.home(),
  area: routes.area(),
  hamlets: routes.hamlets(),
  households: routes.households(':hamletId'),
  overview: routes.overview(':hamletId'),
  newHousehold: routes.newHousehold(':hamletId'),
  household: routes.household(':householdId'),
  editHousehold: routes.editHousehold(':householdId'),
  newVisit: routes.newVisit(':householdId'),
  correctVisit: routes.correctVisit(':householdId', ':visitId'),
  settings: routes.settings(),
  login: routes.login(),
  sync: routes.sync(),
  reports: routes.reports(),
  teams: routes.teams(),
  selfCheck: routes.selfCheck(),
  guides: routes.guides(),
} as const;
