/**
 * The last line of defence: a file with every record of this device (and what is still unsent), which the
 * volunteer can keep and later import on the same or a new phone. Import never overwrites a record that exists
 * on the device with an older copy, and re-queues what the backup had not yet sent.
 */
import * as z from 'zod/mini';
import { hamletSchema, householdSchema, personSchema, visitSchema } from '../../shared/records.ts';
import { getDb, type OutboxEntity } from './database.ts';
import { enqueue } from './outbox.ts';
import { rebuildAllProjections } from './projections.ts';
import { addReceipts, readAllReceipts } from './receipts.ts';

export const BACKUP_FORMAT = 'tung-nha-backup';
export const BACKUP_VERSION = 1;

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  exportedAt: z.string(),
  deviceId: z.nullable(z.string()),
  hamlets: z.array(hamletSchema),
  households: z.array(householdSchema),
  people: z.array(personSchema),
  visits: z.array(z.extend(visitSchema, { receipt: z.optional(z.nullable(z.int())) })),
  unsent: z.array(z.object({ entity: z.enum(['hamlet', 'household', 'person', 'visit']), recordId: z.string() })),
});
export type Backup = z.output<typeof backupSchema>;

export async function exportBackup(): Promise<Backup> {
  const db = getDb();
  return db.transaction('r', [db.hamlets, db.households, db.people, db.visits, db.receipts, db.outbox, db.meta], async () => {
    const [hamlets, households, people, visits, receipts, outbox, deviceId] = await Promise.all([
      db.hamlets.toArray(),
      db.households.toArray(),
      db.people.toArray(),
      db.visits.toArray(),
      readAllReceipts(db.receipts),
      db.outbox.toArray(),
      db.meta.get('deviceId'),
    ]);
    return {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      exportedAt: new Date().toISOString(),
      deviceId: typeof deviceId?.value === 'string' ? deviceId.value : null,
      hamlets,
      households: households.map(({ searchText: _s, ...h }) => h),
      people,
      // The file keeps each visit's receipt on the visit, as it always has.
      visits: visits.map((v) => ({ ...v, receipt: receipts.get(v.id) ?? null })),
      unsent: outbox.map((e) => ({ entity: e.entity, recordId: e.recordId })),
    };
  });
}

export type ImportResult =
  | { ok: true; added: number; kept: number }
  | { ok: false; reason: 'notBackup' | 'invalidBackup' };

/** Merges a backup file's records into the device. Records already here and newer are kept. */
export async function importBackup(text: string): Promise<ImportResult> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'notBackup' };
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== BACKUP_FORMAT) {
    return { ok: false, reason: 'notBackup' };
  }
  const parsed = backupSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalidBackup' };
  const backup = parsed.data;
  const db = getDb();
  let added = 0;
  let kept = 0;
  await db.transaction(
    'rw',
    [db.hamlets, db.households, db.people, db.visits, db.receipts, db.summaries, db.hamletTotals, db.outbox],
    async () => {
      /** Puts the rows the device lacks or holds older; returns the ids written. */
      const merge = async <T extends { id: string; updatedAt?: string }>(
        table: { get(id: string): Promise<T | undefined>; put(v: T): Promise<unknown> },
        rows: T[],
      ) => {
        const written = new Set<string>();
        for (const row of rows) {
          const existing = await table.get(row.id);
          if (!existing) {
            await table.put(row);
            written.add(row.id);
            added += 1;
          } else if (row.updatedAt !== undefined && existing.updatedAt !== undefined && row.updatedAt > existing.updatedAt) {
            await table.put(row);
            written.add(row.id);
            added += 1;
          } else {
            kept += 1;
          }
        }
        return written;
      };
      await merge(db.hamlets, backup.hamlets);
      await merge(db.households, backup.households.map((h) => ({ ...h, searchText: '' })));
      await merge(db.people, backup.people);
      const visitsAdded = await merge(db.visits, backup.visits.map(({ receipt: _receipt, ...v }) => v));
      // The receipts of the visits taken from the file come with them; a visit already here keeps its own.
      await addReceipts(
        db.receipts,
        new Map(backup.visits.flatMap((v) => (visitsAdded.has(v.id) && typeof v.receipt === 'number' ? [[v.id, v.receipt] as const] : []))),
      );
      for (const u of backup.unsent) await enqueue(u.entity as OutboxEntity, u.recordId);
      await rebuildAllProjections(db);
    },
  );
  return { ok: true, added, kept };
}
