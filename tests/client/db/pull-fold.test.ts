/**
 * A pull folds the first visits of never-visited households into their summaries and hamlet totals (projections.ts
 * `foldFirstVisits`) instead of recomputing them from every visit. Here random pulls — new visits, corrections,
 * members moving or removed, households moving or deleted, split into pages, some pulls interrupted (and some of
 * those not refreshed, the tab closed) — are applied
 * page by page as the engine applies them; afterwards the stored summaries and hamlet totals must equal what
 * `rebuildAllProjections` computes from the records.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getDb, type SummaryRow } from '../../../src/client/db/database.ts';
import { applyParsedPage, newPullSession, parsePulledChanges, refreshWaitingHouseholds } from '../../../src/client/db/apply-pulled.ts';
import { foldFirstVisits, rebuildAllProjections, slimVisit, type SlimVisit } from '../../../src/client/db/projections.ts';
import { SKILL_CODES } from '../../../src/shared/skills.ts';
import { emptyTotals } from '../../../src/shared/progress.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import type { Outcome } from '../../../src/shared/records.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };
const AT = '2026-10-01T08:00:00.000+07:00';
// Equal instants written with different offsets, and ties, so ordering by instant and by id both matter.
const TIMES = ['2026-10-01T08:00:00.000+07:00', '2026-10-01T01:00:00.000Z', '2026-10-02T09:30:00.000+07:00', '2026-10-03T07:00:00.000Z'];
const DAYS = ['2026-11-01', '2026-11-15', '2026-12-01'];

interface World {
  hamlets: string[];
  households: { id: string; hamletId: string }[];
  people: { id: string; householdId: string; deleted: boolean }[];
  visits: { id: string; householdId: string; hamletId: string }[];
  seq: number;
}

const hamletRecord = (id: string) => ({ id, ...AREA, name: `Thôn ${id.slice(-4)}`, version: 1, deleted: false, updatedAt: AT });
const householdRecord = (id: string, hamletId: string, version = 1, deleted = false) => ({
  id, ...AREA, hamletId, headName: 'Nguyễn Văn An', address: '', phone: null, note: '', version, deleted,
  createdAt: AT, updatedAt: AT,
});
const personRecord = (id: string, householdId: string, version = 1, deleted = false) => ({
  id, householdId, fullName: 'Trần Thị Bình', birthYear: 1970, sex: 'female', relation: 'head', version, deleted,
  createdAt: AT, updatedAt: AT,
});

const outcomeArb = fc.record({
  person: fc.nat(),
  skill: fc.constantFrom(...SKILL_CODES),
  outcome: fc.constantFrom<Outcome>('guided', 'proficient'),
});
const visitArb = fc.record({
  household: fc.nat(),
  outcomes: fc.array(outcomeArb, { maxLength: 6 }),
  // Mostly the household's own members, sometimes anybody's (their outcomes must not count).
  strangers: fc.boolean(),
  visitedAt: fc.constantFrom(...TIMES),
  recordedAt: fc.constantFrom(...TIMES),
  followUpOn: fc.option(fc.constantFrom(...DAYS), { nil: null }),
});
const changeArb = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('visit' as const), visit: visitArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('correct' as const), target: fc.nat(), visit: visitArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move-person' as const), person: fc.nat(), household: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-person' as const), person: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-person' as const), household: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move-household' as const), household: fc.nat(), hamlet: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-household' as const), household: fc.nat() }) },
);
type ChangeSpec = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;
const pullArb = fc.record({
  changes: fc.array(changeArb, { minLength: 1, maxLength: 30 }),
  pageSize: fc.integer({ min: 1, max: 12 }),
  // The pull stops after this many pages (a failed request): the pages applied so far are refreshed alone.
  stopAfter: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  // …and the tab was closed before it could refresh them: the next pull finds them waiting.
  closed: fc.boolean(),
});

const pick = <T,>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

/** The server's side: turns a change spec into pulled changes, keeping the world's records in step. */
function toPulled(world: World, spec: ChangeSpec): unknown[] {
  const next = () => (world.seq += 1);
  const visit = (v: Extract<ChangeSpec, { kind: 'visit' }>['visit'], corrects: string | null, household?: { id: string; hamletId: string }) => {
    const h = household ?? pick(world.households, v.household);
    if (!h) return [];
    const members = world.people.filter((p) => p.householdId === h.id);
    const pool = v.strangers || members.length === 0 ? world.people : members;
    const outcomes = pool.length === 0 ? [] : v.outcomes.map((o) => ({
      personId: pick(pool, o.person)!.id, skill: o.skill, outcome: o.outcome, subSkills: [],
    }));
    const record = {
      id: uuidv7(), householdId: h.id, hamletId: h.hamletId, ...AREA, visitedAt: v.visitedAt, recordedAt: v.recordedAt,
      corrects, outcomes, notes: '', followUpOn: v.followUpOn, authorId: 'someone-else',
    };
    if (corrects === null) world.visits.push({ id: record.id, householdId: h.id, hamletId: h.hamletId });
    return [{ seq: next(), entity: 'visit', record }];
  };
  switch (spec.kind) {
    case 'visit':
      return visit(spec.visit, null);
    case 'correct': {
      const target = pick(world.visits, spec.target);
      if (!target) return [];
      const h = world.households.find((x) => x.id === target.householdId) ?? { id: target.householdId, hamletId: target.hamletId };
      return visit(spec.visit, target.id, h);
    }
    case 'move-person':
    case 'remove-person': {
      const p = pick(world.people, spec.person);
      const to = spec.kind === 'move-person' ? pick(world.households, spec.household) : undefined;
      if (!p) return [];
      if (to) p.householdId = to.id;
      else p.deleted = true;
      return [{ seq: next(), entity: 'person', record: personRecord(p.id, p.householdId, world.seq + 1, p.deleted) }];
    }
    case 'add-person': {
      const h = pick(world.households, spec.household);
      if (!h) return [];
      const p = { id: uuidv7(), householdId: h.id, deleted: false };
      world.people.push(p);
      return [{ seq: next(), entity: 'person', record: personRecord(p.id, h.id) }];
    }
    case 'move-household':
    case 'delete-household': {
      const h = pick(world.households, spec.household);
      if (!h) return [];
      const deleted = spec.kind === 'delete-household';
      if (!deleted) h.hamletId = pick(world.hamlets, spec.hamlet)!;
      else world.households = world.households.filter((x) => x !== h);
      return [{ seq: next(), entity: 'household', record: householdRecord(h.id, h.hamletId, world.seq + 1, deleted) }];
    }
  }
}

/** Applies pulled changes page by page, as the engine's pullAll does; an interrupted pull refreshes what it left. */
async function pullInPages(changes: unknown[], pageSize: number, stopAfter?: number, closed = false): Promise<void> {
  const session = newPullSession();
  // An empty pull is one empty page, as the server answers it.
  const pages = Math.max(1, Math.ceil(changes.length / pageSize));
  for (let i = 0; i < pages; i++) {
    const page = changes.slice(i * pageSize, (i + 1) * pageSize);
    const cursor = (page.at(-1) as { seq: number } | undefined)?.seq ?? 0;
    if (stopAfter !== undefined && i === stopAfter) {
      if (!closed) await refreshWaitingHouseholds();
      return;
    }
    await applyParsedPage(parsePulledChanges(page), cursor, { moreFollow: i < pages - 1, session });
  }
}

/** Summaries, and hamlet totals leaving out rows that went back to zero (a rebuild deletes them, a refresh keeps them). */
async function projections() {
  const db = getDb();
  const zero = JSON.stringify({ hamletId: '', ...emptyTotals() });
  return {
    summaries: await db.summaries.orderBy('householdId').toArray(),
    totals: (await db.hamletTotals.orderBy('hamletId').toArray()).filter((t) => JSON.stringify({ ...t, hamletId: '' }) !== zero),
  };
}

async function rebuilt() {
  const db = getDb();
  await db.transaction('rw', [db.households, db.people, db.visits, db.summaries, db.hamletTotals], () => rebuildAllProjections(db));
  return projections();
}

/** A device that pulled a commune: hamlets, households (some without members) and their people, no visits yet. */
async function seedDevice(households: number): Promise<World> {
  const world: World = { hamlets: [uuidv7(), uuidv7(), uuidv7()], households: [], people: [], visits: [], seq: 0 };
  const changes: unknown[] = world.hamlets.map((id) => ({ seq: (world.seq += 1), entity: 'hamlet', record: hamletRecord(id) }));
  for (let i = 0; i < households; i++) {
    const h = { id: uuidv7(), hamletId: world.hamlets[i % world.hamlets.length]! };
    world.households.push(h);
    changes.push({ seq: (world.seq += 1), entity: 'household', record: householdRecord(h.id, h.hamletId) });
    for (let m = 0; m < i % 4; m++) {
      const p = { id: uuidv7(), householdId: h.id, deleted: false };
      world.people.push(p);
      changes.push({ seq: (world.seq += 1), entity: 'person', record: personRecord(p.id, h.id) });
    }
  }
  await pullInPages(changes, 1000);
  return world;
}

describe('folding pulled first visits into the projections', () => {
  it('leaves summaries and hamlet totals equal to a rebuild after any sequence of pulls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pullArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), async (pulls, households) => {
        const db = getDb();
        await db.delete();
        await db.open();
        const world = await seedDevice(households);
        // A last pull with nothing new still refreshes what an interrupted one left waiting.
        for (const pull of [...pulls, { changes: [], pageSize: 1, stopAfter: undefined, closed: false }]) {
          const changes = pull.changes.flatMap((c) => toPulled(world, c));
          await pullInPages(changes, pull.pageSize, pull.stopAfter, pull.closed);
        }
        const kept = await projections();
        expect(kept).toEqual(await rebuilt());
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('refreshes, never folds, a household that a pull closed midway left waiting', async () => {
    const world = await seedDevice(2);
    const fresh = world.households[1]!;
    const personId = world.people.find((p) => p.householdId === fresh.id)!.id;
    const visit = (visitedAt: string, outcome: Outcome) => ({
      seq: (world.seq += 1), entity: 'visit',
      record: {
        id: uuidv7(), householdId: fresh.id, hamletId: fresh.hamletId, ...AREA, visitedAt, recordedAt: visitedAt,
        corrects: null, outcomes: [{ personId, skill: 'online-safety', outcome, subSkills: [] }], notes: '',
        followUpOn: null, authorId: 'someone-else',
      },
    });
    // The first pull applies its first page (a later visit) and the tab closes before the second.
    await pullInPages([visit(TIMES[3]!, 'proficient'), visit(TIMES[0]!, 'guided')], 1, 1, true);
    await pullInPages([visit(TIMES[2]!, 'guided')], 1);

    expect(await getDb().summaries.get(fresh.id)).toMatchObject({ lastVisitedAt: TIMES[3], proficient: { 'online-safety': 1 } });
    expect(await projections()).toEqual(await rebuilt());
  });

  it('folds only households never visited, and hands the rest back to be refreshed', async () => {
    const world = await seedDevice(3);
    const [empty, fresh, visited] = world.households as [World['households'][0], World['households'][0], World['households'][0]];
    const member = (h: { id: string }) => world.people.find((p) => p.householdId === h.id)!.id;
    const visit = (h: { id: string; hamletId: string }, personId: string | null, outcome: Outcome, visitedAt: string) => ({
      seq: (world.seq += 1), entity: 'visit',
      record: {
        id: uuidv7(), householdId: h.id, hamletId: h.hamletId, ...AREA, visitedAt, recordedAt: visitedAt, corrects: null,
        outcomes: personId === null ? [] : SKILL_CODES.map((skill) => ({ personId, skill, outcome, subSkills: [] })),
        notes: '', followUpOn: '2026-12-01', authorId: 'someone-else',
      },
    });
    // `visited` gets a visit first, refreshed the usual way: it is no longer a first visit afterwards.
    await pullInPages([visit(visited, member(visited), 'guided', TIMES[0]!)], 10);
    const db = getDb();
    const pulled = parsePulledChanges([
      visit(fresh, member(fresh), 'proficient', TIMES[2]!),
      visit(visited, member(visited), 'proficient', TIMES[3]!),
      // The household without members (seeded first) visited about another household’s member.
      visit(empty, member(fresh), 'proficient', TIMES[1]!),
    ]);
    const records = pulled.flatMap((c) => (c.entity === 'visit' ? [c.record] : []));
    await db.visits.bulkPut(records);

    const notFolded = await db.transaction('rw', [db.people, db.summaries, db.hamletTotals, db.pendingProjections], () =>
      foldFirstVisits(db, records.map((v) => ({ householdId: v.householdId, visits: [v] }))),
    );

    expect(notFolded).toEqual([visited.id]);
    const summaries = new Map((await db.summaries.toArray()).map((s) => [s.householdId, s] as const));
    expect(summaries.get(fresh.id)).toMatchObject<Partial<SummaryRow>>({ visited: true, atTarget: true, lastVisitedAt: TIMES[2]! });
    expect(summaries.get(empty.id)).toMatchObject<Partial<SummaryRow>>({ visited: true, atTarget: false, people: 0 });
    // The not-folded household is stale until refreshed; everything else already equals a rebuild.
    const kept = await projections();
    const after = await rebuilt();
    expect(kept.summaries.filter((s) => s.householdId !== visited.id)).toEqual(after.summaries.filter((s) => s.householdId !== visited.id));
    expect(after.summaries.find((s) => s.householdId === visited.id)).toMatchObject({ atTarget: true });
  });

  it('rebuilds from slim visits kept in memory exactly as from the stored visits, whatever order they came in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ visit: visitArb, order: fc.nat(), correct: fc.option(fc.nat(), { nil: undefined }) }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        async (specs, households) => {
          const db = getDb();
          await db.delete();
          await db.open();
          const world = await seedDevice(households);
          // Some members removed: their outcomes must not count.
          const removed = world.people.filter((_, i) => i % 3 === 2);
          for (const p of removed) p.deleted = true;
          const changes = [
            ...removed.map((p) => ({ seq: (world.seq += 1), entity: 'person', record: personRecord(p.id, p.householdId, 2, true) })),
            ...specs.flatMap((s) =>
              toPulled(world, s.correct === undefined ? { kind: 'visit', visit: s.visit } : { kind: 'correct', target: s.correct, visit: s.visit }),
            ),
          ];
          await pullInPages(changes, 50);
          // Pulled in any order: the fold must not depend on it.
          const visits = await db.visits.toArray();
          const shuffled = visits.map((v, i) => ({ v, k: specs[i]?.order ?? i })).sort((a, b) => a.k - b.k).map((x) => x.v);
          const slim = new Map<string, SlimVisit[]>();
          for (const v of shuffled) slim.set(v.householdId, [...(slim.get(v.householdId) ?? []), slimVisit(v)]);

          const fromRecords = await rebuilt();
          const tables = [db.households, db.people, db.visits, db.summaries, db.hamletTotals];
          await db.transaction('rw', tables, async () => {
            // Stale projections, so that the rebuild from memory has everything to write.
            await db.summaries.clear();
            await db.hamletTotals.clear();
            await rebuildAllProjections(db, slim);
          });
          expect(await projections()).toEqual(fromRecords);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it.each([
    ['only new visits', false],
    ['a correction among them', true],
  ])('leaves a new phone’s first pull of a commune’s visits (%s) with the projections of a rebuild', async (_, withCorrection) => {
    const world = await seedDevice(520);
    const r = (n: number) => (Math.imul(n, 2654435761) >>> 0) % 1000;
    const changes = Array.from({ length: 1600 }, (_, i) =>
      toPulled(world, {
        kind: 'visit',
        visit: {
          household: i,
          outcomes: SKILL_CODES.map((skill, k) => ({ person: r(i + k), skill, outcome: r(i * 7 + k) % 3 ? 'proficient' : 'guided' })),
          strangers: r(i) % 10 === 0,
          visitedAt: TIMES[r(i * 3) % TIMES.length]!,
          recordedAt: TIMES[0]!,
          followUpOn: r(i * 5) % 2 ? DAYS[r(i) % DAYS.length]! : null,
        },
      }),
    ).flat();
    if (withCorrection) {
      changes.splice(900, 0, ...toPulled(world, { kind: 'correct', target: 3, visit: { household: 0, outcomes: [], strangers: false, visitedAt: TIMES[3]!, recordedAt: TIMES[3]!, followUpOn: null } }));
    }

    await pullInPages(changes, 400);

    const kept = await projections();
    expect(kept.summaries.filter((s) => s.visited).length).toBeGreaterThan(500);
    expect(kept).toEqual(await rebuilt());
  }, 60_000);
});
