/**
 * New household (head + members in one save) and edit household (the household's fields in one save; members
 * each on their own, see member-editor.tsx; delete at the bottom). A failed save keeps everything typed, shows each
 * message beside its field and moves focus to the first one.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { getHamlet } from '../../db/hamlets.ts';
import { createHousehold, deleteHousehold, getHousehold, listMembers, updateHousehold } from '../../db/households.ts';
import type { LocalHousehold } from '../../db/database.ts';
import { describeSaveFailure, type FieldErrors } from '../../db/validation.ts';
import { Page } from '../../ui/page.tsx';
import { Notice } from '../../ui/notice.tsx';
import { routes } from '../../app/routes.ts';
import { HouseholdFields } from './household-fields.tsx';
import { MemberFields } from './member-fields.tsx';
import { MemberEditor } from './member-editor.tsx';
import {
  emptyHousehold,
  householdValues,
  newMember,
  toHouseholdInput,
  toPersonInput,
  useFocusFirstInvalid,
  type HouseholdFormValues,
  type MemberFormValues,
} from './form-state.ts';
import './households.css';

/** Route state read by the household page to show "Đã lưu". */
const SAVED_STATE = { saved: true } as const;

interface MemberRow extends MemberFormValues {
  key: number;
}

export function NewHouseholdPage() {
  const { hamletId = '' } = useParams();
  const { t } = useTranslation(['households', 'validation']);
  const navigate = useNavigate();
  const hamlet = useLiveQuery(async () => (await getHamlet(hamletId)) ?? null, [hamletId]);
  const [values, setValues] = useState<HouseholdFormValues>(emptyHousehold);
  const [members, setMembers] = useState<MemberRow[]>([{ key: 0, ...newMember('head') }]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nextKey = useRef(1);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const back = { to: routes.households(hamletId), label: t('households:page.backToRegistry') };
  if (hamlet === null) {
    return (
      <Page title={t('households:form.newTitle')} back={back}>
        <Notice tone="warn">{t('households:registry.hamletNotFound')}</Notice>
      </Page>
    );
  }

  // The head is member 1 and follows the head's name until someone types a different name for them.
  const changeValues = (next: HouseholdFormValues) => {
    setMembers((rows) =>
      rows.map((m, i) =>
        i === 0 && m.relation === 'head' && m.fullName === values.headName ? { ...m, fullName: next.headName } : m,
      ),
    );
    setValues(next);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!hamlet) return;
    setSaving(true);
    setFailure(null);
    try {
      const household = await createHousehold(
        { provinceCode: hamlet.provinceCode, communeCode: hamlet.communeCode, hamletId: hamlet.id },
        toHouseholdInput(values),
        members.map(toPersonInput),
      );
      void navigate(routes.household(household.id), { replace: true, state: SAVED_STATE });
    } catch (err) {
      setSaving(false);
      const failure = describeSaveFailure(err, {
        notFound: t('validation:notFound'),
        invalid: t('households:form.fixErrors'),
        failed: t('households:form.saveError'),
      });
      if (failure.fields) setErrors(failure.fields);
      setFailure(failure.message);
    }
  };

  return (
    <Page title={t('households:form.newTitle')} back={back}>
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
        {failure && <Notice tone="bad">{failure}</Notice>}
        <HouseholdFields value={values} onChange={changeValues} errors={errors} />
        <h2>{t('households:form.membersHeading')}</h2>
        {members.map((m, i) => (
          <fieldset key={m.key} className="member-card">
            <legend>{t('households:form.memberHeading', { n: i + 1 })}</legend>
            <MemberFields
              value={m}
              onChange={(next) => setMembers((rows) => rows.map((r) => (r.key === m.key ? { ...next, key: m.key } : r)))}
              errors={{
                fullName: errors[`members.${i}.fullName`],
                birthYear: errors[`members.${i}.birthYear`],
                sex: errors[`members.${i}.sex`],
                relation: errors[`members.${i}.relation`],
              }}
            />
            {i > 0 && (
              <button
                type="button"
                className="button danger"
                onClick={() => {
                  setMembers((rows) => rows.filter((r) => r.key !== m.key));
                  setErrors({});
                }}
              >
                {t('households:form.removeRow', { n: i + 1 })}
              </button>
            )}
          </fieldset>
        ))}
        <button
          type="button"
          className="button secondary block"
          onClick={() => setMembers((rows) => [...rows, { key: nextKey.current++, ...newMember('child') }])}
        >
          {t('households:form.addMember')}
        </button>
        <div className="actions sticky">
          <button type="submit" className="button block" disabled={saving || !hamlet}>
            {saving ? t('households:form.saving') : t('households:form.save')}
          </button>
        </div>
      </form>
    </Page>
  );
}

export function EditHouseholdPage() {
  const { householdId = '' } = useParams();
  const { t } = useTranslation('households');
  const data = useLiveQuery(async () => {
    const household = await getHousehold(householdId);
    return household ? { household, members: await listMembers(householdId) } : null;
  }, [householdId]);

  if (data === null) {
    return (
      <Page title={t('form.editTitle')}>
        <Notice tone="warn">{t('page.notFound')}</Notice>
      </Page>
    );
  }
  const back = { to: routes.household(householdId), label: t('form.backToHousehold') };
  if (data === undefined) {
    return (
      <Page title={t('form.editTitle')} back={back}>
        <p role="status">{t('loading')}</p>
      </Page>
    );
  }
  return (
    <Page title={t('form.editTitle')} back={back}>
      <EditHouseholdForm key={data.household.id} household={data.household} />
      <MemberEditor householdId={data.household.id} members={data.members} />
      <DeleteHousehold household={data.household} />
    </Page>
  );
}

function EditHouseholdForm({ household }: { household: LocalHousehold }) {
  const { t } = useTranslation(['households', 'validation']);
  const navigate = useNavigate();
  const [values, setValues] = useState(() => householdValues(household));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setFailure(null);
    try {
      await updateHousehold(household.id, toHouseholdInput(values));
      void navigate(routes.household(household.id), { state: SAVED_STATE });
    } catch (err) {
      setSaving(false);
      const failure = describeSaveFailure(err, {
        notFound: t('validation:notFound'),
        invalid: t('households:form.fixErrors'),
        failed: t('households:form.saveError'),
      });
      if (failure.fields) setErrors(failure.fields);
      setFailure(failure.message);
    }
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="household-heading">
      <h2 id="household-heading">{t('households:form.householdHeading')}</h2>
      {failure && <Notice tone="bad">{failure}</Notice>}
      <HouseholdFields value={values} onChange={setValues} errors={errors} />
      <button type="submit" className="button block" disabled={saving}>
        {saving ? t('households:form.saving') : t('households:form.saveHousehold')}
      </button>
    </form>
  );
}

function DeleteHousehold({ household }: { household: LocalHousehold }) {
  const { t } = useTranslation('households');
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState(false);
  const remove = async () => {
    try {
      await deleteHousehold(household.id);
      void navigate(routes.households(household.hamletId), { replace: true });
    } catch {
      setFailure(true);
    }
  };
  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">{t('form.dangerHeading')}</h2>
      {failure && <Notice tone="bad">{t('form.saveError')}</Notice>}
      {confirming ? (
        <div className="confirm">
          <p>{t('form.confirmDeleteHousehold', { name: household.headName })}</p>
          <div className="actions">
            <button type="button" className="button danger" onClick={() => void remove()}>
              {t('form.confirmDelete')}
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              {t('form.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button danger block" onClick={() => setConfirming(true)}>
          {t('form.deleteHousehold')}
        </button>
      )}
    </section>
  );
}
