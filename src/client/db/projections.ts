/**
 * Derived, local-only data kept beside the records: each household's folded search text, each household's progress
 * summary, and each hamlet's running totals. Updated by delta (old summary out, new summary in), so no screen ever
 * rescans a hamlet to show its numbers. Everything here can be rebuilt from the records (`rebuildAllProjections`),
 * which the schema upgrade does.
 *
 * Most writes refresh their household inside their own transaction. Saving a visit, the hot path, instead queues its
 * household in `pendingProjections` (in the visit's transaction) and settles the queue in a second transaction
 * created right behind the first (`settlePendingProjections`): IndexedDB runs a transaction only after the
 * overlapping read-write transactions created before it, so every read issued after the save already sees the
 * settled totals. A queue left behind by a crash between the two is settled when the database next opens.
 */
import type { Dexie, Table, Transaction } from 'dexie';
import { buildSearchText } from '../../shared/text-fold.ts';
import { applySummary, emptyTotals, summarizeHousehold, type VisitEvent } from '../../shared/progress.ts';
import type {
  HamletTotalsRow,
  LocalHousehold,
  LocalPerson,
  LocalVisit,
  PendingProjectionRow,
  SummaryRow,
} from './database.ts';

/** Table access that works both in a normal transaction (db.table) and in a version upgrade (tx.table). */
export interface TableSource {
  table(name: string): Table;
}

function tables(src: TableSource) {
  return {
    households: src.table('households') as Table<LocalHousehold, string>,
    people: src.table('people') as Table<LocalPerson, string>,
    visits: src.table('visits') as Table<LocalVisit, string>,
    summaries: src.table('summaries') as Table<SummaryRow, string>,
    hamletTotals: src.table('hamletTotals') as Table<HamletTotalsRow, string>,
  };
}

export function householdSearchText(
  household: Pick<LocalHousehold, 'headName' | 'address' | 'phone'>,
  people: ReadonlyArray<Pick<LocalPerson, 'fullName' | 'deleted'>>,
): string {
  return buildSearchText([
    household.headName,
    ...people.filter((p) => !p.deleted).map((p) => p.fullName),
    household.address,
    household.phone,
  ]);
}

interface HouseholdState {
  household: LocalHousehold | undefined;
  people: LocalPerson[];
  visits: LocalVisit[];
  oldSummary: SummaryRow | undefined;
}

/**
 * Recomputes one household's search text, summary and its hamlet's totals. Call inside a rw transaction over
 * households, people, visits, summaries and hamletTotals, after writing the household's records.
 */
export function refreshHousehold(src: TableSource, householdId: string): Promise<void> {
  return refreshHouseholds(src, [householdId]);
}

/**
 * The same for many households at once — a pulled page touches hundreds: one read round trip for all of them
 * (bulkGet, one getAll per household), one for the hamlet totals, and the writes together. The totals of
 * `likelyHamlets` are read with the rest, sparing that round trip when the caller knows where the households are.
 */
export async function refreshHouseholds(
  src: TableSource,
  householdIds: Iterable<string>,
  likelyHamlets: readonly string[] = [],
): Promise<void> {
  const ids = [...new Set(householdIds)];
  if (ids.length === 0) return;
  const t = tables(src);
  // One getAll per household on each index, all issued at once: pipelined requests, where anyOf would walk a
  // cursor one key per round trip.
  const [households, people, visits, summaries, totals] = await Promise.all([
    t.households.bulkGet(ids),
    Promise.all(ids.map((id) => t.people.where('householdId').equals(id).toArray())),
    Promise.all(ids.map((id) => t.visits.where('householdId').equals(id).toArray())),
    t.summaries.bulkGet(ids),
    t.hamletTotals.bulkGet([...likelyHamlets]),
  ]);
  await applyRefresh(
    src,
    ids.map((id, i) => [
      id,
      { household: households[i], people: people[i] ?? [], visits: visits[i] ?? [], oldSummary: summaries[i] },
    ]),
    new Map(likelyHamlets.map((id, i) => [id, totals[i]])),
  );
}

async function applyRefresh(
  src: TableSource,
  states: ReadonlyArray<readonly [string, HouseholdState]>,
  knownTotals: Map<string, HamletTotalsRow | undefined>,
): Promise<void> {
  const t = tables(src);
  const deltas = new Map<string, HamletTotalsRow>();
  const delta = (hamletId: string) => {
    let d = deltas.get(hamletId);
    if (!d) deltas.set(hamletId, (d = { hamletId, ...emptyTotals() }));
    return d;
  };
  const textUpdates: LocalHousehold[] = [];
  const summaryPuts: SummaryRow[] = [];
  const summaryDeletes: string[] = [];

  for (const [householdId, { household, people, visits, oldSummary }] of states) {
    if (oldSummary) applySummary(delta(oldSummary.hamletId), oldSummary, -1);
    if (household) {
      // Kept on tombstones too, so the stored text always equals what rebuildAllProjections would write.
      const searchText = householdSearchText(household, people);
      if (searchText !== household.searchText) textUpdates.push({ ...household, searchText });
    }
    if (household && !household.deleted) {
      const living = people.filter((p) => !p.deleted).map((p) => p.id);
      const summary: SummaryRow = { householdId, hamletId: household.hamletId, ...summarizeHousehold(living, visits) };
      summaryPuts.push(summary);
      applySummary(delta(household.hamletId), summary, 1);
    } else if (oldSummary) {
      summaryDeletes.push(householdId);
    }
  }

  // Writes are issued together and awaited once: IndexedDB runs them in order within the transaction.
  const writes: Promise<unknown>[] = [];
  if (textUpdates.length) writes.push(t.households.bulkPut(textUpdates));
  if (summaryPuts.length) writes.push(t.summaries.bulkPut(summaryPuts));
  if (summaryDeletes.length) writes.push(t.summaries.bulkDelete(summaryDeletes));
  const changed = [...deltas.values()];
  if (changed.length) {
    const missing = changed.filter((d) => !knownTotals.has(d.hamletId)).map((d) => d.hamletId);
    const fetched = missing.length ? await t.hamletTotals.bulkGet(missing) : [];
    missing.forEach((id, i) => knownTotals.set(id, fetched[i]));
    const currents = changed.map((d) => knownTotals.get(d.hamletId));
    writes.push(
      t.hamletTotals.bulkPut(
        changed.map((d, i) => {
          const current = currents[i] ?? { hamletId: d.hamletId, ...emptyTotals() };
          addTotals(current, d);
          return current;
        }),
      ),
    );
  }
  await Promise.all(writes);
}

/** Visits that reached a household with nothing else of it changing: new events, none a correction. */
export interface AppendedVisits {
  householdId: string;
  visits: readonly LocalVisit[];
}

/**
 * Folds the first visits of never-visited households into their summaries and hamlet totals without reading any
 * other visit or the households' members: a pull bringing a commune's new visits (another phone's day of work) then
 * costs what arrived, not what the device holds. The stored summary of a household that has no visit holds all a
 * recomputation needs but one thing — which of the visits' people are its living members — and those people are
 * read by id. Exact or not done: a household without a summary, one visited before (a person's status then depends
 * on visits not at hand), one whose saved visit is still queued (`pendingProjections`) or a correction among the
 * visits is returned, for `refreshHouseholds`. The caller vouches that `visits` are ALL the household's visits
 * written since its summary was computed (apply-pulled.ts keeps them per pull).
 */
export async function foldFirstVisits(src: TableSource, appended: readonly AppendedVisits[]): Promise<string[]> {
  if (appended.length === 0) return [];
  const t = tables(src);
  const ids = appended.map((a) => a.householdId);
  const personIds = [...new Set(appended.flatMap((a) => a.visits.flatMap((v) => v.outcomes.map((o) => o.personId))))];
  const [summaries, queued, persons] = await Promise.all([
    readByKeys(t.summaries, ids, (s) => s.householdId),
    // The queue is almost always empty: its keys in one request, not a lookup per household.
    (src.table('pendingProjections') as Table<PendingProjectionRow, string>).toCollection().primaryKeys(),
    readByKeys(t.people, personIds, (p) => p.id),
  ]);
  const personById = new Map(persons.flatMap((p) => (p ? [[p.id, p] as const] : [])));
  const isQueued = new Set(queued);
  const deltas = new Map<string, HamletTotalsRow>();
  const summaryPuts: SummaryRow[] = [];
  const notFolded: string[] = [];
  appended.forEach(({ householdId, visits }, i) => {
    const old = summaries[i];
    if (!old || old.visited || isQueued.has(householdId) || visits.length === 0 || visits.some((v) => v.corrects !== null)) {
      notFolded.push(householdId);
      return;
    }
    // Outcomes of people who are not living members of the household count for nothing, as in summarizeHousehold.
    const living = [...new Set(visits.flatMap((v) => v.outcomes.map((o) => o.personId)))].filter((id) => {
      const p = personById.get(id);
      return p !== undefined && !p.deleted && p.householdId === householdId;
    });
    // `people` stays the stored count of living members: no member changed (the caller's promise).
    const summary: SummaryRow = { householdId, hamletId: old.hamletId, ...summarizeHousehold(living, visits), people: old.people };
    summaryPuts.push(summary);
    let d = deltas.get(old.hamletId);
    if (!d) deltas.set(old.hamletId, (d = { hamletId: old.hamletId, ...emptyTotals() }));
    applySummary(d, old, -1);
    applySummary(d, summary, 1);
  });
  if (summaryPuts.length === 0) return notFolded;
  const changed = [...deltas.values()];
  const currents = await t.hamletTotals.bulkGet(changed.map((d) => d.hamletId));
  await Promise.all([
    t.summaries.bulkPut(summaryPuts),
    t.hamletTotals.bulkPut(
      changed.map((d, i) => {
        const current = currents[i] ?? { hamletId: d.hamletId, ...emptyTotals() };
        addTotals(current, d);
        return current;
      }),
    ),
  ]);
  return notFolded;
}

/**
 * The rows of these keys, in order. A key costs a request of its own; a whole-table read costs a fraction of that per
 * row, so when the keys are a large share of the table (a commune's day of visits on a small device) the table is read.
 */
async function readByKeys<T>(table: Table<T, string>, keys: readonly string[], keyOf: (row: T) => string): Promise<(T | undefined)[]> {
  if (keys.length * 3 < (await table.count())) return table.bulkGet([...keys]);
  const byKey = new Map((await table.toArray()).map((row) => [keyOf(row), row] as const));
  return keys.map((k) => byKey.get(k));
}

function addTotals(into: HamletTotalsRow, d: HamletTotalsRow): void {
  into.households += d.households;
  into.visited += d.visited;
  into.atTarget += d.atTarget;
  into.people += d.people;
  for (const k of Object.keys(into.proficient) as (keyof typeof into.proficient)[]) {
    into.proficient[k] += d.proficient[k];
    into.guided[k] += d.guided[k];
  }
}

/** An IndexedDB request as a promise, resolved inside its success event (its transaction still active). */
function answer<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * The Table methods the projections use, over a plain IndexedDB transaction: for the settling transaction of a
 * saved visit, which is issued without Dexie (see visits.ts). Every request goes out at once; a promise resolves
 * inside its request's success event, so the code awaiting it may issue more in the same transaction.
 */
export function idbTableSource(tx: IDBTransaction): TableSource {
  const table = (name: string) => {
    const store = tx.objectStore(name);
    const all = <T>(requests: IDBRequest<T>[]) => Promise.all(requests.map((r) => answer(r)));
    return {
      bulkGet: (keys: IDBValidKey[]) => all(keys.map((k) => store.get(k))),
      bulkPut: (rows: unknown[]) => all(rows.map((r) => store.put(r))),
      bulkDelete: (keys: IDBValidKey[]) => all(keys.map((k) => store.delete(k))),
      where: (index: string) => ({ equals: (value: IDBValidKey) => ({ toArray: () => answer(store.index(index).getAll(value)) }) }),
      toCollection: () => ({ primaryKeys: () => answer(store.getAllKeys()) }),
    };
  };
  // Only the methods above are called on these tables (refreshHouseholds, applyRefresh, settlePendingProjections).
  return { table: (name) => table(name) as unknown as Table };
}

/** The stores `settlePendingProjections` works on. */
export const SETTLE_TABLES = ['pendingProjections', 'households', 'people', 'visits', 'summaries', 'hamletTotals'] as const;

/**
 * Refreshes every queued household (see the module comment) and empties the queue. Call inside a rw transaction
 * over SETTLE_TABLES. Settling twice, or after another write refreshed the household, changes nothing: a refresh
 * recomputes from the records and moves the totals by the difference from the stored summary.
 * Its first request is the only one issued while it waits behind the save that created it.
 */
export async function settlePendingProjections(src: TableSource, likelyHamlets: readonly string[] = []): Promise<void> {
  const pending = src.table('pendingProjections') as Table<PendingProjectionRow, string>;
  const ids = await pending.toCollection().primaryKeys();
  if (ids.length === 0) return;
  await Promise.all([refreshHouseholds(src, ids, likelyHamlets), pending.bulkDelete(ids)]);
}

/**
 * `db.on('ready')`: settles what a save interrupted between its two transactions left queued. The queue is almost
 * always empty, so opening costs one small read, not a write transaction.
 */
export function settleOnOpen(db: Dexie): Promise<void> {
  // Dexie's own promise chain: it keeps the opening's privileged context, which a native await would lose.
  return db
    .table('pendingProjections')
    .count()
    .then((queued) => (queued === 0 ? undefined : db.transaction('rw', [...SETTLE_TABLES], async () => settlePendingProjections(db))))
    .catch((error: unknown) => {
      // A cache must never keep the device's records from opening: the queue stays for the next save to settle.
      console.error('pendingProjections: not settled', error);
    });
}

/**
 * Rebuilds every projection from the records: used by the v2 upgrade, by backup import, and by a pull that touched
 * most of the device's households. Whole-table reads; then only what differs is written (a put per row costs far more
 * than reading it: a pull of visits changes no search text, and leaves the summaries of unvisited households as they
 * were), and rows that should not exist are deleted.
 */
export async function rebuildAllProjections(
  src: TableSource | Transaction,
  fromMemory?: ReadonlyMap<string, readonly VisitEvent[]>,
): Promise<void> {
  const t = tables(src);
  const [households, people, visits, oldSummaries, oldTotals] = await Promise.all([
    t.households.toArray(),
    t.people.toArray(),
    // Not read when the caller holds every visit (`fromMemory`, see SlimVisit): the largest table by far.
    fromMemory ? [] : t.visits.toArray(),
    t.summaries.toArray(),
    t.hamletTotals.toArray(),
  ]);
  const peopleBy = groupBy(people, (p) => p.householdId);
  const visitsBy: ReadonlyMap<string, readonly VisitEvent[]> = fromMemory ?? groupBy(visits, (v) => v.householdId);
  const totals = new Map<string, HamletTotalsRow>();
  const summaries = new Map<string, SummaryRow>();
  const updated: LocalHousehold[] = [];
  for (const h of households) {
    const members = peopleBy.get(h.id) ?? [];
    const searchText = householdSearchText(h, members);
    if (searchText !== h.searchText) updated.push({ ...h, searchText });
    if (h.deleted) continue;
    const summary: SummaryRow = {
      householdId: h.id,
      hamletId: h.hamletId,
      ...summarizeHousehold(
        members.filter((p) => !p.deleted).map((p) => p.id),
        visitsBy.get(h.id) ?? [],
      ),
    };
    summaries.set(h.id, summary);
    let total = totals.get(h.hamletId);
    if (!total) totals.set(h.hamletId, (total = { hamletId: h.hamletId, ...emptyTotals() }));
    applySummary(total, summary, 1);
  }
  const writes: Promise<unknown>[] = [];
  const changed = <T>(rows: Map<string, T>, old: readonly T[], key: (row: T) => string) => {
    const before = new Map(old.map((row) => [key(row), row]));
    return {
      puts: [...rows.values()].filter((row) => !sameJson(before.get(key(row)), row)),
      deletes: [...before.keys()].filter((k) => !rows.has(k)),
    };
  };
  if (updated.length) writes.push(t.households.bulkPut(updated));
  const s = changed(summaries, oldSummaries, (row) => row.householdId);
  if (s.deletes.length) writes.push(t.summaries.bulkDelete(s.deletes));
  if (s.puts.length) writes.push(t.summaries.bulkPut(s.puts));
  const h = changed(totals, oldTotals, (row) => row.hamletId);
  if (h.deletes.length) writes.push(t.hamletTotals.bulkDelete(h.deletes));
  if (h.puts.length) writes.push(t.hamletTotals.bulkPut(h.puts));
  await Promise.all(writes);
}

/**
 * What `summarizeHousehold` reads of a visit, without its notes and sub-skills: a pull onto a device that held no visit
 * (a new or wiped phone) keeps these per household as its pages go by, and its final rebuild summarizes from them
 * instead of reading every visit it has just written (projections are the same function of the same events).
 */
export type SlimVisit = Pick<LocalVisit, 'id' | 'visitedAt' | 'recordedAt' | 'corrects' | 'followUpOn' | 'notes' | 'authorId'> & {
  outcomes: LocalVisit['outcomes'];
};

export function slimVisit(v: LocalVisit): SlimVisit {
  return {
    id: v.id, visitedAt: v.visitedAt, recordedAt: v.recordedAt, corrects: v.corrects, followUpOn: v.followUpOn, notes: '',
    authorId: '', outcomes: v.outcomes.map((o) => ({ personId: o.personId, skill: o.skill, outcome: o.outcome, subSkills: [] })),
  };
}

/** Whether a stored row equals a computed one (both plain JSON data, properties written in the same order). */
function sameJson(stored: unknown, computed: unknown): boolean {
  return stored !== undefined && JSON.stringify(stored) === JSON.stringify(computed);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
