/**
 * Applies one pulled page and stores its cursor in ONE transaction: after a crash, a closed tab or a malformed
 * change, the device holds either the whole page and the new cursor or neither, so the next pull starts from the
 * right place and nothing is half-applied.
 *
 * - A record with a pending local change (an outbox entry) is not overwritten: the push meets the difference on the
 *   server, which records a conflict for a person to resolve. The pulled copy refreshes the server side of a stored
 *   conflict, so "use the server's version" picks the newest one.
 * - Otherwise the record is stored as the server sent it (tombstones included: `deleted: true` is kept, screens
 *   hide it), keeping local-only fields; the page's visits get their receipts (the server sequence numbers) as one
 *   row (receipts.ts).
 * - Every household touched gets its search text, progress summary and hamlet totals refreshed in the same
 *   transaction — or, when more pages of the same pull follow at once, in the transaction of the pull's last page
 *   (the households waiting are stored with each page, so an interrupted pull loses none of them).
 */
import { visitSchema, type Visit } from '../../shared/records.ts';
import { pulledChangeSchema, type PulledChange } from '../../shared/sync.ts';
import { getDb, type LocalHamlet, type LocalHousehold, type LocalPerson, type LocalSelfCheck, type LocalVisit } from './database.ts';
import { outboxKey } from './outbox.ts';
import { foldFirstVisits, rebuildAllProjections, refreshHouseholds, slimVisit, type SlimVisit } from './projections.ts';
import { getMeta, setMeta } from './meta.ts';
import { ownAuthorIds, setSyncCursor } from './sync-state.ts';
import { putPulledSelfChecks } from './self-checks.ts';
import { addReceipts, readReceipts } from './receipts.ts';
import { readVisitsById } from './visits-by-id.ts';

/** A pulled change the shared contract does not accept: the page is refused as a whole. */
export class PulledChangeError extends Error {
  constructor(readonly index: number) {
    super(`pulled change ${index} does not match the sync contract`);
    this.name = 'PulledChangeError';
  }
}

const TABLES = [
  'hamlets', 'households', 'people', 'visits', 'receipts', 'summaries', 'hamletTotals', 'outbox', 'meta', 'conflicts',
  'selfChecks', 'pendingProjections',
] as const;

/**
 * Checks a pulled page against the contract; a bad change refuses the whole page. Done before the page's transaction
 * (the engine parses the next page while the previous one is being written).
 */
export function parsePulledChanges(changes: readonly unknown[]): PulledChange[] {
  const parsed: PulledChange[] = [];
  for (const [index, raw] of changes.entries()) {
    const result = pulledChangeSchema.safeParse(raw);
    if (!result.success) throw new PulledChangeError(index);
    parsed.push(result.data);
  }
  return parsed;
}

export interface PageOptions {
  /**
   * More pages of this pull follow at once: the households the page touched are remembered (in the same transaction)
   * and refreshed with the pull's last page, once, instead of page after page. A household's summary is computed from
   * all its visits, so a device pulling a commune's history would otherwise recompute the same households on every
   * page.
   */
  moreFollow?: boolean;
  /**
   * The same object for every page of one pull (`newPullSession`): what the pull appended to each household, so the
   * last page can fold first visits into summaries (projections.ts `foldFirstVisits`) instead of recomputing.
   */
  session?: PullSession;
}

/** A fresh pull keeps up to this many slim visits in memory (a few tens of MB); beyond, its rebuild reads them. */
const FRESH_KEEP = 200_000;

/** Pulled visits above this many are not kept for folding (memory): their households are refreshed. */
const FOLD_KEEP = 20_000;

/**
 * Per household touched by one pull: the visits it appended (new events, no correction), or null when anything else
 * of the household arrived (the household itself, a member, a correction, a changed copy of a visit) or when it was
 * already waiting for a refresh from an earlier, interrupted pull — such households are refreshed, never folded.
 */
export interface PullSession {
  appended: Map<string, LocalVisit[] | null>;
  kept: number;
  /**
   * Decided on the pull's first page: the device held no visit then (a new or wiped phone), so every visit it holds at
   * the end came in this pull — each is kept slim in memory (projections.ts `SlimVisit`) and the final rebuild does
   * not read them again. Null when the device held visits, once a changed copy of a visit arrived, or past FRESH_KEEP.
   */
  fresh?: { ids: Set<string>; visits: Map<string, SlimVisit[]> } | null;
}

export function newPullSession(): PullSession {
  return { appended: new Map(), kept: 0 };
}

/** Households whose projections wait for the last page of a pull (see `PageOptions.moreFollow`). */
const REFRESH_PENDING = 'pullRefreshPending';

/** Checks and applies one page with its cursor; see `applyParsedPage`. */
export async function applyPulledPage(changes: readonly unknown[], cursor: number): Promise<number> {
  return applyParsedPage(parsePulledChanges(changes), cursor);
}

/**
 * Returns how many changes the device now holds as the server sent them (the rest waited behind local edits).
 * A page costs a handful of round trips whatever its size: one lookup of pending edits, one read of the records it
 * replaces, bulk writes per table, and one bulk refresh of the households it touched.
 * A visit this device pushed comes back in the next pull. When the device holds that receipt for it, nothing is read
 * or written: a receipt is only ever stored with the content the server keeps under that sequence number (a push
 * answered applied or duplicate, a pulled copy, a conflict decision), and visits never change. Otherwise, when the
 * device holds the same content, only the receipt is added; in neither case is its household refreshed.
 */
export async function applyParsedPage(
  parsed: readonly PulledChange[],
  cursor: number,
  options: PageOptions = {},
): Promise<number> {
  const db = getDb();
  const session = options.session ?? newPullSession();
  return db.transaction('rw', [...TABLES], async () => {
    // Self-checks are written by the server only: never in the outbox.
    const keys = parsed.map((c) => (c.entity === 'self-check' ? '' : outboxKey(c.entity, c.record.id)));
    // Every key of the outbox in one getAllKeys on its index (the outbox is short after a push), not an anyOf walk.
    const [outboxKeys, ownIds, visitsHeld] = await Promise.all([
      db.outbox.orderBy('key').keys(),
      ownAuthorIds(),
      session.fresh === undefined ? db.visits.count() : -1,
    ]);
    if (session.fresh === undefined) session.fresh = visitsHeld === 0 ? { ids: new Set(), visits: new Map() } : null;
    const pending = new Set(outboxKeys);
    const incoming = parsed.filter((_, i) => !pending.has(keys[i] as string));

    const householdIds = incoming.filter((c) => c.entity === 'household').map((c) => c.record.id);
    const personIds = incoming.filter((c) => c.entity === 'person').map((c) => c.record.id);
    // Only visits written on this device (or by its account) can already be here: a pulled visit of someone else is
    // new to the device, and is not looked up.
    const own = new Set(ownIds);
    const ownVisits = incoming.flatMap((c) => (c.entity === 'visit' && own.has(c.record.authorId) ? [c] : []));
    const [oldHouseholds, oldPeople, heldReceipts] = await Promise.all([
      db.households.bulkGet(householdIds),
      db.people.bulkGet(personIds),
      readReceipts(db.receipts, ownVisits.map((c) => c.record.id), { closeInTime: true }),
    ]);
    // Only the own visits whose receipt the device lacks are read (usually none: a pull after a push brings back
    // exactly the visits whose answers were stored).
    const unconfirmed = ownVisits.filter((c) => heldReceipts.get(c.record.id) !== c.seq).map((c) => c.record.id);
    const heldVisits = await readVisitsById(unconfirmed);
    const searchTextOf = new Map(oldHouseholds.flatMap((h) => (h ? [[h.id, h.searchText] as const] : [])));
    const householdOfPerson = new Map(oldPeople.flatMap((p) => (p ? [[p.id, p.householdId] as const] : [])));
    const held = new Map(heldVisits.flatMap((v) => (v ? [[v.id, v] as const] : [])));

    const affected = new Set<string>();
    // What this page did to each household (see PullSession): visits appended, or null for anything else.
    const touched = new Map<string, LocalVisit[] | null>();
    const block = (id: string) => touched.set(id, null);
    const hamlets: LocalHamlet[] = [];
    const households: LocalHousehold[] = [];
    const people: LocalPerson[] = [];
    const visits: LocalVisit[] = [];
    const receipts = new Map<string, number>();
    const selfChecks: LocalSelfCheck[] = [];
    for (const change of incoming) {
      switch (change.entity) {
        case 'hamlet':
          hamlets.push(change.record);
          break;
        case 'household':
          households.push({ ...change.record, searchText: searchTextOf.get(change.record.id) ?? '' });
          affected.add(change.record.id);
          block(change.record.id);
          break;
        case 'person': {
          const before = householdOfPerson.get(change.record.id);
          if (before !== undefined && before !== change.record.householdId) {
            affected.add(before);
            block(before);
          }
          people.push(change.record);
          affected.add(change.record.householdId);
          block(change.record.householdId);
          break;
        }
        case 'visit': {
          const { id } = change.record;
          if (heldReceipts.get(id) === change.seq) break;
          receipts.set(id, change.seq);
          const stored = held.get(id);
          if (stored !== undefined && sameVisit(stored, change.record)) break;
          visits.push(change.record);
          affected.add(change.record.householdId);
          const list = touched.get(change.record.householdId);
          if (session.fresh) {
            if (stored !== undefined || session.fresh.ids.size >= FRESH_KEEP) session.fresh = null;
            else {
              session.fresh.ids.add(id);
              const slim = session.fresh.visits.get(change.record.householdId);
              if (slim) slim.push(slimVisit(change.record));
              else session.fresh.visits.set(change.record.householdId, [slimVisit(change.record)]);
            }
          }
          if (stored !== undefined || change.record.corrects !== null) block(change.record.householdId);
          else if (list === undefined) touched.set(change.record.householdId, [change.record]);
          else list?.push(change.record);
          break;
        }
        case 'self-check':
          selfChecks.push(change.record);
          break;
      }
    }
    await Promise.all([
      hamlets.length ? db.hamlets.bulkPut(hamlets) : undefined,
      households.length ? db.households.bulkPut(households) : undefined,
      people.length ? db.people.bulkPut(people) : undefined,
      visits.length ? db.visits.bulkPut(visits) : undefined,
      addReceipts(db.receipts, receipts),
      putPulledSelfChecks(selfChecks),
    ]);

    // A pulled copy of a record with unsent local edits refreshes the server side of its stored conflict.
    for (const change of parsed) {
      if (change.entity !== 'visit' && change.entity !== 'self-check' && pending.has(outboxKey(change.entity, change.record.id))) {
        await refreshConflictServerSide(change.record.id, change.record);
      }
    }
    const waiting = (await getMeta<string[]>(REFRESH_PENDING)) ?? [];
    const waitingSet = new Set(waiting);
    for (const [id, list] of touched) {
      const sofar = session.appended.get(id);
      // A household waiting before this pull touched it has visits written that the session never saw.
      const unseen = sofar === undefined && waitingSet.has(id);
      if (list === null || sofar === null || unseen || session.kept + list.length > FOLD_KEEP) {
        session.appended.set(id, null);
      } else {
        session.appended.set(id, sofar === undefined ? list : [...sofar, ...list]);
        session.kept += list.length;
      }
    }
    if (options.moreFollow === true) {
      // Remembered with the page, so an interrupted pull still refreshes them with its next page.
      if (affected.size > 0) await setMeta(REFRESH_PENDING, [...new Set([...waiting, ...affected])]);
    } else {
      const all = [...new Set([...waiting, ...affected])];
      const appended = all.flatMap((id) => {
        const list = session.appended.get(id);
        return list ? [{ householdId: id, visits: list }] : [];
      });
      const fresh = session.fresh;
      if (fresh && (await rebuildWanted(all)) && (await allVisitsInMemory(fresh.ids, pending))) {
        await rebuildAllProjections(db, fresh.visits);
      } else {
        const folded = new Set(appended.map((a) => a.householdId));
        const unfolded = await foldFirstVisits(db, appended);
        await refreshProjections([...all.filter((id) => !folded.has(id)), ...unfolded]);
      }
      if (waiting.length > 0) await db.meta.delete(REFRESH_PENDING);
    }
    await setSyncCursor(cursor);
    return incoming.length;
  });
}

/** Refreshes the households left waiting by a pull that stopped before its last page (a failed request). */
export async function refreshWaitingHouseholds(): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [...TABLES], async () => {
    const waiting = await getMeta<string[]>(REFRESH_PENDING);
    if (!waiting?.length) return;
    await refreshProjections(waiting);
    await db.meta.delete(REFRESH_PENDING);
  });
}

/** A pull that touched at least this many households, and half of the device's, rebuilds every projection. */
const REBUILD_AT = 500;

/**
 * Refreshes these households' projections. When a pull touched most of the device's households (a first pull, a
 * commune's history), rebuilding everything from whole-table reads is cheaper than two index reads per household.
 */
async function refreshProjections(householdIds: readonly string[]): Promise<void> {
  const db = getDb();
  if (await rebuildWanted(householdIds)) {
    await rebuildAllProjections(db);
  } else {
    await refreshHouseholds(db, householdIds);
  }
}

async function rebuildWanted(householdIds: readonly string[]): Promise<boolean> {
  return householdIds.length >= REBUILD_AT && householdIds.length * 2 >= (await getDb().households.count());
}

/**
 * Whether the device's visits are exactly those a fresh pull wrote (and folded): none saved here meanwhile (the
 * outbox holds no visit) and as many stored as the pull brought — a visit that came another way fails the count.
 */
async function allVisitsInMemory(ids: ReadonlySet<string>, outboxKeys: ReadonlySet<unknown>): Promise<boolean> {
  for (const key of outboxKeys) if (typeof key === 'string' && key.startsWith('visit:')) return false;
  return (await getDb().visits.count()) === ids.size;
}

/** Whether the stored visit has exactly the pulled content. */
function sameVisit(stored: LocalVisit, pulled: Visit): boolean {
  for (const k of Object.keys(visitSchema.shape) as (keyof Visit)[]) {
    const a = stored[k];
    const b = pulled[k];
    if (a !== b && !(typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))) return false;
  }
  return true;
}

async function refreshConflictServerSide(recordId: string, record: { version: number }): Promise<void> {
  const db = getDb();
  const open = await db.conflicts.where('recordId').equals(recordId).toArray();
  for (const c of open) {
    if (record.version > c.serverVersion) {
      await db.conflicts.update(c.id, { serverRecord: { ...record }, serverVersion: record.version });
    }
  }
}
