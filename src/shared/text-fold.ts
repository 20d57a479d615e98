/**
 * Folding for Vietnamese search: "Nguyễn Văn Á" and "nguyen van a" meet, whether the input was typed in
 * NFC (most keyboards) or NFD (some iOS/macOS input, copy-paste from PDFs). đ/Đ have no decomposition in
 * Unicode, so they are mapped to d by hand.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SPACES = /\s+/g;

export function foldText(input: string): string {
  return input
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(SPACES, ' ')
    .trim();
}

/** Builds the precomputed haystack stored with a record: folded parts joined by a separator no query contains. */
export function buildSearchText(parts: ReadonlyArray<string | null | undefined>): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map(foldText)
    .join(' | ');
}

/**
 * True when every word of the query occurs in the haystack, in any order ("van a nguyen" finds
 * "Nguyễn Văn A"). `foldedQueryWords` comes from `queryWords` so the query is folded once per keystroke,
 * not once per record.
 */
export function matchesFolded(haystack: string, foldedQueryWords: readonly string[]): boolean {
  for (const word of foldedQueryWords) {
    if (!haystack.includes(word)) return false;
  }
  return true;
}

export function queryWords(query: string): string[] {
  const folded = foldText(query);
  return folded === '' ? [] : folded.split(' ');
}

/** Names are NFC-normalised and trimmed before they are stored, so equal names compare equal. */
export function cleanName(input: string): string {
  return input.normalize('NFC').replace(SPACES, ' ').trim();
}

let collator: Intl.Collator | undefined;

/** Vietnamese collation (a < ă < â < b … đ after d), created once. */
export function viCollator(): Intl.Collator {
  collator ??= new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
  return collator;
}
