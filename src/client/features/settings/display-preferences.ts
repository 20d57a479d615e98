/**
 * Large text and high contrast: data attributes on <html> that styles.css turns into bigger type and stronger
 * colours. Remembered in localStorage, so they apply before the first paint of the next start.
 */
const STORAGE_KEY = 'tung-nha.display';

export interface DisplayPreferences {
  largeText: boolean;
  highContrast: boolean;
}

export function readDisplayPreferences(): DisplayPreferences {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed === 'object' && parsed !== null) {
      const p = parsed as Record<string, unknown>;
      return { largeText: p.largeText === true, highContrast: p.highContrast === true };
    }
  } catch {
    // Unreadable or blocked storage: the defaults.
  }
  return { largeText: false, highContrast: false };
}

export function applyDisplayPreferences(prefs: DisplayPreferences, root: HTMLElement = document.documentElement): void {
  if (prefs.largeText) root.dataset.text = 'large';
  else delete root.dataset.text;
  if (prefs.highContrast) root.dataset.contrast = 'high';
  else delete root.dataset.contrast;
}

export function saveDisplayPreferences(prefs: DisplayPreferences): void {
  applyDisplayPreferences(prefs);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Private mode or storage full: the choice lasts for this session only.
  }
}

export function applyStoredDisplayPreferences(): void {
  applyDisplayPreferences(readDisplayPreferences());
}
