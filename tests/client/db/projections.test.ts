/**
 * The running totals are kept by delta on every write. Here random sequences of writes (households created, edited
 * and deleted, members added and removed, visits and corrections, some of them refused) are replayed through the
 * repositories; afterwards the stored projections must equal a brute-force recomputation from the records.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TungNhaDb, setDbForTesting, type HamletTotalsRow, type SummaryRow } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { addPerson, createHousehold, deleteHousehold, removePerson, updateHousehold } from '../../../src/client/db/households.ts';
import { correctVisit, logVisit } from '../../../src/client/db/visits.ts';
import { householdSearchText, rebuildAllProjections } from '../../../src/client/db/projections.ts';
import { ValidationError } from '../../../src/client/db/validation.ts';
import { applySummary, emptyTotals, summarizeHousehold, type AreaTotals } from '../../../src/shared/progress.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import type { Outcome, OutcomeEntry } from '../../../src/shared/records.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
const NAMES = ['Nguyễn Văn Á', 'Trần Thị Bình', 'Lê Cúc', 'Đặng Dũng', 'Hoàng Én'];
const DAYS = ['2026-10-01', '2026-10-02', '2026-10-03'];

const outcomesArb = fc.array(
  fc.record({
    member: fc.nat(),
    skill: fc.constantFrom(...SKILL_CODES),
    outcome: fc.constantFrom<Outcome>('guided', 'proficient'),
  }),
  { maxLength: 8 },
);
const visitArb = {
  household: fc.nat(),
  // The visit form names the household's hamlet; here any hamlet, or none, so a wrong hint is replayed too.
  hamletHint: fc.option(fc.nat(), { nil: undefined }),
  outcomes: outcomesArb,
  day: fc.constantFrom(...DAYS),
  followUp: fc.option(fc.constantFrom(...DAYS), { nil: null }),
};

const opArb = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), hamlet: fc.nat(), members: fc.integer({ min: 0, max: 3 }), name: fc.constantFrom(...NAMES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('edit' as const), household: fc.nat(), name: fc.constantFrom(...NAMES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), household: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add-member' as const), household: fc.nat(), name: fc.constantFrom(...NAMES) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove-member' as const), person: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('visit' as const), ...visitArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('correct' as const), visit: fc.nat(), ...visitArb }) },
);

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

let runs = 0;

async function replay(db: TungNhaDb, ops: readonly Op[]): Promise<void> {
  const hamlets = [
    await createHamlet(AREA, { name: 'Thôn Đông' }),
    await createHamlet(AREA, { name: 'Thôn Tây' }),
    await createHamlet(AREA, { name: 'Thôn Nam' }),
  ];
  const households: string[] = [];
  const visits: string[] = [];
  const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
  const hint = (n: number | undefined) => (n === undefined ? undefined : pick(hamlets, n)!.id);
  const outcomesFor = async (householdId: string, spec: { member: number; skill: OutcomeEntry['skill']; outcome: Outcome }[]) => {
    // Any member ever recorded in the household, removed ones included: their outcomes must not count.
    const members = await db.people.where('householdId').equals(householdId).primaryKeys();
    return members.length === 0
      ? []
      : spec.map((s) => ({ personId: members[s.member % members.length]!, skill: s.skill, outcome: s.outcome, subSkills: [] }));
  };

  for (const op of ops) {
    try {
      switch (op.op) {
        case 'create': {
          const hamlet = pick(hamlets, op.hamlet)!;
          const members = Array.from({ length: op.members }, (_, i) => ({
            fullName: `${op.name} ${i}`, birthYear: 1950 + i * 10, sex: null, relation: i === 0 ? ('head' as const) : ('child' as const),
          }));
          const h = await createHousehold({ ...AREA, hamletId: hamlet.id }, { headName: op.name, address: '', phone: '', note: '' }, members);
          households.push(h.id);
          break;
        }
        case 'edit': {
          const id = pick(households, op.household);
          if (id) await updateHousehold(id, { headName: op.name, address: 'Xóm mới', phone: '0912345678', note: '' });
          break;
        }
        case 'delete': {
          const id = pick(households, op.household);
          if (id) await deleteHousehold(id);
          break;
        }
        case 'add-member': {
          const id = pick(households, op.household);
          if (id) await addPerson(id, { fullName: op.name, birthYear: null, sex: null, relation: 'other' });
          break;
        }
        case 'remove-member': {
          const people = await db.people.orderBy('id').primaryKeys();
          const id = pick(people, op.person);
          if (id) await removePerson(id);
          break;
        }
        case 'visit': {
          const id = pick(households, op.household);
          if (!id) break;
          const v = await logVisit(
            { householdId: id, hamletId: hint(op.hamletHint), visitedAt: `${op.day}T03:00:00.000Z`, outcomes: await outcomesFor(id, op.outcomes), notes: 'ghé thăm', followUpOn: op.followUp },
            'device-1',
          );
          visits.push(v.id);
          break;
        }
        case 'correct': {
          const target = pick(visits, op.visit);
          if (!target) break;
          const original = await db.visits.get(target);
          const v = await correctVisit(
            target,
            { householdId: original!.householdId, hamletId: hint(op.hamletHint), visitedAt: `${op.day}T05:00:00.000Z`, outcomes: await outcomesFor(original!.householdId, op.outcomes), notes: 'sửa', followUpOn: op.followUp },
            'device-1',
          );
          visits.push(v.id);
          break;
        }
      }
    } catch (e) {
      // Writes to a deleted household are refused; a refused write must leave the projections untouched.
      if (!(e instanceof ValidationError)) throw e;
    }
  }
}

/** The projections recomputed from scratch with the shared rules, summing summaries by hand. */
async function bruteForce(db: TungNhaDb) {
  const [households, people, visits] = await Promise.all([db.households.toArray(), db.people.toArray(), db.visits.toArray()]);
  const summaries: SummaryRow[] = [];
  const totals = new Map<string, AreaTotals>();
  for (const h of households) {
    const members = people.filter((p) => p.householdId === h.id);
    expect(h.searchText).toBe(householdSearchText(h, members));
    if (h.deleted) continue;
    const summary = summarizeHousehold(
      members.filter((p) => !p.deleted).map((p) => p.id),
      visits.filter((v) => v.householdId === h.id),
    );
    summaries.push({ householdId: h.id, hamletId: h.hamletId, ...summary });
    if (!totals.has(h.hamletId)) totals.set(h.hamletId, emptyTotals());
    applySummary(totals.get(h.hamletId)!, summary, 1);
  }
  return { summaries: sortSummaries(summaries), totals: totalsMap(totals) };
}

const sortSummaries = (rows: SummaryRow[]) => [...rows].sort((a, b) => a.householdId.localeCompare(b.householdId));

/** hamletId → totals, leaving out hamlets whose totals are all zero (a row that went back to zero). */
function totalsMap(rows: Map<string, AreaTotals> | HamletTotalsRow[]): Record<string, AreaTotals> {
  const entries = Array.isArray(rows) ? rows.map(({ hamletId, ...t }) => [hamletId, t] as const) : [...rows.entries()];
  const zero = JSON.stringify(emptyTotals());
  return Object.fromEntries(entries.filter(([, t]) => JSON.stringify(t) !== zero).sort(([a], [b]) => a.localeCompare(b)));
}

async function stored(db: TungNhaDb) {
  return {
    summaries: sortSummaries(await db.summaries.toArray()),
    totals: totalsMap(await db.hamletTotals.toArray()),
  };
}

describe('projections under random writes', () => {
  it('keep the hamlet totals and summaries equal to a recomputation from the records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        runs += 1;
        const db = new TungNhaDb(`projections-${process.pid}-${runs}`);
        setDbForTesting(db);
        try {
          await replay(db, ops);
          const kept = await stored(db);
          expect(kept).toEqual(await bruteForce(db));
          // Every visit's household was settled right behind it: nothing is left queued.
          expect(await db.pendingProjections.count()).toBe(0);
          for (const row of await db.hamletTotals.toArray()) {
            expect(row.households).toBeGreaterThanOrEqual(0);
            expect(row.atTarget).toBeLessThanOrEqual(row.visited);
          }

          // Rebuilding from the records gives the same numbers the deltas produced.
          await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals], () =>
            rebuildAllProjections(db),
          );
          expect(await stored(db)).toEqual(kept);

          // A rebuild repairs what is wrong (it writes only rows that differ): a stale summary and hamlet total
          // go, a wrong summary and a stale search text are replaced.
          const tables = [db.households, db.people, db.visits, db.summaries, db.hamletTotals];
          await db.transaction('rw', tables, async () => {
            await db.summaries.put({ householdId: 'gone', hamletId: 'nowhere', ...summarizeHousehold([], []) });
            await db.hamletTotals.put({ hamletId: 'nowhere', ...emptyTotals(), households: 3 });
            const household = await db.households.toCollection().first();
            if (household) await db.households.put({ ...household, searchText: 'stale' });
            const summary = await db.summaries.toCollection().first();
            if (summary && summary.householdId !== 'gone') await db.summaries.put({ ...summary, people: summary.people + 5 });
          });
          await db.transaction('rw', tables, () => rebuildAllProjections(db));
          expect(await stored(db)).toEqual(kept);
          expect(await bruteForce(db)).toEqual(kept);
        } finally {
          db.close();
          await db.delete();
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
