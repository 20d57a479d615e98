import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createUser, hamlet, type TestUser } from '../support/server-fixtures.ts';
import { serializeError } from '../../src/server/logger.ts';
import { loggerOptions } from '../../src/server/logger.ts';
import { CccdKeyError, createCccdCipher, loadCccdKey } from '../../src/server/services/cccd-crypto.ts';
import { EnvError, parseEnv } from '../../src/server/env.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoIfEmpty, DEMO_TEAM_MEMBERS } from '../../src/server/services/demo-seed.ts';
import { memberInputSchema } from '../../src/shared/roster.ts';

const A = '14956'; // Xã Pù Luông, Thanh Hóa (province 38)
const A2 = '14845'; // another commune of Thanh Hóa
const B = '00004'; // Phường Ba Đình, Hà Nội (province 01)
const KEY = randomBytes(32);

const CCCD = '038088004512'; // a man born in 1988 in Thanh Hóa
const PHONE = '0912345678';

let testDb: TestDatabase;
let app: FastifyInstance;
const logLines: string[] = [];
let admin: TestUser;
let coordA: TestUser; // commune coordinator of A
let provinceCoord: TestUser; // coordinator of the whole province 38
let coordB: TestUser;
let leaderA: TestUser;
let volunteerA: TestUser;
let teamA: string;
let teamB: string;

const as = (user: TestUser, options: InjectOptions) => app.inject({ ...options, headers: { ...user.auth, ...options.headers } });

const member = (over: Record<string, unknown> = {}) => ({
  fullName: 'Lò Văn Thắng', cccd: CCCD, phone: PHONE, birthYear: 1988, sex: 'male', affiliation: 'youth-union', role: 'leader', ...over,
});

async function createTeam(user: TestUser, name: string, communeCode: string, hamletId: string | null = null): Promise<string> {
  const res = await as(user, { method: 'POST', url: '/api/teams', payload: { name, communeCode, hamletId } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().team.id as string;
}

async function addMember(user: TestUser, teamId: string, over: Record<string, unknown> = {}) {
  return as(user, { method: 'POST', url: `/api/teams/${teamId}/members`, payload: member(over) });
}

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, {
    loginPerIpPerMinute: 10_000,
    cccdKey: KEY,
    // Every request logged at the most verbose level, to prove no CCCD or phone reaches the log.
    logger: { ...(loggerOptions('trace') as object), stream: { write: (line: string) => void logLines.push(line) } },
  });
  admin = await createUser(app, testDb.database, 'admin', { kind: 'all' });
  coordA = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: A });
  provinceCoord = await createUser(app, testDb.database, 'coordinator', { kind: 'province', code: '38' });
  coordB = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: B });
  teamA = await createTeam(coordA, 'Tổ công nghệ số Pù Luông', A);
  teamB = await createTeam(admin, 'Tổ công nghệ số Ba Đình', B);
  leaderA = await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: teamA });
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamA });
});

afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('roster endpoints', () => {
  it('answer 401 auth.required without a token', async () => {
    const id = '01900000-0000-7000-8000-000000000000';
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/api/teams' },
      { method: 'POST', url: '/api/teams', payload: { name: 'Tổ', communeCode: A } },
      { method: 'GET', url: `/api/teams/${id}` },
      { method: 'PATCH', url: `/api/teams/${id}`, payload: { name: 'Tổ' } },
      { method: 'DELETE', url: `/api/teams/${id}` },
      { method: 'POST', url: `/api/teams/${id}/members`, payload: member() },
      { method: 'PATCH', url: `/api/teams/${id}/members/${id}`, payload: { fullName: 'A' } },
      { method: 'DELETE', url: `/api/teams/${id}/members/${id}` },
      { method: 'POST', url: `/api/teams/${id}/members/${id}/reveal` },
      { method: 'GET', url: '/api/areas/communes' },
      { method: 'GET', url: `/api/areas/communes/${A}/hamlets` },
    ];
    for (const request of requests) {
      const res = await app.inject(request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth.required' });
    }
  });

  it('appear in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/teams', '/api/teams/{teamId}', '/api/teams/{teamId}/members', '/api/teams/{teamId}/members/{memberId}',
      '/api/teams/{teamId}/members/{memberId}/reveal', '/api/areas/communes',
    ]));
    expect(JSON.stringify(doc.paths['/api/teams/{teamId}/members']?.post)).toContain('affiliation');
  });
});

describe('teams', () => {
  it('lists the teams of the caller’s scope in Vietnamese alphabetical order', async () => {
    for (const name of ['Tổ Đông', 'Tổ Bắc', 'Tổ Ánh']) await createTeam(coordA, name, A);
    const res = await as(coordA, { method: 'GET', url: '/api/teams' });
    expect(res.statusCode).toBe(200);
    const names = (res.json().teams as { name: string; communeCode: string }[]).map((t) => t.name);
    expect(names).toEqual(['Tổ Ánh', 'Tổ Bắc', 'Tổ công nghệ số Pù Luông', 'Tổ Đông']);
    expect(res.json().canCreate).toBe(true);
  });

  it('names the commune of each team from the 2025 list', async () => {
    const res = await as(admin, { method: 'GET', url: '/api/teams' });
    const pl = (res.json().teams as { id: string; communeName: string; provinceCode: string }[]).find((t) => t.id === teamA);
    expect(pl).toMatchObject({ communeName: expect.stringMatching(/^Xã Pù Luông, Tỉnh Thanh Ho[áa]/), provinceCode: '38' });
  });

  it('shows a team leader and a volunteer their own team only, and lets neither create one', async () => {
    for (const user of [leaderA, volunteerA]) {
      const res = await as(user, { method: 'GET', url: '/api/teams' });
      expect((res.json().teams as { id: string }[]).map((t) => t.id)).toEqual([teamA]);
      expect(res.json().canCreate).toBe(false);
    }
    const create = await as(leaderA, { method: 'POST', url: '/api/teams', payload: { name: 'Tổ mới', communeCode: A } });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it('refuses a coordinator of commune A any access to a team of commune B', async () => {
    const list = await as(coordA, { method: 'GET', url: '/api/teams' });
    expect((list.json().teams as { id: string }[]).map((t) => t.id)).not.toContain(teamB);
    const attempts: InjectOptions[] = [
      { method: 'GET', url: `/api/teams/${teamB}` },
      { method: 'PATCH', url: `/api/teams/${teamB}`, payload: { name: 'Đổi tên' } },
      { method: 'DELETE', url: `/api/teams/${teamB}` },
      { method: 'POST', url: `/api/teams/${teamB}/members`, payload: member() },
      { method: 'POST', url: '/api/teams', payload: { name: 'Tổ lạ', communeCode: B } },
      { method: 'GET', url: `/api/areas/communes/${B}/hamlets` },
    ];
    for (const request of attempts) {
      const res = await as(coordA, request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
    }
    // And the other way round.
    expect((await as(coordB, { method: 'GET', url: `/api/teams/${teamA}` })).statusCode).toBe(403);
    expect((await as(coordB, { method: 'GET', url: '/api/teams' })).json().teams).toEqual([expect.objectContaining({ id: teamB })]);
  });

  it('lets a team leader rename the team and choose its hamlet, but not a hamlet of another commune', async () => {
    const h = hamlet(A, { name: 'Bản Đôn' });
    const other = hamlet(A2, { name: 'Thôn Xa' });
    const push = await as(admin, {
      method: 'POST', url: '/api/sync/push',
      payload: { deviceId: 'device-teams', changes: [{ entity: 'hamlet', baseVersion: 0, record: h }, { entity: 'hamlet', baseVersion: 0, record: other }] },
    });
    expect(push.statusCode).toBe(200);
    const renamed = await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}`, payload: { name: 'Tổ CNSCĐ Pù Luông', hamletId: h.id } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().team).toMatchObject({ name: 'Tổ CNSCĐ Pù Luông', hamletId: h.id, hamletName: 'Bản Đôn' });
    const wrong = await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}`, payload: { hamletId: other.id } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'request.invalid', fields: { hamletId: 'notFound' } });
    const hamlets = await as(leaderA, { method: 'GET', url: `/api/areas/communes/${A}/hamlets` });
    expect(hamlets.json().hamlets).toEqual([{ id: h.id, name: 'Bản Đôn' }]);
  });

  it('offers each user the communes of their scope only', async () => {
    const own = await as(coordA, { method: 'GET', url: '/api/areas/communes' });
    expect((own.json().communes as { code: string }[]).map((c) => c.code)).toEqual([A]);
    const province = (await as(provinceCoord, { method: 'GET', url: '/api/areas/communes' })).json().communes as { code: string; provinceCode: string; name: string }[];
    expect(province.length).toBeGreaterThan(100);
    expect(province.every((c) => c.provinceCode === '38')).toBe(true);
    const names = province.map((c) => c.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('vi').compare));
  });

  it('does not delete a team while user accounts belong to it, and deletes an empty one', async () => {
    const busy = await as(coordA, { method: 'DELETE', url: `/api/teams/${teamA}` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ code: 'roster.team-has-accounts' });
    const spare = await createTeam(coordA, 'Tổ tạm', A);
    expect((await as(leaderA, { method: 'DELETE', url: `/api/teams/${spare}` })).statusCode).toBe(403);
    expect((await as(coordA, { method: 'DELETE', url: `/api/teams/${spare}` })).statusCode).toBe(204);
    expect((await as(coordA, { method: 'GET', url: `/api/teams/${spare}` })).statusCode).toBe(404);
  });
});

describe('members', () => {
  let memberId: string;

  it('adds a member and answers with the CCCD and phone masked', async () => {
    const res = await addMember(leaderA, teamA);
    expect(res.statusCode, res.body).toBe(201);
    memberId = res.json().member.id;
    expect(res.json().member).toMatchObject({ fullName: 'Lò Văn Thắng', cccd: '038******512', phone: '0912•••678', role: 'leader' });
    const detail = await as(coordA, { method: 'GET', url: `/api/teams/${teamA}` });
    expect(detail.json().members).toEqual([expect.objectContaining({ id: memberId, cccd: '038******512', phone: '0912•••678' })]);
    expect(detail.body).not.toContain(CCCD);
    expect(detail.body).not.toContain(PHONE);
  });

  it('stores the CCCD encrypted: the row holds neither its digits nor its last nine', async () => {
    const rows = await testDb.database.query<Record<string, unknown>>('SELECT * FROM team_members WHERE id = $1', [memberId]);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(CCCD);
    expect(stored).not.toContain(CCCD.slice(3));
    expect(String(rows[0]!.cccd_cipher)).toMatch(/^v1\./);
    // The HMAC is keyed: the plain SHA-256 of the number is not what is stored.
    const { createHash } = await import('node:crypto');
    expect(rows[0]!.cccd_hmac).not.toBe(createHash('sha256').update(CCCD).digest('hex'));
    expect(createCccdCipher(KEY).decrypt(String(rows[0]!.cccd_cipher), memberId)).toBe(CCCD);
  });

  it('shows the whole numbers to the team leader and the commune coordinator, and records each time without them', async () => {
    for (const user of [leaderA, coordA, admin]) {
      const res = await as(user, { method: 'POST', url: `/api/teams/${teamA}/members/${memberId}/reveal` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ cccd: CCCD, phone: PHONE });
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const audit = await testDb.database.query<{ action: string; user_id: string; detail: unknown }>(
      "SELECT action, user_id::text AS user_id, detail FROM roster_audit WHERE action = 'member.reveal' AND member_id = $1",
      [memberId],
    );
    expect(audit.map((a) => a.user_id).sort()).toEqual([leaderA.id, coordA.id, admin.id].sort());
    expect(JSON.stringify(audit)).not.toContain(CCCD.slice(3));
  });

  it('never shows the whole numbers to a province coordinator or a volunteer', async () => {
    for (const user of [provinceCoord, volunteerA]) {
      const res = await as(user, { method: 'POST', url: `/api/teams/${teamA}/members/${memberId}/reveal` });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(CCCD);
    }
    const detail = await as(provinceCoord, { method: 'GET', url: `/api/teams/${teamA}` });
    expect(detail.json().permissions).toEqual({ manageTeam: true, deleteTeam: true, editMembers: true, reveal: false });
  });

  it('lets a volunteer read the team’s list masked but never change it', async () => {
    const read = await as(volunteerA, { method: 'GET', url: `/api/teams/${teamA}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().permissions).toEqual({ manageTeam: false, deleteTeam: false, editMembers: false, reveal: false });
    expect(read.json().members[0].cccd).toBe('038******512');
    const writes: InjectOptions[] = [
      { method: 'POST', url: `/api/teams/${teamA}/members`, payload: member({ cccd: '038095003817', birthYear: 1995 }) },
      { method: 'PATCH', url: `/api/teams/${teamA}/members/${memberId}`, payload: { fullName: 'Tên khác' } },
      { method: 'DELETE', url: `/api/teams/${teamA}/members/${memberId}` },
      { method: 'PATCH', url: `/api/teams/${teamA}`, payload: { name: 'Tổ của tôi' } },
    ];
    for (const request of writes) {
      const res = await as(volunteerA, request);
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(403);
    }
    expect((await as(volunteerA, { method: 'GET', url: `/api/teams/${teamB}` })).statusCode).toBe(403);
  });

  it('refuses a CCCD already listed in the same commune, even in another team', async () => {
    const otherTeam = await createTeam(coordA, 'Tổ thứ hai', A);
    const res = await addMember(coordA, otherTeam, { fullName: 'Người khác' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'roster.duplicate-cccd', fields: { cccd: 'cccdDuplicate' } });
    // Another commune keeps its own list.
    expect((await addMember(admin, teamB)).statusCode).toBe(201);
  });

  it('refuses a CCCD that disagrees with the birth year, beside the CCCD field', async () => {
    const res = await addMember(leaderA, teamA, { cccd: '038095003817', birthYear: 1996, role: 'member' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid', fields: { cccd: 'cccdBirthYear' } });
  });

  it('edits a member: keeps the stored CCCD when none is sent, and checks the merged member', async () => {
    const renamed = await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}/members/${memberId}`, payload: { fullName: 'Lò Văn Thắng B', affiliation: 'school' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().member).toMatchObject({ fullName: 'Lò Văn Thắng B', affiliation: 'school', cccd: '038******512' });

    const badYear = await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}/members/${memberId}`, payload: { birthYear: 1990 } });
    expect(badYear.statusCode).toBe(400);
    expect(badYear.json().fields).toEqual({ cccd: 'cccdBirthYear' });

    const newNumber = await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}/members/${memberId}`, payload: { cccd: '038090001122', birthYear: 1990 } });
    expect(newNumber.statusCode, newNumber.body).toBe(200);
    expect(newNumber.json().member.cccd).toBe('038******122');
  });

  it('removes a member', async () => {
    const extra = await addMember(leaderA, teamA, { fullName: 'Vi Thị Lan', cccd: '038301002946', birthYear: 2001, sex: 'female', role: 'member', phone: '0900000007' });
    const id = extra.json().member.id as string;
    expect((await as(leaderA, { method: 'DELETE', url: `/api/teams/${teamA}/members/${id}` })).statusCode).toBe(204);
    const detail = await as(leaderA, { method: 'GET', url: `/api/teams/${teamA}` });
    expect((detail.json().members as { id: string }[]).map((m) => m.id)).not.toContain(id);
    expect((await as(leaderA, { method: 'DELETE', url: `/api/teams/${teamA}/members/${id}` })).statusCode).toBe(404);
  });
});

describe('bad input', () => {
  const cases: [string, () => Promise<{ statusCode: number; json(): unknown }>, number, string][] = [
    ['a team id that is not a uuid', () => as(admin, { method: 'GET', url: '/api/teams/abc' }), 400, 'request.invalid'],
    ['an unknown team', () => as(admin, { method: 'GET', url: '/api/teams/01900000-0000-7000-8000-00000000abcd' }), 404, 'not-found'],
    ['an unknown commune', () => as(admin, { method: 'POST', url: '/api/teams', payload: { name: 'Tổ', communeCode: '99999' } }), 400, 'request.invalid'],
    ['an unknown field', () => as(admin, { method: 'POST', url: '/api/teams', payload: { name: 'Tổ', communeCode: A, leader: 'x' } }), 400, 'request.unknown-field'],
    ['a member without a body', () => as(admin, { method: 'POST', url: `/api/teams/${teamA}/members` }), 400, 'request.invalid'],
    ['a member with wrong types', () => as(admin, { method: 'POST', url: `/api/teams/${teamA}/members`, payload: { fullName: 7, cccd: 38088004512, phone: true, affiliation: 1, role: [] } }), 400, 'request.invalid'],
    ['malformed JSON', () => as(admin, { method: 'POST', url: `/api/teams/${teamA}/members`, headers: { 'content-type': 'application/json' }, payload: '{"fullName": ' }), 400, 'request.malformed-json'],
    ['an eleven-digit CCCD', () => as(admin, { method: 'POST', url: `/api/teams/${teamA}/members`, payload: member({ cccd: '03808800451' }) }), 400, 'request.invalid'],
    ['an unknown member', () => as(admin, { method: 'PATCH', url: `/api/teams/${teamA}/members/01900000-0000-7000-8000-00000000abcd`, payload: { fullName: 'A' } }), 404, 'not-found'],
    ['a commune code that is not five digits', () => as(admin, { method: 'GET', url: '/api/areas/communes/149/hamlets' }), 400, 'request.invalid'],
  ];
  for (const [name, send, status, code] of cases) {
    it(`refuses ${name} with ${status} ${code}`, async () => {
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ status, code });
    });
  }

  it('points at each bad field of a member with its message key', async () => {
    const res = await addMember(leaderA, teamA, { cccd: '099088004512', phone: 'abc', fullName: '' });
    expect(res.json().fields).toEqual({ cccd: 'cccdProvince', phone: 'phoneInvalid', fullName: 'required' });
  });

  it('answers 503, storing nothing, on a server started without a CCCD key', async () => {
    const keyless = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000 });
    try {
      const res = await keyless.inject({ method: 'POST', url: `/api/teams/${teamA}/members`, headers: leaderA.auth, payload: member({ cccd: '038095003817', birthYear: 1995 }) });
      expect(res.statusCode).toBe(503);
      const rows = await testDb.database.query<{ n: number }>("SELECT count(*)::int AS n FROM team_members WHERE full_name = 'Lò Văn Thắng' AND birth_year = 1995");
      expect(rows[0]!.n).toBe(0);
    } finally {
      await keyless.close();
    }
  });
});

describe('logs', () => {
  it('never contain a CCCD or a member’s phone, whatever was done', async () => {
    const secretCccd = '038199006241';
    const secretPhone = '0977123456';
    const start = logLines.length;
    const added = await addMember(leaderA, teamA, { fullName: 'Lương Thị Hoa', cccd: secretCccd, phone: secretPhone, birthYear: 1999, sex: 'female', role: 'member' });
    expect(added.statusCode).toBe(201);
    const id = added.json().member.id as string;
    await as(leaderA, { method: 'POST', url: `/api/teams/${teamA}/members/${id}/reveal` });
    await addMember(leaderA, teamA, { cccd: secretCccd, phone: secretPhone, birthYear: 1999, sex: 'female' }); // duplicate → 409
    await addMember(leaderA, teamA, { cccd: secretCccd, phone: secretPhone, birthYear: 1998 }); // disagreement → 400
    await as(leaderA, { method: 'PATCH', url: `/api/teams/${teamA}/members/${id}`, payload: { cccd: secretCccd, phone: secretPhone } });
    const logged = logLines.slice(start).join('\n');
    expect(logLines.length).toBeGreaterThan(start + 5);
    expect(logged).not.toContain(secretCccd);
    expect(logged).not.toContain(secretPhone);
    expect(logged).not.toContain(secretPhone.slice(1));
  });

  it('cut the parameters of a failed query and long digit runs from a logged error', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: 'Failing row contains (0977123456)' });
    const error = new Error('Failed query: insert into team_members values ($1, $2)\nparams: 038199006241,0977123456', { cause });
    const logged = JSON.stringify(serializeError(error));
    expect(logged).not.toContain('038199006241');
    expect(logged).not.toContain('0977123456');
    expect(logged).toContain('23505');
    expect(logged).toContain('Failed query');
  });
});

describe('the demo seed', () => {
  it('lists the demo team’s members with CCCDs that pass every rule', async () => {
    const fresh = await openTestDatabase();
    try {
      expect(await seedDemoIfEmpty(fresh.database.db, { cccdKey: KEY })).toBe(true);
      const rows = await fresh.database.query<{ id: string; cccd_cipher: string; birth_year: number; sex: string }>(
        'SELECT id::text AS id, cccd_cipher, birth_year, sex FROM team_members',
      );
      expect(rows).toHaveLength(DEMO_TEAM_MEMBERS.length);
      const cipher = createCccdCipher(KEY);
      for (const r of rows) {
        const cccd = cipher.decrypt(r.cccd_cipher, r.id);
        expect(cccd.slice(0, 3)).toBe('038');
        const input = DEMO_TEAM_MEMBERS.find((m) => m.cccd === cccd)!;
        expect(memberInputSchema.safeParse(input).success).toBe(true);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('the CCCD key', () => {
  it('refuses to start with DATABASE_URL and no CCCD_KEY, saying what to do', () => {
    expect(() => loadCccdKey({ DATABASE_URL: 'postgres://u@h/db', DATA_DIR: './data' }, '/')).toThrow(CccdKeyError);
    expect(() => loadCccdKey({ DATABASE_URL: 'postgres://u@h/db', DATA_DIR: './data' }, '/')).toThrow(/CCCD_KEY.*openssl rand -base64 32/s);
  });

  it('on PGlite without CCCD_KEY, generates a key readable by the owner only, once, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tn-cccd-key-'));
    try {
      const first = loadCccdKey({ DATA_DIR: 'data' }, dir);
      expect(first.key).toHaveLength(32);
      expect(first.notice).toMatch(/cccd\.key/);
      expect(statSync(join(dir, 'data', 'cccd.key')).mode & 0o777).toBe(0o600);
      const again = loadCccdKey({ DATA_DIR: 'data' }, dir);
      expect(again.key.equals(first.key)).toBe(true);
      expect(again.notice).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes CCCD_KEY from the environment only as the base64 of 32 bytes', () => {
    const key = randomBytes(32).toString('base64');
    expect(loadCccdKey({ CCCD_KEY: key, DATABASE_URL: 'postgres://u@h/db', DATA_DIR: 'x' }, '/').key.toString('base64')).toBe(key);
    expect(parseEnv({ CCCD_KEY: key }).CCCD_KEY).toBe(key);
    expect(() => parseEnv({ CCCD_KEY: randomBytes(16).toString('base64') })).toThrow(EnvError);
    expect(() => parseEnv({ CCCD_KEY: 'not a key' })).toThrow(/CCCD_KEY/);
  });

  it('binds each ciphertext to its member: copied onto another member it does not decrypt', () => {
    const cipher = createCccdCipher(KEY);
    const stored = cipher.encrypt(CCCD, 'member-a');
    expect(cipher.decrypt(stored, 'member-a')).toBe(CCCD);
    expect(() => cipher.decrypt(stored, 'member-b')).toThrow();
    expect(cipher.encrypt(CCCD, 'member-a')).not.toBe(stored); // a fresh IV every time
    expect(cipher.hmac(CCCD)).toBe(createCccdCipher(KEY).hmac(CCCD));
    expect(cipher.hmac(CCCD)).not.toBe(createCccdCipher(randomBytes(32)).hmac(CCCD));
  });
});
