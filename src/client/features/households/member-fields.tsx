/** The fields of one household member: name, birth year, sex, relation. Errors arrive as validation keys. */
import { useTranslation } from 'react-i18next';
import { RELATIONS, SEXES, type Relation, type Sex } from '../../../shared/records.ts';
import { SelectField, TextField } from '../../ui/field.tsx';
import type { MemberFormValues } from './form-state.ts';
import { validationKey } from './validation-message.ts';

interface MemberFieldsProps {
  value: MemberFormValues;
  onChange: (next: MemberFormValues) => void;
  errors: { fullName?: string | undefined; birthYear?: string | undefined; sex?: string | undefined; relation?: string | undefined };
}

export function MemberFields({ value, onChange, errors }: MemberFieldsProps) {
  const { t } = useTranslation(['households', 'validation', 'skills']);
  const msg = (key: string | undefined) => (key ? t(`validation:${validationKey(key)}`) : undefined);
  return (
    <>
      <TextField
        label={t('households:form.fullName')}
        value={value.fullName}
        onChange={(e) => onChange({ ...value, fullName: e.target.value })}
        error={msg(errors.fullName)}
        autoComplete="off"
      />
      <div className="row">
        <TextField
          label={t('households:form.birthYear')}
          value={value.birthYear}
          onChange={(e) => onChange({ ...value, birthYear: e.target.value })}
          error={msg(errors.birthYear)}
          inputMode="numeric"
          maxLength={4}
          autoComplete="off"
        />
        <SelectField
          label={t('households:form.sex')}
          value={value.sex}
          onChange={(e) => onChange({ ...value, sex: e.target.value as Sex | '' })}
          error={msg(errors.sex)}
        >
          <option value="">{t('households:form.sexUnknown')}</option>
          {SEXES.map((s) => (
            <option key={s} value={s}>
              {t(`skills:sex.${s}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <SelectField
        label={t('households:form.relation')}
        value={value.relation}
        onChange={(e) => onChange({ ...value, relation: e.target.value as Relation })}
        error={msg(errors.relation)}
      >
        {RELATIONS.map((r) => (
          <option key={r} value={r}>
            {t(`skills:relation.${r}`)}
          </option>
        ))}
      </SelectField>
    </>
  );
}
