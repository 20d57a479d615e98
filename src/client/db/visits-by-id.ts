/**
 * Reading many visits by id at once (a push batch, a pulled page's own visits), shared by push-batch.ts and
 * apply-pulled.ts.
 */
import { getDb, type LocalVisit } from './database.ts';

/**
 * Visits by id, in the order asked (undefined where the device has none). Ids asked together were usually made close
 * in time (a push batch logged one after another; a pulled page), and UUIDv7 ids sort by time: they usually fill one
 * stretch of the table's key order, read with one getAll, several times faster than a get per visit. When the
 * stretch holds at most twice as many visits as asked, it was read whole, and an id not in it is not on the device
 * (a new phone's pull asks for 2,000 visits it does not hold: no get per visit). A longer stretch (teammates' visits
 * in between) is cut there, and whatever it did not find is read by key.
 */
export async function readVisitsById(ids: readonly string[]): Promise<(LocalVisit | undefined)[]> {
  if (ids.length < 2) return getDb().visits.bulkGet([...ids]);
  const sorted = [...ids].sort();
  const limit = ids.length * 2;
  const found = new Map<string, LocalVisit>();
  const stretch = await getDb()
    .visits.where(':id')
    .between(sorted[0] as string, sorted[sorted.length - 1] as string, true, true)
    .limit(limit + 1)
    .toArray();
  for (const v of stretch) found.set(v.id, v);
  const missing = stretch.length > limit ? ids.filter((id) => !found.has(id)) : [];
  if (missing.length > 0) {
    const rest = await getDb().visits.bulkGet(missing);
    for (const v of rest) if (v) found.set(v.id, v);
  }
  return ids.map((id) => found.get(id));
}
