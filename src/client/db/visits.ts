/**
 * Coaching visits: append-only events. Logging a visit writes the event, its outbox entry and the household's
 * refreshed progress in one transaction. A correction is a new event pointing at the original (`corrects`);
 * nothing already logged is ever edited, so a visit sent from one phone can never be changed under another.
 */
import { uuidv7 } from '../../shared/ids.ts';
import { visitSchema, type OutcomeEntry } from '../../shared/records.ts';
import { effectiveVisits, type EffectiveVisit } from '../../shared/progress.ts';
import { getDb, type LocalVisit } from './database.ts';
import { enqueueNew } from './outbox.ts';
import { readHouseholdState, refreshHousehold } from './projections.ts';
import { parseOrThrow, ValidationError } from './validation.ts';

export interface VisitDraft {
  householdId: string;
  /**
   * The household's hamlet, when the caller knows it (the visit form does): its totals are then read together with
   * the household, and a save costs two IndexedDB round trips instead of three. Checked against the stored household.
   */
  hamletId?: string;
  /** ISO date-time of the visit; defaults to now. */
  visitedAt?: string;
  outcomes: OutcomeEntry[];
  notes: string;
  followUpOn: string | null;
}

const TABLES = ['households', 'people', 'visits', 'summaries', 'hamletTotals', 'outbox'] as const;

async function writeVisit(draft: VisitDraft, authorId: string, corrects: string | null): Promise<LocalVisit> {
  if (draft.outcomes.length === 0 && draft.notes.trim() === '' && corrects === null) {
    throw new ValidationError({ outcomes: 'visitEmpty' });
  }
  const db = getDb();
  return db.transaction('rw', [...TABLES], async () => {
    // Round trips: read the household's state (with its hamlet's totals when the caller named the hamlet); write the
    // event, its outbox entry and the projections together. Without the hint, the totals cost one more.
    const [state, totalsRow] = await Promise.all([
      readHouseholdState(db, draft.householdId),
      draft.hamletId === undefined ? undefined : db.hamletTotals.get(draft.hamletId),
    ]);
    const household = state.household;
    if (!household || household.deleted) throw new ValidationError({ _: 'notFound' });
    const memberIds = new Set(state.people.map((p) => p.id));
    if (draft.outcomes.some((o) => !memberIds.has(o.personId))) throw new ValidationError({ outcomes: 'invalid' });
    const now = new Date().toISOString();
    const visit: LocalVisit = {
      ...parseOrThrow(visitSchema, {
        id: uuidv7(),
        householdId: household.id,
        hamletId: household.hamletId,
        provinceCode: household.provinceCode,
        communeCode: household.communeCode,
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
    const written = Promise.all([db.visits.add(visit), enqueueNew('visit', visit.id)]);
    try {
      const hamletTotals =
        draft.hamletId !== undefined && draft.hamletId === household.hamletId
          ? { hamletId: draft.hamletId, row: totalsRow ?? null }
          : undefined;
      await refreshHousehold(db, household.id, { ...state, visits: [...state.visits, visit], hamletTotals });
    } finally {
      // If the event itself failed, that is the error to report (and the transaction is already aborted).
      await written;
    }
    return visit;
  });
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
