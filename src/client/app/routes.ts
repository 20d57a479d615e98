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
  /** Totals of a node (province, district, commune, hamlet, team, volunteer) for a period (?tu=…&den=…). */
  reportNode: (kind: string, id: string, period?: { from: string; to: string }) =>
    `/bao-cao/${kind}/${id}${period ? `?tu=${period.from}&den=${period.to}` : ''}`,
  teams: () => '/to',
  team: (teamId: string) => `/to/${teamId}`,
  importMembers: (teamId: string) => `/to/${teamId}/nhap-danh-sach`,
  importHouseholds: () => '/nhap-ho-dan',
  // Residents (no account) and coaching guides.
  selfCheck: () => '/tu-danh-gia',
  selfCheckSkill: (skill: string) => `/tu-danh-gia/${skill}`,
  guides: () => '/huong-dan',
  guide: (subSkill: string) => `/huong-dan/${subSkill}`,
  /** The printable household card (volunteer) and the link a resident opens from it (QR code or typed). */
  householdCard: (householdId: string) => `/ho/${householdId}/the`,
  householdLink: (code: string) => `/ma/${code}`,
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
  reportNode: routes.reportNode(':kind', ':id'),
  teams: routes.teams(),
  team: routes.team(':teamId'),
  importMembers: routes.importMembers(':teamId'),
  importHouseholds: routes.importHouseholds(),
  selfCheck: routes.selfCheck(),
  selfCheckSkill: routes.selfCheckSkill(':skill'),
  guides: routes.guides(),
  guide: routes.guide(':subSkill'),
  householdCard: routes.householdCard(':householdId'),
  householdLink: routes.householdLink(':code'),
} as const;
