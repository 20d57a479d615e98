/** English resources: a lazy chunk, loaded only when someone switches to English. Typed against Vietnamese. */
import common from '../../../locales/en/common.json';
import area from '../../../locales/en/area.json';
import households from '../../../locales/en/households.json';
import visits from '../../../locales/en/visits.json';
import overview from '../../../locales/en/overview.json';
import skills from '../../../locales/en/skills.json';
import validation from '../../../locales/en/validation.json';
import problems from '../../../locales/en/problems.json';
import settings from '../../../locales/en/settings.json';
import auth from '../../../locales/en/auth.json';
import sync from '../../../locales/en/sync.json';
import type { LazyNamespace, Resources } from './i18n-resources.ts';

export const enResources: Record<Exclude<keyof Resources, LazyNamespace>, Record<string, unknown>> = {
  common, area, households, visits, overview, skills, validation, problems, settings, auth, sync,
};
