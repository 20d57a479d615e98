/**
 * Adding or editing a member: name, CCCD, phone, birth year, sex, affiliation, role. The shared schema checks the
 * CCCD (12 digits, province, century/year/sex agreement) before anything is sent, and every message stands beside
 * its field; the server's (a CCCD already listed in the commune, a new birth year against the stored CCCD) land
 * there too. Editing never shows the stored numbers: their masks are the hint, and an empty field keeps them.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkVnPhone } from '../../../shared/phone.ts';
import { SEXES, type Sex } from '../../../shared/records.ts';
import {
  AFFILIATIONS,
  memberInputSchema,
  memberPatchSchema,
  TEAM_ROLES,
  type Affiliation,
  type MemberView,
  type TeamRole,
} from '../../../shared/roster.ts';
import { ApiError } from '../../lib/api.ts';
import { Notice } from '../../ui/notice.tsx';
import { SelectField, TextField } from '../../ui/field.tsx';
import { addMember, updateMember } from './team-api.ts';
import { useDescribeError } from './online-gate.tsx';
import { useFieldMessage } from './field-message.ts';

interface Values {
  fullName: string;
  cccd: string;
  phone: string;
  birthYear: string;
  sex: Sex | '';
  affiliation: Affiliation | '';
  role: TeamRole;
}

const EMPTY: Values = { fullName: '', cccd: '', phone: '', birthYear: '', sex: '', affiliation: '', role: 'member' };

function fromMember(m: MemberView): Values {
  return {
    fullName: m.fullName, cccd: '', phone: '', birthYear: m.birthYear === null ? '' : String(m.birthYear),
    sex: m.sex ?? '', affiliation: m.affiliation, role: m.role,
  };
}

/** "" → null (not given); anything else goes to the schema as a number, which refuses "19a5". */
const year = (text: string) => (text.trim() === '' ? null : Number(text.trim()));

interface MemberFormProps {
  teamId: string;
  /** Absent: a new member. */
  member?: MemberView;
  onSaved: (member: MemberView) => void;
  onCancel: () => void;
}

export function MemberForm({ teamId, member, onSaved, onCancel }: MemberFormProps) {
  const { t } = useTranslation(['team', 'validation', 'skills']);
  const message = useFieldMessage();
  const describe = useDescribeError();
  const [values, setValues] = useState<Values>(member ? fromMember(member) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const focusFirstInvalid = () =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  function showErrors(next: Record<string, string>) {
    setErrors(next);
    setFailure(t('team:errors.fixFields'));
    focusFirstInvalid();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    const common = {
      fullName: values.fullName, birthYear: year(values.birthYear), sex: values.sex === '' ? null : values.sex,
      affiliation: values.affiliation, role: values.role,
    };
    let send: (() => Promise<MemberView>) | null = null;
    let issues: readonly { path: PropertyKey[]; message: string }[] = [];
    if (member === undefined) {
      const checked = memberInputSchema.safeParse({ ...common, cccd: values.cccd, phone: values.phone });
      if (checked.success) send = () => addMember(teamId, checked.data);
      else issues = checked.error.issues;
    } else {
      const checked = memberPatchSchema.safeParse({
        ...common,
        ...(values.cccd.trim() === '' ? {} : { cccd: values.cccd }),
        ...(values.phone.trim() === '' ? {} : { phone: values.phone }),
      });
      if (checked.success) send = () => updateMember(teamId, member.id, checked.data);
      else issues = checked.error.issues;
    }
    if (send === null || issues.length > 0) {
      const next: Record<string, string> = {};
      for (const issue of issues) next[String(issue.path[0] ?? '_')] ??= issue.message;
      showErrors(next);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      onSaved(await send());
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.fields !== undefined && Object.keys(error.fields).length > 0) {
        showErrors(error.fields);
        if (error.code !== 'request.invalid') setFailure(describe(error));
      } else {
        setFailure(describe(error));
      }
    }
  }

  const phoneWarning =
    errors.phone === undefined && checkVnPhone(values.phone).kind === 'unknown-prefix' ? t('validation:phoneUnknownPrefix') : undefined;
  const heading = member === undefined ? t('team:form.newHeading') : member.fullName;

  return (
    <form ref={formRef} className="roster-card" onSubmit={(e) => void submit(e)} aria-label={heading} noValidate>
      <h3>{heading}</h3>
      {failure && <Notice tone="bad">{failure}</Notice>}
      <TextField
        label={t('team:form.fullName')}
        value={values.fullName}
        onChange={(e) => set('fullName', e.target.value)}
        error={message(errors.fullName)}
        autoComplete="off"
        required
      />
      <TextField
        label={t('team:form.cccd')}
        hint={member ? t('team:form.keepHint', { masked: member.cccd }) : t('team:form.cccdHint')}
        value={values.cccd}
        onChange={(e) => set('cccd', e.target.value)}
        error={message(errors.cccd)}
        inputMode="numeric"
        autoComplete="off"
        maxLength={20}
        required={member === undefined}
      />
      <TextField
        label={t('team:form.phone')}
        hint={member ? t('team:form.keepHint', { masked: member.phone }) : undefined}
        value={values.phone}
        onChange={(e) => set('phone', e.target.value)}
        error={message(errors.phone)}
        warning={phoneWarning}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        required={member === undefined}
      />
      <div className="row">
        <TextField
          label={t('team:form.birthYear')}
          value={values.birthYear}
          onChange={(e) => set('birthYear', e.target.value)}
          error={message(errors.birthYear)}
          inputMode="numeric"
          maxLength={4}
          autoComplete="off"
        />
        <SelectField
          label={t('team:form.sex')}
          value={values.sex}
          onChange={(e) => set('sex', e.target.value as Sex | '')}
          error={message(errors.sex)}
        >
          <option value="">{t('team:form.sexUnknown')}</option>
          {SEXES.map((s) => (
            <option key={s} value={s}>{t(`skills:sex.${s}`)}</option>
          ))}
        </SelectField>
      </div>
      <SelectField
        label={t('team:form.affiliation')}
        value={values.affiliation}
        onChange={(e) => set('affiliation', e.target.value as Affiliation | '')}
        error={message(errors.affiliation)}
        required
      >
        <option value="">{t('team:form.chooseAffiliation')}</option>
        {AFFILIATIONS.map((a) => (
          <option key={a} value={a}>{t(`team:affiliation.${a}`)}</option>
        ))}
      </SelectField>
      <SelectField
        label={t('team:form.role')}
        value={values.role}
        onChange={(e) => set('role', e.target.value as TeamRole)}
        error={message(errors.role)}
      >
        {TEAM_ROLES.map((r) => (
          <option key={r} value={r}>{t(`team:role.${r}`)}</option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? t('team:form.saving') : t('team:form.save')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('team:form.cancel')}
        </button>
      </div>
    </form>
  );
}
