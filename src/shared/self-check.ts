/**
 * A resident's self-check: per sub-skill, "I can do this alone / with help / not yet". It is what the resident
 * says, never what a volunteer observed, so it lives beside the visit outcomes and never replaces them.
 *
 * On the resident's own device a self-check is a draft they may change at any time. Sent to a household (through
 * a household link code) it becomes an immutable record of entity 'self-check': a snapshot of the answers, placed
 * by the server in the household's commune and pulled by the volunteers there like any other record.
 *
 * `selfReportedLevel` turns the answers of one skill into one level, the self-reported counterpart of a visit's
 * outcome: 'alone' ↔ 'proficient', 'with-help' ↔ 'guided'.
 */
import * as z from 'zod/mini';
import { ALL_SUB_SKILLS, SKILL_CODES, SUB_SKILLS, type SkillCode, type SubSkillCode } from './skills.ts';
import { UUID_PATTERN } from './ids.ts';

export const SELF_ANSWERS = ['alone', 'with-help', 'not-yet'] as const;
export type SelfAnswer = (typeof SELF_ANSWERS)[number];

/** A skill's self-reported level uses the same words as an answer. */
export type SelfLevel = SelfAnswer;

export type SelfCheckAnswers = Partial<Record<SubSkillCode, SelfAnswer>>;

const id = () => z.string().check(z.regex(UUID_PATTERN, 'invalidId'));
const isoDateTime = () => z.iso.datetime({ offset: true, error: 'invalidDate' });

export const selfCheckAnswersSchema = z.partialRecord(
  z.enum(ALL_SUB_SKILLS as [SubSkillCode, ...SubSkillCode[]]),
  z.enum(SELF_ANSWERS),
);

/** What a resident's device sends through the public endpoint: no account, no household id, only the code. */
export const selfCheckSubmissionSchema = z.strictObject({
  /** UUIDv7 made on the resident's device: the same submission sent twice is stored once. */
  id: id(),
  /** When the resident finished answering (their device's clock). */
  answeredAt: isoDateTime(),
  answers: selfCheckAnswersSchema.check(
    z.refine((a) => Object.keys(a).length > 0, 'required'),
  ),
});
export type SelfCheckSubmission = z.output<typeof selfCheckSubmissionSchema>;

/** The stored, synced record (entity 'self-check'): the submission placed in its household by the server. */
export const selfCheckSchema = z.strictObject({
  id: id(),
  householdId: id(),
  hamletId: id(),
  provinceCode: z.string().check(z.regex(/^\d{2}$/, 'invalidArea')),
  communeCode: z.string().check(z.regex(/^\d{5}$/, 'invalidArea')),
  answeredAt: isoDateTime(),
  /** When the server received it (its clock): orders self-checks whose devices' clocks disagree. */
  receivedAt: isoDateTime(),
  answers: selfCheckAnswersSchema,
});
export type SelfCheck = z.output<typeof selfCheckSchema>;

/** The answered sub-skills of one skill, in catalogue order. */
export function answersOfSkill(answers: SelfCheckAnswers, skill: SkillCode): [SubSkillCode, SelfAnswer][] {
  const out: [SubSkillCode, SelfAnswer][] = [];
  for (const sub of SUB_SKILLS[skill]) {
    const a = answers[sub];
    if (a !== undefined) out.push([sub, a]);
  }
  return out;
}

/**
 * One skill's level from one self-check:
 * - null when no sub-skill of the skill was answered (the resident did not choose it);
 * - 'alone' only when every sub-skill of the skill is answered 'alone' (as 'proficient' means the whole skill);
 * - 'not-yet' when no answered sub-skill is done alone or with help;
 * - 'with-help' otherwise (some progress, not the whole skill alone — unanswered sub-skills count as not done).
 */
export function selfReportedLevel(answers: SelfCheckAnswers, skill: SkillCode): SelfLevel | null {
  const given = answersOfSkill(answers, skill);
  if (given.length === 0) return null;
  const subs = SUB_SKILLS[skill];
  if (given.length === subs.length && given.every(([, a]) => a === 'alone')) return 'alone';
  if (given.every(([, a]) => a === 'not-yet')) return 'not-yet';
  return 'with-help';
}

export interface SkillSelfProgress {
  skill: SkillCode;
  level: SelfLevel | null;
  /** Sub-skills of the skill in the catalogue. */
  total: number;
  alone: number;
  withHelp: number;
  notYet: number;
  /** The first sub-skill (catalogue order) not yet done alone: what to learn next. Null when all are done alone. */
  next: SubSkillCode | null;
}

/** Progress of one skill, for the resident's own screen. */
export function skillSelfProgress(answers: SelfCheckAnswers, skill: SkillCode): SkillSelfProgress {
  let alone = 0;
  let withHelp = 0;
  let notYet = 0;
  let next: SubSkillCode | null = null;
  // Learn first what is closest to done: a sub-skill done with help before one not yet started.
  let nextRank = 3;
  for (const sub of SUB_SKILLS[skill]) {
    const a = answers[sub];
    if (a === 'alone') alone += 1;
    else if (a === 'with-help') withHelp += 1;
    else if (a === 'not-yet') notYet += 1;
    const rank = a === 'with-help' ? 0 : a === 'not-yet' ? 1 : a === undefined ? 2 : 3;
    if (rank < nextRank) {
      nextRank = rank;
      next = sub;
    }
  }
  return {
    skill,
    level: selfReportedLevel(answers, skill),
    total: SUB_SKILLS[skill].length,
    alone,
    withHelp,
    notYet,
    next,
  };
}

export type SelfCheckEvent = Pick<SelfCheck, 'id' | 'answers' | 'answeredAt' | 'receivedAt'>;

export interface SelfReportedSkill {
  level: SelfLevel;
  answeredAt: string;
  selfCheckId: string;
}

/**
 * A household's self-reported level per skill: for each skill, the level given by the latest self-check (by
 * receivedAt, the server's clock) that answered it. Several residents of one household may each send one; the
 * latest word on a skill stands, as the latest visit does for observed outcomes.
 */
export function latestSelfReported(
  checks: readonly SelfCheckEvent[],
): Partial<Record<SkillCode, SelfReportedSkill>> {
  const sorted = [...checks].sort(
    (a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id),
  );
  const out: Partial<Record<SkillCode, SelfReportedSkill>> = {};
  for (const c of sorted) {
    for (const skill of SKILL_CODES) {
      const level = selfReportedLevel(c.answers, skill);
      if (level !== null) out[skill] = { level, answeredAt: c.answeredAt, selfCheckId: c.id };
    }
  }
  return out;
}
