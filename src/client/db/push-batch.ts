/**
 * The device side of a push, in two transactions around the network call:
 * - `readPushBatch` snapshots the oldest sendable outbox entries together with each record's current state (one
 *   read, so each entry's `rev` matches the content sent), stripped of local-only fields;
 * - `applyPushResults` applies the server's per-change answers in one transaction: receipts and versions on the
 *   records, acknowledgements (only for entries whose `rev` did not move while the request was in flight), and the
 *   conflict / rejection marks the sync screen shows.
 */
import { recordSchemas, type Entity } from '../../shared/records.ts';
import type { Change, PushResult } from '../../shared/sync.ts';
import { getDb, type OutboxEntry } from './database.ts';
import { acknowledge, isSendable } from './outbox.ts';

export interface PushItem {
  key: string;
  rev: number;
  change: Change;
}

export interface PushOutcome {
  acknowledged: number;
  conflicts: number;
  rejected: number;
}

/** Keeps only the fields of the synced schema: drops `searchText`, `receipt` and anything else local. */
export function syncedFields(entity: Entity, record: object): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(recordSchemas[entity].shape)) {
    if (k in source) out[k] = source[k];
  }
  return out;
}

function toChange(entity: Entity, record: object): Change {
  const synced = syncedFields(entity, record);
  const baseVersion = entity === 'visit' ? null : (synced.version as number);
  // The record was validated with the same schema when it was written on this device.
  return { entity, baseVersion, record: synced } as unknown as Change;
}

/**
 * Up to `limit` entries, oldest first, that may be sent now and were not sent earlier in this run (`skip`, by key).
 * An entry whose record no longer exists on the device has nothing to send and is dropped.
 */
export async function readPushBatch(limit: number, skip: ReadonlySet<string>): Promise<PushItem[]> {
  const db = getDb();
  return db.transaction('rw', [db.outbox, db.hamlets, db.households, db.people, db.visits], async () => {
    const entries = await db.outbox
      .orderBy('seq')
      .filter((e) => isSendable(e) && !skip.has(e.key))
      .limit(limit)
      .toArray();
    const items: PushItem[] = [];
    for (const entry of entries) {
      const record = await readRecord(entry);
      if (record === undefined) {
        if (entry.seq !== undefined) await db.outbox.delete(entry.seq);
        continue;
      }
      items.push({ key: entry.key, rev: entry.rev, change: toChange(entry.entity, record) });
    }
    return items;
  });
}

function readRecord(entry: OutboxEntry): Promise<object | undefined> {
  const db = getDb();
  switch (entry.entity) {
    case 'hamlet':
      return db.hamlets.get(entry.recordId);
    case 'household':
      return db.households.get(entry.recordId);
    case 'person':
      return db.people.get(entry.recordId);
    case 'visit':
      return db.visits.get(entry.recordId);
  }
}

export async function applyPushResults(items: readonly PushItem[], results: readonly PushResult[]): Promise<PushOutcome> {
  const db = getDb();
  const byKey = new Map(results.map((r) => [`${r.entity}:${r.id}`, r]));
  const outcome: PushOutcome = { acknowledged: 0, conflicts: 0, rejected: 0 };
  await db.transaction('rw', [db.outbox, db.hamlets, db.households, db.people, db.visits], async () => {
    const acked: { key: string; rev: number }[] = [];
    for (const item of items) {
      const result = byKey.get(item.key);
      if (result === undefined) continue;
      const { entity, record } = item.change;
      if (result.status === 'applied' || result.status === 'duplicate') {
        if (entity === 'visit') {
          if (result.seq !== undefined) await db.visits.update(record.id, { receipt: result.seq });
        } else if (result.version !== undefined && (await db.outbox.where('key').equals(item.key).count()) > 0) {
          // Also right when the record was edited again meanwhile: that edit continues from the version just stored.
          // Not when the entry is gone: a conflict decision replaced the record while the push was in flight, and
          // the version sent back belongs to the content pushed, not to what the device holds now.
          await table(entity).update(record.id, { version: result.version });
        }
        acked.push({ key: item.key, rev: item.rev });
        outcome.acknowledged += 1;
        continue;
      }
      const entry = await db.outbox.where('key').equals(item.key).first();
      if (entry?.seq === undefined) continue;
      if (result.status === 'conflict') {
        outcome.conflicts += 1;
        const mark = result.problem ?? (entity === 'visit' ? 'sync.id-conflict' : 'sync.stale-version');
        await db.outbox.update(entry.seq, { lastError: mark });
      } else {
        outcome.rejected += 1;
        await db.outbox.update(entry.seq, {
          lastError: result.problem ?? 'sync.invalid-record',
          attempts: entry.attempts + 1,
        });
      }
    }
    await acknowledge(acked);
  });
  return outcome;
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
