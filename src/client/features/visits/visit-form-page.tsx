/**
 * Logging a visit at the door, in seconds: tap who took part, one tap per skill (Chưa / Đã hướng dẫn / Thành thạo),
 * optionally the topics covered, a note and a follow-up date. The correction page is the same form, prefilled from
 * the visit's current content; saving it appends a correction event (the original is never edited).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { SKILL_CODES } from '../../../shared/skills.ts';
import { getHousehold, listMembers } from '../../db/households.ts';
import { correctVisit, listHouseholdVisits, logVisit } from '../../db/visits.ts';
import { currentAuthorId } from '../../db/sync-state.ts';
import type { LocalPerson, LocalVisit } from '../../db/database.ts';
import { describeSaveFailure, type FieldErrors } from '../../db/validation.ts';
import { todayIso } from '../../lib/format.ts';
import { Page } from '../../ui/page.tsx';
import { Notice } from '../../ui/notice.tsx';
import { TextAreaField, TextField } from '../../ui/field.tsx';
import { routes } from '../../app/routes.ts';
import { SkillChoice } from './skill-choice.tsx';
import {
  addDays,
  addMonths,
  initialState,
  outcomesOf,
  setAllProficient,
  setOutcome,
  stateFromVisit,
  toDraft,
  toggleSelected,
  toggleSubSkill,
  type VisitFormState,
} from './visit-draft.ts';
import './visits.css';

/** Route state read by the household page to show "Đã lưu". */
const SAVED_STATE = { saved: true } as const;

const VALIDATION_KEYS = [
  'required', 'tooLong', 'invalidCharacters', 'invalidDate', 'visitDateInFuture', 'notFound', 'visitEmpty', 'invalid',
] as const;
type VisitValidationKey = (typeof VALIDATION_KEYS)[number];
const toKey = (k: string | undefined): VisitValidationKey =>
  (VALIDATION_KEYS as readonly string[]).includes(k ?? '') ? (k as VisitValidationKey) : 'invalid';

async function loadHousehold(householdId: string) {
  const household = await getHousehold(householdId);
  return household ? { household, members: await listMembers(householdId) } : null;
}

export function NewVisitPage() {
  const { householdId = '' } = useParams();
  const { t } = useTranslation('visits');
  const data = useLiveQuery(() => loadHousehold(householdId), [householdId]);
  const back = { to: routes.household(householdId), label: t('backToHousehold') };
  if (!data) {
    return (
      <Page title={t('newTitle')} back={back}>
        {data === null ? <Notice tone="warn">{t('householdNotFound')}</Notice> : <p role="status">{t('loading')}</p>}
      </Page>
    );
  }
  return (
    <Page title={t('newTitle')} back={back}>
      <VisitForm
        key={householdId}
        householdId={householdId}
        householdName={data.household.headName}
        hamletId={data.household.hamletId}
        members={data.members}
        initial={initialState(data.members.map((m) => m.id), todayIso())}
      />
    </Page>
  );
}

export function CorrectVisitPage() {
  const { householdId = '', visitId = '' } = useParams();
  const { t } = useTranslation('visits');
  const data = useLiveQuery(async () => {
    const loaded = await loadHousehold(householdId);
    if (!loaded) return null;
    const visits = await listHouseholdVisits(householdId);
    const visit = visits.find((v) => v.rootId === visitId || v.current.id === visitId);
    return { ...loaded, visit: visit?.current ?? null, rootId: visit?.rootId ?? visitId };
  }, [householdId, visitId]);
  const back = { to: routes.household(householdId), label: t('backToHousehold') };
  if (!data || !data.visit) {
    return (
      <Page title={t('correctTitle')} back={back}>
        {data === undefined ? (
          <p role="status">{t('loading')}</p>
        ) : (
          <Notice tone="warn">{data === null ? t('householdNotFound') : t('visitNotFound')}</Notice>
        )}
      </Page>
    );
  }
  return (
    <Page title={t('correctTitle')} back={back}>
      <Notice>{t('correctionNote')}</Notice>
      <VisitForm
        key={data.rootId}
        householdId={householdId}
        householdName={data.household.headName}
        hamletId={data.household.hamletId}
        members={data.members}
        initial={stateFromVisit(data.visit, data.members.map((m) => m.id))}
        correcting={{ rootId: data.rootId, original: data.visit }}
      />
    </Page>
  );
}

interface VisitFormProps {
  householdId: string;
  /** Lets the save read the hamlet's totals together with the household (one IndexedDB round trip fewer). */
  hamletId: string;
  householdName: string;
  members: readonly LocalPerson[];
  initial: VisitFormState;
  correcting?: { rootId: string; original: LocalVisit };
}

function VisitForm({ householdId, hamletId, householdName, members, initial, correcting }: VisitFormProps) {
  const { t } = useTranslation(['visits', 'validation']);
  const navigate = useNavigate();
  const [state, setState] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (Object.keys(errors).length > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const order = members.map((m) => m.id);
  const today = todayIso();
  const base = state.visitDate || today;
  const quick = [
    { label: t('visits:inWeeks', { count: 1 }), date: addDays(base, 7) },
    { label: t('visits:inWeeks', { count: 2 }), date: addDays(base, 14) },
    { label: t('visits:inMonth'), date: addMonths(base, 1) },
  ];
  const msg = (key: string | undefined) => (key ? t(`validation:${toKey(key)}`) : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const local: FieldErrors = {};
    if (state.visitDate === '') local.visitedAt = 'required';
    else if (state.visitDate > today) local.visitedAt = 'visitDateInFuture';
    if (!correcting && outcomesOf(state).length === 0 && state.notes.trim() === '') local.outcomes = 'visitEmpty';
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setSaving(true);
    try {
      const authorId = await currentAuthorId();
      const now = new Date();
      if (correcting) {
        await correctVisit(
          correcting.rootId,
          { ...toDraft(householdId, state, now, correcting.original.visitedAt), hamletId },
          authorId,
        );
      } else {
        await logVisit({ ...toDraft(householdId, state, now), hamletId }, authorId);
      }
      void navigate(routes.household(householdId), { replace: true, state: SAVED_STATE });
    } catch (err) {
      setSaving(false);
      const failure = describeSaveFailure(err, {
        notFound: t('validation:notFound'),
        invalid: null,
        failed: t('visits:saveError'),
      });
      if (failure.fields) setErrors(failure.fields);
      setFailure(failure.message);
    }
  };

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
      <p>
        <strong>{t('visits:household', { name: householdName })}</strong>
      </p>
      <h2 id="who-heading">{t('visits:whoHeading')}</h2>
      {members.length === 0 ? (
        <p className="muted">{t('visits:noMembers')}</p>
      ) : (
        <>
          <p className="muted">{t('visits:whoHint')}</p>
          <div className="chips" role="group" aria-labelledby="who-heading">
            {members.map((m) => (
              <button
                key={m.id}
                type="button"
                className="chip"
                aria-pressed={state.selected.includes(m.id)}
                onClick={() => setState((s) => toggleSelected(s, m.id, order))}
              >
                {m.fullName}
              </button>
            ))}
          </div>
          {state.selected.length === 0 && <p className="muted">{t('visits:chooseSomeone')}</p>}
        </>
      )}
      {members
        .filter((m) => state.selected.includes(m.id))
        .map((m) => (
          <fieldset key={m.id} className="person-skills">
            <legend>{m.fullName}</legend>
            <button
              type="button"
              className="button secondary"
              aria-label={t('visits:allProficientLabel', { person: m.fullName })}
              onClick={() => setState((s) => setAllProficient(s, m.id))}
            >
              {t('visits:allProficient')}
            </button>
            {SKILL_CODES.map((skill) => (
              <SkillChoice
                key={skill}
                personId={m.id}
                personName={m.fullName}
                skill={skill}
                mark={state.marks[m.id]?.[skill]}
                onOutcome={(o) => setState((s) => setOutcome(s, m.id, skill, o))}
                onSubSkill={(sub) => setState((s) => toggleSubSkill(s, m.id, skill, sub))}
              />
            ))}
          </fieldset>
        ))}

      <TextAreaField
        label={t('visits:notes')}
        hint={t('visits:notesHint')}
        value={state.notes}
        onChange={(e) => setState((s) => ({ ...s, notes: e.target.value }))}
        error={msg(errors.notes)}
        rows={3}
      />
      <TextField
        label={t('visits:followUp')}
        hint={t('visits:followUpHint')}
        type="date"
        value={state.followUpOn}
        min={base}
        onChange={(e) => setState((s) => ({ ...s, followUpOn: e.target.value }))}
        error={msg(errors.followUpOn)}
      />
      <div className="chips" role="group" aria-label={t('visits:quickFollowUp')}>
        {quick.map((q) => (
          <button
            key={q.label}
            type="button"
            className="chip"
            aria-pressed={state.followUpOn === q.date}
            onClick={() => setState((s) => ({ ...s, followUpOn: q.date }))}
          >
            {q.label}
          </button>
        ))}
        <button
          type="button"
          className="chip"
          aria-pressed={state.followUpOn === ''}
          onClick={() => setState((s) => ({ ...s, followUpOn: '' }))}
        >
          {t('visits:noFollowUp')}
        </button>
      </div>
      <TextField
        label={t('visits:visitDate')}
        type="date"
        value={state.visitDate}
        max={today}
        required
        onChange={(e) => setState((s) => ({ ...s, visitDate: e.target.value }))}
        error={msg(errors.visitedAt)}
      />
      {errors.outcomes && <Notice tone="bad">{msg(errors.outcomes)}</Notice>}
      {failure && <Notice tone="bad">{failure}</Notice>}
      <div className="actions sticky">
        <button type="submit" className="button block main-action" disabled={saving}>
          {saving ? t('visits:saving') : correcting ? t('visits:saveCorrection') : t('visits:save')}
        </button>
      </div>
    </form>
  );
}
