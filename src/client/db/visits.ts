/**
 * Coaching visits: append-only events. A correction is a new event pointing at the original (`corrects`); nothing
 * already logged is ever edited, so a visit sent from one phone can never be changed under another.
 *
 * Saving a visit is the field app's hot path, and on a phone IndexedDB round trips are what it costs. So a save is
 * one transaction holding the event, its outbox entry and a `pendingProjections` entry for its household, with the
 * reads that check the household (it exists, the people are its members) issued in the same batch as those writes:
 * one round trip, then the commit. A failed check throws, which aborts the transaction: nothing of it is kept. The
 * household's summary and its hamlet's totals are refreshed by a second transaction created right behind the save
 * (see projections.ts), which every later read waits for.
 *
 * Both transactions are issued on IndexedDB directly, on Dexie's own connection: measured in Chromium, Dexie's
 * per-request machinery (promise zones, middleware) and the creation of a second Dexie transaction cost more than
 * the IndexedDB work itself on this path. The rows are the ones Dexie would write, and Dexie's observers (liveQuery,
 * the sync scheduler's outbox watch, other tabs) are told of them when each commits, as Dexie would tell them.
 */
import { uuidv7 } from '../../shared/ids.ts';
import { visitSchema, type OutcomeEntry } from '../../shared/records.ts';
import { effectiveVisits, type EffectiveVisit } from '../../shared/progress.ts';
import { Dexie, RangeSet, type IndexableType, type ObservabilitySet } from 'dexie';
import { getDb, type LocalHousehold, type LocalVisit, type PendingProjectionRow, type TungNhaDb } from './database.ts';
import { newOutboxEntry, outboxKey } from './outbox.ts';
import { idbTableSource, SETTLE_TABLES, settlePendingProjections } from './projections.ts';
import { parseOrThrow, ValidationError } from './validation.ts';

export interface VisitDraft {
  householdId: string;
  /**
   * The household's hamlet, when the caller knows it (the visit form does). Once a save in that hamlet has shown its
   * province and commune, the visit can be written in the same batch as the reads that check it. Never trusted:
   * a hint that does not match the stored household costs one more round trip, not a wrong record.
   */
  hamletId?: string;
  /** ISO date-time of the visit; defaults to now. */
  visitedAt?: string;
  outcomes: OutcomeEntry[];
  notes: string;
  followUpOn: string | null;
}

type Area = Pick<LocalHousehold, 'hamletId' | 'provinceCode' | 'communeCode'>;

const SAVE_STORES = ['households', 'people', 'visits', 'outbox', 'pendingProjections'];

/** Each hamlet's province and commune as the households saved to showed them. Only ever a guess (see VisitDraft). */
const hamletAreas = new Map<string, Area>();

/** The hinted hamlet's area did not match the stored household: the save was aborted and is done again. */
class AreaMismatch extends Error {}

let settling: Promise<void> = Promise.resolve();

/**
 * Resolves when the projections of every visit saved so far are settled. Nothing needs it for correctness (reads
 * wait for the settling transaction anyway); benchmarks use it to keep the settling out of their next measure.
 */
export function projectionsSettled(): Promise<void> {
  return settling;
}

/** Everyone ever recorded in the household, removed members included (a visit may name them). */
function checkHousehold(
  household: LocalHousehold | undefined,
  memberIds: readonly string[],
  draft: VisitDraft,
): LocalHousehold {
  if (!household || household.deleted) throw new ValidationError({ _: 'notFound' });
  const members = new Set(memberIds);
  if (draft.outcomes.some((o) => !members.has(o.personId))) throw new ValidationError({ outcomes: 'invalid' });
  return household;
}

function buildVisit(draft: VisitDraft, authorId: string, corrects: string | null, area: Area): LocalVisit {
  const now = new Date().toISOString();
  return {
    ...parseOrThrow(visitSchema, {
      id: uuidv7(),
      householdId: draft.householdId,
      hamletId: area.hamletId,
      provinceCode: area.provinceCode,
      communeCode: area.communeCode,
      visitedAt: draft.visitedAt ?? now,
      recordedAt: now,
      corrects,
      outcomes: draft.outcomes,
      notes: draft.notes,
      followUpOn: draft.followUpOn,
      authorId,
    }),
  };
}

/** What the save's reads found: the household and its people's ids (keys only), for `checkHousehold`. */
interface Found {
  household: LocalHousehold | undefined;
  memberIds: readonly string[];
}

/**
 * Issues the reads that check the household; `then` runs once both have answered, inside the transaction (still
 * active, so it may write). Plain callbacks: no promise hop between an answer and the writes it allows.
 */
function readHousehold(tx: IDBTransaction, draft: VisitDraft, then: (found: Found) => void): void {
  const found: Found = { household: undefined, memberIds: [] };
  let waiting = draft.outcomes.length === 0 ? 1 : 2;
  const answered = () => {
    if (--waiting === 0) then(found);
  };
  const household = tx.objectStore('households').get(draft.householdId) as IDBRequest<LocalHousehold | undefined>;
  household.onsuccess = () => {
    found.household = household.result;
    answered();
  };
  // No people to read for a visit that names none.
  if (draft.outcomes.length > 0) {
    const members = tx.objectStore('people').index('householdId').getAllKeys(draft.householdId);
    members.onsuccess = () => {
      found.memberIds = members.result as string[];
      answered();
    };
  }
}

/** The visit, its outbox entry and its household's pending marker. Returns the outbox request (its key is `seq`). */
function writeRecords(tx: IDBTransaction, visit: LocalVisit): IDBRequest<IDBValidKey> {
  tx.objectStore('visits').add(visit);
  const queued = tx.objectStore('outbox').add(newOutboxEntry('visit', visit.id));
  tx.objectStore('pendingProjections').put({ householdId: visit.householdId } satisfies PendingProjectionRow);
  return queued;
}

/** Tells Dexie's observers (liveQuery, the sync scheduler's outbox watch, other tabs) what the save wrote. */
function announce(db: TungNhaDb, visit: LocalVisit, outboxSeq: IDBValidKey): void {
  const parts: ObservabilitySet = {};
  const add = (table: string, index: string, key: IndexableType) => {
    parts[`idb://${db.name}/${table}/${index}`] = new RangeSet().addKey(key);
  };
  add('visits', '', visit.id);
  add('visits', ':dels', visit.id);
  add('visits', 'householdId', visit.householdId);
  add('outbox', '', outboxSeq as IndexableType);
  add('outbox', ':dels', outboxSeq as IndexableType);
  add('outbox', 'key', outboxKey('visit', visit.id));
  add('pendingProjections', '', visit.householdId);
  add('pendingProjections', ':dels', visit.householdId);
  Dexie.on('storagemutated').fire(parts);
}

/**
 * The save's transaction, on IndexedDB itself (Dexie's middleware costs more than the requests on this path).
 * With a known area the writes go in the same batch as the reads, and are kept only if the reads confirm what they
 * assumed; without one the reads come first and the visit takes the stored household's area. A failed check aborts
 * the transaction: nothing of it is kept. Resolves once it has committed.
 */
function runSave(
  db: TungNhaDb,
  tx: IDBTransaction,
  draft: VisitDraft,
  build: (area: Area) => LocalVisit,
  area: Area | undefined,
  committed: (visit: LocalVisit) => void,
) {
  return new Promise<LocalVisit>((resolve, reject) => {
    let visit: LocalVisit | undefined;
    let queued: IDBRequest<IDBValidKey> | undefined;
    let failure: unknown;
    const fail = (error: unknown) => {
      failure = error;
      tx.abort();
    };
    tx.oncomplete = () => {
      // Committed means both were written (a transaction commits only after its every request succeeded).
      if (!visit || !queued) return reject(new Error('visits: committed without its records'));
      committed(visit);
      resolve(visit);
      announce(db, visit, queued.result);
    };
    tx.onabort = () => reject(failure ?? tx.error ?? new DOMException('The save was aborted.', 'AbortError'));
    try {
      // The reads first: the visit is built and checked (zod) while IndexedDB already works on them.
      readHousehold(tx, draft, ({ household, memberIds }) => {
        try {
          const h = checkHousehold(household, memberIds, draft);
          if (!visit) {
            visit = build(h);
            queued = writeRecords(tx, visit);
          } else if (h.hamletId !== visit.hamletId || h.provinceCode !== visit.provinceCode || h.communeCode !== visit.communeCode) {
            throw new AreaMismatch();
          }
          tx.commit();
        } catch (error) {
          fail(error);
        }
      });
      if (area) {
        visit = build(area);
        queued = writeRecords(tx, visit);
      }
    } catch (error) {
      fail(error);
    }
  });
}

/** The tables the settling writes: Dexie's observers re-read whatever they watched there. */
const SETTLE_WRITES = ['households', 'summaries', 'hamletTotals', 'pendingProjections'] as const;

/**
 * The settling transaction (projections.ts `settlePendingProjections`), on IndexedDB itself like the save: created
 * in the same task, so it costs the save next to nothing, and Dexie's observers are told when it commits.
 */
function runSettle(db: TungNhaDb, tx: IDBTransaction, likelyHamlets: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    tx.oncomplete = () => {
      resolve();
      const parts: ObservabilitySet = {};
      for (const name of SETTLE_WRITES) {
        const everything = () => new RangeSet(Dexie.minKey, Dexie.maxKey);
        const table = db.table(name);
        parts[`idb://${db.name}/${name}/`] = everything();
        parts[`idb://${db.name}/${name}/:dels`] = everything();
        for (const index of table.schema.indexes) parts[`idb://${db.name}/${name}/${index.name}`] = everything();
      }
      Dexie.on('storagemutated').fire(parts);
    };
    tx.onabort = () => reject(failure ?? tx.error ?? new DOMException('The settling was aborted.', 'AbortError'));
    // Either call throws only when the transaction already ended on its own; its events report how.
    settlePendingProjections(idbTableSource(tx), likelyHamlets).then(
      () => {
        try {
          tx.commit();
        } catch {
          /* already committing */
        }
      },
      (error: unknown) => {
        failure = error;
        try {
          tx.abort();
        } catch {
          /* already aborted */
        }
      },
    );
  });
}

/**
 * Dexie's connection, open and past its `ready` step (a queue left by a crash settled first). Opens it if needed
 * (the first use, or after a newer version in another tab made Dexie close it); at once when already open.
 */
async function openConnection(db: TungNhaDb): Promise<IDBDatabase> {
  await db.open();
  return db.backendDB();
}

async function saveOnce(draft: VisitDraft, authorId: string, corrects: string | null, area: Area | undefined) {
  const db = getDb();
  const idb = await openConnection(db);
  const tx = idb.transaction(SAVE_STORES, 'readwrite');
  // The settling transaction is created the moment the save commits, before the save returns: every transaction
  // created after that (whatever reads the projections once the save returned) runs after it. Created any earlier,
  // its work competed with the save's own completion.
  let settled: Promise<void> = Promise.resolve();
  const saved = runSave(db, tx, draft, (a) => buildVisit(draft, authorId, corrects, a), area, (visit) => {
    try {
      settled = runSettle(db, idb.transaction(SETTLE_TABLES, 'readwrite'), [visit.hamletId]);
    } catch (error) {
      // The connection is closing (a newer version in another tab): the household stays queued.
      settled = Promise.reject(error as Error);
    }
  });
  settling = saved.then(
    () =>
      settled.catch((error: unknown) => {
        // The visit is safe; its household stays queued for the next save or the next opening.
        console.error('visits: projections not settled', error);
      }),
    () => undefined,
  );
  const visit = await saved;
  hamletAreas.set(visit.hamletId, { hamletId: visit.hamletId, provinceCode: visit.provinceCode, communeCode: visit.communeCode });
  return visit;
}

async function writeVisit(draft: VisitDraft, authorId: string, corrects: string | null): Promise<LocalVisit> {
  if (draft.outcomes.length === 0 && draft.notes.trim() === '' && corrects === null) {
    throw new ValidationError({ outcomes: 'visitEmpty' });
  }
  const area = draft.hamletId === undefined ? undefined : hamletAreas.get(draft.hamletId);
  if (area) {
    try {
      return await saveOnce(draft, authorId, corrects, area);
    } catch (error) {
      if (!(error instanceof AreaMismatch)) throw error;
      hamletAreas.delete(area.hamletId);
    }
  }
  return saveOnce(draft, authorId, corrects, undefined);
}

export function logVisit(draft: VisitDraft, authorId: string): Promise<LocalVisit> {
  return writeVisit(draft, authorId, null);
}

/**
 * Records a correction of a visit: the draft replaces the visit's whole content (outcomes, notes, follow-up, date).
 * `visitId` may be the original or one of its corrections; the new event always points at the original.
 */
export async function correctVisit(visitId: string, draft: VisitDraft, authorId: string): Promise<LocalVisit> {
  const target = await getDb().visits.get(visitId);
  if (!target) throw new ValidationError({ _: 'notFound' });
  return writeVisit({ ...draft, householdId: target.householdId }, authorId, target.corrects ?? target.id);
}

/** The household's visits with corrections folded in, newest first. */
export async function listHouseholdVisits(householdId: string): Promise<EffectiveVisit<LocalVisit>[]> {
  const events = await getDb().visits.where('householdId').equals(householdId).toArray();
  return effectiveVisits(events);
}
