/**
 * i18next setup. Vietnamese is the source language and is bundled; English is loaded on demand. Keys are typed
 * from the Vietnamese files (see i18n-types.ts), so a missing or misspelt key does not compile.
 * The chosen language is remembered in localStorage (read synchronously before the first render).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { viResources, NAMESPACES, type LazyNamespace } from './i18n-resources.ts';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'tung-nha.language';

export function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

type JsonModule = { default: Record<string, unknown> };

/** One lazy chunk per language and namespace; Vite splits each JSON file into its own chunk. */
const LAZY_LOADERS: Record<Language, Record<LazyNamespace, () => Promise<JsonModule>>> = {
  vi: {
    team: () => import('../../../locales/vi/team.json'),
    reports: () => import('../../../locales/vi/reports.json'),
    'self-check': () => import('../../../locales/vi/self-check.json'),
    guides: () => import('../../../locales/vi/guides.json'),
  },
  en: {
    team: () => import('../../../locales/en/team.json'),
    reports: () => import('../../../locales/en/reports.json'),
    'self-check': () => import('../../../locales/en/self-check.json'),
    guides: () => import('../../../locales/en/guides.json'),
  },
};

/** Lazy namespaces some screen has asked for: a language switch loads them in the new language too. */
const requestedLazy = new Set<LazyNamespace>();

async function loadLazy(lng: Language, namespaces: Iterable<LazyNamespace>): Promise<void> {
  await Promise.all(
    [...namespaces]
      .filter((ns) => !i18next.hasResourceBundle(lng, ns))
      .map(async (ns) => i18next.addResourceBundle(lng, ns, (await LAZY_LOADERS[lng][ns]()).default, true, true)),
  );
}

/**
 * Loads the strings of screens outside the start bundle (reports, team, self-check, guides). Route loaders await it
 * before they render, in Vietnamese (the fallback) and in the current language.
 */
export async function loadNamespaces(...namespaces: LazyNamespace[]): Promise<void> {
  for (const ns of namespaces) requestedLazy.add(ns);
  const current = i18next.language === 'en' ? 'en' : 'vi';
  await loadLazy('vi', namespaces);
  if (current !== 'vi') await loadLazy(current, namespaces);
}

async function loadEnglish(): Promise<void> {
  if (!i18next.hasResourceBundle('en', 'common')) {
    const { enResources } = await import('./i18n-resources-en.ts');
    for (const ns of NAMESPACES) i18next.addResourceBundle('en', ns, enResources[ns], true, true);
  }
  await loadLazy('en', requestedLazy);
}

export async function initI18n(): Promise<typeof i18next> {
  const lng = storedLanguage();
  await i18next.use(initReactI18next).init({
    lng: 'vi',
    fallbackLng: 'vi',
    ns: [...NAMESPACES],
    defaultNS: 'common',
    resources: { vi: viResources },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  if (lng !== 'vi') await changeLanguage(lng);
  document.documentElement.lang = i18next.language;
  return i18next;
}

export async function changeLanguage(lng: Language): Promise<void> {
  if (lng === 'en') await loadEnglish();
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Private mode or storage full: the choice lasts for this session only.
  }
}
