/**
 * Creating a team (name, commune, optional hamlet) and editing one (name and hamlet: the commune is fixed once
 * created). Checked with the shared schema before sending; the server's field messages land beside the same fields.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { teamInputSchema, teamPatchSchema, type TeamView } from '../../../shared/roster.ts';
import { ApiError } from '../../lib/api.ts';
import { Notice } from '../../ui/notice.tsx';
import { SelectField, TextField } from '../../ui/field.tsx';
import { createTeam, listCommunes, listHamlets, updateTeam } from './team-api.ts';
import { useDescribeError } from './online-gate.tsx';
import { useFieldMessage } from './field-message.ts';
import { useRemote } from '../../lib/use-remote.ts';

type Errors = Record<string, string>;

function issuesToErrors(issues: readonly { path: PropertyKey[]; message: string }[]): Errors {
  const errors: Errors = {};
  for (const i of issues) errors[String(i.path[0] ?? '_')] ??= i.message;
  return errors;
}

const loadCommunes = () => listCommunes();

interface TeamFormProps {
  /** Absent: a new team. */
  team?: TeamView;
  onSaved: (team: TeamView) => void;
  onCancel: () => void;
}

export function TeamForm({ team, onSaved, onCancel }: TeamFormProps) {
  const { t } = useTranslation('team');
  const message = useFieldMessage();
  const describe = useDescribeError();
  const [name, setName] = useState(team?.name ?? '');
  const [chosenCommune, setChosenCommune] = useState(team?.communeCode ?? '');
  const [hamletId, setHamletId] = useState(team?.hamletId ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const communes = useRemote(team === undefined ? 'communes' : null, loadCommunes);
  const communeOptions = communes.state.status === 'ready' ? communes.state.data : [];
  // One commune in scope (a commune coordinator): it is the answer, nothing to choose.
  const communeCode = chosenCommune || (communeOptions.length === 1 ? (communeOptions[0]?.code ?? '') : '');
  const hamlets = useRemote(communeCode === '' ? null : communeCode, listHamlets);
  const hamletOptions = hamlets.state.status === 'ready' ? hamlets.state.data : [];

  const focusFirstInvalid = () =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    const input = team === undefined
      ? teamInputSchema.safeParse({ name, communeCode, hamletId: hamletId === '' ? null : hamletId })
      : teamPatchSchema.safeParse({ name, hamletId: hamletId === '' ? null : hamletId });
    if (!input.success) {
      setErrors(issuesToErrors(input.error.issues));
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = team === undefined
        ? await createTeam({ name, communeCode, hamletId: hamletId === '' ? null : hamletId })
        : await updateTeam(team.id, { name, hamletId: hamletId === '' ? null : hamletId });
      onSaved(saved);
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.fields) {
        setErrors(error.fields);
        focusFirstInvalid();
      }
      setFailure(error instanceof ApiError && error.code === 'request.invalid' && error.fields ? t('errors.fixFields') : describe(error));
    }
  }

  const heading = team === undefined ? t('teams.createHeading') : t('team.edit');
  return (
    <form ref={formRef} className="card" onSubmit={(e) => void submit(e)} aria-label={heading} noValidate>
      <h2>{heading}</h2>
      {failure && <Notice tone="bad">{failure}</Notice>}
      <TextField
        label={t('teams.name')}
        hint={t('teams.nameHint')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={message(errors.name)}
        autoComplete="off"
        required
      />
      {team === undefined && (
        <SelectField
          label={t('teams.commune')}
          value={communeCode}
          onChange={(e) => {
            setChosenCommune(e.target.value);
            setHamletId('');
          }}
          error={message(errors.communeCode)}
          disabled={communes.state.status !== 'ready'}
          required
        >
          <option value="">{communes.state.status === 'loading' ? t('access.loading') : t('teams.chooseCommune')}</option>
          {communeOptions.map((c) => (
            <option key={c.code} value={c.code}>{c.name}</option>
          ))}
        </SelectField>
      )}
      {communes.state.status === 'error' && <Notice tone="bad">{describe(communes.state.error)}</Notice>}
      <SelectField
        label={t('teams.hamlet')}
        value={hamletId}
        onChange={(e) => setHamletId(e.target.value)}
        error={message(errors.hamletId)}
        disabled={communeCode === ''}
      >
        <option value="">{t('teams.wholeCommune')}</option>
        {hamletOptions.map((h) => (
          <option key={h.id} value={h.id}>{h.name}</option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? t('teams.saving') : t('teams.save')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('teams.cancel')}
        </button>
      </div>
    </form>
  );
}
