/**
 * Progress is derived from visit events, never stored as a field two devices could fight over.
 *
 * - A correction replaces the whole content of the visit it corrects; the latest-recorded correction wins.
 * - A person's status in a skill is the outcome of the latest effective visit (by visitedAt) that observed it.
 * - A household is at target when at least one living member is observed proficient in all five skills.
 * - A household's follow-up date is the one set by its latest effective visit.
 *
 * The client caches `summarizeHousehold` per household and sums the caches into hamlet totals; both are
 * projections that can be rebuilt from the events at any time.
 */
import { SKILL_CODES, type SkillCode } from './skills.ts';
import type { Outcome, Visit } from './records.ts';

export type VisitEvent = Pick<
  Visit,
  'id' | 'visitedAt' | 'recordedAt' | 'corrects' | 'outcomes' | 'followUpOn' | 'notes' | 'authorId'
>;

export interface EffectiveVisit<V extends VisitEvent = VisitEvent> {
  /** The original visit's id: stable across corrections. */
  rootId: string;
  /** The event whose content is in force (the original or its latest correction). */
  current: V;
  corrections: number;
}

/** Times may carry any offset ("…+07:00" or "…Z"), so they are compared as instants, not as text. */
const instant = (iso: string): number => Date.parse(iso);

function later(a: VisitEvent, b: VisitEvent): boolean {
  // A correction is made after its original was seen, whatever the two devices' clocks said.
  if ((a.corrects === null) !== (b.corrects === null)) return a.corrects !== null;
  const d = instant(a.recordedAt) - instant(b.recordedAt);
  return d > 0 || (d === 0 && a.id > b.id);
}

/** Collapses corrections onto their original visit; newest visit first. */
export function effectiveVisits<V extends VisitEvent>(events: readonly V[]): EffectiveVisit<V>[] {
  const byRoot = new Map<string, EffectiveVisit<V>>();
  for (const e of events) {
    const rootId = e.corrects ?? e.id;
    const seen = byRoot.get(rootId);
    if (!seen) {
      byRoot.set(rootId, { rootId, current: e, corrections: e.corrects ? 1 : 0 });
    } else {
      if (e.corrects) seen.corrections += 1;
      if (later(e, seen.current)) seen.current = e;
    }
  }
  return [...byRoot.values()].sort(
    (a, b) =>
      instant(b.current.visitedAt) - instant(a.current.visitedAt) || b.rootId.localeCompare(a.rootId),
  );
}

export interface SkillStatus {
  outcome: Outcome;
  visitedAt: string;
  visitId: string;
}

export type PersonProgress = Partial<Record<SkillCode, SkillStatus>>;

/** personId → skill → latest observed outcome. */
export function progressByPerson(events: readonly VisitEvent[]): Map<string, PersonProgress> {
  const result = new Map<string, PersonProgress>();
  // Oldest first, so later visits overwrite earlier ones.
  const visits = effectiveVisits(events).reverse();
  for (const v of visits) {
    for (const o of v.current.outcomes) {
      let p = result.get(o.personId);
      if (!p) result.set(o.personId, (p = {}));
      p[o.skill] = { outcome: o.outcome, visitedAt: v.current.visitedAt, visitId: v.rootId };
    }
  }
  return result;
}

export function isProficientInAll(p: PersonProgress | undefined): boolean {
  return !!p && SKILL_CODES.every((s) => p[s]?.outcome === 'proficient');
}

export type SkillCounts = Record<SkillCode, number>;

export function zeroSkillCounts(): SkillCounts {
  return Object.fromEntries(SKILL_CODES.map((s) => [s, 0])) as SkillCounts;
}

export interface HouseholdSummary {
  people: number;
  visited: boolean;
  atTarget: boolean;
  lastVisitedAt: string | null;
  followUpOn: string | null;
  proficient: SkillCounts;
  guided: SkillCounts;
}

/** The household's derived state, from its living members' ids and all its visit events. */
export function summarizeHousehold(
  personIds: readonly string[],
  events: readonly VisitEvent[],
): HouseholdSummary {
  const visits = effectiveVisits(events);
  const progress = progressByPerson(events);
  const proficient = zeroSkillCounts();
  const guided = zeroSkillCounts();
  let atTarget = false;
  for (const pid of personIds) {
    const p = progress.get(pid);
    if (!p) continue;
    for (const s of SKILL_CODES) {
      if (p[s]?.outcome === 'proficient') proficient[s] += 1;
      else if (p[s]?.outcome === 'guided') guided[s] += 1;
    }
    if (isProficientInAll(p)) atTarget = true;
  }
  const latest = visits[0]?.current;
  return {
    people: personIds.length,
    visited: visits.length > 0,
    atTarget,
    lastVisitedAt: latest?.visitedAt ?? null,
    followUpOn: latest?.followUpOn ?? null,
    proficient,
    guided,
  };
}

export interface AreaTotals {
  households: number;
  visited: number;
  atTarget: number;
  people: number;
  proficient: SkillCounts;
  guided: SkillCounts;
}

export function emptyTotals(): AreaTotals {
  return { households: 0, visited: 0, atTarget: 0, people: 0, proficient: zeroSkillCounts(), guided: zeroSkillCounts() };
}

/** totals + sign × summary, in place: how a running counter follows one household's change. */
export function applySummary(totals: AreaTotals, s: HouseholdSummary, sign: 1 | -1): AreaTotals {
  totals.households += sign;
  totals.visited += s.visited ? sign : 0;
  totals.atTarget += s.atTarget ? sign : 0;
  totals.people += sign * s.people;
  for (const k of SKILL_CODES) {
    totals.proficient[k] += sign * s.proficient[k];
    totals.guided[k] += sign * s.guided[k];
  }
  return totals;
}

export function isFollowUpDue(followUpOn: string | null, today: string): boolean {
  return followUpOn !== null && followUpOn <= today;
}
