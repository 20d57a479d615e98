/**
 * The one IndexedDB database of the device (Dexie). Schema versions are append-only: never edit a version that
 * has shipped; add the next one with an upgrade function (tests/client/db/upgrade.test.ts upgrades a v1 fixture).
 *
 * Tables
 * - hamlets, households, people, visits: the synced records (+ local-only fields, see the Local* types).
 * - summaries: per household, the derived progress (a cache of src/shared/progress.ts, rebuildable from visits).
 * - hamletTotals: per hamlet, running sums of the summaries, so the overview never rescans households.
 * - outbox: one entry per record with unsynced local changes, drained by the sync engine.
 * - meta: device id, sync cursor, session, sync status, settings.
 * - conflicts (v3): sync conflicts the server holds for this person, both versions, until someone decides.
 * - selfChecks, selfCheckDrafts, selfCheckSends, householdCards (v4): residents' self-checks (see db/self-checks.ts)
 *   and household cards (db/household-links.ts).
 * - pendingProjections (v5): households whose summary and hamlet totals do not yet include their latest visit (see
 *   projections.ts `settlePendingProjections`); settled right after the save, or when the database opens.
 * - receipts (v6): the server sequence numbers of the visits the server holds, a batch of them per row (see
 *   receipts.ts); moved out of the visits, which no longer carry a `receipt` field.
 */
import { Dexie, type Table, type Transaction } from 'dexie';
import type { Hamlet, Household, Person, Visit } from '../../shared/records.ts';
import type { AreaTotals, HouseholdSummary } from '../../shared/progress.ts';
import type { SelfCheck, SelfCheckAnswers } from '../../shared/self-check.ts';
import { rebuildAllProjections, settleOnOpen } from './projections.ts';

export type LocalHamlet = Hamlet;
export type LocalHousehold = Household & { searchText: string };
export type LocalPerson = Person;
export type LocalVisit = Visit;

/**
 * Receipts (v6): `seqs[i]` is the server sequence number of visit `visitIds[i]` — the "sent" badge. One row per pushed
 * batch or pulled page (see receipts.ts); `visitIds` is a multi-entry index.
 */
export interface ReceiptRow {
  n?: number;
  visitIds: string[];
  seqs: number[];
}

export interface SummaryRow extends HouseholdSummary {
  householdId: string;
  hamletId: string;
}

export interface HamletTotalsRow extends AreaTotals {
  hamletId: string;
}

/** A household whose projections may lag its records (v5): written with the visit, deleted once settled. */
export interface PendingProjectionRow {
  householdId: string;
}

export type OutboxEntity = 'hamlet' | 'household' | 'person' | 'visit';

export interface OutboxEntry {
  seq?: number;
  /** `${entity}:${recordId}`: unique, so repeated edits of one record coalesce into one entry. */
  key: string;
  entity: OutboxEntity;
  recordId: string;
  /** Bumped on every local write, so an acknowledgement for an older snapshot does not drop a newer edit. */
  rev: number;
  queuedAt: string;
  attempts: number;
  lastError: string | null;
}

/** A sync conflict as the server reported it (GET /api/sync/conflicts), kept so the sync screen works offline. */
export interface LocalConflict {
  /** The server's conflict id. */
  id: string;
  entity: OutboxEntity;
  recordId: string;
  /** 'sync.stale-version' (mutable record edited from an old version) or 'sync.id-conflict' (a visit). */
  problem: string;
  baseVersion: number | null;
  serverVersion: number;
  serverRecord: Record<string, unknown>;
  deviceRecord: Record<string, unknown>;
  createdAt: string;
}

/** A self-check a volunteer's device pulled: what a resident of the household said (v4). */
export type LocalSelfCheck = SelfCheck;

/** The resident's own answers on their device, editable at any time (v4). One row, id 'current'. */
export interface SelfCheckDraft {
  id: string;
  answers: SelfCheckAnswers;
  updatedAt: string;
  /** The household link the resident opened or typed (normalised code), and its hamlet once the server named it. */
  link: { code: string; hamletName: string | null } | null;
}

/** A snapshot of the resident's answers waiting to be sent, or sent, to a household through its link code (v4). */
export interface SelfCheckSend {
  /** The submission's UUIDv7: sending it twice stores it once. */
  id: string;
  code: string;
  answers: SelfCheckAnswers;
  answeredAt: string;
  state: 'queued' | 'sent' | 'refused';
  attempts: number;
  /** A Problem or transport code of the last failed attempt. */
  lastError: string | null;
  sentAt: string | null;
}

/** A household card created on this device, kept so it shows offline later. The code is the only copy (v4). */
export interface HouseholdCardRow {
  householdId: string;
  linkId: string;
  code: string;
  hamletName: string;
  createdAt: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export const DB_NAME = 'tung-nha';

export class TungNhaDb extends Dexie {
  hamlets!: Table<LocalHamlet, string>;
  households!: Table<LocalHousehold, string>;
  people!: Table<LocalPerson, string>;
  visits!: Table<LocalVisit, string>;
  summaries!: Table<SummaryRow, string>;
  hamletTotals!: Table<HamletTotalsRow, string>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<MetaRow, string>;
  conflicts!: Table<LocalConflict, string>;
  selfChecks!: Table<LocalSelfCheck, string>;
  selfCheckDrafts!: Table<SelfCheckDraft, string>;
  selfCheckSends!: Table<SelfCheckSend, string>;
  householdCards!: Table<HouseholdCardRow, string>;
  pendingProjections!: Table<PendingProjectionRow, string>;
  receipts!: Table<ReceiptRow, number>;

  constructor(name: string = DB_NAME) {
    // No optimistic liveQuery cache: saving a visit writes on IndexedDB directly (visits.ts) and tells observers
    // through 'storagemutated', which re-runs their queries but would not refresh Dexie's cached results.
    super(name, { cache: 'disabled' });
    // Only the versions with an upgrade function and the latest are declared: Dexie upgrades an older database
    // through the upgraders it needs and then to the latest schema, and each declared version costs a slow phone's
    // start-up a full parse of the schema (five of them took tens of milliseconds). The history:
    // v1 (first field build): hamlets, households, people, visits (with a `corrects` index), outbox, meta.
    // v2: precomputed search text and progress projections (summaries, hamletTotals), so search and the hamlet
    //     overview stay fast at tens of thousands of records. The upgrade derives them from the v1 records.
    // v3: conflicts waiting for a person's decision; the unused `corrects` index on visits dropped.
    // v4: residents' self-checks (pulled ones, drafts and their queue of sends) and household cards kept offline.
    // v5: households whose projections a saved visit has not yet reached (pendingProjections).
    // v6: visit receipts moved out of the visits into rows of a batch each (receipts), so a push's answers are one
    //     put instead of a rewrite of every visit; the upgrade moves the stored receipts there.
    this.version(2)
      .stores({
        hamlets: 'id, communeCode',
        households: 'id, hamletId, communeCode',
        people: 'id, householdId',
        visits: 'id, householdId, corrects',
        summaries: 'householdId, hamletId, [hamletId+followUpOn]',
        hamletTotals: 'hamletId',
        outbox: '++seq, &key',
        meta: 'key',
      })
      .upgrade(async (tx) => {
        await rebuildAllProjections(tx);
      });
    this.version(6)
      .stores({
        hamlets: 'id, communeCode',
        households: 'id, hamletId, communeCode',
        people: 'id, householdId',
        visits: 'id, householdId',
        summaries: 'householdId, hamletId, [hamletId+followUpOn]',
        hamletTotals: 'hamletId',
        outbox: '++seq, &key',
        meta: 'key',
        conflicts: 'id, recordId',
        selfChecks: 'id, householdId',
        selfCheckDrafts: 'id',
        selfCheckSends: 'id, state',
        householdCards: 'householdId',
        pendingProjections: 'householdId',
        receipts: '++n, *visitIds',
      })
      .upgrade(moveReceiptsOutOfVisits);
    // A save interrupted between its two transactions (tab closed, phone off) is settled before anything reads.
    this.on('ready', settleOnOpen);
  }
}

/** The v6 upgrade: each visit's `receipt` goes into receipt rows (2,000 a row) and leaves the visit. */
async function moveReceiptsOutOfVisits(tx: Transaction): Promise<void> {
  const visits = tx.table('visits');
  const stored = (await visits.toArray()) as (Visit & { receipt?: number | null })[];
  const rows: ReceiptRow[] = [];
  const stripped: Visit[] = [];
  for (const { receipt, ...visit } of stored) {
    stripped.push(visit);
    if (typeof receipt !== 'number') continue;
    let row = rows[rows.length - 1];
    if (row === undefined || row.visitIds.length >= 2000) rows.push((row = { visitIds: [], seqs: [] }));
    row.visitIds.push(visit.id);
    row.seqs.push(receipt);
  }
  await Promise.all([visits.bulkPut(stripped), tx.table('receipts').bulkAdd(rows)]);
}

let instance: TungNhaDb | undefined;

/** The app's database. Tests and benchmarks may open their own with `new TungNhaDb(name)`. */
export function getDb(): TungNhaDb {
  instance ??= new TungNhaDb();
  return instance;
}

/** For tests: make `getDb()` return this database. */
export function setDbForTesting(db: TungNhaDb): void {
  instance = db;
}
