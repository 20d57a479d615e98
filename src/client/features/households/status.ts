/**
 * One household's state in a word, for the registry badge: a due follow-up comes first (it is what the volunteer
 * has to act on), then at target, visited, not visited.
 */
import { isFollowUpDue, type HouseholdSummary } from '../../../shared/progress.ts';

export type HouseholdStatus =
  | { kind: 'due'; on: string }
  | { kind: 'at-target' }
  | { kind: 'visited' }
  | { kind: 'not-visited' };

export function householdStatus(
  summary: Pick<HouseholdSummary, 'visited' | 'atTarget' | 'followUpOn'> | undefined,
  today: string,
): HouseholdStatus {
  if (!summary) return { kind: 'not-visited' };
  if (summary.followUpOn !== null && isFollowUpDue(summary.followUpOn, today)) {
    return { kind: 'due', on: summary.followUpOn };
  }
  if (summary.atTarget) return { kind: 'at-target' };
  return summary.visited ? { kind: 'visited' } : { kind: 'not-visited' };
}
