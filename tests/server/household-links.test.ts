import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from '../../src/shared/ids.ts';
import {
  CODE_ALPHABET,
  CODE_BITS,
  CODE_LENGTH,
  expectedYearsPerHit,
  formatLinkCode,
  generateLinkCode,
  normalizeLinkCode,
  SUBMIT_LIMIT_PER_IP,
} from '../../src/shared/household-link.ts';
import type { Hamlet, Household } from '../../src/shared/records.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, type TestUser } from '../support/server-fixtures.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let volunteerA: TestUser;
let volunteerB: TestUser;
let h1: Hamlet;
let hh: Household;
let hhB: Household;

const ANSWERS = { 'vneid-install': 'alone', 'vneid-level2': 'with-help', 'safety-never-share-otp': 'not-yet' } as const;
const submission = (over: Record<string, unknown> = {}) => ({
  id: uuidv7(), answeredAt: '2026-11-22T09:00:00.000+07:00', answers: ANSWERS, ...over,
});

async function push(user: TestUser, changes: unknown[]) {
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: user.auth, payload: { deviceId: 'device-links', changes } });
  expect(res.statusCode).toBe(200);
  return res.json().results as { status: string }[];
}

async function createLink(user: TestUser, householdId: string) {
  return app.inject({ method: 'POST', url: '/api/household-links', headers: user.auth, payload: { householdId } });
}

async function pullAll(user: TestUser) {
  const res = await app.inject({ method: 'GET', url: '/api/sync/pull?after=0&limit=2000', headers: user.auth });
  expect(res.statusCode).toBe(200);
  return res.json().changes as { seq: number; entity: string; record: Record<string, unknown> }[];
}

beforeAll(async () => {
  testDb = await openTestDatabase();
  // A generous per-IP budget here; the rate-limit tests build their own app with small budgets.
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, linkRequestsPerIpPerHour: 10_000, linkRequestsPerCodePerHour: 10_000 });
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, '14845') });
  volunteerB = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, '14848') });
  h1 = hamlet('14845', { name: 'Bản Đôn' });
  hh = household(h1, { headName: 'Hà Văn Thắng', phone: '0912345678' });
  const hB = hamlet('14848');
  hhB = household(hB);
  expect((await push(volunteerA, [
    { entity: 'hamlet', baseVersion: 0, record: h1 },
    { entity: 'household', baseVersion: 0, record: hh },
  ])).map((r) => r.status)).toEqual(['applied', 'applied']);
  expect((await push(volunteerB, [
    { entity: 'hamlet', baseVersion: 0, record: hB },
    { entity: 'household', baseVersion: 0, record: hhB },
  ])).map((r) => r.status)).toEqual(['applied', 'applied']);
});
afterAll(async () => {
  await app?.close();
  await testDb?.close();
});

describe('link codes', () => {
  it('draw 13 symbols of Crockford base32, 65 bits, printed in groups of four', () => {
    const code = generateLinkCode();
    expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`));
    expect(CODE_BITS).toBeGreaterThanOrEqual(50);
    expect(formatLinkCode('K7QM4XPD9T2WR')).toBe('K7QM-4XPD-9T2W-R');
    // Every symbol is drawn: 2,000 codes use the whole alphabet, never a look-alike letter.
    const seen = new Set(Array.from({ length: 2000 }, generateLinkCode).join(''));
    expect([...seen].sort().join('')).toBe(CODE_ALPHABET);
  });

  it('read back what people type: case, spaces, dashes, and O/I/L read as 0/1', () => {
    expect(normalizeLinkCode(' k7qm-4xpd 9t2w-r ')).toBe('K7QM4XPD9T2WR');
    expect(normalizeLinkCode('K7QM-4XPD-9T2W-O')).toBe('K7QM4XPD9T2W0');
    expect(normalizeLinkCode('ilQM-4XPD-9T2W-R')).toBe('11QM4XPD9T2WR');
    expect(normalizeLinkCode('K7QM-4XPD-9T2W')).toBeNull();
    expect(normalizeLinkCode('K7QM-4XPD-9T2W-U')).toBeNull();
  });

  it('cannot be guessed in practice: at the per-IP limit, one client needs over a million years per hit', () => {
    // 2^65 codes; even with ten million live codes, a hit takes 2^65 / 10^7 ≈ 3.7·10^12 guesses on average, which at
    // SUBMIT_LIMIT_PER_IP (30) guesses an hour is ≈ 1.4·10^7 years.
    const liveCodes = 10_000_000;
    const years = expectedYearsPerHit(liveCodes);
    expect(years).toBeCloseTo(2 ** 65 / liveCodes / SUBMIT_LIMIT_PER_IP / 8766, -3);
    expect(years).toBeGreaterThan(1e6);
    // Even a thousand IPs together stay above ten thousand years.
    expect(expectedYearsPerHit(liveCodes, SUBMIT_LIMIT_PER_IP * 1000)).toBeGreaterThan(1e4);
  });
});

describe('creating and revoking links', () => {
  it('a volunteer in scope creates a link: the code comes back once, with the hamlet name', async () => {
    const res = await createLink(volunteerA, hh.id);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(normalizeLinkCode(body.code)).toBe(body.code);
    expect(body).toMatchObject({ householdId: hh.id, hamletName: 'Bản Đôn' });
    const list = await app.inject({ method: 'GET', url: `/api/households/${hh.id}/links`, headers: volunteerA.auth });
    expect(list.statusCode).toBe(200);
    const links = list.json().links as { id: string; hint: string }[];
    const mine = links.find((l) => l.id === body.id);
    expect(mine).toMatchObject({ hint: body.code.slice(-4), revokedAt: null });
    expect(list.body).not.toContain(body.code);
  });

  it('stores only a hash of the code', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const rows = await testDb.database.query<{ code_hash: string; hint: string }>('SELECT code_hash, hint FROM household_links');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it('answers 403 to a volunteer of another commune, for creating, listing and revoking', async () => {
    expect((await createLink(volunteerB, hh.id)).statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: `/api/households/${hh.id}/links`, headers: volunteerB.auth });
    expect(list.statusCode).toBe(403);
    expect(list.json()).toMatchObject({ code: 'auth.forbidden' });
    const { id } = (await createLink(volunteerA, hh.id)).json();
    const revoke = await app.inject({ method: 'POST', url: `/api/household-links/${id}/revoke`, headers: volunteerB.auth });
    expect(revoke.statusCode).toBe(403);
  });

  it('answers 401 without a token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/household-links', payload: { householdId: hh.id } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'auth.required' });
    const revoke = await app.inject({ method: 'POST', url: `/api/household-links/${uuidv7()}/revoke` });
    expect(revoke.statusCode).toBe(401);
  });

  it('answers 404 for a household the server has not received yet, and 400 for a malformed id', async () => {
    const unknown = await createLink(volunteerA, uuidv7());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not-found' });
    const bad = await createLink(volunteerA, 'not-an-id');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'request.invalid', fields: { householdId: 'invalidId' } });
  });

  it('a revoked code stops working and answers exactly as an unknown code does', async () => {
    const { id, code } = (await createLink(volunteerA, hh.id)).json();
    expect((await app.inject({ method: 'GET', url: `/api/links/${code}` })).statusCode).toBe(200);
    const revoke = await app.inject({ method: 'POST', url: `/api/household-links/${id}/revoke`, headers: volunteerA.auth });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();

    const revoked = await app.inject({ method: 'POST', url: `/api/links/${code}/self-checks`, payload: submission() });
    const unknownCode = generateLinkCode();
    const unknown = await app.inject({ method: 'POST', url: `/api/links/${unknownCode}/self-checks`, payload: submission() });
    expect(revoked.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(revoked.body).toBe(unknown.body);
    const lookupRevoked = await app.inject({ method: 'GET', url: `/api/links/${code}` });
    const lookupUnknown = await app.inject({ method: 'GET', url: `/api/links/${unknownCode}` });
    expect(lookupRevoked.statusCode).toBe(404);
    expect(lookupRevoked.body).toBe(lookupUnknown.body);
    expect(lookupRevoked.json()).toMatchObject({ code: 'link.not-found' });
  });
});

describe('a resident sends a self-check through a link', () => {
  it('the lookup reveals the hamlet name and nothing about the household', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const res = await app.inject({ method: 'GET', url: `/api/links/${formatLinkCode(code).toLowerCase()}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ hamletName: 'Bản Đôn' });
    expect(res.body).not.toContain(hh.headName);
    expect(res.body).not.toContain(hh.id);
  });

  it('is stored once as a self-check of the household, which volunteers of its commune pull', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const sent = submission();
    const first = await app.inject({ method: 'POST', url: `/api/links/${code}/self-checks`, payload: sent });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'applied' });
    // Sent again (a retry after a lost answer): a duplicate, not a second self-check.
    const again = await app.inject({ method: 'POST', url: `/api/links/${formatLinkCode(code)}/self-checks`, payload: sent });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });

    const pulled = (await pullAll(volunteerA)).filter((c) => c.entity === 'self-check' && c.record.id === sent.id);
    expect(pulled).toHaveLength(1);
    expect(pulled[0]?.record).toMatchObject({
      householdId: hh.id, hamletId: h1.id, communeCode: '14845', provinceCode: '38', answers: ANSWERS,
      answeredAt: sent.answeredAt,
    });
    expect((await pullAll(volunteerB)).some((c) => c.entity === 'self-check')).toBe(false);
  });

  it('the same id with other answers is a conflict, and the stored self-check is kept', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const sent = submission();
    expect((await app.inject({ method: 'POST', url: `/api/links/${code}/self-checks`, payload: sent })).json()).toEqual({ status: 'applied' });
    const other = await app.inject({
      method: 'POST', url: `/api/links/${code}/self-checks`, payload: { ...sent, answers: { 'vneid-install': 'not-yet' } },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'sync.id-conflict' });
    const stored = (await pullAll(volunteerA)).find((c) => c.record.id === sent.id);
    expect(stored?.record.answers).toEqual(ANSWERS);
  });

  it('refuses bad input with 4xx Problems, never 5xx', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const cases: { payload: unknown; status: number; problem: string }[] = [
      { payload: submission({ answers: {} }), status: 400, problem: 'request.invalid' },
      { payload: submission({ answers: { 'not-a-skill': 'alone' } }), status: 400, problem: 'request.unknown-field' },
      { payload: submission({ answers: { 'vneid-install': 'maybe' } }), status: 400, problem: 'request.invalid' },
      { payload: submission({ id: 'abc' }), status: 400, problem: 'request.invalid' },
      { payload: submission({ answeredAt: 'yesterday' }), status: 400, problem: 'request.invalid' },
      { payload: submission({ householdId: hh.id }), status: 400, problem: 'request.unknown-field' },
      { payload: [], status: 400, problem: 'request.invalid' },
    ];
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', url: `/api/links/${code}/self-checks`, payload: c.payload as object });
      expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: c.status, code: c.problem });
    }
    const malformed = await app.inject({
      method: 'POST', url: `/api/links/${code}/self-checks`, headers: { 'content-type': 'application/json' }, payload: '{"id":',
    });
    expect(malformed.statusCode).toBe(400);
    const badCode = await app.inject({ method: 'POST', url: '/api/links/not-a-code/self-checks', payload: submission() });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json()).toMatchObject({ code: 'request.invalid', fields: { code: 'invalid' } });
    const huge = await app.inject({
      method: 'POST', url: `/api/links/${code}/self-checks`,
      payload: submission({ padding: 'x'.repeat(20_000) }),
    });
    expect(huge.statusCode).toBe(413);
  });

  it('a household deleted after its card was printed takes no more self-checks', async () => {
    const gone = household(h1, { headName: 'Lường Thị Xuân' });
    await push(volunteerA, [{ entity: 'household', baseVersion: 0, record: gone }]);
    const { code } = (await createLink(volunteerA, gone.id)).json();
    await push(volunteerA, [{ entity: 'household', baseVersion: 1, record: { ...gone, deleted: true } }]);
    const res = await app.inject({ method: 'POST', url: `/api/links/${code}/self-checks`, payload: submission() });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'link.not-found' });
  });
});

describe('rate limits on the public endpoints', () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await buildTestApp(testDb.database, { linkRequestsPerIpPerHour: 5, linkRequestsPerCodePerHour: 3 });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers 429 rate-limited with Retry-After once a code has had its hourly budget, from any IP', async () => {
    const { code } = (await createLink(volunteerA, hh.id)).json();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.inject({
        method: 'POST', url: `/api/links/${code}/self-checks`, payload: submission(), remoteAddress: `10.0.0.${i + 1}`,
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json()).toMatchObject({ code: 'rate-limited', status: 429 });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('answers 429 once one IP has spent its budget, whatever codes it tries', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await limited.inject({ method: 'GET', url: `/api/links/${generateLinkCode()}`, remoteAddress: '10.9.9.9' });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const otherIp = await limited.inject({ method: 'GET', url: `/api/links/${generateLinkCode()}`, remoteAddress: '10.9.9.10' });
    expect(otherIp.statusCode).toBe(404);
  });
});
