/**
 * The outbox: which records have local changes the server has not acknowledged. One entry per record, so ten
 * edits of a household before the next sync send one change (its latest state, with the server version it was
 * edited from). Visits are immutable, so their entry is written once. Always called inside the transaction that
 * writes the record, so a record and its outbox entry can never be saved apart.
 */
import type { OutboxEntity, OutboxEntry } from './database.ts';
import { getDb } from './database.ts';

/** `lastError` values that mean "the server holds a conflict for this change": not re-sent until resolved. */
export const CONFLICT_MARKS = ['sync.stale-version', 'sync.id-conflict'] as const;

export function isConflictMark(lastError: string | null): boolean {
  return lastError !== null && (CONFLICT_MARKS as readonly string[]).includes(lastError);
}

/** A rejected change is tried this many times, then waits for the person (or a new edit) to act. */
export const MAX_REJECTED_ATTEMPTS = 3;

/** Whether the sync engine should send this entry now. */
export function isSendable(entry: OutboxEntry): boolean {
  if (isConflictMark(entry.lastError)) return false;
  return entry.lastError === null || entry.attempts < MAX_REJECTED_ATTEMPTS;
}

export function outboxKey(entity: OutboxEntity, recordId: string): string {
  return `${entity}:${recordId}`;
}

/** Marks a record as changed locally. Must run inside a rw transaction that includes `outbox`. */
export async function enqueue(entity: OutboxEntity, recordId: string): Promise<void> {
  const db = getDb();
  const key = outboxKey(entity, recordId);
  const now = new Date().toISOString();
  const existing = await db.outbox.where('key').equals(key).first();
  if (existing?.seq !== undefined) {
    // A new edit deserves a fresh try after a rejection; a conflict stays marked until a person resolves it.
    const fresh = isConflictMark(existing.lastError) ? {} : { attempts: 0, lastError: null };
    await db.outbox.update(existing.seq, { rev: existing.rev + 1, queuedAt: now, ...fresh });
  } else {
    await db.outbox.add({ key, entity, recordId, rev: 1, queuedAt: now, attempts: 0, lastError: null });
  }
}

/** The entry of a record that was just created (a visit, a new id): no earlier entry can exist. */
export function newOutboxEntry(entity: OutboxEntity, recordId: string): OutboxEntry {
  return {
    key: outboxKey(entity, recordId),
    entity,
    recordId,
    rev: 1,
    queuedAt: new Date().toISOString(),
    attempts: 0,
    lastError: null,
  };
}

/** The oldest entries first: creation order, so a hamlet goes before its households and people before visits. */
export async function peekOutbox(limit: number): Promise<OutboxEntry[]> {
  return getDb().outbox.orderBy('seq').limit(limit).toArray();
}

export async function countOutbox(): Promise<number> {
  return getDb().outbox.count();
}

/**
 * Removes entries the server acknowledged, unless the record was written again after the snapshot that was sent
 * (its `rev` moved on): that newer edit still has to go.
 */
export async function acknowledge(sent: ReadonlyArray<Pick<OutboxEntry, 'key' | 'rev'>>): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.outbox, async () => {
    for (const s of sent) {
      const current = await db.outbox.where('key').equals(s.key).first();
      if (current?.seq !== undefined && current.rev === s.rev) await db.outbox.delete(current.seq);
    }
  });
}
