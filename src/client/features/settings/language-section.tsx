/** Tiếng Việt / English: the choice is remembered (lib/i18n.ts stores it). */
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from '../../lib/i18n.ts';

const CONTROL = { width: 24, height: 24, flex: 'none' } as const;

export function LanguageSection() {
  const { t, i18n } = useTranslation('settings');
  const current: Language = i18n.language === 'en' ? 'en' : 'vi';
  return (
    <section aria-labelledby="settings-language">
      <h2 id="settings-language">{t('language.title')}</h2>
      <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
        <legend className="visually-hidden">{t('language.title')}</legend>
        <ul className="list">
          {LANGUAGES.map((lng) => (
            <li key={lng}>
              <label className="list-link">
                <input
                  type="radio"
                  name="language"
                  value={lng}
                  checked={current === lng}
                  onChange={() => void changeLanguage(lng)}
                  style={CONTROL}
                />
                <span className="grow" lang={lng}>{t(`language.${lng}`)}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
    </section>
  );
}
