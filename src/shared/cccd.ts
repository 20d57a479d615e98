/**
 * The citizen identity number (số CCCD / số định danh cá nhân, Circular 59/2021/TT-BCA): 12 digits.
 *   digits 1–3  "0" + the pre-2025 (63-province) code of the province where the birth was registered
 *   digit  4    century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 1800s
 *   digits 5–6  the last two digits of the birth year
 *   digits 7–12 random
 * The number is personal data (Decree 13/2023): screens show it masked ("001******789") unless the role needs it.
 * Failures are message keys (shown beside the field, translated by the client; see roster.ts for the form schema).
 */

/**
 * The 63 pre-2025 province codes (GSO), the only valid second and third digits. Shared code may not read the data
 * file (src/server/data/vn-admin-units-pre2025.json); a test asserts this list equals the codes in it.
 */
export const CCCD_PROVINCE_CODES = [
  '01', '02', '04', '06', '08', '10', '11', '12', '14', '15', '17', '19', '20', '22', '24', '25', '26', '27', '30',
  '31', '33', '34', '35', '36', '37', '38', '40', '42', '44', '45', '46', '48', '49', '51', '52', '54', '56', '58',
  '60', '62', '64', '66', '67', '68', '70', '72', '74', '75', '77', '79', '80', '82', '83', '84', '86', '87', '89',
  '91', '92', '93', '94', '95', '96',
] as const;

const PROVINCES = new Set<string>(CCCD_PROVINCE_CODES);

/** Fourth digit → first year of the century; even digits are men, odd digits women. */
const CENTURY_START = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800] as const;

export type CccdSex = 'male' | 'female';

export type CccdErrorKey = 'cccdFormat' | 'cccdProvince' | 'cccdFutureYear' | 'cccdBirthYear' | 'cccdSex';

export interface CccdParts {
  cccd: string;
  provinceCode: string;
  birthYear: number;
  sex: CccdSex;
}

export type CccdCheck = { ok: true; value: CccdParts } | { ok: false; error: CccdErrorKey };

/** Spaces, dots and dashes people type to group digits ("038 203 012 345") are dropped; nothing else is. */
export function normalizeCccd(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/**
 * Checks a CCCD on its own and, when given, against the person's birth year and sex ('other' or null: not
 * checked). Without a birth year the encoded one must at least not lie in the future (`currentYear`).
 */
export function checkCccd(
  input: string,
  person: { birthYear?: number | null; sex?: string | null } = {},
  currentYear: number = new Date().getFullYear(),
): CccdCheck {
  const cccd = normalizeCccd(input);
  if (!/^\d{12}$/.test(cccd)) return { ok: false, error: 'cccdFormat' };
  const provinceCode = cccd.slice(1, 3);
  if (cccd[0] !== '0' || !PROVINCES.has(provinceCode)) return { ok: false, error: 'cccdProvince' };
  const centuryDigit = Number(cccd[3]);
  const birthYear = (CENTURY_START[centuryDigit] ?? 1900) + Number(cccd.slice(4, 6));
  const sex: CccdSex = centuryDigit % 2 === 0 ? 'male' : 'female';
  if (person.birthYear !== undefined && person.birthYear !== null) {
    if (person.birthYear !== birthYear) return { ok: false, error: 'cccdBirthYear' };
  } else if (birthYear > currentYear) {
    return { ok: false, error: 'cccdFutureYear' };
  }
  if ((person.sex === 'male' || person.sex === 'female') && person.sex !== sex) return { ok: false, error: 'cccdSex' };
  return { ok: true, value: { cccd, provinceCode, birthYear, sex } };
}

/** "038203012345" → "038******345": the province and the last three digits, enough to tell two people apart. */
export function maskCccd(cccd: string): string {
  return /^\d{12}$/.test(cccd) ? `${cccd.slice(0, 3)}******${cccd.slice(9)}` : '************';
}
