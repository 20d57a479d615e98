/** The household's own fields. An unknown phone prefix warns but never blocks a save (see shared/phone.ts). */
import { useTranslation } from 'react-i18next';
import { checkVnPhone } from '../../../shared/phone.ts';
import type { FieldErrors } from '../../db/validation.ts';
import { TextAreaField, TextField } from '../../ui/field.tsx';
import type { HouseholdFormValues } from './form-state.ts';
import { validationKey } from './validation-message.ts';

interface HouseholdFieldsProps {
  value: HouseholdFormValues;
  onChange: (next: HouseholdFormValues) => void;
  errors: FieldErrors;
}

export function HouseholdFields({ value, onChange, errors }: HouseholdFieldsProps) {
  const { t } = useTranslation(['households', 'validation']);
  const msg = (key: string | undefined) => (key ? t(`validation:${validationKey(key)}`) : undefined);
  const phoneWarning =
    !errors.phone && checkVnPhone(value.phone).kind === 'unknown-prefix'
      ? t('validation:phoneUnknownPrefix')
      : undefined;
  return (
    <>
      <TextField
        label={t('households:form.headName')}
        value={value.headName}
        onChange={(e) => onChange({ ...value, headName: e.target.value })}
        error={msg(errors.headName)}
        autoComplete="off"
        required
      />
      <TextField
        label={t('households:form.address')}
        hint={t('households:form.addressHint')}
        value={value.address}
        onChange={(e) => onChange({ ...value, address: e.target.value })}
        error={msg(errors.address)}
        autoComplete="off"
      />
      <TextField
        label={t('households:form.phone')}
        hint={t('households:form.phoneHint')}
        value={value.phone}
        onChange={(e) => onChange({ ...value, phone: e.target.value })}
        error={msg(errors.phone)}
        warning={phoneWarning}
        type="tel"
        inputMode="tel"
        autoComplete="off"
      />
      <TextAreaField
        label={t('households:form.note')}
        value={value.note}
        onChange={(e) => onChange({ ...value, note: e.target.value })}
        error={msg(errors.note)}
        rows={2}
      />
    </>
  );
}
