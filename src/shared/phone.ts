/**
 * Vietnamese mobile numbers. Stored in the national form "0xxxxxxxxx" (10 digits), the form people write.
 * Input may carry +84/84, spaces, dots or dashes. A well-formed number on a prefix we do not know is accepted with
 * a warning (networks add prefixes; a volunteer at the door must never be blocked by our list).
 * Prefixes: the mobile ranges after the 2018 11→10-digit change (Viettel, VinaPhone, MobiFone, Vietnamobile,
 * Gmobile, Itelecom, Reddi, Wintel).
 */

const KNOWN_MOBILE_PREFIXES = new Set([
  '032', '033', '034', '035', '036', '037', '038', '039', // Viettel
  '052', '055', '056', '058', '059', // Vietnamobile, Reddi, Gmobile
  '070', '076', '077', '078', '079', // MobiFone
  '081', '082', '083', '084', '085', '086', '087', '088', '089', // VinaPhone, Viettel, Itelecom
  '090', '091', '092', '093', '094', '096', '097', '098', '099', // legacy 09x
]);

export type PhoneCheck =
  | { kind: 'empty' }
  | { kind: 'valid'; national: string }
  | { kind: 'unknown-prefix'; national: string }
  | { kind: 'invalid' };

export function checkVnPhone(input: string): PhoneCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (!/^[+\d\s.\-()]+$/.test(trimmed)) return { kind: 'invalid' };
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+84') || (digits.startsWith('84') && digits.length === 11)) {
    digits = '0' + digits.slice(2);
  }
  if (!/^0\d{9}$/.test(digits)) return { kind: 'invalid' };
  return KNOWN_MOBILE_PREFIXES.has(digits.slice(0, 3))
    ? { kind: 'valid', national: digits }
    : { kind: 'unknown-prefix', national: digits };
}

/** The normalised form, or null when the input is not a phone number at all. */
export function normalizeVnPhone(input: string): string | null {
  const r = checkVnPhone(input);
  return r.kind === 'valid' || r.kind === 'unknown-prefix' ? r.national : null;
}

/** "0912345678" → "0912 345 678" for reading aloud at the door. */
export function formatVnPhone(national: string): string {
  return /^0\d{9}$/.test(national)
    ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`
    : national;
}

/** "0912345678" → "0912•••678": for screens and roles that do not need the whole number (Decree 13/2023). */
export function maskVnPhone(national: string): string {
  return /^0\d{9}$/.test(national) ? `${national.slice(0, 4)}•••${national.slice(7)}` : '•••';
}
