/**
 * Field and row messages: the server and the shared schemas report validation keys. Roster keys (CCCD rules, import
 * problems) live in the lazy `team` namespace, the common ones (required, phoneInvalid…) in `validation`; a key
 * neither knows reads as the generic "invalid".
 */
import { useTranslation } from 'react-i18next';

const TEAM_KEYS = [
  'cccdFormat', 'cccdProvince', 'cccdFutureYear', 'cccdBirthYear', 'cccdSex', 'cccdDuplicate', 'cccdDuplicateInFile',
  'cccdZeroRestored', 'importColumnMissing', 'importColumnTwice', 'importEmpty', 'importNoRows',
  'importUnknownAffiliation', 'importUnknownRole', 'importUnknownSex', 'importUnknownRelation', 'importUnreadable',
  'householdNoHead', 'householdTwoHeads', 'householdExists', 'householdDuplicateInFile',
] as const;

const COMMON_KEYS = [
  'required', 'tooLong', 'invalidCharacters', 'phoneInvalid', 'phoneUnknownPrefix', 'birthYear', 'invalidArea',
  'invalidId', 'notFound', 'unknownField', 'invalid',
] as const;

type TeamKey = (typeof TEAM_KEYS)[number];
type CommonKey = (typeof COMMON_KEYS)[number];

const isTeamKey = (key: string): key is TeamKey => (TEAM_KEYS as readonly string[]).includes(key);
const isCommonKey = (key: string): key is CommonKey => (COMMON_KEYS as readonly string[]).includes(key);

export function useFieldMessage(): (key: string | undefined) => string | undefined {
  const { t } = useTranslation(['team', 'validation']);
  return (key) => {
    if (key === undefined || key === '') return undefined;
    if (isTeamKey(key)) return t(`team:validation.${key}`);
    if (isCommonKey(key)) return t(`validation:${key}`);
    return t('validation:invalid');
  };
}
