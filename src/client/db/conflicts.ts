/**
 * Sync conflicts on the device: a copy of the server's open conflicts for this person, so the sync screen can show
 * both versions offline. The server is the source of truth; `replaceConflicts` mirrors its list and releases outbox
 * entries whose conflict someone resolved elsewhere (they will be pushed again from their current state).
 */
import { uuidv7 } from '../../shared/ids.ts';
import { recordSchemas, type Hamlet, type Household, type Person, type Visit } from '../../shared/records.ts';
import { getDb, type LocalConflict } from './database.ts';
import { enqueue, isConflictMark, outboxKey } from './outbox.ts';
import { refreshHousehold } from './projections.ts';

export async function listConflicts(): Promise<LocalConflict[]> {
  const rows = await getDb().conflicts.toArray();
  return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1));
}

export async function countConflicts(): Promise<number> {
  return getDb().conflicts.count();
}

export async function replaceConflicts(conflicts: readonly LocalConflict[]): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.conflicts, db.outbox, async () => {
    await db.conflicts.clear();
    await db.conflicts.bulkPut([...conflicts]);
    const open = new Set(conflicts.map((c) => outboxKey(c.entity, c.recordId)));
    const marked = await db.outbox.filter((e) => isConflictMark(e.lastError)).toArray();
    for (const entry of marked) {
      if (!open.has(entry.key) && entry.seq !== undefined) {
        await db.outbox.update(entry.seq, { lastError: null, attempts: 0 });
      }
    }
  });
}

// ---- Local effects of a decision (the server has already recorded it) ------------------------------------------

const RESOLVE_TABLES = [
  'hamlets', 'households', 'people', 'visits', 'receipts', 'summaries', 'hamletTotals', 'outbox', 'conflicts',
] as const;

/**
 * The server's visit as the device's copy, with its receipt (a row of one, see receipts.ts) when the server said it.
 * This module loads with the database at start-up; receipts.ts does not.
 */
async function putServerVisit(visit: Visit, serverSeq: number | null): Promise<void> {
  const db = getDb();
  await Promise.all([
    db.visits.put(visit),
    serverSeq === null ? undefined : db.receipts.add({ visitIds: [visit.id], seqs: [serverSeq] }),
  ]);
}

/** The server's record in a conflict does not match the shared contract (an older or newer server). */
export class ConflictRecordError extends Error {
  constructor() {
    super('the conflict record does not match the sync contract');
    this.name = 'ConflictRecordError';
  }
}

function parseServerRecord(conflict: LocalConflict) {
  const parsed = recordSchemas[conflict.entity].safeParse(conflict.serverRecord);
  if (!parsed.success) throw new ConflictRecordError();
  return parsed.data;
}

async function dropConflict(conflict: LocalConflict): Promise<void> {
  const db = getDb();
  await db.conflicts.delete(conflict.id);
  const entry = await db.outbox.where('key').equals(outboxKey(conflict.entity, conflict.recordId)).first();
  return entry?.seq === undefined ? undefined : db.outbox.delete(entry.seq);
}

/**
 * "Use the server's version": the server's copy replaces the device's and nothing is left to send for the record.
 * `serverSeq` is the receipt a visit gets.
 */
export async function applyServerChoice(conflict: LocalConflict, serverSeq: number | null): Promise<void> {
  const record = parseServerRecord(conflict);
  const db = getDb();
  await db.transaction('rw', [...RESOLVE_TABLES], async () => {
    const households = new Set<string>();
    switch (conflict.entity) {
      case 'hamlet':
        await db.hamlets.put(record as Hamlet);
        break;
      case 'household': {
        const h = record as Household;
        const existing = await db.households.get(h.id);
        await db.households.put({ ...h, searchText: existing?.searchText ?? '' });
        households.add(h.id);
        break;
      }
      case 'person': {
        const p = record as Person;
        const existing = await db.people.get(p.id);
        if (existing) households.add(existing.householdId);
        await db.people.put(p);
        households.add(p.householdId);
        break;
      }
      case 'visit': {
        const v = record as Visit;
        await putServerVisit(v, serverSeq);
        households.add(v.householdId);
        break;
      }
    }
    await dropConflict(conflict);
    for (const id of households) await refreshHousehold(db, id);
  });
}

/**
 * "Keep this device's version" of a hamlet, household or person: the server stored the device's record as
 * `version`. The outbox entry is released, so the next push sends the record's current state from that version
 * (answered `duplicate` when nothing changed since the conflict, applied when the person edited it meanwhile).
 */
export async function applyDeviceChoice(conflict: LocalConflict, version: number): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [...RESOLVE_TABLES], async () => {
    if (conflict.entity === 'hamlet') await db.hamlets.update(conflict.recordId, { version });
    if (conflict.entity === 'household') await db.households.update(conflict.recordId, { version });
    if (conflict.entity === 'person') await db.people.update(conflict.recordId, { version });
    await db.conflicts.delete(conflict.id);
    const entry = await db.outbox.where('key').equals(outboxKey(conflict.entity, conflict.recordId)).first();
    if (entry?.seq !== undefined) await db.outbox.update(entry.seq, { lastError: null, attempts: 0 });
  });
}

/**
 * "Keep this device's version" of a visit: visits are immutable, so the server keeps its event under the id and
 * the device records its own event again under a new id (queued for the next push). Returns the new id.
 */
export async function rerecordVisit(conflict: LocalConflict, serverSeq: number | null): Promise<string | null> {
  const server = parseServerRecord(conflict) as Visit;
  const db = getDb();
  return db.transaction('rw', [...RESOLVE_TABLES], async () => {
    const local = await db.visits.get(conflict.recordId);
    let newId: string | null = null;
    if (local) {
      newId = uuidv7();
      await db.visits.add({ ...local, id: newId });
      await enqueue('visit', newId);
    }
    await putServerVisit(server, serverSeq);
    await dropConflict(conflict);
    await refreshHousehold(db, server.householdId);
    if (local && local.householdId !== server.householdId) await refreshHousehold(db, local.householdId);
    return newId;
  });
}
