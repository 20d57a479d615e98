/**
 * i18next setup. Vietnamese is the source language and is bundled; English is loaded on demand. Keys are typed
 * from the Vietnamese files (see i18n-types.ts), so a missing or misspelt key does not compile.
 * The chosen language is remembered in localStorage (read synchronously before the first render).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { viResources, NAMESPACES } from './i18n-resources.ts';

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

async function loadEnglish(): Promise<void> {
  if (i18next.hasResourceBundle('en', 'common')) return;
  const { enResources } = await import('./i18n-resources-en.ts');
  for (const ns of NAMESPACES) i18next.addResourceBundle('en', ns, enResources[ns], true, true);
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
