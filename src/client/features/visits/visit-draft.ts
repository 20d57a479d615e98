/**
 * The visit form's state and its translation to the repository's VisitDraft. "Chưa" is the absence of a mark:
 * only skills marked guided or proficient become outcome entries.
 */
import type { Outcome, OutcomeEntry } from '../../../shared/records.ts';
import { SKILL_CODES, type SkillCode } from '../../../shared/skills.ts';
import type { LocalVisit } from '../../db/database.ts';
import type { VisitDraft } from '../../db/visits.ts';
import { todayIso } from '../../lib/format.ts';

export interface SkillMark {
  outcome: Outcome;
  subSkills: string[];
}

export type PersonMarks = Partial<Record<SkillCode, SkillMark>>;

export interface VisitFormState {
  /** Chosen people, in the household's member order. */
  selected: string[];
  marks: Record<string, PersonMarks>;
  notes: string;
  /** YYYY-MM-DD or "" for none. */
  followUpOn: string;
  /** YYYY-MM-DD, local calendar day. */
  visitDate: string;
}

export function initialState(memberIds: readonly string[], today: string): VisitFormState {
  return {
    // One member: they are the one being coached. Several: the volunteer taps who took part.
    selected: memberIds.length === 1 ? [...memberIds] : [],
    marks: {},
    notes: '',
    followUpOn: '',
    visitDate: today,
  };
}

/** The form as the visit's current content left it, for a correction. */
export function stateFromVisit(visit: LocalVisit, memberIds: readonly string[]): VisitFormState {
  const marks: Record<string, PersonMarks> = {};
  for (const o of visit.outcomes) {
    (marks[o.personId] ??= {})[o.skill] = { outcome: o.outcome, subSkills: [...o.subSkills] };
  }
  const withMarks = new Set(Object.keys(marks));
  return {
    selected: memberIds.filter((id) => withMarks.has(id)),
    marks,
    notes: visit.notes,
    followUpOn: visit.followUpOn ?? '',
    visitDate: localDay(visit.visitedAt),
  };
}

export function localDay(isoDateTime: string): string {
  return todayIso(new Date(isoDateTime));
}

export function toggleSelected(state: VisitFormState, personId: string, order: readonly string[]): VisitFormState {
  const on = state.selected.includes(personId);
  const next = new Set(state.selected);
  if (on) next.delete(personId);
  else next.add(personId);
  return { ...state, selected: order.filter((id) => next.has(id)) };
}

export function setOutcome(
  state: VisitFormState,
  personId: string,
  skill: SkillCode,
  outcome: Outcome | 'none',
): VisitFormState {
  const { [skill]: previous, ...others } = state.marks[personId] ?? {};
  const person: PersonMarks =
    outcome === 'none' ? others : { ...others, [skill]: { outcome, subSkills: previous?.subSkills ?? [] } };
  return { ...state, marks: { ...state.marks, [personId]: person } };
}

export function setAllProficient(state: VisitFormState, personId: string): VisitFormState {
  const person: PersonMarks = { ...state.marks[personId] };
  for (const s of SKILL_CODES) person[s] = { outcome: 'proficient', subSkills: person[s]?.subSkills ?? [] };
  return { ...state, marks: { ...state.marks, [personId]: person } };
}

export function toggleSubSkill(
  state: VisitFormState,
  personId: string,
  skill: SkillCode,
  subSkill: string,
): VisitFormState {
  const mark = state.marks[personId]?.[skill];
  if (!mark) return state;
  const subSkills = mark.subSkills.includes(subSkill)
    ? mark.subSkills.filter((s) => s !== subSkill)
    : [...mark.subSkills, subSkill];
  return setMark(state, personId, skill, { ...mark, subSkills });
}

function setMark(state: VisitFormState, personId: string, skill: SkillCode, mark: SkillMark): VisitFormState {
  return { ...state, marks: { ...state.marks, [personId]: { ...state.marks[personId], [skill]: mark } } };
}

/** Only chosen people's marks count: unticking a person drops what was marked for them. */
export function outcomesOf(state: VisitFormState): OutcomeEntry[] {
  const entries: OutcomeEntry[] = [];
  for (const personId of state.selected) {
    const marks = state.marks[personId];
    if (!marks) continue;
    for (const skill of SKILL_CODES) {
      const m = marks[skill];
      if (m) entries.push({ personId, skill, outcome: m.outcome, subSkills: [...m.subSkills] });
    }
  }
  return entries;
}

/**
 * When the visit happened: now, for a visit logged today; the original time, when a correction keeps its day;
 * otherwise midday of the chosen local day (so no time zone moves it to another date).
 */
export function visitedAtFor(visitDate: string, now: Date, original?: string): string {
  if (original !== undefined && localDay(original) === visitDate) return original;
  if (visitDate === todayIso(now)) return now.toISOString();
  const [y, m, d] = visitDate.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12).toISOString();
}

export function toDraft(householdId: string, state: VisitFormState, now: Date, original?: string): VisitDraft {
  return {
    householdId,
    visitedAt: visitedAtFor(state.visitDate, now, original),
    outcomes: outcomesOf(state),
    notes: state.notes,
    followUpOn: state.followUpOn === '' ? null : state.followUpOn,
  };
}

/** Local calendar arithmetic on YYYY-MM-DD: + days, or + months clamped to the month's last day (31/1 → 28/2). */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return todayIso(new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
}

export function addMonths(isoDate: string, months: number): string {
  const [y = 1970, m = 1, d = 1] = isoDate.split('-').map(Number);
  const lastDay = new Date(y, m - 1 + months + 1, 0).getDate();
  return todayIso(new Date(y, m - 1 + months, Math.min(d, lastDay)));
}
