/**
 * The registry's search and filter, as one pure pass over the hamlet's rows (already sorted in Vietnamese order by
 * listHamletHouseholds). The query is folded once per call; each row is matched against its precomputed, folded
 * `searchText`, so a keystroke over 20,000 households costs one string scan per row and no allocation per row.
 */
import { matchesFolded, queryWords } from '../../../shared/text-fold.ts';
import { matchesFilter, type HouseholdFilter, type HouseholdListRow } from '../../db/households.ts';

export function searchHouseholds<R extends HouseholdListRow>(
  rows: readonly R[],
  query: string,
  filter: HouseholdFilter,
  today: string,
): R[] {
  const words = queryWords(query);
  if (words.length === 0 && filter === 'all') return rows.slice();
  const result: R[] = [];
  for (const row of rows) {
    if (filter !== 'all' && !matchesFilter(row, filter, today)) continue;
    if (words.length > 0 && !matchesFolded(row.household.searchText, words)) continue;
    result.push(row);
  }
  return result;
}

/** URL values of the filters (`?loc=den-hen`), so the overview can open the registry on "follow-up due". */
export const FILTER_PARAM = 'loc';

const FILTER_SLUGS: Record<HouseholdFilter, string> = {
  all: '',
  'not-visited': 'chua-tham',
  'follow-up-due': 'den-hen',
  'at-target': 'dat',
  'not-at-target': 'chua-dat',
};

export function filterSlug(filter: HouseholdFilter): string {
  return FILTER_SLUGS[filter];
}

export function filterFromSlug(slug: string | null): HouseholdFilter {
  for (const [filter, s] of Object.entries(FILTER_SLUGS) as [HouseholdFilter, string][]) {
    if (s !== '' && s === slug) return filter;
  }
  return 'all';
}
