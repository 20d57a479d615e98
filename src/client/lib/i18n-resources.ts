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

export const viResources = { common, area, households, visits, overview, skills, validation, problems, settings, auth, sync };
export type Resources = typeof viResources;
export const NAMESPACES = Object.keys(viResources) as (keyof Resources)[];
