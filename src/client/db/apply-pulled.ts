/**
 * Applies one pulled page and stores its cursor in ONE transaction: after a crash, a closed tab or a malformed
 * change, the device holds either the whole page and the new cursor or neither, so the next pull starts from the
 * right place and nothing is half-applied.
 *
 * - A record with a pending local change (an outbox entry) is not overwritten: the push meets the difference on the
 *   server, which records a conflict for a person to resolve. The pulled copy refreshes the server side of a stored
 *   conflict, so "use the server's version" picks the newest one.
 * - Otherwise the record is stored as the server sent it (tombstones included: `deleted: true` is kept, screens
 *   hide it), keeping local-only fields; a visit gets its receipt (the server sequence number).
 * - Every household touched gets its search text, progress summary and hamlet totals refreshed in the same
 *   transaction.
 */
import { pulledChangeSchema, type PulledChange } from '../../shared/sync.ts';
import { getDb } from './database.ts';
import { outboxKey } from './outbox.ts';
import { refreshHousehold } from './projections.ts';
import { setSyncCursor } from './sync-state.ts';

/** A pulled change the shared contract does not accept: the page is refused as a whole. */
export class PulledChangeError extends Error {
  constructor(readonly index: number) {
    super(`pulled change ${index} does not match the sync contract`);
    this.name = 'PulledChangeError';
  }
}

const TABLES = [
  'hamlets', 'households', 'people', 'visits', 'summaries', 'hamletTotals', 'outbox', 'meta', 'conflicts',
] as const;

/** Returns how many changes were stored (the rest waited behind local edits). */
export async function applyPulledPage(changes: readonly unknown[], cursor: number): Promise<number> {
  const db = getDb();
  return db.transaction('rw', [...TABLES], async () => {
    const affected = new Set<string>();
    let stored = 0;
    for (const [index, raw] of changes.entries()) {
      // Parsed one by one inside the transaction: a bad change aborts the page, including what came before it.
      const parsed = pulledChangeSchema.safeParse(raw);
      if (!parsed.success) throw new PulledChangeError(index);
      if (await applyOne(parsed.data, affected)) stored += 1;
    }
    for (const householdId of affected) await refreshHousehold(db, householdId);
    await setSyncCursor(cursor);
    return stored;
  });
}

async function applyOne(change: PulledChange, affected: Set<string>): Promise<boolean> {
  const db = getDb();
  const pending = await db.outbox.where('key').equals(outboxKey(change.entity, change.record.id)).first();
  if (pending) {
    if (change.entity !== 'visit') await refreshConflictServerSide(change.record.id, change.record);
    return false;
  }
  switch (change.entity) {
    case 'hamlet':
      await db.hamlets.put(change.record);
      return true;
    case 'household': {
      const existing = await db.households.get(change.record.id);
      await db.households.put({ ...change.record, searchText: existing?.searchText ?? '' });
      affected.add(change.record.id);
      return true;
    }
    case 'person': {
      const existing = await db.people.get(change.record.id);
      if (existing && existing.householdId !== change.record.householdId) affected.add(existing.householdId);
      await db.people.put(change.record);
      affected.add(change.record.householdId);
      return true;
    }
    case 'visit':
      await db.visits.put({ ...change.record, receipt: change.seq });
      affected.add(change.record.householdId);
      return true;
  }
}

async function refreshConflictServerSide(recordId: string, record: { version: number }): Promise<void> {
  const db = getDb();
  const open = await db.conflicts.where('recordId').equals(recordId).toArray();
  for (const c of open) {
    if (record.version > c.serverVersion) {
      await db.conflicts.update(c.id, { serverRecord: { ...record }, serverVersion: record.version });
    }
  }
}
