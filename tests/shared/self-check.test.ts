import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  latestSelfReported,
  SELF_ANSWERS,
  selfCheckSchema,
  selfCheckSubmissionSchema,
  selfReportedLevel,
  skillSelfProgress,
  type SelfAnswer,
  type SelfCheckAnswers,
} from '../../src/shared/self-check.ts';
import { pulledChangeSchema } from '../../src/shared/sync.ts';
import { RECORD_ENTITIES } from '../../src/shared/records.ts';
import { SKILL_CODES, SUB_SKILLS, type SkillCode } from '../../src/shared/skills.ts';

const ID = '0190a000-0000-7000-8000-000000000001';
const ID2 = '0190a000-0000-7000-8000-000000000002';
const HH = '0190a000-0000-7000-8000-0000000000aa';
const HAMLET = '0190a000-0000-7000-8000-0000000000bb';

const all = (skill: SkillCode, answer: SelfAnswer): SelfCheckAnswers =>
  Object.fromEntries(SUB_SKILLS[skill].map((s) => [s, answer]));

describe('selfReportedLevel', () => {
  it('is null for a skill the resident did not answer', () => {
    expect(selfReportedLevel(all('online-payment', 'alone'), 'public-services')).toBeNull();
  });

  it('is alone only when every sub-skill of the skill is done alone', () => {
    expect(selfReportedLevel(all('public-services', 'alone'), 'public-services')).toBe('alone');
    const { 'public-service-fee-online': _dropped, ...oneMissing } = all('public-services', 'alone');
    expect(selfReportedLevel(oneMissing, 'public-services')).toBe('with-help');
    expect(selfReportedLevel({ ...all('public-services', 'alone'), 'vneid-level2': 'not-yet' }, 'public-services')).toBe('with-help');
  });

  it('is not-yet when nothing answered is done, alone or with help', () => {
    expect(selfReportedLevel(all('online-safety', 'not-yet'), 'online-safety')).toBe('not-yet');
    expect(selfReportedLevel({ 'safety-fake-calls': 'not-yet' }, 'online-safety')).toBe('not-yet');
  });

  it('is with-help for anything in between', () => {
    expect(selfReportedLevel({ 'pay-vietqr': 'with-help' }, 'online-payment')).toBe('with-help');
    expect(selfReportedLevel({ 'pay-vietqr': 'alone', 'pay-bills-online': 'not-yet' }, 'online-payment')).toBe('with-help');
  });

  it('depends only on the answers of its own skill (property)', () => {
    const subs = SKILL_CODES.flatMap((s) => SUB_SKILLS[s]);
    const answers = fc.dictionary(fc.constantFrom(...subs), fc.constantFrom(...SELF_ANSWERS)) as fc.Arbitrary<SelfCheckAnswers>;
    fc.assert(
      fc.property(answers, answers, fc.constantFrom(...SKILL_CODES), (a, b, skill) => {
        const own = SUB_SKILLS[skill] as readonly string[];
        const mixed = Object.fromEntries([
          ...Object.entries(b).filter(([s]) => !own.includes(s)),
          ...Object.entries(a).filter(([s]) => own.includes(s)),
        ]) as SelfCheckAnswers;
        return selfReportedLevel(mixed, skill) === selfReportedLevel(a, skill);
      }),
    );
  });
});

describe('skillSelfProgress', () => {
  it('counts the answers and suggests what is closest to done as the next thing to learn', () => {
    const p = skillSelfProgress(
      { 'vneid-install': 'alone', 'vneid-level2': 'not-yet', 'public-portal-submit': 'with-help' },
      'public-services',
    );
    expect(p).toEqual({
      skill: 'public-services', level: 'with-help', total: 5, alone: 1, withHelp: 1, notYet: 1, next: 'public-portal-submit',
    });
  });

  it('suggests a not-yet sub-skill before an unanswered one, and nothing once all are done alone', () => {
    expect(skillSelfProgress({ 'shop-track-order': 'not-yet' }, 'online-shopping').next).toBe('shop-track-order');
    expect(skillSelfProgress({}, 'online-shopping').next).toBe('shop-seller-ratings');
    expect(skillSelfProgress(all('online-shopping', 'alone'), 'online-shopping').next).toBeNull();
  });
});

describe('latestSelfReported', () => {
  it('takes each skill from the latest self-check that answered it', () => {
    const older = { id: ID, answeredAt: '2026-11-01T08:00:00Z', receivedAt: '2026-11-01T08:00:05Z', answers: { ...all('online-safety', 'alone'), 'pay-vietqr': 'with-help' as const } };
    const newer = { id: ID2, answeredAt: '2026-11-20T08:00:00Z', receivedAt: '2026-11-20T08:00:05Z', answers: { 'pay-vietqr': 'not-yet' as const } };
    const result = latestSelfReported([newer, older]);
    expect(result['online-safety']).toEqual({ level: 'alone', answeredAt: older.answeredAt, selfCheckId: ID });
    expect(result['online-payment']).toEqual({ level: 'not-yet', answeredAt: newer.answeredAt, selfCheckId: ID2 });
    expect(result['public-services']).toBeUndefined();
  });
});

describe('self-check schemas', () => {
  const record = {
    id: ID, householdId: HH, hamletId: HAMLET, provinceCode: '38', communeCode: '14845',
    answeredAt: '2026-11-22T09:00:00+07:00', receivedAt: '2026-11-22T02:00:01.000Z', answers: { 'vneid-install': 'alone' },
  };

  it('a submission carries answers only: an empty one or one naming a household is refused', () => {
    const base = { id: ID, answeredAt: '2026-11-22T09:00:00+07:00', answers: { 'vneid-install': 'alone' } };
    expect(selfCheckSubmissionSchema.safeParse(base).success).toBe(true);
    expect(selfCheckSubmissionSchema.safeParse({ ...base, answers: {} }).success).toBe(false);
    expect(selfCheckSubmissionSchema.safeParse({ ...base, householdId: HH }).success).toBe(false);
    expect(selfCheckSubmissionSchema.safeParse({ ...base, answers: { 'vneid-install': 'sometimes' } }).success).toBe(false);
  });

  it('a stored self-check travels in pulls as the entity self-check', () => {
    expect(RECORD_ENTITIES).toContain('self-check');
    expect(selfCheckSchema.safeParse(record).success).toBe(true);
    expect(selfCheckSchema.safeParse({ ...record, communeCode: '148' }).success).toBe(false);
    const pulled = pulledChangeSchema.safeParse({ seq: 7, entity: 'self-check', record });
    expect(pulled.success && pulled.data.entity).toBe('self-check');
    expect(pulledChangeSchema.safeParse({ seq: 7, entity: 'visit', record }).success).toBe(false);
  });
});
