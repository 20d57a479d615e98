/** Large text and high contrast, applied at once and remembered. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readDisplayPreferences, saveDisplayPreferences, type DisplayPreferences } from './display-preferences.ts';

const CONTROL = { width: 24, height: 24, flex: 'none' } as const;

export function DisplaySection() {
  const { t } = useTranslation('settings');
  const [prefs, setPrefs] = useState<DisplayPreferences>(readDisplayPreferences);
  const toggle = (key: keyof DisplayPreferences) => {
    const next = { ...prefs, [key]: !prefs[key] };
    setPrefs(next);
    saveDisplayPreferences(next);
  };
  return (
    <section aria-labelledby="settings-display">
      <h2 id="settings-display">{t('display.title')}</h2>
      <ul className="list">
        <li>
          <label className="list-link">
            <input type="checkbox" checked={prefs.largeText} onChange={() => toggle('largeText')} style={CONTROL} />
            <span className="grow">
              {t('display.largeText')}
              <span className="sub">{t('display.largeTextHint')}</span>
            </span>
          </label>
        </li>
        <li>
          <label className="list-link">
            <input type="checkbox" checked={prefs.highContrast} onChange={() => toggle('highContrast')} style={CONTROL} />
            <span className="grow">
              {t('display.highContrast')}
              <span className="sub">{t('display.highContrastHint')}</span>
            </span>
          </label>
        </li>
      </ul>
    </section>
  );
}
