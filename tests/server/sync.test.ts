import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Change, PullResponse, PushResult } from '../../src/shared/sync.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, person, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
const B = '14848';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteerA: TestUser;
let volunteerB: TestUser;
let leaderA: TestUser;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});
beforeEach(async () => {
  await resetData(testDb.database);
  const teamA = await createTeam(testDb.database, A);
  const teamB = await createTeam(testDb.database, B);
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamA });
  volunteerB = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamB });
  leaderA = await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: teamA });
});

async function push(user: TestUser, changes: Change[]): Promise<PushResult[]> {
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: user.auth, payload: { deviceId: 'device-0001', changes } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { results: PushResult[] }).results;
}

async function pull(user: TestUser, after = 0, limit = 500): Promise<PullResponse> {
  const res = await app.inject({ method: 'GET', url: `/api/sync/pull?after=${after}&limit=${limit}`, headers: user.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PullResponse;
}

const mutable = <E extends 'hamlet' | 'household' | 'person'>(entity: E, record: Change['record'], baseVersion: number | null = 0) =>
  ({ entity, baseVersion, record }) as Change;
const visitChange = (record: Change['record']) => ({ entity: 'visit', baseVersion: null, record }) as Change;

describe('push', () => {
  it('applies new records of every entity with increasing receipts and version 1', async () => {
    const h = hamlet(A);
    const hh = household(h);
    const p = person(hh);
    const v = visit(hh, volunteerA.id);
    const results = await push(volunteerA, [mutable('hamlet', h), mutable('household', hh), mutable('person', p), visitChange(v)]);
    expect(results.map((r) => [r.entity, r.status])).toEqual([['hamlet', 'applied'], ['household', 'applied'], ['person', 'applied'], ['visit', 'applied']]);
    const seqs = results.map((r) => r.seq!);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    expect(results.slice(0, 3).every((r) => r.version === 1)).toBe(true);
  });

  it('answers duplicate with the same receipt when the same content is pushed again', async () => {
    const h = hamlet(A);
    const v = visit(household(h), volunteerA.id);
    const hh = household(h, { id: v.householdId });
    const first = await push(volunteerA, [mutable('hamlet', h), mutable('household', hh), visitChange(v)]);
    const again = await push(volunteerA, [mutable('hamlet', h), mutable('household', hh), visitChange(v)]);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.map((r) => r.seq)).toEqual(first.map((r) => r.seq));
  });

  it('records a conflict when a visit id comes back with other content, and keeps the first', async () => {
    const h = hamlet(A);
    const hh = household(h);
    const v = visit(hh, volunteerA.id);
    await push(volunteerA, [mutable('hamlet', h), mutable('household', hh), visitChange(v)]);
    const [r] = await push(volunteerA, [visitChange({ ...v, notes: 'Nội dung khác' })]);
    expect(r).toMatchObject({ status: 'conflict', problem: 'sync.id-conflict' });
    const pulled = await pull(leaderA);
    expect(pulled.changes.find((c) => c.record.id === v.id)?.record).toMatchObject({ notes: 'Hướng dẫn cài VNeID' });
    const list = await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: leaderA.auth });
    expect(list.json().conflicts).toEqual([expect.objectContaining({ entity: 'visit', recordId: v.id, problem: 'sync.id-conflict' })]);
  });

  it('applies an edit on the current version and stores a conflict with both versions for a stale one', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await push(volunteerA, [mutable('hamlet', h), mutable('household', hh)]);
    const [edit] = await push(volunteerA, [mutable('household', { ...hh, headName: 'Lò Văn Pành (chủ hộ)', version: 1 }, 1)]);
    expect(edit).toMatchObject({ status: 'applied', version: 2 });
    // A second device edited from version 1 too: stale.
    const [stale] = await push(leaderA, [mutable('household', { ...hh, address: 'Bản Pù Quăn, nhà 12', version: 1 }, 1)]);
    expect(stale).toMatchObject({ status: 'conflict', problem: 'sync.stale-version', version: 2 });

    const list = await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: leaderA.auth });
    const [conflict] = list.json().conflicts;
    expect(conflict).toMatchObject({
      entity: 'household', recordId: hh.id, baseVersion: 1, serverVersion: 2,
      serverRecord: { headName: 'Lò Văn Pành (chủ hộ)' }, deviceRecord: { address: 'Bản Pù Quăn, nhà 12' },
    });
    // The server kept its version: no silent last-writer-wins.
    const pulled = await pull(leaderA);
    expect(pulled.changes.find((c) => c.record.id === hh.id)?.record).toMatchObject({ headName: 'Lò Văn Pành (chủ hộ)', address: 'Bản Pù Quăn', version: 2 });

    const merged = { ...hh, headName: 'Lò Văn Pành (chủ hộ)', address: 'Bản Pù Quăn, nhà 12', version: 2 };
    const resolved = await app.inject({ method: 'POST', url: `/api/sync/conflicts/${conflict.id}/resolve`, headers: leaderA.auth, payload: { choice: 'merged', record: merged } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ choice: 'merged', version: 3 });
    const after = await pull(leaderA);
    expect(after.changes.find((c) => c.record.id === hh.id)?.record).toMatchObject({ address: 'Bản Pù Quăn, nhà 12', version: 3 });
    expect((await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: leaderA.auth })).json().conflicts).toEqual([]);
  });

  it('applies several edits of one record from one device in the same batch, in order', async () => {
    const h = hamlet(A);
    const results = await push(volunteerA, [
      mutable('hamlet', h, 0),
      mutable('hamlet', { ...h, name: 'Thôn Đông Nam' }, 0),
      mutable('hamlet', { ...h, name: 'Thôn Đông Bắc' }, 0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const pulled = await pull(volunteerA);
    expect(pulled.changes).toHaveLength(1);
    expect(pulled.changes[0]!.record).toMatchObject({ name: 'Thôn Đông Bắc', version: 3 });
  });

  it('rejects an invalid record, a record whose parent is unknown, and one outside the scope — and applies the rest', async () => {
    const h = hamlet(A);
    const orphan = person(household(h));
    const outside = hamlet(B);
    const badRecord = { ...hamlet(A), extra: 'x' };
    const results = await push(volunteerA, [
      mutable('hamlet', badRecord as unknown as Change['record']),
      mutable('person', orphan),
      mutable('hamlet', outside),
      mutable('hamlet', h),
    ]);
    expect(results.map((r) => [r.status, r.problem])).toEqual([
      ['rejected', 'sync.invalid-record'],
      ['rejected', 'sync.unknown-parent'],
      ['rejected', 'sync.out-of-scope'],
      ['applied', undefined],
    ]);
    expect(results[0]!.id).toBe(badRecord.id);
  });

  it('does not let a volunteer of commune A move a record of commune B into A', async () => {
    const hb = hamlet(B);
    await push(volunteerB, [mutable('hamlet', hb)]);
    const [r] = await push(volunteerA, [mutable('hamlet', { ...hb, communeCode: A, version: 1 }, 1)]);
    expect(r).toMatchObject({ status: 'rejected', problem: 'sync.out-of-scope' });
  });
});

describe('pull', () => {
  it('pages by the sequence cursor and includes tombstones', async () => {
    const hamlets = [hamlet(A, { name: 'Thôn 1' }), hamlet(A, { name: 'Thôn 2' }), hamlet(A, { name: 'Thôn 3' })];
    await push(volunteerA, hamlets.map((h) => mutable('hamlet', h)));
    await push(volunteerA, [mutable('hamlet', { ...hamlets[0]!, deleted: true, version: 1 }, 1)]);

    const first = await pull(volunteerA, 0, 2);
    expect(first.changes).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const second = await pull(volunteerA, first.cursor, 2);
    expect(second.changes).toHaveLength(1);
    expect(second.hasMore).toBe(false);
    const all = [...first.changes, ...second.changes];
    expect(all.map((c) => c.seq)).toEqual([...all.map((c) => c.seq)].sort((a, b) => a - b));
    expect(all.find((c) => c.record.id === hamlets[0]!.id)?.record).toMatchObject({ deleted: true, version: 2 });
    const empty = await pull(volunteerA, second.cursor, 2);
    expect(empty).toEqual({ changes: [], cursor: second.cursor, hasMore: false });
  });

  it('gives each user only the records of their scope', async () => {
    const ha = hamlet(A);
    const hb = hamlet(B);
    const hOther = hamlet('16000', {}, '40');
    const admin = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    await push(volunteerA, [mutable('hamlet', ha)]);
    await push(volunteerB, [mutable('hamlet', hb)]);
    await push(admin, [mutable('hamlet', hOther)]);
    const province = await createUser(app, testDb.database, 'coordinator', { kind: 'province', code: '38' });
    const commune = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: B });
    const district = await createUser(app, testDb.database, 'coordinator', { kind: 'district', code: '400', communes: [A, '16000'] });
    const ids = async (u: TestUser) => (await pull(u)).changes.map((c) => c.record.id).sort();
    expect(await ids(volunteerA)).toEqual([ha.id]);
    expect(await ids(volunteerB)).toEqual([hb.id]);
    expect(await ids(commune)).toEqual([hb.id]);
    expect(await ids(province)).toEqual([ha.id, hb.id].sort());
    expect(await ids(district)).toEqual([ha.id, hOther.id].sort());
    expect(await ids(admin)).toEqual([ha.id, hb.id, hOther.id].sort());
  });

  it('refuses a bad cursor or page size with a 400 Problem', async () => {
    for (const q of ['after=-1', 'after=abc', 'limit=0', 'limit=999999', 'after=1&sneaky=1']) {
      const res = await app.inject({ method: 'GET', url: `/api/sync/pull?${q}`, headers: volunteerA.auth });
      expect(res.statusCode, q).toBe(400);
      expect(String(res.json().code), q).toMatch(/^request\./);
    }
  });
});

describe('conflicts', () => {
  it('a volunteer sees only their own conflicts and cannot resolve another commune’s', async () => {
    const hb = hamlet(B);
    await push(volunteerB, [mutable('hamlet', hb)]);
    await push(volunteerB, [mutable('hamlet', { ...hb, name: 'Thôn Mới', version: 1 }, 1)]);
    const [c] = await push(volunteerB, [mutable('hamlet', { ...hb, name: 'Thôn Cũ', version: 1 }, 1)]);
    expect(c!.status).toBe('conflict');
    const listB = (await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: volunteerB.auth })).json().conflicts;
    expect(listB).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/api/sync/conflicts', headers: volunteerA.auth })).json().conflicts).toEqual([]);
    const foreign = await app.inject({ method: 'POST', url: `/api/sync/conflicts/${listB[0].id}/resolve`, headers: volunteerA.auth, payload: { choice: 'device' } });
    expect(foreign.statusCode).toBe(404);
    const own = await app.inject({ method: 'POST', url: `/api/sync/conflicts/${listB[0].id}/resolve`, headers: volunteerB.auth, payload: { choice: 'device' } });
    expect(own.statusCode, own.body).toBe(200);
    expect((await pull(volunteerB)).changes[0]!.record).toMatchObject({ name: 'Thôn Cũ', version: 3 });
  });
});
