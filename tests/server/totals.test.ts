import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Change, PushResult } from '../../src/shared/sync.ts';
import type { Household, Person, Visit } from '../../src/shared/records.ts';
import { SKILL_CODES, SUB_SKILLS, type SkillCode } from '../../src/shared/skills.ts';
import { effectiveVisits, summarizeHousehold, isFollowUpDue } from '../../src/shared/progress.ts';
import { latestSelfReported, type SelfCheckAnswers } from '../../src/shared/self-check.ts';
import { dayNumber, isoDay, vnDayOfInstant, type NodeKind, type Totals, type TotalsAnswer } from '../../src/shared/totals.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, person, visit, type TestUser } from '../support/server-fixtures.ts';
import { createPrng, type Prng } from '../support/sync-sim/prng.ts';

// Thanh Hóa: Mường Lát (2025 code kept from before), and Bỉm Sơn's 14812, which took land from the pre-2025
// districts 381 (Bỉm Sơn) and 392 (Hà Trung). Two old communes that exist only in the pre-2025 list map into 14812:
// 14815 (district 381) and 15277 (district 392).
const A = '14845';
const B = '14812';
const OLD_X = { province: '38', commune: '14815', district: '381' };
const OLD_Y = { province: '38', commune: '15277', district: '392' };

let testDb: TestDatabase;
let app: FastifyInstance;
let admin: TestUser;
let volunteers: { user: TestUser; team: string | null; commune: string | null }[];
let teamA: string;
let teamB: string;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 100_000, aggregateInBackground: false });
  teamA = await createTeam(testDb.database, A);
  teamB = await createTeam(testDb.database, B);
  admin = await createUser(app, testDb.database, 'admin', { kind: 'all' });
  volunteers = [
    { user: await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamA }), team: teamA, commune: A },
    { user: await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: teamA }), team: teamA, commune: A },
    { user: await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamB }), team: teamB, commune: B },
    // The admin pushes the pre-2025 records (no volunteer's scope holds old codes); it has no team.
    { user: admin, team: null, commune: null },
  ];
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

async function emptyRecords(): Promise<void> {
  await testDb.database.query(
    'TRUNCATE records, conflicts, devices, agg_hamlets, agg_households, agg_people, agg_visits, agg_self_checks, agg_sums, agg_periods, agg_presence, agg_slots, agg_bits, agg_running',
  );
  await testDb.database.query('UPDATE agg_state SET watermark = 0');
}

beforeEach(emptyRecords);

async function push(user: TestUser, changes: Change[], deviceId = 'device-test-01'): Promise<PushResult[]> {
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: user.auth, payload: { deviceId, changes } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { results: PushResult[] }).results;
}

async function totals(kind: NodeKind, id: string, from: string, to: string, user: TestUser = admin): Promise<TotalsAnswer> {
  const res = await app.inject({ method: 'GET', url: `/api/reports/totals?kind=${kind}&id=${id}&from=${from}&to=${to}`, headers: user.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as TotalsAnswer;
}

const newRecord = (entity: 'hamlet' | 'household' | 'person', record: Change['record'], baseVersion = 0) =>
  ({ entity, baseVersion, record }) as Change;
const visitChange = (record: Visit) => ({ entity: 'visit', baseVersion: null, record }) as Change;
const at = (day: string, time = '09:00') => `${day}T${time}:00.000+07:00`;
const allProficient = (personId: string) =>
  SKILL_CODES.map((skill) => ({ personId, skill, outcome: 'proficient' as const, subSkills: [] }));

async function insertSelfCheck(hh: Household, receivedAt: string, answers: SelfCheckAnswers): Promise<void> {
  const record = {
    id: uuidv7(), householdId: hh.id, hamletId: hh.hamletId, provinceCode: hh.provinceCode, communeCode: hh.communeCode,
    answeredAt: receivedAt, receivedAt, answers,
  };
  await testDb.database.query(
    `INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data)
     VALUES ('self-check', $1, $2, $3, 1, nextval('change_seq'), false, 'test', $4::jsonb)`,
    [record.id, hh.provinceCode, hh.communeCode, JSON.stringify(record)],
  );
}

const skill = (t: Totals, code: SkillCode) => t.skills.find((s) => s.skill === code)!;

describe('totals of an area', () => {
  it('counts a household registered, visited and at target once a member is observed proficient in all five skills', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const lan = person(hh, { createdAt: at('2026-10-01') });
    const minh = person(hh, { fullName: 'Lò Văn Minh', createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh), newRecord('person', lan), newRecord('person', minh)]);
    await push(v, [
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-03'), outcomes: [{ personId: minh.id, skill: 'online-payment', outcome: 'guided', subSkills: [] }] })),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-10'), outcomes: allProficient(lan.id) })),
    ]);

    const answer = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(answer.totals).toMatchObject({
      households: 1, visitedHouseholds: 1, atTarget: 1, atTargetRate: 1, people: 2, visits: 2, activeVolunteers: 1,
    });
    expect(skill(answer.totals, 'online-payment')).toEqual({ skill: 'online-payment', proficient: 1, guided: 1, selfReportedAlone: 0 });
    expect(skill(answer.totals, 'public-services')).toMatchObject({ proficient: 1, guided: 0 });
  });

  it('reads states as of the period end: a household that reaches the target after it is not at target in it', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const p = person(hh, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh), newRecord('person', p),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-20'), outcomes: allProficient(p.id) }))]);

    const october = await totals('commune', A, '2026-10-01', '2026-10-31');
    expect(october.totals).toMatchObject({ households: 1, atTarget: 0, visits: 0, visitedHouseholds: 0 });
    const november = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(november.totals).toMatchObject({ households: 1, atTarget: 1, visits: 1, visitedHouseholds: 1 });
    const beforeRegistration = await totals('commune', A, '2026-09-01', '2026-09-30');
    expect(beforeRegistration.totals.households).toBe(0);
  });

  it('counts what happened on the first and the last day of a month in every period around them', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-09-30') });
    const p = person(hh, { createdAt: at('2026-09-30') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh), newRecord('person', p),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-09-30'), outcomes: allProficient(p.id) })),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-01') }))]);

    const expected: [string, string, { households: number; atTarget: number; visits: number; visitedHouseholds: number }][] = [
      ['2026-09-01', '2026-09-30', { households: 1, atTarget: 1, visits: 1, visitedHouseholds: 1 }],
      ['2026-09-20', '2026-09-30', { households: 1, atTarget: 1, visits: 1, visitedHouseholds: 1 }],
      ['2026-09-20', '2026-09-29', { households: 0, atTarget: 0, visits: 0, visitedHouseholds: 0 }],
      ['2026-09-30', '2026-10-31', { households: 1, atTarget: 1, visits: 1, visitedHouseholds: 1 }],
      ['2026-10-01', '2026-10-31', { households: 1, atTarget: 1, visits: 0, visitedHouseholds: 0 }],
      ['2026-10-01', '2026-11-01', { households: 1, atTarget: 1, visits: 1, visitedHouseholds: 1 }],
      ['2026-09-30', '2026-11-01', { households: 1, atTarget: 1, visits: 2, visitedHouseholds: 1 }],
      ['2026-11-02', '2027-03-31', { households: 1, atTarget: 1, visits: 0, visitedHouseholds: 0 }],
    ];
    for (const [from, to, figures] of expected) {
      for (const [kind, id] of [['province', '38'], ['commune', A]] as const) {
        expect((await totals(kind, id, from, to)).totals, `${kind} ${from}..${to}`).toMatchObject({ ...figures, activeVolunteers: figures.visits > 0 ? 1 : 0 });
      }
    }
  });

  it('counts a visit on the Vietnamese calendar day it was made, whatever offset its time carries', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    // 18:30 UTC on 31 October is 01:30 on 1 November in Vietnam.
    await push(v, [newRecord('hamlet', h), newRecord('household', hh), visitChange(visit(hh, v.id, { visitedAt: '2026-10-31T18:30:00.000Z' }))]);
    expect((await totals('commune', A, '2026-10-01', '2026-10-31')).totals.visits).toBe(0);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).totals.visits).toBe(1);
  });

  it('lets a correction replace the visit it corrects: its outcomes and its date, counted once', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const p = person(hh, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    const original = visit(hh, v.id, { visitedAt: at('2026-11-05'), recordedAt: at('2026-11-05'), outcomes: allProficient(p.id) });
    await push(v, [newRecord('hamlet', h), newRecord('household', hh), newRecord('person', p), visitChange(original)]);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).totals.atTarget).toBe(1);

    const correction = visit(hh, v.id, {
      corrects: original.id, visitedAt: at('2026-12-02'), recordedAt: at('2026-11-06'),
      outcomes: [{ personId: p.id, skill: 'online-safety', outcome: 'guided', subSkills: [] }],
    });
    await push(v, [visitChange(correction)]);
    const november = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(november.totals).toMatchObject({ visits: 0, atTarget: 0, visitedHouseholds: 0 });
    const december = await totals('commune', A, '2026-12-01', '2026-12-31');
    expect(december.totals).toMatchObject({ visits: 1, atTarget: 0, visitedHouseholds: 1 });
    expect(skill(december.totals, 'online-safety')).toMatchObject({ guided: 1, proficient: 0 });
  });

  it('counts a change pushed twice once', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    const changes = [newRecord('hamlet', h), newRecord('household', hh), visitChange(visit(hh, v.id, { visitedAt: at('2026-11-05') }))];
    await push(v, changes);
    await totals('commune', A, '2026-11-01', '2026-11-30');
    const again = await push(v, changes);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).totals).toMatchObject({ households: 1, visits: 1 });
  });

  it('takes tombstoned households out of every total and tombstoned people out of the people and skills', async () => {
    const h = hamlet(A);
    const kept = household(h, { createdAt: at('2026-10-01') });
    const gone = household(h, { createdAt: at('2026-10-01'), headName: 'Hà Văn Xóa' });
    const p = person(kept, { createdAt: at('2026-10-01') });
    const q = person(kept, { createdAt: at('2026-10-01'), fullName: 'Lò Thị Hoa' });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', kept), newRecord('household', gone), newRecord('person', p), newRecord('person', q),
      visitChange(visit(kept, v.id, { visitedAt: at('2026-11-05'), outcomes: [...allProficient(p.id), { personId: q.id, skill: 'online-shopping', outcome: 'guided', subSkills: [] }] })),
      visitChange(visit(gone, v.id, { visitedAt: at('2026-11-06') }))]);
    const before = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(before.totals).toMatchObject({ households: 2, visits: 2, atTarget: 1, people: 2 });

    await push(v, [newRecord('household', { ...gone, version: 1, deleted: true }, 1), newRecord('person', { ...p, version: 1, deleted: true }, 1)]);
    const after = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(after.totals).toMatchObject({ households: 1, visits: 1, visitedHouseholds: 1, atTarget: 0, people: 1 });
    expect(skill(after.totals, 'online-shopping')).toMatchObject({ guided: 1, proficient: 0 });
    expect(skill(after.totals, 'public-services')).toMatchObject({ guided: 0, proficient: 0 });
  });

  it('counts a follow-up as due from its date until the next visit', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-02'), followUpOn: '2026-11-10' }))]);
    expect((await totals('commune', A, '2026-11-01', '2026-11-09')).totals.followUpsDue).toBe(0);
    expect((await totals('commune', A, '2026-11-01', '2026-11-10')).totals.followUpsDue).toBe(1);
    await push(v, [visitChange(visit(hh, v.id, { visitedAt: at('2026-11-15'), followUpOn: null }))]);
    expect((await totals('commune', A, '2026-11-01', '2026-11-14')).totals.followUpsDue).toBe(1);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).totals.followUpsDue).toBe(0);
  });

  it('moves a household and its history with it when it changes hamlet', async () => {
    const east = hamlet(A, { name: 'Thôn Đông' });
    const west = hamlet(A, { name: 'Thôn Tây' });
    const hh = household(east, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', east), newRecord('hamlet', west), newRecord('household', hh),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-05') }))]);
    expect((await totals('hamlet', east.id, '2026-11-01', '2026-11-30')).totals.visits).toBe(1);
    await push(v, [newRecord('household', { ...hh, hamletId: west.id, version: 1 }, 1)]);
    expect((await totals('hamlet', east.id, '2026-11-01', '2026-11-30')).totals).toMatchObject({ households: 0, visits: 0 });
    expect((await totals('hamlet', west.id, '2026-11-01', '2026-11-30')).totals).toMatchObject({ households: 1, visits: 1 });
  });

  it('keeps self-reported "can do alone" apart from observed outcomes', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh)]);
    const alone = Object.fromEntries(SUB_SKILLS['online-payment'].map((s) => [s, 'alone'])) as SelfCheckAnswers;
    await insertSelfCheck(hh, '2026-11-12T10:00:00.000+07:00', { ...alone, 'vneid-install': 'with-help' });
    const answer = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(skill(answer.totals, 'online-payment')).toEqual({ skill: 'online-payment', proficient: 0, guided: 0, selfReportedAlone: 1 });
    expect(skill(answer.totals, 'public-services').selfReportedAlone).toBe(0);
    expect((await totals('commune', A, '2026-11-01', '2026-11-11')).totals.skills.every((s) => s.selfReportedAlone === 0)).toBe(true);

    // A later self-check's word on a skill replaces the earlier one, from the day it arrives.
    const withHelp = Object.fromEntries(SUB_SKILLS['online-payment'].map((s) => [s, 'with-help'])) as SelfCheckAnswers;
    await insertSelfCheck(hh, '2026-11-20T10:00:00.000+07:00', withHelp);
    expect(skill((await totals('commune', A, '2026-11-01', '2026-11-19')).totals, 'online-payment').selfReportedAlone).toBe(1);
    expect(skill((await totals('commune', A, '2026-11-01', '2026-11-30')).totals, 'online-payment').selfReportedAlone).toBe(0);
  });

  it('counts each household once among those visited in a period that starts on one of its visit days', async () => {
    const h = hamlet(A);
    const hh = household(h, { createdAt: at('2026-10-01') });
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', h), newRecord('household', hh),
      visitChange(visit(hh, v.id, { visitedAt: at('2026-11-02') })), visitChange(visit(hh, v.id, { visitedAt: at('2026-11-15') }))]);
    for (const [from, to] of [['2026-11-02', '2026-11-20'], ['2026-11-03', '2026-11-20'], ['2026-10-20', '2026-11-02']]) {
      for (const [kind, id] of [['commune', A], ['hamlet', h.id], ['volunteer', v.id], ['team', teamA]] as const) {
        expect((await totals(kind, id, from!, to!)).totals.visitedHouseholds, `${kind} ${from}..${to}`).toBe(1);
      }
    }
  });

  it('rolls pre-2025 records up to their own district and to the 2025 commune the mapping gives', async () => {
    const hNew = hamlet(B);
    const hOldX = hamlet(OLD_X.commune, {}, OLD_X.province);
    const hOldY = hamlet(OLD_Y.commune, {}, OLD_Y.province);
    const inB = household(hNew, { createdAt: at('2024-03-01') });
    const inX = household(hOldX, { createdAt: at('2024-03-01') });
    const inY = household(hOldY, { createdAt: at('2024-03-01') });
    await push(admin, [newRecord('hamlet', hNew), newRecord('hamlet', hOldX), newRecord('hamlet', hOldY),
      newRecord('household', inB), newRecord('household', inX), newRecord('household', inY)]);
    const period = ['2024-01-01', '2024-12-31'] as const;
    expect((await totals('commune', B, ...period)).totals.households).toBe(3);
    expect((await totals('district', OLD_X.district, ...period)).totals.households).toBe(2); // inB and inX
    expect((await totals('district', OLD_Y.district, ...period)).totals.households).toBe(2); // inB and inY
    expect((await totals('province', '38', ...period)).totals.households).toBe(3);
  });

  it('stamps every answer with the sequence number it reflects after catching up', async () => {
    const h = hamlet(A);
    const v = volunteers[0]!.user;
    const results = await push(v, [newRecord('hamlet', h), newRecord('household', household(h, { createdAt: at('2026-10-01') }))]);
    const answer = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(answer.seq).toBe(Math.max(...results.map((r) => r.seq!)));
    expect(answer.latestSeq).toBe(answer.seq);
    expect(answer.totals.households).toBe(1);
  });

  it('lists a commune\'s hamlets, teams and volunteers, each group in Vietnamese order', async () => {
    const v = volunteers[0]!.user;
    const names = ['Thôn Đồng Tâm', 'Bản Xa Lung', 'Thôn Chiềng'];
    await push(v, names.map((name) => newRecord('hamlet', hamlet(A, { name }))));
    const answer = await totals('commune', A, '2026-11-01', '2026-11-30');
    expect(answer.children.filter((c) => c.node.kind === 'hamlet').map((c) => c.node.name)).toEqual(['Bản Xa Lung', 'Thôn Chiềng', 'Thôn Đồng Tâm']);
    expect(answer.children.filter((c) => c.node.kind === 'team').map((c) => c.node.id)).toEqual([teamA]);
    expect(answer.children.filter((c) => c.node.kind === 'volunteer').map((c) => c.node.id).sort())
      .toEqual([volunteers[0]!.user.id, volunteers[1]!.user.id].sort());
    expect(answer.path).toEqual([{ kind: 'province', id: '38', name: 'Tỉnh Thanh Hoá' }]);
  });

  it('counts a device as not synced when its last sync is more than 7 days old', async () => {
    const v = volunteers[0]!.user;
    await push(v, [newRecord('hamlet', hamlet(A))], `device-${uuidv7()}`);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).staleDevices).toBe(0);
    await testDb.database.query(`UPDATE devices SET last_sync_at = now() - interval '8 days'`);
    expect((await totals('commune', A, '2026-11-01', '2026-11-30')).staleDevices).toBe(1);
    expect((await totals('team', teamA, '2026-11-01', '2026-11-30')).staleDevices).toBe(1);
    expect((await totals('commune', B, '2026-11-01', '2026-11-30')).staleDevices).toBe(0);
  });
});

// ---- Brute force ------------------------------------------------------------------------------------------------

interface Stored {
  entity: string;
  deleted: boolean;
  updated_by: string | null;
  data: Record<string, unknown>;
}

interface UnitsFiles {
  oldPairs: Map<string, { commune: string; province: string; district: string }>;
  pairs2025: Set<string>;
  communeDistricts: Map<string, Set<string>>;
}

function readUnits(): UnitsFiles {
  const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as never;
  const now = read('../../public/data/admin-units-2025.json') as { provinces: { code: string; communes: { code: string }[] }[] };
  const pre = read('../../src/server/data/vn-admin-units-pre2025.json') as { provinces: { code: string; districts: { code: string; communes: { code: string }[] }[] }[] };
  const map = read('../../src/server/data/vn-admin-units-old-to-new-2025.json') as { provinces: Record<string, string>; communes: Record<string, string[]> };
  const pairs2025 = new Set(now.provinces.flatMap((p) => p.communes.map((c) => `${p.code}:${c.code}`)));
  const oldPairs = new Map<string, { commune: string; province: string; district: string }>();
  const communeDistricts = new Map<string, Set<string>>();
  for (const p of pre.provinces) {
    for (const d of p.districts) {
      for (const c of d.communes) {
        const next = map.communes[c.code] ?? [];
        oldPairs.set(`${p.code}:${c.code}`, { commune: next[0]!, province: map.provinces[p.code]!, district: d.code });
        for (const n of next) {
          if (!communeDistricts.has(n)) communeDistricts.set(n, new Set());
          communeDistricts.get(n)!.add(d.code);
        }
      }
    }
  }
  return { oldPairs, pairs2025, communeDistricts };
}
const unitsFiles = readUnits();

interface Place {
  province: string;
  commune: string;
  districts: Set<string>;
}

function placeOf(provinceCode: string, communeCode: string): Place {
  const key = `${provinceCode}:${communeCode}`;
  if (!unitsFiles.pairs2025.has(key) && unitsFiles.oldPairs.has(key)) {
    const o = unitsFiles.oldPairs.get(key)!;
    return { province: o.province, commune: o.commune, districts: new Set([o.district]) };
  }
  return { province: provinceCode, commune: communeCode, districts: unitsFiles.communeDistricts.get(communeCode) ?? new Set() };
}

interface Snapshot {
  rows: Stored[];
  users: Map<string, string | null>;
}

async function snapshot(): Promise<Snapshot> {
  const rows = await testDb.database.query<Stored>('SELECT entity, deleted, updated_by::text AS updated_by, data FROM records');
  const users = new Map((await testDb.database.query<{ id: string; team_id: string | null }>('SELECT id::text AS id, team_id::text AS team_id FROM users')).map((u) => [u.id, u.team_id]));
  return { rows, users };
}

/** What the totals must be, recomputed from the stored records alone with the shared progress rules. */
function bruteForce({ rows, users }: Snapshot, kind: NodeKind, id: string, from: string, to: string): Totals {
  const f = dayNumber(from);
  const t = dayNumber(to);
  const households = rows.filter((r) => r.entity === 'household' && !r.deleted).map((r) => r.data as unknown as Household);
  const people = rows.filter((r) => r.entity === 'person' && !r.deleted).map((r) => r.data as unknown as Person);
  const events = rows.filter((r) => r.entity === 'visit').map((r) => {
    const v = r.data as unknown as Visit;
    const volunteer = users.has(v.authorId) ? v.authorId : r.updated_by !== null && users.has(r.updated_by) ? r.updated_by : null;
    return { ...v, volunteer, team: volunteer === null ? null : (users.get(volunteer) ?? null) };
  });
  const checks = rows.filter((r) => r.entity === 'self-check').map((r) => r.data as unknown as { householdId: string; id: string; answers: SelfCheckAnswers; answeredAt: string; receivedAt: string });

  const inArea = (hh: Household): boolean => {
    const place = placeOf(hh.provinceCode, hh.communeCode);
    switch (kind) {
      case 'province': return place.province === id;
      case 'district': return place.districts.has(id);
      case 'commune': return place.commune === id;
      case 'hamlet': return hh.hamletId === id;
      default: return true;
    }
  };
  const worker = kind === 'volunteer' || kind === 'team';
  const mine = (e: { volunteer: string | null; team: string | null }) =>
    kind === 'volunteer' ? e.volunteer === id : kind === 'team' ? e.team === id : true;

  const result: Totals = {
    households: 0, visitedHouseholds: 0, atTarget: 0, atTargetRate: null, people: 0,
    skills: SKILL_CODES.map((s) => ({ skill: s, guided: 0, proficient: 0, selfReportedAlone: 0 })),
    visits: 0, followUpsDue: 0, activeVolunteers: 0,
  };
  const active = new Set<string>();
  for (const hh of households) {
    if (!inArea(hh)) continue;
    const effective = effectiveVisits(events.filter((e) => e.householdId === hh.id));
    const day = (e: { current: { visitedAt: string } }) => vnDayOfInstant(e.current.visitedAt);
    // Flows within the period.
    const inPeriod = effective.filter((e) => day(e) >= f && day(e) <= t && mine(e.current));
    result.visits += inPeriod.length;
    if (inPeriod.length > 0) result.visitedHouseholds += 1;
    for (const e of inPeriod) if (e.current.volunteer !== null) active.add(e.current.volunteer);
    // States as of the period's end.
    if (vnDayOfInstant(hh.createdAt) > t) continue;
    const byEnd = effective.filter((e) => day(e) <= t);
    if (worker && (byEnd[0] === undefined || !mine(byEnd[0].current))) continue;
    const members = people.filter((p) => p.householdId === hh.id && vnDayOfInstant(p.createdAt) <= t).map((p) => p.id);
    const summary = summarizeHousehold(members, byEnd.map((e) => e.current));
    result.households += 1;
    result.people += members.length;
    if (summary.atTarget) result.atTarget += 1;
    if (isFollowUpDue(summary.followUpOn, isoDay(t))) result.followUpsDue += 1;
    const self = latestSelfReported(checks.filter((c) => c.householdId === hh.id && vnDayOfInstant(c.receivedAt) <= t));
    for (const s of result.skills) {
      s.proficient += summary.proficient[s.skill];
      s.guided += summary.guided[s.skill];
      if (self[s.skill]?.level === 'alone') s.selfReportedAlone += 1;
    }
  }
  result.activeVolunteers = active.size;
  result.atTargetRate = result.households === 0 ? null : result.atTarget / result.households;
  return result;
}

// ---- Random histories -------------------------------------------------------------------------------------------

const BASE = dayNumber('2026-09-01');
const SPAN = 30;

interface World {
  hamlets: { record: ReturnType<typeof hamlet>; pusher: TestUser }[];
  /** `version`: the server's version of the record, which an edit must name as its base. */
  households: { record: Household; pusher: TestUser; version: number }[];
  people: { record: Person; pusher: TestUser; version: number }[];
  visits: { record: Visit; pusher: TestUser }[];
}

function instant(rng: Prng, day: number): string {
  // Any hour, sometimes written in UTC, so days near midnight cross the Vietnamese date line.
  const ms = day * 86_400_000 - 7 * 3_600_000 + rng.int(0, 86_399) * 1000;
  const d = new Date(ms);
  return rng.chance(0.5) ? d.toISOString() : new Date(ms + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
}

async function randomHistory(rng: Prng): Promise<void> {
  const world: World = { hamlets: [], households: [], people: [], visits: [] };
  const places = [
    { province: '38', commune: A, pusher: () => rng.pick(volunteers.slice(0, 2)).user },
    { province: '38', commune: B, pusher: () => volunteers[2]!.user },
    { province: OLD_X.province, commune: OLD_X.commune, pusher: () => admin },
    { province: OLD_Y.province, commune: OLD_Y.commune, pusher: () => admin },
  ];
  for (const place of places) {
    for (let i = 0; i < rng.int(1, 2); i++) {
      const record = hamlet(place.commune, { name: `Thôn ${place.commune}-${i}` }, place.province);
      const pusher = place.pusher();
      world.hamlets.push({ record, pusher });
      await push(pusher, [newRecord('hamlet', record)]);
    }
  }
  const steps = rng.int(30, 60);
  for (let step = 0; step < steps; step++) {
    const roll = rng.next();
    if (roll < 0.12 || world.households.length === 0) {
      const h = rng.pick(world.hamlets);
      const hh = household(h.record, { createdAt: instant(rng, BASE + rng.int(-10, SPAN - 20)) });
      const members = Array.from({ length: rng.int(1, 3) }, () => person(hh, { createdAt: instant(rng, dayNumber(hh.createdAt.slice(0, 10)) + rng.int(0, 30)) }));
      world.households.push({ record: hh, pusher: h.pusher, version: 1 });
      world.people.push(...members.map((record) => ({ record, pusher: h.pusher, version: 1 })));
      await push(h.pusher, [newRecord('household', hh), ...members.map((m) => newRecord('person', m))]);
    } else if (roll < 0.55) {
      // A volunteer's round: one to three visits to a household, days apart.
      const { record: hh, pusher } = rng.pick(world.households);
      const members = world.people.filter((p) => p.record.householdId === hh.id).map((p) => p.record);
      let day = BASE + rng.int(0, SPAN);
      for (let n = rng.int(1, 3); n > 0; n--, day += rng.int(0, 6)) {
        const outcomes = members.flatMap((m) => SKILL_CODES.filter(() => rng.chance(0.6)).map((s) => ({
          personId: m.id, skill: s, outcome: rng.chance(0.6) ? 'proficient' as const : 'guided' as const, subSkills: [],
        })));
        const record = visit(hh, rng.chance(0.7) ? pusher.id : 'thiet-bi-khong-tai-khoan', {
          visitedAt: instant(rng, day), recordedAt: instant(rng, day + rng.int(0, 3)), outcomes,
          followUpOn: rng.chance(0.4) ? isoDay(day + rng.int(0, 20)) : null,
        });
        world.visits.push({ record, pusher });
        await push(pusher, [visitChange(record)]);
      }
    } else if (roll < 0.67 && world.visits.length > 0) {
      // A correction (sometimes of a visit already corrected: the latest recorded wins).
      const { record: original, pusher } = rng.pick(world.visits.filter((v) => v.record.corrects === null).length > 0
        ? world.visits.filter((v) => v.record.corrects === null) : world.visits);
      const root = original.corrects ?? original.id;
      const day = rng.chance(0.5) ? vnDayOfInstant(original.visitedAt) : BASE + rng.int(0, SPAN);
      const members = world.people.filter((p) => p.record.householdId === original.householdId).map((p) => p.record);
      const record = visit(world.households.find((h) => h.record.id === original.householdId)!.record, pusher.id, {
        corrects: root, visitedAt: instant(rng, day), recordedAt: new Date(Date.parse(original.recordedAt) + rng.int(1, 9) * 3_600_000).toISOString(),
        outcomes: members.filter(() => rng.chance(0.7)).map((m) => ({ personId: m.id, skill: rng.pick(SKILL_CODES), outcome: rng.chance(0.5) ? 'proficient' as const : 'guided' as const, subSkills: [] })),
        followUpOn: rng.chance(0.3) ? isoDay(day + 7) : null,
      });
      world.visits.push({ record, pusher });
      await push(pusher, [visitChange(record)]);
    } else if (roll < 0.74 && world.visits.length > 0) {
      // The same change pushed again (a retry after a lost answer).
      const again = rng.pick(world.visits);
      const results = await push(again.pusher, [visitChange(again.record)]);
      expect(results[0]!.status).toBe('duplicate');
    } else if (roll < 0.8) {
      // A household tombstoned or moved to another hamlet of its commune.
      const target = rng.pick(world.households);
      if (target.record.deleted) continue;
      const siblings = world.hamlets.filter((h) => h.record.communeCode === target.record.communeCode &&
        h.record.provinceCode === target.record.provinceCode && h.record.id !== target.record.hamletId);
      const next = rng.chance(0.5) || siblings.length === 0 ? { ...target.record, deleted: true } : { ...target.record, hamletId: rng.pick(siblings).record.id };
      const [r] = await push(target.pusher, [newRecord('household', { ...next, version: target.version }, target.version)]);
      expect(r!.status).toBe('applied');
      target.record = next;
      target.version += 1;
    } else if (roll < 0.85 && world.people.length > 0) {
      const target = rng.pick(world.people);
      if (target.record.deleted) continue;
      const [r] = await push(target.pusher, [newRecord('person', { ...target.record, deleted: true, version: target.version }, target.version)]);
      expect(r!.status).toBe('applied');
      target.record = { ...target.record, deleted: true };
      target.version += 1;
    } else if (roll < 0.95) {
      const { record: hh } = rng.pick(world.households);
      // Per skill: nothing, every sub-skill alone, every one with help, or a mix.
      const answers: Record<string, string> = {};
      for (const code of SKILL_CODES) {
        const style = rng.int(0, 3);
        if (style === 0) continue;
        for (const sub of SUB_SKILLS[code]) answers[sub] = style === 1 ? 'alone' : style === 2 ? 'with-help' : rng.pick(['alone', 'not-yet']);
      }
      if (Object.keys(answers).length > 0) await insertSelfCheck(hh, instant(rng, BASE + rng.int(0, SPAN)), answers as SelfCheckAnswers);
    } else {
      // Someone opens a report in the middle: the aggregates catch up incrementally from here.
      await totals('province', '38', isoDay(BASE), isoDay(BASE + SPAN));
    }
  }
}

/**
 * A calendar month or week, or any range — often starting or ending on a day something happened, sometimes months
 * long around the whole history (read from the longest runs of the bitmaps, migration 0006).
 */
function randomPeriod(rng: Prng, busyDays: readonly number[]): [string, string] {
  const kind = rng.int(0, 6);
  if (kind === 6) {
    const a = (busyDays.length > 0 && rng.chance(0.5) ? rng.pick(busyDays) : BASE) - rng.int(0, 300);
    return [isoDay(a), isoDay(Math.max(a, BASE + SPAN) + rng.int(0, 300))];
  }
  if (kind >= 4 && busyDays.length > 0) {
    const a = rng.pick(busyDays) + rng.int(-1, 1);
    return rng.chance(0.5) ? [isoDay(a), isoDay(a + rng.int(0, 20))] : [isoDay(a - rng.int(0, 20)), isoDay(a)];
  }
  if (kind === 0) {
    const month = rng.pick(['2026-09', '2026-10']);
    const end = { '2026-09': 30, '2026-10': 31 }[month];
    return [`${month}-01`, `${month}-${end}`];
  }
  if (kind === 1) {
    const monday = dayNumber('2026-08-31') + 7 * rng.int(0, 5);
    return [isoDay(monday), isoDay(monday + 6)];
  }
  const a = BASE - 20 + rng.int(0, SPAN + 20);
  const b = a + rng.int(0, 60);
  return [isoDay(a), isoDay(b)];
}

describe('totals against a brute-force recomputation', () => {
  it('agree for every node and period over random histories with corrections, retries, tombstones and pre-2025 records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        await emptyRecords();
        const rng = createPrng(seed);
        await randomHistory(rng);
        const hamletIds = (await testDb.database.query<{ id: string }>(`SELECT id::text AS id FROM records WHERE entity = 'hamlet'`)).map((r) => r.id);
        const nodes: [NodeKind, string][] = [
          ['province', '38'], ['commune', A], ['commune', B], ['district', OLD_X.district], ['district', OLD_Y.district],
          ['district', '384'], ['team', teamA], ['team', teamB], ...volunteers.map((v): [NodeKind, string] => ['volunteer', v.user.id]),
          ...hamletIds.map((h): [NodeKind, string] => ['hamlet', h]),
        ];
        await totals('province', '38', isoDay(BASE), isoDay(BASE)); // catch up before the snapshot
        const stored = await snapshot();
        const busyDays = stored.rows.filter((r) => r.entity === 'visit').map((r) => vnDayOfInstant(String(r.data.visitedAt)));
        for (let i = 0; i < 4; i++) {
          const [from, to] = randomPeriod(rng, busyDays);
          for (const [kind, id] of nodes) {
            const answer = await totals(kind, id, from, to);
            expect(answer.totals, `${kind} ${id} ${from}..${to} (seed ${seed})`).toEqual(bruteForce(stored, kind, id, from, to));
            for (const child of answer.children) {
              expect(child.totals, `child ${child.node.kind} ${child.node.id} of ${kind} ${id} ${from}..${to} (seed ${seed})`)
                .toEqual(bruteForce(stored, child.node.kind, child.node.id, from, to));
            }
          }
        }
      }),
      { numRuns: Number(process.env.TOTALS_PROPERTY_RUNS ?? 6) },
    );
  }, 600_000);

  it('gives the same totals when the aggregates are rebuilt from nothing as when they were kept up incrementally', async () => {
    const rng = createPrng(20_261_122);
    await randomHistory(rng);
    const before = await totals('province', '38', isoDay(BASE), isoDay(BASE + SPAN));
    await testDb.database.query('TRUNCATE agg_hamlets, agg_households, agg_people, agg_visits, agg_self_checks, agg_sums, agg_periods, agg_presence, agg_slots, agg_bits, agg_running');
    await testDb.database.query('UPDATE agg_state SET watermark = 0');
    const after = await totals('province', '38', isoDay(BASE), isoDay(BASE + SPAN));
    expect(after.totals).toEqual(before.totals);
    expect(after.children).toEqual(before.children);
    expect(after.totals.households).toBeGreaterThan(0);
  }, 120_000);
});
