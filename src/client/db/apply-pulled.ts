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
import { getDb, type LocalHamlet, type LocalHousehold, type LocalPerson, type LocalVisit } from './database.ts';
import { outboxKey } from './outbox.ts';
import { refreshHouseholds } from './projections.ts';
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

/**
 * Returns how many changes were stored (the rest waited behind local edits). A page costs a handful of round trips
 * whatever its size: one lookup of pending edits, one read of the records it replaces, bulk writes per table, and
 * one bulk refresh of the households it touched.
 */
export async function applyPulledPage(changes: readonly unknown[], cursor: number): Promise<number> {
  const db = getDb();
  return db.transaction('rw', [...TABLES], async () => {
    const parsed: PulledChange[] = [];
    for (const [index, raw] of changes.entries()) {
      // A bad change aborts the page, including what came before it.
      const result = pulledChangeSchema.safeParse(raw);
      if (!result.success) throw new PulledChangeError(index);
      parsed.push(result.data);
    }

    const keys = parsed.map((c) => outboxKey(c.entity, c.record.id));
    // Every key of the outbox in one getAllKeys on its index (the outbox is short after a push), not an anyOf walk.
    const pending = new Set(await db.outbox.orderBy('key').keys());
    const incoming = parsed.filter((_, i) => !pending.has(keys[i] as string));

    const householdIds = incoming.filter((c) => c.entity === 'household').map((c) => c.record.id);
    const personIds = incoming.filter((c) => c.entity === 'person').map((c) => c.record.id);
    const [oldHouseholds, oldPeople] = await Promise.all([
      db.households.bulkGet(householdIds),
      db.people.bulkGet(personIds),
    ]);
    const searchTextOf = new Map(oldHouseholds.flatMap((h) => (h ? [[h.id, h.searchText] as const] : [])));
    const householdOfPerson = new Map(oldPeople.flatMap((p) => (p ? [[p.id, p.householdId] as const] : [])));

    const affected = new Set<string>();
    const hamlets: LocalHamlet[] = [];
    const households: LocalHousehold[] = [];
    const people: LocalPerson[] = [];
    const visits: LocalVisit[] = [];
    for (const change of incoming) {
      switch (change.entity) {
        case 'hamlet':
          hamlets.push(change.record);
          break;
        case 'household':
          households.push({ ...change.record, searchText: searchTextOf.get(change.record.id) ?? '' });
          affected.add(change.record.id);
          break;
        case 'person': {
          const before = householdOfPerson.get(change.record.id);
          if (before !== undefined && before !== change.record.householdId) affected.add(before);
          people.push(change.record);
          affected.add(change.record.householdId);
          break;
        }
        case 'visit':
          visits.push({ ...change.record, receipt: change.seq });
          affected.add(change.record.householdId);
          break;
      }
    }
    await Promise.all([
      hamlets.length ? db.hamlets.bulkPut(hamlets) : undefined,
      households.length ? db.households.bulkPut(households) : undefined,
      people.length ? db.people.bulkPut(people) : undefined,
      visits.length ? db.visits.bulkPut(visits) : undefined,
    ]);

    // A pulled copy of a record with unsent local edits refreshes the server side of its stored conflict.
    for (const change of parsed) {
      if (change.entity !== 'visit' && pending.has(outboxKey(change.entity, change.record.id))) {
        await refreshConflictServerSide(change.record.id, change.record);
      }
    }
    await refreshHouseholds(db, affected);
    await setSyncCursor(cursor);
    return incoming.length;
  });
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
