/**
 * The device side of a push, in two transactions around the network call:
 * - `readPushBatch` snapshots the oldest sendable outbox entries together with each record's current state (one
 *   read, so each entry's `rev` matches the content sent), stripped of local-only fields;
 * - `applyPushResults` applies the server's per-change answers in one transaction: the visits' receipts (one row for
 *   the batch, receipts.ts), versions on the mutable records, acknowledgements (only for entries whose `rev` did not
 *   move while the request was in flight), and the conflict / rejection marks the sync screen shows.
 */
import { recordSchemas, type Entity } from '../../shared/records.ts';
import type { Change, PushResult } from '../../shared/sync.ts';
import { getDb, type OutboxEntry } from './database.ts';
import { isSendable } from './outbox.ts';
import { addReceipts } from './receipts.ts';
import { readVisitsById } from './visits-by-id.ts';

export interface PushItem {
  key: string;
  /** The outbox entry's primary key: the answers are applied by key lookups, not index walks. */
  seq: number;
  rev: number;
  change: Change;
}

export interface PushOutcome {
  acknowledged: number;
  conflicts: number;
  rejected: number;
}

/** Keeps only the fields of the synced schema: drops `searchText` and anything else local. */
export function syncedFields(entity: Entity, record: object): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of syncedKeys(entity)) {
    if (k in source) out[k] = source[k];
  }
  return out;
}

/** Each schema's field names, listed once (a push batch strips hundreds of records). */
const keysOf = new Map<Entity, readonly string[]>();
function syncedKeys(entity: Entity): readonly string[] {
  let keys = keysOf.get(entity);
  if (keys === undefined) keysOf.set(entity, (keys = Object.keys(recordSchemas[entity].shape)));
  return keys;
}

function toChange(entity: Entity, record: object): Change {
  const synced = syncedFields(entity, record);
  const baseVersion = entity === 'visit' ? null : (synced.version as number);
  // The record was validated with the same schema when it was written on this device.
  return { entity, baseVersion, record: synced } as unknown as Change;
}

/** A batch to send, and the outbox position the next batch starts after. */
export interface PushBatch {
  items: PushItem[];
  next: number;
}

/**
 * Up to `limit` entries, oldest first, that may be sent now and were not sent earlier in this run (`skip`, by key),
 * after the outbox position `after`: the engine reads the next batch while the previous one is still on its way, so
 * the previous batch's entries are still in the outbox.
 * A read-only transaction, so it can run beside the network call and beside other readers. Records are read with one
 * bulkGet per table (one round trip for the whole batch, not one per entry). An entry whose record no longer exists
 * on the device has nothing to send and is dropped (in a transaction of its own: it almost never happens).
 */
export async function readNextBatch(limit: number, skip: ReadonlySet<string>, after: number): Promise<PushBatch> {
  const db = getDb();
  const read = await db.transaction('r', [db.outbox, db.hamlets, db.households, db.people, db.visits], async () => {
    // Pages read with getAll over the primary key, filtered here: a filtered Dexie cursor would advance one entry per
    // round trip.
    const entries: OutboxEntry[] = [];
    let next = after;
    for (;;) {
      const page = await db.outbox.where('seq').above(next).limit(limit).toArray();
      for (const e of page) {
        if (entries.length >= limit) break;
        next = e.seq ?? next;
        if (isSendable(e) && !skip.has(e.key)) entries.push(e);
      }
      if (page.length < limit || entries.length >= limit) break;
    }
    const idsOf = (entity: Entity) => entries.filter((e) => e.entity === entity).map((e) => e.recordId);
    const [hamlets, households, people, visits] = await Promise.all([
      db.hamlets.bulkGet(idsOf('hamlet')),
      db.households.bulkGet(idsOf('household')),
      db.people.bulkGet(idsOf('person')),
      readVisitsById(idsOf('visit')),
    ]);
    const records = new Map<string, object>();
    for (const r of [...hamlets, ...households, ...people, ...visits]) if (r) records.set(r.id, r);

    const items: PushItem[] = [];
    const orphans: { seq: number; rev: number }[] = [];
    for (const entry of entries) {
      const record = records.get(entry.recordId);
      if (record === undefined) {
        if (entry.seq !== undefined) orphans.push({ seq: entry.seq, rev: entry.rev });
        continue;
      }
      items.push({ key: entry.key, seq: entry.seq ?? 0, rev: entry.rev, change: toChange(entry.entity, record) });
    }
    return { items, next, orphans };
  });
  if (read.orphans.length) await dropOrphans(read.orphans);
  return { items: read.items, next: read.next };
}

/** The first batch of a run: `readNextBatch` from the start of the outbox. */
export async function readPushBatch(limit: number, skip: ReadonlySet<string>): Promise<PushItem[]> {
  return (await readNextBatch(limit, skip, 0)).items;
}

/** Deletes outbox entries whose record is gone, unless the entry moved on since it was read (the record is back). */
async function dropOrphans(orphans: readonly { seq: number; rev: number }[]): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.outbox, async () => {
    const current = await db.outbox.bulkGet(orphans.map((o) => o.seq));
    const gone = orphans.filter((o, i) => current[i]?.rev === o.rev).map((o) => o.seq);
    if (gone.length) await db.outbox.bulkDelete(gone);
  });
}

/**
 * Applies the server's answers to one batch in one transaction: one read of the batch's outbox entries, then every
 * write issued together: the visits' receipts as one row, versions by bulkUpdate, marks, and the acknowledged
 * entries as a range delete. (Writing each receipt into its visit, a put per visit, made it ~4× as long.)
 */
export async function applyPushResults(items: readonly PushItem[], results: readonly PushResult[]): Promise<PushOutcome> {
  const db = getDb();
  const byKey = new Map(results.map((r) => [`${r.entity}:${r.id}`, r]));
  const outcome: PushOutcome = { acknowledged: 0, conflicts: 0, rejected: 0 };
  await db.transaction('rw', [db.outbox, db.hamlets, db.households, db.people, db.receipts], async () => {
    // A batch is (nearly) contiguous in seq: one getAll over its range instead of a get per entry.
    const seqs = items.map((i) => i.seq);
    const low = Math.min(...seqs);
    const high = Math.max(...seqs);
    const wanted = new Set(seqs);
    const entries = new Map<string, OutboxEntry>();
    for (const e of await db.outbox.where('seq').between(low, high, true, true).toArray()) {
      if (e.seq !== undefined && wanted.has(e.seq)) entries.set(e.key, e);
    }

    const receipts = new Map<string, number>();
    const versions: Record<Exclude<Entity, 'visit'>, { key: string; changes: { version: number } }[]> = {
      hamlet: [], household: [], person: [],
    };
    const marks: { key: number; changes: Partial<OutboxEntry> }[] = [];
    const acknowledged: number[] = [];

    for (const item of items) {
      const result = byKey.get(item.key);
      if (result === undefined) continue;
      const { entity, record } = item.change;
      const entry = entries.get(item.key);
      if (result.status === 'applied' || result.status === 'duplicate') {
        if (entity === 'visit') {
          if (result.seq !== undefined) receipts.set(record.id, result.seq);
        } else if (result.version !== undefined && entry !== undefined) {
          // Also right when the record was edited again meanwhile: that edit continues from the version just stored.
          // Not when the entry is gone: a conflict decision replaced the record while the push was in flight, and
          // the version sent back belongs to the content pushed, not to what the device holds now.
          versions[entity].push({ key: record.id, changes: { version: result.version } });
        }
        // Acknowledged only if the record was not written again after the snapshot that was sent.
        if (entry?.seq !== undefined && entry.rev === item.rev) acknowledged.push(entry.seq);
        outcome.acknowledged += 1;
        continue;
      }
      if (entry?.seq === undefined) continue;
      if (result.status === 'conflict') {
        outcome.conflicts += 1;
        const mark = result.problem ?? (entity === 'visit' ? 'sync.id-conflict' : 'sync.stale-version');
        marks.push({ key: entry.seq, changes: { lastError: mark } });
      } else {
        outcome.rejected += 1;
        marks.push({
          key: entry.seq,
          changes: { lastError: result.problem ?? 'sync.invalid-record', attempts: entry.attempts + 1 },
        });
      }
    }

    const writes: Promise<unknown>[] = [];
    writes.push(addReceipts(db.receipts, receipts));
    for (const entity of ['hamlet', 'household', 'person'] as const) {
      if (versions[entity].length) writes.push(table(entity).bulkUpdate(versions[entity]));
    }
    if (marks.length) writes.push(db.outbox.bulkUpdate(marks));
    if (acknowledged.length) writes.push(deleteSeqs(acknowledged));
    await Promise.all(writes);
  });
  return outcome;
}

/** Deletes outbox entries by seq, as one range delete per run of consecutive seqs (usually the whole batch). */
function deleteSeqs(seqs: number[]): Promise<unknown> {
  const db = getDb();
  const sorted = [...seqs].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const s of sorted) {
    const last = runs[runs.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else runs.push([s, s]);
  }
  // Between a run's ends every seq is one of ours: the run is consecutive integers.
  return Promise.all(runs.map(([a, b]) => (a === b ? db.outbox.delete(a) : db.outbox.where('seq').between(a, b, true, true).delete())));
}

function table(entity: Exclude<Entity, 'visit'>) {
  const db = getDb();
  switch (entity) {
    case 'hamlet':
      return db.hamlets;
    case 'household':
      return db.households;
    case 'person':
      return db.people;
  }
}
