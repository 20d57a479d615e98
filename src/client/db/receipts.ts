/**
 * Visit receipts: the server sequence number of each visit the server holds, shown as the "sent" badge.
 *
 * Kept apart from the visits (Dexie v6), a batch of them per row — `{ visitIds, seqs }` with a multi-entry index on
 * `visitIds` — so the answers to a pushed batch of 500 visits are ONE put. Setting a `receipt` field on each visit
 * rewrote every visit (500 puts re-indexing whole records), which made the batch's answer transaction ~4× as long in
 * Chromium (issue 3, README Decision 29). A pulled page's visits get one row too.
 *
 * A visit's receipt never changes: the server numbers an event once. Should two rows name the same visit (a receipt
 * learned again from a pull, a backup imported), the later row wins.
 */
import type { Table } from 'dexie';
import type { ReceiptRow } from './database.ts';

export type ReceiptTable = Table<ReceiptRow, number>;

/** Adds one row holding these receipts (visit id → server seq); nothing when there are none. */
export function addReceipts(table: ReceiptTable, receipts: ReadonlyMap<string, number>): Promise<unknown> {
  if (receipts.size === 0) return Promise.resolve();
  return table.add({ visitIds: [...receipts.keys()], seqs: [...receipts.values()] });
}

/** Up to this many visits close in time are still looked up one index key each. */
const FEW = 32;

/**
 * The receipts of these visits (absent: not known to be on the server). Two round trips: the rows' keys from the
 * multi-entry index, then the rows. Visits are looked up one index key each (a household page: its visits span
 * months), unless `closeInTime` says the ids were made close together (UUIDv7 sort by time: a pushed batch, a pulled
 * page) and there are more than a few: then by one read of the index's keys between the lowest and the highest id.
 */
export async function readReceipts(
  table: ReceiptTable,
  ids: Iterable<string>,
  { closeInTime = false }: { closeInTime?: boolean } = {},
): Promise<Map<string, number>> {
  const wanted = new Set(ids);
  const found = new Map<string, number>();
  if (wanted.size === 0) return found;
  let keys: number[];
  if (!closeInTime || wanted.size <= FEW) {
    keys = (await Promise.all([...wanted].map((id) => table.where('visitIds').equals(id).primaryKeys()))).flat();
  } else {
    const sorted = [...wanted].sort();
    keys = await table
      .where('visitIds')
      .between(sorted[0] as string, sorted[sorted.length - 1] as string, true, true)
      .primaryKeys();
  }
  if (keys.length === 0) return found;
  const rows = await table.bulkGet([...new Set(keys)].sort((a, b) => a - b));
  // Oldest row first, so a later row's receipt replaces an earlier one.
  for (const row of rows) {
    row?.visitIds.forEach((id, i) => {
      const seq = row.seqs[i];
      if (wanted.has(id) && seq !== undefined) found.set(id, seq);
    });
  }
  return found;
}

/** Every receipt on the device (a backup). */
export async function readAllReceipts(table: ReceiptTable): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const row of await table.toArray()) {
    row.visitIds.forEach((id, i) => {
      const seq = row.seqs[i];
      if (seq !== undefined) found.set(id, seq);
    });
  }
  return found;
}
