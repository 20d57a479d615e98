/**
 * What the household and member forms hold while someone types (strings, as inputs give them), and how that becomes
 * the repositories' input. Validation itself is the shared schemas' job, run by the repositories on save.
 */
import { useEffect, type RefObject } from 'react';
import type { HouseholdInput, PersonInput, Relation, Sex } from '../../../shared/records.ts';
import type { LocalHousehold, LocalPerson } from '../../db/database.ts';
import type { FieldErrors } from '../../db/validation.ts';

export interface HouseholdFormValues {
  headName: string;
  address: string;
  phone: string;
  note: string;
}

export interface MemberFormValues {
  fullName: string;
  birthYear: string;
  sex: Sex | '';
  relation: Relation;
}

export const emptyHousehold: HouseholdFormValues = { headName: '', address: '', phone: '', note: '' };

export function householdValues(h: LocalHousehold): HouseholdFormValues {
  return { headName: h.headName, address: h.address, phone: h.phone ?? '', note: h.note };
}

export function memberValues(p: LocalPerson): MemberFormValues {
  return {
    fullName: p.fullName,
    birthYear: p.birthYear === null ? '' : String(p.birthYear),
    sex: p.sex ?? '',
    relation: p.relation,
  };
}

export function newMember(relation: Relation, fullName = ''): MemberFormValues {
  return { fullName, birthYear: '', sex: '', relation };
}

export function toHouseholdInput(v: HouseholdFormValues): HouseholdInput {
  return { headName: v.headName, address: v.address, phone: v.phone, note: v.note };
}

/** "" → null (birth year is optional); anything else goes to the schema as a number, which rejects "19a5" or 1965.5. */
export function toPersonInput(v: MemberFormValues): PersonInput {
  const year = v.birthYear.trim();
  return {
    fullName: v.fullName,
    birthYear: year === '' ? null : Number(year),
    sex: v.sex === '' ? null : v.sex,
    relation: v.relation,
  };
}

/** After a failed save, moves focus to the first field marked invalid (in reading order). */
export function useFocusFirstInvalid(container: RefObject<HTMLElement | null>, errors: FieldErrors): void {
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    container.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [container, errors]);
}
