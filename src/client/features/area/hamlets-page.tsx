/**
 * The hamlets (thôn, tổ dân phố, ấp, bản…) of the working commune: add, rename, delete an empty one, and choose
 * the one to work in, which opens its households. Names are checked by the repository (required, length,
 * duplicates ignoring tone marks); its field errors are shown beside the field.
 */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { fullUnitName } from '../../../shared/areas.ts';
import type { LocalHamlet } from '../../db/database.ts';
import { createHamlet, deleteHamlet, listHamlets, renameHamlet } from '../../db/hamlets.ts';
import { getWorkingArea, setWorkingArea, type WorkingArea } from '../../db/meta.ts';
import { ValidationError, type FieldErrors } from '../../db/validation.ts';
import { TextField } from '../../ui/field.tsx';
import { Notice } from '../../ui/notice.tsx';
import { Page } from '../../ui/page.tsx';
import { routes } from '../../app/routes.ts';
import { useAdminUnits } from './use-admin-units.ts';
import { useValidationMessage } from './validation-message.ts';
import { ResidentEntry } from './resident-entry.tsx';

/** Runs a repository call; a ValidationError becomes field errors, anything else is rethrown. */
async function attempt(action: () => Promise<unknown>): Promise<FieldErrors | null> {
  try {
    await action();
    return null;
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
}

export function HamletsPage() {
  const { t } = useTranslation('area');
  const working = useLiveQuery(async () => (await getWorkingArea()) ?? null, []);

  if (working === undefined) {
    return (
      <Page title={t('hamlets.title')}>
        <p role="status">{t('area.loading')}</p>
      </Page>
    );
  }
  if (working === null) {
    return (
      <Page title={t('hamlets.title')}>
        <Notice>{t('hamlets.noArea')}</Notice>
        <div className="actions">
          <Link className="button" to={routes.area()}>
            {t('hamlets.chooseArea')}
          </Link>
        </div>
      </Page>
    );
  }
  return <WorkingCommuneHamlets working={working} />;
}

function CommuneName({ working }: { working: WorkingArea }) {
  const { t } = useTranslation('area');
  const { state } = useAdminUnits();
  if (state.status !== 'ready') return <p>{t('hamlets.communeCode', { code: working.communeCode })}</p>;
  const province = state.units.provinces.find((p) => p.code === working.provinceCode);
  const commune = province?.communes.find((c) => c.code === working.communeCode);
  if (!province || !commune) return <p>{t('hamlets.communeCode', { code: working.communeCode })}</p>;
  return (
    <p>
      <strong>{t('hamlets.communeOf', { commune: fullUnitName(commune), province: fullUnitName(province) })}</strong>
    </p>
  );
}

function WorkingCommuneHamlets({ working }: { working: WorkingArea }) {
  const { t } = useTranslation('area');
  const navigate = useNavigate();
  const hamlets = useLiveQuery(() => listHamlets(working.communeCode), [working.communeCode]);
  const [flash, setFlash] = useState<string | null>(null);

  const choose = async (hamlet: LocalHamlet) => {
    await setWorkingArea({ ...working, hamletId: hamlet.id });
    await navigate(routes.households(hamlet.id));
  };

  const onDeleted = async (hamlet: LocalHamlet) => {
    if (working.hamletId === hamlet.id) await setWorkingArea({ ...working, hamletId: null });
    setFlash(t('hamlets.deleted', { name: hamlet.name }));
  };

  return (
    <Page title={t('hamlets.title')}>
      <div className="row" style={{ alignItems: 'center' }}>
        <CommuneName working={working} />
        <Link className="button secondary" to={routes.area()} style={{ flex: 'none' }}>
          {t('hamlets.changeArea')}
        </Link>
      </div>
      {flash && <Notice tone="ok">{flash}</Notice>}
      {hamlets && hamlets.length === 0 && <p>{t('hamlets.empty')}</p>}
      {hamlets && hamlets.length > 0 && (
        <ul className="list" aria-label={t('hamlets.listLabel')}>
          {hamlets.map((h) => (
            <HamletRow
              key={h.id}
              hamlet={h}
              isWorking={working.hamletId === h.id}
              onChoose={() => void choose(h)}
              onRenamed={(name) => setFlash(t('hamlets.renamed', { name }))}
              onDeleted={() => void onDeleted(h)}
            />
          ))}
        </ul>
      )}
      <AddHamletForm working={working} onAdded={(name) => setFlash(t('hamlets.added', { name }))} />
      <ResidentEntry />
    </Page>
  );
}

function AddHamletForm({ working, onAdded }: { working: WorkingArea; onAdded: (name: string) => void }) {
  const { t } = useTranslation('area');
  const message = useValidationMessage();
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let created: LocalHamlet | undefined;
    const failed = await attempt(async () => {
      created = await createHamlet(working, { name });
    });
    setErrors(failed ?? {});
    if (!failed && created) {
      setName('');
      onAdded(created.name);
    }
  };

  return (
    <section aria-labelledby="hamlets-add">
      <h2 id="hamlets-add">{t('hamlets.addTitle')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('hamlets.name')}
          hint={t('hamlets.nameHint')}
          value={name}
          autoComplete="off"
          error={message(errors.name ?? errors._)}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button">
          {t('hamlets.add')}
        </button>
      </form>
    </section>
  );
}

interface HamletRowProps {
  hamlet: LocalHamlet;
  isWorking: boolean;
  onChoose: () => void;
  onRenamed: (name: string) => void;
  onDeleted: () => void;
}

function HamletRow({ hamlet, isWorking, onChoose, onRenamed, onDeleted }: HamletRowProps) {
  const { t } = useTranslation('area');
  const message = useValidationMessage();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(hamlet.name);
  const [errors, setErrors] = useState<FieldErrors>({});

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    let saved: LocalHamlet | undefined;
    const failed = await attempt(async () => {
      saved = await renameHamlet(hamlet.id, { name });
    });
    setErrors(failed ?? {});
    if (!failed && saved) {
      setMode('view');
      onRenamed(saved.name);
    }
  };

  const remove = async () => {
    const failed = await attempt(() => deleteHamlet(hamlet.id));
    setErrors(failed ?? {});
    if (!failed) onDeleted();
  };

  const reset = () => {
    setMode('view');
    setName(hamlet.name);
    setErrors({});
  };

  return (
    <li style={{ padding: '8px 0' }}>
      <div className="row" style={{ alignItems: 'center' }}>
        <span className="grow" style={{ fontWeight: 600, flex: '1 1 100%' }}>
          {hamlet.name} {isWorking && <span className="badge ok">{t('hamlets.working')}</span>}
        </span>
      </div>
      {mode === 'view' && (
        <div className="actions" style={{ margin: '8px 0 0' }}>
          <button type="button" className="button" onClick={onChoose} aria-label={t('hamlets.chooseLabel', { name: hamlet.name })}>
            {t('hamlets.choose')}
          </button>
          <button type="button" className="button secondary" onClick={() => setMode('rename')} aria-label={t('hamlets.renameLabel', { name: hamlet.name })}>
            {t('hamlets.rename')}
          </button>
          <button type="button" className="button danger" onClick={() => setMode('delete')} aria-label={t('hamlets.deleteLabel', { name: hamlet.name })}>
            {t('hamlets.delete')}
          </button>
        </div>
      )}
      {mode === 'rename' && (
        <form onSubmit={(e) => void rename(e)} noValidate style={{ marginTop: 8 }}>
          <TextField
            label={t('hamlets.newName', { name: hamlet.name })}
            value={name}
            autoComplete="off"
            autoFocus
            error={message(errors.name ?? errors._)}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="actions" style={{ margin: 0 }}>
            <button type="submit" className="button">
              {t('hamlets.saveName')}
            </button>
            <button type="button" className="button secondary" onClick={reset}>
              {t('hamlets.cancel')}
            </button>
          </div>
        </form>
      )}
      {mode === 'delete' && (
        <div className="notice warn" style={{ marginBottom: 0 }}>
          <p>{t('hamlets.confirmDelete', { name: hamlet.name })}</p>
          {errors._ && <p role="alert"><strong>{message(errors._)}</strong></p>}
          <div className="actions">
            <button type="button" className="button danger" onClick={() => void remove()}>
              {t('hamlets.confirmDeleteYes')}
            </button>
            <button type="button" className="button secondary" onClick={reset}>
              {t('hamlets.cancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
