/**
 * The edit page's member list: each member is saved, added or removed on its own (updatePerson, addPerson,
 * removePerson), so one mistyped birth year never holds back the rest. Removal asks first, inline.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addPerson, removePerson, updatePerson } from '../../db/households.ts';
import type { LocalPerson } from '../../db/database.ts';
import { describeSaveFailure, type FieldErrors } from '../../db/validation.ts';
import { Notice } from '../../ui/notice.tsx';
import { MemberFields } from './member-fields.tsx';
import { memberValues, newMember, toPersonInput, useFocusFirstInvalid, type MemberFormValues } from './form-state.ts';

export function MemberEditor({ householdId, members }: { householdId: string; members: readonly LocalPerson[] }) {
  const { t } = useTranslation('households');
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">{t('form.membersHeading')}</h2>
      {status && <Notice tone="ok">{status}</Notice>}
      {members.length === 0 && !adding && <p className="muted">{t('form.noMembers')}</p>}
      {members.map((m) => (
        <MemberCard key={m.id} person={m} onDone={setStatus} />
      ))}
      {adding ? (
        <MemberForm
          heading={t('form.newMember')}
          initial={newMember('child')}
          save={(input) => addPerson(householdId, input)}
          onCancel={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            setStatus(t('form.memberSaved'));
          }}
        />
      ) : (
        <button type="button" className="button secondary block" onClick={() => setAdding(true)}>
          {t('form.addMember')}
        </button>
      )}
    </section>
  );
}

function MemberCard({ person, onDone }: { person: LocalPerson; onDone: (message: string) => void }) {
  const { t } = useTranslation(['households', 'skills', 'validation']);
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-remove'>('view');
  const [error, setError] = useState<string | null>(null);
  if (mode === 'edit') {
    return (
      <MemberForm
        heading={person.fullName}
        initial={memberValues(person)}
        save={(input) => updatePerson(person.id, input)}
        onCancel={() => setMode('view')}
        onSaved={() => {
          setMode('view');
          onDone(t('households:form.memberSaved'));
        }}
      />
    );
  }
  const details = [
    t(`skills:relation.${person.relation}`),
    person.birthYear === null ? null : String(person.birthYear),
    person.sex === null ? null : t(`skills:sex.${person.sex}`),
  ].filter((d): d is string => d !== null);
  const remove = async () => {
    try {
      await removePerson(person.id);
      onDone(t('households:form.memberRemoved', { name: person.fullName }));
    } catch {
      setError(t('households:form.saveError'));
    }
  };
  return (
    <div className="member-card">
      <h3>{person.fullName}</h3>
      <p className="muted">{details.join(' · ')}</p>
      {error && <Notice tone="bad">{error}</Notice>}
      {mode === 'confirm-remove' ? (
        <div className="confirm" role="group" aria-label={t('households:form.removeMemberLabel', { name: person.fullName })}>
          <p>{t('households:form.confirmRemoveMember', { name: person.fullName })}</p>
          <div className="actions">
            <button type="button" className="button danger" onClick={() => void remove()}>
              {t('households:form.confirmRemove')}
            </button>
            <button type="button" className="button secondary" onClick={() => setMode('view')}>
              {t('households:form.keep')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            aria-label={t('households:form.editMemberLabel', { name: person.fullName })}
            onClick={() => setMode('edit')}
          >
            {t('households:form.editMember')}
          </button>
          <button
            type="button"
            className="button danger"
            aria-label={t('households:form.removeMemberLabel', { name: person.fullName })}
            onClick={() => setMode('confirm-remove')}
          >
            {t('households:form.removeMember')}
          </button>
        </div>
      )}
    </div>
  );
}

interface MemberFormProps {
  heading: string;
  initial: MemberFormValues;
  save: (input: ReturnType<typeof toPersonInput>) => Promise<unknown>;
  onCancel: () => void;
  onSaved: () => void;
}

function MemberForm({ heading, initial, save, onCancel, onSaved }: MemberFormProps) {
  const { t } = useTranslation(['households', 'validation']);
  const [value, setValue] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(ref, errors);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setFailure(null);
    try {
      await save(toPersonInput(value));
      onSaved();
    } catch (err) {
      setSaving(false);
      const failure = describeSaveFailure(err, {
        notFound: t('validation:notFound'),
        invalid: null,
        failed: t('households:form.saveError'),
      });
      if (failure.fields) setErrors(failure.fields);
      setFailure(failure.message);
    }
  };

  return (
    <form ref={ref} className="member-card" onSubmit={(e) => void submit(e)} aria-label={heading} noValidate>
      <h3>{heading}</h3>
      {failure && <Notice tone="bad">{failure}</Notice>}
      <MemberFields value={value} onChange={setValue} errors={errors} />
      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? t('households:form.saving') : t('households:form.saveMember')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('households:form.cancel')}
        </button>
      </div>
    </form>
  );
}
