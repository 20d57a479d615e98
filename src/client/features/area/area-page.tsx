/**
 * Choosing the working area: a province (34), then a commune of that province found by typing part of its name,
 * with or without tone marks. Saving goes on to the hamlets of that commune.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { fullUnitName, type AdminUnits, type Commune } from '../../../shared/areas.ts';
import { foldText, matchesFolded, queryWords } from '../../../shared/text-fold.ts';
import { getWorkingArea, setWorkingArea, type WorkingArea } from '../../db/meta.ts';
import { SelectField, TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { useAdminUnits } from './use-admin-units.ts';
import { ResidentEntry } from './resident-entry.tsx';

export function AreaPage() {
  const { t } = useTranslation('area');
  const { state, retry } = useAdminUnits();
  // undefined while reading; null when no area was chosen yet.
  const working = useLiveQuery(async () => (await getWorkingArea()) ?? null, []);

  return (
    <Page title={t('area.title')} back={working ? { to: routes.hamlets(), label: t('area.back') } : undefined}>
      <p>{t('area.intro')}</p>
      {/* Space for the form is kept while the list loads: what follows stays where it first appears. */}
      <div className="area-form-slot">
        {state.status === 'loading' && <p role="status">{t('area.loading')}</p>}
        {state.status === 'error' && (
          <Notice tone="bad">
            <p>{t('area.loadError')}</p>
            <div className="actions">
              <button type="button" className="button" onClick={retry}>
                {t('area.retry')}
              </button>
            </div>
          </Notice>
        )}
        {state.status === 'ready' && working !== undefined && (
          <AreaForm units={state.units} working={working} hamletsHref={routes.hamlets()} />
        )}
      </div>
      <p className="muted">{t('area.source')}</p>
      <ResidentEntry />
    </Page>
  );
}

interface AreaFormProps {
  units: AdminUnits;
  working: WorkingArea | null;
  /** Where to go once the area is saved. */
  hamletsHref: string;
}

function AreaForm({ units, working, hamletsHref }: AreaFormProps) {
  const { t } = useTranslation('area');
  const navigate = useNavigate();
  const [provinceCode, setProvinceCode] = useState(working?.provinceCode ?? '');
  const [communeCode, setCommuneCode] = useState(working?.communeCode ?? '');
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | undefined>();

  // The list ships in Vietnamese alphabetical order (provinces, and communes by name then type: a test holds the
  // file to it), so the start page creates no collator — slow on a phone — to sort it again.
  const provinces = units.provinces;

  const communes = useMemo(() => {
    const province = units.provinces.find((p) => p.code === provinceCode);
    if (!province) return [];
    return province.communes.map((c) => ({ commune: c, label: fullUnitName(c), folded: foldText(`${c.type} ${c.name}`) }));
  }, [units, provinceCode]);

  const words = queryWords(query);
  const shown = words.length === 0 ? communes : communes.filter((c) => matchesFolded(c.folded, words));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const commune: Commune | undefined = communes.find((c) => c.commune.code === communeCode)?.commune;
    if (!commune) {
      setError(t('area.chooseCommuneFirst'));
      return;
    }
    const sameCommune = working?.communeCode === commune.code;
    await setWorkingArea({ provinceCode, communeCode: commune.code, hamletId: sameCommune ? working.hamletId : null });
    await navigate(hamletsHref);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <SelectField
        label={t('area.province')}
        value={provinceCode}
        onChange={(e) => {
          setProvinceCode(e.target.value);
          setCommuneCode('');
          setQuery('');
          setError(undefined);
        }}
      >
        <option value="">{t('area.chooseProvince')}</option>
        {provinces.map((p) => (
          <option key={p.code} value={p.code}>
            {fullUnitName(p)}
          </option>
        ))}
      </SelectField>

      {provinceCode !== '' && (
        <>
          <TextField
            label={t('area.search')}
            hint={t('area.searchHint')}
            type="search"
            autoComplete="off"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <fieldset style={{ border: 0, margin: 0, padding: 0 }} aria-describedby="area-commune-count">
            <legend className="label" style={{ fontWeight: 600 }}>{t('area.commune')}</legend>
            <p id="area-commune-count" className="muted" role="status">
              {shown.length === 0 ? t('area.noMatch', { query }) : t('area.matches', { count: shown.length })}
            </p>
            <ul className="list">
              {shown.map(({ commune, label }) => (
                <li key={commune.code}>
                  <label className="list-link">
                    <input
                      type="radio"
                      name="commune"
                      value={commune.code}
                      checked={communeCode === commune.code}
                      onChange={() => {
                        setCommuneCode(commune.code);
                        setError(undefined);
                      }}
                      style={{ width: 24, height: 24, flex: 'none' }}
                    />
                    <span className="grow">{label}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        </>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
      <div className="actions sticky">
        <button type="submit" className="button block">
          {t('area.save')}
        </button>
      </div>
    </form>
  );
}
