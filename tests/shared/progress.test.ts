import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applySummary,
  effectiveVisits,
  emptyTotals,
  isFollowUpDue,
  isProficientInAll,
  progressByPerson,
  summarizeHousehold,
  zeroSkillCounts,
  type AreaTotals,
  type VisitEvent,
} from '../../src/shared/progress.ts';
import { SKILL_CODES, type SkillCode } from '../../src/shared/skills.ts';
import type { OutcomeEntry, Outcome } from '../../src/shared/records.ts';

const P1 = 'p1';
const P2 = 'p2';
const P3 = 'p3';

function visit(
  id: string,
  visitedAt: string,
  outcomes: OutcomeEntry[] = [],
  extra: Partial<VisitEvent> = {},
): VisitEvent {
  return {
    id,
    visitedAt,
    recordedAt: visitedAt,
    corrects: null,
    outcomes,
    followUpOn: null,
    notes: '',
    authorId: 'device-1',
    ...extra,
  };
}

const o = (personId: string, skill: SkillCode, outcome: Outcome): OutcomeEntry => ({
  personId,
  skill,
  outcome,
  subSkills: [],
});
const allFive = (personId: string, outcome: Outcome) => SKILL_CODES.map((s) => o(personId, s, outcome));

describe('effectiveVisits', () => {
  it('lists visits newest first by when they happened', () => {
    const events = [
      visit('a', '2026-10-01T09:00:00Z'),
      visit('c', '2026-11-05T09:00:00Z'),
      visit('b', '2026-10-20T09:00:00Z'),
    ];
    expect(effectiveVisits(events).map((v) => v.rootId)).toEqual(['c', 'b', 'a']);
  });

  it('lets a correction replace the whole content of the visit it corrects, under the original id', () => {
    const original = visit('a', '2026-10-01T09:00:00Z', allFive(P1, 'proficient'), {
      notes: 'lần đầu',
      followUpOn: '2026-10-15',
    });
    const correction = visit('b', '2026-09-30T09:00:00Z', [o(P1, 'online-safety', 'guided')], {
      corrects: 'a',
      recordedAt: '2026-10-02T09:00:00Z',
      notes: 'sửa',
    });
    const [only, ...rest] = effectiveVisits([original, correction]);
    expect(rest).toEqual([]);
    expect(only).toEqual({ rootId: 'a', current: correction, corrections: 1 });
  });

  it('keeps the latest-recorded correction whatever order the events arrive in', () => {
    const original = visit('a', '2026-10-01T09:00:00Z');
    const first = visit('b', '2026-10-01T09:00:00Z', [], { corrects: 'a', recordedAt: '2026-10-03T00:00:00Z', notes: '1' });
    const second = visit('c', '2026-10-01T09:00:00Z', [], { corrects: 'a', recordedAt: '2026-10-04T00:00:00Z', notes: '2' });
    for (const order of [[original, first, second], [second, first, original], [first, original, second], [second, original, first]]) {
      const [v] = effectiveVisits(order);
      expect(v?.current.notes).toBe('2');
      expect(v?.corrections).toBe(2);
    }
  });

  it('breaks a tie between corrections recorded in the same instant by the later id', () => {
    const at = '2026-10-03T00:00:00Z';
    const events = [
      visit('a', '2026-10-01T09:00:00Z'),
      visit('0190a000-0000-7000-8000-00000000000c', at, [], { corrects: 'a', recordedAt: at, notes: 'later id' }),
      visit('0190a000-0000-7000-8000-00000000000b', at, [], { corrects: 'a', recordedAt: at, notes: 'earlier id' }),
    ];
    expect(effectiveVisits(events)[0]?.current.notes).toBe('later id');
  });

  it('lets a correction win even when the original came from a device whose clock ran ahead', () => {
    const original = visit('a', '2026-10-01T09:00:00Z', [], { recordedAt: '2026-10-05T00:00:00Z', notes: 'gốc' });
    const correction = visit('b', '2026-10-01T09:00:00Z', [], { corrects: 'a', recordedAt: '2026-10-02T00:00:00Z', notes: 'sửa' });
    expect(effectiveVisits([original, correction])[0]?.current.notes).toBe('sửa');
    expect(effectiveVisits([correction, original])[0]?.current.notes).toBe('sửa');
  });

  it('orders visits by the instant they happened, even when the times carry different offsets', () => {
    // 08:00 in Hà Nội is 01:00 UTC, earlier than 05:00 UTC.
    const events = [visit('hanoi', '2026-10-01T08:00:00+07:00'), visit('utc', '2026-10-01T05:00:00Z')];
    expect(effectiveVisits(events).map((v) => v.rootId)).toEqual(['utc', 'hanoi']);
  });

  it('keeps a correction whose original has not arrived yet as a visit of its own', () => {
    const correction = visit('b', '2026-10-01T09:00:00Z', [], { corrects: 'a', recordedAt: '2026-10-02T00:00:00Z' });
    expect(effectiveVisits([correction])).toEqual([{ rootId: 'a', current: correction, corrections: 1 }]);
  });
});

describe('progressByPerson', () => {
  it('takes per skill the outcome of the latest visit by when it happened, not by when it was logged', () => {
    const events = [
      visit('late-logged', '2026-10-01T09:00:00Z', [o(P1, 'online-payment', 'proficient')], {
        recordedAt: '2026-11-10T00:00:00Z',
      }),
      visit('newer', '2026-10-20T09:00:00Z', [o(P1, 'online-payment', 'guided'), o(P2, 'online-safety', 'guided')], {
        recordedAt: '2026-10-20T09:00:00Z',
      }),
    ];
    const progress = progressByPerson(events);
    expect(progress.get(P1)?.['online-payment']).toEqual({
      outcome: 'guided',
      visitedAt: '2026-10-20T09:00:00Z',
      visitId: 'newer',
    });
    expect(progress.get(P2)?.['online-safety']?.outcome).toBe('guided');
  });

  it('keeps an older outcome for a skill the newer visit did not observe', () => {
    const events = [
      visit('v1', '2026-10-01T09:00:00Z', [o(P1, 'online-shopping', 'proficient')]),
      visit('v2', '2026-10-02T09:00:00Z', [o(P1, 'online-safety', 'guided')]),
    ];
    const p = progressByPerson(events).get(P1);
    expect(p?.['online-shopping']?.outcome).toBe('proficient');
    expect(p?.['online-safety']?.outcome).toBe('guided');
  });

  it('credits a corrected outcome to the original visit id and forgets what the correction removed', () => {
    const events = [
      visit('v1', '2026-10-01T09:00:00Z', [o(P1, 'online-shopping', 'proficient'), o(P2, 'online-safety', 'guided')]),
      visit('c1', '2026-10-01T09:00:00Z', [o(P1, 'online-shopping', 'guided')], {
        corrects: 'v1',
        recordedAt: '2026-10-02T00:00:00Z',
      }),
    ];
    const progress = progressByPerson(events);
    expect(progress.get(P1)?.['online-shopping']).toMatchObject({ outcome: 'guided', visitId: 'v1' });
    expect(progress.has(P2)).toBe(false);
  });
});

describe('isProficientInAll', () => {
  it('needs proficient in every one of the five skills', () => {
    const p = progressByPerson([visit('v', '2026-10-01T09:00:00Z', allFive(P1, 'proficient'))]).get(P1);
    expect(isProficientInAll(p)).toBe(true);
    const four = progressByPerson([visit('v', '2026-10-01T09:00:00Z', allFive(P1, 'proficient').slice(1))]).get(P1);
    expect(isProficientInAll(four)).toBe(false);
    expect(isProficientInAll(undefined)).toBe(false);
  });
});

describe('summarizeHousehold', () => {
  it('summarises a household nobody has visited', () => {
    expect(summarizeHousehold([P1, P2], [])).toEqual({
      people: 2,
      visited: false,
      atTarget: false,
      lastVisitedAt: null,
      followUpOn: null,
      proficient: zeroSkillCounts(),
      guided: zeroSkillCounts(),
    });
  });

  it('is at target when one person is proficient in all five skills', () => {
    const s = summarizeHousehold([P1, P2], [visit('v', '2026-10-01T09:00:00Z', allFive(P2, 'proficient'))]);
    expect(s.atTarget).toBe(true);
    expect(s.proficient['local-platforms']).toBe(1);
  });

  it('is not at target when the five skills are spread over several people', () => {
    const spread = SKILL_CODES.map((skill, i) => o(i % 2 === 0 ? P1 : P2, skill, 'proficient'));
    const s = summarizeHousehold([P1, P2], [visit('v', '2026-10-01T09:00:00Z', spread)]);
    expect(s.atTarget).toBe(false);
    expect(Object.values(s.proficient)).toEqual([1, 1, 1, 1, 1]);
  });

  it('leaves removed members out of the counts and the target', () => {
    const events = [
      visit('v', '2026-10-01T09:00:00Z', [...allFive(P3, 'proficient'), o(P1, 'online-payment', 'guided')]),
    ];
    const s = summarizeHousehold([P1], events);
    expect(s.people).toBe(1);
    expect(s.atTarget).toBe(false);
    expect(s.proficient).toEqual(zeroSkillCounts());
    expect(s.guided['online-payment']).toBe(1);
  });

  it('counts per skill how many people are proficient and how many are guided', () => {
    const events = [
      visit('v1', '2026-10-01T09:00:00Z', [o(P1, 'online-payment', 'guided'), o(P2, 'online-payment', 'proficient')]),
      visit('v2', '2026-10-02T09:00:00Z', [o(P1, 'online-payment', 'proficient'), o(P3, 'online-payment', 'guided')]),
    ];
    const s = summarizeHousehold([P1, P2, P3], events);
    expect(s.proficient['online-payment']).toBe(2);
    expect(s.guided['online-payment']).toBe(1);
  });

  it('takes the last visit date and the follow-up date from the latest effective visit', () => {
    const events = [
      visit('v1', '2026-10-01T09:00:00Z', [], { followUpOn: '2026-10-10' }),
      visit('v2', '2026-10-05T09:00:00Z', [], { followUpOn: '2026-10-20' }),
      visit('c2', '2026-10-06T09:00:00Z', [], { corrects: 'v2', recordedAt: '2026-10-07T00:00:00Z', followUpOn: null }),
    ];
    const s = summarizeHousehold([P1], events);
    expect(s.visited).toBe(true);
    expect(s.lastVisitedAt).toBe('2026-10-06T09:00:00Z');
    expect(s.followUpOn).toBeNull();
  });
});

describe('isFollowUpDue', () => {
  it('is due on and after the follow-up date, never without one', () => {
    expect(isFollowUpDue('2026-11-22', '2026-11-22')).toBe(true);
    expect(isFollowUpDue('2026-11-21', '2026-11-22')).toBe(true);
    expect(isFollowUpDue('2026-11-23', '2026-11-22')).toBe(false);
    expect(isFollowUpDue(null, '2026-11-22')).toBe(false);
  });
});

describe('area totals', () => {
  it('adds a summary into empty totals and takes it out again', () => {
    const s = summarizeHousehold([P1, P2], [visit('v', '2026-10-01T09:00:00Z', allFive(P1, 'proficient'))]);
    const totals = applySummary(emptyTotals(), s, 1);
    expect(totals).toMatchObject({ households: 1, visited: 1, atTarget: 1, people: 2 });
    expect(totals.proficient['online-safety']).toBe(1);
    expect(applySummary(totals, s, -1)).toEqual(emptyTotals());
  });

  it('gives a fresh zeroed object every time', () => {
    const a = emptyTotals();
    a.proficient['online-safety'] = 5;
    expect(emptyTotals().proficient['online-safety']).toBe(0);
  });
});

// ---- Properties over random households and visits -----------------------------------------

const PEOPLE = ['p0', 'p1', 'p2', 'p3'];
const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];

const outcomeArb = fc.record({
  personId: fc.constantFrom(...PEOPLE),
  skill: fc.constantFrom(...SKILL_CODES),
  outcome: fc.constantFrom<Outcome>('guided', 'proficient'),
  subSkills: fc.constant<string[]>([]),
});

/** A household's events: visits, some of them corrected (possibly several times). */
const eventsArb = fc
  .array(
    fc.record({
      day: fc.constantFrom(...DAYS),
      outcomes: fc.array(outcomeArb, { maxLength: 12 }),
      followUpOn: fc.option(fc.constantFrom(...DAYS), { nil: null }),
      corrects: fc.option(fc.nat(5), { nil: null }),
    }),
    { maxLength: 8 },
  )
  .map((specs) => {
    const events: VisitEvent[] = [];
    const originals: string[] = [];
    specs.forEach((spec, i) => {
      const id = `e${String(i).padStart(2, '0')}`;
      const target = spec.corrects === null ? undefined : originals[spec.corrects % Math.max(1, originals.length)];
      events.push(
        visit(id, `${spec.day}T09:00:00Z`, spec.outcomes, {
          corrects: target ?? null,
          recordedAt: `2026-11-01T00:00:${String(i).padStart(2, '0')}Z`,
          followUpOn: spec.followUpOn,
        }),
      );
      if (target === undefined) originals.push(id);
    });
    return events;
  });

const householdArb = fc.record({
  living: fc.subarray(PEOPLE),
  events: eventsArb,
});

describe('properties', () => {
  it('sums per-household summaries to the same totals however they are added', () => {
    fc.assert(
      fc.property(fc.array(householdArb, { maxLength: 8 }), (households) => {
        const summaries = households.map((h) => summarizeHousehold(h.living, h.events));
        const oneByOne = emptyTotals();
        for (const s of summaries) applySummary(oneByOne, s, 1);

        const expected: AreaTotals = emptyTotals();
        expected.households = summaries.length;
        expected.visited = summaries.filter((s) => s.visited).length;
        expected.atTarget = summaries.filter((s) => s.atTarget).length;
        expected.people = summaries.reduce((n, s) => n + s.people, 0);
        for (const k of SKILL_CODES) {
          expected.proficient[k] = summaries.reduce((n, s) => n + s.proficient[k], 0);
          expected.guided[k] = summaries.reduce((n, s) => n + s.guided[k], 0);
        }
        expect(oneByOne).toEqual(expected);

        const reversed = emptyTotals();
        for (const s of [...summaries].reverse()) applySummary(reversed, s, 1);
        expect(reversed).toEqual(oneByOne);
      }),
    );
  });

  it('returns to zero after adding and then removing every summary in any order', () => {
    const arb = fc
      .array(householdArb, { maxLength: 8 })
      .chain((hs) => fc.tuple(fc.constant(hs), fc.shuffledSubarray(hs, { minLength: hs.length, maxLength: hs.length })));
    fc.assert(
      fc.property(arb, ([households, removalOrder]) => {
        const totals = emptyTotals();
        for (const h of households) applySummary(totals, summarizeHousehold(h.living, h.events), 1);
        for (const h of removalOrder) applySummary(totals, summarizeHousehold(h.living, h.events), -1);
        expect(totals).toEqual(emptyTotals());
      }),
    );
  });

  it('does not depend on the order the events arrive in', () => {
    const arb = householdArb.chain((h) =>
      fc.tuple(fc.constant(h), fc.shuffledSubarray(h.events, { minLength: h.events.length, maxLength: h.events.length })),
    );
    fc.assert(
      fc.property(arb, ([h, shuffled]) => {
        expect(summarizeHousehold(h.living, shuffled)).toEqual(summarizeHousehold(h.living, h.events));
        expect(effectiveVisits(shuffled)).toEqual(effectiveVisits(h.events));
      }),
    );
  });

  it('agrees with a brute-force reading of the rules', () => {
    fc.assert(
      fc.property(householdArb, ({ living, events }) => {
        // The content in force per original visit: its latest-recorded correction, else itself.
        const roots = new Map<string, VisitEvent>();
        for (const e of [...events].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))) {
          const root = e.corrects ?? e.id;
          const seen = roots.get(root);
          if (!seen || e.corrects !== null) roots.set(root, e);
        }
        const inForce = [...roots.entries()].sort(([ra, a], [rb, b]) =>
          a.visitedAt === b.visitedAt ? ra.localeCompare(rb) : a.visitedAt.localeCompare(b.visitedAt),
        );
        const latest = new Map<string, Outcome>();
        for (const [, v] of inForce) for (const x of v.outcomes) latest.set(`${x.personId}|${x.skill}`, x.outcome);

        const s = summarizeHousehold(living, events);
        for (const k of SKILL_CODES) {
          expect(s.proficient[k]).toBe(living.filter((p) => latest.get(`${p}|${k}`) === 'proficient').length);
          expect(s.guided[k]).toBe(living.filter((p) => latest.get(`${p}|${k}`) === 'guided').length);
        }
        expect(s.atTarget).toBe(living.some((p) => SKILL_CODES.every((k) => latest.get(`${p}|${k}`) === 'proficient')));
        expect(s.visited).toBe(inForce.length > 0);
        expect(s.lastVisitedAt).toBe(inForce.at(-1)?.[1].visitedAt ?? null);
        expect(s.followUpOn).toBe(inForce.at(-1)?.[1].followUpOn ?? null);
      }),
    );
  });
});
