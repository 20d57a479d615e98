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
 */
import { uuidv7 } from '../../shared/ids.ts';
import { visitSchema, type OutcomeEntry } from '../../shared/records.ts';
import { effectiveVisits, type EffectiveVisit } from '../../shared/progress.ts';
import { getDb, type LocalHousehold, type LocalVisit, type TungNhaDb } from './database.ts';
import { enqueueNew } from './outbox.ts';
import { SETTLE_TABLES, settlePendingProjections } from './projections.ts';
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

const SAVE_TABLES = ['households', 'people', 'visits', 'outbox', 'pendingProjections'] as const;

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
    receipt: null,
  };
}

/** The household and its people's ids (keys only: nothing to deserialise); no people to read for a visit of none. */
function readHousehold(db: TungNhaDb, draft: VisitDraft) {
  return [
    db.households.get(draft.householdId),
    draft.outcomes.length === 0 ? [] : db.people.where('householdId').equals(draft.householdId).primaryKeys(),
  ] as const;
}

function writeRecords(db: TungNhaDb, visit: LocalVisit): Promise<unknown>[] {
  return [
    db.visits.add(visit),
    enqueueNew('visit', visit.id),
    db.pendingProjections.put({ householdId: visit.householdId }),
  ];
}

/** The reads and the writes in one batch; the writes are kept only if the reads confirm what they assumed. */
function saveWithKnownArea(db: TungNhaDb, visit: LocalVisit, draft: VisitDraft): Promise<LocalVisit> {
  return Promise.all([...readHousehold(db, draft), ...writeRecords(db, visit)]).then(
    ([household, memberIds]) => {
      const h = checkHousehold(household, memberIds, draft);
      if (h.hamletId !== visit.hamletId || h.provinceCode !== visit.provinceCode || h.communeCode !== visit.communeCode) {
        throw new AreaMismatch();
      }
      return visit;
    },
  );
}

/** The reads first, then the writes: the visit's area comes from the stored household. */
async function saveAfterReading(
  db: TungNhaDb,
  draft: VisitDraft,
  authorId: string,
  corrects: string | null,
): Promise<LocalVisit> {
  const [household, memberIds] = await Promise.all(readHousehold(db, draft));
  const visit = buildVisit(draft, authorId, corrects, checkHousehold(household, memberIds, draft));
  await Promise.all(writeRecords(db, visit));
  return visit;
}

function saveOnce(draft: VisitDraft, authorId: string, corrects: string | null, area: Area | undefined) {
  const db = getDb();
  // An async scope for the read-then-write save: Dexie keeps its transaction across the await only for those.
  const saved = area
    ? db.transaction('rw', [...SAVE_TABLES], () => saveWithKnownArea(db, buildVisit(draft, authorId, corrects, area), draft))
    : db.transaction('rw', [...SAVE_TABLES], async () => saveAfterReading(db, draft, authorId, corrects));
  // Created now, before the save can commit: it runs right after it, and every transaction created later that
  // reads the projections runs after this one. It settles whatever is queued, so a save that failed costs nothing.
  const hamlet = area?.hamletId ?? draft.hamletId;
  const settled = db.transaction('rw', [...SETTLE_TABLES], async () =>
    settlePendingProjections(db, hamlet === undefined ? [] : [hamlet]),
  );
  settling = Promise.allSettled([saved, settled]).then(([save, settle]) => {
    // The visit is safe either way; its household stays queued for the next save or the next opening.
    if (save.status === 'fulfilled' && settle.status === 'rejected') console.error('visits: projections not settled', settle.reason);
  });
  return saved.then((visit) => {
    hamletAreas.set(visit.hamletId, { hamletId: visit.hamletId, provinceCode: visit.provinceCode, communeCode: visit.communeCode });
    return visit;
  });
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
