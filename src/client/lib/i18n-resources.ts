/** The Vietnamese (source) resources, bundled. Adding a namespace: add its file in both locales and list it here. */
import common from '../../../locales/vi/common.json';
import area from '../../../locales/vi/area.json';
import households from '../../../locales/vi/households.json';
import visits from '../../../locales/vi/visits.json';
import overview from '../../../locales/vi/overview.json';
import skills from '../../../locales/vi/skills.json';
import validation from '../../../locales/vi/validation.json';
import problems from '../../../locales/vi/problems.json';
import settings from '../../../locales/vi/settings.json';
import auth from '../../../locales/vi/auth.json';
import sync from '../../../locales/vi/sync.json';
import type team from '../../../locales/vi/team.json';
import type reports from '../../../locales/vi/reports.json';
import type selfCheck from '../../../locales/vi/self-check.json';
import type guides from '../../../locales/vi/guides.json';

export const viResources = { common, area, households, visits, overview, skills, validation, problems, settings, auth, sync };
/** Bundled namespaces: what the start page and the field screens need. */
export const NAMESPACES = Object.keys(viResources) as (keyof typeof viResources)[];

/**
 * Namespaces of screens the start page never shows (coordinator reports, team rosters, the resident self-check and
 * the coaching guides). Only their types are imported here; the strings load with their screen (see
 * `loadNamespaces` in i18n.ts), so they cost the initial bundle nothing.
 */
export interface LazyResources {
  team: typeof team;
  reports: typeof reports;
  'self-check': typeof selfCheck;
  guides: typeof guides;
}
export type LazyNamespace = keyof LazyResources;
export type Resources = typeof viResources & LazyResources;
