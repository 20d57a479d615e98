/**
 * The hamlet overview: running totals (kept by projections.ts on every write) plus the follow-ups due today,
 * counted through the [hamletId+followUpOn] index. Two indexed reads, whatever the number of households.
 */
import { emptyTotals, type AreaTotals } from '../../shared/progress.ts';
import { getDb } from './database.ts';

export interface HamletOverview extends AreaTotals {
  followUpsDue: number;
}

export async function getHamletOverview(hamletId: string, today: string): Promise<HamletOverview> {
  const db = getDb();
  return db.transaction('r', db.hamletTotals, db.summaries, async () => {
    const [totals, followUpsDue] = await Promise.all([
      db.hamletTotals.get(hamletId),
      db.summaries
        .where('[hamletId+followUpOn]')
        .between([hamletId, ''], [hamletId, today], true, true)
        .count(),
    ]);
    const { hamletId: _omit, ...rest } = totals ?? { hamletId, ...emptyTotals() };
    return { ...rest, followUpsDue };
  });
}
