/**
 * Group commit (src/server/services/sync-push.ts): pushes that arrive together are applied in one transaction, and
 * every batch still gets exactly the answers it would get in a transaction of its own, in arrival order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Change, PullResponse, PushResult } from '../../src/shared/sync.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import type { AuthUser } from '../../src/server/auth/authenticate.ts';
import { applyPushGroup, createPushWriter, preparePush } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { communeVolunteer, createTeam, createUser, hamlet, household, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
const B = '14848';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;
let leader: TestUser;
let other: TestUser;

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
  const team = await createTeam(testDb.database, A);
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: team });
  leader = await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: team });
  other = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, B) });
});

function authUser(u: TestUser, commune = A): AuthUser {
  return communeVolunteer(commune, u);
}

const mutable = (entity: 'hamlet' | 'household', record: Change['record'], baseVersion: number | null = 0) =>
  ({ entity, baseVersion, record }) as Change;
const visitChange = (record: Change['record']) => ({ entity: 'visit', baseVersion: null, record }) as Change;

async function pushOne(user: TestUser, changes: Change[]): Promise<PushResult[]> {
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: user.auth, payload: { deviceId: 'device-0001', changes } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { results: PushResult[] }).results;
}

async function pullAll(user: TestUser, limit = 500): Promise<PullResponse['changes']> {
  const all: PullResponse['changes'] = [];
  let after = 0;
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/sync/pull?after=${after}&limit=${limit}`, headers: user.auth });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as PullResponse;
    all.push(...page.changes);
    if (!page.hasMore) return all;
    after = page.cursor;
  }
}

describe('batches applied together', () => {
  it('gives the second device a conflict with the first one’s version when both edited one household', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await pushOne(volunteer, [mutable('hamlet', h), mutable('household', hh)]);

    const [first, second] = await applyPushGroup(testDb.database.db, [
      preparePush(authUser(volunteer), 'device-a', [mutable('household', { ...hh, headName: 'Lò Văn Pành (A)', version: 1 }, 1)]),
      preparePush(authUser(leader), 'device-b', [mutable('household', { ...hh, address: 'Nhà 12 (B)', version: 1 }, 1)]),
    ]);

    expect(first).toEqual([expect.objectContaining({ status: 'applied', version: 2, seq: expect.any(Number) })]);
    expect(second).toEqual([expect.objectContaining({ status: 'conflict', problem: 'sync.stale-version', version: 2, seq: first![0]!.seq })]);
    const conflicts = await testDb.database.query<{ server_version: number; server_record: { headName: string }; device_record: { address: string } }>(
      'SELECT server_version, server_record, device_record FROM conflicts',
    );
    expect(conflicts).toEqual([
      expect.objectContaining({ server_version: 2, server_record: expect.objectContaining({ headName: 'Lò Văn Pành (A)' }), device_record: expect.objectContaining({ address: 'Nhà 12 (B)' }) }),
    ]);
  });

  it('does not take another batch’s edits of a record for the same device’s chain of edits', async () => {
    const h = hamlet(A);
    const [first, second] = await applyPushGroup(testDb.database.db, [
      preparePush(authUser(volunteer), 'device-a', [mutable('hamlet', h, 0), mutable('hamlet', { ...h, name: 'Thôn Đông Nam' }, 0)]),
      preparePush(authUser(leader), 'device-b', [mutable('hamlet', { ...h, name: 'Thôn Tây' }, 0)]),
    ]);

    expect(first!.map((r) => [r.status, r.version])).toEqual([['applied', 2], ['applied', 2]]);
    expect(second).toEqual([expect.objectContaining({ status: 'conflict', problem: 'sync.stale-version', version: 2 })]);
    const pulled = await pullAll(volunteer);
    expect(pulled.map((c) => c.record)).toEqual([expect.objectContaining({ name: 'Thôn Đông Nam', version: 2 })]);
  });

  it('answers duplicate with the first receipt when two batches carry one visit, and conflict when its content differs', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await pushOne(volunteer, [mutable('hamlet', h), mutable('household', hh)]);
    const v = visit(hh, volunteer.id);

    const [first, again, changed] = await applyPushGroup(testDb.database.db, [
      preparePush(authUser(volunteer), 'device-a', [visitChange(v)]),
      preparePush(authUser(volunteer), 'device-a', [visitChange(v)]),
      preparePush(authUser(leader), 'device-b', [visitChange({ ...v, notes: 'Nội dung khác' })]),
    ]);

    expect(first![0]).toMatchObject({ status: 'applied', seq: expect.any(Number) });
    expect(again![0]).toEqual({ entity: 'visit', id: v.id, status: 'duplicate', version: 1, seq: first![0]!.seq });
    expect(changed![0]).toMatchObject({ status: 'conflict', problem: 'sync.id-conflict', seq: first![0]!.seq });
    const pulled = await pullAll(leader);
    expect(pulled.filter((c) => c.entity === 'visit').map((c) => c.record)).toEqual([expect.objectContaining({ notes: 'Hướng dẫn cài VNeID' })]);
  });

  it('accepts a visit whose household an earlier batch of the group created, and still refuses another commune', async () => {
    const h = hamlet(A);
    const hh = household(h);
    const foreign = hamlet(B);
    const [created, visited, outside] = await applyPushGroup(testDb.database.db, [
      preparePush(authUser(volunteer), 'device-a', [mutable('hamlet', h), mutable('household', hh)]),
      preparePush(authUser(leader), 'device-b', [visitChange(visit(hh, leader.id))]),
      preparePush(authUser(volunteer), 'device-a', [mutable('hamlet', foreign)]),
    ]);

    expect(created!.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(visited![0]).toMatchObject({ status: 'applied' });
    expect(outside![0]).toMatchObject({ status: 'rejected', problem: 'sync.out-of-scope' });
    const seqs = [...created!, ...visited!].map((r) => r.seq!);
    expect(new Set(seqs).size).toBe(3);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});

describe('the push writer', () => {
  it('applies many concurrent pushes, each visit once with its own receipt, and every device pulls them all', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await pushOne(volunteer, [mutable('hamlet', h), mutable('household', hh)]);
    const batches = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 25 }, () => visitChange(visit(hh, i % 2 === 0 ? volunteer.id : leader.id))),
    );

    const answers = await Promise.all(batches.map((changes, i) => pushOne(i % 2 === 0 ? volunteer : leader, changes)));

    const receipts = answers.flat().map((r) => {
      expect(r.status).toBe('applied');
      return r.seq!;
    });
    expect(new Set(receipts).size).toBe(300);
    const pulled = await pullAll(leader, 40);
    const visits = pulled.filter((c) => c.entity === 'visit');
    expect(visits).toHaveLength(300);
    expect(new Set(visits.map((c) => c.record.id)).size).toBe(300);
    expect(visits.map((c) => c.seq).sort((a, b) => a - b)).toEqual([...receipts].sort((a, b) => a - b));
  });

  it('fails only the request whose batch cannot be stored when it went in a group', async () => {
    const h = hamlet(A);
    const hh = household(h);
    await pushOne(volunteer, [mutable('hamlet', h), mutable('household', hh)]);
    const taken = visit(hh, volunteer.id);
    await pushOne(volunteer, [visitChange(taken)]);
    const writer = createPushWriter(testDb.database.db);
    // A user the database does not know cannot own a stored conflict: that batch's transaction fails.
    const ghost: AuthUser = { ...authUser(volunteer), id: uuidv7() };
    const good = [visit(hh, volunteer.id), visit(hh, volunteer.id)];

    const first = writer.push(authUser(volunteer), 'device-a', [visitChange(visit(hh, volunteer.id))]);
    // These two queue while the first transaction runs, and go together in the next one.
    const failing = writer.push(ghost, 'device-x', [visitChange({ ...taken, notes: 'Khác' })]);
    const second = writer.push(authUser(leader), 'device-b', good.map(visitChange));

    await expect(first).resolves.toEqual([expect.objectContaining({ status: 'applied' })]);
    await expect(failing).rejects.toThrow();
    await expect(second).resolves.toEqual([
      expect.objectContaining({ status: 'applied', seq: expect.any(Number) }),
      expect.objectContaining({ status: 'applied', seq: expect.any(Number) }),
    ]);
    const ids = (await pullAll(volunteer)).map((c) => c.record.id);
    expect(ids).toEqual(expect.arrayContaining(good.map((v) => v.id)));
    expect(await testDb.database.query('SELECT id FROM conflicts')).toEqual([]);
  });
});

describe('pull pages', () => {
  it('walks several communes of a scope in sequence order, page after page, without skipping or repeating', async () => {
    const coordinator = await createUser(app, testDb.database, 'coordinator', { kind: 'district', code: '400', communes: [A, B] });
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      const [ha, hb] = [hamlet(A, { name: `Thôn A${i}` }), hamlet(B, { name: `Thôn B${i}` })];
      await pushOne(volunteer, [mutable('hamlet', ha)]);
      await pushOne(other, [mutable('hamlet', hb)]);
      expected.push(ha.id, hb.id);
    }

    const pulled = await pullAll(coordinator, 3);

    expect(pulled.map((c) => c.record.id)).toEqual(expected);
    expect(pulled.map((c) => c.seq)).toEqual([...pulled.map((c) => c.seq)].sort((a, b) => a - b));
  });
});
