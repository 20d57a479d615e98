/**
 * Derived, local-only data kept beside the records: each household's folded search text, each household's progress
 * summary, and each hamlet's running totals. Updated inside the same transaction as the write that changes them,
 * by delta (old summary out, new summary in), so no screen ever rescans a hamlet to show its numbers.
 * Everything here can be rebuilt from the records (`rebuildAllProjections`), which the schema upgrade does.
 */
import type { Table, Transaction } from 'dexie';
import { buildSearchText } from '../../shared/text-fold.ts';
import { applySummary, emptyTotals, summarizeHousehold } from '../../shared/progress.ts';
import type {
  HamletTotalsRow,
  LocalHousehold,
  LocalPerson,
  LocalVisit,
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

/** What a caller already read in its transaction, so the refresh does not read it again. */
export interface KnownHouseholdState {
  household: LocalHousehold | undefined;
  people: LocalPerson[];
  visits: LocalVisit[];
  oldSummary: SummaryRow | undefined;
  /** The totals row of a hamlet, read together with the rest (null: read, and there is none yet). */
  hamletTotals?: { hamletId: string; row: HamletTotalsRow | null };
}

/** Reads everything a refresh needs, in parallel (one round trip). */
export function readHouseholdState(src: TableSource, householdId: string): Promise<KnownHouseholdState> {
  const t = tables(src);
  return Promise.all([
    t.households.get(householdId),
    t.people.where('householdId').equals(householdId).toArray(),
    t.visits.where('householdId').equals(householdId).toArray(),
    t.summaries.get(householdId),
  ]).then(([household, people, visits, oldSummary]) => ({ household, people, visits, oldSummary }));
}

/**
 * Recomputes one household's search text, summary and its hamlet's totals. Call inside a rw transaction over
 * households, people, visits, summaries and hamletTotals, after writing the household's records — or pass `known`,
 * the state as it is after the write, to skip reading it again (saving a visit does: IndexedDB round trips, not
 * computation, are what a save costs on a phone).
 */
export async function refreshHousehold(
  src: TableSource,
  householdId: string,
  known?: KnownHouseholdState,
): Promise<void> {
  await applyRefresh(src, [[householdId, known ?? (await readHouseholdState(src, householdId))]]);
}

/**
 * The same for many households at once — a pulled page touches hundreds: one read round trip for all of them
 * (bulkGet / anyOf), one for the hamlet totals, and the writes together.
 */
export async function refreshHouseholds(src: TableSource, householdIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(householdIds)];
  if (ids.length === 0) return;
  const t = tables(src);
  // One getAll per household on each index, all issued at once: pipelined requests, where anyOf would walk a
  // cursor one key per round trip.
  const [households, people, visits, summaries] = await Promise.all([
    t.households.bulkGet(ids),
    Promise.all(ids.map((id) => t.people.where('householdId').equals(id).toArray())),
    Promise.all(ids.map((id) => t.visits.where('householdId').equals(id).toArray())),
    t.summaries.bulkGet(ids),
  ]);
  await applyRefresh(
    src,
    ids.map((id, i) => [
      id,
      { household: households[i], people: people[i] ?? [], visits: visits[i] ?? [], oldSummary: summaries[i] },
    ]),
  );
}

async function applyRefresh(
  src: TableSource,
  states: ReadonlyArray<readonly [string, KnownHouseholdState]>,
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
    // Totals read in advance (saving a visit reads them with the household) spare a dependent round trip.
    const known = new Map<string, HamletTotalsRow | null>();
    for (const [, state] of states) if (state.hamletTotals) known.set(state.hamletTotals.hamletId, state.hamletTotals.row);
    const missing = changed.filter((d) => !known.has(d.hamletId)).map((d) => d.hamletId);
    const fetched = missing.length ? await t.hamletTotals.bulkGet(missing) : [];
    missing.forEach((id, i) => known.set(id, fetched[i] ?? null));
    const currents = changed.map((d) => known.get(d.hamletId) ?? undefined);
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

/** Rebuilds every projection from the records: used by the v2 upgrade and by backup import. */
export async function rebuildAllProjections(src: TableSource | Transaction): Promise<void> {
  const t = tables(src);
  await t.summaries.clear();
  await t.hamletTotals.clear();
  const [households, people, visits] = await Promise.all([
    t.households.toArray(),
    t.people.toArray(),
    t.visits.toArray(),
  ]);
  const peopleBy = groupBy(people, (p) => p.householdId);
  const visitsBy = groupBy(visits, (v) => v.householdId);
  const totals = new Map<string, HamletTotalsRow>();
  const summaries: SummaryRow[] = [];
  const updated: LocalHousehold[] = [];
  for (const h of households) {
    const members = peopleBy.get(h.id) ?? [];
    updated.push({ ...h, searchText: householdSearchText(h, members) });
    if (h.deleted) continue;
    const summary: SummaryRow = {
      householdId: h.id,
      hamletId: h.hamletId,
      ...summarizeHousehold(
        members.filter((p) => !p.deleted).map((p) => p.id),
        visitsBy.get(h.id) ?? [],
      ),
    };
    summaries.push(summary);
    let total = totals.get(h.hamletId);
    if (!total) totals.set(h.hamletId, (total = { hamletId: h.hamletId, ...emptyTotals() }));
    applySummary(total, summary, 1);
  }
  await t.households.bulkPut(updated);
  await t.summaries.bulkPut(summaries);
  await t.hamletTotals.bulkPut([...totals.values()]);
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
